// What an armoured workspace's calendar shows of its sealed cards
// (docs/armoured.md, "Calendar"): the page's badge, why an event's card
// does not show (its keys are not here yet, it does not open, it is not
// signed by its author) or "author not verified", and the events that do
// not open here: they have no date this browser knows, so they are listed
// apart, each openable (to be deleted).
import type { CalendarEvent } from '../../../api';
import type { SealState } from '../../../armour/keys';
import { useArmourText } from '../../../armour/i18n';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { openedOf } from '../sealed';

/** The calendar's mark of an armoured workspace, with what the server still sees. */
export function SealedBadge() {
  const ta = useArmourText();
  return (
    <p className="cal-armoured" title={ta('calendar.badge_hint')}>
      <span className="tag tag--success">
        <Icon name="lock" size={12} />
        {ta('calendar.badge')}
      </span>
      <span className="visually-hidden"> {ta('calendar.badge_hint')}</span>
    </p>
  );
}

/**
 * Why a card does not show (with the reason on hover and for screen
 * readers); or, opened but its author's keys unknown here, "author not
 * verified". Nothing for a verified card or a plain event.
 */
export function SealedNote({ state }: { state: SealState | undefined }) {
  const ta = useArmourText();
  if (!state || (state.kind === 'open' && state.verified)) return null;
  if (state.kind === 'open') {
    return (
      <p className="cal-sealed sealed-state--unverified" title={ta('calendar.unverified_hint')}>
        {ta('calendar.unverified')}
        <span className="visually-hidden"> {ta('calendar.unverified_hint')}</span>
      </p>
    );
  }
  const [text, hint] =
    state.kind === 'pending'
      ? [ta('calendar.pending'), null]
      : state.kind === 'bad_signature'
        ? [ta('calendar.bad_signature'), ta('calendar.bad_signature_hint')]
        : [ta('calendar.unreadable'), ta('calendar.unreadable_hint')];
  return (
    <p className={`cal-sealed sealed-state--${state.kind}`} title={hint ?? undefined}>
      {text}
      {hint ? <span className="visually-hidden"> {hint}</span> : null}
    </p>
  );
}

/** The events whose cards do not open here (none: nothing), each a button opening its details. */
export function UnopenedEvents({
  events,
  onOpen,
}: {
  events: readonly CalendarEvent[];
  onOpen(id: string): void;
}) {
  const ta = useArmourText();
  const { dateTime } = useI18n();
  const unopened = events.filter((e) => {
    const kind = openedOf(e)?.card.kind;
    return kind === 'unreadable' || kind === 'bad_signature';
  });
  if (unopened.length === 0) return null;
  return (
    <details className="cal-unopened">
      <summary>{ta('calendar.unopened', { count: unopened.length })}</summary>
      <ul>
        {unopened.map((e) => (
          <li key={e.id}>
            <button type="button" className="link-btn" onClick={() => onOpen(e.id)}>
              {ta(
                openedOf(e)?.card.kind === 'bad_signature'
                  ? 'calendar.bad_signature'
                  : 'calendar.unreadable',
              )}
            </button>{' '}
            <span className="muted">{dateTime(e.updated_at)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
