// Transient notices in a polite live region, bottom right. Opening one
// that tells of a kept notice marks that notice read (the centre's).
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Icon } from '../components/Icon';
import { useI18n } from '../i18n';
import { notices } from './centre';

export interface Toast {
  id: number;
  title: string;
  body?: string;
  kind?: 'info' | 'success' | 'error' | 'mention';
  /** Where a click on the toast leads. */
  href?: string;
  /** The kept notice it tells of (docs/api.md "Notices"): read once the toast is opened. */
  noticeId?: string;
}

interface ToastApi {
  toast(t: Omit<Toast, 'id'>): void;
}

const Ctx = createContext<ToastApi | null>(null);
const LIFETIME_MS = 6000;

export function ToastProvider({
  children,
  onOpen,
}: {
  children: ReactNode;
  onOpen?: (href: string) => void;
}) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const { t } = useI18n();

  const dismiss = useCallback(
    (id: number) => setToasts((list) => list.filter((x) => x.id !== id)),
    [],
  );

  const toast = useCallback(
    (x: Omit<Toast, 'id'>) => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-3), { ...x, id }]);
      setTimeout(() => dismiss(id), LIFETIME_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ toast }), [toast]);
  return (
    <Ctx.Provider value={value}>
      {children}
      <div className="toasts" role="region" aria-label={t('toast.region')}>
        <div aria-live="polite" aria-atomic="false">
          {toasts.map((x) => (
            <div key={x.id} className={`toast toast--${x.kind ?? 'info'}`}>
              <div className="toast__text">
                {x.href && onOpen ? (
                  <button
                    type="button"
                    className="toast__title toast__link"
                    onClick={() => {
                      if (x.noticeId) void notices.markRead(x.noticeId);
                      onOpen(x.href ?? '/');
                    }}
                  >
                    {x.title}
                  </button>
                ) : (
                  <p className="toast__title">{x.title}</p>
                )}
                {x.body ? <p className="toast__body">{x.body}</p> : null}
              </div>
              <button
                type="button"
                className="icon-btn"
                aria-label={t('common.dismiss')}
                onClick={() => dismiss(x.id)}
              >
                <Icon name="close" size={16} />
              </button>
            </div>
          ))}
        </div>
      </div>
    </Ctx.Provider>
  );
}

export function useToast(): ToastApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useToast outside ToastProvider');
  return v;
}
