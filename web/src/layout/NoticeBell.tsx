// The top bar's bell: the notification centre. Its label and badge say how
// many notices are unread; it opens a panel (a disclosure, like the account
// menu) listing the kept notices newest first, each a sentence its module
// writes (the same as its toast) and when it came, unread ones in bold with
// a dot; opening one marks it read and goes where its toast leads. Mounted
// once by the shell: it also feeds the centre (the first page on sign-in,
// live notices, a re-read on each hello).
import { useEffect, useId, useRef, useSyncExternalStore } from 'react';
import type { KeptNotice } from '../api';
import { Icon } from '../components/Icon';
import { useEvent } from '../events';
import { useI18n } from '../i18n';
import { noticeFrame, notices, type NoticeContext } from '../notifications/centre';
import { navigate } from '../router/router';
import { useMe } from '../session';
import { useWorkspaces } from '../workspaces';
import { useDisclosure } from './useDisclosure';

export function NoticeBell() {
  const me = useMe();
  const { t } = useI18n();
  const state = useSyncExternalStore(notices.subscribe, notices.getState);
  const panel = useRef<HTMLDivElement>(null);
  const { open, setOpen, root, button } = useDisclosure(panel);
  const panelId = useId();

  useEffect(() => {
    notices.start();
    return () => notices.stop();
  }, [me.id]);
  useEvent('hello', (e) => notices.hear(e));
  useEvent('*', (e) => notices.hear(e));

  const count = state.unread;
  return (
    <div className="notice-bell" ref={root}>
      <button
        ref={button}
        type="button"
        className="icon-btn notice-bell__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('notices.bell', { count })}
        title={t('notices.bell', { count })}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="bell" />
        {count > 0 ? (
          <span className="badge notice-bell__badge" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        ) : null}
      </button>
      <div ref={panel} id={panelId} className="notice-bell__panel" tabIndex={-1} hidden={!open}>
        <div className="notice-bell__head">
          <h2 className="notice-bell__title">{t('notices.title')}</h2>
          <button
            type="button"
            className="link-btn notice-bell__all"
            disabled={count === 0}
            onClick={() => void notices.markAllRead()}
          >
            {t('notices.mark_all')}
          </button>
        </div>
        {open ? <NoticeList onOpened={() => setOpen(false)} /> : null}
      </div>
    </div>
  );
}

function NoticeList({ onOpened }: { onOpened: () => void }) {
  const { t } = useI18n();
  const state = useSyncExternalStore(notices.subscribe, notices.getState);
  if (state.status === 'failed') {
    return (
      <div className="notice-bell__state">
        <p>{t('notices.failed')}</p>
        <button type="button" className="link-btn" onClick={() => void notices.reread()}>
          {t('notices.retry')}
        </button>
      </div>
    );
  }
  if (state.notices.length === 0) {
    return (
      <p className="notice-bell__state">
        {state.status === 'ready' ? t('notices.empty') : t('common.loading')}
      </p>
    );
  }
  return (
    <>
      <ul className="notice-bell__list">
        {state.notices.map((n) => (
          <li key={n.id}>
            <NoticeItem n={n} onOpened={onOpened} />
          </li>
        ))}
      </ul>
      {state.more ? (
        <button
          type="button"
          className="link-btn notice-bell__more"
          disabled={state.loadingMore}
          onClick={() => void notices.more()}
        >
          {state.loadingMore ? t('common.loading') : t('notices.older')}
        </button>
      ) : null}
    </>
  );
}

function NoticeItem({ n, onOpened }: { n: KeptNotice; onOpened: () => void }) {
  const { t, locale, relative, dateTime } = useI18n();
  const { workspaces } = useWorkspaces();
  const { kinds } = useSyncExternalStore(notices.subscribe, notices.getState);
  const context: NoticeContext = { t, locale, workspaces };
  const said = kinds.get(n.type)?.(noticeFrame(n), context) ?? {
    title: t('notices.unknown', { type: n.type }),
  };
  const text = said.body ? `${said.title} — ${said.body}` : said.title;
  return (
    <button
      type="button"
      className={n.read ? 'notice-item' : 'notice-item notice-item--unread'}
      onClick={() => {
        if (!n.read) void notices.markRead(n.id);
        if (said.href) {
          onOpened();
          navigate(said.href);
        }
      }}
    >
      {n.read ? null : (
        <>
          <span className="notice-item__dot" aria-hidden="true" />
          <span className="visually-hidden">{t('notices.unread')} </span>
        </>
      )}
      <span className="notice-item__text">{text}</span>
      <time className="notice-item__when" dateTime={n.created_at} title={dateTime(n.created_at)}>
        {relative(n.created_at)}
      </time>
    </button>
  );
}
