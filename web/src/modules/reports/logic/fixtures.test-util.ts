// A report as the server sends it, for the tests.
import type { ReportDay, ReportSummary } from '../../../api';

export const WS = 'ws1';

/** `days` + 1 UTC days up to 2026-12-04, zeros but for those given. */
export function activity(days: number, busy: Record<string, Record<string, number>> = {}) {
  const out: ReportDay[] = [];
  const end = Date.UTC(2026, 11, 4);
  for (let i = days; i >= 0; i--) {
    const day = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    const by = busy[day] ?? {};
    out.push({ day, total: Object.values(by).reduce((a, b) => a + b, 0), by_module: by });
  }
  return out;
}

export function summary(extra: Partial<ReportSummary> = {}): ReportSummary {
  const days = extra.days ?? 30;
  return {
    workspace_id: WS,
    days,
    since: new Date(Date.UTC(2026, 11, 4) - days * 86_400_000).toISOString(),
    until: '2026-12-04T10:11:12.000Z',
    members: { total: 7, guests: 2 },
    modules: {
      chat: { messages: 1234, authors: 5, channels: 4 },
      files: { files: 33, bytes: 1_572_864, versions_since: 12 },
      tasks: { tasks_created: 9, tasks_completed: 4, tasks_open: 11 },
      calendar: { events: 3, events_since: 1 },
    },
    activity: activity(days, {
      '2026-12-02': { chat: 30, tasks: 10 },
      '2026-12-03': { files: 2 },
      '2026-12-04': { chat: 12, files: 3, workspace: 2 },
    }),
    ...extra,
  };
}
