// English is a chunk of its own: a page whose person chose it shows French
// (the fallback) only until it comes, then English, without a reload.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, it, vi } from 'vitest';
import { I18nProvider, useI18n } from '.';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Loading() {
  const { t, locale } = useI18n();
  return <p lang={locale}>{t('common.loading')}</p>;
}

it('fetches the English dictionary when chosen, and shows it once here', async () => {
  localStorage.setItem('ruche.locale', 'en');
  const host = document.createElement('div');
  const root = createRoot(host);
  act(() =>
    root.render(
      <I18nProvider>
        <Loading />
      </I18nProvider>,
    ),
  );
  // Not fetched by anyone yet in this file: French meanwhile, the locale already English.
  expect(host.textContent).toBe('Chargement…');
  expect(document.documentElement.lang).toBe('en');
  await vi.waitFor(() => expect(host.textContent).toBe('Loading…'));
  act(() => root.unmount());
});
