// Armoured workspaces (SECURITY.md DATA-3; docs/armoured.md): people's
// identity keys and the workspaces' key generations, made and opened in the
// members' browsers. The server keeps public keys, passphrase-sealed secrets
// and sealed envelopes, checks every signature it is given, says when a
// workspace needs a new generation (a member left since the current one was
// made), and checks the sealed texts modules store (verify_sealed() and
// require_current()). Nothing
// here can open a message.
//
// Thread-safe; every call blocks (database): worker threads only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/audit.hpp"
#include "platform/authz.hpp"
#include "platform/outbox.hpp"
#include "platform/sealed_text.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

inline constexpr std::size_t kMaxEnvelopesPerRequest = 1000;

// Public keys a person had before they replaced their identity.
struct ArmourPreviousKeys {
  std::string box_public, sign_public;
  std::int64_t created_at_ms = 0, replaced_at_ms = 0;
};

struct ArmourIdentity {
  std::string user_id;
  std::string box_public;     // X25519, base64url
  std::string sign_public;    // Ed25519, base64url
  std::string sealed_secret;  // "id1:…"; only ever handed to its owner
  std::int64_t created_at_ms = 0;  // of these keys
  std::int64_t updated_at_ms = 0;
  // In workspace states and exports: the keys they replaced, oldest first
  // (what they signed before still checks with them).
  std::vector<ArmourPreviousKeys> previous;
};

struct ArmourEnvelope {
  std::string user_id;  // the recipient
  std::int64_t generation = 0;
  std::string sealed;
  std::string signature;
  std::string created_by;
};

// A member's keys approved by another member (docs/armoured.md,
// "Approvals"): approval_signed_text() signed with the approver's signing
// key. The workspace's anchor approved their own keys.
struct ArmourApproval {
  std::string user_id, box_public, sign_public;  // the approved person and keys
  std::string approved_by;
  std::string signature;
  std::int64_t created_at_ms = 0;
};

// An imported workspace's era (docs/armoured.md, "Importing an armoured
// archive"): what came from one workspace, whose texts and envelopes stay
// bound to its ids and to the keys people had there.
struct ArmourEraScope {
  std::string scope;         // '' for the workspace's key, else a channel here
  std::string origin_scope;  // '' or the channel's id there
  std::int64_t generation = 0;  // the last of that key from the era (0: none)
  std::vector<ArmourEnvelope> envelopes;  // in imports and exports only
};
struct ArmourEraPerson {
  std::string origin_user_id;
  ArmourIdentity keys;  // user_id: who they are here; their keys there
};
struct ArmourEra {
  std::string workspace_id;             // there
  std::vector<ArmourEraScope> scopes;   // '' first, then channels
  std::vector<ArmourEraPerson> people;
};

// A workspace's keys as one member sees them.
struct ArmourState {
  std::int64_t generation = 0;
  bool rotation_required = false;
  std::vector<ArmourIdentity> members;   // members with an identity; no sealed_secret
  // Others who held or made a key here (they left): their signatures on
  // envelopes and messages still check.
  std::vector<ArmourIdentity> former;
  // Of them, those without the current generation: once the workspace is
  // anchored, approved ones only.
  std::vector<std::string> missing;
  // Of them, once the workspace is anchored, those whose current keys no
  // member approved yet: no key is sealed for them.
  std::vector<std::string> pending;
  // Every approval of the workspace, oldest first: the chains a browser
  // checks from the anchor.
  std::vector<ArmourApproval> approvals;
  std::vector<ArmourEnvelope> envelopes;  // the caller's own, every generation
  // Imported workspaces: the eras, oldest first; for a channel's key only
  // its own scope of each era that had one, and no people.
  std::vector<ArmourEra> eras;
  bool channel = false;                   // a channel's key: eras shown as such
  // The caller's envelopes of the eras' generations, sealed to the keys
  // they have now (listed after `envelopes`' older generations by to_json).
  std::vector<ArmourEnvelope> era_envelopes;
};

struct NewIdentity {
  std::string box_public, sign_public, sealed_secret;
  bool replace = false;
};

// Whose key (docs/armoured.md): the workspace's, or a channel's own (a
// private channel's, a direct conversation's), held by its members only.
struct KeyScope {
  WorkspaceId ws;
  std::string channel;           // empty: the workspace's key
  std::string_view module;       // whose read right its events need ("" for the workspace)
  // SQL selecting the user ids who must hold the key — the scope's active
  // members — with $1 the workspace, $2 now (ms), $3 `channel`.
  std::string_view holders;

  static KeyScope of(const WorkspaceId& ws);
};

// A POST …/armour/envelopes body: {generation, envelopes: [{user_id,
// sealed, signature}]}, bounded. Errors: invalid.
struct EnvelopesIn {
  std::int64_t generation = 0;
  std::vector<ArmourEnvelope> envelopes;
};
Result<EnvelopesIn> parse_envelopes(std::string_view body);

// A POST …/armour/approvals body: {approvals: [{user_id, box_public,
// sign_public, signature}]}, bounded. Errors: invalid.
Result<std::vector<ArmourApproval>> parse_approvals(std::string_view body);

// Envelopes whose form and signatures were checked with their maker's
// signing key (Armour::check_envelopes), on a reader: a thousand Ed25519
// checks stay off the writer every write shares.
struct CheckedEnvelopes {
  EnvelopesIn in;
  std::string sign_public;  // the maker's key they were checked with
};

// Conflict "not_armoured" unless the workspace `a` reaches is armoured.
Result<void> require_armoured(const WorkspaceAccess& a);

json::object to_json(const ArmourIdentity& id, bool with_secret);
json::object to_json(const ArmourEnvelope& e, bool with_recipient);
// Tells the holders of `scope`'s key that it changed (armour.changed:
// workspace_id, channel_id for a channel, generation, rotation_required), in
// `c`'s transaction: every member for the workspace's key, the channel's
// members for a channel's.
Result<void> announce_armour(db::Conn& c, Outbox& outbox, const KeyScope& scope, std::int64_t now_ms);
json::object to_json(const ArmourState& s);
// The keys a person replaced as to_json lists them ([{box_public,
// sign_public, created_at, replaced_at}]): each two 32-byte keys, times
// optional. Errors: invalid.
Result<std::vector<ArmourPreviousKeys>> previous_keys_from_json(const json::value& list);
// An era as armour.json carries it: {workspace_id, generation, envelopes,
// channels: [{channel_id, origin_channel_id, generation, envelopes}],
// people: [{user_id, origin_user_id, box_public, sign_public, previous}]};
// without envelopes in a workspace's state.
json::object to_json(const ArmourEra& era, bool with_envelopes);

class Armour {
 public:
  Armour(db::Database& db, const Clock& clock, Authz& authz, AuditLog& audit, Outbox& outbox)
      : db_(db), clock_(clock), authz_(authz), audit_(audit), outbox_(outbox) {}

  // The caller's identity; not_found "no_identity".
  Result<ArmourIdentity> identity(const Caller& caller);
  // Sets it (see docs/armoured.md): the same public keys with a new sealed
  // secret, or new keys with `replace` (conflict "identity_exists" without),
  // which drops every envelope sealed to the old ones and keeps the old
  // public keys (ArmourIdentity::previous); a workspace whose current
  // generation the old keys sealed needs the next one. Tells each armoured
  // workspace of the caller (armour.changed).
  Result<ArmourIdentity> set_identity(const Caller& caller, const NewIdentity& in);

  // The workspace's key: not_found for non-members; conflict "not_armoured".
  Result<ArmourState> state(const Caller& caller, const WorkspaceId& ws);
  // A new generation (current + 1, sealed for every member with an identity)
  // or envelopes of the current one for members without it. Errors:
  // conflict "generation_conflict"; invalid "envelopes_incomplete",
  // "bad_signature", "invalid_envelope"; forbidden when the caller has no
  // identity or does not hold the current generation.
  Result<ArmourState> add_envelopes(const Caller& caller, const WorkspaceId& ws, const EnvelopesIn& in);
  // Approvals of members' current keys signed by the caller (docs/armoured.md,
  // "Approvals"): by a member whose own keys are approved, or, in a
  // workspace no active member's approved keys hold, starting with the
  // caller's approval of their own (the anchor). Approving keys already
  // approved changes nothing. Errors: invalid "invalid_approval",
  // "bad_signature"; forbidden "no_identity", "not_approved"; conflict
  // "keys_changed" (the person's keys are no longer those).
  Result<ArmourState> approve(const Caller& caller, const WorkspaceId& ws,
                              const std::vector<ArmourApproval>& in);
  // The same for any scope, in the module's transactions `c`, once the
  // module has checked that the caller is among the scope's members: the
  // state; the envelopes' form and signatures checked in a read transaction
  // (errors: invalid "invalid_envelope", "bad_signature"; forbidden
  // "no_identity"), then added in a write one (the caller's keys unchanged
  // since, else conflict "generation_conflict": the browser tries again).
  // Once the workspace is anchored, envelopes go to approved members only
  // (conflict "not_approved").
  Result<ArmourState> state_in(db::Conn& c, const KeyScope& scope, const UserId& caller);
  Result<CheckedEnvelopes> check_envelopes(db::Conn& c, const Caller& caller, const KeyScope& scope,
                                           const EnvelopesIn& in);
  Result<ArmourState> add_envelopes_in(db::Conn& c, const Caller& caller, const KeyScope& scope,
                                       const CheckedEnvelopes& checked);

  // armour.json of the workspace's export, read in the export's transaction:
  // {generation, identities: [{user_id, box_public, sign_public}] of its
  // members, envelopes: [{generation, user_id, sealed, signature,
  // created_by}] of every generation, channels: [{channel_id, generation,
  // envelopes: […]}] of the channels' own keys}. No sealed secret: those are
  // each person's, and each gets theirs with GET /me/armour.
  // An imported workspace's eras go with it (`eras`, to_json(ArmourEra)).
  Result<json::object> export_keys(db::Conn& c, const WorkspaceId& ws);
  // An armoured archive's keys, its ids already mapped to this instance's
  // (platform/import.cpp), in the import's transaction `c`: the eras, and
  // each key's current generation — the last an era had, stale from then on.
  Result<void> import_eras(db::Conn& c, const WorkspaceId& ws, const std::vector<ArmourEra>& eras);
  // SQL selecting the key scopes (channel ids) of workspace $1 that user $2
  // may see, set once by the module whose scopes they are (chat): a
  // workspace's eras name only those. Unset, none.
  void set_visible_scopes(std::string sql) { visible_scopes_ = std::move(sql); }

  // For modules. A sealed text `text` written by `author` is well formed,
  // names a key of the kind the place takes (a channel's own when
  // `channel_key`, the workspace's otherwise), and is signed by the author
  // over its additional data (the module's `domain`, the text's version, the
  // module's `binding` — sealed_signed_text()); returns it parsed (version,
  // generation), its views into `text`. Says nothing of the keys' state: one
  // read and a signature check, which modules run before their write
  // transaction (the writer is shared by every post). Errors: invalid
  // "invalid_sealed_text" (a channel's key where the workspace's is taken),
  // "bad_signature"; conflict "channel_key_required"; forbidden "no_identity".
  Result<SealedText> verify_sealed(db::Conn& c, const UserId& author, std::string_view domain,
                                   std::string_view binding, std::string_view text, bool channel_key = false);
  // The same in two steps, for a module that checks several texts of one
  // author: their signing key (one read; forbidden "no_identity"), then
  // each text with it (no read).
  Result<std::string> signing_key(db::Conn& c, const UserId& author);
  static Result<SealedText> verify_sealed_with(std::string_view sign_public, std::string_view domain,
                                               std::string_view binding, std::string_view text,
                                               bool channel_key = false);
  // In the module's write transaction: `generation` is the scope's current
  // one, and no holder of it has left. Errors: conflict "stale_key",
  // "key_rotation_required", "no_workspace_key" / "no_channel_key".
  Result<void> require_current(db::Conn& c, const KeyScope& scope, std::int64_t generation);

 private:
  // The caller is a member of `ws`, which is armoured (not_found, conflict "not_armoured").
  Result<void> reach(db::Conn& c, const Caller& caller, const WorkspaceId& ws);

  db::Database& db_;
  const Clock& clock_;
  Authz& authz_;
  AuditLog& audit_;
  Outbox& outbox_;
  std::string visible_scopes_;
};

}  // namespace ruche::platform
