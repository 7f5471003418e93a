// A file's versions, newest first: download any, restore an old one (it
// becomes the newest), or upload a new one.
import { useEffect, useRef, useState } from 'react';
import { api, type FileNode, type FileVersion } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { Table } from '../../../components/Table';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText, useFilesState } from '../context';
import { formatBytes } from '../logic/format';
import { download } from './NodeList';

export function VersionsDialog({ node, onClose }: { node: FileNode; onClose(): void }) {
  const { t, locale, dateTime } = useI18n();
  const { store, canWrite, nameOf } = useFiles();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const live = useFilesState((s) => s.listing.items.find((n) => n.id === node.id));
  const current = live ?? node;
  const [versions, setVersions] = useState<FileVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // Read again whenever the file changes (a new version here or elsewhere).
  useEffect(() => {
    let on = true;
    api.files.versions(node.id).then(
      (v) => on && setVersions(v),
      (e: unknown) => on && setError(errorText(e)),
    );
    return () => {
      on = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [node.id, current.etag, current.version]);

  const restore = async (v: FileVersion) => {
    setBusy(v.number);
    setError(null);
    try {
      await store.restoreVersion(current, v.number);
      setVersions(await api.files.versions(node.id));
      toast({ kind: 'success', title: t('files.version_restored', { number: v.number }) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  const picked = () => {
    const f = input.current?.files?.[0];
    if (input.current) input.current.value = '';
    if (f) store.uploadVersion(current, f);
  };

  return (
    <Modal
      title={t('files.versions_title', { name: current.name })}
      onClose={onClose}
      className="files-dialog--wide"
    >
      <div className="dialog__body">
        {error ? <Alert kind="error">{error}</Alert> : null}
        {versions === null ? (
          <Spinner label={t('common.loading')} />
        ) : (
          <Table
            compact
            className="files-versions"
            columns={[t('files.version'), t('files.col_modified'), t('files.col_size')]}
            actions="shown"
          >
            {versions.map((v) => (
              <tr key={v.number}>
                <th scope="row">
                  {t('files.version_n', { number: v.number })}{' '}
                  {v.current ? <Tag tone="success">{t('files.current')}</Tag> : null}
                </th>
                <td>
                  {dateTime(v.created_at)} · {nameOf(v.created_by)}
                </td>
                <td>{formatBytes(v.size, locale)}</td>
                <td className="table__actions">
                  <Button
                    size="sm"
                    icon="download"
                    onClick={() => download(current, v.number)}
                    aria-label={t('files.download_version', { number: v.number })}
                  >
                    {t('files.download')}
                  </Button>
                  {canWrite && !v.current ? (
                    <Button
                      size="sm"
                      icon="restore"
                      busy={busy === v.number}
                      onClick={() => void restore(v)}
                      aria-label={t('files.restore_version', { number: v.number })}
                    >
                      {t('files.restore')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </div>
      <div className="dialog__actions">
        {canWrite ? (
          <>
            <Button icon="upload" onClick={() => input.current?.click()}>
              {t('files.upload_version')}
            </Button>
            <input
              ref={input}
              type="file"
              hidden
              aria-label={t('files.upload_version')}
              data-testid="version-input"
              onChange={picked}
            />
          </>
        ) : null}
        <Button variant="primary" onClick={onClose}>
          {t('common.dismiss')}
        </Button>
      </div>
    </Modal>
  );
}
