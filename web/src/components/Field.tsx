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

/** What a labelled control carries: its id and what describes it. */
interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

type ChromeProps = FieldChrome & { id?: string };

/** The chrome's props apart from the control's own. */
function split<T extends ChromeProps>(p: T): [ChromeProps, Omit<T, keyof ChromeProps>] {
  const { label, hint, error, hideLabel, className, id, ...control } = p;
  return [{ label, hint, error, hideLabel, className, id }, control];
}

function Labelled({
  id,
  label,
  hint,
  error,
  hideLabel,
  className,
  control,
}: ChromeProps & { control: (a: ControlProps) => ReactNode }) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div
      className={['field', error ? 'field--invalid' : '', className ?? '']
        .filter(Boolean)
        .join(' ')}
    >
      <label htmlFor={fid} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {control({
        id: fid,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy(fid, hint, error),
      })}
      {hint ? (
        <p id={`${fid}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${fid}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField(props: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  const [chrome, input] = split(props);
  return <Labelled {...chrome} control={(a) => <input className="input" {...a} {...input} />} />;
}

export function TextArea(props: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const [chrome, input] = split(props);
  return (
    <Labelled
      {...chrome}
      control={(a) => <textarea className="input input--area" {...a} {...input} />}
    />
  );
}

export function SelectField(props: FieldChrome & SelectHTMLAttributes<HTMLSelectElement>) {
  const [chrome, select] = split(props);
  return (
    <Labelled {...chrome} control={(a) => <select className="input select" {...a} {...select} />} />
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
