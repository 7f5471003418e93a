// Checks Ed25519 signatures for the page (verifier.ts): a worker of its
// own, so that the first opening of a calendar's thousand cards does not
// hold the page. It holds no secret: each request brings the signatures,
// what was signed and the public keys; it answers, in the same order,
// which check. With the browser's WebCrypto where it has Ed25519
// (ed25519.ts); else libsodium, fetched then.
import { webCryptoChecker } from './ed25519';
import type { CheckRequest, CheckAnswer, SignatureToCheck } from './verifier';

type Check = (checks: readonly SignatureToCheck[]) => Promise<boolean[]>;

async function start(): Promise<Check> {
  const native = await webCryptoChecker();
  if (native) return (checks) => native.check(checks);
  const sodium = (await import('libsodium-wrappers-sumo')).default;
  await sodium.ready;
  return async (checks) =>
    checks.map((c) => sodium.crypto_sign_verify_detached(c.signature, c.signed, c.pk));
}

const started = start();

addEventListener('message', (e: MessageEvent<CheckRequest>) => {
  const { id, checks } = e.data;
  void started
    .then((check) => check(checks))
    .then(
      (ok) => postMessage({ id, ok } satisfies CheckAnswer),
      () => postMessage({ id, ok: null } satisfies CheckAnswer),
    );
});
