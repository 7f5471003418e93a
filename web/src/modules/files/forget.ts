// An explicit sign-out forgets the uploads this browser kept to resume
// (logic/unfinished.ts): their names and paths, and armoured ones' sealed
// copies, do not outlive it. Loaded by the session on sign-out only.
import { UnfinishedUploads } from './logic/unfinished';
import { terminated } from './transport';

/**
 * Forgets every upload `userId`'s browser kept, in every workspace, and
 * terminates them on the server while the session still lets us (at most
 * `waitMs` waited for it: the server lets unfinished uploads expire
 * anyway). Resolves with the URLs forgotten.
 */
export async function forgetUploads(
  userId: string,
  memory = new UnfinishedUploads(userId),
  end: (url: string) => Promise<unknown> = terminated,
  waitMs = 3000,
): Promise<string[]> {
  const urls = await memory.forgetAll();
  const ended = Promise.allSettled(urls.map((url) => end(url)));
  await Promise.race([ended, new Promise((r) => setTimeout(r, waitMs))]);
  return urls;
}
