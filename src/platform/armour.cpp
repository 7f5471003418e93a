#include "platform/armour.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

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

// A scope's current generation, and whether it needs the next one —
// someone who holds it is no longer among its holders, keys that sealed
// it were replaced since (a browser takes a key for writing only from a
// member's current keys), none of its holders holds it any more (their
// keys were replaced: nobody could seal it again), or it came from an
// imported archive (an era's generations are bound to the ids there: never
// written under again) — in one statement: it runs in the write
// transaction of every sealed post.
struct KeyState {
  std::int64_t generation = 0;
  bool stale = false;
};
Result<KeyState> key_state(db::Conn& c, const KeyScope& scope, std::int64_t now_ms) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT s.generation, EXISTS (SELECT 1 FROM armour_envelopes e "
                  "WHERE e.workspace_id = s.workspace_id AND e.scope = s.scope AND "
                  "e.generation = s.generation AND (e.user_id NOT IN (" +
                      std::string(scope.holders) +
                      ") OR EXISTS (SELECT 1 FROM armour_identity_history h WHERE h.user_id = "
                      "e.created_by AND h.replaced_at_ms >= e.created_at_ms))) OR NOT EXISTS "
                      "(SELECT 1 FROM armour_envelopes e WHERE e.workspace_id = s.workspace_id AND "
                      "e.scope = s.scope AND e.generation = s.generation AND e.user_id IN (" +
                      std::string(scope.holders) +
                      ")) OR EXISTS "
                      "(SELECT 1 FROM armour_era_scopes r WHERE r.workspace_id = s.workspace_id "
                      "AND r.scope = s.scope AND r.generation >= s.generation) "
                      "FROM armour_scopes s WHERE s.workspace_id = $1 AND s.scope = $3",
                  {scope.ws, now_ms, scope.channel}));
  if (!row) return KeyState{};
  return KeyState{row->i64(0), row->boolean(1)};
}

// The workspace's key is held by its active members.
constexpr std::string_view kWorkspaceHolders =
    "SELECT m.user_id FROM memberships m WHERE m.workspace_id = $1 AND " RUCHE_ACTIVE_MEMBERSHIP("m");

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

json::array previous_json(const std::vector<ArmourPreviousKeys>& previous) {
  json::array out;
  for (const auto& k : previous)
    out.push_back(json::object{{"box_public", k.box_public},
                               {"sign_public", k.sign_public},
                               {"created_at", format_iso8601(k.created_at_ms)},
                               {"replaced_at", format_iso8601(k.replaced_at_ms)}});
  return out;
}

// An era person's previous keys as stored (previous_json()): the server
// wrote them.
std::vector<ArmourPreviousKeys> previous_of(std::string_view stored) {
  auto v = json::parse(stored);
  if (!v) return {};
  auto keys = previous_keys_from_json(*v);
  return keys ? std::move(*keys) : std::vector<ArmourPreviousKeys>();
}

// Every approval of `ws`, oldest first (docs/armoured.md, "Approvals").
Result<std::vector<ArmourApproval>> load_approvals(db::Conn& c, const WorkspaceId& ws) {
  std::vector<ArmourApproval> out;
  RUCHE_CHECK(
      c.each("SELECT user_id, box_public, sign_public, approved_by, signature, created_at_ms FROM "
             "armour_approvals WHERE workspace_id = $1 ORDER BY created_at_ms, user_id",
             {ws}, [&](const db::Row& r) {
               out.push_back(
                   ArmourApproval{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.i64(5)});
               return true;
             }));
  return out;
}

json::object approval_json(const ArmourApproval& a) {
  return json::object{
      {"user_id", a.user_id},         {"box_public", a.box_public},
      {"sign_public", a.sign_public}, {"approved_by", a.approved_by},
      {"signature", a.signature},     {"created_at", format_iso8601(a.created_at_ms)}};
}

// What to read of a workspace's eras.
struct EraParts {
  bool people = false;
  bool envelopes = false;
  // The channels `viewer` may see (Armour::set_visible_scopes' SQL), or
  // every one when empty and `all_scopes`.
  std::string_view visible_sql;
  const UserId* viewer = nullptr;
  bool all_scopes = false;
};

// The eras of `ws`, oldest first, their workspace scope ('') first.
Result<std::vector<ArmourEra>> load_eras(db::Conn& c, const WorkspaceId& ws, const EraParts& parts) {
  std::vector<ArmourEra> eras;
  std::map<std::string, std::size_t> index;
  RUCHE_CHECK(c.each("SELECT origin_workspace_id FROM armour_eras WHERE workspace_id = $1 ORDER BY position", {ws},
                     [&](const db::Row& r) {
                       index[r.text(0)] = eras.size();
                       eras.push_back(ArmourEra{r.text(0), {}, {}});
                       return true;
                     }));
  if (eras.empty()) return eras;
  std::string scopes_sql =
      "SELECT origin_workspace_id, scope, origin_scope, generation FROM armour_era_scopes WHERE workspace_id = $1";
  std::vector<db::Param> args{ws};
  if (!parts.all_scopes) {
    if (parts.visible_sql.empty() || !parts.viewer) {
      scopes_sql += " AND scope = ''";
    } else {
      scopes_sql += " AND (scope = '' OR scope IN (" + std::string(parts.visible_sql) + "))";
      args.emplace_back(*parts.viewer);
    }
  }
  RUCHE_CHECK(c.each(scopes_sql + " ORDER BY scope", args, [&](const db::Row& r) {
    eras[index.at(r.text(0))].scopes.push_back(ArmourEraScope{r.text(1), r.text(2), r.i64(3), {}});
    return true;
  }));
  if (parts.people) {
    RUCHE_CHECK(c.each("SELECT origin_workspace_id, origin_user_id, user_id, box_public, sign_public, previous FROM "
                       "armour_era_people WHERE workspace_id = $1 ORDER BY origin_user_id",
                       {ws}, [&](const db::Row& r) {
                         ArmourEraPerson p;
                         p.origin_user_id = r.text(1);
                         p.keys.user_id = r.text(2);
                         p.keys.box_public = r.text(3);
                         p.keys.sign_public = r.text(4);
                         p.keys.previous = previous_of(r.text(5));
                         eras[index.at(r.text(0))].people.push_back(std::move(p));
                         return true;
                       }));
  }
  if (parts.envelopes) {
    std::map<std::pair<std::string, std::string>, ArmourEraScope*> scopes;  // (era, scope)
    for (auto& era : eras)
      for (auto& scope : era.scopes) scopes[{era.workspace_id, scope.scope}] = &scope;
    RUCHE_CHECK(c.each("SELECT origin_workspace_id, scope, generation, user_id, sealed, signature, created_by FROM "
                       "armour_era_envelopes WHERE workspace_id = $1 ORDER BY scope, generation, user_id",
                       {ws}, [&](const db::Row& r) {
                         auto it = scopes.find({r.text(0), r.text(1)});
                         if (it != scopes.end())
                           it->second->envelopes.push_back(
                               ArmourEnvelope{r.text(3), r.i64(2), r.text(4), r.text(5), r.text(6)});
                         return true;
                       }));
  }
  return eras;
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
    o["previous"] = previous_json(id.previous);
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
  json::array members, former, missing, pending, envelopes;
  for (const auto& m : s.members) members.push_back(to_json(m, false));
  for (const auto& m : s.former) former.push_back(to_json(m, false));
  for (const auto& u : s.missing) missing.emplace_back(u);
  for (const auto& u : s.pending) pending.emplace_back(u);
  for (const auto& e : s.era_envelopes) envelopes.push_back(to_json(e, false));
  for (const auto& e : s.envelopes) envelopes.push_back(to_json(e, false));
  o["members"] = std::move(members);
  o["former"] = std::move(former);
  o["missing"] = std::move(missing);
  o["pending"] = std::move(pending);
  if (!s.channel) {  // a channel's holders are approved by the workspace's
    json::array approvals;
    for (const auto& a : s.approvals) approvals.push_back(approval_json(a));
    o["approvals"] = std::move(approvals);
  }
  o["envelopes"] = std::move(envelopes);
  json::array eras;
  for (const auto& era : s.eras) {
    if (!s.channel) {
      eras.push_back(to_json(era, false));
      continue;
    }
    for (const auto& scope : era.scopes)  // the channel's own, when the era had it
      eras.push_back(json::object{{"workspace_id", era.workspace_id},
                                  {"channel_id", scope.origin_scope},
                                  {"generation", scope.generation}});
  }
  o["eras"] = std::move(eras);
  return o;
}

Result<std::vector<ArmourPreviousKeys>> previous_keys_from_json(const json::value& list) {
  std::vector<ArmourPreviousKeys> out;
  auto bad = [] { return fail(Errc::invalid, "previous keys are objects of two 32-byte keys"); };
  if (!list.is_array()) return bad();
  for (const auto& k : list.as_array()) {
    if (!k.is_object()) return bad();
    const json::object& o = k.as_object();
    auto field = [&](std::string_view key) {
      auto it = o.find(key);
      return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
    };
    ArmourPreviousKeys p{field("box_public"), field("sign_public"), 0, 0};
    if (!armour_bytes(p.box_public, kArmourKeyBytes) || !armour_bytes(p.sign_public, kArmourKeyBytes)) return bad();
    parse_iso8601(field("created_at"), p.created_at_ms);
    parse_iso8601(field("replaced_at"), p.replaced_at_ms);
    out.push_back(std::move(p));
  }
  return out;
}

json::object to_json(const ArmourEra& era, bool with_envelopes) {
  json::object o;
  o["workspace_id"] = era.workspace_id;
  o["generation"] = 0;
  json::array channels, people;
  auto envelopes_of = [](const ArmourEraScope& scope) {
    json::array out;
    for (const auto& e : scope.envelopes) out.push_back(to_json(e, true));
    return out;
  };
  for (const auto& scope : era.scopes) {
    if (scope.scope.empty()) {
      o["generation"] = scope.generation;
      if (with_envelopes) o["envelopes"] = envelopes_of(scope);
      continue;
    }
    json::object ch{{"channel_id", scope.scope},
                    {"origin_channel_id", scope.origin_scope},
                    {"generation", scope.generation}};
    if (with_envelopes) ch["envelopes"] = envelopes_of(scope);
    channels.push_back(std::move(ch));
  }
  if (with_envelopes && !o.contains("envelopes")) o["envelopes"] = json::array();
  for (const auto& p : era.people) {
    json::object po = to_json(p.keys, false);
    po["origin_user_id"] = p.origin_user_id;
    people.push_back(std::move(po));
  }
  o["channels"] = std::move(channels);
  o["people"] = std::move(people);
  return o;
}

KeyScope KeyScope::of(const WorkspaceId& ws) { return KeyScope{ws, "", "", kWorkspaceHolders}; }

Result<EnvelopesIn> parse_envelopes(std::string_view body) {
  RUCHE_TRY(json::In in, json::In::parse(body));
  EnvelopesIn out;
  out.generation = in.integer("generation", 1, 1'000'000'000'000LL);
  const json::value* list = in.raw("envelopes");
  if (!list || !list->is_array() || list->as_array().size() > kMaxEnvelopesPerRequest) {
    in.reject("envelopes", "a list of at most 1000 {user_id, sealed, signature}");
  } else {
    for (const auto& v : list->as_array()) {
      if (!v.is_object()) {
        in.reject("envelopes", "each envelope is an object");
        break;
      }
      json::In e(v.as_object());
      ArmourEnvelope x;
      x.user_id = e.string("user_id", {.min = 1, .max = 64});
      x.sealed = e.string("sealed", {.min = 1, .max = 200});
      x.signature = e.string("signature", {.min = 1, .max = 200});
      if (!e.ok()) return tl::unexpected<Error>(e.error());
      x.generation = out.generation;
      out.envelopes.push_back(std::move(x));
    }
  }
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  return out;
}

Result<std::vector<ArmourApproval>> parse_approvals(std::string_view body) {
  RUCHE_TRY(json::In in, json::In::parse(body));
  std::vector<ArmourApproval> out;
  const json::value* list = in.raw("approvals");
  if (!list || !list->is_array() || list->as_array().empty() ||
      list->as_array().size() > kMaxEnvelopesPerRequest) {
    in.reject("approvals", "a list of 1 to 1000 {user_id, box_public, sign_public, signature}");
  } else {
    for (const auto& v : list->as_array()) {
      if (!v.is_object()) {
        in.reject("approvals", "each approval is an object");
        break;
      }
      json::In a(v.as_object());
      ArmourApproval x;
      x.user_id = a.string("user_id", {.min = 1, .max = 64});
      x.box_public = a.string("box_public", {.min = 1, .max = 64});
      x.sign_public = a.string("sign_public", {.min = 1, .max = 64});
      x.signature = a.string("signature", {.min = 1, .max = 200});
      if (!a.ok()) return tl::unexpected<Error>(a.error());
      out.push_back(std::move(x));
    }
  }
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  return out;
}

Result<void> announce_armour(db::Conn& c, Outbox& outbox, const KeyScope& scope, std::int64_t now_ms) {
  RUCHE_TRY(KeyState k, key_state(c, scope, now_ms));
  json::object data;
  data["workspace_id"] = scope.ws.str();
  if (!scope.channel.empty()) data["channel_id"] = scope.channel;
  data["generation"] = k.generation;
  data["rotation_required"] = k.stale;
  RUCHE_TRY([[maybe_unused]] auto seq,
            outbox.append(c, scope.ws, "armour.changed", scope.module, data, {}, scope.channel));
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
      // Sealed to keys the person no longer has: set aside, theirs again if
      // they bring those keys back (a saved keys file). What the old keys
      // signed still checks with them.
      RUCHE_TRY([[maybe_unused]] auto set_aside,
                c.exec("INSERT INTO armour_retired_envelopes (workspace_id, scope, generation, user_id, box_public, "
                       "sealed, signature, created_by, created_at_ms) SELECT workspace_id, scope, generation, "
                       "user_id, $2, sealed, signature, created_by, created_at_ms FROM armour_envelopes WHERE "
                       "user_id = $1 ON CONFLICT DO NOTHING",
                       {caller.user_id, old->box_public}));
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("DELETE FROM armour_envelopes WHERE user_id = $1", {caller.user_id}));
      RUCHE_TRY([[maybe_unused]] auto kept,
                c.exec("INSERT INTO armour_identity_history (user_id, box_public, sign_public, created_at_ms, "
                       "replaced_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, sign_public) DO NOTHING",
                       {caller.user_id, old->box_public, old->sign_public, old->created_at_ms, now}));
    }
    std::int64_t restored = 0;
    if (new_keys) {
      // Keys brought back: what was sealed to them is theirs again (where
      // they hold nothing newer of the same generation).
      RUCHE_TRY(restored,
                c.exec("INSERT INTO armour_envelopes (workspace_id, scope, generation, user_id, sealed, signature, "
                       "created_by, created_at_ms) SELECT workspace_id, scope, generation, user_id, sealed, "
                       "signature, created_by, created_at_ms FROM armour_retired_envelopes WHERE user_id = $1 AND "
                       "box_public = $2 ON CONFLICT DO NOTHING",
                       {caller.user_id, in.box_public}));
      RUCHE_TRY([[maybe_unused]] auto gone,
                c.exec("DELETE FROM armour_retired_envelopes WHERE user_id = $1 AND box_public = $2",
                       {caller.user_id, in.box_public}));
    }
    AuditEntry e = AuditEntry::by(caller, old && new_keys ? "armour.identity_replaced" : "armour.identity_set");
    if (restored > 0) e.details["envelopes_restored"] = restored;
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
      for (const auto& ws : armoured) RUCHE_CHECK(announce_armour(c, outbox_, KeyScope::of(ws), now));
    }
    RUCHE_TRY(auto now_id, load_identity(c, caller.user_id));
    return std::move(*now_id);
  });
}

Result<ArmourState> Armour::state_in(db::Conn& c, const KeyScope& scope, const UserId& caller) {
  std::int64_t now = clock_.now_ms();
  ArmourState s;
  RUCHE_TRY(KeyState k, key_state(c, scope, now));
  s.generation = k.generation;
  s.rotation_required = k.stale;
  const std::string holders(scope.holders);
  // Once the workspace is anchored, only approved keys receive its keys and
  // its channels'.
  RUCHE_TRY(s.approvals, load_approvals(c, scope.ws));
  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> approved;
  for (const auto& a : s.approvals) approved.emplace(a.user_id, a.box_public, a.sign_public);
  const bool anchored = !s.approvals.empty();
  RUCHE_CHECK(c.each("SELECT i.user_id, i.box_public, i.sign_public, i.created_at_ms, i.updated_at_ms, "
                     "EXISTS (SELECT 1 FROM armour_envelopes e WHERE e.workspace_id = $1 AND e.scope = $3 AND "
                     "e.generation = $4 AND e.user_id = i.user_id) FROM armour_identities i WHERE i.user_id IN (" +
                         holders + ") ORDER BY i.user_id",
                     {scope.ws, now, scope.channel, s.generation}, [&](const db::Row& r) {
                       ArmourIdentity id = public_keys_of(r);
                       id.created_at_ms = r.i64(3);
                       id.updated_at_ms = r.i64(4);
                       if (anchored &&
                           !approved.contains({id.user_id, id.box_public, id.sign_public}))
                         s.pending.push_back(id.user_id);
                       else if (s.generation > 0 && !r.boolean(5))
                         s.missing.push_back(id.user_id);
                       s.members.push_back(std::move(id));
                       return true;
                     }));
  RUCHE_CHECK(c.each(
      "SELECT i.user_id, i.box_public, i.sign_public FROM armour_identities i WHERE i.user_id IN "
      "(SELECT user_id FROM armour_envelopes WHERE workspace_id = $1 AND scope = $3 UNION SELECT "
      "created_by FROM armour_envelopes WHERE workspace_id = $1 AND scope = $3 UNION SELECT "
      "approved_by "
      "FROM armour_approvals WHERE workspace_id = $1 AND $3 = '') AND i.user_id NOT IN (" +
          holders + ") ORDER BY i.user_id",
      {scope.ws, now, scope.channel}, [&](const db::Row& r) {
        s.former.push_back(public_keys_of(r));
        return true;
      }));
  RUCHE_CHECK(add_previous(c, {&s.members, &s.former}));
  RUCHE_CHECK(c.each("SELECT generation, sealed, signature, created_by FROM armour_envelopes WHERE "
                     "workspace_id = $1 AND scope = $2 AND user_id = $3 ORDER BY generation",
                     {scope.ws, scope.channel, caller}, [&](const db::Row& r) {
                       ArmourEnvelope e;
                       e.user_id = caller.str();
                       e.generation = r.i64(0);
                       e.sealed = r.text(1);
                       e.signature = r.text(2);
                       e.created_by = r.text(3);
                       s.envelopes.push_back(std::move(e));
                       return true;
                     }));
  s.channel = !scope.channel.empty();
  if (s.channel) {
    RUCHE_CHECK(c.each("SELECT r.origin_workspace_id, r.origin_scope, r.generation FROM armour_era_scopes r JOIN "
                       "armour_eras e ON e.workspace_id = r.workspace_id AND e.origin_workspace_id = "
                       "r.origin_workspace_id WHERE r.workspace_id = $1 AND r.scope = $2 AND r.generation > 0 "
                       "ORDER BY e.position",
                       {scope.ws, scope.channel}, [&](const db::Row& r) {
                         s.eras.push_back(ArmourEra{r.text(0), {ArmourEraScope{scope.channel, r.text(1), r.i64(2), {}}}, {}});
                         return true;
                       }));
  } else {
    RUCHE_TRY(s.eras, load_eras(c, scope.ws, EraParts{.people = true, .visible_sql = visible_scopes_, .viewer = &caller}));
  }
  if (s.eras.empty()) return s;
  // The era's envelopes sealed to the keys the caller has now: the keys
  // the era lists for them.
  RUCHE_CHECK(c.each("SELECT e.generation, e.sealed, e.signature, e.created_by FROM armour_era_envelopes e JOIN "
                     "armour_era_people p ON p.workspace_id = e.workspace_id AND p.origin_workspace_id = "
                     "e.origin_workspace_id AND p.user_id = e.user_id JOIN armour_identities i ON i.user_id = "
                     "e.user_id AND i.box_public = p.box_public WHERE e.workspace_id = $1 AND e.scope = $2 AND "
                     "e.user_id = $3 ORDER BY e.generation",
                     {scope.ws, scope.channel, caller}, [&](const db::Row& r) {
                       s.era_envelopes.push_back(ArmourEnvelope{caller.str(), r.i64(0), r.text(1), r.text(2), r.text(3)});
                       return true;
                     }));
  return s;
}

Result<void> require_armoured(const WorkspaceAccess& a) {
  if (!a.armoured) return fail(Errc::conflict, "this workspace is not armoured", "not_armoured");
  return {};
}

Result<void> Armour::reach(db::Conn& c, const Caller& caller, const WorkspaceId& ws) {
  RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
  return require_armoured(a);
}

Result<ArmourState> Armour::state(const Caller& caller, const WorkspaceId& ws) {
  return db_.read([&](db::Conn& c) -> Result<ArmourState> {
    RUCHE_CHECK(reach(c, caller, ws));
    return state_in(c, KeyScope::of(ws), caller.user_id);
  });
}

Result<ArmourState> Armour::add_envelopes(const Caller& caller, const WorkspaceId& ws, const EnvelopesIn& in) {
  const KeyScope scope = KeyScope::of(ws);
  RUCHE_TRY(CheckedEnvelopes checked, db_.read([&](db::Conn& c) -> Result<CheckedEnvelopes> {
    RUCHE_CHECK(reach(c, caller, ws));
    return check_envelopes(c, caller, scope, in);
  }));
  return db_.write([&](db::Conn& c) -> Result<ArmourState> {
    RUCHE_CHECK(reach(c, caller, ws));
    return add_envelopes_in(c, caller, scope, checked);
  });
}

Result<CheckedEnvelopes> Armour::check_envelopes(db::Conn& c, const Caller& caller, const KeyScope& scope,
                                                 const EnvelopesIn& in) {
  if (in.envelopes.size() > kMaxEnvelopesPerRequest)
    return fail(Errc::invalid, "at most " + std::to_string(kMaxEnvelopesPerRequest) + " envelopes",
                "invalid_envelope");
  std::set<std::string_view> seen;
  for (const auto& e : in.envelopes) {
    if (!is_id(e.user_id) || !seen.insert(e.user_id).second || !armour_bytes(e.sealed, kSealedKeyBytes) ||
        !armour_bytes(e.signature, kArmourSignatureBytes))
      return fail(Errc::invalid, "an envelope is a user_id (once), a sealed 32-byte key and a signature",
                  "invalid_envelope");
  }
  RUCHE_TRY(auto mine, load_identity(c, caller.user_id));
  if (!mine) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
  auto sign_public = crypto::base64url_decode(mine->sign_public);
  for (const auto& e : in.envelopes) {
    if (!crypto::ed25519_verify(*sign_public,
                                envelope_signed_text(scope.ws.str(), scope.channel, in.generation, e.user_id, e.sealed),
                                *crypto::base64url_decode(e.signature)))
      return fail(Errc::invalid, "an envelope's signature does not check with your key", "bad_signature");
  }
  return CheckedEnvelopes{in, mine->sign_public};
}

Result<ArmourState> Armour::add_envelopes_in(db::Conn& c, const Caller& caller, const KeyScope& scope,
                                             const CheckedEnvelopes& checked) {
  const std::int64_t generation = checked.in.generation;
  const auto& envelopes = checked.in.envelopes;
  std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto mine, load_identity(c, caller.user_id));
  if (!mine) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
  if (mine->sign_public != checked.sign_public)
    return fail(Errc::conflict, "your keys changed while the envelopes were checked", "generation_conflict");
  RUCHE_TRY(ArmourState s, state_in(c, scope, caller.user_id));
  std::set<std::string_view> seen;
  for (const auto& e : envelopes) seen.insert(e.user_id);
  std::set<std::string_view> members;
  for (const auto& m : s.members) members.insert(m.user_id);
  for (const auto& e : envelopes)
    if (!members.contains(e.user_id))
      return fail(Errc::invalid, "envelopes go to members with an identity: " + e.user_id, "invalid_envelope");
  const std::set<std::string_view> pending(s.pending.begin(), s.pending.end());
  for (const auto& e : envelopes)
    if (pending.contains(e.user_id))
      return fail(Errc::conflict, "no member approved the keys of " + e.user_id + " yet",
                  "not_approved");
  std::vector<const ArmourEnvelope*> added;
  const char* action;
  if (generation == s.generation + 1) {
    std::string left_out;
    for (const auto& m : s.members)
      if (!seen.contains(m.user_id) && !pending.contains(m.user_id))
        left_out += (left_out.empty() ? "" : ", ") + m.user_id;
    if (!left_out.empty())
      return fail(
          Errc::invalid,
          "a new generation is sealed for every approved member with an identity; missing: " +
              left_out.substr(0, 400),
          "envelopes_incomplete");
    // The first generation makes the scope's row; the others move it on,
    // only from the generation this request saw.
    RUCHE_TRY(auto n, generation == 1
                          ? c.exec("INSERT INTO armour_scopes (workspace_id, scope, generation) VALUES ($1, $2, 1) "
                                   "ON CONFLICT (workspace_id, scope) DO NOTHING",
                                   {scope.ws, scope.channel})
                          : c.exec("UPDATE armour_scopes SET generation = $3 WHERE workspace_id = $1 AND scope = $2 "
                                   "AND generation = $4",
                                   {scope.ws, scope.channel, generation, s.generation}));
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
    return fail(Errc::conflict, "the current generation is " + std::to_string(s.generation), "generation_conflict");
  }
  for (const auto* e : added) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO armour_envelopes (workspace_id, scope, generation, user_id, sealed, signature, "
                     "created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     {scope.ws, scope.channel, generation, e->user_id, e->sealed, e->signature, caller.user_id,
                      now}));
  }
  if (!added.empty()) {
    AuditEntry audit = AuditEntry::by(caller, action);
    audit.workspace_id = scope.ws.str();
    audit.object = scope.channel.empty() ? scope.ws.str() : scope.channel;
    audit.details["generation"] = generation;
    if (!scope.channel.empty()) audit.details["channel_id"] = scope.channel;
    json::array to;
    for (const auto* e : added) to.emplace_back(e->user_id);
    audit.details["recipients"] = std::move(to);
    RUCHE_CHECK(audit_.append(c, audit));
    RUCHE_CHECK(announce_armour(c, outbox_, scope, now));
  }
  return state_in(c, scope, caller.user_id);
}

Result<ArmourState> Armour::approve(const Caller& caller, const WorkspaceId& ws,
                                    const std::vector<ArmourApproval>& in) {
  const KeyScope scope = KeyScope::of(ws);
  if (in.empty() || in.size() > kMaxEnvelopesPerRequest)
    return fail(Errc::invalid, "1 to " + std::to_string(kMaxEnvelopesPerRequest) + " approvals",
                "invalid_approval");
  std::set<std::string_view> seen;
  for (const auto& a : in) {
    if (!is_id(a.user_id) || !seen.insert(a.user_id).second ||
        !armour_bytes(a.box_public, kArmourKeyBytes) ||
        !armour_bytes(a.sign_public, kArmourKeyBytes) ||
        !armour_bytes(a.signature, kArmourSignatureBytes))
      return fail(Errc::invalid,
                  "an approval is a user_id (once), their two 32-byte public keys and a signature",
                  "invalid_approval");
  }
  // The signatures on a reader (up to a thousand Ed25519 checks), the
  // rules in the write transaction.
  RUCHE_TRY(std::string signer, db_.read([&](db::Conn& c) -> Result<std::string> {
    RUCHE_CHECK(reach(c, caller, ws));
    RUCHE_TRY(auto mine, load_identity(c, caller.user_id));
    if (!mine) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
    auto sign_public = crypto::base64url_decode(mine->sign_public);
    for (const auto& a : in) {
      if (!crypto::ed25519_verify(
              *sign_public, approval_signed_text(ws.str(), a.user_id, a.box_public, a.sign_public),
              *crypto::base64url_decode(a.signature)))
        return fail(Errc::invalid, "an approval's signature does not check with your key",
                    "bad_signature");
    }
    return std::move(mine->sign_public);
  }));
  const std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<ArmourState> {
    RUCHE_CHECK(reach(c, caller, ws));
    // Two members anchoring at once would both find no approval: on
    // PostgreSQL the workspace's row orders them (SQLite has one writer).
    if (c.backend() == db::Backend::postgres) {
      RUCHE_TRY([[maybe_unused]] auto row,
                c.query_one("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE", {ws}));
    }
    RUCHE_TRY(auto mine, load_identity(c, caller.user_id));
    if (!mine || mine->sign_public != signer)
      return fail(Errc::conflict, "your keys changed while the approvals were checked",
                  "keys_changed");
    RUCHE_TRY(ArmourState s, state_in(c, scope, caller.user_id));
    std::map<std::string_view, const ArmourIdentity*> members;
    for (const auto& m : s.members) members.emplace(m.user_id, &m);
    const std::set<std::string_view> pending(s.pending.begin(), s.pending.end());
    const std::string me = caller.user_id.str();
    const bool anchored = !s.approvals.empty();
    const bool i_am_approved = anchored && members.contains(me) && !pending.contains(me);
    bool anchoring = false;
    if (!i_am_approved) {
      // Only where no member's current keys are approved (a new workspace,
      // one from before approvals, or one whose approved members all
      // replaced their keys or left) does someone approve their own: the
      // anchor, which browsers that knew another one show as such.
      if (anchored && members.size() > pending.size())
        return fail(
            Errc::forbidden,
            "your keys are not approved here yet: a member whose keys are approved approves them",
            "not_approved");
      anchoring = std::any_of(in.begin(), in.end(), [&](const ArmourApproval& a) {
        return a.user_id == me && a.box_public == mine->box_public &&
               a.sign_public == mine->sign_public;
      });
      if (!anchoring)
        return fail(Errc::forbidden,
                    "no member's keys are approved here: the first approval is of your own keys",
                    "not_approved");
    }
    for (const auto& a : in) {
      auto it = members.find(a.user_id);
      if (it == members.end())
        return fail(Errc::invalid, "approvals go to members with an identity: " + a.user_id,
                    "invalid_approval");
      if (it->second->box_public != a.box_public || it->second->sign_public != a.sign_public)
        return fail(Errc::conflict, a.user_id + "'s keys are no longer those", "keys_changed");
    }
    json::array approved;
    for (const auto& a : in) {
      RUCHE_TRY(
          auto n,
          c.exec("INSERT INTO armour_approvals (workspace_id, user_id, box_public, sign_public, "
                 "approved_by, signature, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                 "ON CONFLICT DO NOTHING",
                 {ws, a.user_id, a.box_public, a.sign_public, caller.user_id, a.signature, now}));
      if (n == 1) approved.emplace_back(a.user_id);
    }
    if (approved.empty()) return s;
    AuditEntry audit = AuditEntry::by(caller, "armour.keys_approved");
    audit.workspace_id = ws.str();
    audit.object = ws.str();
    audit.details["approved"] = std::move(approved);
    if (anchoring) audit.details["anchor"] = true;
    RUCHE_CHECK(audit_.append(c, audit));
    // Members' browsers seal the keys for those now approved.
    RUCHE_CHECK(announce_armour(c, outbox_, scope, now));
    return state_in(c, scope, caller.user_id);
  });
}

Result<json::object> Armour::export_keys(db::Conn& c, const WorkspaceId& ws) {
  json::object o;
  RUCHE_TRY(KeyState k, key_state(c, KeyScope::of(ws), clock_.now_ms()));
  o["generation"] = k.generation;
  json::array identities, envelopes, channels;
  // Members, and whoever held or made a key here (authors who left), with
  // the keys they replaced: a reader checks every signature.
  std::vector<ArmourIdentity> ids;
  RUCHE_CHECK(c.each(
      "SELECT user_id, box_public, sign_public FROM armour_identities WHERE user_id IN "
      "(SELECT user_id FROM memberships WHERE workspace_id = $1 UNION SELECT user_id FROM "
      "armour_envelopes WHERE workspace_id = $1 UNION SELECT created_by FROM armour_envelopes "
      "WHERE workspace_id = $1 UNION SELECT approved_by FROM armour_approvals WHERE workspace_id = "
      "$1) "
      "ORDER BY user_id",
      {ws}, [&](const db::Row& r) {
        ids.push_back(public_keys_of(r));
        return true;
      }));
  RUCHE_CHECK(add_previous(c, {&ids}));
  for (const auto& id : ids) identities.push_back(to_json(id, false));
  RUCHE_CHECK(c.each("SELECT scope, generation FROM armour_scopes WHERE workspace_id = $1 AND scope <> '' "
                     "ORDER BY scope",
                     {ws}, [&](const db::Row& r) {
                       channels.push_back(json::object{{"channel_id", r.text(0)},
                                                       {"generation", r.i64(1)},
                                                       {"envelopes", json::array()}});
                       return true;
                     }));
  std::size_t next_channel = 0;
  RUCHE_CHECK(c.each("SELECT scope, generation, user_id, sealed, signature, created_by FROM armour_envelopes "
                     "WHERE workspace_id = $1 ORDER BY scope, generation, user_id",
                     {ws}, [&](const db::Row& r) {
                       auto e = to_json(ArmourEnvelope{r.text(2), r.i64(1), r.text(3), r.text(4), r.text(5)}, true);
                       std::string scope = r.text(0);
                       if (scope.empty()) {
                         envelopes.push_back(std::move(e));
                         return true;
                       }
                       // Both lists in scope order: the channel is this one or a later one.
                       while (next_channel < channels.size() &&
                              channels[next_channel].at("channel_id").as_string() != scope)
                         ++next_channel;
                       if (next_channel < channels.size())
                         channels[next_channel].as_object()["envelopes"].as_array().push_back(std::move(e));
                       return true;
                     }));
  o["identities"] = std::move(identities);
  o["envelopes"] = std::move(envelopes);
  o["channels"] = std::move(channels);
  RUCHE_TRY(auto approvals, load_approvals(c, ws));
  json::array approvals_json;
  for (const auto& a : approvals) approvals_json.push_back(approval_json(a));
  o["approvals"] = std::move(approvals_json);
  RUCHE_TRY(auto eras, load_eras(c, ws, EraParts{.people = true, .envelopes = true, .all_scopes = true}));
  json::array eras_json;
  for (const auto& era : eras) eras_json.push_back(to_json(era, true));
  o["eras"] = std::move(eras_json);
  return o;
}

Result<void> Armour::import_eras(db::Conn& c, const WorkspaceId& ws, const std::vector<ArmourEra>& eras) {
  std::map<std::string, std::int64_t> current;  // scope -> the last generation any era had
  for (std::size_t i = 0; i < eras.size(); ++i) {
    const ArmourEra& era = eras[i];
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO armour_eras (workspace_id, origin_workspace_id, position) VALUES ($1, $2, $3)",
                     {ws, era.workspace_id, static_cast<std::int64_t>(i)}));
    for (const auto& scope : era.scopes) {
      RUCHE_TRY([[maybe_unused]] auto k,
                c.exec("INSERT INTO armour_era_scopes (workspace_id, origin_workspace_id, scope, origin_scope, "
                       "generation) VALUES ($1, $2, $3, $4, $5)",
                       {ws, era.workspace_id, scope.scope, scope.origin_scope, scope.generation}));
      std::int64_t& last = current[scope.scope];
      last = std::max(last, scope.generation);
      for (const auto& e : scope.envelopes) {
        RUCHE_TRY([[maybe_unused]] auto m,
                  c.exec("INSERT INTO armour_era_envelopes (workspace_id, origin_workspace_id, scope, generation, "
                         "user_id, sealed, signature, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                         {ws, era.workspace_id, scope.scope, e.generation, e.user_id, e.sealed, e.signature,
                          e.created_by}));
      }
    }
    for (const auto& p : era.people) {
      RUCHE_TRY([[maybe_unused]] auto n2,
                c.exec("INSERT INTO armour_era_people (workspace_id, origin_workspace_id, origin_user_id, user_id, "
                       "box_public, sign_public, previous) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       {ws, era.workspace_id, p.origin_user_id, p.keys.user_id, p.keys.box_public,
                        p.keys.sign_public, json::serialize(previous_json(p.keys.previous))}));
    }
  }
  // Each key goes on from the last generation the archive had: stale (it
  // is an era's), so the next is made here, with the ids here. A key
  // somebody made meanwhile (an import takes a while) would share numbers
  // with the era's: the import fails rather than mix them.
  for (const auto& [scope, generation] : current) {
    if (generation == 0) continue;
    RUCHE_TRY(auto n, c.exec("INSERT INTO armour_scopes (workspace_id, scope, generation) VALUES ($1, $2, $3) "
                             "ON CONFLICT (workspace_id, scope) DO NOTHING",
                             {ws, scope, generation}));
    if (n != 1)
      return fail(Errc::conflict, "a key of the workspace was made while it was being imported", "import_conflict");
  }
  return {};
}

Result<SealedText> Armour::verify_sealed(db::Conn& c, const UserId& author, std::string_view domain,
                                         std::string_view binding, std::string_view text, bool channel_key) {
  RUCHE_TRY(std::string key, signing_key(c, author));
  return verify_sealed_with(key, domain, binding, text, channel_key);
}

Result<std::string> Armour::signing_key(db::Conn& c, const UserId& author) {
  RUCHE_TRY(auto id, load_identity(c, author));
  if (!id) return fail(Errc::forbidden, "set up your armour identity first", "no_identity");
  return std::move(id->sign_public);
}

Result<SealedText> Armour::verify_sealed_with(std::string_view sign_public, std::string_view domain,
                                              std::string_view binding, std::string_view text, bool channel_key) {
  RUCHE_TRY(SealedText t, parse_sealed_text(text));
  if (t.channel_key && !channel_key)
    return fail(Errc::invalid, "sealed with a channel's key where the workspace's is taken", "invalid_sealed_text");
  if (!t.channel_key && channel_key)
    return fail(Errc::conflict, "this channel has a key of its own: seal with it (c<generation>)",
                "channel_key_required");
  if (!crypto::ed25519_verify(*crypto::base64url_decode(sign_public), sealed_signed_text(domain, binding, t),
                              *crypto::base64url_decode(t.signature)))
    return fail(Errc::invalid, "the text's signature does not check with its author's key", "bad_signature");
  return t;
}

Result<void> Armour::require_current(db::Conn& c, const KeyScope& scope, std::int64_t generation) {
  RUCHE_TRY(KeyState k, key_state(c, scope, clock_.now_ms()));
  const bool channel = !scope.channel.empty();
  if (k.generation == 0)
    return channel ? fail(Errc::conflict, "the channel has no key yet: open it to make one", "no_channel_key")
                   : fail(Errc::conflict, "the workspace has no key yet: open it to make one", "no_workspace_key");
  if (generation != k.generation)
    return fail(Errc::conflict,
                "sealed with generation " + std::to_string(generation) + ", current is " +
                    std::to_string(k.generation),
                "stale_key");
  if (k.stale)
    return fail(Errc::conflict,
                std::string("a member left: the ") + (channel ? "channel" : "workspace") +
                    " needs a new key generation first",
                "key_rotation_required");
  return {};
}

}  // namespace ruche::platform
