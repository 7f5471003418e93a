// Uploaded names that exist already: replace them (new versions, folders
// merged), keep both ("name (2)"), or cancel.
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { useI18n } from '../../../i18n';
import type { ConflictChoice } from '../store';

export function ConflictDialog({
  names,
  onDecide,
}: {
  names: readonly string[];
  onDecide(choice: ConflictChoice | null): void;
}) {
  const { t } = useI18n();
  const shown = names.slice(0, 8);
  return (
    <Modal
      title={t('files.conflict_title', { count: names.length })}
      onClose={() => onDecide(null)}
    >
      <div className="dialog__body">
        <p>{t('files.conflict_body')}</p>
        <ul className="files-conflict__names">
          {shown.map((n) => (
            <li key={n}>{n}</li>
          ))}
          {names.length > shown.length ? (
            <li>{t('files.conflict_more', { count: names.length - shown.length })}</li>
          ) : null}
        </ul>
      </div>
      <div className="dialog__actions">
        <Button onClick={() => onDecide(null)}>{t('common.cancel')}</Button>
        <Button onClick={() => onDecide('keep-both')}>{t('files.keep_both')}</Button>
        <Button variant="primary" onClick={() => onDecide('replace')}>
          {t('files.replace')}
        </Button>
      </div>
    </Modal>
  );
}
