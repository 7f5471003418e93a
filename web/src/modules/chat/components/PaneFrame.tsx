// The side panel's frame (thread, pins, members): a titled region with a
// close button; Escape inside closes it.
import { useId, type ReactNode } from 'react';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';

export function PaneFrame({
  title,
  subtitle,
  onClose,
  children,
}: {
  title: string;
  subtitle?: string;
  onClose(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <aside
      className="chat-pane"
      aria-labelledby={id}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <header className="chat-pane__header">
        <div className="chat-pane__titles">
          <h2 id={id} className="chat-pane__title">
            {title}
          </h2>
          {subtitle ? <p className="chat-pane__subtitle">{subtitle}</p> : null}
        </div>
        <button
          type="button"
          className="icon-btn"
          aria-label={t('chat.close_pane')}
          title={t('chat.close_pane')}
          onClick={onClose}
        >
          <Icon name="close" size={18} />
        </button>
      </header>
      <div className="chat-pane__body">{children}</div>
    </aside>
  );
}
