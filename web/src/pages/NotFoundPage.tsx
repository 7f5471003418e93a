import { EmptyState } from '../components/Feedback';
import { useI18n } from '../i18n';
import { Page } from '../layout/Page';
import { Link } from '../router/router';

export default function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Page title={t('notfound.title')}>
      <EmptyState
        icon="globe"
        title={t('notfound.body')}
        action={
          <Link to="/" className="btn btn--primary">
            {t('common.go_home')}
          </Link>
        }
      />
    </Page>
  );
}
