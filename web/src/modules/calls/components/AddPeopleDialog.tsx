// "Add people": the workspace's members who may join the call and are not
// in it (oneself neither), with a filter; those checked are rung (50 at
// most at once, as the server takes).
import { useId, useMemo, useState, type FormEvent } from 'react';
import { moduleRight, type Member } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { Checkbox } from '../../../components/Field';
import { ShowMore, useShown } from '../../../components/ShowMore';
import { useI18n } from '../../../i18n';
import { matchingMembers } from '../../../workspaces/memberSearch';
import { useCallsErrorText } from '../errors';

/** The most people one ring reaches (the server's limit). */
export const MAX_RING = 50;

/** Who may be rung into a call: members who can join it, not in it, not oneself, by name. */
export function ringable(
  members: readonly Member[],
  me: string,
  inCall: ReadonlySet<string>,
  locale: string,
): Member[] {
  return members
    .filter(
      (m) =>
        m.user_id !== me &&
        !inCall.has(m.user_id) &&
        moduleRight(m.rights, m.role, 'calls') !== 'none',
    )
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

export function AddPeopleDialog({
  members,
  me,
  inCall,
  onRing,
  onClose,
}: {
  members: readonly Member[];
  me: string;
  /** The people in the call now (user ids). */
  inCall: ReadonlySet<string>;
  /** Rings them; rejects with the server's refusal (said in the dialog). */
  onRing(userIds: string[]): Promise<void>;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const errorText = useCallsErrorText();
  const id = useId();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const people = useMemo(
    () => ringable(members, me, inCall, locale),
    [members, me, inCall, locale],
  );
  const matching = useMemo(() => matchingMembers(people, filter), [people, filter]);
  const { shown, more, reset } = useShown();
  const full = selected.length >= MAX_RING;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Someone who joined meanwhile is not rung (the server would skip them anyway).
    const ids = selected.filter((u) => !inCall.has(u));
    if (ids.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      await onRing(ids);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('calls.add_title')} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {people.length === 0 ? (
          <p>{t('calls.add_none')}</p>
        ) : (
          <fieldset className="calls-picker">
            <legend className="field__label">{t('calls.add_label')}</legend>
            <label className="visually-hidden" htmlFor={`${id}-filter`}>
              {t('calls.add_filter')}
            </label>
            <input
              id={`${id}-filter`}
              className="input"
              type="search"
              placeholder={t('calls.add_filter')}
              value={filter}
              autoComplete="off"
              onChange={(e) => {
                setFilter(e.target.value);
                reset();
              }}
            />
            {matching.length === 0 ? (
              <p className="calls-picker__none">{t('calls.add_no_match')}</p>
            ) : (
              <ul className="calls-picker__list">
                {matching.slice(0, shown).map((p) => {
                  const on = selected.includes(p.user_id);
                  return (
                    <li key={p.user_id} className="calls-picker__item">
                      <Avatar name={p.name} seed={p.user_id} size="sm" />
                      <Checkbox
                        label={p.name}
                        hint={p.email}
                        checked={on}
                        disabled={!on && full}
                        onChange={(e) =>
                          setSelected((s) =>
                            e.target.checked ? [...s, p.user_id] : s.filter((x) => x !== p.user_id),
                          )
                        }
                      />
                    </li>
                  );
                })}
              </ul>
            )}
            <ShowMore total={matching.length} shown={shown} onMore={more} />
            {full ? <p className="field__hint">{t('calls.add_max', { count: MAX_RING })}</p> : null}
          </fieldset>
        )}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="submit"
            variant="primary"
            icon="phone"
            busy={busy}
            disabled={selected.length === 0}
          >
            {t('calls.add_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
