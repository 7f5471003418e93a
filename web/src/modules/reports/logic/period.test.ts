import { describe, expect, it } from 'vitest';
import { reportsPath } from '../paths';
import { DEFAULT_DAYS, parseDays } from './period';

describe('the period', () => {
  it('takes a whole number of days from 1 to 366, 30 otherwise', () => {
    expect(parseDays('7')).toBe(7);
    expect(parseDays('365')).toBe(365);
    expect(parseDays('366')).toBe(366);
    expect(parseDays('1')).toBe(1);
    for (const bad of [null, '', '0', '367', '-7', '7.5', ' 7', '1e2', 'abc', '0030x'])
      expect([bad, parseDays(bad)]).toEqual([bad, DEFAULT_DAYS]);
  });

  it('is in the address', () => {
    expect(reportsPath('w 1')).toBe('/w/w%201/reports');
    expect(reportsPath('w1', 90)).toBe('/w/w1/reports?days=90');
  });
});
