import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { MAX_VERSION_CONFLICTS, retrySealed } from './sealedWrite';

/** A write whose sends fail with `errors` in turn, then succeed; what it did, in order. */
function scripted(errors: (string | null)[]) {
  const log: string[] = [];
  let version = 3;
  let generation = 1;
  let cancelled = false;
  const write = {
    send: async () => {
      log.push(`send v${version + 1} g${generation}`);
      const code = errors.shift();
      if (code) throw new ApiError(409, code, code);
      return `version ${version + 1}`;
    },
    behind: async () => {
      version++;
      log.push('refetch');
    },
    stale: async () => {
      generation++;
      log.push('sync keys');
    },
    cancelled: () => cancelled,
  };
  return { write, log, cancel: () => (cancelled = true) };
}

describe('sealed writes', () => {
  it('send once when the server takes them', async () => {
    const s = scripted([null]);
    expect(await retrySealed(s.write)).toBe('version 4');
    expect(s.log).toEqual(['send v4 g1']);
  });

  it('another version first: the file is read again and the record sealed for the next number', async () => {
    const s = scripted(['version_conflict', 'version_conflict', null]);
    expect(await retrySealed(s.write)).toBe('version 6');
    expect(s.log).toEqual(['send v4 g1', 'refetch', 'send v5 g1', 'refetch', 'send v6 g1']);
  });

  it('gives up after a few versions in a row', async () => {
    const s = scripted(Array<string>(MAX_VERSION_CONFLICTS + 1).fill('version_conflict'));
    await expect(retrySealed(s.write)).rejects.toMatchObject({ code: 'version_conflict' });
    expect(s.log.filter((l) => l === 'refetch')).toHaveLength(MAX_VERSION_CONFLICTS);
  });

  it('a stale key: the keys are fetched and the records sealed again, once', async () => {
    for (const code of ['stale_key', 'key_rotation_required', 'no_workspace_key']) {
      const s = scripted([code, null]);
      expect(await retrySealed(s.write)).toBe('version 4');
      expect(s.log).toEqual(['send v4 g1', 'sync keys', 'send v4 g2']);
    }
    const twice = scripted(['stale_key', 'stale_key', null]);
    await expect(retrySealed(twice.write)).rejects.toMatchObject({ code: 'stale_key' });
    expect(twice.log).toEqual(['send v4 g1', 'sync keys', 'send v4 g2']);
  });

  it('both, in any order', async () => {
    const s = scripted(['stale_key', 'version_conflict', null]);
    expect(await retrySealed(s.write)).toBe('version 5');
    expect(s.log).toEqual(['send v4 g1', 'sync keys', 'send v4 g2', 'refetch', 'send v5 g2']);
  });

  it('anything else, or a cancelled upload, fails at once', async () => {
    const s = scripted(['quota_exceeded', null]);
    await expect(retrySealed(s.write)).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(s.log).toEqual(['send v4 g1']);
    const c = scripted(['version_conflict', null]);
    c.cancel();
    await expect(retrySealed(c.write)).rejects.toMatchObject({ code: 'version_conflict' });
    expect(c.log).toEqual(['send v4 g1']);
  });
});
