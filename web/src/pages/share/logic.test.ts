import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import {
  crumbsOf,
  dropReducer,
  pageHref,
  pathOf,
  problemOf,
  progressOf,
  type DropItem,
} from './logic';

describe('problemOf', () => {
  it('tells a password request from a wrong password and from throttling', () => {
    expect(problemOf(new ApiError(401, 'password_required', ''))).toBe('password');
    expect(problemOf(new ApiError(401, 'bad_password', ''))).toBe('bad_password');
    expect(problemOf(new ApiError(429, 'throttled', '', 60))).toBe('throttled');
  });
  it('names dead links, limits and the rest', () => {
    expect(problemOf(new ApiError(404, 'not_found', ''))).toBe('gone');
    expect(problemOf(new ApiError(410, 'download_limit', ''))).toBe('limit');
    expect(problemOf(new ApiError(413, 'too_large', ''))).toBe('too_large');
    expect(problemOf(new ApiError(507, 'quota_exceeded', ''))).toBe('quota');
    expect(problemOf(new ApiError(0, 'network', ''))).toBe('network');
    expect(problemOf(new ApiError(500, 'internal', ''))).toBe('other');
    expect(problemOf(new Error('x'))).toBe('other');
  });
});

describe('locations in a share', () => {
  it('reads the route parameter', () => {
    expect(pathOf(undefined)).toEqual([]);
    expect(pathOf('')).toEqual([]);
    expect(pathOf('a b/c')).toEqual(['a b', 'c']);
  });
  it('builds page URLs that route back to the same location', () => {
    expect(pageHref('tok', [])).toBe('/s/tok');
    expect(pageHref('tok', ['été 2040', 'a#b?c'])).toBe(
      '/s/tok/files/%C3%A9t%C3%A9%202040/a%23b%3Fc',
    );
  });
  it('lists breadcrumbs from the shared folder down', () => {
    expect(crumbsOf('Rapports', ['2040', 'mars'])).toEqual([
      { label: 'Rapports', path: [] },
      { label: '2040', path: ['2040'] },
      { label: 'mars', path: ['2040', 'mars'] },
    ]);
  });
});

describe('dropReducer', () => {
  const start = dropReducer([], {
    type: 'add',
    items: [
      { id: 1, name: 'a.txt', size: 100 },
      { id: 2, name: 'b.txt', size: 0 },
    ],
  });

  it('tracks progress without going back or past the size', () => {
    let s = dropReducer(start, { type: 'progress', id: 1, sent: 40 });
    s = dropReducer(s, { type: 'progress', id: 1, sent: 20 });
    expect(s[0]?.sent).toBe(40);
    s = dropReducer(s, { type: 'progress', id: 1, sent: 400 });
    expect(s[0]?.sent).toBe(100);
    expect(progressOf(s[0] as DropItem)).toBe(100);
    expect(progressOf(s[1] as DropItem)).toBe(0);
  });

  it('keeps the name the server chose, and failures', () => {
    let s = dropReducer(start, { type: 'done', id: 1, savedAs: 'a (2).txt' });
    s = dropReducer(s, { type: 'failed', id: 2, problem: 'quota' });
    expect(s[0]).toMatchObject({ status: 'done', savedAs: 'a (2).txt', sent: 100 });
    expect(s[1]).toMatchObject({ status: 'failed', problem: 'quota' });
    expect(progressOf(s[1] as DropItem)).toBe(0);
    // A late progress event does not revive a finished upload.
    expect(dropReducer(s, { type: 'progress', id: 1, sent: 5 })[0]?.sent).toBe(100);
  });
});
