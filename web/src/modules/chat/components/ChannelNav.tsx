// The chat's own sidebar: search box, joined channels and direct
// conversations with unread and mention badges, and the ways to find or
// start one (browse, create, direct message).
import { useState, type FormEvent } from 'react';
import type { Channel } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { PresenceDot } from '../../../components/PresenceDot';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { Link, navigate } from '../../../router/router';
import { useChat } from '../context';
import type { ChannelSections } from '../logic/channels';
import { BrowseDialog, CreateChannelDialog, DirectDialog } from './ChannelDialogs';

export function ChannelNav({
  sections,
  current,
  loaded,
}: {
  sections: ChannelSections;
  current: string | null;
  loaded: boolean;
}) {
  const { t } = useI18n();
  const { workspace, canWrite } = useChat();
  const [dialog, setDialog] = useState<'browse' | 'create' | 'direct' | null>(null);
  const [query, setQuery] = useState('');

  const search = (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    if (q) navigate(`/w/${workspace.id}/chat/search?q=${encodeURIComponent(q)}`);
  };

  return (
    <nav className="chat-nav" aria-label={t('chat.nav_label')}>
      <form role="search" className="chat-nav__search" onSubmit={search}>
        <label htmlFor="chat-search-box" className="visually-hidden">
          {t('chat.search_box')}
        </label>
        <input
          id="chat-search-box"
          className="input chat-nav__search-input"
          type="search"
          placeholder={t('chat.search_box')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" className="icon-btn" aria-label={t('chat.search')}>
          <Icon name="search" size={16} />
        </button>
      </form>

      <div className="chat-nav__section">
        <div className="chat-nav__heading">
          <h2 id="chat-nav-channels">{t('chat.channels')}</h2>
          <button
            type="button"
            className="icon-btn"
            aria-label={t('chat.browse')}
            title={t('chat.browse')}
            onClick={() => setDialog('browse')}
          >
            <Icon name="compass" size={16} />
          </button>
          {canWrite ? (
            <button
              type="button"
              className="icon-btn"
              aria-label={t('chat.create')}
              title={t('chat.create')}
              onClick={() => setDialog('create')}
            >
              <Icon name="plus" size={16} />
            </button>
          ) : null}
        </div>
        {loaded && sections.channels.length === 0 ? (
          <p className="chat-nav__empty">{t('chat.no_channels')}</p>
        ) : null}
        <ul className="chat-nav__list" aria-labelledby="chat-nav-channels">
          {sections.channels.map((c) => (
            <ChannelLink key={c.id} channel={c} current={c.id === current} />
          ))}
        </ul>
      </div>

      <div className="chat-nav__section">
        <div className="chat-nav__heading">
          <h2 id="chat-nav-direct">{t('chat.direct')}</h2>
          {canWrite ? (
            <button
              type="button"
              className="icon-btn"
              aria-label={t('chat.new_direct')}
              title={t('chat.new_direct')}
              onClick={() => setDialog('direct')}
            >
              <Icon name="plus" size={16} />
            </button>
          ) : null}
        </div>
        {loaded && sections.direct.length === 0 ? (
          <p className="chat-nav__empty">{t('chat.no_direct')}</p>
        ) : null}
        <ul className="chat-nav__list" aria-labelledby="chat-nav-direct">
          {sections.direct.map((c) => (
            <ChannelLink key={c.id} channel={c} current={c.id === current} />
          ))}
        </ul>
      </div>
      <p className="chat-nav__shortcuts">{t('chat.shortcuts')}</p>

      {dialog === 'browse' ? <BrowseDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'create' ? <CreateChannelDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'direct' ? <DirectDialog onClose={() => setDialog(null)} /> : null}
    </nav>
  );
}

function ChannelLink({ channel: c, current }: { channel: Channel; current: boolean }) {
  const { t } = useI18n();
  const { workspace, labelOf, me } = useChat();
  const label = labelOf(c);
  // A muted channel stays quiet: no bold, no count, only mentions of the person.
  const unread = c.unread > 0 && !current && !c.muted;
  const cls = [
    'chat-nav__link',
    unread || c.mentions > 0 ? 'chat-nav__link--unread' : '',
    c.archived ? 'chat-nav__link--archived' : '',
    c.muted ? 'chat-nav__link--muted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const other = (c.member_ids ?? []).find((u) => u !== me.id) ?? me.id;
  return (
    <li>
      <Link
        to={`/w/${workspace.id}/chat/${encodeURIComponent(c.id)}`}
        className={cls}
        aria-current={current ? 'page' : undefined}
        data-channel={c.kind === 'direct' ? undefined : c.name}
      >
        {c.kind === 'direct' ? (
          <Avatar name={label} seed={other} size="sm" />
        ) : (
          <span className="chat-nav__icon" aria-hidden="true">
            <Icon name={c.kind === 'private' ? 'lock' : 'hash'} size={16} />
          </span>
        )}
        <span className="chat-nav__name">{label}</span>
        {c.kind === 'direct' && other !== me.id ? (
          <PresenceDot workspaceId={workspace.id} userId={other} />
        ) : null}
        {c.mentions > 0 ? (
          <span
            className="badge chat-nav__mentions"
            title={t('chat.mentions', { count: c.mentions })}
          >
            <span aria-hidden="true">@{c.mentions > 99 ? '99+' : c.mentions}</span>
            <span className="visually-hidden">{t('chat.mentions', { count: c.mentions })}</span>
          </span>
        ) : null}
        {c.muted ? <span className="visually-hidden">{t('chat.muted')}</span> : null}
        {c.unread > 0 && !c.muted ? (
          <span className="chat-nav__unread" title={t('chat.unread', { count: c.unread })}>
            <span aria-hidden="true">{c.unread > 99 ? '99+' : c.unread}</span>
            <span className="visually-hidden">{t('chat.unread', { count: c.unread })}</span>
          </span>
        ) : null}
      </Link>
    </li>
  );
}
