// The upload queue, bottom right: every file with its progress bar, the
// total, cancel and retry; errors (quota, name taken, lock) in words; in an
// armoured workspace, the time a file is being sealed before it leaves.
// Uploads a reload interrupted show here too: a plain one asks for its
// file again (or is discarded), an armoured one says it waits for the
// keys; one the server no longer has starts over or is forgotten.
import { useId, useMemo, useRef, useState } from 'react';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useFiles, useFilesState, useUploadErrorText } from '../context';
import { formatBytes, percent } from '../logic/format';
import { totals, type UploadItem } from '../logic/uploads';

export function UploadPanel() {
  const { t, locale } = useI18n();
  const { store } = useFiles();
  const uploads = useFilesState((s) => s.uploads);
  const sum = useMemo(() => totals(uploads), [uploads]);
  const [collapsed, setCollapsed] = useState(false);
  const busy = sum.active > 0;
  // Once everything arrived, the list folds away (the total stays); new uploads unfold it.
  const [wasBusy, setWasBusy] = useState(busy);
  if (wasBusy !== busy) {
    setWasBusy(busy);
    if (busy) setCollapsed(false);
    else if (uploads.items.every((u) => u.status === 'done')) setCollapsed(true);
  }
  if (uploads.items.length === 0) return null;
  const title = busy
    ? t('files.uploading', { count: sum.active })
    : sum.failed
      ? t('files.upload_failed_count', { count: sum.failed })
      : sum.interrupted
        ? t('files.uploads_interrupted', { count: sum.interrupted })
        : t('files.uploaded_count', { count: sum.done });
  // Closing keeps interrupted uploads: each is discarded on its own.
  const closable = !busy && uploads.items.some((u) => u.status !== 'interrupted');
  return (
    <section className="files-uploads" aria-labelledby="files-uploads-title">
      <header className="files-uploads__head">
        <h2 id="files-uploads-title" className="files-uploads__title" aria-live="polite">
          {title}
        </h2>
        <button
          type="button"
          className="icon-btn"
          aria-expanded={!collapsed}
          aria-controls="files-uploads-list"
          aria-label={collapsed ? t('files.uploads_show') : t('files.uploads_hide')}
          title={collapsed ? t('files.uploads_show') : t('files.uploads_hide')}
          onClick={() => setCollapsed(!collapsed)}
        >
          <Icon name={collapsed ? 'arrowUp' : 'arrowDown'} size={16} />
        </button>
        {!closable ? null : (
          <button
            type="button"
            className="icon-btn"
            aria-label={t('files.uploads_clear')}
            title={t('files.uploads_clear')}
            onClick={() => store.clearUploads()}
          >
            <Icon name="close" size={16} />
          </button>
        )}
      </header>
      {sum.count ? (
        <div className="files-uploads__total">
          <progress
            max={100}
            value={sum.percent}
            aria-label={t('files.total_progress')}
            data-testid="upload-total"
          />
          <span className="files-uploads__figures">
            {t('files.progress_of', {
              done: formatBytes(sum.loaded, locale),
              total: formatBytes(sum.size, locale),
              percent: sum.percent,
            })}
          </span>
          {busy ? (
            <Button size="sm" onClick={() => store.cancelAll()}>
              {t('files.cancel_all')}
            </Button>
          ) : null}
        </div>
      ) : null}
      <ul id="files-uploads-list" className="files-uploads__list" hidden={collapsed}>
        {uploads.items.map((u) => (
          <UploadRow key={u.id} u={u} />
        ))}
      </ul>
    </section>
  );
}

/** What an interrupted upload's row says it waits for. */
function useInterruptedText(): (u: UploadItem) => string {
  const { t } = useI18n();
  const ta = useArmourText();
  return (u) =>
    u.interrupted === 'keys'
      ? ta('files.upload_waiting_keys')
      : u.interrupted === 'unreadable'
        ? ta('files.upload_unreadable')
        : t('files.upload_interrupted');
}

function UploadRow({ u }: { u: UploadItem }) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { store } = useFiles();
  const errorText = useUploadErrorText();
  const interruptedText = useInterruptedText();
  const pct = u.status === 'done' ? 100 : percent(u.loaded, u.size);
  // An armoured upload a reload interrupted: its name is sealed until its record opens.
  const name = u.path || ta('files.upload_sealed');
  const status =
    u.status === 'done'
      ? t('files.upload_done')
      : u.status === 'error'
        ? errorText(u.error ?? '')
        : u.status === 'cancelled'
          ? t('files.upload_cancelled')
          : u.status === 'interrupted'
            ? interruptedText(u)
            : u.status === 'queued'
              ? t('files.upload_queued')
              : u.sealing
                ? ta('file.sealing')
                : `${pct} %`;
  const expired = u.status === 'error' && u.error === 'upload_expired';
  return (
    <li className={`files-upload files-upload--${u.status}`} data-status={u.status}>
      <div className="files-upload__line">
        <span className="files-upload__name" title={name}>
          {name}
        </span>
        <span className="files-upload__size">{formatBytes(u.size, locale)}</span>
      </div>
      {u.status === 'interrupted' ? null : (
        <progress max={100} value={pct} aria-label={t('files.file_progress', { name })} />
      )}
      <div className="files-upload__line files-upload__actions">
        <span className="files-upload__status" role={u.status === 'error' ? 'alert' : undefined}>
          {status}
        </span>
        {u.status === 'interrupted' && u.interrupted === 'file' ? <ChooseAgain u={u} /> : null}
        {expired ? (
          <Button
            size="sm"
            onClick={() => store.startOver(u.id)}
            aria-label={t('files.start_over_named', { name })}
          >
            {t('files.start_over')}
          </Button>
        ) : null}
        {u.status === 'interrupted' || (u.status === 'error' && u.resumeUrl) ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => store.discardUpload(u.id)}
            aria-label={t(expired ? 'files.forget_named' : 'files.discard_named', { name })}
          >
            {t(expired ? 'files.forget' : 'files.discard')}
          </Button>
        ) : null}
        {u.status === 'queued' || u.status === 'uploading' ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => store.cancelUpload(u.id)}
            aria-label={t('files.cancel_upload', { name: u.path })}
          >
            {t('common.cancel')}
          </Button>
        ) : null}
        {u.status === 'error' && u.error === 'exists' ? (
          <Button
            size="sm"
            onClick={() => store.retryUpload(u.id, true)}
            aria-label={t('files.replace_named', { name: u.path })}
          >
            {t('files.replace')}
          </Button>
        ) : null}
        {u.status === 'error' && (u.error === 'network' || u.error === 'locked') ? (
          <Button
            size="sm"
            onClick={() => store.retryUpload(u.id, false)}
            aria-label={t('files.retry_named', { name: u.path })}
          >
            {t('files.retry')}
          </Button>
        ) : null}
      </div>
    </li>
  );
}

/**
 * "Choose the file again" for a plain upload a reload interrupted: one
 * file, which must be the one it was sending (name, size, modification
 * time); another is refused, said in words, and nothing is sent.
 */
function ChooseAgain({ u }: { u: UploadItem }) {
  const { t } = useI18n();
  const { store } = useFiles();
  const input = useRef<HTMLInputElement>(null);
  const noteId = useId();
  const [refused, setRefused] = useState<string | null>(null);
  const picked = (el: HTMLInputElement) => {
    const file = el.files?.[0];
    el.value = '';
    if (!file) return;
    setRefused(store.resumeWith(u.id, file) ? null : file.name);
  };
  return (
    <>
      <Button
        size="sm"
        onClick={() => input.current?.click()}
        aria-label={t('files.choose_again_named', { name: u.path })}
        aria-describedby={refused === null ? undefined : noteId}
      >
        {t('files.choose_again')}
      </Button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label={t('files.choose_again_input', { name: u.path })}
        onChange={(e) => picked(e.currentTarget)}
      />
      {refused === null ? null : (
        <span id={noteId} className="files-upload__refused" role="alert">
          {t('files.not_same_file', { file: refused })}
        </span>
      )}
    </>
  );
}
