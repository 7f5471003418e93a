// A channel's header: its name (the page's heading), topic, and what can be
// done with it: a call with its people, members, pins, search in it, edit,
// archive, mute, leave.
import { useEffect, useState, type FormEvent, type Ref } from 'react';
import type { Channel } from '../../../api';
import { Button } from '../../../components/Button';
import { ConfirmDialog, Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { TextField } from '../../../components/Field';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import { useChat, useChatErrorText, useChatState } from '../context';
import { ArmourBadge } from './ArmourBadge';
import { CallButton } from './CallButton';
import { VerifyKeys } from '../../../armour/KeysStatus';

export function ChannelHeader({
  channel,
  title,
  headingRef,
}: {
  channel: Channel;
  title: string;
  headingRef: Ref<HTMLHeadingElement>;
}) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const {
    store,
    me,
    canWrite,
    canManage,
    workspace,
    pane,
    setPane,
    openChannel,
    armour,
    displayName,
  } = useChat();
  const members = useChatState((s) => s.channelMembers[channel.id]);
  const [dialog, setDialog] = useState<'edit' | 'archive' | 'leave' | 'verify' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const direct = channel.kind === 'direct';
  const count = direct ? (channel.member_ids?.length ?? 0) : (members?.length ?? 0);
  const mayArchive = !direct && canWrite && (canManage || channel.created_by === me.id);

  useEffect(() => {
    if (!direct) store.loadChannelMembers(channel.id).catch(() => undefined);
  }, [store, channel.id, direct]);

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      setDialog(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const togglePane = (kind: 'pins' | 'members') => setPane(pane?.kind === kind ? null : { kind });

  return (
    <header className="chat-header">
      <div className="chat-header__titles">
        <div className="chat-header__heading">
          <h1
            ref={headingRef}
            id={`chat-title-${channel.id}`}
            tabIndex={-1}
            className="chat-header__title"
          >
            <Icon
              name={direct ? 'users' : channel.kind === 'private' ? 'lock' : 'hash'}
              size={18}
              label={t(`chat.kind_${channel.kind}`)}
            />
            <span className="chat-header__name">{direct ? title : channel.name}</span>
            {channel.archived ? <span className="tag">{t('chat.archived')}</span> : null}
          </h1>
          {armour ? <ArmourBadge keys={armour} onOpen={() => setDialog('verify')} /> : null}
        </div>
        {channel.topic ? (
          <p className="chat-header__topic">{channel.topic}</p>
        ) : !direct && canWrite && channel.joined && !channel.archived ? (
          <button
            type="button"
            className="link-btn chat-header__add-topic"
            onClick={() => setDialog('edit')}
          >
            {t('chat.no_topic')}
          </button>
        ) : null}
      </div>
      <div className="chat-header__actions" role="group" aria-label={t('chat.channel_actions')}>
        <CallButton channel={channel} title={title} onError={setError} />
        <button
          type="button"
          className="btn btn--ghost btn--sm"
          aria-pressed={pane?.kind === 'members'}
          onClick={() => togglePane('members')}
        >
          <Icon name="users" size={16} />
          {t('chat.members_button', { count })}
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label={t('chat.pins')}
          title={t('chat.pins')}
          aria-pressed={pane?.kind === 'pins'}
          onClick={() => togglePane('pins')}
        >
          <Icon name="pin" size={18} />
        </button>
        <Link
          to={`/w/${workspace.id}/chat/search?channel=${encodeURIComponent(channel.id)}`}
          className="icon-btn"
          aria-label={t('chat.search')}
          title={t('chat.search')}
        >
          <Icon name="search" size={18} />
        </Link>
        {!direct && canWrite && channel.joined && !channel.archived ? (
          <button
            type="button"
            className="icon-btn"
            aria-label={t('chat.edit_channel')}
            title={t('chat.edit_channel')}
            onClick={() => setDialog('edit')}
          >
            <Icon name="edit" size={18} />
          </button>
        ) : null}
        {mayArchive ? (
          channel.archived ? (
            <button
              type="button"
              className="icon-btn"
              aria-label={t('chat.unarchive')}
              title={t('chat.unarchive')}
              onClick={() => void run(() => store.updateChannel(channel.id, { archived: false }))}
            >
              <Icon name="archive" size={18} />
            </button>
          ) : (
            <button
              type="button"
              className="icon-btn"
              aria-label={t('chat.archive')}
              title={t('chat.archive')}
              onClick={() => setDialog('archive')}
            >
              <Icon name="archive" size={18} />
            </button>
          )
        ) : null}
        {channel.joined ? (
          <button
            type="button"
            className="icon-btn chat-header__mute"
            aria-label={t('chat.mute')}
            title={channel.muted ? t('chat.muted_hint') : t('chat.mute')}
            aria-pressed={!!channel.muted}
            onClick={() => void run(() => store.setMuted(channel.id, !channel.muted))}
          >
            <Icon name="bell" size={18} />
          </button>
        ) : null}
        {channel.joined ? (
          <button
            type="button"
            className="icon-btn"
            aria-label={direct ? t('chat.leave_direct') : t('chat.leave')}
            title={direct ? t('chat.leave_direct') : t('chat.leave')}
            onClick={() => setDialog('leave')}
          >
            <Icon name="logout" size={18} />
          </button>
        ) : null}
      </div>
      {error && !dialog ? <Alert kind="error">{errorText(error)}</Alert> : null}
      {dialog === 'verify' && armour ? (
        <VerifyKeys keys={armour} nameOf={displayName} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'edit' ? (
        <EditChannelDialog
          channel={channel}
          onClose={() => setDialog(null)}
          onSave={(change) => run(() => store.updateChannel(channel.id, change))}
          busy={busy}
          error={error ? errorText(error) : null}
        />
      ) : null}
      <ConfirmDialog
        open={dialog === 'archive'}
        title={t('chat.archive_title', { channel: title })}
        confirmLabel={t('chat.archive')}
        cancelLabel={t('common.cancel')}
        busy={busy}
        onCancel={() => setDialog(null)}
        onConfirm={() => void run(() => store.updateChannel(channel.id, { archived: true }))}
      >
        <p>{t('chat.archive_body')}</p>
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'leave'}
        title={t('chat.leave_title', { channel: title })}
        confirmLabel={direct ? t('chat.leave_direct') : t('chat.leave')}
        cancelLabel={t('common.cancel')}
        danger
        busy={busy}
        onCancel={() => setDialog(null)}
        onConfirm={() =>
          void run(async () => {
            await store.leave(channel.id);
            if (channel.kind !== 'public') openChannel('', { replace: true });
          })
        }
      >
        <p>
          {channel.kind === 'public' ? t('chat.leave_body_public') : t('chat.leave_body_private')}
        </p>
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      </ConfirmDialog>
    </header>
  );
}

function EditChannelDialog({
  channel,
  onClose,
  onSave,
  busy,
  error,
}: {
  channel: Channel;
  onClose(): void;
  onSave(change: { name?: string; topic?: string }): Promise<void>;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const change: { name?: string; topic?: string } = {};
    if (name.trim() !== channel.name) change.name = name.trim();
    if (topic !== channel.topic) change.topic = topic;
    if (Object.keys(change).length === 0) onClose();
    else void onSave(change);
  };
  return (
    <Modal title={t('chat.edit_channel')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextField
          label={t('chat.name')}
          hint={t('chat.name_hint')}
          value={name}
          maxLength={80}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label={t('chat.topic')}
          value={topic}
          maxLength={500}
          onChange={(e) => setTopic(e.target.value)}
        />
        {error ? <Alert kind="error">{error}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
