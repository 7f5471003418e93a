// Instance branding (name, logo, colours, home page) from GET
// /settings/public, applied to the whole UI through CSS variables.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, type PublicSettings } from '../api';
import { palette } from './color';

export const DEFAULT_BRANDING: PublicSettings = {
  instance_name: 'Ruche',
  logo: '',
  primary_color: '#1f5fbf',
  accent_color: '#f2b705',
  home_markdown: '',
  default_locale: 'fr',
};

interface BrandingValue {
  branding: PublicSettings;
  loaded: boolean;
  /** Applies settings at once (after the admin saved them). */
  apply(s: PublicSettings): void;
  reload(): Promise<void>;
}

const Ctx = createContext<BrandingValue | null>(null);

export function applyBranding(s: PublicSettings, root: HTMLElement = document.documentElement) {
  const set = (name: string, v: string) => root.style.setProperty(name, v);
  const p = palette(s.primary_color, DEFAULT_BRANDING.primary_color);
  const a = palette(s.accent_color, DEFAULT_BRANDING.accent_color);
  set('--color-primary', p.base);
  set('--color-primary-strong', p.strong);
  set('--color-primary-hover', p.hover);
  set('--color-primary-contrast', p.contrast);
  set('--color-primary-text', p.text);
  set('--color-primary-soft', p.soft);
  set('--color-accent', a.base);
  set('--color-accent-strong', a.strong);
  set('--color-accent-contrast', a.contrast);
  set('--color-accent-text', a.text);
  set('--color-accent-soft', a.soft);
  document.title = s.instance_name || DEFAULT_BRANDING.instance_name;
  const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (icon) {
    icon.href = s.logo || '/favicon.svg';
    if (s.logo) icon.removeAttribute('type');
  }
}

export function BrandingProvider({ children }: { children: ReactNode }) {
  const [branding, setBranding] = useState<PublicSettings>(DEFAULT_BRANDING);
  const [loaded, setLoaded] = useState(false);

  const apply = useCallback((s: PublicSettings) => {
    setBranding(s);
    applyBranding(s);
  }, []);

  const reload = useCallback(
    () =>
      api.settings
        .public()
        .then(apply, () => applyBranding(DEFAULT_BRANDING))
        .finally(() => setLoaded(true)),
    [apply],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  const value = useMemo(
    () => ({ branding, loaded, apply, reload }),
    [branding, loaded, apply, reload],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useBranding(): BrandingValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useBranding outside BrandingProvider');
  return v;
}
