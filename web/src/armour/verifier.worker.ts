// Checks Ed25519 signatures for the page (verifier.ts): a worker of its
// own, so that the first opening of a calendar's thousand cards does not
// hold the page. It holds no secret: each request brings the signatures,
// what was signed and the public keys; it answers, in the same order,
// which check.
import sodium from 'libsodium-wrappers-sumo';
import type { CheckRequest, CheckAnswer } from './verifier';

const started = sodium.ready;

addEventListener('message', (e: MessageEvent<CheckRequest>) => {
  const { id, checks } = e.data;
  void started.then(
    () => {
      const ok = checks.map((c) => sodium.crypto_sign_verify_detached(c.signature, c.signed, c.pk));
      postMessage({ id, ok } satisfies CheckAnswer);
    },
    () => postMessage({ id, ok: null } satisfies CheckAnswer),
  );
});
