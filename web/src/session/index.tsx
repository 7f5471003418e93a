// Who is signed in. The session itself is the HttpOnly cookie; this keeps
// the profile (GET /me), the CSRF token, and starts or stops the live-events
// connection with it.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { api, csrfStore, isApiError, onUnauthorized, type Me } from '../api';
import { liveEvents, setConnectionHooks } from '../events';
import { pickLocale, useI18n } from '../i18n';
import { browserTimeZone } from '../util/timeZone';

export type SessionStatus = 'loading' | 'anonymous' | 'authenticated';
/** Why a person sees the sign-in page. */
export type SignedOutReason = 'expired' | 'signed_out' | null;

interface SessionValue {
  status: SessionStatus;
  me: Me | null;
  reason: SignedOutReason;
  /** Still asking other tabs whether a session is open. */
  probing: boolean;
  /** After a successful login, setup or invitation: keeps the CSRF token, loads the profile. */
  signedIn(r: { csrf_token?: string; csrf_header?: string }): Promise<Me>;
  signOut(): Promise<void>;
  setMe(me: Me): void;
  refreshMe(): Promise<void>;
}

const Ctx = createContext<SessionValue | null>(null);

// The default: one function, not a new one each render (the first /me is
// asked again whenever it changes).
const neverProbe = () => false;

export function SessionProvider({
  children,
  probeServer = neverProbe,
}: {
  children: ReactNode;
  /** Whether to ask the server for a session this tab does not know (app pages, not sign-in). */
  probeServer?: () => boolean;
}) {
  // Without a CSRF token in this tab there is no usable session (yet).
  const [status, setStatus] = useState<SessionStatus>(() =>
    csrfStore.get() ? 'loading' : 'anonymous',
  );
  const [me, setMeState] = useState<Me | null>(null);
  const [reason, setReason] = useState<SignedOutReason>(null);
  // Asking the other tabs for the session (a few ms): protected pages wait.
  const [probing, setProbing] = useState(true);
  const { setLocale } = useI18n();
  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  const becomeAnonymous = useCallback((why: SignedOutReason) => {
    liveEvents().stop();
    // A fresh tab that found no token must not sign the other tabs out.
    if (why) csrfStore.set(null);
    setMeState(null);
    setReason(why);
    setStatus('anonymous');
  }, []);

  const becomeAuthenticated = useCallback(
    (m: Me) => {
      setMeState(m);
      setReason(null);
      setStatus('authenticated');
      if (m.locale) setLocale(pickLocale(m.locale));
      liveEvents().start();
      // A person whose zone the server does not know yet gets this
      // browser's (their profile changes it): reminders and emails then
      // keep their clock. A zone the server does not know stays unset.
      const zone = m.time_zone === '' ? browserTimeZone() : null;
      if (zone)
        api.me
          .update({ time_zone: zone })
          .then((u) => setMeState((now) => (now && now.id === u.id ? { ...now, ...u } : now)))
          .catch(() => undefined);
    },
    [setLocale],
  );

  // The live connection follows the session.
  useEffect(() => {
    setConnectionHooks({
      // A refused handshake may mean the session ended: /me tells (401 -> signed out).
      onConnectFailed: () => void api.me.get().catch(() => undefined),
      onRevoked: () => becomeAnonymous('expired'),
    });
  }, [becomeAnonymous]);

  useEffect(
    () =>
      onUnauthorized(() => {
        if (statusRef.current === 'authenticated') becomeAnonymous('expired');
      }),
    [becomeAnonymous],
  );

  // Another tab signed in or out.
  useEffect(
    () =>
      csrfStore.onChange((v) => {
        if (!v && statusRef.current === 'authenticated') becomeAnonymous('signed_out');
        if (v && statusRef.current === 'anonymous') {
          api.me
            .get({ anonymous: true })
            .then(becomeAuthenticated)
            .catch(() => undefined);
        }
      }),
    [becomeAnonymous, becomeAuthenticated],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        // Writes need the CSRF token: this tab's, or another open tab's.
        // Without one the cookie (if any) is of no use: sign in again. Not
        // probing /me then also keeps the sign-in page free of 401s.
        if (!csrfStore.get()) {
          // Public pages show at once; an answer from another tab signs this
          // one in (see the onChange listener above).
          becomeAnonymous(null);
          const fromTab = await csrfStore.askOtherTabs();
          // An app page opened in a new window: the server hands the token
          // of a still-valid cookie session (GET /auth/session).
          if (!fromTab && !cancelled && probeServer()) {
            try {
              const s = await api.auth.session();
              if (s.csrf_token && !cancelled) {
                csrfStore.set({ header: s.csrf_header, token: s.csrf_token });
                const m = await api.me.get({ anonymous: true });
                if (!cancelled) becomeAuthenticated(m);
              }
            } catch {
              // 401: no session; 404: a server without the endpoint.
            }
          }
          if (!cancelled) setProbing(false);
          return;
        }
        setProbing(false);
        const m = await api.me.get({ anonymous: true });
        if (cancelled) return;
        becomeAuthenticated(m);
      } catch (e) {
        if (cancelled) return;
        // 401: the session this tab knew has ended (for every tab).
        becomeAnonymous(isApiError(e) && e.status === 401 ? 'expired' : null);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [becomeAnonymous, becomeAuthenticated, probeServer]);

  const signedIn = useCallback(
    async (r: { csrf_token?: string; csrf_header?: string }) => {
      if (r.csrf_token)
        csrfStore.set({ header: r.csrf_header ?? 'X-CSRF-Token', token: r.csrf_token });
      const m = await api.me.get();
      becomeAuthenticated(m);
      return m;
    },
    [becomeAuthenticated],
  );

  const signOut = useCallback(async () => {
    // Uploads this browser kept to resume (their names and paths, armoured
    // ones' sealed copies) do not outlive an explicit sign-out: forgotten
    // here, let go on the server while the session still lets us. Loaded
    // only now: the files module's code stays out of the main bundle.
    if (me) {
      try {
        const { forgetUploads } = await import('../modules/files/forget');
        await forgetUploads(me.id);
      } catch {
        // Storage or network failing does not keep anyone signed in.
      }
    }
    try {
      await api.auth.logout();
    } catch {
      // Signed out locally whatever the server said.
    }
    becomeAnonymous('signed_out');
  }, [becomeAnonymous, me]);

  const refreshMe = useCallback(async () => {
    setMeState(await api.me.get());
  }, []);

  const value = useMemo<SessionValue>(
    () => ({ status, me, reason, probing, signedIn, signOut, setMe: setMeState, refreshMe }),
    [status, me, reason, probing, signedIn, signOut, refreshMe],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user; only under an authenticated route. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
