import { StrictMode, Suspense, useEffect, useMemo, useState } from 'react';
import { BrandingProvider, useBranding } from '../branding';
import { Spinner } from '../components/Feedback';
import { I18nProvider, pickLocale, storedLocale, useI18n } from '../i18n';
import { AppShell } from '../layout/AppShell';
import { PublicLayout } from '../layout/PublicLayout';
import { ToastProvider } from '../notifications/toasts';
import { matchPath, navigate, safeNext, usePathname, type Params } from '../router/router';
import { SessionProvider, useSession } from '../session';
import { NOT_FOUND, ROUTES, type PageComponent, type PageProps, type RouteDef } from './routes';

export function App() {
  return (
    <StrictMode>
      <I18nProvider>
        <BrandingProvider>
          <SessionProvider probeServer={onAppPage}>
            <ToastProvider onOpen={(href) => navigate(href)}>
              <InstanceLocale />
              <Routes />
            </ToastProvider>
          </SessionProvider>
        </BrandingProvider>
      </I18nProvider>
    </StrictMode>
  );
}

/** The instance's default language applies until someone chooses one. */
function InstanceLocale() {
  const { branding, loaded } = useBranding();
  const { me } = useSession();
  const { setLocale } = useI18n();
  useEffect(() => {
    if (loaded && !storedLocale() && !me?.locale) {
      setLocale(pickLocale(branding.default_locale), false);
    }
  }, [loaded, branding.default_locale, me?.locale, setLocale]);
  return null;
}

/** Whether this URL is an app page (worth asking the server for a session). */
function onAppPage(): boolean {
  return resolve(window.location.pathname).route.access !== 'public';
}

function resolve(pathname: string): { route: RouteDef; params: Params } {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, pathname);
    if (params) return { route, params };
  }
  return { route: NOT_FOUND, params: {} };
}

function Routes() {
  const pathname = usePathname();
  const { status, me, probing } = useSession();
  const { t } = useI18n();
  const { route, params } = useMemo(() => resolve(pathname), [pathname]);

  const isPublic = route.access === 'public';
  const needsLogin = !isPublic && status === 'anonymous' && !probing;
  const skipLogin = route.anonymousOnly && status === 'authenticated';
  useEffect(() => {
    if (needsLogin) {
      const next = window.location.pathname + window.location.search;
      navigate(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`, {
        replace: true,
      });
    } else if (skipLogin) {
      const next = new URLSearchParams(window.location.search).get('next');
      navigate(safeNext(next), { replace: true });
    }
  }, [needsLogin, skipLogin]);

  const loading = <Spinner label={t('common.loading')} />;
  const waiting = status === 'loading' || (probing && !isPublic && status !== 'authenticated');
  if (waiting || needsLogin || skipLogin) return <div className="boot">{loading}</div>;

  const page = (
    <Suspense fallback={loading}>
      <PageSlot key={route.stableKey?.(params) ?? pathname} page={route.page} params={params} />
    </Suspense>
  );
  if (status === 'authenticated' && me) {
    if (route.access === 'admin' && me.role !== 'admin') {
      return (
        <AppShell>
          <Suspense fallback={loading}>
            <PageSlot page={NOT_FOUND.page} params={{}} />
          </Suspense>
        </AppShell>
      );
    }
    if (route.access !== 'public' || route.pattern === '*') return <AppShell>{page}</AppShell>;
  }
  return <PublicLayout>{page}</PublicLayout>;
}

/** Renders the page's component, directly when its chunk is already loaded. */
function PageSlot({ page, params }: { page: PageComponent } & PageProps) {
  const [Component] = useState(() => page.loaded ?? page.Lazy);
  return <Component params={params} />;
}
