// A drop folder: guests add files (file input or drag and drop) and see
// only what they sent, each with its progress; the server renames a file
// whose name is taken, and the list shows the name it got.
import { useReducer, useState, type DragEvent } from 'react';
import { api, type ShareInfo } from '../../api';
import { Alert } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { useI18n, type MessageKey } from '../../i18n';
import { formatBytes } from '../../modules/files/logic/format';
import { dropReducer, problemOf, progressOf, type ShareProblem } from './logic';

const PROBLEM_TEXT: Partial<Record<ShareProblem, MessageKey>> = {
  gone: 'share.gone',
  too_large: 'share.too_large',
  quota: 'share.quota',
  network: 'error.network',
  password: 'share.password_again',
};

let nextId = 1;

export function DropFolder({ token, info }: { token: string; info: ShareInfo }) {
  const { t, locale, dateTime } = useI18n();
  const [items, dispatch] = useReducer(dropReducer, []);
  const [over, setOver] = useState(false);

  const send = (files: FileList | File[]) => {
    const list = [...files];
    if (list.length === 0) return;
    const added = list.map((f) => ({ id: nextId++, name: f.name, size: f.size, file: f }));
    dispatch({ type: 'add', items: added.map(({ id, name, size }) => ({ id, name, size })) });
    // One at a time, in order: a guest's connection is often the bottleneck.
    void added.reduce(
      (prev, a) =>
        prev.then(async () => {
          try {
            const r = await api.shareLink.drop(token, a.file, a.name, (sent) =>
              dispatch({ type: 'progress', id: a.id, sent }),
            ).done;
            dispatch({ type: 'done', id: a.id, savedAs: r.name });
          } catch (err) {
            dispatch({ type: 'failed', id: a.id, problem: problemOf(err) });
          }
        }),
      Promise.resolve(),
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    send(e.dataTransfer.files);
  };

  return (
    <section className="card share-panel" aria-labelledby="share-title">
      <p className="muted">{t('share.drop_lead')}</p>
      <h1 id="share-title" className="auth-card__title share-card__name">
        <Icon name="upload" size={20} /> {info.name}
      </h1>
      <div
        className={over ? 'share-drop share-drop--over' : 'share-drop'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="share-drop"
      >
        <Icon name="upload" size={28} />
        <p>{t('share.drop_here')}</p>
        <label className="btn btn--primary">
          {t('share.choose_files')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            onChange={(e) => {
              if (e.target.files) send(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      <p className="muted">{t('share.drop_private')}</p>
      {items.length ? (
        <ul className="share-uploads" aria-label={t('share.sent_files')}>
          {items.map((i) => (
            <li key={i.id} className="share-uploads__item">
              <span className="share-uploads__name">
                {i.status === 'done' ? <Icon name="check" size={16} /> : null}
                {i.savedAs ?? i.name}
                {i.savedAs && i.savedAs !== i.name ? (
                  <span className="muted"> {t('share.renamed', { name: i.name })}</span>
                ) : null}
              </span>
              <span className="muted">{formatBytes(i.size, locale)}</span>
              {i.status === 'failed' ? (
                <Alert kind="error">{t(PROBLEM_TEXT[i.problem ?? 'other'] ?? 'share.other')}</Alert>
              ) : i.status === 'done' ? (
                <span className="share-uploads__done" role="status">
                  {t('share.sent')}
                </span>
              ) : (
                <progress
                  max={100}
                  value={progressOf(i)}
                  aria-label={t('share.progress', { name: i.name })}
                />
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {info.expires_at ? (
        <p className="muted">{t('share.expires', { date: dateTime(info.expires_at) })}</p>
      ) : null}
    </section>
  );
}
