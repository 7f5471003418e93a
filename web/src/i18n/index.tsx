// The app's language: French by default, English on request. The choice
// comes from the profile when signed in, else from this browser
// (localStorage), else from the instance default. French (the default, and
// what a missing message falls back to) is in the entry chunk; English is
// a chunk of its own, fetched before the first render when chosen
// (loadLocale), so that the first screen does not carry both.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { fr, type MessageKey } from './fr';
import { formatters, pickLocale, translate, type Formatters, type Locale, type Vars } from './core';

export type { Locale } from './core';
export type { MessageKey } from './fr';
export { LOCALES, pickLocale } from './core';

const STORAGE_KEY = 'ruche.locale';
const CATALOGS: Partial<Record<Locale, Readonly<Record<string, unknown>>>> = { fr };

/** Fetches the dictionary of `l` if it is not here yet (English: its own chunk). */
export function loadLocale(l: Locale): Promise<void> {
  if (CATALOGS[l]) return Promise.resolve();
  return import('./en').then((m) => {
    CATALOGS.en = m.en;
  });
}

export function storedLocale(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeLocale(l: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Private mode: the choice lasts for this page.
  }
}

export interface I18n extends Formatters {
  locale: Locale;
  /** Switches language; `persist` (default) remembers it in this browser. */
  setLocale(l: Locale, persist?: boolean): void;
  t(key: MessageKey, vars?: Vars): string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => pickLocale(storedLocale()));
  // Bumped when a dictionary arrives that was not here at the first render.
  const [loaded, setLoaded] = useState(0);
  const setLocale = useCallback((l: Locale, persist = true) => {
    if (persist) storeLocale(l);
    setLocaleState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    if (!CATALOGS[locale]) void loadLocale(locale).then(() => setLoaded((n) => n + 1));
  }, [locale]);
  const value = useMemo<I18n>(() => {
    // Until its dictionary comes (a moment, once): French.
    const messages = (CATALOGS[locale] ?? fr) as typeof fr;
    return {
      locale,
      setLocale,
      t: (key, vars) => translate(messages, fr, locale, key, vars),
      ...formatters(locale),
    };
    // `loaded`: the dictionary read again once it came.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [locale, setLocale, loaded]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
