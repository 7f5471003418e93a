// Invitations as people read them: an answer in words (with an icon, never
// by colour alone), an event's organizer and attendees, and an invitee's
// three answers (Accept, Maybe, Decline), the one given pressed. For an
// occurrence of a recurring event, each attendee's answer is their answer
// to it (said so where it differs from their series' answer), and the
// invitee chooses whether to answer for it alone or for all occurrences
// (the same choice, with "this and following" besides, asks a writer what
// a change or a deletion is for); for the series, who answered some
// occurrences apart is said.
import { useId, useRef, useState } from 'react';
import type {
  CalendarAnswer,
  CalendarAttendee,
  CalendarInstanceAnswer,
  CalendarPartstat,
  CalendarPerson,
} from '../../../api';
import { Button } from '../../../components/Button';
import { Tag } from '../../../components/Feedback';
import { Icon, type IconName } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useDisclosure } from '../../../layout/useDisclosure';
import { emailKey } from '../logic/draft';
import {
  ANSWERS,
  answerOf,
  answersApart,
  knownPartstat,
  type Answers,
  type OccurrenceScope,
  type ReplyScope,
} from '../logic/invitations';

const LOOK: Record<
  CalendarPartstat,
  { tone: 'neutral' | 'warning' | 'success'; icon: IconName | null }
> = {
  'needs-action': { tone: 'neutral', icon: 'clock' },
  accepted: { tone: 'success', icon: 'check' },
  tentative: { tone: 'warning', icon: null },
  declined: { tone: 'neutral', icon: 'close' },
};

/**
 * An answer in words: "Accepted", "Maybe", "Declined", "Not answered";
 * `apart`: an answer to one occurrence that differs from the series'
 * ("Declined this occurrence").
 */
export function PartstatTag({
  partstat,
  apart = false,
}: {
  partstat: CalendarPartstat;
  apart?: boolean;
}) {
  const { t } = useI18n();
  const p = knownPartstat(partstat) ?? 'needs-action';
  const look = LOOK[p];
  return (
    <Tag tone={look.tone}>
      {look.icon ? <Icon name={look.icon} size={12} /> : null}
      {t(apart ? `calendar.partstat_occurrence.${p}` : `calendar.partstat.${p}`)}
    </Tag>
  );
}

const personName = (p: CalendarPerson) => p.name.trim() || p.email;

/**
 * An event's organizer and attendees with their answers, as entries of its
 * facts' list: to the occurrence `recurrenceId` names, else to the series.
 */
export function EventPeople({
  organizer,
  attendees,
  apart = [],
  recurrenceId = null,
  me,
}: {
  organizer: CalendarPerson | null;
  attendees: readonly CalendarAttendee[];
  /** The answers to single occurrences (a recurring event's `instance_answers`). */
  apart?: readonly CalendarInstanceAnswer[];
  /** The occurrence shown, by its `recurrence_id`; null: the series. */
  recurrenceId?: string | null;
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
                  <PersonWho name={named(a)} person={a} />{' '}
                  <AttendeeAnswer
                    attendee={a}
                    answers={{ attendees, instance_answers: apart }}
                    recurrenceId={recurrenceId}
                  />
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
    </>
  );
}

/**
 * An attendee's answer: to the occurrence shown (said so where it differs
 * from the series'), or to the series with how many occurrences they
 * answered apart.
 */
function AttendeeAnswer({
  attendee,
  answers,
  recurrenceId,
}: {
  attendee: CalendarAttendee;
  answers: Answers;
  recurrenceId: string | null;
}) {
  const { t } = useI18n();
  const series = knownPartstat(attendee.partstat) ?? 'needs-action';
  if (recurrenceId !== null) {
    const p = answerOf(answers, attendee.email, recurrenceId) ?? series;
    return <PartstatTag partstat={p} apart={p !== series} />;
  }
  const count = answersApart(answers, attendee.email).length;
  return (
    <>
      <PartstatTag partstat={series} />
      {count > 0 ? (
        <>
          {' '}
          <span className="cal-person__apart">{t('calendar.answered_apart', { count })}</span>
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
 * The invitee's answers, the current one pressed; each sends at once (but
 * see `askScope`).
 * `compact` (a list's entry, which says the answer itself): the buttons
 * alone, small, the group named after the event (`title`) or by `label`;
 * with `askScope` (an occurrence of a recurring event), an answer clicked
 * first asks whether it is for that occurrence or for all of them
 * (`onReply`'s `scope`), Escape or Cancel sending nothing.
 * `scope` (the full form, an occurrence of a recurring event): the choice
 * of answering for it alone or for all occurrences, above the buttons.
 */
export function ReplyButtons({
  current,
  busy,
  onReply,
  compact = false,
  title = '',
  label,
  scope,
  askScope = false,
}: {
  current: CalendarPartstat | null;
  /** The answer being sent. */
  busy: CalendarAnswer | null;
  /** `scope`: the one chosen where `askScope` asked it. */
  onReply(p: CalendarAnswer, scope?: ReplyScope): void;
  compact?: boolean;
  /** The event's title (names the compact form's group). */
  title?: string;
  /** The compact form's group's name, instead of the event's question. */
  label?: string;
  scope?: { value: ReplyScope; onChange(s: ReplyScope): void };
  /** Compact only: ask the answer's scope before sending it. */
  askScope?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const answer = knownPartstat(current) ?? 'needs-action';
  if (compact && askScope) {
    return (
      <AskedReplyButtons
        answer={answer}
        busy={busy}
        onReply={onReply}
        label={label ?? t('calendar.reply_to', { title })}
      />
    );
  }
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
        aria-label={label ?? t('calendar.reply_to', { title })}
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
      {scope ? (
        <ScopeChoice
          legend={t('calendar.reply_scope')}
          scopes={REPLY_SCOPES}
          value={scope.value}
          onChange={scope.onChange}
          disabled={busy !== null}
        />
      ) : null}
      <div className="cal-reply__buttons">{buttons}</div>
    </div>
  );
}

/**
 * The compact answers of an occurrence of a recurring event: the answer
 * clicked opens, under the buttons, "Answer “Decline” for: This occurrence
 * / All occurrences / Cancel", its first choice focused; Cancel, Escape or
 * a pointer down elsewhere closes it, sending nothing (the first two give
 * the focus back to the answer clicked).
 */
function AskedReplyButtons({
  answer,
  busy,
  onReply,
  label,
}: {
  answer: CalendarPartstat;
  busy: CalendarAnswer | null;
  onReply(p: CalendarAnswer, scope: ReplyScope): void;
  label: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const first = useRef<HTMLButtonElement>(null);
  const { open, setOpen, root, button } = useDisclosure(first);
  const [asked, setAsked] = useState<CalendarAnswer>('accepted');
  const back = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (s: ReplyScope) => {
    back();
    onReply(asked, s);
  };
  return (
    <div className="cal-reply-ask" ref={root}>
      <div className="cal-reply__buttons cal-reply--compact" role="group" aria-label={label}>
        {ANSWERS.map((p) => (
          <Button
            key={p}
            variant={answer === p ? 'primary' : 'secondary'}
            size="sm"
            aria-pressed={answer === p}
            aria-haspopup="dialog"
            aria-expanded={open && asked === p}
            aria-controls={`${id}-panel`}
            busy={busy === p}
            disabled={busy !== null && busy !== p}
            onClick={(e) => {
              button.current = e.currentTarget;
              setAsked(p);
              setOpen(!(open && asked === p));
            }}
          >
            {t(`calendar.reply.${p}`)}
          </Button>
        ))}
      </div>
      <div
        id={`${id}-panel`}
        className="cal-reply-ask__panel"
        role="dialog"
        aria-labelledby={`${id}-q`}
        hidden={!open}
      >
        <p id={`${id}-q`} className="cal-reply-ask__question">
          {t('calendar.reply_scope_ask', { answer: t(`calendar.reply.${asked}`) })}
        </p>
        <div className="cal-reply-ask__choices">
          <Button ref={first} size="sm" onClick={() => choose('one')}>
            {t('calendar.scope.one')}
          </Button>
          <Button size="sm" onClick={() => choose('all')}>
            {t('calendar.scope.all')}
          </Button>
          <Button variant="ghost" size="sm" onClick={back}>
            {t('common.cancel')}
          </Button>
        </div>
      </div>
    </div>
  );
}

/** What an answer may be for (the server has no answer from one occurrence on). */
const REPLY_SCOPES: readonly ReplyScope[] = ['one', 'all'];

/**
 * What something is for, among `scopes` (in that order), as radios under
 * `legend`: "Answer for: (•) This occurrence ( ) All occurrences" (an
 * answer); "Change", "Delete" (a writer's edit), "This and following
 * occurrences" besides.
 */
export function ScopeChoice<S extends OccurrenceScope>({
  legend,
  scopes,
  value,
  onChange,
  disabled = false,
  autoFocus = false,
}: {
  legend: string;
  scopes: readonly S[];
  value: S;
  onChange(s: S): void;
  disabled?: boolean;
  /** The choice made takes the focus when shown (the first question of a form). */
  autoFocus?: boolean;
}) {
  const name = useId();
  const { t } = useI18n();
  return (
    <fieldset className="cal-scope" disabled={disabled}>
      <legend className="cal-scope__legend">{legend}</legend>
      <div className="cal-scope__options">
        {scopes.map((s) => (
          <label key={s} className="cal-scope__option">
            <input
              type="radio"
              name={name}
              value={s}
              checked={value === s}
              autoFocus={autoFocus && value === s}
              onChange={() => onChange(s)}
            />
            {t(`calendar.scope.${s}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
