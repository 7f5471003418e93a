// Two-factor authentication: enrol with a QR code rendered in the browser
// (the secret never leaves for a third party), confirm with a code, keep
// the recovery codes shown once; renew them or turn TOTP off with the
// password.
import { useState, type FormEvent } from 'react';
import { api, type TotpEnrollment } from '../../api';
import { Button } from '../../components/Button';
import { Alert, Tag } from '../../components/Feedback';
import { TextField } from '../../components/Field';
import { SecretOnce } from '../../components/Secret';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useMe, useSession } from '../../session';
import { useErrorText } from '../../util/errors';

async function qrDataUrl(text: string): Promise<string> {
  const QRCode = await import('qrcode');
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width: 208 });
}

export function TotpSection() {
  const me = useMe();
  const { refreshMe } = useSession();
  const { t } = useI18n();
  const errorText = useErrorText();
  const [enrolment, setEnrolment] = useState<(TotpEnrollment & { qr: string }) | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const [mode, setMode] = useState<'idle' | 'disable' | 'renew'>('idle');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const begin = () =>
    run(async () => {
      const e = await api.me.totpBegin();
      setEnrolment({ ...e, qr: await qrDataUrl(e.otpauth_uri) });
      setCodes(null);
    });

  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.me.totpConfirm(code.replace(/\s+/g, ''));
      setCodes(r.recovery_codes);
      setEnrolment(null);
      setCode('');
      await refreshMe();
    });
  };

  const withPassword = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (mode === 'disable') {
        await api.me.totpDisable(password);
        setCodes(null);
      } else {
        setCodes((await api.me.newRecoveryCodes(password)).recovery_codes);
      }
      setPassword('');
      setMode('idle');
      await refreshMe();
    });
  };

  return (
    <Section
      title={t('totp.title')}
      description={t('totp.lead')}
      id="totp"
      actions={
        me.totp_enabled ? <Tag tone="success">{t('totp.on')}</Tag> : <Tag>{t('totp.off')}</Tag>
      }
    >
      {error ? <Alert kind="error">{error}</Alert> : null}
      {codes ? (
        <SecretOnce
          title={t('totp.codes_title')}
          note={t('totp.codes_note')}
          value={codes.join('\n')}
          lines={codes}
        />
      ) : null}

      {!me.totp_enabled && !enrolment ? (
        <Button variant="primary" icon="lock" busy={busy} onClick={() => void begin()}>
          {t('totp.enable')}
        </Button>
      ) : null}

      {enrolment ? (
        <form className="form totp-enrol" onSubmit={confirm} noValidate>
          <ol className="totp-enrol__steps">
            <li>
              <p>{t('totp.step_scan')}</p>
              <img
                className="totp-enrol__qr"
                src={enrolment.qr}
                alt={t('totp.qr_alt')}
                width={208}
                height={208}
              />
              <details>
                <summary>{t('totp.manual')}</summary>
                <code className="totp-enrol__secret">{enrolment.secret}</code>
              </details>
            </li>
            <li>
              <TextField
                label={t('totp.code')}
                autoComplete="one-time-code"
                inputMode="numeric"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </li>
          </ol>
          <div className="form__actions">
            <Button onClick={() => setEnrolment(null)}>{t('common.cancel')}</Button>
            <Button type="submit" variant="primary" busy={busy} disabled={code.trim().length < 6}>
              {t('totp.confirm')}
            </Button>
          </div>
        </form>
      ) : null}

      {me.totp_enabled ? (
        <>
          {typeof me.recovery_codes_left === 'number' ? (
            <p className="muted">{t('totp.codes_left', { count: me.recovery_codes_left })}</p>
          ) : null}
          {mode === 'idle' ? (
            <div className="button-row">
              <Button icon="key" onClick={() => setMode('renew')}>
                {t('totp.renew')}
              </Button>
              <Button
                variant="danger"
                onClick={() => setMode('disable')}
                disabled={me.mfa_required}
              >
                {t('totp.disable')}
              </Button>
            </div>
          ) : (
            <form className="form" onSubmit={withPassword} noValidate>
              <TextField
                label={t('totp.password_to_confirm')}
                type="password"
                autoComplete="current-password"
                required
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <div className="form__actions">
                <Button onClick={() => setMode('idle')}>{t('common.cancel')}</Button>
                <Button
                  type="submit"
                  variant={mode === 'disable' ? 'danger' : 'primary'}
                  busy={busy}
                  disabled={!password}
                >
                  {mode === 'disable' ? t('totp.disable') : t('totp.renew')}
                </Button>
              </div>
            </form>
          )}
        </>
      ) : null}
    </Section>
  );
}
