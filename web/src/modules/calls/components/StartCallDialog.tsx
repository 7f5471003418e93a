// "Start a call": an optional title, then the call starts and the tab joins it.
import { useState, type FormEvent } from 'react';
import type { Call } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { TextField } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import { useCallsErrorText } from '../errors';
import type { CallsStore } from '../store';

/** The title's limit on the server (bytes, one line). */
const MAX_TITLE_BYTES = 200;

export function StartCallDialog({
  store,
  onStarted,
  onClose,
}: {
  store: CallsStore;
  onStarted(call: Call): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const errorText = useCallsErrorText();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tooLong = new TextEncoder().encode(title.trim()).length > MAX_TITLE_BYTES;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (tooLong) return;
    setBusy(true);
    setError(null);
    try {
      const call = await store.startCall(title.replace(/\s+/g, ' '));
      onStarted(call);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('calls.start')} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <TextField
          label={t('calls.title')}
          hint={t('calls.title_hint')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={tooLong ? t('error.too_large') : null}
          autoFocus
          autoComplete="off"
        />
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" icon="video" busy={busy} disabled={tooLong}>
            {t('calls.start_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
