// The upload queue, bottom right: every file with its progress bar, the
// total, cancel and retry; errors (quota, name taken, lock) in words; in an
// armoured workspace, the time a file is being sealed before it leaves.
import { useMemo, useState } from 'react';
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
      : t('files.uploaded_count', { count: sum.done });
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
        {busy ? null : (
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
      <ul id="files-uploads-list" className="files-uploads__list" hidden={collapsed}>
        {uploads.items.map((u) => (
          <UploadRow key={u.id} u={u} />
        ))}
      </ul>
    </section>
  );
}

function UploadRow({ u }: { u: UploadItem }) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { store } = useFiles();
  const errorText = useUploadErrorText();
  const pct = u.status === 'done' ? 100 : percent(u.loaded, u.size);
  const status =
    u.status === 'done'
      ? t('files.upload_done')
      : u.status === 'error'
        ? errorText(u.error ?? '')
        : u.status === 'cancelled'
          ? t('files.upload_cancelled')
          : u.status === 'queued'
            ? t('files.upload_queued')
            : u.sealing
              ? ta('file.sealing')
              : `${pct} %`;
  return (
    <li className={`files-upload files-upload--${u.status}`} data-status={u.status}>
      <div className="files-upload__line">
        <span className="files-upload__name" title={u.path}>
          {u.path}
        </span>
        <span className="files-upload__size">{formatBytes(u.size, locale)}</span>
      </div>
      <progress max={100} value={pct} aria-label={t('files.file_progress', { name: u.path })} />
      <div className="files-upload__line">
        <span className="files-upload__status" role={u.status === 'error' ? 'alert' : undefined}>
          {status}
        </span>
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
