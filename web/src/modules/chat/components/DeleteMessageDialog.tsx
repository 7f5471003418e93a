// "Delete this message?" — shared by the channel and the thread pane.
import type { Message } from '../../../api';
import { ConfirmDialog } from '../../../components/Dialog';
import { useI18n } from '../../../i18n';
import { useChat } from '../context';

export function DeleteMessageDialog({
  message,
  onClose,
  onError,
}: {
  message: Message | null;
  onClose: () => void;
  onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const { store } = useChat();
  return (
    <ConfirmDialog
      open={!!message}
      title={t('chat.delete_title')}
      confirmLabel={t('chat.delete')}
      cancelLabel={t('common.cancel')}
      danger
      onCancel={onClose}
      onConfirm={() => {
        onClose();
        if (message) void store.remove(message).catch(onError);
      }}
    >
      <p>{t('chat.delete_body')}</p>
    </ConfirmDialog>
  );
}
