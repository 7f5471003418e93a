// The signed-in person's armour identity in this tab: unknown until asked
// (GET /me/armour), none, locked (the server's sealed record), or unlocked
// (the secret keys, in memory only: never written anywhere). Every
// armoured workspace of the tab shares it. Unlocked, the signatures its
// texts check are remembered (verified.ts), until sign-out.
import { api, isApiError, onUnauthorized } from '../api';
import type { ArmourIdentity, ArmourIdentityChange } from '../api/types';
import { liveEvents } from '../events';
import { Store } from '../util/store';
import type { CreatedIdentity, IdentitySecrets } from './crypto';
import {
  ArmourError,
  MIN_PASSPHRASE,
  formatIdentityFile,
  identityFileName,
  type IdentityFile,
} from './format';
import { loadCrypto } from './load';
import { forgetVerified, keepVerified } from './verified';

export type IdentityState =
  | { status: 'unknown' }
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'locked'; record: ArmourIdentity }
  | { status: 'unlocked'; record: ArmourIdentity; secrets: IdentitySecrets }
  | { status: 'error'; error: unknown };

export interface IdentityApi {
  me(): Promise<ArmourIdentity>;
  setMe(b: ArmourIdentityChange): Promise<ArmourIdentity>;
}

export class IdentityStore extends Store<IdentityState> {
  private userId: string | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly remote: IdentityApi = api.armour) {
    super({ status: 'unknown' });
  }

  /** The unlocked secrets of `userId`, or null. */
  secrets(userId: string): IdentitySecrets | null {
    return this.userId === userId && this.state.status === 'unlocked' ? this.state.secrets : null;
  }

  /** Asks the server again (after an error). */
  retry(userId: string): Promise<void> {
    if (this.state.status === 'error') this.replace({ status: 'unknown' });
    return this.load(userId);
  }

  /** Asks the server for the person's identity, once (again after an error or another person). */
  load(userId: string): Promise<void> {
    if (this.userId !== userId) {
      this.forget();
      this.userId = userId;
    }
    const s = this.state.status;
    if (s !== 'unknown' && s !== 'error') return this.loading ?? Promise.resolve();
    this.replace({ status: 'loading' });
    const run = this.remote.me().then(
      (record) => {
        if (this.userId === userId) this.replace({ status: 'locked', record });
      },
      (e: unknown) => {
        if (this.userId !== userId) return;
        if (isApiError(e) && e.status === 404) this.replace({ status: 'none' });
        else this.replace({ status: 'error', error: e });
      },
    );
    this.loading = run.finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /**
   * Makes new key pairs sealed under `passphrase` and gives the server their
   * public halves. `replace` (a forgotten passphrase) drops the person's
   * envelopes: the other members' browsers seal the workspaces' keys again.
   */
  async create(userId: string, passphrase: string, replace = false): Promise<void> {
    if ([...passphrase].length < MIN_PASSPHRASE) {
      throw new ArmourError('malformed', 'short passphrase');
    }
    const c = await loadCrypto();
    const made = c.createIdentity(userId, passphrase);
    await this.publish(userId, made, async () => replace);
  }

  /**
   * Gives the server the public halves of `made` (`replace()` says, once
   * asked, whether they replace the person's keys), then unlocks it. On a
   * failure its secrets are wiped; another tab that set keys meanwhile
   * (identity_exists) has them looked at again.
   */
  private async publish(
    userId: string,
    made: CreatedIdentity,
    replace: () => Promise<boolean>,
  ): Promise<boolean> {
    const c = await loadCrypto();
    let record: ArmourIdentity;
    let replacing: boolean;
    try {
      replacing = await replace();
      record = await this.remote.setMe({
        box_public: made.box_public,
        sign_public: made.sign_public,
        sealed_secret: made.sealed_secret,
        ...(replacing ? { replace: true } : {}),
      });
    } catch (e) {
      c.forgetIdentity(made.secrets);
      if (isApiError(e, 'identity_exists')) {
        this.replace({ status: 'unknown' });
        void this.load(userId);
      }
      throw e;
    }
    this.replaceSecrets(userId, { status: 'unlocked', record, secrets: made.secrets });
    return replacing;
  }

  /** Opens the sealed record with the passphrase (ArmourError 'wrong_passphrase' otherwise). */
  async unlock(userId: string, passphrase: string): Promise<void> {
    const s = this.state;
    if (s.status !== 'locked' || this.userId !== userId) throw new ArmourError('locked');
    const c = await loadCrypto();
    const secrets = c.unlockIdentity(userId, s.record, passphrase);
    this.replaceSecrets(userId, { status: 'unlocked', record: s.record, secrets });
  }

  /**
   * The file that saves the person's identity (docs/armoured.md, "Saving
   * and bringing your keys"): the server's record as it is now, once the
   * keys are unlocked in this tab, so that the person knows the passphrase
   * that opens it. ArmourError 'locked' when they are not, or when the
   * server holds other keys (replaced in another tab).
   */
  async savedFile(
    userId: string,
    now: Date = new Date(),
    origin: string = window.location.origin,
  ): Promise<{ name: string; text: string }> {
    const secrets = this.secrets(userId);
    if (!secrets) throw new ArmourError('locked');
    const record = await this.remote.me();
    if (record.box_public !== secrets.boxPublic || record.sign_public !== secrets.signPublic) {
      throw new ArmourError('locked', 'the server holds other keys');
    }
    return { name: identityFileName(now), text: formatIdentityFile(userId, record, now, origin) };
  }

  /**
   * Makes the identity of a saved file the person's here, under the file's
   * passphrase (sealed again for `userId`), and unlocks it. With no
   * identity here it is set; with the same keys only the sealed secret
   * changes (the passphrase is the file's from then on); with other keys
   * they are replaced (`replace`: the person's envelopes are dropped, the
   * other members' browsers seal the workspaces' keys to these). Nothing is
   * sent when the passphrase does not open the file (ArmourError
   * 'wrong_passphrase') or the file is broken ('bad_identity_file').
   * Returns whether keys were replaced.
   */
  async adopt(userId: string, file: IdentityFile, passphrase: string): Promise<boolean> {
    const c = await loadCrypto();
    const made = c.adoptIdentity(file, userId, passphrase);
    // Replaced only when the keys here are others.
    return this.publish(userId, made, async () => {
      const current = await this.remote.me().catch((e: unknown) => {
        if (isApiError(e) && e.status === 404) return null;
        throw e;
      });
      return (
        current !== null &&
        (current.box_public !== made.box_public || current.sign_public !== made.sign_public)
      );
    });
  }

  private replaceSecrets(userId: string, next: IdentityState) {
    const before = this.state;
    this.userId = userId;
    this.replace(next);
    void loadCrypto().then((c) => {
      if (before.status === 'unlocked') c.forgetIdentity(before.secrets);
      if (next.status !== 'unlocked') return;
      const { key, id } = c.verifiedTagsKey(next.secrets);
      c.rememberVerified(key, keepVerified(userId, id));
    });
  }

  /** Wipes the secrets and forgets everything (sign-out). */
  forget(): void {
    const before = this.state;
    const userId = this.userId;
    this.userId = null;
    this.loading = null;
    this.replace({ status: 'unknown' });
    if (userId !== null) forgetVerified(userId);
    if (before.status === 'unlocked')
      void loadCrypto().then((c) => {
        c.forgetIdentity(before.secrets);
        c.rememberVerified(null, null);
      });
  }
}

/** The tab's identity. */
export const identity = new IdentityStore();

const forgetHooks = new Set<() => void>();
let watching = false;

/**
 * Wipes the unlocked identity when the session ends (sign-out, expiry),
 * and calls `also` then (the key managers wipe their keys).
 */
export function forgetOnSignOut(also?: () => void): void {
  if (also) forgetHooks.add(also);
  if (watching) return;
  watching = true;
  const wipe = () => {
    identity.forget();
    forgetHooks.forEach((h) => h());
  };
  onUnauthorized(wipe);
  liveEvents().onStateChange((s) => {
    if (s === 'stopped') wipe();
  });
}
