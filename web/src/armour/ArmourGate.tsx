// Before an armoured workspace opens: the person's armour identity must be
// unlocked in this tab. Without one (GET /me/armour: 404) they choose a
// passphrase and their keys are made; with one they unlock it; a forgotten
// passphrase makes new keys (replace), after a warning. Instead of making
// keys, a person may use keys saved to a file (SavedKeys.tsx).
import { useEffect, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import type { Workspace } from '../api';
import { Button } from '../components/Button';
import { ConfirmDialog } from '../components/Dialog';
import { Alert, Spinner } from '../components/Feedback';
import { TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { Page } from '../layout/Page';
import { MIN_PASSPHRASE } from './format';
import { useArmourErrorText, useArmourText } from './i18n';
import { forgetOnSignOut, identity } from './identity';
import { loadCrypto, nextFrame } from './load';
import { UseSavedKeys } from './SavedKeys';

export function ArmourGate({
  userId,
  subtitle,
  children,
}: {
  userId: string;
  subtitle: string;
  children: ReactNode;
}) {
  const ta = useArmourText();
  const { t } = useI18n();
  const state = useSyncExternalStore(identity.subscribe, identity.getState);
  const [replacing, setReplacing] = useState(false);
  const [confirmForgot, setConfirmForgot] = useState(false);
  const [fromFile, setFromFile] = useState(false);

  useEffect(() => {
    forgetOnSignOut();
    void identity.load(userId);
    // The crypto chunk loads while the passphrase is typed.
    loadCrypto().catch(() => undefined);
  }, [userId]);

  if (state.status === 'unlocked' && identity.secrets(userId)) return <>{children}</>;

  let body: ReactNode;
  if (state.status === 'unknown' || state.status === 'loading') {
    body = <Spinner label={ta('gate.loading')} />;
  } else if (state.status === 'error') {
    body = (
      <Alert kind="error" title={ta('gate.load_failed')}>
        <Button size="sm" onClick={() => void identity.retry(userId)}>
          {ta('gate.retry')}
        </Button>
      </Alert>
    );
  } else if ((state.status === 'none' || replacing) && fromFile) {
    body = (
      <UseSavedKeys
        userId={userId}
        title={<h2 className="armour-gate__title">{ta('saved.use')}</h2>}
        // A forgotten passphrase: the person agreed to replace their keys.
        confirmReplace={false}
        onCancel={() => setFromFile(false)}
        onDone={() => {
          setFromFile(false);
          setReplacing(false);
        }}
      />
    );
  } else if (state.status === 'none' || replacing) {
    body = (
      <CreateForm
        userId={userId}
        replace={replacing}
        onCancel={replacing ? () => setReplacing(false) : undefined}
        onUseSaved={() => setFromFile(true)}
        onDone={() => setReplacing(false)}
      />
    );
  } else {
    body = <UnlockForm userId={userId} onForgot={() => setConfirmForgot(true)} />;
  }

  return (
    <Page title={ta('gate.title')} subtitle={subtitle} narrow>
      <div className="card armour-gate">
        <p className="armour-gate__lead">{ta('gate.lead')}</p>
        {body}
      </div>
      <ConfirmDialog
        open={confirmForgot}
        title={ta('forgot.title')}
        confirmLabel={ta('forgot.confirm')}
        cancelLabel={t('common.cancel')}
        danger
        onCancel={() => setConfirmForgot(false)}
        onConfirm={() => {
          setConfirmForgot(false);
          setFromFile(false);
          setReplacing(true);
        }}
      >
        <p>{ta('forgot.body')}</p>
        <p>{ta('forgot.body_others')}</p>
      </ConfirmDialog>
    </Page>
  );
}

/** A workspace's screen: behind the gate when the workspace is armoured (docs/armoured.md). */
export function GateIfArmoured({
  workspace,
  userId,
  children,
}: {
  workspace: Workspace;
  userId: string;
  children: ReactNode;
}) {
  if (!workspace.armoured) return <>{children}</>;
  return (
    <ArmourGate userId={userId} subtitle={workspace.name}>
      {children}
    </ArmourGate>
  );
}

function CreateForm({
  userId,
  replace,
  onCancel,
  onUseSaved,
  onDone,
}: {
  userId: string;
  replace: boolean;
  onCancel?: () => void;
  /** Keys saved to a file instead. */
  onUseSaved(): void;
  onDone(): void;
}) {
  const ta = useArmourText();
  const { t } = useI18n();
  const errorText = useArmourErrorText();
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const short = [...pass].length < MIN_PASSPHRASE;
  const mismatch = pass !== confirm;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (short || mismatch || busy) return;
    setBusy(true);
    setError(null);
    try {
      await loadCrypto();
      await nextFrame();
      await identity.create(userId, pass, replace);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="form armour-gate__form" onSubmit={submit} noValidate>
      <h2 className="armour-gate__title">{replace ? ta('replace.title') : ta('create.title')}</h2>
      {replace ? (
        <Alert kind="info">
          <p>{ta('saved.offer_forgot')}</p>
          <Button size="sm" icon="upload" onClick={onUseSaved}>
            {ta('saved.use')}
          </Button>
        </Alert>
      ) : null}
      <p>{ta('create.body')}</p>
      <Alert kind="warning">{ta('create.warning')}</Alert>
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <TextField
        label={ta('passphrase')}
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        value={pass}
        hint={ta('passphrase_hint', { count: MIN_PASSPHRASE })}
        error={
          (tried || pass.length > 0) && short
            ? ta('passphrase_short', { count: MIN_PASSPHRASE })
            : null
        }
        onChange={(e) => setPass(e.target.value)}
      />
      <TextField
        label={ta('passphrase_confirm')}
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        error={tried && mismatch && !short ? ta('passphrase_mismatch') : null}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <div className="form__actions">
        {onCancel ? <Button onClick={onCancel}>{t('common.cancel')}</Button> : null}
        <Button type="submit" variant="primary" busy={busy} icon="lock">
          {busy ? ta('gate.working') : replace ? ta('replace.submit') : ta('create.submit')}
        </Button>
      </div>
      {replace ? null : (
        <p className="armour-gate__saved">
          {ta('saved.offer_create')}{' '}
          <button type="button" className="link-btn" onClick={onUseSaved}>
            {ta('saved.use')}
          </button>
        </p>
      )}
    </form>
  );
}

function UnlockForm({ userId, onForgot }: { userId: string; onForgot(): void }) {
  const ta = useArmourText();
  const errorText = useArmourErrorText();
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!pass || busy) return;
    setBusy(true);
    setError(null);
    try {
      await loadCrypto();
      await nextFrame();
      await identity.unlock(userId, pass);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="form armour-gate__form" onSubmit={submit} noValidate>
      <h2 className="armour-gate__title">{ta('unlock.title')}</h2>
      <p>{ta('unlock.body')}</p>
      <TextField
        label={ta('passphrase')}
        type="password"
        autoComplete="off"
        required
        autoFocus
        value={pass}
        error={error ? errorText(error) : null}
        onChange={(e) => {
          setPass(e.target.value);
          setError(null);
        }}
      />
      <div className="form__actions armour-gate__actions">
        <button type="button" className="link-btn" onClick={onForgot}>
          {ta('unlock.forgot')}
        </button>
        <Button type="submit" variant="primary" busy={busy} disabled={!pass} icon="lock">
          {busy ? ta('gate.working') : ta('unlock.submit')}
        </Button>
      </div>
    </form>
  );
}
