// "Import": the file chosen goes to the workspace's calendar; the toast
// says what came of it, or why nothing did.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type CalendarImport } from '../../../api';
import { ToastProvider } from '../../../notifications/toasts';
import { mountPoint } from '../../../test/mount';
import { ImportButton } from './ImportButton';

const ui = mountPoint();

afterEach(() => vi.restoreAllMocks());

/** Chooses `file` in the button's file input, as the file picker would. */
async function choose(file: File) {
  const input = ui.host.querySelector<HTMLInputElement>('input[type="file"]');
  expect(input?.accept).toBe('.ics,text/calendar');
  if (!input) return;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => input.dispatchEvent(new Event('change', { bubbles: true })));
}

const toasts = () => document.querySelector('.toasts')?.textContent ?? '';

/** The server's answer, made when the file is sent. */
function answering(result: () => Promise<CalendarImport>) {
  return vi
    .spyOn(api.calendar, 'importFile')
    .mockImplementation(() => ({ done: result(), abort: () => undefined }));
}

describe('importing an .ics file', () => {
  it('sends the file to the workspace and says what was imported', async () => {
    const sent = answering(() =>
      Promise.resolve({
        imported: 12,
        existing: 3,
        refused: 1,
        refusals: [{ uid: 'x', reason: 'r' }],
      }),
    );
    await ui.render(
      <ToastProvider>
        <ImportButton workspaceId="w1" />
      </ToastProvider>,
    );
    const file = new File(['BEGIN:VCALENDAR'], 'agenda.ics', { type: 'text/calendar' });
    await choose(file);
    expect(sent).toHaveBeenCalledWith('w1', file);
    await vi.waitFor(() => expect(toasts()).toContain('12 events imported'));
    expect(toasts()).toContain('3 were there already.');
    expect(toasts()).toContain('1 could not be read.');
  });

  it('says why nothing was imported', async () => {
    answering(() => Promise.reject(new ApiError(400, 'invalid_feed', 'no')));
    await ui.render(
      <ToastProvider>
        <ImportButton workspaceId="w1" />
      </ToastProvider>,
    );
    await choose(new File(['<html>'], 'page.html'));
    await vi.waitFor(() => expect(toasts()).toContain('Nothing was imported'));
    expect(toasts()).toContain('does not give a calendar');
  });
});
