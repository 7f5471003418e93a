#include "platform/armour.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "base/id.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/sign.hpp"

namespace ruche::platform {

namespace {

Result<std::optional<ArmourIdentity>> load_identity(db::Conn& c, const UserId& user) {
  RUCHE_TRY(auto row, c.query_one("SELECT box_public, sign_public, sealed_secret, created_at_ms, "
                                  "updated_at_ms FROM armour_identities WHERE user_id = $1",
                                  {user}));
  if (!row) return std::optional<ArmourIdentity>();
  ArmourIdentity id;
  id.user_id = user.str();
  id.box_public = row->text(0);
  id.sign_public = row->text(1);
  id.sealed_secret = row->text(2);
  id.created_at_ms = row->i64(3);
  id.updated_at_ms = row->i64(4);
  return std::optional<ArmourIdentity>(std::move(id));
}

// A workspace's current generation, and whether it needs the next one —
// someone who holds it is no longer an active member, or keys that sealed
// it were replaced since (a browser takes a key for writing only from a
// member's current keys) — in one statement: it runs in the write
// transaction of every sealed post.
struct KeyState {
  std::int64_t generation = 0;
  bool stale = false;
};
Result<KeyState> key_state(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(auto row, c.query_one("SELECT w.armour_generation, EXISTS (SELECT 1 FROM armour_envelopes e "
                                  "WHERE e.workspace_id = w.id AND e.generation = w.armour_generation AND "
                                  "(NOT EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = e.workspace_id "
                                  "AND m.user_id = e.user_id AND " RUCHE_ACTIVE_MEMBERSHIP("m") ") "
                                  "OR EXISTS (SELECT 1 FROM armour_identity_history h WHERE h.user_id = e.created_by "
                                  "AND h.replaced_at_ms >= e.created_at_ms))) "
                                  "FROM workspaces w WHERE w.id = $1",
                                  {ws, now_ms}));
  if (!row) return fail(Errc::not_found, "no such workspace");
  return KeyState{row->i64(0), row->boolean(1)};
}

// A person's public keys from a row that begins user_id, box_public,
// sign_public.
ArmourIdentity public_keys_of(const db::Row& r) {
  ArmourIdentity id;
  id.user_id = r.text(0);
  id.box_public = r.text(1);
  id.sign_public = r.text(2);
  return id;
}

// Fills `previous` of each identity in `lists` with the keys its person
// replaced, oldest first: one query.
Result<void> add_previous(db::Conn& c, std::initializer_list<std::vector<ArmourIdentity>*> lists) {
  std::map<std::string, ArmourIdentity*> by_user;
  for (auto* l : lists)
    for (auto& id : *l) by_user.emplace(id.user_id, &id);
  if (by_user.empty()) return {};
  std::vector<db::Param> args;
  for (const auto& [user, _] : by_user) args.emplace_back(user);
  return c.each("SELECT user_id, box_public, sign_public, created_at_ms, replaced_at_ms FROM "
                "armour_identity_history WHERE user_id IN (" + db::placeholders(1, args.size()) +
                    ") ORDER BY user_id, replaced_at_ms",
                args, [&](const db::Row& r) {
                  by_user.at(r.text(0))->previous.push_back({r.text(1), r.text(2), r.i64(3), r.i64(4)});
                  return true;
                });
}

}  // namespace

json::object to_json(const ArmourIdentity& id, bool with_secret) {
  json::object o;
  o["user_id"] = id.user_id;
  o["box_public"] = id.box_public;
  o["sign_public"] = id.sign_public;
  if (with_secret) {
    o["sealed_secret"] = id.sealed_secret;
    o["created_at"] = format_iso8601(id.created_at_ms);
    o["updated_at"] = format_iso8601(id.updated_at_ms);
  } else {
    json::array previous;
    for (const auto& k : id.previous)
      previous.push_back(json::object{{"box_public", k.box_public},
                                      {"sign_public", k.sign_public},
                                      {"created_at", format_iso8601(k.created_at_ms)},
                                      {"replaced_at", format_iso8601(k.replaced_at_ms)}});
    o["previous"] = std::move(previous);
  }
  return o;
}

json::object to_json(const ArmourEnvelope& e, bool with_recipient) {
  json::object o;
  o["generation"] = e.generation;
  if (with_recipient) o["user_id"] = e.user_id;
  o["sealed"] = e.sealed;
  o["signature"] = e.signature;
  o["created_by"] = e.created_by;
  return o;
}

json::object to_json(const ArmourState& s) {
  json::object o;
  o["generation"] = s.generation;
  o["rotation_required"] = s.rotation_required;
  json::array members, former, missing, envelopes;
  for (const auto& m : s.members) members.push_back(to_json(m, false));
  for (const auto& m : s.former) former.push_back(to_json(m, false));
  for (const auto& u : s.missing) missing.emplace_back(u);
  for (const auto& e : s.envelopes) envelopes.push_back(to_json(e, false));
  o["members"] = std::move(members);
  o["former"] = std::move(former);
  o["missing"] = std::move(missing);
  o["envelopes"] = std::move(envelopes);
  return o;
}

Result<void> announce_armour(db::Conn& c, Outbox& outbox, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(KeyState k, key_state(c, ws, now_ms));
  json::object data;
  data["workspace_id"] = ws.str();
  data["generation"] = k.generation;
  data["rotation_required"] = k.stale;
  RUCHE_TRY([[maybe_unused]] auto seq, outbox.append(c, ws, "armour.changed", "", data));
  return {};
}

Result<ArmourIdentity> Armour::identity(const Caller& caller) {
  return db_.read([&](db::Conn& c) -> Result<ArmourIdentity> {
    RUCHE_TRY(auto id, load_identity(c, caller.user_id));
    if (!id) return fail(Errc::not_found, "no armour identity yet", "no_identity");
    return std::move(*id);
  });
}

Result<ArmourIdentity> Armour::set_identity(const Caller& caller, const NewIdentity& in) {
  if (!armour_bytes(in.box_public, kArmourKeyBytes) || !armour_bytes(in.sign_public, kArmourKeyBytes) || in.box_public == in.sign_public)
    return fail(Errc::invalid, "box_public and sign_public are two 32-byte keys in base64url", "invalid_identity");
  if (!is_sealed_secret(in.sealed_secret))
    return fail(Errc::invalid, "sealed_secret is not an id1 sealed secret (docs/armoured.md)", "invalid_identity");
  std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<ArmourIdentity> {
    RUCHE_TRY(auto old, load_identity(c, caller.user_id));
    bool new_keys = !old || old->box_public != in.box_public || old->sign_public != in.sign_public;
    if (old && new_keys && !in.replace)
      return fail(Errc::conflict, "an identity exists: replacing it loses the keys it holds (replace: true)",
                  "identity_exists");
    if (!old) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("INSERT INTO armour_identities (user_id, box_public, sign_public, sealed_secret, "
                       "created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $5)",
                       {caller.user_id, in.box_public, in.sign_public, in.sealed_secret, now}));
    } else {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE armour_identities SET box_public = $2, sign_public = $3, sealed_secret = $4, "
                       "created_at_ms = $6, updated_at_ms = $5 WHERE user_id = $1",
                       {caller.user_id, in.box_public, in.sign_public, in.sealed_secret, now,
                        new_keys ? now : old->created_at_ms}));
    }
    if (old && new_keys) {
      // Sealed to keys that no longer exist: nobody can open them. What the
      // old keys signed still checks with them.
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("DELETE FROM armour_envelopes WHERE user_id = $1", {caller.user_id}));
      RUCHE_TRY([[maybe_unused]] auto kept,
                c.exec("INSERT INTO armour_identity_history (user_id, box_public, sign_public, created_at_ms, "
                       "replaced_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, sign_public) DO NOTHING",
                       {caller.user_id, old->box_public, old->sign_public, old->created_at_ms, now}));
    }
    AuditEntry e = AuditEntry::by(caller, old && new_keys ? "armour.identity_replaced" : "armour.identity_set");
    e.object = caller.user_id.str();
    if (old && !new_keys) e.details["passphrase_only"] = true;
    RUCHE_CHECK(audit_.append(c, e));
    if (new_keys) {
      // Members' browsers seal the workspaces' keys to the new identity.
      std::vector<WorkspaceId> armoured;
      RUCHE_CHECK(c.each("SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id "
                         "WHERE m.user_id = $1 AND w.armoured = $2",
                         {caller.user_id, true}, [&](const db::Row& r) {
                           armoured.emplace_back(r.text(0));
                           return true;
                         }));
      for (const auto& ws : armoured) RUCHE_CHECK(announce_armour(c, outbox_, ws, now));
    }
    RUCHE_TRY(auto now_id, load_identity(c, caller.user_id));
    return std::move(*now_id);
  });
}

Result<ArmourState> Armour::load_state(db::Conn& c, const WorkspaceId& ws, const UserId& caller) {
  std::int64_t now = clock_.now_ms();
  ArmourState s;
  RUCHE_TRY(KeyState k, key_state(c, ws, now));
  s.generation = k.generation;
  s.rotation_required = k.stale;
  RUCHE_CHECK(c.each("SELECT i.user_id, i.box_public, i.sign_public, i.created_at_ms, i.updated_at_ms, "
                     "EXISTS (SELECT 1 FROM armour_envelopes e WHERE e.workspace_id = m.workspace_id AND "
                     "e.generation = $3 AND e.user_id = m.user_id) FROM memberships m JOIN armour_identities i "
                     "ON i.user_id = m.user_id WHERE m.workspace_id = $1 AND " RUCHE_ACTIVE_MEMBERSHIP("m")
                     " ORDER BY i.user_id",
                     {ws, now, s.generation}, [&](const db::Row& r) {
                       ArmourIdentity id = public_keys_of(r);
                       id.created_at_ms = r.i64(3);
                       id.updated_at_ms = r.i64(4);
                       if (s.generation > 0 && !r.boolean(5)) s.missing.push_back(id.user_id);
                       s.members.push_back(std::move(id));
                       return true;
                     }));
  RUCHE_CHECK(c.each("SELECT i.user_id, i.box_public, i.sign_public FROM armour_identities i WHERE i.user_id IN "
                     "(SELECT user_id FROM armour_envelopes WHERE workspace_id = $1 UNION SELECT created_by FROM "
                     "armour_envelopes WHERE workspace_id = $1) AND NOT EXISTS (SELECT 1 "
                     "FROM memberships m WHERE m.workspace_id = $1 AND m.user_id = i.user_id AND "
                     RUCHE_ACTIVE_MEMBERSHIP("m") ") ORDER BY i.user_id",
                     {ws, now}, [&](const db::Row& r) {
                       s.former.push_back(public_keys_of(r));
                       return true;
                     }));
  RUCHE_CHECK(add_previous(c, {&s.members, &s.former}));
  RUCHE_CHECK(c.each("SELECT generation, sealed, signature, created_by FROM armour_envelopes WHERE "
                     "workspace_id = $1 AND user_id = $2 ORDER BY generation",
                     {ws, caller}, [&](const db::Row& r) {
                       ArmourEnvelope e;
                       e.user_id = caller.str();
                       e.generation = r.i64(0);
                       e.sealed = r.text(1);
                       e.signature = r.text(2);
                       e.created_by = r.text(3);
                       s.envelopes.push_back(std::move(e));
                       return true;
                     }));
  return s;
}

Result<ArmourState> Armour::state(const Caller& caller, const WorkspaceId& ws) {
  return db_.read([&](db::Conn& c) -> Result<ArmourState> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.armoured) return fail(Errc::conflict, "this workspace is not armoured", "not_armoured");
    return load_state(c, ws, caller.user_id);
  });
}

Result<ArmourState> Armour::add_envelopes(const Caller& caller, const WorkspaceId& ws, std::int64_t generation,
                                          const std::vector<ArmourEnvelope>& envelopes) {
  if (envelopes.size() > kMaxEnvelopesPerRequest)
    return fail(Errc::invalid, "at most " + std::to_string(kMaxEnvelopesPerRequest) + " envelopes",
                "invalid_envelope");
  std::set<std::string_view> seen;
  for (const auto& e : envelopes) {
    if (!is_id(e.user_id) || !seen.insert(e.user_id).second || !armour_bytes(e.sealed, kSealedKeyBytes) ||
        !armour_bytes(e.signature, kArmourSignatureBytes))
      return fail(Errc::invalid, "an envelope is a user_id (once), a sealed 32-byte key and a signature",
                  "invalid_envelope");
  }
  std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<ArmourState> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.armoured) return fail(Errc::conflict, "this workspace is not armoured", "not_armoured");
    RUCHE_TRY(auto mine, load_identity(c, caller.user_id));
    if (!mine) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
    RUCHE_TRY(ArmourState s, load_state(c, ws, caller.user_id));
    auto sign_public = crypto::base64url_decode(mine->sign_public);
    std::map<std::string_view, const ArmourIdentity*> members;
    for (const auto& m : s.members) members[m.user_id] = &m;
    for (const auto& e : envelopes) {
      if (!members.contains(e.user_id))
        return fail(Errc::invalid, "envelopes go to members with an identity: " + e.user_id, "invalid_envelope");
      if (!crypto::ed25519_verify(*sign_public, envelope_signed_text(ws.str(), generation, e.user_id, e.sealed),
                                  *crypto::base64url_decode(e.signature)))
        return fail(Errc::invalid, "an envelope's signature does not check with your key", "bad_signature");
    }
    std::vector<const ArmourEnvelope*> added;
    const char* action;
    if (generation == s.generation + 1) {
      std::string left_out;
      for (const auto& m : s.members)
        if (!seen.contains(m.user_id)) left_out += (left_out.empty() ? "" : ", ") + m.user_id;
      if (!left_out.empty())
        return fail(Errc::invalid, "a new generation is sealed for every member with an identity; missing: " +
                                       left_out.substr(0, 400),
                    "envelopes_incomplete");
      RUCHE_TRY(auto n, c.exec("UPDATE workspaces SET armour_generation = $2 WHERE id = $1 AND "
                               "armour_generation = $3",
                               {ws, generation, s.generation}));
      if (n != 1) return fail(Errc::conflict, "another generation was made first", "generation_conflict");
      for (const auto& e : envelopes) added.push_back(&e);
      action = "armour.generation_created";
    } else if (generation == s.generation && generation > 0) {
      bool held = std::any_of(s.envelopes.begin(), s.envelopes.end(),
                              [&](const ArmourEnvelope& e) { return e.generation == generation; });
      if (!held) return fail(Errc::forbidden, "you do not hold this generation", "key_not_held");
      // Only for members who have none. An envelope for someone who has one
      // means the browser is behind: another sealed for them first, or made
      // this generation while this one thought it was making it.
      for (const auto& e : envelopes) {
        if (std::find(s.missing.begin(), s.missing.end(), e.user_id) == s.missing.end())
          return fail(Errc::conflict, e.user_id + " already holds generation " + std::to_string(generation),
                      "generation_conflict");
        added.push_back(&e);
      }
      action = "armour.envelopes_added";
    } else {
      return fail(Errc::conflict, "the current generation is " + std::to_string(s.generation),
                  "generation_conflict");
    }
    for (const auto* e : added) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("INSERT INTO armour_envelopes (workspace_id, generation, user_id, sealed, signature, "
                       "created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       {ws, generation, e->user_id, e->sealed, e->signature, caller.user_id, now}));
    }
    if (!added.empty()) {
      AuditEntry audit = AuditEntry::by(caller, action);
      audit.workspace_id = ws.str();
      audit.object = ws.str();
      audit.details["generation"] = generation;
      json::array to;
      for (const auto* e : added) to.emplace_back(e->user_id);
      audit.details["recipients"] = std::move(to);
      RUCHE_CHECK(audit_.append(c, audit));
      RUCHE_CHECK(announce_armour(c, outbox_, ws, now));
    }
    return load_state(c, ws, caller.user_id);
  });
}

Result<json::object> Armour::export_keys(db::Conn& c, const WorkspaceId& ws) {
  json::object o;
  RUCHE_TRY(KeyState k, key_state(c, ws, clock_.now_ms()));
  o["generation"] = k.generation;
  json::array identities, envelopes;
  // Members, and whoever held or made a key here (authors who left), with
  // the keys they replaced: a reader checks every signature.
  std::vector<ArmourIdentity> ids;
  RUCHE_CHECK(c.each("SELECT user_id, box_public, sign_public FROM armour_identities WHERE user_id IN "
                     "(SELECT user_id FROM memberships WHERE workspace_id = $1 UNION SELECT user_id FROM "
                     "armour_envelopes WHERE workspace_id = $1 UNION SELECT created_by FROM armour_envelopes "
                     "WHERE workspace_id = $1) ORDER BY user_id",
                     {ws}, [&](const db::Row& r) {
                       ids.push_back(public_keys_of(r));
                       return true;
                     }));
  RUCHE_CHECK(add_previous(c, {&ids}));
  for (const auto& id : ids) identities.push_back(to_json(id, false));
  RUCHE_CHECK(c.each("SELECT generation, user_id, sealed, signature, created_by FROM armour_envelopes WHERE "
                     "workspace_id = $1 ORDER BY generation, user_id",
                     {ws}, [&](const db::Row& r) {
                       envelopes.push_back(to_json(
                           ArmourEnvelope{r.text(1), r.i64(0), r.text(2), r.text(3), r.text(4)}, true));
                       return true;
                     }));
  o["identities"] = std::move(identities);
  o["envelopes"] = std::move(envelopes);
  return o;
}

Result<SealedText> Armour::verify_sealed(db::Conn& c, const UserId& author, std::string_view domain,
                                         std::string_view binding, std::string_view text) {
  RUCHE_TRY(SealedText t, parse_sealed_text(text));
  RUCHE_TRY(auto id, load_identity(c, author));
  if (!id) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
  if (!crypto::ed25519_verify(*crypto::base64url_decode(id->sign_public), sealed_signed_text(domain, binding, t),
                              *crypto::base64url_decode(t.signature)))
    return fail(Errc::invalid, "the text's signature does not check with its author's key", "bad_signature");
  return t;
}

Result<void> Armour::require_current(db::Conn& c, const WorkspaceId& ws, std::int64_t generation) {
  RUCHE_TRY(KeyState k, key_state(c, ws, clock_.now_ms()));
  if (k.generation == 0)
    return fail(Errc::conflict, "the workspace has no key yet: open it to make one", "no_workspace_key");
  if (generation != k.generation)
    return fail(Errc::conflict,
                "sealed with generation " + std::to_string(generation) + ", current is " +
                    std::to_string(k.generation),
                "stale_key");
  if (k.stale)
    return fail(Errc::conflict, "a member left: the workspace needs a new key generation first",
                "key_rotation_required");
  return {};
}

}  // namespace ruche::platform
