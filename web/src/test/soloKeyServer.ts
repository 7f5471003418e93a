// A key server for tests of an armoured workspace's modules: a workspace
// with one member, Alice, whose browser makes and holds the key (and
// anchors the workspace); what other modules seal checks with her keys.
// Other members may be listed with their identities (whose signatures
// then check), holding no key.
import { ApiError } from '../api/client';
import type {
  ArmourApproval,
  ArmourEnvelope,
  ArmourMember,
  NewApproval,
  NewEnvelope,
  NewSealedCalendarEvent,
  SealedCalendarEvent,
  WorkspaceArmour,
} from '../api/types';
import sodium from 'libsodium-wrappers-sumo';
import { vi } from 'vitest';
import { rememberVerified, verifiedTagsKey, type CreatedIdentity } from '../armour/crypto';
import { WorkspaceKeys } from '../armour/keys';
import type { SignatureChecker } from '../armour/verifier';
import { TrustStore } from '../armour/trust';

export const WS = '01HZWORKSPACE0000000000000';
export const ALICE = '01HZALICE0000000000000000A';

/** A sealed calendar event as the server keeps it: `sent`, by Alice, in her workspace. */
export function sealedEventRecord(
  id: string,
  sent: NewSealedCalendarEvent,
  version: number,
  at = '2026-11-20T10:00:00.000Z',
): SealedCalendarEvent {
  return {
    id,
    workspace_id: WS,
    kind: 'event',
    token: sent.token,
    sealed: sent.sealed,
    sealed_by: ALICE,
    created_by: ALICE,
    created_at: at,
    updated_at: at,
    version,
  };
}

/**
 * The key server of a workspace with one member, Alice, and `others` (by
 * id) besides; `syncs` counts her browser's reads.
 */
export function soloServer(who: CreatedIdentity, others: Record<string, CreatedIdentity> = {}) {
  const member = (id: string, i: CreatedIdentity): ArmourMember => ({
    user_id: id,
    box_public: i.box_public,
    sign_public: i.sign_public,
  });
  const members = [member(ALICE, who), ...Object.entries(others).map(([id, i]) => member(id, i))];
  let generation = 0;
  let envelopes: ArmourEnvelope[] = [];
  let approvals: ArmourApproval[] = [];
  const view = (): WorkspaceArmour => ({
    generation,
    rotation_required: false,
    members,
    former: [],
    missing: [],
    pending: [],
    approvals,
    envelopes,
  });
  const server = {
    syncs: 0,
    workspace: async () => {
      server.syncs++;
      return view();
    },
    addEnvelopes: async (_ws: string, b: { generation: number; envelopes: NewEnvelope[] }) => {
      generation = b.generation;
      envelopes = b.envelopes.map((e) => ({ ...e, generation: b.generation, created_by: ALICE }));
      return view();
    },
    // Her browser anchors the workspace (her own keys).
    approve: async (_ws: string, b: { approvals: NewApproval[] }) => {
      approvals = b.approvals.map((a) => ({
        ...a,
        approved_by: ALICE,
        created_at: '2026-12-03T10:00:00.000Z',
      }));
      return view();
    },
    // Files and tasks use the workspace's key only.
    channel: () => Promise.reject(new ApiError(409, 'workspace_key', '')),
    addChannelEnvelopes: () => Promise.reject(new ApiError(409, 'workspace_key', '')),
  };
  return server;
}

/** Alice's key manager of the workspace, synchronised (generation 1 made), and its server. */
export async function soloKeys(
  alice: CreatedIdentity,
  others: Record<string, CreatedIdentity> = {},
  signatures?: SignatureChecker,
) {
  const server = soloServer(alice, others);
  const keys = new WorkspaceKeys(
    WS,
    ALICE,
    server,
    { secrets: () => alice.secrets, subscribe: () => () => undefined },
    new TrustStore(ALICE, null),
    signatures,
  );
  await keys.sync();
  return { server, keys };
}

/**
 * Signature workers as a test has them: each signature they are given
 * checked here with libsodium (what verifier.worker.ts answers), their
 * requests recorded; and `who`'s tags remembered from now on, none known
 * (a browser that never checked anything: rememberVerified(null, null)
 * after).
 */
export function signaturesCheckedHere(who: CreatedIdentity) {
  rememberVerified(verifiedTagsKey(who.secrets).key, new Set<string>());
  const verify = sodium.crypto_sign_verify_detached.bind(sodium);
  const check = vi.fn<SignatureChecker['check']>(async (checks) =>
    checks.map((c) => verify(c.signature, c.signed, c.pk)),
  );
  return { usable: true, check };
}
