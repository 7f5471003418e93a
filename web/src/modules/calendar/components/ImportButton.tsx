// "Import" beside "New event": an .ics file (exported from Outlook, Google
// Calendar, Thunderbird…) added to the workspace's calendar, or the
// personal one (workspaceId null), a thousand events at a time
// (docs/calendar.md "Import"); the toast says how many events came, were
// there already, or were refused. The events appear through the
// calendar's live events, as anyone's.
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { Button } from '../../../components/Button';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useCalendarErrorText } from '../errors';

export function ImportButton({
  workspaceId,
  disabled,
}: {
  workspaceId: string | null;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const send = async (file: File) => {
    setBusy(true);
    try {
      const r = await api.calendar.importFile(workspaceId, file).done;
      const more = [
        r.existing ? t('calendar.import.existing', { count: r.existing }) : '',
        r.refused ? t('calendar.import.refused', { count: r.refused }) : '',
      ].filter(Boolean);
      toast({
        kind: r.refused ? 'info' : 'success',
        title: t('calendar.import.done', { count: r.imported }),
        ...(more.length ? { body: more.join(' ') } : {}),
      });
    } catch (err) {
      toast({ kind: 'error', title: t('calendar.import.failed'), body: errorText(err) });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <>
      <Button icon="upload" busy={busy} disabled={disabled} onClick={() => input.current?.click()}>
        {t('calendar.import')}
      </Button>
      <input
        ref={input}
        type="file"
        accept=".ics,text/calendar"
        hidden
        aria-label={t('calendar.import.file')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void send(file);
        }}
      />
    </>
  );
}
