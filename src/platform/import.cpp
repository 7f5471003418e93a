#include "platform/import.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "base/clock.hpp"
#include "base/id.hpp"
#include "base/log.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/sign.hpp"
#include "platform/accounts.hpp"
#include "platform/blobs.hpp"
#include "platform/export.hpp"
#include "platform/platform.hpp"

namespace ruche::platform {
namespace {

constexpr std::size_t kMaxManifestBytes = 16u << 20;

Result<std::vector<std::string>> strings(const json::value& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return fail(Errc::invalid, "workspace.json: a list was expected", "not_an_export");
  for (const auto& s : v.as_array()) {
    if (!s.is_string()) return fail(Errc::invalid, "workspace.json: a list of names was expected", "not_an_export");
    out.emplace_back(s.as_string());
  }
  return out;
}

std::string text_or(const json::object& o, std::string_view key, std::string fallback = {}) {
  std::string t = record::text(o, key);
  return t.empty() ? fallback : t;
}

struct Joining {
  UserId id;
  WorkspaceRole role = WorkspaceRole::member;
  std::optional<std::int64_t> expires_at_ms;
  MemberChange rights;
};

struct NewAccount {
  UserId id;
  std::string email, name;
  InstanceRole role = InstanceRole::member;
};

// Maps the archive's members to accounts here by e-mail (ctx.users) and
// says who joins; with `create`, a member with no account at all gets a
// new one, its id chosen now (records name it), made at the end. Returns
// the e-mails left out (no account, or a disabled one).
Result<json::array> match_members(Platform& p, ImportContext& ctx, const json::value& members, bool create,
                                  std::vector<Joining>& joins, std::vector<NewAccount>& accounts) {
  json::array unmatched;
  if (!members.is_array()) return fail(Errc::invalid, "workspace.json: members must be a list", "not_an_export");
  for (const auto& mv : members.as_array()) {
    if (!mv.is_object()) return fail(Errc::invalid, "workspace.json: a member must be an object", "not_an_export");
    const json::object& m = mv.as_object();
    const std::string email = text_or(m, "email"), old_id = text_or(m, "user_id");
    RUCHE_TRY(auto user, p.accounts.find_by_email(email));
    Joining j;
    InstanceRole instance_role = InstanceRole::member;
    if (user && !user->disabled) {
      j.id = user->id;
      instance_role = user->role;
    } else if (!user && create) {
      RUCHE_TRY(std::string normalized, normalize_email(email));
      RUCHE_TRY(std::string name, check_name(text_or(m, "name", normalized)));
      j.id = crypto::new_id_of<UserId>();
      instance_role = record::flag(m, "external") ? InstanceRole::guest : InstanceRole::member;
      accounts.push_back({j.id, normalized, name, instance_role});
    } else {
      unmatched.emplace_back(email);
      continue;
    }
    ctx.users[old_id] = j.id.str();
    if (j.id == ctx.caller.user_id) continue;  // already the owner
    j.role = parse_workspace_role(text_or(m, "role")).value_or(WorkspaceRole::member);
    if (instance_role == InstanceRole::guest) j.role = WorkspaceRole::guest;  // external accounts stay guests
    j.expires_at_ms = record::time(m, "expires_at");
    for (const auto& [module, right] : record::object(m, "rights")) {
      auto a = right.is_string() ? parse_access(right.as_string()) : std::nullopt;
      if (a && *a != default_access(j.role) && p.registry.find(module)) j.rights.rights.emplace_back(std::string(module), *a);
    }
    joins.push_back(std::move(j));
  }
  return unmatched;
}

// After every record: the new accounts (disabled, an unknown random
// password) and the memberships, in one transaction, then the rights.
Result<void> join_members(Platform& p, const ImportContext& ctx, const std::vector<Joining>& joins,
                          const std::vector<NewAccount>& accounts) {
  std::vector<std::string> hashes;
  for (const auto& a : accounts) {
    RUCHE_TRY(std::string hash, p.accounts.hash_new_password(crypto::new_token(), a.email, a.name));
    hashes.push_back(std::move(hash));
  }
  RUCHE_CHECK(p.db.write([&](db::Conn& c) -> Result<void> {
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      const NewAccount& a = accounts[i];
      RUCHE_TRY([[maybe_unused]] User u, p.accounts.create_imported_in(c, a.id, a.email, a.name, hashes[i], a.role));
      AuditEntry e = AuditEntry::by(ctx.caller, "admin.user_created");
      e.object = a.id.str();
      e.details["role"] = to_string(a.role);
      e.details["disabled"] = true;
      e.details["import"] = ctx.workspace.str();
      RUCHE_CHECK(p.audit.append(c, e));
    }
    for (const auto& j : joins)
      RUCHE_CHECK(p.workspaces.add_member_in(c, ctx.workspace, j.id, j.role, j.expires_at_ms,
                                             AuditEntry::by(ctx.caller, "member.added")));
    return {};
  }));
  for (const auto& j : joins)
    if (!j.rights.rights.empty()) RUCHE_CHECK(p.workspaces.change_member(ctx.caller, ctx.workspace, j.id, j.rights));
  return {};
}

Result<void> bad_keys(std::string message) { return fail(Errc::invalid, "armour.json: " + message, "bad_export"); }

Result<ArmourIdentity> identity_of(const json::value& v) {
  if (!v.is_object()) return tl::unexpected(bad_keys("a person is not an object").error());
  const json::object& o = v.as_object();
  ArmourIdentity id;
  id.user_id = record::text(o, "user_id");
  id.box_public = record::text(o, "box_public");
  id.sign_public = record::text(o, "sign_public");
  if (!is_id(id.user_id) || !armour_bytes(id.box_public, kArmourKeyBytes) ||
      !armour_bytes(id.sign_public, kArmourKeyBytes))
    return tl::unexpected(bad_keys("a person without an id or two 32-byte public keys").error());
  auto previous = previous_keys_from_json(json::value(record::list(o, "previous")));
  if (!previous) return tl::unexpected(bad_keys(previous.error().message).error());
  id.previous = std::move(*previous);
  return id;
}

Result<std::vector<ArmourEnvelope>> envelopes_of(const json::object& o) {
  std::vector<ArmourEnvelope> out;
  for (const auto& ev : record::list(o, "envelopes")) {
    if (!ev.is_object()) return tl::unexpected(bad_keys("an envelope is not an object").error());
    const json::object& e = ev.as_object();
    ArmourEnvelope x{record::text(e, "user_id"), record::integer(e, "generation").value_or(0), record::text(e, "sealed"),
                     record::text(e, "signature"), record::text(e, "created_by")};
    if (!is_id(x.user_id) || !is_id(x.created_by) || x.generation < 1 || !armour_bytes(x.sealed, kSealedKeyBytes) ||
        !armour_bytes(x.signature, kArmourSignatureBytes))
      return tl::unexpected(bad_keys("an envelope is a recipient, a generation, a sealed key, a signature and its maker").error());
    out.push_back(std::move(x));
  }
  return out;
}

// A channel's key in armour.json, {channel_id, generation, envelopes}, in
// an era also with its id there (`origin_key`); without one, the archive's
// own channel: its id there is its id.
Result<ArmourEraScope> channel_scope_of(const json::value& v, std::string_view origin_key) {
  if (!v.is_object()) return tl::unexpected(bad_keys("a channel is not an object").error());
  const json::object& o = v.as_object();
  ArmourEraScope scope{record::text(o, "channel_id"), {}, record::integer(o, "generation").value_or(0), {}};
  scope.origin_scope = origin_key.empty() ? scope.scope : record::text(o, origin_key);
  if (!is_id(scope.scope) || !is_id(scope.origin_scope))
    return tl::unexpected(bad_keys("a channel without its ids").error());
  RUCHE_TRY(scope.envelopes, envelopes_of(o));
  return scope;
}

// One era of the archive's "eras" (to_json(ArmourEra, true)), in the
// archive's ids.
Result<ArmourEra> era_of(const json::value& v) {
  if (!v.is_object()) return tl::unexpected(bad_keys("an era is not an object").error());
  const json::object& o = v.as_object();
  ArmourEra era;
  era.workspace_id = record::text(o, "workspace_id");
  if (!is_id(era.workspace_id)) return tl::unexpected(bad_keys("an era without its workspace").error());
  ArmourEraScope own{"", "", record::integer(o, "generation").value_or(0), {}};
  RUCHE_TRY(own.envelopes, envelopes_of(o));
  era.scopes.push_back(std::move(own));
  for (const auto& cv : record::list(o, "channels")) {
    RUCHE_TRY(ArmourEraScope scope, channel_scope_of(cv, "origin_channel_id"));
    era.scopes.push_back(std::move(scope));
  }
  for (const auto& pv : record::list(o, "people")) {
    RUCHE_TRY(ArmourIdentity keys, identity_of(pv));
    std::string origin = record::text(pv.as_object(), "origin_user_id");
    if (!is_id(origin)) return tl::unexpected(bad_keys("an era's person without their id there").error());
    era.people.push_back(ArmourEraPerson{std::move(origin), std::move(keys)});
  }
  return era;
}

// Whose keys sign as `p`: the era's, and the ones they had replaced then.
std::vector<std::string_view> signing_keys(const ArmourEraPerson& p) {
  std::vector<std::string_view> keys{p.keys.sign_public};
  for (const auto& k : p.keys.previous) keys.push_back(k.sign_public);
  return keys;
}

}  // namespace

Result<ImportedArmour> ImportedArmour::parse(std::string_view doc, const std::string& archive_workspace) {
  auto v = json::parse(doc);
  if (!v || !v->is_object()) return tl::unexpected(bad_keys("not a JSON object").error());
  const json::object& o = v->as_object();
  ImportedArmour out;
  if (!is_id(archive_workspace)) return tl::unexpected(bad_keys("workspace.json names no workspace id").error());
  for (const auto& ev : record::list(o, "eras")) {
    RUCHE_TRY(ArmourEra era, era_of(ev));
    out.eras_.push_back(std::move(era));
  }
  // The archive's own era: its ids are the archive's.
  ArmourEra own;
  own.workspace_id = archive_workspace;
  ArmourEraScope ws{"", "", record::integer(o, "generation").value_or(0), {}};
  RUCHE_TRY(ws.envelopes, envelopes_of(o));
  own.scopes.push_back(std::move(ws));
  for (const auto& cv : record::list(o, "channels")) {
    RUCHE_TRY(ArmourEraScope scope, channel_scope_of(cv, ""));
    own.scopes.push_back(std::move(scope));
  }
  for (const auto& iv : record::list(o, "identities")) {
    RUCHE_TRY(ArmourIdentity keys, identity_of(iv));
    std::string origin = keys.user_id;
    own.people.push_back(ArmourEraPerson{std::move(origin), std::move(keys)});
  }
  out.eras_.push_back(std::move(own));
  std::set<std::string_view> workspaces;
  std::map<std::string, std::int64_t> bounds;
  for (const auto& era : out.eras_) {
    if (!workspaces.insert(era.workspace_id).second) return tl::unexpected(bad_keys("a workspace's era twice").error());
    RUCHE_TRY(EraIndex index, index_of(era));
    RUCHE_CHECK(check_envelopes(era, index, bounds));
    out.index_.push_back(std::move(index));
  }
  return out;
}

Result<ImportedArmour::EraIndex> ImportedArmour::index_of(const ArmourEra& era) {
  EraIndex index;
  std::set<std::string_view> origins;
  for (std::size_t i = 0; i < era.people.size(); ++i)
    if (!index.people.emplace(era.people[i].keys.user_id, i).second ||
        !origins.insert(era.people[i].origin_user_id).second)
      return tl::unexpected(bad_keys("a person twice in an era").error());
  for (std::size_t i = 0; i < era.scopes.size(); ++i)
    if (!index.scopes.emplace(era.scopes[i].scope, i).second)
      return tl::unexpected(bad_keys("a channel twice in an era").error());
  return index;
}

// Every envelope of `era` under a generation of its own (past the eras
// before it: `bounds`, per key), signed by its maker with the keys the era
// lists, over the ids there.
Result<void> ImportedArmour::check_envelopes(const ArmourEra& era, const EraIndex& index,
                                             std::map<std::string, std::int64_t>& bounds) {
  for (const auto& scope : era.scopes) {
    std::int64_t& bound = bounds[scope.scope];
    if (scope.generation < bound) return bad_keys("an era's key generations go back");
    for (const auto& e : scope.envelopes) {
      if (e.generation <= bound || e.generation > scope.generation)
        return bad_keys("an envelope of a generation its era does not have");
      auto to = index.people.find(e.user_id), by = index.people.find(e.created_by);
      if (to == index.people.end() || by == index.people.end())
        return bad_keys("an envelope to or from someone without keys");
      const std::string signed_text = envelope_signed_text(era.workspace_id, scope.origin_scope, e.generation,
                                                           era.people[to->second].origin_user_id, e.sealed);
      auto signature = crypto::base64url_decode(e.signature);
      const auto keys = signing_keys(era.people[by->second]);
      if (std::none_of(keys.begin(), keys.end(), [&](std::string_view k) {
            return crypto::ed25519_verify(*crypto::base64url_decode(k), signed_text, *signature);
          }))
        return bad_keys("an envelope's signature does not check with its maker's keys");
    }
    bound = scope.generation;
  }
  return {};
}

Result<SealedText> ImportedArmour::check(std::string_view text, std::string_view archive_channel,
                                         std::string_view domain, const std::string& author,
                                         FunctionRef<std::string(const Bound&)> bind) const {
  auto bad = [](std::string why) { return fail(Errc::invalid, "a sealed text of the archive " + why, "bad_export"); };
  auto t = parse_sealed_text(text);
  if (!t) return bad("is not one: " + t.error().message);
  // Its era: the first whose last generation of its key is as high.
  const std::string_view scope = t->channel_key ? archive_channel : std::string_view();
  std::size_t e = 0;
  for (; e < eras_.size(); ++e) {
    auto s = index_[e].scopes.find(scope);
    if (s != index_[e].scopes.end() && eras_[e].scopes[s->second].generation >= t->generation) break;
  }
  if (t->generation < 1 || e == eras_.size()) return bad("is under a key generation it does not have");
  const ArmourEra& era = eras_[e];
  std::string_view channel = archive_channel;
  if (auto s = index_[e].scopes.find(archive_channel); !archive_channel.empty() && s != index_[e].scopes.end())
    channel = era.scopes[s->second].origin_scope;
  auto person = index_[e].people.find(author);
  if (person == index_[e].people.end()) return bad("is by someone whose keys it does not list");
  const ArmourEraPerson& p = era.people[person->second];
  const std::string binding = bind(Bound{era.workspace_id, channel, p.origin_user_id});
  for (const auto& key : signing_keys(p))
    if (Armour::verify_sealed_with(key, domain, binding, text, t->channel_key)) return t;
  return bad("is not signed by its author's keys");
}

Result<void> ImportedArmour::check_each(std::size_t n, FunctionRef<Result<void>(std::size_t)> check_one) const {
  constexpr std::size_t kPerTake = 16;  // records a thread takes at a time
  const std::size_t threads =
      std::min<std::size_t>({std::max(1u, std::thread::hardware_concurrency()), (n + kPerTake - 1) / kPerTake, 8});
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) RUCHE_CHECK(check_one(i));
    return {};
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<std::pair<std::size_t, Error>> first;  // under mu
  auto work = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t from = next.fetch_add(kPerTake);
      if (from >= n) return;
      for (std::size_t i = from; i < std::min(n, from + kPerTake); ++i) {
        auto r = check_one(i);
        if (r) continue;
        failed = true;
        std::lock_guard lock(mu);
        if (!first || i < first->first) first.emplace(i, std::move(r.error()));
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  try {
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  } catch (const std::system_error&) {
    // No thread to be had: the ones made, and this one, do the work.
  }
  work();
  for (auto& h : helpers) h.join();
  if (first) return tl::unexpected(std::move(first->second));
  return {};
}

std::vector<ArmourEra> ImportedArmour::eras(const ImportContext& ctx) const {
  std::vector<ArmourEra> out;
  for (std::size_t i = 0; i < eras_.size(); ++i) {
    const ArmourEra& era = eras_[i];
    ArmourEra mapped{era.workspace_id, {}, {}};
    for (const auto& scope : era.scopes) {
      std::string here;
      if (!scope.scope.empty()) {
        auto it = scopes_.find(scope.scope);
        if (it == scopes_.end()) continue;  // a channel not imported
        here = it->second;
      }
      ArmourEraScope s{std::move(here), scope.origin_scope, scope.generation, {}};
      for (const auto& e : scope.envelopes)
        if (ctx.known_user(e.user_id))
          s.envelopes.push_back(ArmourEnvelope{ctx.user(e.user_id), e.generation, e.sealed, e.signature,
                                               ctx.user(e.created_by)});
      mapped.scopes.push_back(std::move(s));
    }
    // The archive's own era names every channel it had: messages sealed
    // under the workspace's key name their channel too.
    if (i + 1 == eras_.size())
      for (const auto& [archive, here] : scopes_)
        if (std::none_of(mapped.scopes.begin(), mapped.scopes.end(),
                         [&](const ArmourEraScope& s) { return s.scope == here; }))
          mapped.scopes.push_back(ArmourEraScope{here, archive, 0, {}});
    for (const auto& p : era.people) {
      ArmourEraPerson person = p;
      person.keys.user_id = ctx.user(p.keys.user_id);
      mapped.people.push_back(std::move(person));
    }
    out.push_back(std::move(mapped));
  }
  return out;
}

std::string ImportContext::user(const std::string& exported) const {
  auto it = users.find(exported);
  return it == users.end() ? exported : it->second;
}

Result<void> PendingChunks::add(std::vector<blob::ContentWriter::Sealed> chunks, std::string key,
                                blob::BlobRef ref) {
  for (auto& c : chunks) {
    bytes_ += c.sealed.size();
    chunks_.push_back(std::move(c));
  }
  contents_.emplace_back(std::move(key), std::move(ref));
  if (bytes_ < (16u << 20) && chunks_.size() < 1000 && contents_.size() < 1000) return {};
  return flush();
}

Result<void> PendingChunks::flush() {
  if (chunks_.empty() && contents_.empty()) return {};
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_CHECK(p_.blobs.store_deferred(c, ws_, chunks_));
    for (const auto& [key, ref] : contents_) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("INSERT INTO import_contents (workspace_id, content_key, size, sha256, chunks) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, content_key) DO UPDATE SET "
                       "size = excluded.size, sha256 = excluded.sha256, chunks = excluded.chunks",
                       {ws_, key, static_cast<std::int64_t>(ref.size_bytes), ref.content_hash,
                        db::Bytes{blob::pack_chunks(ref.chunks)}}));
    }
    return {};
  }));
  chunks_.clear();
  contents_.clear();
  bytes_ = 0;
  return {};
}

Result<std::optional<blob::BlobRef>> take_content(db::Conn& c, const WorkspaceId& ws, std::string_view key) {
  RUCHE_TRY(auto row, c.query_one("DELETE FROM import_contents WHERE workspace_id = $1 AND content_key = $2 "
                                  "RETURNING size, sha256, chunks",
                                  {ws, std::string(key)}));
  if (!row) return std::optional<blob::BlobRef>{};
  blob::BlobRef ref;
  ref.size_bytes = static_cast<std::uint64_t>(row->i64(0));
  ref.content_hash = row->text(1);
  RUCHE_TRY(ref.chunks, blob::unpack_chunks(row->bytes(2).data));
  return std::optional<blob::BlobRef>(std::move(ref));
}

ImportEntry::ImportEntry(Platform& p, const WorkspaceId& ws, tar::Reader& in, const tar::Entry& e,
                         PendingChunks& pending)
    : p_(p), ws_(ws), in_(in), entry_(e), pending_(pending) {}

Result<std::string> ImportEntry::text(std::size_t max) {
  RUCHE_CHECK(pending_.flush());  // records come after the contents they name
  return in_.read_all(max);
}

Result<std::vector<json::object>> ImportEntry::lines(std::size_t max) {
  RUCHE_TRY(std::string page, text(max));
  std::vector<json::object> out;
  for (std::size_t start = 0; start < page.size();) {
    std::size_t end = page.find('\n', start);
    if (end == std::string::npos) end = page.size();
    if (end > start) {
      auto v = json::parse(std::string_view(page).substr(start, end - start));
      if (!v || !v->is_object())
        return fail(Errc::invalid, entry_.path + ": a line is not a JSON object", "bad_export");
      out.push_back(std::move(v->as_object()));
    }
    start = end + 1;
  }
  return out;
}

namespace record {

std::string text(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::optional<std::int64_t> time(const json::object& o, std::string_view key) {
  std::int64_t t = 0;
  if (!parse_iso8601(text(o, key), t)) return std::nullopt;
  return t;
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64()) return std::nullopt;
  return it->value().as_int64();
}

bool flag(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

const json::array& list(const json::object& o, std::string_view key) {
  static const json::array none;
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? it->value().as_array() : none;
}

const json::object& object(const json::object& o, std::string_view key) {
  static const json::object none;
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? it->value().as_object() : none;
}

}  // namespace record

Result<void> ImportEntry::store_content(std::string key) {
  RUCHE_TRY(blob::KeysPtr keys, p_.blobs.keys(ws_));
  blob::ContentWriter writer(p_.blobs.store(), keys, p_.blobs.pool(), [](std::uint64_t) -> Result<void> { return {}; });
  writer.defer_chunks_up_to(p_.blobs.defer_max());
  std::string buf(1u << 20, '\0');
  for (;;) {
    RUCHE_TRY(std::size_t n, in_.read(buf.data(), buf.size()));
    if (n == 0) break;
    RUCHE_CHECK(writer.write(std::string_view(buf.data(), n)));
  }
  RUCHE_TRY(blob::BlobRef ref, writer.finish());
  return pending_.add(writer.take_deferred(), std::move(key), std::move(ref));
}

Result<http::Response> import_response(Platform& p, http::Request& req, const Caller& caller) {
  if (!req.body_reader) return fail(Errc::invalid, "the archive is the request's body");
  tar::Reader in([&req](char* buf, std::size_t size) { return req.body_reader->read(buf, size); });

  // workspace.json comes first (after README.txt): nothing is created before it is read.
  json::value manifest;
  auto not_an_export = [](const Error& e) { return fail(Errc::invalid, "not a Ruche export: " + e.message, "not_an_export"); };
  for (;;) {
    auto e = in.next();
    if (!e) return not_an_export(e.error());
    if (!*e) return fail(Errc::invalid, "not a Ruche export: no workspace.json", "not_an_export");
    if ((*e)->path == "README.txt") continue;
    if ((*e)->path != "workspace.json")
      return fail(Errc::invalid, "not a Ruche export: workspace.json must come first", "not_an_export");
    auto read = in.read_all(kMaxManifestBytes);
    if (!read) return not_an_export(read.error());
    const std::string& text = *read;
    auto parsed = json::parse(text);
    if (!parsed || !parsed->is_object()) return fail(Errc::invalid, "workspace.json is not a JSON object", "not_an_export");
    manifest = std::move(*parsed);
    break;
  }
  const json::object& m = manifest.as_object();
  auto version = m.find("version");
  if (text_or(m, "format") != kExportFormat || version == m.end() || !version->value().is_int64())
    return fail(Errc::invalid, "not a Ruche export", "not_an_export");
  if (version->value().as_int64() > kExportVersion)
    return fail(Errc::invalid, "this export is from a newer Ruche (format version " +
                                   std::to_string(version->value().as_int64()) + ")",
                "unsupported_version");
  auto ws_it = m.find("workspace");
  if (ws_it == m.end() || !ws_it->value().is_object())
    return fail(Errc::invalid, "workspace.json has no workspace", "not_an_export");
  const json::object& wj = ws_it->value().as_object();
  // An armoured archive's keys come next: its texts are sealed to its ids,
  // which an import renews (docs/armoured.md, "Importing an armoured archive").
  std::optional<ImportedArmour> armour;
  if (auto armoured = wj.find("armoured"); armoured != wj.end() && armoured->value() == json::value(true)) {
    auto e = in.next();
    if (!e) return not_an_export(e.error());
    if (!*e || (*e)->path != "armour.json")
      return fail(Errc::invalid, "an armoured workspace's archive has armour.json after workspace.json", "bad_export");
    auto read = in.read_all(kMaxManifestBytes);
    if (!read) return not_an_export(read.error());
    RUCHE_TRY(armour, ImportedArmour::parse(*read, text_or(wj, "id")));
  }
  std::vector<std::string> modules;
  if (auto mods = wj.find("modules"); mods != wj.end()) {
    RUCHE_TRY(auto listed, strings(mods->value()));
    for (auto& name : listed)
      if (p.registry.find(name)) modules.push_back(std::move(name));
  }
  const std::string name = req.query_param("name").value_or(text_or(wj, "name", "Import"));
  RUCHE_TRY(Workspace w, p.workspaces.create(caller, name, text_or(wj, "description"), modules, armour.has_value()));

  const bool create_accounts = req.query_param("accounts").value_or("") == "create";
  ImportContext ctx{w.id, caller, p.clock.now_ms(), {}, armour ? &*armour : nullptr};
  std::vector<Joining> joins;
  std::vector<NewAccount> accounts;
  PendingChunks pending(p, w.id);
  std::map<std::string, std::unique_ptr<ModuleImport>> importers;
  std::set<std::string> not_imported;
  json::array unmatched;
  json::object counts;
  auto run = [&]() -> Result<void> {
    RUCHE_TRY(unmatched, match_members(p, ctx, m.contains("members") ? m.at("members") : json::value(json::array{}),
                                       create_accounts, joins, accounts));
    for (;;) {
      RUCHE_TRY(auto e, in.next());
      if (!e) break;
      const std::string top = e->path.substr(0, e->path.find('/'));
      const ModuleDef* def = p.registry.find(top);
      if (!def || !def->import_from) {
        if (def || e->path.find('/') != std::string::npos) not_imported.insert(top);
        continue;
      }
      auto& importer = importers[top];
      if (!importer) {
        RUCHE_TRY(importer, def->import_from(ctx));
      }
      ImportEntry entry(p, w.id, in, *e, pending);
      RUCHE_CHECK(importer->entry(entry));
    }
    RUCHE_CHECK(pending.flush());
    for (auto& [module, importer] : importers) {
      RUCHE_TRY(counts[module], importer->finish());
    }
    if (armour) {
      const std::vector<ArmourEra> eras = armour->eras(ctx);
      RUCHE_CHECK(p.db.write([&](db::Conn& c) { return p.armour.import_eras(c, w.id, eras); }));
    }
    // Contents no record named: their rows go (their chunks, never
    // referenced, are collected like any unreferenced chunk).
    RUCHE_CHECK(p.db.write([&](db::Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM import_contents WHERE workspace_id = $1", {w.id}));
      return {};
    }));
    return join_members(p, ctx, joins, accounts);
  };
  if (Result<void> r = run(); !r) {
    log::warn("workspace.import_failed",
              {{"workspace", w.id.str()}, {"request_id", caller.request_id}, {"error", r.error().message}});
    importers.clear();
    if (auto removed = p.workspaces.remove(caller, w.id); !removed)
      log::error("workspace.import_undo_failed", {{"workspace", w.id.str()}, {"error", removed.error().message}});
    AuditEntry failed = AuditEntry::by(caller, "workspace.imported");
    failed.outcome = "failure";
    failed.object = w.id.str();
    failed.details["from"] = text_or(wj, "id");
    failed.details["error"] = r.error().message;
    if (auto recorded = p.audit.record(p.db, failed); !recorded)
      log::error("audit.record_failed", {{"error", recorded.error().message}});
    return tl::unexpected(r.error());
  }

  AuditEntry e = AuditEntry::by(caller, "workspace.imported");
  e.workspace_id = w.id.str();
  e.object = w.id.str();
  e.details["from"] = text_or(wj, "id");
  e.details["counts"] = counts;
  RUCHE_CHECK(p.audit.record(p.db, e));
  RUCHE_TRY(Workspace fresh, p.workspaces.get(caller, w.id));
  json::object out;
  out["workspace"] = to_json(fresh);
  out["imported"] = std::move(counts);
  out["unmatched_members"] = std::move(unmatched);
  json::array created;
  for (const auto& a : accounts) created.emplace_back(a.email);
  out["created_accounts"] = std::move(created);
  json::array skipped;
  for (const auto& s : not_imported) skipped.emplace_back(s);
  out["not_imported"] = std::move(skipped);
  return http::json_response(201, json::serialize(out));
}

}  // namespace ruche::platform
