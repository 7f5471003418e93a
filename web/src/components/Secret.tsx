// A secret shown once (app token, recovery codes): monospace, copyable.
import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';
import { Alert } from './Feedback';

export function SecretOnce({
  title,
  note,
  value,
  lines,
}: {
  title: ReactNode;
  note: ReactNode;
  value: string;
  lines?: string[];
}) {
  return (
    <div className="secret">
      <Alert kind="warning" title={title}>
        {note}
      </Alert>
      {lines ? (
        <ul className="secret__codes" aria-label={typeof title === 'string' ? title : undefined}>
          {lines.map((l) => (
            <li key={l}>
              <code>{l}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="secret__value">
          <code>{value}</code>
        </p>
      )}
      <CopyButton text={value} />
    </div>
  );
}
