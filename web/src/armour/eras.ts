// The eras of an imported armoured workspace (docs/armoured.md, "Importing
// an armoured archive"): the texts and envelopes an archive brought stay
// bound to the ids they were sealed with there (its workspace, channels and
// people) and signed with the keys people had there. bindingOf says, for a
// generation of a key, which ids and keys check what it sealed; every text
// and envelope opened goes through it. Nothing is ever sealed under an
// era's generation: sealing always uses the ids here. No libsodium here.
import type { ArmourEra, ArmourEraPerson, ChannelArmourEra } from '../api/types';
import type { KeyScope } from './format';

/** What the server says of a workspace's eras, each list oldest first. */
export interface Eras {
  /** GET /workspaces/{id}/armour's: ids there, channels and people. */
  workspace: readonly ArmourEra[];
  /** GET /channels/{cid}/armour's, for the generations of that channel's own key. */
  channel?: readonly ChannelArmourEra[];
}

/** A workspace never imported (or a server that does not say). */
export const NO_ERAS: Eras = { workspace: [] };

/** A person as what they sealed or signed names them. */
export interface BoundPerson {
  /** The id in the additional data or the signed text. */
  id: string;
  /**
   * The Ed25519 public keys (unpadded base64url) their signature checks
   * with, current first: the era's for them (none when the era does not
   * list them); null for the keys here (members, former, trust on first
   * use), as for any text.
   */
  signKeys: readonly string[] | null;
}

/** The ids and keys a text or an envelope under one generation of a key is checked with. */
export interface Binding {
  /** Whether the generation came from an era (read only: never written under again). */
  era: boolean;
  /** The key's scope as bound: the workspace's id, and the channel's for a channel's own key. */
  scope: KeyScope;
  /** A channel's id (here) as bound. */
  channelId(here: string): string;
  /** A person (an author, an envelope's creator or recipient, by their id here) as bound. */
  person(here: string): BoundPerson;
}

/**
 * The binding of generation `generation` of `scope`'s key (ids here: the
 * workspace's key, or with `scope.channelId` that channel's own): the
 * first era whose last generation of that key is `generation` or more
 * (its workspace's id there, the channels' and people's ids there, their
 * keys there), or, past every era, the ids here and the keys here.
 */
export function bindingOf(eras: Eras, scope: KeyScope, generation: number): Binding {
  const { channelId } = scope;
  if (channelId) {
    const era = eras.channel?.find((e) => e.generation >= generation);
    if (!era) return here(scope);
    const there = eras.workspace.find((e) => e.workspace_id === era.workspace_id);
    return bound(
      { workspaceId: era.workspace_id, channelId: era.channel_id },
      (id) => (id === channelId ? era.channel_id : originChannel(there, id)),
      there?.people ?? [],
    );
  }
  const era = eras.workspace.find((e) => e.generation >= generation);
  if (!era) return here(scope);
  return bound({ workspaceId: era.workspace_id }, (id) => originChannel(era, id), era.people);
}

function here(scope: KeyScope): Binding {
  return {
    era: false,
    scope,
    channelId: (id) => id,
    person: (id) => ({ id, signKeys: null }),
  };
}

function bound(
  scope: KeyScope,
  channelId: (here: string) => string,
  people: readonly ArmourEraPerson[],
): Binding {
  return {
    era: true,
    scope,
    channelId,
    person: (id) => {
      const p = people.find((q) => q.user_id === id);
      if (!p) return { id, signKeys: [] };
      const keys = [p.sign_public, ...(p.previous ?? []).map((k) => k.sign_public)];
      return { id: p.origin_user_id, signKeys: [...new Set(keys)] };
    },
  };
}

/** A channel's id there (a channel the era does not list keeps its id here: nothing there checks). */
function originChannel(era: ArmourEra | undefined, id: string): string {
  return era?.channels.find((c) => c.channel_id === id)?.origin_channel_id ?? id;
}
