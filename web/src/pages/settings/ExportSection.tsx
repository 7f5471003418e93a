// Reversibility: the whole workspace as one archive of open formats
// (docs/export.md), for its owners and admins.
import { useState } from 'react';
import { api, type Workspace } from '../../api';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { startDownload } from '../../util/download';
import { useErrorText } from '../../util/errors';

export function ExportSection({ w }: { w: Workspace }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The download itself is the browser's (a link: the archive never passes
  // through the page's memory), so it cannot tell why it failed: ask first
  // whether the server would start one now (one export runs at a time).
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.workspaces.exportReady(w.id);
      startDownload(api.workspaces.exportUrl(w.id));
    } catch (e) {
      setError(isApiError(e) && e.status === 503 ? t('export.running') : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('export.title')} id="export">
      <div className="danger-row">
        <div>
          <p className="danger-row__title">{t('export.download')}</p>
          <p className="muted">{t('export.lead')}</p>
        </div>
        <Button icon="download" busy={busy} onClick={() => void download()}>
          {t('export.download')}
        </Button>
      </div>
      {error ? <Alert>{error}</Alert> : null}
    </Section>
  );
}
