// The reminder field's choices: a list as the select shows it and back,
// and what each says.
import { describe, expect, it } from 'vitest';
import { translate, type Vars } from '../../../i18n/core';
import { en } from '../../../i18n/en';
import { fr, type MessageKey } from '../../../i18n/fr';
import {
  allDayMinutes,
  choiceText,
  reminderChoice,
  reminderChoices,
  remindersOf,
  remindersText,
  reminderText,
} from './reminders';

const tEn = (key: MessageKey, vars?: Vars) => translate(en, fr, 'en', key, vars);
const tFr = (key: MessageKey, vars?: Vars) => translate(fr, fr, 'fr', key, vars);

describe('reminder choices', () => {
  it('shows none, one offered, or a list set elsewhere as kept', () => {
    const timed = reminderChoices(false);
    expect(reminderChoice([], timed)).toBe('');
    expect(reminderChoice([15], timed)).toBe('15');
    expect(reminderChoice([0], timed)).toBe('0');
    expect(reminderChoice([7], timed)).toBe('kept');
    expect(reminderChoice([15, 1440], timed)).toBe('kept');
  });

  it('offers an all-day event days before at 9:00 on the person’s clock', () => {
    // Minutes before the day begins where they are (the server knows their
    // zone): the day before at 9:00 is 15 hours, as CalDAV clients write it.
    expect(allDayMinutes(1)).toBe(900);
    const paris = reminderChoices(true);
    expect(paris.map((c) => [c.minutes, c.days])).toEqual([
      [900, 1],
      [2340, 2],
      [9540, 7],
    ]);
    expect(reminderChoice([900], paris)).toBe('900');
    expect(reminderChoice([1440], paris)).toBe('kept');
    expect(paris.map((c) => choiceText(c, tFr, '09:00'))).toEqual([
      'La veille à 09:00',
      '2 jours avant à 09:00',
      '7 jours avant à 09:00',
    ]);
    expect(choiceText({ value: '15', minutes: 15 }, tEn, '9:00 AM')).toBe('15 minutes before');
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
