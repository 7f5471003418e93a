// The app's language: French by default, English on request. The choice
// comes from the profile when signed in, else from this browser
// (localStorage), else from the instance default.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en } from './en';
import { fr, type MessageKey } from './fr';
import { formatters, pickLocale, translate, type Formatters, type Locale, type Vars } from './core';

export type { Locale } from './core';
export type { MessageKey } from './fr';
export { LOCALES, pickLocale } from './core';

const STORAGE_KEY = 'ruche.locale';
const CATALOGS: Record<Locale, Readonly<Record<string, unknown>>> = { fr, en };

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
  const setLocale = useCallback((l: Locale, persist = true) => {
    if (persist) storeLocale(l);
    setLocaleState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const messages = CATALOGS[locale] as typeof fr;
    return {
      locale,
      setLocale,
      t: (key, vars) => translate(messages, fr, locale, key, vars),
      ...formatters(locale),
    };
  }, [locale, setLocale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
