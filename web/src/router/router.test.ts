import { describe, expect, it } from 'vitest';
import { matchPath, safeNext } from './router';

describe('matchPath', () => {
  it('matches literal and parameter segments', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/w/:id', '/w/abc')).toEqual({ id: 'abc' });
    expect(matchPath('/w/:id/:module', '/w/abc/chat/')).toEqual({ id: 'abc', module: 'chat' });
    expect(matchPath('/invite/:token', '/invite/a%2Fb')).toEqual({ token: 'a/b' });
  });
  it('refuses other shapes', () => {
    expect(matchPath('/w/:id', '/w')).toBeNull();
    expect(matchPath('/w/:id', '/w/a/b')).toBeNull();
    expect(matchPath('/w/:id', '/x/a')).toBeNull();
    expect(matchPath('/w/:id', '/w/%E0%A4%A')).toBeNull();
  });
  it('gives the rest of the path to a final *', () => {
    expect(matchPath('/s/:t/files/*', '/s/tok/files/a%20b/c.txt')).toEqual({
      t: 'tok',
      '*': 'a b/c.txt',
    });
    expect(matchPath('/s/:t/files/*', '/s/tok/files/a/')).toEqual({ t: 'tok', '*': 'a' });
    expect(matchPath('/s/:t/files/*', '/s/tok/files')).toBeNull();
    expect(matchPath('/s/:t/files/*', '/s/tok/other/a')).toBeNull();
    expect(matchPath('/s/:t/files/*', '/s/tok/files/a//b')).toBeNull();
    expect(matchPath('/s/:t/files/*', '/s/tok/files/%E0%A4%A')).toBeNull();
  });
});

describe('safeNext', () => {
  it('follows only same-site paths after sign-in', () => {
    expect(safeNext('/w/abc?x=1')).toBe('/w/abc?x=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
  });
});
