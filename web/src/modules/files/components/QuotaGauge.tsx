// The workspace's storage: used (every version kept, the trash too) and the quota.
import { useI18n } from '../../../i18n';
import { useFilesState } from '../context';
import { formatBytes, percent } from '../logic/format';

export function QuotaGauge() {
  const { t, locale } = useI18n();
  const usage = useFilesState((s) => s.usage);
  if (!usage) return null;
  const used = formatBytes(usage.used_bytes, locale);
  if (usage.quota_bytes === null) {
    return (
      <p className="files-quota" data-testid="files-quota">
        {t('files.usage_unlimited', { used })}
      </p>
    );
  }
  const pct = percent(usage.used_bytes, usage.quota_bytes);
  const label = t('files.usage_of', {
    used,
    quota: formatBytes(usage.quota_bytes, locale),
    percent: pct,
  });
  return (
    <div
      className={pct >= 90 ? 'files-quota files-quota--full' : 'files-quota'}
      data-testid="files-quota"
    >
      <meter
        min={0}
        max={usage.quota_bytes}
        low={usage.quota_bytes * 0.75}
        high={usage.quota_bytes * 0.9}
        optimum={0}
        value={usage.used_bytes}
        aria-label={t('files.usage_label')}
        aria-valuetext={label}
      />
      <span>{label}</span>
    </div>
  );
}
