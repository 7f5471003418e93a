// /w/:id/reports[?days=N]: a workspace's activity report — the members,
// each readable module's figures, the tasks' progress (the board's columns,
// who holds what) and the activity by day over the last 7, 30, 90 or 365
// days (the period in the address), read again as the workspace changes,
// and the activity as CSV.
import '../../styles/modules/reports.css';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, isApiError, type Workspace } from '../../api';
import type { PageProps } from '../../app/routes';
import { Button } from '../../components/Button';
import { Alert, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { ModuleGate, ModuleOff } from '../../pages/ModuleGate';
import { localDay } from '../tasks/logic/due';
import { navigate, useSearchParams } from '../../router/router';
import { ActivityChart } from './components/ActivityChart';
import { MembersCard, ModuleCard } from './components/FigureCard';
import { PeriodSelector } from './components/PeriodSelector';
import { TasksProgress, tasksProgressOf } from './components/TasksProgress';
import { byModuleOrder, dayLabel } from './logic/format';
import { parseDays } from './logic/period';
import { reportsPath } from './paths';
import { ReportsStore } from './store';

export default function ReportsPage({ params }: PageProps) {
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="reports">
      {(w) => <ReportsScreen key={w.id} workspace={w} />}
    </ModuleGate>
  );
}

export function ReportsScreen({ workspace }: { workspace: Workspace }) {
  const { t, locale, dateTime } = useI18n();
  const ws = workspace.id;
  const [store] = useState(() => new ReportsStore(ws));
  const { summary, loading, failed, members } = useSyncExternalStore(
    store.subscribe,
    store.getState,
  );
  const days = parseDays(useSearchParams().get('days'));

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  useEffect(() => {
    void store.show(days);
  }, [store, days]);

  const denied = isApiError(failed) && failed.status === 404;
  /** What is shown is of another period while the one asked is read. */
  const stale = !summary || summary.days !== days;

  const progress = tasksProgressOf(summary?.modules.tasks);
  let body;
  if (denied) {
    body = <ModuleOff workspace={workspace} />;
  } else if (!summary && !failed) {
    body = <Spinner label={t('common.loading')} />;
  } else {
    body = (
      <>
        {failed ? (
          <Alert kind="error" title={t('reports.load_failed')}>
            <Button size="sm" onClick={() => void store.load()}>
              {t('conn.retry')}
            </Button>
          </Alert>
        ) : null}
        {summary ? (
          <div className={stale ? 'rep-body rep-body--stale' : 'rep-body'} aria-busy={loading}>
            <p className="rep-range muted">
              {t('reports.range', {
                from: dayLabel(summary.since, locale),
                to: dayLabel(
                  summary.activity[summary.activity.length - 1]?.day ?? summary.until,
                  locale,
                ),
                at: dateTime(summary.until),
              })}
            </p>
            <div className="rep-cards">
              <MembersCard total={summary.members.total} guests={summary.members.guests} />
              {byModuleOrder(Object.keys(summary.modules)).map((m) => (
                <ModuleCard key={m} module={m} figures={summary.modules[m] ?? {}} />
              ))}
            </div>
            {progress ? (
              <TasksProgress
                {...progress}
                workspaceId={ws}
                members={members}
                csvUrl={api.reports.tasksCsvUrl(ws, summary.days, localDay(new Date()))}
              />
            ) : null}
            <ActivityChart activity={summary.activity} />
          </div>
        ) : null}
      </>
    );
  }

  return (
    <div className="reports">
      <Page
        title={t('module.reports.name')}
        subtitle={workspace.name}
        actions={
          denied ? null : (
            <div className="rep-actions">
              <PeriodSelector
                days={days}
                onChange={(n) => navigate(reportsPath(ws, n), { replace: true })}
              />
              <a
                className="btn btn--secondary btn--sm"
                href={api.reports.activityCsvUrl(ws, days)}
                download
                title={t('reports.download_csv_title')}
              >
                <Icon name="download" size={16} />
                {t('reports.download_csv')}
              </a>
            </div>
          )
        }
      >
        <p className="visually-hidden" role="status">
          {loading && stale && summary ? t('reports.updating') : ''}
        </p>
        {body}
      </Page>
    </div>
  );
}
