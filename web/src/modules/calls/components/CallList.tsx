// The calls going on in the workspace: each with its title, who started it
// and when, who is in it, and a button to join it.
import type { Call } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { useI18n } from '../../../i18n';
import { listOf } from '../../../i18n/core';

export function callTitle(
  call: Call,
  nameOf: (id: string) => string,
  t: ReturnType<typeof useI18n>['t'],
): string {
  return call.title.trim() || t('calls.untitled', { name: nameOf(call.started_by) });
}

export function CallList({
  calls,
  nameOf,
  onJoin,
}: {
  calls: readonly Call[];
  nameOf(userId: string): string;
  onJoin(call: Call): void;
}) {
  const { t, locale, relative } = useI18n();
  return (
    <ul className="calls-list" aria-label={t('calls.list')}>
      {calls.map((c) => {
        const title = callTitle(c, nameOf, t);
        const names = c.participants.map((p) => nameOf(p.user_id));
        return (
          <li key={c.id} className="calls-item card" data-call-id={c.id}>
            <div className="calls-item__main">
              <h2 className="calls-item__title">{title}</h2>
              <p className="calls-item__meta muted">
                {t('calls.started_by', {
                  when: relative(c.started_at),
                  name: nameOf(c.started_by),
                })}
              </p>
              <p className="calls-item__people">
                <span className="calls-item__avatars" aria-hidden="true">
                  {c.participants.slice(0, 8).map((p) => (
                    <Avatar key={p.id} name={nameOf(p.user_id)} seed={p.user_id} size="sm" />
                  ))}
                </span>
                <span>
                  {t('calls.in_call', {
                    count: c.participants.length,
                    names: listOf(names, locale),
                  })}
                </span>
              </p>
            </div>
            <Button
              variant="primary"
              icon="video"
              onClick={() => onJoin(c)}
              aria-label={t('calls.join_named', { title })}
            >
              {t('calls.join')}
            </Button>
          </li>
        );
      })}
    </ul>
  );
}
