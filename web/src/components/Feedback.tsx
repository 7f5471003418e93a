// Status and empty states.
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function Alert({
  kind = 'error',
  title,
  children,
}: {
  kind?: 'error' | 'info' | 'success' | 'warning';
  title?: ReactNode;
  children?: ReactNode;
}) {
  // Errors interrupt; the rest is announced politely.
  const role = kind === 'error' ? 'alert' : 'status';
  return (
    <div className={`alert alert--${kind}`} role={role}>
      {title ? <p className="alert__title">{title}</p> : null}
      {children ? <div className="alert__body">{children}</div> : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon?: IconName;
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      {icon ? (
        <div className="empty__icon">
          <Icon name={icon} size={28} />
        </div>
      ) : null}
      <p className="empty__title">{title}</p>
      {children ? <div className="empty__body">{children}</div> : null}
      {action ? <div className="empty__action">{action}</div> : null}
    </div>
  );
}

/** A count bubble; the label is read instead of the bare number. */
export function Badge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null;
  return (
    <span className="badge" aria-label={label} title={label}>
      <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
    </span>
  );
}

export function Tag({
  children,
  tone = 'neutral',
}: {
  children: ReactNode;
  tone?: 'neutral' | 'accent' | 'warning' | 'success';
}) {
  return <span className={`tag tag--${tone}`}>{children}</span>;
}
