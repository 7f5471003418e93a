// A new folder's name, or a new name for an entry (armoured: one that did
// not open starts empty: it is given a name again).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { TextField } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText } from '../context';
import type { ShownNode } from '../sealed';
import { useNodeName } from './NodeName';

export function NameDialog({ node, onClose }: { node?: ShownNode; onClose(): void }) {
  const { t } = useI18n();
  const { store } = useFiles();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const nodeName = useNodeName();
  const opened = !node?.sealed || node.sealed.name === 'open';
  const [name, setName] = useState(node && opened ? node.name : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();

  useEffect(() => {
    const el = document.getElementById(inputId);
    if (!(el instanceof HTMLInputElement)) return;
    el.focus();
    // Renaming a file selects its name without the extension.
    const dot = node && node.kind === 'file' ? node.name.lastIndexOf('.') : -1;
    el.setSelectionRange(0, dot > 0 ? dot : el.value.length);
  }, [node, inputId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const clean = name.trim();
    if (!clean) return;
    if (node && opened && clean === node.name) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (node) {
        await store.rename(node, clean);
        toast({ kind: 'success', title: t('files.renamed', { name: clean }) });
      } else {
        await store.createFolder(clean);
        toast({ kind: 'success', title: t('files.folder_created', { name: clean }) });
      }
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={node ? t('files.rename_title', { name: nodeName(node) }) : t('files.new_folder')}
      onClose={onClose}
    >
      <form onSubmit={submit} className="form">
        <div className="dialog__body">
          {error ? <Alert kind="error">{error}</Alert> : null}
          <TextField
            id={inputId}
            label={node ? t('files.new_name') : t('files.folder_name')}
            value={name}
            maxLength={255}
            required
            onChange={(e) => setName(e.currentTarget.value)}
            hint={t('files.name_hint')}
          />
        </div>
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {node ? t('files.rename') : t('files.create_folder')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
