import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/core';
import { en } from '../../../i18n/en';
import { fr, type MessageKey } from '../../../i18n/fr';
import {
  byModuleOrder,
  dayLabel,
  figureLabel,
  figuresOf,
  figureValue,
  isBytes,
  moduleName,
} from './format';

const tEn = (k: MessageKey) => translate(en, fr, 'en', k);
const tFr = (k: MessageKey) => translate(fr, fr, 'fr', k);
// Intl separates thousands with narrow spaces in French: compared as plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('a report’s words', () => {
  it('names modules and figures, unknown ones by their key', () => {
    expect(moduleName(tEn, 'chat')).toBe('Chat');
    expect(moduleName(tFr, 'calendar')).toBe('Agenda');
    expect(moduleName(tEn, 'workspace')).toBe('Workspace');
    expect(moduleName(tEn, 'wiki')).toBe('wiki');
    expect(figureLabel(tEn, 'tasks_open')).toBe('Open tasks');
    expect(figureLabel(tFr, 'bytes')).toBe('Taille totale');
    expect(figureLabel(tEn, 'pages_edited')).toBe('pages_edited');
  });

  it('orders modules as the app does', () => {
    expect(byModuleOrder(['wiki', 'workspace', 'tasks', 'chat', 'alpha', 'chat'])).toEqual([
      'chat',
      'tasks',
      'workspace',
      'alpha',
      'wiki',
    ]);
  });

  it('keeps the figures that are numbers, in the server’s order', () => {
    expect(figuresOf({ b: 2, a: 1, note: 'x', none: null, nan: NaN })).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });

  it('formats numbers and sizes in the person’s language', () => {
    expect(isBytes('bytes')).toBe(true);
    expect(isBytes('trash_bytes')).toBe(true);
    expect(isBytes('files')).toBe(false);
    expect(figureValue('messages', 1234567, 'en')).toBe('1,234,567');
    expect(plain(figureValue('messages', 1234567, 'fr'))).toBe('1 234 567');
    expect(figureValue('bytes', 1_572_864, 'en')).toBe('1.5 MB');
    expect(plain(figureValue('bytes', 1_572_864, 'fr'))).toBe('1,5 Mo');
  });

  it('shows UTC days as such, in any zone', () => {
    expect(dayLabel('2026-12-04', 'en')).toBe('Dec 4, 2026');
    expect(dayLabel('2026-12-04', 'fr')).toBe('4 déc. 2026');
    expect(dayLabel('2026-12-04', 'en', true)).toBe('Fri, Dec 4, 2026');
    expect(dayLabel('2026-11-04T00:00:00.000Z', 'en')).toBe('Nov 4, 2026');
    expect(dayLabel('not a day', 'en')).toBe('not a day');
  });
});
