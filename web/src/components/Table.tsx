// A table of records, in the one shape every list of the app uses: a
// wrapper that scrolls sideways on narrow screens, an optional caption for
// screen readers, one header per column and, last, the actions column,
// whose header is read to screen readers and shown only when asked. The
// rows are the caller's (<tr> with a <th scope="row"> naming the record).
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

export interface TableColumn {
  label: ReactNode;
  className?: string;
}

export function Table({
  caption,
  columns,
  actions,
  compact = false,
  className,
  children,
}: {
  /** Read by screen readers, not shown. */
  caption?: string;
  columns: readonly (ReactNode | TableColumn)[];
  /** An actions column: its header 'hidden' (read only) or 'shown'; absent: none. */
  actions?: 'hidden' | 'shown';
  compact?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const classes = ['table', compact ? 'table--compact' : '', className ?? ''].filter(Boolean);
  return (
    <div className="table-wrap">
      <table className={classes.join(' ')}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c, i) => {
              const col = isColumn(c) ? c : { label: c };
              return (
                <th key={i} scope="col" className={col.className}>
                  {col.label}
                </th>
              );
            })}
            {actions ? (
              <th scope="col">
                {actions === 'shown' ? (
                  t('common.actions')
                ) : (
                  <span className="visually-hidden">{t('common.actions')}</span>
                )}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function isColumn(c: ReactNode | TableColumn): c is TableColumn {
  return typeof c === 'object' && c !== null && 'label' in c;
}
