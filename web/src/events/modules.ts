// Which module an event belongs to, for per-module unread badges. Frames of
// module events name it ("module": "chat"); for the others (and older
// servers) the type's first word decides.
import type { ModuleName } from '../api/types';

const PREFIXES: Record<string, ModuleName> = {
  chat: 'chat',
  channel: 'chat',
  message: 'chat',
  reaction: 'chat',
  thread: 'chat',
  call: 'calls',
  calls: 'calls',
  file: 'files',
  files: 'files',
  folder: 'files',
  share: 'files',
  task: 'tasks',
  tasks: 'tasks',
  board: 'tasks',
  calendar: 'calendar',
  event: 'calendar',
  report: 'reports',
  reports: 'reports',
  dashboard: 'reports',
};

export function moduleOfEvent(
  type: string,
  data?: Record<string, unknown>,
  frameModule?: string,
): ModuleName | null {
  if (typeof frameModule === 'string' && frameModule in PREFIXES) {
    return PREFIXES[frameModule] ?? null;
  }
  const explicit = data?.module;
  if (typeof explicit === 'string' && explicit in PREFIXES) return PREFIXES[explicit] ?? null;
  const first = type.split('.', 1)[0] ?? '';
  return PREFIXES[first] ?? null;
}
