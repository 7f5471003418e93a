// Finding and starting conversations: browse public channels (a hundred at
// a time, of up to 10,000), create a channel, open a direct conversation,
// jump to a channel (Ctrl+K).
import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Channel } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { Checkbox, TextField } from '../../../components/Field';
import { Icon } from '../../../components/Icon';
import { ShowMore, useShown } from '../../../components/ShowMore';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useChat, useChatErrorText, useChatState } from '../context';
import { fold, matchPeople, personOf } from '../../../mentions/mentions';
import { wordMatcher } from '../../../workspaces/memberSearch';

const MAX_DIRECT_OTHERS = 7;

/** Public channels found by every word of their name. */
const matchingChannels = wordMatcher<Channel>((c) => c.name);

export function BrowseDialog({ onClose }: { onClose(): void }) {
  const { t, locale } = useI18n();
  const errorText = useChatErrorText();
  const { store, openChannel, canWrite } = useChat();
  const byId = useChatState((s) => s.channels.byId);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { shown, more, reset } = useShown();
  // Sorted once per change of the channels, filtered per keystroke.
  const sorted = useMemo(() => {
    const collator = new Intl.Collator(locale);
    return Object.values(byId)
      .filter((c) => c.kind === 'public')
      .sort((a, b) => collator.compare(a.name, b.name));
  }, [byId, locale]);
  const list = useMemo(() => matchingChannels(sorted, filter), [sorted, filter]);

  const join = async (c: Channel) => {
    setBusy(c.id);
    setError(null);
    try {
      await store.join(c.id);
      onClose();
      openChannel(c.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal title={t('chat.browse')} onClose={onClose} wide>
      <div className="form">
        <TextField
          label={t('chat.browse_filter')}
          type="search"
          value={filter}
          autoFocus
          onChange={(e) => {
            setFilter(e.target.value);
            reset();
          }}
        />
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        {list.length === 0 ? <p className="muted">{t('chat.browse_none')}</p> : null}
        <ul className="browse-list">
          {list.slice(0, shown).map((c) => (
            <li key={c.id} className="browse-list__item">
              <div className="browse-list__text">
                <p className="browse-list__name">
                  <Icon name="hash" size={16} />
                  {c.name}
                  {c.joined ? <span className="tag tag--success">{t('chat.joined')}</span> : null}
                  {c.archived ? <span className="tag">{t('chat.archived')}</span> : null}
                </p>
                {c.topic ? <p className="browse-list__topic">{c.topic}</p> : null}
              </div>
              {c.joined || !canWrite || c.archived ? (
                <Button
                  size="sm"
                  onClick={() => {
                    onClose();
                    openChannel(c.id);
                  }}
                  aria-label={`${t('chat.open')} #${c.name}`}
                >
                  {t('chat.open')}
                </Button>
              ) : (
                <Button
                  size="sm"
                  variant="primary"
                  busy={busy === c.id}
                  onClick={() => void join(c)}
                  aria-label={`${t('chat.join')} #${c.name}`}
                >
                  {t('chat.join')}
                </Button>
              )}
            </li>
          ))}
        </ul>
        <ShowMore total={list.length} shown={shown} onMore={more} />
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.dismiss')}</Button>
        </div>
      </div>
    </Modal>
  );
}

/** Checkboxes over the workspace's chat people (but oneself), with a filter. */
function PeoplePicker({
  label,
  selected,
  onChange,
  max,
}: {
  label: string;
  selected: readonly string[];
  onChange(ids: string[]): void;
  max?: number;
}) {
  const { t } = useI18n();
  const { people, me } = useChat();
  const [filter, setFilter] = useState('');
  const id = useId();
  // The same objects from one keystroke to the next: their names are folded once.
  const candidates = useMemo(
    () => people.filter((p) => p.user_id !== me.id).map(personOf),
    [people, me.id],
  );
  const others = useMemo(() => matchPeople(candidates, filter, 500), [candidates, filter]);
  return (
    <fieldset className="people-picker">
      <legend className="field__label">{label}</legend>
      <label className="visually-hidden" htmlFor={`${id}-filter`}>
        {t('chat.direct_filter')}
      </label>
      <input
        id={`${id}-filter`}
        className="input"
        type="search"
        placeholder={t('chat.direct_filter')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <ul className="people-picker__list">
        {others.map((p) => {
          const on = selected.includes(p.id);
          return (
            <li key={p.id} className="people-picker__item">
              <Avatar name={p.name} seed={p.id} size="sm" />
              <Checkbox
                label={p.name}
                hint={p.email}
                checked={on}
                disabled={!on && max !== undefined && selected.length >= max}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? [...selected, p.id] : selected.filter((x) => x !== p.id),
                  )
                }
              />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

export function CreateChannelDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const { toast } = useToast();
  const { store, openChannel } = useChat();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [priv, setPriv] = useState(false);
  const [members, setMembers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await store.createChannel({
        name: name.trim(),
        topic: topic.trim() || undefined,
        private: priv,
        member_ids: members.length ? members : undefined,
      });
      toast({ kind: 'success', title: t('chat.created', { channel: `#${c.name}` }) });
      onClose();
      openChannel(c.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('chat.create')} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <TextField
          label={t('chat.name')}
          hint={t('chat.name_hint')}
          value={name}
          maxLength={80}
          required
          autoFocus
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label={t('chat.topic')}
          value={topic}
          maxLength={500}
          onChange={(e) => setTopic(e.target.value)}
        />
        <Checkbox
          label={t('chat.private')}
          hint={t('chat.private_hint')}
          checked={priv}
          onChange={(e) => setPriv(e.target.checked)}
        />
        <PeoplePicker label={t('chat.add_members')} selected={members} onChange={setMembers} />
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {t('chat.create_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function DirectDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const { store, openChannel } = useChat();
  const [people, setPeople] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (people.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const c = await store.openDirect(people);
      onClose();
      openChannel(c.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('chat.new_direct')} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <PeoplePicker
          label={t('chat.direct_people')}
          selected={people}
          onChange={setPeople}
          max={MAX_DIRECT_OTHERS}
        />
        {people.length >= MAX_DIRECT_OTHERS ? (
          <p className="field__hint">{t('chat.direct_too_many')}</p>
        ) : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={people.length === 0}>
            {t('chat.direct_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Ctrl/Cmd+K: type a few letters, Enter opens the channel. */
export function SwitcherDialog({
  channels,
  onClose,
}: {
  channels: readonly Channel[];
  onClose(): void;
}) {
  const { t } = useI18n();
  const { labelOf, openChannel } = useChat();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const matches = useMemo(() => {
    const q = fold(query.trim());
    return channels
      .map((c) => ({ c, label: labelOf(c) }))
      .filter(
        ({ label }) =>
          !q ||
          fold(label)
            .split(/[\s,]+/)
            .some((w) => w.startsWith(q)) ||
          fold(label).startsWith(q),
      )
      .slice(0, 12);
  }, [channels, query, labelOf]);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const open = (c: Channel) => {
    onClose();
    openChannel(c.id);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = matches.length || 1;
      setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const m = matches[current];
      if (m) open(m.c);
    }
  };

  return (
    <Modal title={t('chat.switcher_title')} onClose={onClose} className="switcher">
      <label htmlFor={`${id}-q`} className="visually-hidden">
        {t('chat.switcher_label')}
      </label>
      <input
        id={`${id}-q`}
        className="input"
        type="text"
        role="combobox"
        aria-expanded={matches.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={matches.length ? `${id}-o${current}` : undefined}
        aria-autocomplete="list"
        placeholder={t('chat.switcher_label')}
        autoFocus
        autoComplete="off"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKey}
      />
      {matches.length === 0 ? <p className="muted">{t('chat.switcher_none')}</p> : null}
      <ul
        id={`${id}-list`}
        role="listbox"
        className="switcher__list"
        aria-label={t('chat.channels')}
      >
        {matches.map(({ c, label }, i) => (
          <li
            key={c.id}
            id={`${id}-o${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'switcher__item switcher__item--active' : 'switcher__item'}
            onMouseDown={(e) => {
              e.preventDefault();
              open(c);
            }}
          >
            <Icon
              name={c.kind === 'direct' ? 'users' : c.kind === 'private' ? 'lock' : 'hash'}
              size={16}
            />
            <span>{label}</span>
            {c.unread > 0 ? <span className="chat-nav__unread">{c.unread}</span> : null}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
