// Where desktop clients (Explorer, Finder, rclone, davfs2) find these files:
// the workspace's WebDAV address, the one for every workspace, and how to
// sign in. Shown folded under the folder, like Nextcloud's "WebDAV" setting.
import { CopyButton } from '../../../components/CopyButton';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import { useMe } from '../../../session';
import { useFiles } from '../context';

export function davAddress(origin: string, workspaceId?: string): string {
  return workspaceId
    ? `${origin}/dav/files/${encodeURIComponent(workspaceId)}/`
    : `${origin}/dav/files/`;
}

export function DesktopAccess() {
  const { t } = useI18n();
  const { workspace } = useFiles();
  const me = useMe();
  const origin = window.location.origin;
  const rows = [
    { label: t('files.dav_this_workspace'), value: davAddress(origin, workspace.id) },
    { label: t('files.dav_all_workspaces'), value: davAddress(origin) },
    { label: t('files.dav_user'), value: me.email },
  ];
  return (
    <details className="files-desktop" data-testid="files-desktop">
      <summary>{t('files.dav_title')}</summary>
      <dl>
        {rows.map((r) => (
          <div key={r.label} className="files-desktop__row">
            <dt>{r.label}</dt>
            <dd>
              <code>{r.value}</code>
              <CopyButton text={r.value} />
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        {t('files.dav_sign_in')} <Link to="/me">{t('files.dav_app_tokens')}</Link>
      </p>
    </details>
  );
}
