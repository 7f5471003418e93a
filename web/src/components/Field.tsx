// Labelled form controls: every input has a visible <label>, its hint and
// error are tied to it with aria-describedby.
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface FieldChrome {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** Hides the label visually (it stays for screen readers). */
  hideLabel?: boolean;
  className?: string;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Chrome({
  id,
  label,
  hint,
  error,
  hideLabel,
  className,
  children,
}: FieldChrome & { id: string; children: ReactNode }) {
  return (
    <div
      className={['field', error ? 'field--invalid' : '', className ?? '']
        .filter(Boolean)
        .join(' ')}
    >
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  label,
  hint,
  error,
  hideLabel,
  className,
  id,
  ...input
}: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Chrome
      id={fid}
      label={label}
      hint={hint}
      error={error}
      hideLabel={hideLabel}
      className={className}
    >
      <input
        id={fid}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...input}
      />
    </Chrome>
  );
}

export function TextArea({
  label,
  hint,
  error,
  hideLabel,
  className,
  id,
  ...input
}: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Chrome
      id={fid}
      label={label}
      hint={hint}
      error={error}
      hideLabel={hideLabel}
      className={className}
    >
      <textarea
        id={fid}
        className="input input--area"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...input}
      />
    </Chrome>
  );
}

export function SelectField({
  label,
  hint,
  error,
  hideLabel,
  className,
  id,
  children,
  ...select
}: FieldChrome & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Chrome
      id={fid}
      label={label}
      hint={hint}
      error={error}
      hideLabel={hideLabel}
      className={className}
    >
      <select
        id={fid}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...select}
      >
        {children}
      </select>
    </Chrome>
  );
}

export function Checkbox({
  label,
  hint,
  className,
  id,
  ...input
}: { label: ReactNode; hint?: ReactNode; className?: string } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'type'
>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={['check', className ?? ''].filter(Boolean).join(' ')}>
      <input
        id={fid}
        type="checkbox"
        aria-describedby={hint ? `${fid}-hint` : undefined}
        {...input}
      />
      <div className="check__text">
        <label htmlFor={fid} className="check__label">
          {label}
        </label>
        {hint ? (
          <span id={`${fid}-hint`} className="check__hint">
            {hint}
          </span>
        ) : null}
      </div>
    </div>
  );
}
