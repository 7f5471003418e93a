// The people an event invites, as removable chips (with each one's answer
// for an event that has them), and a field to add more: colleagues of the
// workspace by name or address (suggested as one types, as the chat's
// mentions are), or any email address — in an armoured workspace only its
// members who read the calendar (the server tells them, and they open the
// card). The person's own calendar has no members: colleagues are found
// in the instance's directory as one types (`directory`). Never oneself,
// nor the organizer.
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { DirectoryEntry, Member } from '../../../api';
import { Icon } from '../../../components/Icon';
import { PeopleSuggestions, useSuggestionKeys } from '../../../components/PersonPicker';
import { useI18n } from '../../../i18n';
import { matchPeople } from '../../../mentions/mentions';
import { useDirectorySearch } from '../../../workspaces/directory';
import {
  attendeeProblem,
  emailKey,
  invitablePeople,
  inviteesOf,
  isEmailLike,
  MAX_ATTENDEES,
  withAttendee,
  withoutAttendee,
  type AttendeeProblem,
  type DraftAttendee,
  type EventDraft,
  type Uninvitable,
} from '../logic/draft';
import { PartstatTag, PersonWho } from './Attendance';

/** Suggestions shown at once. */
const SUGGESTED = 8;

/** A colleague from the directory, as the members the field offers. */
function asColleague(p: DirectoryEntry): Member {
  return {
    user_id: p.id,
    name: p.name,
    email: p.email,
    role: 'member',
    external: false,
    expires_at: null,
    rights: {},
  };
}

export function AttendeesField({
  draft,
  onChange,
  people: members,
  not,
  directory = false,
}: {
  draft: EventDraft;
  onChange(d: EventDraft): void;
  /** The workspace's members (who may be picked, but for `not`; members only with `not.membersOnly`). */
  people: readonly Member[];
  not: Uninvitable;
  /** Colleagues are also looked up in the directory by what is typed. */
  directory?: boolean;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<{ kind: AttendeeProblem; who: string } | null>(null);
  const found = useDirectorySearch(text, directory);
  const people = useMemo(
    () => (found.length ? [...members, ...found.map(asColleague)] : members),
    [members, found],
  );

  const invitable = useMemo(() => invitablePeople(people, draft, not), [people, draft, not]);
  // The same objects from one keystroke to the next: their names are folded once.
  const candidates = useMemo(
    () => invitable.map((m) => ({ id: m.user_id, name: m.name, email: m.email, member: m })),
    [invitable],
  );
  const matches = useMemo(
    () => (text.trim() ? matchPeople(candidates, text, SUGGESTED) : []),
    [candidates, text],
  );
  const open = matches.length > 0;
  const keys = useSuggestionKeys(matches);
  const { id, current, optionId } = keys;

  const add = (a: DraftAttendee) => {
    const why = attendeeProblem(draft, a, not);
    if (why) {
      setProblem({ kind: why, who: a.name || a.email.trim() });
      return;
    }
    onChange(withAttendee(draft, a));
    setText('');
    keys.reset();
    setProblem(null);
  };

  /**
   * What was typed: a colleague's own address adds them, any other address
   * as it is (refused where members only).
   */
  const addTyped = () => {
    const typed = text.trim();
    if (!typed) return;
    const colleague = inviteesOf(people, not).find((m) => emailKey(m.email) === emailKey(typed));
    add(
      colleague
        ? { user_id: colleague.user_id, email: colleague.email, name: colleague.name }
        : { email: typed, name: '' },
    );
  };

  const pick = (m: Member) => add({ user_id: m.user_id, email: m.email, name: m.name });

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !open) {
      // Adds what was typed; never submits the form.
      e.preventDefault();
      addTyped();
    } else
      keys.onKeyDown(e, {
        pick: (m) => pick(m.member),
        escape: () => setText(''),
        escapable: !!text,
      });
  };

  const problemText = problem
    ? problem.kind === 'too_many'
      ? t('calendar.attendee_problem.too_many', { max: MAX_ATTENDEES })
      : problem.kind === 'already'
        ? t('calendar.attendee_problem.already', { name: problem.who })
        : t(`calendar.attendee_problem.${problem.kind}`)
    : null;
  const described = [`${id}-hint`, problemText ? `${id}-error` : ''].filter(Boolean).join(' ');

  return (
    <fieldset className={['cal-attendees', problemText ? 'field--invalid' : ''].join(' ')}>
      <legend className="field__label">{t('calendar.attendees')}</legend>
      {draft.attendees.length ? (
        <ul className="cal-people" aria-label={t('calendar.attendees')}>
          {draft.attendees.map((a) => {
            const who = a.name.trim() || a.email;
            return (
              <li key={emailKey(a.email)} className="cal-person">
                <PersonWho name={who} person={a} />{' '}
                {a.partstat ? <PartstatTag partstat={a.partstat} /> : null}
                <button
                  type="button"
                  className="icon-btn cal-person__remove"
                  aria-label={t('calendar.attendee_remove', { name: who })}
                  title={t('calendar.attendee_remove', { name: who })}
                  onClick={() => {
                    onChange(withoutAttendee(draft, a.email));
                    setProblem(null);
                  }}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="cal-attendees__add">
        <label htmlFor={`${id}-input`} className="visually-hidden">
          {t('calendar.attendee_add_label')}
        </label>
        <div className="cal-attendees__combo">
          <input
            {...keys.combobox}
            className="input"
            type="text"
            inputMode={not.membersOnly ? 'text' : 'email'}
            placeholder={t(
              not.membersOnly
                ? 'calendar.attendee_placeholder_member'
                : 'calendar.attendee_placeholder',
            )}
            aria-describedby={described}
            aria-invalid={problemText ? true : undefined}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              keys.reset();
              setProblem(null);
            }}
            onKeyDown={onKeyDown}
          />
          <PeopleSuggestions
            id={`${id}-list`}
            optionId={optionId}
            label={t('calendar.attendee_suggestions')}
            people={open ? matches : []}
            current={current}
            onPick={(m) => pick(m.member)}
          />
        </div>
        <button
          type="button"
          className="btn btn--secondary"
          disabled={!text.trim()}
          onClick={() => {
            // An address is added as typed; a name, as the colleague suggested.
            const m = matches[current];
            if (!isEmailLike(text) && open && m) pick(m.member);
            else addTyped();
          }}
        >
          {t('calendar.attendee_add')}
        </button>
      </div>
      <p id={`${id}-hint`} className="field__hint">
        {t(not.membersOnly ? 'calendar.attendees_hint_members' : 'calendar.attendees_hint')}
      </p>
      {problemText ? (
        <p id={`${id}-error`} className="field__error">
          {problemText}
        </p>
      ) : null}
    </fieldset>
  );
}
