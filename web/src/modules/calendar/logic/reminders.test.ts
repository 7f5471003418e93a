// The reminder field's choices: a list as the select shows it and back,
// and what each says.
import { describe, expect, it } from 'vitest';
import { translate, type Vars } from '../../../i18n/core';
import { en } from '../../../i18n/en';
import { fr, type MessageKey } from '../../../i18n/fr';
import { reminderChoice, remindersOf, remindersText, reminderText } from './reminders';

const tEn = (key: MessageKey, vars?: Vars) => translate(en, fr, 'en', key, vars);
const tFr = (key: MessageKey, vars?: Vars) => translate(fr, fr, 'fr', key, vars);

describe('reminder choices', () => {
  it('shows none, one offered, or a list set elsewhere as kept', () => {
    expect(reminderChoice([])).toBe('');
    expect(reminderChoice([15])).toBe('15');
    expect(reminderChoice([0])).toBe('0');
    expect(reminderChoice([7])).toBe('kept');
    expect(reminderChoice([15, 1440])).toBe('kept');
  });

  it('gives back the list a choice stands for', () => {
    expect(remindersOf('', [15, 1440])).toEqual([]);
    expect(remindersOf('60', [15, 1440])).toEqual([60]);
    expect(remindersOf('kept', [15, 1440])).toEqual([15, 1440]);
    expect(remindersOf('nonsense', [])).toEqual([]);
  });

  it('says each in the largest whole unit', () => {
    expect(reminderText(0, tEn)).toBe('At the start');
    expect(reminderText(1, tEn)).toBe('1 minute before');
    expect(reminderText(90, tEn)).toBe('90 minutes before');
    expect(reminderText(120, tFr)).toBe('2 heures avant');
    expect(reminderText(1440, tFr)).toBe('1 jour avant');
    expect(reminderText(20160, tEn)).toBe('2 weeks before');
    expect(remindersText([15, 1440], tEn)).toBe('15 minutes before, 1 day before');
  });
});
