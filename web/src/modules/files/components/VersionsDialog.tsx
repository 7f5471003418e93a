// A file's versions, newest first: download any, restore an old one (it
// becomes the newest), or upload a new one. In an armoured workspace each
// version opens with its own content record (its author is the version's):
// its size is the record's, it downloads with its key, and restoring it
// seals that key for the next number; a list whose current version is
// older than one this browser saw says so. Neither restore nor upload while
// the workspace's current key is not held (the reason above the list).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { api, type FileVersion } from '../../../api';
import type { ContentRecord } from '../../../armour/format';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { Table } from '../../../components/Table';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import {
  sealBlockedProps,
  useFiles,
  useFilesErrorText,
  useFilesState,
  useKeysVersion,
} from '../context';
import { formatBytes } from '../logic/format';
import type { ShownNode } from '../sealed';
import { useNodeName } from './NodeName';
import { useDownload } from './NodeList';

export function VersionsDialog({ node, onClose }: { node: ShownNode; onClose(): void }) {
  const { t, locale, dateTime } = useI18n();
  const ta = useArmourText();
  const { store, canWrite, sealBlocked, nameOf } = useFiles();
  const blockedId = useId();
  const blocked = sealBlockedProps(sealBlocked, blockedId);
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const download = useDownload();
  const live = useFilesState((s) => s.listing.items.find((n) => n.id === node.id));
  const current = live ?? node;
  const name = useNodeName()(current);
  const [versions, setVersions] = useState<FileVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const armour = current.sealed ? store.armour : null;
  const keysVersion = useKeysVersion();

  // Armoured: each version's record, opened; and whether the list goes back in time.
  const opened = useMemo(() => {
    if (!armour || !versions) return null;
    const records = new Map<number, ContentRecord | null>();
    for (const v of versions) {
      const r = armour.openVersion(current, v);
      records.set(v.number, r.kind === 'open' ? r.value : null);
    }
    return { records, rolledBack: armour.versionsRolledBack(current, versions) };
    // keysVersion: keys that arrived may open what did not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [armour, versions, current, keysVersion]);
  const recordOf = (v: FileVersion) => opened?.records.get(v.number) ?? null;

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
      await store.restoreVersion(current, v.number, recordOf(v) ?? undefined);
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
      title={t('files.versions_title', { name })}
      onClose={onClose}
      className="files-dialog--wide"
    >
      <div className="dialog__body">
        {error ? <Alert kind="error">{error}</Alert> : null}
        {canWrite && sealBlocked ? (
          <p id={blockedId} className="files-dialog__blocked" role="note">
            {sealBlocked}
          </p>
        ) : null}
        {opened?.rolledBack ? (
          <Alert kind="warning" title={ta('files.rolled_back')}>
            {ta('files.rolled_back_hint')}
          </Alert>
        ) : null}
        {versions === null ? (
          <Spinner label={t('common.loading')} />
        ) : (
          <Table
            compact
            className="files-versions"
            columns={[t('files.version'), t('files.col_modified'), t('files.col_size')]}
            actions="shown"
          >
            {versions.map((v) => {
              const record = recordOf(v);
              // Armoured: a version whose record does not open can be neither read nor restored.
              const readable = !armour || !!record;
              return (
                <tr key={v.number}>
                  <th scope="row">
                    {t('files.version_n', { number: v.number })}{' '}
                    {v.current ? <Tag tone="success">{t('files.current')}</Tag> : null}
                    {readable ? null : (
                      <Tag tone="warning">
                        <span title={ta('files.unreadable_content')}>
                          ⚠ {ta('files.version_unreadable')}
                        </span>
                      </Tag>
                    )}
                  </th>
                  <td>
                    {dateTime(v.created_at)} · {nameOf(v.created_by)}
                  </td>
                  <td>{formatBytes(record ? record.size : v.size, locale)}</td>
                  <td className="table__actions">
                    <Button
                      size="sm"
                      icon="download"
                      disabled={!readable}
                      onClick={() => download(current, { number: v.number, record })}
                      aria-label={t('files.download_version', { number: v.number })}
                    >
                      {t('files.download')}
                    </Button>
                    {canWrite && !v.current && readable ? (
                      <Button
                        size="sm"
                        icon="restore"
                        busy={busy === v.number}
                        {...blocked}
                        onClick={() => void restore(v)}
                        aria-label={t('files.restore_version', { number: v.number })}
                      >
                        {t('files.restore')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </Table>
        )}
      </div>
      <div className="dialog__actions">
        {canWrite ? (
          <>
            <Button icon="upload" {...blocked} onClick={() => input.current?.click()}>
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
