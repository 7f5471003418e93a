// The crypto chunk (libsodium), fetched the first time an armoured
// workspace needs it and shared afterwards. libsodium runs as WebAssembly:
// the page's Content-Security-Policy must allow it ('wasm-unsafe-eval').
import { ArmourError } from './format';

export type ArmourCrypto = typeof import('./crypto');

let loading: Promise<ArmourCrypto> | null = null;

export function loadCrypto(): Promise<ArmourCrypto> {
  loading ??= import('./crypto').then(
    async (m) => {
      try {
        await m.ready();
      } catch (e) {
        throw new ArmourError(
          'unavailable',
          `libsodium did not start: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return m;
    },
    (e: unknown) => {
      throw new ArmourError(
        'unavailable',
        `the crypto code did not load: ${e instanceof Error ? e.message : String(e)}`,
      );
    },
  );
  // A failed fetch (offline) may be tried again.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** Lets the browser paint the busy state before a passphrase is hashed (it blocks ~0.5 s). */
export const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 30));
