// Invitations as people read them: an answer in words (with an icon, never
// by colour alone), an event's organizer and attendees, and an invitee's
// three answers (Accept, Maybe, Decline), the one given pressed.
import { useId } from 'react';
import type {
  CalendarAnswer,
  CalendarAttendee,
  CalendarPartstat,
  CalendarPerson,
} from '../../../api';
import { Button } from '../../../components/Button';
import { Tag } from '../../../components/Feedback';
import { Icon, type IconName } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { emailKey } from '../logic/draft';
import { ANSWERS, knownPartstat } from '../logic/invitations';

const LOOK: Record<
  CalendarPartstat,
  { tone: 'neutral' | 'warning' | 'success'; icon: IconName | null }
> = {
  'needs-action': { tone: 'neutral', icon: 'clock' },
  accepted: { tone: 'success', icon: 'check' },
  tentative: { tone: 'warning', icon: null },
  declined: { tone: 'neutral', icon: 'close' },
};

/** An answer in words: "Accepted", "Maybe", "Declined", "Not answered". */
export function PartstatTag({ partstat }: { partstat: CalendarPartstat }) {
  const { t } = useI18n();
  const p = knownPartstat(partstat) ?? 'needs-action';
  const look = LOOK[p];
  return (
    <Tag tone={look.tone}>
      {look.icon ? <Icon name={look.icon} size={12} /> : null}
      {t(`calendar.partstat.${p}`)}
    </Tag>
  );
}

const personName = (p: CalendarPerson) => p.name.trim() || p.email;

/** An event's organizer and attendees with their answers, as entries of its facts' list. */
export function EventPeople({
  organizer,
  attendees,
  me,
}: {
  organizer: CalendarPerson | null;
  attendees: readonly CalendarAttendee[];
  /** The reader's address (said "you"). */
  me?: string;
}) {
  const { t } = useI18n();
  const named = (p: CalendarPerson) =>
    me && emailKey(p.email) === emailKey(me)
      ? t('calendar.you', { name: personName(p) })
      : personName(p);
  return (
    <>
      {organizer ? (
        <>
          <dt>
            <Icon name="user" size={16} />
            <span className="visually-hidden">{t('calendar.organizer')}</span>
          </dt>
          <dd>{t('calendar.organized_by', { name: named(organizer) })}</dd>
        </>
      ) : null}
      {attendees.length ? (
        <>
          <dt>
            <Icon name="users" size={16} />
            <span className="visually-hidden">{t('calendar.attendees')}</span>
          </dt>
          <dd>
            <ul className="cal-people cal-people--read" aria-label={t('calendar.attendees')}>
              {attendees.map((a) => (
                <li key={emailKey(a.email)} className="cal-person">
                  <PersonWho name={named(a)} person={a} /> <PartstatTag partstat={a.partstat} />
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
    </>
  );
}

/** A person of an event as its lists show them: the name said, and the
 * address beside a name. */
export function PersonWho({ name, person }: { name: string; person: CalendarPerson }) {
  return (
    <span className="cal-person__who">
      <span className="cal-person__name">{name}</span>
      {person.name.trim() ? (
        <>
          {' '}
          <span className="cal-person__email">{person.email}</span>
        </>
      ) : null}
    </span>
  );
}

/**
 * The invitee's answers, the current one pressed; each sends at once.
 * `compact` (a list's entry, which says the answer itself): the buttons
 * alone, small, the group named after the event (`title`).
 */
export function ReplyButtons({
  current,
  busy,
  onReply,
  compact = false,
  title = '',
}: {
  current: CalendarPartstat | null;
  /** The answer being sent. */
  busy: CalendarAnswer | null;
  onReply(p: CalendarAnswer): void;
  compact?: boolean;
  /** The event's title (names the compact form's group). */
  title?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const answer = knownPartstat(current) ?? 'needs-action';
  const buttons = ANSWERS.map((p) => (
    <Button
      key={p}
      variant={answer === p ? 'primary' : 'secondary'}
      size={compact ? 'sm' : 'md'}
      aria-pressed={answer === p}
      busy={busy === p}
      disabled={busy !== null && busy !== p}
      onClick={() => onReply(p)}
    >
      {t(`calendar.reply.${p}`)}
    </Button>
  ));
  if (compact) {
    return (
      <div
        className="cal-reply__buttons cal-reply--compact"
        role="group"
        aria-label={t('calendar.reply_to', { title })}
      >
        {buttons}
      </div>
    );
  }
  return (
    <div className="cal-reply" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`} className="cal-reply__question">
        {t('calendar.reply_question')}
      </p>
      <p className="cal-reply__current">
        {t('calendar.your_answer')} <PartstatTag partstat={answer} />
      </p>
      <div className="cal-reply__buttons">{buttons}</div>
    </div>
  );
}
