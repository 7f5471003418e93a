import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { FakeXhr, installFakeXhr, type XhrReply } from '../../test/fakeXhr';
import { TUS_CHUNK_BYTES, TUS_THRESHOLD_BYTES, base64Utf8, send, tusUpload } from './transport';

installFakeXhr();

const base = { workspaceId: 'w1', parentId: 'p1', name: 'été.bin', replace: false };

describe('sending a small file', () => {
  it('PUTs it into its folder, refusing to overwrite unless asked', async () => {
    FakeXhr.reply = () => ({ status: 201, body: '{"id":"f1"}' });
    const progress: number[] = [];
    const t = send({ ...base, file: new Blob(['abc']), onProgress: (n) => progress.push(n) });
    expect(await t.done).toBe('f1');
    const x = FakeXhr.log[0];
    expect(x?.method).toBe('PUT');
    expect(x?.url).toBe('/api/v1/files/p1/children/%C3%A9t%C3%A9.bin');
    expect(x?.headers['If-None-Match']).toBe('*');
    expect(progress.at(-1)).toBe(3);
  });

  it('says "exists" when the name is taken, and carries the server codes', async () => {
    FakeXhr.reply = () => ({ status: 412, body: '' });
    await expect(
      send({ ...base, file: new Blob(['a']), onProgress: () => {} }).done,
    ).rejects.toMatchObject({
      code: 'exists',
    });
    FakeXhr.reply = () => ({
      status: 507,
      body: '{"error":{"code":"quota_exceeded","message":"full"}}',
    });
    const e = await send({
      ...base,
      replace: true,
      file: new Blob(['a']),
      onProgress: () => {},
    }).done.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 507, code: 'quota_exceeded' });
    expect(FakeXhr.log[1]?.headers['If-None-Match']).toBeUndefined();
  });
});

describe('sending a large file (tus)', () => {
  it('resumes from the offset the server kept after a dropped connection', async () => {
    const size = TUS_THRESHOLD_BYTES + 1000;
    let patches = 0;
    FakeXhr.reply = (x) => {
      if (x.method === 'POST')
        return { status: 201, headers: { Location: 'http://public.example/api/v1/uploads/u1' } };
      if (x.method === 'HEAD') return { status: 200, headers: { 'Upload-Offset': '4096' } };
      patches++;
      if (patches === 1) return 'network';
      const offset = Number(x.headers['Upload-Offset']) + (x.body?.size ?? 0);
      return {
        status: 204,
        headers: {
          'Upload-Offset': String(offset),
          ...(offset === size ? { 'Ruche-File-Id': 'f9' } : {}),
        },
      };
    };
    const progress: number[] = [];
    const t = send({
      ...base,
      file: new Blob([new Uint8Array(size)]),
      onProgress: (n) => progress.push(n),
    });
    expect(await t.done).toBe('f9');
    const post = FakeXhr.log[0];
    expect(post?.url).toBe('/api/v1/workspaces/w1/files/uploads');
    expect(post?.headers['Upload-Length']).toBe(String(size));
    expect(post?.headers['Upload-Metadata']).toBe(
      `filename ${base64Utf8('été.bin')},parent_id ${base64Utf8('p1')}`,
    );
    const rest = FakeXhr.log
      .slice(1)
      .map((x) => [x.method, x.url, x.headers['Upload-Offset'] ?? '']);
    expect(rest).toEqual([
      ['PATCH', '/api/v1/uploads/u1', '0'],
      ['HEAD', '/api/v1/uploads/u1', ''],
      // The rest fits in one chunk.
      ['PATCH', '/api/v1/uploads/u1', '4096'],
    ]);
    expect(progress.at(-1)).toBe(size);
  });

  it('cancelling terminates the upload on the server', async () => {
    FakeXhr.reply = (x) =>
      x.method === 'POST'
        ? { status: 201, headers: { Location: '/api/v1/uploads/u2' } }
        : { status: 204, headers: { 'Upload-Offset': '0' } };
    const t = send({
      ...base,
      file: new Blob([new Uint8Array(TUS_THRESHOLD_BYTES)]),
      onProgress: () => {},
      onResumable: () => t.abort(),
    });
    await expect(t.done).rejects.toMatchObject({ code: 'aborted' });
    await new Promise((r) => setTimeout(r, 5));
    expect(FakeXhr.log.some((x) => x.method === 'DELETE' && x.url === '/api/v1/uploads/u2')).toBe(
      true,
    );
  });
});

describe('headers for the PATCH that completes a tus upload', () => {
  const size = 2 * TUS_CHUNK_BYTES + 10;
  /** A server keeping what it is sent; the completing PATCH answers `completion()`. */
  const server =
    (completion: () => XhrReply) =>
    (x: FakeXhr): XhrReply => {
      if (x.method === 'POST') return { status: 201, headers: { Location: '/api/v1/uploads/u3' } };
      if (x.method === 'HEAD') return { status: 200, headers: { 'Upload-Offset': String(size) } };
      const offset = Number(x.headers['Upload-Offset']) + (x.body?.size ?? 0);
      return offset < size
        ? { status: 204, headers: { 'Upload-Offset': String(offset) } }
        : completion();
    };
  const done: XhrReply = {
    status: 204,
    headers: { 'Upload-Offset': String(size), 'Ruche-File-Id': 'f3' },
  };
  const patches = () =>
    FakeXhr.log
      .filter((x) => x.method === 'PATCH')
      .map((x) => [
        x.headers['Upload-Offset'],
        x.body?.size,
        x.headers['X-Sealed-Content'] ?? null,
      ]);

  it('are asked for just before that PATCH, and sent on it only', async () => {
    let asked = 0;
    const sentBefore: number[] = [];
    FakeXhr.reply = server(() => done);
    const t = tusUpload({
      ...base,
      file: new Blob([new Uint8Array(size)]),
      onProgress: () => {},
      finalHeaders: async () => {
        sentBefore.push(FakeXhr.log.length);
        return { 'X-Sealed-Content': `record ${++asked}` };
      },
    });
    expect(await t.done).toBe('f3');
    // POST and the two full chunks went first.
    expect(sentBefore).toEqual([3]);
    expect(patches()).toEqual([
      ['0', TUS_CHUNK_BYTES, null],
      [String(TUS_CHUNK_BYTES), TUS_CHUNK_BYTES, null],
      [String(2 * TUS_CHUNK_BYTES), 10, 'record 1'],
    ]);
  });

  it('a refused completion rejects, the upload kept; resuming it is one empty PATCH at its length', async () => {
    FakeXhr.reply = server(() => ({
      status: 409,
      body: '{"error":{"code":"version_conflict","message":"another version came first"}}',
    }));
    let n = 0;
    const finalHeaders = async () => ({ 'X-Sealed-Content': `record ${++n}` });
    const file = new Blob([new Uint8Array(size)]);
    let url = '';
    const first = tusUpload({
      ...base,
      file,
      onProgress: () => {},
      onResumable: (u) => (url = u),
      finalHeaders,
    });
    await expect(first.done).rejects.toMatchObject({ status: 409, code: 'version_conflict' });
    // Not taken for an offset mismatch: no HEAD, no second try.
    expect(FakeXhr.log.map((x) => x.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH']);
    expect(url).toBe('/api/v1/uploads/u3');

    FakeXhr.log = [];
    FakeXhr.reply = server(() => done);
    const progress: number[] = [];
    const again = tusUpload({
      ...base,
      file,
      resumeUrl: url,
      onProgress: (p) => progress.push(p),
      finalHeaders,
    });
    expect(await again.done).toBe('f3');
    expect(FakeXhr.log.map((x) => [x.method, x.url])).toEqual([
      ['HEAD', '/api/v1/uploads/u3'],
      ['PATCH', '/api/v1/uploads/u3'],
    ]);
    expect(patches()).toEqual([[String(size), 0, 'record 2']]);
    expect(progress.at(-1)).toBe(size);
  });

  it('a dropped connection on the completing PATCH asks for them again', async () => {
    let drops = 0;
    FakeXhr.reply = (x) =>
      x.method === 'HEAD'
        ? { status: 200, headers: { 'Upload-Offset': String(2 * TUS_CHUNK_BYTES) } }
        : drops++ === 0
          ? 'network'
          : done;
    let n = 0;
    const t = tusUpload({
      ...base,
      file: new Blob([new Uint8Array(size)]),
      resumeUrl: '/api/v1/uploads/u3',
      onProgress: () => {},
      finalHeaders: async () => ({ 'X-Sealed-Content': `record ${++n}` }),
    });
    expect(await t.done).toBe('f3');
    expect(FakeXhr.log.map((x) => x.method)).toEqual(['HEAD', 'PATCH', 'HEAD', 'PATCH']);
    expect(patches()).toEqual([
      [String(2 * TUS_CHUNK_BYTES), 10, 'record 1'],
      [String(2 * TUS_CHUNK_BYTES), 10, 'record 2'],
    ]);
  });

  it('an offset mismatch still asks the server where it is, then goes on', async () => {
    const replies = [
      { status: 409, body: '{"error":{"code":"offset_mismatch","message":"no"}}' },
    ] as XhrReply[];
    FakeXhr.reply = (x) =>
      x.method === 'HEAD'
        ? { status: 200, headers: { 'Upload-Offset': String(2 * TUS_CHUNK_BYTES) } }
        : (replies.shift() ?? done);
    const t = tusUpload({
      ...base,
      file: new Blob([new Uint8Array(size)]),
      resumeUrl: '/api/v1/uploads/u3',
      onProgress: () => {},
    });
    expect(await t.done).toBe('f3');
    expect(FakeXhr.log.map((x) => x.method)).toEqual(['HEAD', 'PATCH', 'HEAD', 'PATCH']);
    // Plain: no headers of the caller's.
    expect(patches().map((p) => p[2])).toEqual([null, null]);
  });
});

describe('an upload the server no longer has', () => {
  const notFound: XhrReply = {
    status: 404,
    body: '{"error":{"code":"not_found","message":"no such upload"}}',
  };
  const resume = () =>
    tusUpload({
      ...base,
      file: new Blob([new Uint8Array(10)]),
      resumeUrl: '/api/v1/uploads/gone',
      onProgress: () => {},
    });

  it('is told apart (upload_expired) when its URL answers 404 or 410, asked or sent to', async () => {
    FakeXhr.reply = () => notFound;
    await expect(resume().done).rejects.toMatchObject({ status: 404, code: 'upload_expired' });
    expect(FakeXhr.log.map((x) => x.method)).toEqual(['HEAD']);

    FakeXhr.log = [];
    FakeXhr.reply = (x) =>
      x.method === 'HEAD' && FakeXhr.log.length === 1
        ? { status: 200, headers: { 'Upload-Offset': '0' } }
        : { status: 410 };
    await expect(resume().done).rejects.toMatchObject({ status: 410, code: 'upload_expired' });
    expect(FakeXhr.log.map((x) => x.method)).toEqual(['HEAD', 'PATCH', 'HEAD']);
  });

  it('is not what a 404 about something else means, while the upload is there', async () => {
    FakeXhr.reply = (x) =>
      x.method === 'HEAD'
        ? { status: 200, headers: { 'Upload-Offset': '0' } }
        : { status: 404, body: '{"error":{"code":"not_found","message":"no such folder"}}' };
    await expect(resume().done).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('tus metadata', () => {
  it('encodes UTF-8 names in base64', () => {
    expect(base64Utf8('é')).toBe('w6k=');
    expect(base64Utf8('a.txt')).toBe('YS50eHQ=');
  });
});
