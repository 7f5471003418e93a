// Reversibility: the whole workspace as one archive of open formats
// (docs/export.md), for its owners and admins.
import { api, type Workspace } from '../../api';
import { Button } from '../../components/Button';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { startDownload } from '../../util/download';

export function ExportSection({ w }: { w: Workspace }) {
  const { t } = useI18n();
  return (
    <Section title={t('export.title')} id="export">
      <div className="danger-row">
        <div>
          <p className="danger-row__title">{t('export.download')}</p>
          <p className="muted">{t('export.lead')}</p>
        </div>
        <Button icon="download" onClick={() => startDownload(api.workspaces.exportUrl(w.id))}>
          {t('export.download')}
        </Button>
      </div>
    </Section>
  );
}
