// A new password: at least 12 characters, no composition rules (the server
// also refuses common passwords).
import { TextField } from '../components/Field';
import { useI18n, type MessageKey } from '../i18n';

export const PASSWORD_MIN = 12;

export function PasswordField({
  value,
  onChange,
  label = 'field.new_password',
  autoComplete = 'new-password',
}: {
  value: string;
  onChange(v: string): void;
  label?: MessageKey;
  autoComplete?: string;
}) {
  const { t } = useI18n();
  const short = value.length > 0 && [...value].length < PASSWORD_MIN;
  return (
    <TextField
      label={t(label)}
      type="password"
      autoComplete={autoComplete}
      required
      minLength={PASSWORD_MIN}
      value={value}
      hint={t('field.password_hint', { min: PASSWORD_MIN })}
      error={short ? t('field.password_short', { min: PASSWORD_MIN }) : null}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
