// Saving one's armour identity to a file, and using such a file here
// (docs/armoured.md, "Saving and bringing your keys"): the "your keys"
// part of the key verification screen, and the form that the passphrase
// screens offer too (no identity yet, a forgotten passphrase).
import '../styles/modules/armour.css';
import { useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import { Button } from '../components/Button';
import { ConfirmDialog } from '../components/Dialog';
import { Alert } from '../components/Feedback';
import { TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { saveBlob } from '../util/download';
import {
  MAX_IDENTITY_FILE_BYTES,
  isArmourError,
  parseIdentityFile,
  type IdentityFile,
} from './format';
import { useArmourErrorText, useArmourText } from './i18n';
import { identity } from './identity';
import { loadCrypto, nextFrame } from './load';

/**
 * "Your keys in a file": save the unlocked identity to a file, or use a
 * saved one instead (which replaces the keys held here, after a warning,
 * when they are other keys). Shown once the keys are unlocked.
 */
export function OwnKeys({ userId, headingId }: { userId: string; headingId: string }) {
  const ta = useArmourText();
  const errorText = useArmourErrorText();
  const [using, setUsing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<unknown>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaid('');
    try {
      const f = await identity.savedFile(userId);
      saveBlob(new Blob([f.text], { type: 'application/json' }), f.name);
      setSaid(ta('saved.saved', { name: f.name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="saved-keys" aria-labelledby={headingId}>
      <h3 id={headingId} className="verify__heading">
        {ta('saved.heading')}
      </h3>
      <p className="verify__hint">{ta('saved.lead')}</p>
      <p className="verify__hint">{ta('saved.caution')}</p>
      {using ? (
        <UseSavedKeys
          userId={userId}
          confirmReplace
          onCancel={() => setUsing(false)}
          onDone={() => {
            setUsing(false);
            setSaid(ta('saved.done'));
          }}
        />
      ) : (
        <div className="button-row saved-keys__actions">
          <Button size="sm" icon="download" busy={busy} onClick={() => void save()}>
            {ta('saved.save')}
          </Button>
          <Button
            size="sm"
            icon="upload"
            onClick={() => {
              setUsing(true);
              setSaid('');
              setError(null);
            }}
          >
            {ta('saved.use')}
          </Button>
        </div>
      )}
      {error ? (
        <Alert kind="error">
          {isArmourError(error, 'locked') ? ta('saved.changed') : errorText(error)}
        </Alert>
      ) : null}
      <p className="verify__hint" role="status">
        {said}
      </p>
    </section>
  );
}

/**
 * Picks a saved identity file and its passphrase, and makes it the
 * person's identity here (IdentityStore.adopt): set when they have none,
 * the passphrase only when it holds their keys, replaced otherwise — after
 * a confirmation when `confirmReplace` (the forgotten-passphrase path has
 * asked already). The file is read and checked in the browser; nothing is
 * sent unless its passphrase opens it.
 */
export function UseSavedKeys({
  userId,
  title,
  confirmReplace,
  onCancel,
  onDone,
}: {
  userId: string;
  title?: ReactNode;
  confirmReplace: boolean;
  onCancel(): void;
  onDone(): void;
}) {
  const ta = useArmourText();
  const { t, dateTime } = useI18n();
  const errorText = useArmourErrorText();
  const state = useSyncExternalStore(identity.subscribe, identity.getState);
  const current = state.status === 'locked' || state.status === 'unlocked' ? state.record : null;
  const [file, setFile] = useState<IdentityFile | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [pass, setPass] = useState('');
  const [passError, setPassError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const replaces =
    !!file &&
    !!current &&
    (current.box_public !== file.box_public || current.sign_public !== file.sign_public);

  const pick = async (f: File | undefined) => {
    setFile(null);
    setFileError(null);
    setPassError(null);
    setError(null);
    if (!f) return;
    if (f.size > MAX_IDENTITY_FILE_BYTES) {
      setFileError(ta('saved.bad_file'));
      return;
    }
    try {
      setFile(parseIdentityFile(await f.text()));
    } catch {
      setFileError(ta('saved.bad_file'));
    }
  };

  const run = async () => {
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    setPassError(null);
    try {
      await loadCrypto();
      await nextFrame();
      await identity.adopt(userId, file, pass);
      onDone();
    } catch (e) {
      if (isArmourError(e, 'wrong_passphrase')) setPassError(ta('saved.wrong_passphrase'));
      else if (isArmourError(e, 'bad_identity_file')) setFileError(ta('saved.bad_file'));
      else setError(e);
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      if (!fileError) setFileError(ta('saved.file_needed'));
      return;
    }
    if (!pass || busy) return;
    if (replaces && confirmReplace) setConfirming(true);
    else void run();
  };

  const from =
    file && file.origin && dateTime(file.saved_at)
      ? ta('saved.file_from', { date: dateTime(file.saved_at), origin: file.origin })
      : null;

  return (
    <>
      <form className="form saved-keys__form" onSubmit={submit} noValidate>
        {title}
        <p>{ta('saved.body')}</p>
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <TextField
          label={ta('saved.file')}
          type="file"
          accept=".json,application/json"
          required
          hint={from}
          error={fileError}
          disabled={busy}
          onChange={(e) => void pick(e.target.files?.[0])}
        />
        {file && current ? (
          <Alert kind={replaces ? 'warning' : 'info'}>
            {ta(replaces ? 'saved.other_keys' : 'saved.same_keys')}
          </Alert>
        ) : null}
        <TextField
          label={ta('saved.passphrase')}
          type="password"
          autoComplete="off"
          required
          value={pass}
          error={passError}
          onChange={(e) => {
            setPass(e.target.value);
            setPassError(null);
          }}
        />
        <div className="form__actions">
          <Button onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!pass} icon="key">
            {busy ? ta('gate.working') : ta(replaces ? 'replace.submit' : 'saved.submit')}
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming}
        title={ta('saved.confirm_title')}
        confirmLabel={ta('replace.submit')}
        cancelLabel={t('common.cancel')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void run();
        }}
      >
        <p>{ta('saved.confirm_body')}</p>
        <p>{ta('forgot.body_others')}</p>
      </ConfirmDialog>
    </>
  );
}
