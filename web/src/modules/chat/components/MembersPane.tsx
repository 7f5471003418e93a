// The channel's members: names, add a person (private channels: by their
// members), remove (oneself, the channel's creator, workspace admins). In an
// armoured workspace: whose keys the reader verified or saw change, the
// key verification screen, and, in a private channel or a direct
// conversation, who still waits for the channel's current key.
import { useEffect, useMemo, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { Channel } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import type { Keyring } from '../../../armour/keyring';
import type { WorkspaceKeys } from '../../../armour/keys';
import { VerifyKeys } from '../../../armour/KeysStatus';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { Alert, Spinner } from '../../../components/Feedback';
import { SelectField } from '../../../components/Field';
import { Icon } from '../../../components/Icon';
import { ShowMore, useShown } from '../../../components/ShowMore';
import { PresenceDot } from '../../../components/PresenceDot';
import { useI18n } from '../../../i18n';
import { useChannelKeys, useChat, useChatErrorText, useChatState } from '../context';
import { PaneFrame } from './PaneFrame';

export function MembersPane({ channel, title }: { channel: Channel; title: string }) {
  const { t, locale } = useI18n();
  const errorText = useChatErrorText();
  const { store, setPane, displayName, people, me, canManage, canWrite, workspace, armour } =
    useChat();
  const loaded = useChatState((s) => s.channelMembers[channel.id]);
  const channelKeys = useChannelKeys(channel);
  const direct = channel.kind === 'direct';
  const ids = useMemo(
    () => (direct ? (channel.member_ids ?? []) : loaded),
    [direct, channel.member_ids, loaded],
  );
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!direct) store.loadChannelMembers(channel.id).catch(setError);
  }, [store, channel.id, direct]);

  const sorted = useMemo(() => {
    const collator = new Intl.Collator(locale);
    return [...(ids ?? [])].sort((a, b) => collator.compare(displayName(a), displayName(b)));
  }, [ids, displayName, locale]);
  const addable = useMemo(() => {
    const inside = new Set(ids ?? []);
    return people.filter((p) => !inside.has(p.user_id));
  }, [people, ids]);
  // A public channel may hold the whole workspace: its rows (and their presence) a hundred at a time.
  const { shown, more } = useShown();
  const mayAdd = !direct && canWrite && !channel.archived && channel.joined;
  const mayRemove = (u: string) =>
    !direct && (u === me.id || canManage || channel.created_by === me.id);

  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!adding) return;
    void act(async () => {
      await store.addMember(channel.id, adding);
      setAdding('');
    });
  };

  return (
    <PaneFrame title={t('chat.members_title')} subtitle={title} onClose={() => setPane(null)}>
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      {armour ? <VerifyKeysButton keys={armour} /> : null}
      {!ids && !error ? <Spinner label={t('common.loading')} /> : null}
      {mayAdd && addable.length > 0 ? (
        <form className="members-add" onSubmit={add}>
          <SelectField
            label={t('chat.member_add_label')}
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
          >
            <option value="">—</option>
            {addable.map((p) => (
              <option key={p.user_id} value={p.user_id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <Button type="submit" size="sm" icon="plus" busy={busy} disabled={!adding}>
            {t('chat.member_add')}
          </Button>
        </form>
      ) : null}
      <ul className="members">
        {sorted.slice(0, shown).map((u) => {
          const name = displayName(u);
          return (
            <li key={u} className="members__item">
              <Avatar name={name} seed={u} size="sm" />
              <span className="members__name">{u === me.id ? t('chat.you', { name }) : name}</span>
              {armour && u !== me.id ? <KeysState keys={armour} userId={u} /> : null}
              {channelKeys ? <KeyWaiting keys={channelKeys} userId={u} /> : null}
              <PresenceDot workspaceId={workspace.id} userId={u} />
              {mayRemove(u) && u !== me.id ? (
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={t('chat.member_remove', { name })}
                  title={t('chat.member_remove', { name })}
                  disabled={busy}
                  onClick={() => void act(() => store.removeMember(channel.id, u))}
                >
                  <Icon name="close" size={16} />
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <ShowMore total={sorted.length} shown={shown} onMore={more} />
    </PaneFrame>
  );
}

function VerifyKeysButton({ keys }: { keys: WorkspaceKeys }) {
  const ta = useArmourText();
  const { displayName } = useChat();
  const [open, setOpen] = useState(false);
  return (
    <div className="members-verify">
      <Button size="sm" icon="key" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {ta('verify.open')}
      </Button>
      {open ? <VerifyKeys keys={keys} nameOf={displayName} onClose={() => setOpen(false)} /> : null}
    </div>
  );
}

/** A member's keys, when there is something to say: changed, waiting for an approval, or verified. */
function KeysState({ keys, userId }: { keys: WorkspaceKeys; userId: string }) {
  const ta = useArmourText();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  if (s.changed.includes(userId)) {
    return <span className="tag tag--warning">{ta('verify.state_changed')}</span>;
  }
  if (s.anchored && s.pending.includes(userId)) {
    return (
      <span className="tag tag--warning" title={ta('verify.pending_hint')}>
        {ta('verify.state_pending')}
        <span className="visually-hidden"> {ta('verify.pending_hint')}</span>
      </span>
    );
  }
  if (s.verified.includes(userId)) {
    return (
      <Icon
        name="shield"
        size={16}
        label={ta('verify.members_verified')}
        className="members__verified"
      />
    );
  }
  return null;
}

/** A member of a channel with keys of its own whose browser has not received the current one yet. */
function KeyWaiting({ keys, userId }: { keys: Keyring; userId: string }) {
  const ta = useArmourText();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  if (!s.missing.includes(userId)) return null;
  return (
    <span className="tag" title={ta('keys.member_waiting_hint')}>
      {ta('keys.member_waiting')}
      <span className="visually-hidden"> {ta('keys.member_waiting_hint')}</span>
    </span>
  );
}
