// The writes of an armoured workspace that carry sealed texts (files'
// records, tasks' cards, items and comments: docs/armoured.md), and what
// they do when the server refuses one for a reason the browser can mend:
// the workspace's key moved on (stale_key and the like: fetch the keys,
// seal again, once), or, for a file's record, another version came first
// (409 version_conflict: learn the file's current version, seal the record
// for the next number, send again).
import { isApiError } from '../api/client';
import { isStaleKey } from './format';

/** Versions that may come first, one after another, before a file's upload gives up. */
export const MAX_VERSION_CONFLICTS = 5;

export interface SealedWrite<T> {
  /** Seals the records for what is known now and sends them; rejects with the server's error. */
  send(): Promise<T>;
  /**
   * After a version_conflict: learns the file's current version (the next
   * send seals for it). Absent: the conflict is an error (a new entry).
   */
  behind?: () => Promise<void>;
  /** After a stale key: brings the workspace's keys up to date. */
  stale(): Promise<void>;
  /** True once cancelled: no further attempt. */
  cancelled?(): boolean;
}

export async function retrySealed<T>(w: SealedWrite<T>): Promise<T> {
  let conflicts = 0;
  let refreshed = false;
  for (;;) {
    try {
      return await w.send();
    } catch (e) {
      if (w.cancelled?.()) throw e;
      if (isApiError(e, 'version_conflict') && w.behind && conflicts < MAX_VERSION_CONFLICTS) {
        conflicts++;
        await w.behind();
      } else if (isStaleKey(e) && !refreshed) {
        refreshed = true;
        await w.stale();
      } else {
        throw e;
      }
    }
  }
}
