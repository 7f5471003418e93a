#include "modules/files/service.hpp"

#include <algorithm>
#include <limits>

#include "base/log.hpp"
#include "base/text.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "platform/export.hpp"
#include "platform/maintenance.hpp"
#include "platform/module_settings.hpp"
#include "platform/sealed_text.hpp"
#include "platform/write_order.hpp"

namespace ruche::files {

using platform::Access;
using platform::AuditEntry;
using platform::Caller;

namespace {

// An audit entry about a share link, as guests' actions on it are recorded.
AuditEntry share_audit(const Share& share, std::string action, const std::string& remote_addr,
                       const std::string& request_id) {
  AuditEntry e;
  e.action = std::move(action);
  e.workspace_id = share.workspace_id.str();
  e.object = share.id.str();
  e.remote_addr = remote_addr;
  e.request_id = request_id;
  return e;
}

constexpr std::int64_t kCopyBudget = 10'000;     // nodes one COPY may create
constexpr std::int64_t kMaxPropsPerNode = 1000;
constexpr std::size_t kMaxPropBytes = 64 * 1024;
constexpr std::int64_t kShareOkMs = 60'000;
const std::string kEmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Armoured workspaces' records (docs/armoured.md, "Files"): given where
// there is none to give, or missing where one must be.
tl::unexpected<Error> not_armoured() {
  return fail(Errc::invalid, "sealed records are for armoured workspaces", "not_armoured");
}
tl::unexpected<Error> sealed_required() {
  return fail(Errc::invalid, "what the browser sealed for this entry is missing", "sealed_required");
}

std::string join(const std::vector<std::string>& names, std::size_t n) {
  if (n == 0) return "/";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "/" + names[i];
  return out;
}

// Whether `n` changed after `since_ms` (If-Unmodified-Since).
bool changed_since(const Node& n, std::optional<std::int64_t> since_ms) {
  return since_ms && dav::later_than(n.mtime_ms, *since_ms);
}

// "/a/b" from a node's ancestry (the root: "/").
std::string path_from(const std::vector<store::Ancestor>& chain) {
  std::string out;
  for (const auto& a : chain) out += "/" + a.name;
  return out.empty() ? std::string("/") : out;
}

std::string new_lock_token() {
  std::string r = crypto::random_bytes(16);
  r[6] = static_cast<char>((r[6] & 0x0f) | 0x40);
  r[8] = static_cast<char>((r[8] & 0x3f) | 0x80);
  std::string h = crypto::hex_encode(r);
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20);
}

// How far apart kept versions must be, by age (the Nextcloud schedule).
std::int64_t spacing_ms(std::int64_t age_ms) {
  if (age_ms <= 10'000) return 2'000;
  if (age_ms <= 60'000) return 10'000;
  if (age_ms <= 3'600'000) return 60'000;
  if (age_ms <= 86'400'000) return 3'600'000;
  if (age_ms <= 30LL * 86'400'000) return 86'400'000;
  return 7LL * 86'400'000;
}

}  // namespace

Settings settings_from(const platform::PlatformConfig& config) {
  Settings s;
  auto setting = [&](std::string_view key, std::int64_t fallback) {
    return platform::module_int(config.module_settings, "files", key, fallback);
  };
  const std::int64_t quota_mb = setting("default_quota_mb", 0);
  s.default_quota_bytes = quota_mb > 0 ? quota_mb * 1024 * 1024 : -1;
  s.versions_max = static_cast<int>(setting("versions_max", s.versions_max));
  s.trash_ms = setting("trash_days", 30) * 86'400'000;
  s.upload_ttl_ms = setting("upload_days", 7) * 86'400'000;
  s.maintenance_every_ms = setting("maintenance_minutes", 10) * 60'000;
  return s;
}

Result<std::unique_ptr<Service>> Service::create(platform::Platform& p, Settings settings) {
  return std::unique_ptr<Service>(new Service(p, std::move(settings)));
}

Service::Service(platform::Platform& p, Settings s)
    : p_(p),
      settings_(std::move(s)),
      grant_key_(crypto::hmac_sha256(p.config.instance_key, "ruche/files/share-grant/v1")) {
  subscription_ = p_.bus.subscribe([this](const bus::Event& e) { forget_opens(e); });
  // One node per period runs it (the others' timers find it claimed).
  if (settings_.maintenance_every_ms > 0)
    maintenance_ = std::make_unique<platform::PeriodicTask>(p_.db, p_.clock, "files.maintenance",
                                                            settings_.maintenance_every_ms,
                                                            [this] { return maintain(); });
}

Service::~Service() {
  maintenance_.reset();
  p_.bus.unsubscribe(subscription_);
}

void Service::forget_opens(const bus::Event& e) {
  const bool all = e.type == bus::kReset;
  if (!all && e.module != "files" && e.type != "workspace.deleted") return;
  std::lock_guard lock(opens_mu_);
  auto forget = [&](Opens& opens) {
    ++opens.generation;
    opens_count_ -= opens.by_path.size();
    opens.by_path.clear();
  };
  if (all) {
    for (auto& [ws, opens] : opens_) forget(opens);
  } else if (auto it = opens_.find(e.workspace_id); it != opens_.end()) {
    forget(it->second);
  }
}

std::uint64_t Service::opens_generation(const WorkspaceId& ws) {
  std::lock_guard lock(opens_mu_);
  return opens_[ws.str()].generation;
}

std::shared_ptr<const Opened> Service::open_path_cached(const WorkspaceId& ws, std::string_view path) {
  std::lock_guard lock(opens_mu_);
  auto it = opens_.find(ws.str());
  if (it == opens_.end()) return nullptr;
  auto hit = it->second.by_path.find(std::string(path));
  return hit == it->second.by_path.end() ? nullptr : hit->second;
}

Result<blob::KeysPtr> Service::keys(const WorkspaceId& ws) { return p_.blobs.keys(ws); }

// --- Resolution ---------------------------------------------------------------

Result<Service::Resolved> Service::resolve(db::Conn& c, const WorkspaceId& ws, std::string_view path) {
  Resolved r;
  RUCHE_TRY(r.names, split_path(path));
  Node root;
  root.workspace_id = ws;
  root.folder = true;
  root.path = "/";
  if (r.names.empty()) {
    // The root's etag is read only when the root is the target.
    RUCHE_TRY(auto state, store::root_state(c, ws));
    root.etag = std::move(state.etag);
    root.created_at_ms = state.created_at_ms;
    root.mtime_ms = state.mtime_ms;
    r.node = root;
    return r;
  }
  Node current = root;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    RUCHE_TRY(auto next, store::child(c, ws, current.id.str(), r.names[i]));
    if (i + 1 == r.names.size()) {
      if (current.folder) r.parent = current;
      if (next) {
        next->path = join(r.names, i + 1);
        r.node = std::move(next);
      }
      return r;
    }
    if (!next || !next->folder) return r;  // no parent folder
    next->path = join(r.names, i + 1);
    current = std::move(*next);
  }
  return r;
}

Result<void> Service::set_favorite(const Caller& caller, const Node& n, bool on) {
  return p_.db.write([&](db::Conn& c) { return favorite_in(c, caller.user_id.str(), n, on); });
}

Result<void> Service::favorite_in(db::Conn& c, const std::string& user, const Node& n, bool on) {
  RUCHE_TRY(bool changed, store::set_favorite(c, user, n, on, p_.clock.now_ms()));
  if (!changed) return {};
  json::object d;
  d["node_id"] = n.id.str();
  d["favorite"] = on;
  // A person's own list: only their clients hear of it.
  RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, n.workspace_id, "file.favorite", "files", d, {user}));
  return {};
}

Result<std::unordered_set<std::string>> Service::favorite_ids(const Caller& caller, const WorkspaceId& ws) {
  return p_.db.read([&](db::Conn& c) -> Result<std::unordered_set<std::string>> {
    RUCHE_TRY(auto list, store::favorites(c, ws, caller.user_id.str(), 500));
    std::unordered_set<std::string> ids;
    for (const auto& n : list) ids.insert(n.id.str());
    return ids;
  });
}

Result<std::vector<Node>> Service::favorites(const Caller& caller, const WorkspaceId& ws) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Node>> {
    RUCHE_TRY(auto list, store::favorites(c, ws, caller.user_id.str(), 500));
    std::vector<Node> out;
    for (auto& n : list) {
      RUCHE_TRY(auto chain, store::ancestry(c, n.id));
      if (std::any_of(chain.begin(), chain.end(), [](const auto& a) { return a.trashed; })) continue;
      n.path = path_from(chain);
      out.push_back(std::move(n));
    }
    return out;
  });
}

Result<std::string> Service::path_of(db::Conn& c, const Node& n) {
  if (n.is_root()) return std::string("/");
  RUCHE_TRY(auto chain, store::ancestry(c, n.id));
  return path_from(chain);
}

Result<std::optional<Node>> Service::lookup(const WorkspaceId& ws, std::string_view path) {
  return p_.db.read([&](db::Conn& c) -> Result<std::optional<Node>> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    return r.node;
  });
}

Result<Node> Service::reach(const Caller& caller, const NodeId& id, Access need, bool trashed) {
  return p_.db.read([&](db::Conn& c) -> Result<Node> {
    if (!is_id(id.str())) return fail(Errc::not_found, "no such file");
    RUCHE_TRY(auto n, store::node(c, id));
    if (!n) return fail(Errc::not_found, "no such file");
    auto access = p_.authz.access_in(c, caller.user_id, n->workspace_id);
    if (!access || !access->module_active("files") || access->right("files") == Access::none)
      return platform::refused(Errc::not_found, "no such file", n->workspace_id);
    RUCHE_TRY(auto chain, store::ancestry(c, id));
    bool in_trash = std::any_of(chain.begin(), chain.end(), [](const auto& a) { return a.trashed; });
    if (trashed ? !n->trashed_at_ms : in_trash) return fail(Errc::not_found, "no such file");
    RUCHE_CHECK(platform::Authz::check(*access, "files", need));
    if (trashed) {
      RUCHE_TRY(n->path, store::trashed_path(c, id));
    } else {
      std::string path;
      for (const auto& a : chain) path += "/" + a.name;
      n->path = path;
    }
    return std::move(*n);
  });
}

Result<ListResult> Service::list(const WorkspaceId& ws, const Node& folder, const store::ListQuery& q) {
  if (!folder.folder) return fail(Errc::invalid, "not a folder", "not_a_folder");
  return p_.db.read([&](db::Conn& c) -> Result<ListResult> {
    ListResult out;
    RUCHE_TRY(out.items, store::children(c, ws, folder.id.str(), q));
    for (auto& n : out.items) n.path = (folder.path == "/" ? "" : folder.path) + "/" + n.name;
    if (q.offset == 0 && static_cast<int>(out.items.size()) < q.limit) {
      out.total = static_cast<std::int64_t>(out.items.size());
    } else {
      RUCHE_TRY(out.total, store::count_children(c, ws, folder.id.str()));
    }
    return out;
  });
}

Result<void> Service::each_child(const WorkspaceId& ws, const Node& folder, const store::ListQuery& q,
                                 FunctionRef<void(std::int64_t)> count, FunctionRef<void(Node&)> fn) {
  if (!folder.folder) return fail(Errc::invalid, "not a folder", "not_a_folder");
  std::string prefix = folder.path == "/" ? "" : folder.path;
  return p_.db.read([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(std::int64_t total, store::count_children(c, ws, folder.id.str()));
    count(total);
    return store::each_child(c, ws, folder.id.str(), q, [&](Node& n) {
      n.path.reserve(prefix.size() + 1 + n.name.size());
      n.path = prefix;
      n.path += '/';
      n.path += n.name;
      fn(n);
    });
  });
}

Result<Opened> Service::open(const Node& node, std::optional<std::int64_t> number) {
  if (node.folder) return fail(Errc::method_not_allowed, "a folder has no content", "is_a_folder");
  Opened o;
  o.node = node;
  RUCHE_TRY(auto v, p_.db.read([&](db::Conn& c) { return store::version(c, node.id, number.value_or(node.version)); }));
  if (!v) return fail(Errc::not_found, "no such version");
  o.version = std::move(*v);
  RUCHE_TRY(o.keys, keys(node.workspace_id));
  return o;
}

Result<std::optional<Opened>> Service::open_path(const WorkspaceId& ws, std::string_view path) {
  const std::uint64_t generation = opens_generation(ws);
  RUCHE_TRY(auto found, p_.db.read([&](db::Conn& c) -> Result<std::optional<Opened>> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (!r.node) return std::optional<Opened>();
    Opened o;
    o.node = std::move(*r.node);
    if (o.node.folder) return std::optional<Opened>(std::move(o));
    RUCHE_TRY(auto v, store::version(c, o.node.id, o.node.version));
    if (!v) return fail(Errc::not_found, "no such version");
    o.version = std::move(*v);
    return std::optional<Opened>(std::move(o));
  }));
  if (found && !found->node.folder) {
    RUCHE_TRY(found->keys, keys(ws));
    // Only contents the chunk cache may hold can be answered from memory;
    // a large file's chunk list would only take room.
    if (!p_.blobs.cache().worth(static_cast<std::uint64_t>(found->version.size_bytes))) return found;
    auto shared = std::make_shared<const Opened>(*found);
    std::lock_guard lock(opens_mu_);
    Opens& o = opens_[ws.str()];
    if (o.generation == generation) {
      if (opens_count_ >= kMaxOpens) {
        for (auto& [id, other] : opens_) other.by_path.clear();
        opens_count_ = 0;
      }
      if (o.by_path.insert_or_assign(std::string(path), std::move(shared)).second) ++opens_count_;
    }
  }
  return found;
}

Result<std::uint64_t> Service::read(const Opened& o, std::uint64_t offset, std::uint64_t length, Sink sink) {
  return p_.blobs.read(o.keys, o.version.chunks, offset, length, sink);
}

SharedBytes Service::read_cached(const Opened& o, std::uint64_t offset, std::uint64_t length) {
  return p_.blobs.cached(o.keys, o.version.chunks, offset, length);
}

namespace {
// A version row as the API shows it.
Version version_of(const store::VersionRow& r, bool current) {
  return Version{r.number, r.size_bytes, r.sha256, r.created_at_ms, r.created_by, r.mtime_ms, current, r.sealed};
}
}  // namespace

Result<std::vector<Version>> Service::versions(const Node& node) {
  RUCHE_TRY(auto rows, p_.db.read([&](db::Conn& c) { return store::versions(c, node.id); }));
  std::vector<Version> out;
  for (const auto& r : rows)
    out.push_back(version_of(r, r.number == node.version));
  return out;
}

Result<std::vector<Node>> Service::trash(const WorkspaceId& ws, int limit,
                                         const std::optional<store::TrashCursor>& before) {
  return p_.db.read([&](db::Conn& c) { return store::trash(c, ws, limit, before); });
}

namespace {

constexpr std::string_view kExportReadme =
    "Files\n"
    "\n"
    "tree/<path>                       the live files and folders, each file as its\n"
    "                                  current version, dated with its modification time\n"
    "history/<node_id>/<number>/<name> every other version: older versions of live\n"
    "                                  files, and every version of what is in the trash\n"
    "nodes/*.jsonl                     one line per file or folder, live or trashed,\n"
    "                                  parents before children: id, parent_id, name,\n"
    "                                  path, dates and authors, trashed (itself or under a\n"
    "                                  trashed folder), WebDAV properties, who starred it,\n"
    "                                  and for files their versions (number, size,\n"
    "                                  sha256, dates, author) with the archive entry\n"
    "                                  holding each one's bytes (\"entry\"), and its\n"
    "                                  share links (\"shares\": mode, limits, counts, the\n"
    "                                  SHA-256 of the link's token and the Argon2id hash\n"
    "                                  of its password, so that the same links work again\n"
    "                                  where the archive is imported under the same address)\n";

}  // namespace

Result<void> Service::export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                       std::int64_t now_ms) {
  constexpr int kPage = 500;
  RUCHE_CHECK(out.add("files/README.txt", kExportReadme, now_ms));
  RUCHE_CHECK(out.add_folder("files/tree", now_ms));
  platform::JsonLinesPages lines(out, "files/nodes", now_ms);
  struct Pending {
    std::string id, path;
    bool trashed = false;
  };
  std::vector<Pending> folders{{"", "", false}};  // depth first: parents before children
  while (!folders.empty()) {
    const Pending folder = std::move(folders.back());
    folders.pop_back();
    for (std::string after;;) {
      RUCHE_TRY(std::vector<Node> page, store::children_after(c, ws, folder.id, after, kPage));
      RUCHE_TRY(auto extras, store::extras_of(c, page));
      for (auto& n : page) {
        n.path = folder.path + "/" + n.name;
        const bool trashed = folder.trashed || n.trashed_at_ms.has_value();
        const store::NodeExtras& x = extras[n.id.str()];
        json::object o = to_json(n);
        o["trashed"] = trashed;
        json::array props;
        for (const auto& pr : x.props) props.push_back(json::object{{"namespace", pr.ns}, {"name", pr.name}, {"value", pr.value}});
        o["properties"] = std::move(props);
        json::array stars;
        for (const auto& u : x.favorite_of) stars.emplace_back(u);
        o["favorite_of"] = std::move(stars);
        json::array shares;
        for (const auto& sh : x.shares) {
          json::object so = to_json(sh.share);
          so.erase("id");
          so.erase("node_id");
          so.erase("has_password");
          so["token_sha256"] = sh.token_hash;
          so["password_hash"] = sh.password_hash.empty() ? json::value(nullptr) : json::value(sh.password_hash);
          so["revoked_at"] = sh.share.revoked_at_ms ? json::value(format_iso8601(*sh.share.revoked_at_ms))
                                                    : json::value(nullptr);
          shares.push_back(std::move(so));
        }
        o["shares"] = std::move(shares);
        if (n.folder) {
          if (!trashed) RUCHE_CHECK(out.add_folder("files/tree" + n.path, n.mtime_ms));
          folders.push_back({n.id.str(), n.path, trashed});
        } else {
          json::array versions;
          for (const auto& v : x.versions) {
            const bool current = v.number == n.version;
            const std::string entry = current && !trashed ? "files/tree" + n.path
                                                          : "files/history/" + n.id.str() + "/" +
                                                                std::to_string(v.number) + "/" + n.name;
            RUCHE_CHECK(out.add_content(entry, v.size_bytes, v.mtime_ms, v.chunks));
            json::object vo = to_json(version_of(v, current));
            vo["entry"] = entry;
            versions.push_back(std::move(vo));
          }
          o["versions"] = std::move(versions);
        }
        RUCHE_CHECK(lines.add(o));
      }
      if (page.size() < static_cast<std::size_t>(kPage)) break;
      after = page.back().id.str();
    }
  }
  return lines.finish();
}

Result<Usage> Service::usage(const WorkspaceId& ws) {
  return p_.db.read([&](db::Conn& c) { return store::usage(c, ws, settings_.default_quota_bytes); });
}

Result<std::vector<platform::SearchHit>> Service::search(db::Conn& c, const std::vector<WorkspaceId>& readable,
                                                         std::string_view query,
                                                         const std::map<std::string, std::string>& filters,
                                                         int limit) {
  RUCHE_TRY(auto words, platform::search_words(query));
  // Names are NFC: so is what is looked for (macOS types NFD).
  for (auto& w : words)
    if (auto nfc = normalize_name(w)) w = std::move(*nfc);
  if (words.empty()) return std::vector<platform::SearchHit>{};
  std::optional<std::string> under;
  if (auto it = filters.find("path"); it != filters.end()) {
    RUCHE_TRY(auto names, split_path(it->second));
    under = join(names, names.size());
  }
  // Armoured workspaces' names are tokens: nothing there for the server to find.
  std::vector<WorkspaceId> plain;
  for (const auto& ws : readable) {
    RUCHE_TRY(bool a, armoured(c, ws));
    if (!a) plain.push_back(ws);
  }
  if (plain.empty()) return std::vector<platform::SearchHit>{};
  // The next page: the hits after the last one shown.
  std::optional<NodeId> after;
  if (auto it = filters.find("after"); it != filters.end()) {
    if (!is_id(it->second)) return fail(Errc::invalid, "after is a hit's id", "invalid_field");
    after = NodeId(it->second);
  }
  // Beneath a folder, hits elsewhere are dropped after the query: ask for more.
  RUCHE_TRY(auto nodes,
            store::search_names(c, plain, words, under ? std::min(limit * 5, 500) : limit, after));
  std::vector<platform::SearchHit> hits;
  for (auto& n : nodes) {
    if (static_cast<int>(hits.size()) >= limit) break;
    RUCHE_TRY(std::string path, path_of(c, n));
    if (under && !dav::is_within(path, *under)) continue;
    platform::SearchHit h;
    h.type = "file";
    h.id = n.id.str();
    h.workspace_id = n.workspace_id;
    h.snippet = platform::mark_matches(n.name, words);
    h.rank = -static_cast<double>(n.created_at_ms);  // newest first, like messages
    h.extra["kind"] = n.folder ? "folder" : "file";
    h.extra["name"] = n.name;
    h.extra["path"] = path;
    h.extra["parent_id"] = n.parent_id.str();
    h.extra["size"] = n.size_bytes;
    h.extra["mtime"] = format_iso8601(n.mtime_ms);
    hits.push_back(std::move(h));
  }
  return hits;
}

Result<std::vector<store::Prop>> Service::props(const Node& node) {
  if (node.is_root()) return std::vector<store::Prop>{};
  return p_.db.read([&](db::Conn& c) { return store::props(c, node.id); });
}

Result<std::map<std::string, std::vector<store::Prop>>> Service::child_props(const WorkspaceId& ws,
                                                                           const Node& folder) {
  return p_.db.read([&](db::Conn& c) { return store::child_props(c, ws, folder.id.str()); });
}

Result<std::vector<dav::Lock>> Service::locks(const WorkspaceId& ws, std::string_view path,
                                              store::Beneath beneath) {
  RUCHE_TRY(auto names, split_path(path));
  const std::string p = join(names, names.size());
  return p_.db.read(
      [&](db::Conn& c) { return store::locks(c, ws, p, beneath, p_.clock.now_ms()); });
}

Result<dav::ResourceState> Service::state(const WorkspaceId& ws, std::string_view path) {
  return p_.db.read([&](db::Conn& c) -> Result<dav::ResourceState> {
    dav::ResourceState s;
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    std::string p = join(r.names, r.names.size());
    if (r.node) {
      s.exists = true;
      s.etag = r.node->etag;
    }
    RUCHE_TRY(auto locks, store::locks(c, ws, p, store::Beneath::none, p_.clock.now_ms()));
    for (const auto& l : locks)
      if (dav::covers(l, p)) s.tokens.push_back(l.token);
    return s;
  });
}

// --- Rules shared by writes -----------------------------------------------------

Result<void> Service::check_locks(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                                  const std::string& path, bool descendants, bool parent) {
  RUCHE_TRY(auto locks,
            store::locks(c, ws, path, descendants ? store::Beneath::all : store::Beneath::none,
                         p_.clock.now_ms()));
  if (locks.empty()) return {};
  std::string up = dav::parent_path(path);
  bool shared_needed = false, shared_held = false;
  for (const auto& l : locks) {
    bool relevant = dav::covers(l, path) || (descendants && dav::is_within(l.root, path)) ||
                    (parent && path != "/" && dav::covers(l, up));
    if (!relevant) continue;
    bool held = l.user_id == ctx.user_id &&
                std::find(ctx.tokens.begin(), ctx.tokens.end(), l.token) != ctx.tokens.end();
    if (l.exclusive) {
      if (!held) return fail(Errc::locked, "the resource is locked", "locked");
    } else {
      shared_needed = true;
      shared_held = shared_held || held;
    }
  }
  if (shared_needed && !shared_held) return fail(Errc::locked, "the resource is locked", "locked");
  return {};
}

Result<bool> Service::armoured(db::Conn& c, const WorkspaceId& ws) {
  {
    std::lock_guard lock(armoured_mu_);
    if (auto it = armoured_.find(ws.str()); it != armoured_.end()) return it->second;
  }
  RUCHE_TRY(bool a, store::workspace_armoured(c, ws));
  std::lock_guard lock(armoured_mu_);
  if (armoured_.size() >= kMaxOpens) armoured_.clear();
  armoured_.emplace(ws.str(), a);
  return a;
}

Result<void> Service::refuse_if_armoured(db::Conn& c, const WorkspaceId& ws, std::string_view what) {
  RUCHE_TRY(bool a, armoured(c, ws));
  if (a)
    return fail(Errc::invalid,
                std::string(what) + " would need the server to read or write contents it cannot open: not in an "
                                    "armoured workspace",
                "armoured_unsupported");
  return {};
}

std::optional<bool> Service::armoured_known(const WorkspaceId& ws) {
  std::lock_guard lock(armoured_mu_);
  if (auto it = armoured_.find(ws.str()); it != armoured_.end()) return it->second;
  return std::nullopt;
}

Result<Service::SealCheck> Service::verify_sealing(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                                                   std::string_view name, bool needs_name,
                                                   std::optional<std::int64_t> number, const Sealing& s) {
  SealCheck k;
  RUCHE_TRY(k.armoured, armoured(c, ws));
  if (!k.armoured) {
    if (!s.name.empty() || !s.content.empty())
      return not_armoured();
    return k;
  }
  // A name token: 16 random bytes, so that no real name is ever left in clear.
  if (name.size() != 22 || !platform::armour_bytes(name, 16))
    return fail(Errc::invalid, "names in an armoured workspace are tokens of 16 random bytes (base64url)",
                "invalid_name");
  if ((needs_name && s.name.empty()) || (number && s.content.empty()))
    return sealed_required();
  if (!needs_name && !number) return k;
  // The author's key, read once for both records.
  RUCHE_TRY(const std::string sign_public, p_.armour.signing_key(c, UserId(ctx.user_id)));
  auto verify = [&](std::string_view domain, const std::string& binding, const std::string& text) -> Result<void> {
    RUCHE_TRY(platform::SealedText t, platform::Armour::verify_sealed_with(sign_public, domain, binding, text));
    if (t.version != 1) return fail(Errc::invalid, "files' records are version 1", "invalid_sealed_text");
    k.generations.push_back(t.generation);
    return {};
  };
  const std::string bound = ws.str() + "\n" + std::string(name) + "\n";
  if (needs_name) {
    RUCHE_CHECK(verify("ruche-files-name", bound + ctx.user_id, s.name));
    k.named = true;
  }
  if (number) {
    auto v = verify("ruche-files-content", bound + std::to_string(*number) + "\n" + ctx.user_id, s.content);
    // Signed for another number: most likely sealed before another
    // version came (the browser seals again for this one).
    if (!v && v.error().reason == "bad_signature" && *number > 1)
      return fail(Errc::conflict,
                  "the content record does not check for version " + std::to_string(*number) +
                      ", the next one: another version may have come first",
                  "version_conflict");
    if (!v) return tl::unexpected(v.error());
    k.number = number;
  }
  return k;
}

Result<void> Service::still_sealed(db::Conn& c, const WorkspaceId& ws, const SealCheck& k, bool needs_name,
                                   std::optional<std::int64_t> number) {
  if (!k.armoured) return {};
  if (needs_name && !k.named)
    return sealed_required();
  if (number != k.number)
    return fail(Errc::conflict, "another version came while this one arrived: seal its record again",
                "version_conflict");
  for (std::int64_t g : k.generations) RUCHE_CHECK(p_.armour.require_current(c, platform::KeyScope::of(ws), g));
  return {};
}

Result<void> Service::emit(db::Conn& c, const WorkspaceId& ws, std::string_view type, const Node& n,
                           const std::string& old_path) {
  json::object d;
  d["id"] = n.id.str();
  d["kind"] = n.folder ? "folder" : "file";
  d["path"] = n.path;
  d["parent_id"] = n.parent_id.str();
  d["name"] = n.name;
  d["etag"] = n.etag;
  d["size"] = n.size_bytes;
  d["mtime"] = format_iso8601(n.mtime_ms);
  d["version"] = n.version;
  if (!old_path.empty()) d["old_path"] = old_path;
  add_sealed(d, n);
  std::string full = std::string(n.folder ? "folder." : "file.") + std::string(type);
  RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, ws, full, "files", d));
  return {};
}

Result<void> Service::drop_versions(db::Conn& c, const WorkspaceId& ws,
                                    const std::vector<store::VersionRow>& vs) {
  std::int64_t freed = 0;
  for (const auto& v : vs) {
    RUCHE_TRY([[maybe_unused]] auto b, p_.blobs.release(c, ws, v.chunks));
    RUCHE_CHECK(store::delete_version(c, v.id));
    freed += v.size_bytes;
  }
  if (freed) {
    RUCHE_TRY([[maybe_unused]] bool ok, store::add_used(c, ws, -freed, settings_.default_quota_bytes));
  }
  return {};
}

Result<void> Service::charge_storage(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) {
  if (bytes < 0) {
    RUCHE_TRY([[maybe_unused]] bool ok, store::add_used(c, ws, bytes, settings_.default_quota_bytes));
    return {};
  }
  return charge(c, ws, bytes);
}

Result<void> Service::charge(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) {
  RUCHE_TRY(bool ok, store::add_used(c, ws, bytes, settings_.default_quota_bytes));
  if (ok) return {};
  // Over quota: old versions make room first (the oldest go), as they would
  // at the next thinning anyway.
  RUCHE_TRY(auto old, store::oldest_versions(c, ws, 1000));
  RUCHE_TRY(Usage u, store::usage(c, ws, settings_.default_quota_bytes));
  if (!u.quota_bytes) return fail(Errc::insufficient_storage, "quota exceeded", "quota_exceeded");
  std::int64_t need = u.used_bytes + bytes - *u.quota_bytes;
  std::int64_t have = 0;
  for (const auto& v : old) have += v.size_bytes;
  if (have < need) return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
  std::vector<store::VersionRow> drop;
  std::int64_t freed = 0;
  for (auto& v : old) {
    if (freed >= need) break;
    freed += v.size_bytes;
    drop.push_back(std::move(v));
  }
  RUCHE_CHECK(drop_versions(c, ws, drop));
  RUCHE_TRY(ok, store::add_used(c, ws, bytes, settings_.default_quota_bytes));
  if (!ok) return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
  return {};
}

Result<void> Service::retain(db::Conn& c, const Node& n) {
  RUCHE_TRY(auto all, store::versions(c, n.id));
  std::int64_t now = p_.clock.now_ms();
  std::vector<std::string> drop;
  std::optional<std::int64_t> last_kept;
  int kept = 0;
  for (const auto& v : all) {  // newest first
    if (v.number == n.version) {
      ++kept;
      last_kept = v.created_at_ms;
      continue;
    }
    bool keep = kept < settings_.versions_max;
    if (keep && last_kept && *last_kept - v.created_at_ms < spacing_ms(now - v.created_at_ms)) keep = false;
    if (keep) {
      ++kept;
      last_kept = v.created_at_ms;
    } else {
      drop.push_back(v.id);
    }
  }
  std::vector<store::VersionRow> rows;
  for (const auto& id : drop) {
    RUCHE_TRY(auto v, store::version_by_id(c, id));
    if (v) rows.push_back(std::move(*v));
  }
  return drop_versions(c, n.workspace_id, rows);
}

Result<void> Service::trash_node(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx, const Node& n,
                                 const std::string& path) {
  std::int64_t now = p_.clock.now_ms();
  RUCHE_CHECK(store::set_trashed(c, n.id, now, ctx.user_id, path));
  RUCHE_CHECK(store::delete_locks_under(c, ws, path));
  RUCHE_CHECK(store::touch_ancestors(c, ws, n.parent_id.str(), now));
  Node gone = n;
  gone.path = path;
  return emit(c, ws, "deleted", gone);
}

Result<void> Service::purge_in(db::Conn& c, const WorkspaceId& ws, const NodeId& id) {
  RUCHE_TRY(auto ids, store::subtree(c, id));
  RUCHE_TRY(auto versions, store::versions_of(c, ids));
  RUCHE_CHECK(drop_versions(c, ws, versions));
  return store::delete_nodes(c, ids);
}

Result<void> Service::reserve(const WorkspaceId& ws, std::int64_t& held, std::uint64_t n) {
  std::lock_guard lock(quota_mu_);
  std::int64_t& r = reserved_[ws.str()];
  r += static_cast<std::int64_t>(n);
  held += static_cast<std::int64_t>(n);
  return {};
}

void Service::release(const WorkspaceId& ws, std::int64_t held) {
  if (held == 0) return;
  std::lock_guard lock(quota_mu_);
  auto it = reserved_.find(ws.str());
  if (it == reserved_.end()) return;
  it->second -= held;
  if (it->second <= 0) reserved_.erase(it);
}

Result<Node> Service::commit_content(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                                     const std::string& parent_id, const std::string& name,
                                     const std::optional<Node>& existing, const blob::BlobRef& ref,
                                     std::int64_t mtime_ms, bool& created, const Sealing& sealed) {
  std::int64_t now = p_.clock.now_ms();
  std::string etag = "\"" + ref.content_hash + "\"";
  created = !existing;
  if (existing && existing->etag == etag) {
    // The same bytes again: no new version, perhaps another date (which
    // clients and the cache of hot files hear of like any change).
    Node same = *existing;
    if (existing->mtime_ms != mtime_ms) {
      RUCHE_CHECK(store::set_mtime(c, existing->id, mtime_ms));
      same.mtime_ms = mtime_ms;
      RUCHE_CHECK(emit(c, ws, "updated", same));
    }
    return same;
  }
  auto size = static_cast<std::int64_t>(ref.size_bytes);
  RUCHE_CHECK(charge(c, ws, size));
  RUCHE_TRY([[maybe_unused]] auto added, p_.blobs.add_refs(c, ws, ref.chunks));
  Node n;
  store::VersionRow v;
  v.id = crypto::new_ordered_id(now);
  if (existing) {
    n = *existing;
    RUCHE_TRY(v.number, store::next_version(c, n.id));
  } else {
    n.id = crypto::new_ordered_id_of<NodeId>(now);  // its creation time is no secret (creationdate)
    n.workspace_id = ws;
    n.parent_id = NodeId(parent_id);
    n.name = name;
    n.created_at_ms = now;
    n.created_by = ctx.user_id;
    v.number = 1;
    if (!sealed.name.empty()) {
      n.sealed_name = sealed.name;
      n.sealed_name_by = ctx.user_id;
    }
  }
  if (!sealed.content.empty()) {
    n.sealed_content = v.sealed = sealed.content;
    n.sealed_content_by = ctx.user_id;
  }
  n.version = v.number;
  n.size_bytes = size;
  n.etag = etag;
  n.sha256 = ref.content_hash;
  n.mtime_ms = mtime_ms;
  n.updated_at_ms = now;
  n.updated_by = ctx.user_id;
  n.content_type = std::string(content_type_for(n.name));
  // A new file is inserted with its first version in place.
  if (!existing) RUCHE_CHECK(store::insert_node(c, n, v.id));
  v.node_id = n.id;
  v.workspace_id = ws;
  v.size_bytes = size;
  v.sha256 = ref.content_hash;
  v.chunks = ref.chunks;
  v.created_at_ms = now;
  v.created_by = ctx.user_id;
  v.mtime_ms = mtime_ms;
  RUCHE_CHECK(store::insert_version(c, v));
  if (existing) {
    RUCHE_CHECK(store::set_content(c, n.id, v.id, v.number, size, etag, n.content_type, mtime_ms, now, ctx.user_id,
                                   v.sealed));
    RUCHE_CHECK(retain(c, n));  // a new file has one version: nothing to thin
  }
  RUCHE_CHECK(store::touch_ancestors(c, ws, n.parent_id.str(), now));
  RUCHE_CHECK(emit(c, ws, created ? "created" : "updated", n));
  return n;
}

// --- Writes -------------------------------------------------------------------

Result<PutResult> Service::put(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                               const Source& body, const PutOptions& opt) {
  // Sizes are signed 64-bit in the quota arithmetic: an announced size past
  // that would wrap around and pass the check made before the bytes come.
  if (opt.expected_bytes && *opt.expected_bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return fail(Errc::too_large, "the announced size is beyond any storage", "too_large");
  // An armoured workspace's records, checked before the write (sealing),
  // then again against what the write finds.
  std::optional<SealCheck> sealing;
  auto check = [&](db::Conn& c, Resolved& r, bool writing) -> Result<void> {
    if (r.names.empty()) return fail(Errc::method_not_allowed, "the root is a folder", "is_a_folder");
    if (!r.parent) return fail(Errc::conflict, "the parent folder does not exist", "no_parent");
    if (r.node && r.node->folder && !opt.rename_on_conflict)
      return fail(Errc::method_not_allowed, "a folder is there", "is_a_folder");
    if (opt.rename_on_conflict && r.node) {
      // Drop folders never overwrite: "name (2).ext".
      std::string base = r.names.back(), ext;
      auto dot = base.rfind('.');
      if (dot != std::string::npos && dot > 0) {
        ext = base.substr(dot);
        base = base.substr(0, dot);
      }
      for (int i = 2; i < 1000 && r.node; ++i) {
        RUCHE_TRY(r.names.back(), normalize_name(base + " (" + std::to_string(i) + ")" + ext));
        RUCHE_TRY(r.node, store::child(c, ws, r.parent->id.str(), r.names.back()));
      }
      if (r.node) return fail(Errc::conflict, "too many files with this name");
    }
    if (opt.if_match) {
      if (!r.node || !dav::etag_listed(*opt.if_match, r.node->etag, false))
        return fail(Errc::precondition_failed, "If-Match failed", "precondition_failed");
    }
    if (opt.if_none_match && r.node && dav::etag_listed(*opt.if_none_match, r.node->etag, true))
      return fail(Errc::precondition_failed, "If-None-Match failed", "precondition_failed");
    if (r.node && changed_since(*r.node, opt.if_unmodified_since_ms))
      return fail(Errc::precondition_failed, "If-Unmodified-Since failed", "precondition_failed");
    const std::int64_t number = r.node ? r.node->version + 1 : 1;
    if (!writing) {
      RUCHE_TRY(sealing, verify_sealing(c, ws, ctx, r.names.back(), !r.node, number, opt.sealed));
    } else if (sealing) {
      RUCHE_CHECK(still_sealed(c, ws, *sealing, !r.node, number));
    } else if (!opt.sealed.name.empty() || !opt.sealed.content.empty()) {
      return not_armoured();
    }
    return check_locks(c, ws, ctx, join(r.names, r.names.size()), false, !r.node);
  };
  // A body that ends in the database's own write (it fits in one stored
  // chunk) is checked there only: refusing it before reading it would save
  // nothing, and asking first cost two read transactions per small upload.
  // Larger bodies are checked before they are streamed, and again when they
  // are committed (the tree may have changed meanwhile); so are bodies of
  // workspaces not known to be plain (an armoured one's records are
  // verified before the write).
  const bool small = opt.expected_bytes && *opt.expected_bytes <= p_.blobs.defer_max();
  struct Checked {
    Resolved resolved;
    Usage usage;
  };
  std::optional<Checked> pre;
  if (!small || armoured_known(ws) != false) {
    RUCHE_TRY(pre, p_.db.read([&](db::Conn& c) -> Result<Checked> {
      RUCHE_TRY(Resolved r, resolve(c, ws, path));
      RUCHE_CHECK(check(c, r, false));
      RUCHE_TRY(Usage u, store::usage(c, ws, settings_.default_quota_bytes));
      if (opt.expected_bytes && u.quota_bytes &&
          u.used_bytes + static_cast<std::int64_t>(*opt.expected_bytes) > *u.quota_bytes)
        return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
      return Checked{std::move(r), u};
    }));
  }

  // Stream the body into chunks, holding its size against the quota.
  std::int64_t held = 0;
  struct Release {
    Service& s;
    const WorkspaceId& ws;
    std::int64_t& held;
    ~Release() { s.release(ws, held); }
  } release_guard{*this, ws, held};
  std::optional<std::int64_t> quota;
  std::int64_t used_at_start = 0;
  if (pre) {
    quota = pre->usage.quota_bytes;
    used_at_start = pre->usage.used_bytes;
  }
  RUCHE_TRY(auto k, keys(ws));
  blob::ContentWriter writer(p_.blobs.store(), k, p_.blobs.pool(), [&](std::uint64_t n) -> Result<void> {
    RUCHE_CHECK(reserve(ws, held, n));
    if (quota) {
      std::int64_t all;
      {
        std::lock_guard lock(quota_mu_);
        all = reserved_[ws.str()];
      }
      if (used_at_start + all > *quota)
        return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
    }
    return {};
  });
  // A buffer the size of a small body, at most 1 MiB.
  writer.defer_chunks_up_to(p_.blobs.defer_max());
  std::string buf(static_cast<std::size_t>(std::clamp<std::uint64_t>(opt.expected_bytes.value_or(1 << 20), 1, 1 << 20)),
                  '\0');
  while (true) {
    RUCHE_TRY(std::size_t n, body(buf.data(), buf.size()));
    if (n == 0) break;
    RUCHE_CHECK(writer.write(std::string_view(buf.data(), n)));
  }
  RUCHE_TRY(blob::BlobRef ref, writer.finish());
  if (opt.expected_bytes && ref.size_bytes != *opt.expected_bytes)
    return fail(Errc::invalid, "the body does not have the length announced", "incomplete_body");
  const auto deferred = writer.take_deferred();

  return p_.db.write([&](db::Conn& c) -> Result<PutResult> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (opt.rename_on_conflict && pre && !pre->resolved.names.empty()) {
      // The name chosen before streaming, unless it was taken meanwhile.
      r.names = pre->resolved.names;
      RUCHE_TRY(r.node, store::child(c, ws, r.parent ? r.parent->id.str() : "", r.names.back()));
    }
    RUCHE_CHECK(check(c, r, true));
    PutResult out;
    std::int64_t mtime = opt.mtime_ms.value_or(p_.clock.now_ms());
    // Small chunks are stored with the rows that reference them: one commit.
    RUCHE_CHECK(p_.blobs.store_deferred(c, ws, deferred));
    RUCHE_TRY(out.node, commit_content(c, ws, ctx, r.parent->id.str(), r.names.back(), r.node, ref, mtime,
                                       out.created, opt.sealed));
    out.node.path = join(r.names, r.names.size());
    if (ctx.user_id.rfind("share:", 0) == 0) {
      // A guest dropped a file through a share link.
      AuditEntry e;
      e.action = "files.share_upload";
      e.workspace_id = ws.str();
      e.object = ctx.user_id.substr(6);
      e.remote_addr = ctx.remote_addr;
      e.request_id = ctx.request_id;
      e.details["node_id"] = out.node.id.str();
      e.details["path"] = out.node.path;
      e.details["size"] = out.node.size_bytes;
      RUCHE_CHECK(p_.audit.append(c, e));
    }
    return out;
  });
}

Result<Node> Service::mkcol(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                            const std::string& sealed_name) {
  std::optional<SealCheck> sealing;
  if (!sealed_name.empty() || armoured_known(ws) != false) {
    RUCHE_TRY(auto names, split_path(path));
    if (!names.empty()) {
      RUCHE_TRY(sealing, p_.db.read([&](db::Conn& c) {
        return verify_sealing(c, ws, ctx, names.back(), true, std::nullopt, Sealing{sealed_name, {}});
      }));
    }
  }
  return p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (r.names.empty() || r.node) return fail(Errc::method_not_allowed, "something is already there", "exists");
    if (!r.parent) return fail(Errc::conflict, "the parent folder does not exist", "no_parent");
    if (sealing) RUCHE_CHECK(still_sealed(c, ws, *sealing, true, std::nullopt));
    std::string p = join(r.names, r.names.size());
    RUCHE_CHECK(check_locks(c, ws, ctx, p, false, true));
    std::int64_t now = p_.clock.now_ms();
    Node n;
    n.id = crypto::new_ordered_id_of<NodeId>(now);
    n.workspace_id = ws;
    n.parent_id = r.parent->id;
    n.name = r.names.back();
    n.folder = true;
    n.mtime_ms = n.created_at_ms = n.updated_at_ms = now;
    n.created_by = n.updated_by = ctx.user_id;
    if (!sealed_name.empty()) {
      n.sealed_name = sealed_name;
      n.sealed_name_by = ctx.user_id;
    }
    RUCHE_CHECK(store::insert_node(c, n));
    RUCHE_TRY(auto stored, store::node(c, n.id));
    n.etag = stored ? stored->etag : "";
    n.path = p;
    RUCHE_CHECK(store::touch_ancestors(c, ws, n.parent_id.str(), now));
    RUCHE_CHECK(emit(c, ws, "created", n));
    return n;
  });
}

Result<Node> Service::rename_sealed(const WorkspaceId& ws, const WriteCtx& ctx, const Node& node,
                                    const std::string& sealed_name) {
  RUCHE_TRY(SealCheck sealing, p_.db.read([&](db::Conn& c) {
    return verify_sealing(c, ws, ctx, node.name, true, std::nullopt, Sealing{sealed_name, {}});
  }));
  if (!sealing.armoured) return not_armoured();
  return p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(Resolved r, resolve(c, ws, node.path));
    if (!r.node || r.node->id != node.id) return fail(Errc::not_found, "no such file");
    RUCHE_CHECK(still_sealed(c, ws, sealing, true, std::nullopt));
    RUCHE_CHECK(check_locks(c, ws, ctx, r.node->path, false, true));
    std::int64_t now = p_.clock.now_ms();
    RUCHE_CHECK(store::set_sealed_name(c, node.id, sealed_name, ctx.user_id, now));
    RUCHE_CHECK(store::touch_ancestors(c, ws, r.node->parent_id.str(), now));
    Node n = *r.node;
    n.sealed_name = sealed_name;
    n.sealed_name_by = n.updated_by = ctx.user_id;
    n.updated_at_ms = now;
    RUCHE_CHECK(emit(c, ws, "updated", n));
    return n;
  });
}

Result<void> Service::remove(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                             const std::optional<std::string>& if_match,
                             std::optional<std::int64_t> if_unmodified_since_ms) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (!r.node) return fail(Errc::not_found, "no such file");
    if (r.node->is_root()) return fail(Errc::forbidden, "the root cannot be deleted", "root");
    if (if_match && !dav::etag_listed(*if_match, r.node->etag, false))
      return fail(Errc::precondition_failed, "If-Match failed", "precondition_failed");
    if (changed_since(*r.node, if_unmodified_since_ms))
      return fail(Errc::precondition_failed, "If-Unmodified-Since failed", "precondition_failed");
    RUCHE_CHECK(check_locks(c, ws, ctx, r.node->path, true, true));
    return trash_node(c, ws, ctx, *r.node, r.node->path);
  });
}

Result<Node> Service::copy_tree(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx, const Node& src,
                                const std::string& parent, const std::string& name, bool recursive,
                                std::int64_t& budget) {
  if (--budget < 0) return fail(Errc::too_large, "too many files to copy in one request", "too_many");
  std::int64_t now = p_.clock.now_ms();
  Node out;
  if (src.folder) {
    out.id = crypto::new_ordered_id_of<NodeId>(now);
    out.workspace_id = ws;
    out.parent_id = NodeId(parent);
    out.name = name;
    out.folder = true;
    out.mtime_ms = src.mtime_ms;
    out.created_at_ms = out.updated_at_ms = now;
    out.created_by = out.updated_by = ctx.user_id;
    RUCHE_CHECK(store::insert_node(c, out));
    RUCHE_CHECK(store::copy_props(c, src.id, out.id));
    RUCHE_CHECK(emit(c, ws, "created", out));
    if (recursive) {
      store::ListQuery q;
      q.limit = static_cast<int>(std::min<std::int64_t>(budget + 1, 1'000'000));
      RUCHE_TRY(auto kids, store::children(c, ws, src.id.str(), q));
      for (const auto& k : kids) {
        RUCHE_TRY([[maybe_unused]] Node copied, copy_tree(c, ws, ctx, k, out.id.str(), k.name, true, budget));
      }
    }
    return out;
  }
  RUCHE_TRY(auto v, store::version(c, src.id, src.version));
  if (!v) return fail(Errc::internal, "a file has no current version");
  blob::BlobRef ref{v->chunks, static_cast<std::uint64_t>(v->size_bytes), v->sha256};
  bool created = false;
  RUCHE_TRY(out, commit_content(c, ws, ctx, parent, name, std::nullopt, ref, src.mtime_ms, created));
  RUCHE_CHECK(store::copy_props(c, src.id, out.id));
  return out;
}

Result<bool> Service::transfer(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view from,
                               std::string_view to, bool move, bool overwrite, dav::Depth depth) {
  return p_.db.write([&](db::Conn& c) {
    return transfer_in(c, ws, ctx, from, to, move, overwrite, depth, nullptr);
  });
}

Result<Node> Service::relocate(const WorkspaceId& ws, const WriteCtx& ctx, const NodeId& id,
                               const Placement& to, bool move) {
  return p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(auto n, store::node(c, id));
    if (!n || n->workspace_id != ws || n->trashed_at_ms)
      return fail(Errc::not_found, "no such file");
    RUCHE_TRY(std::string from, path_of(c, *n));
    std::string parent_path = dav::parent_path(from);
    if (to.parent && to.parent->empty()) {
      parent_path = "/";
    } else if (to.parent) {
      RUCHE_TRY(auto p, store::node(c, *to.parent));
      if (!p || p->workspace_id != ws || !p->folder || p->trashed_at_ms)
        return fail(Errc::not_found, "no such folder");
      RUCHE_TRY(parent_path, path_of(c, *p));
    }
    std::string name = to.name ? *to.name : n->name + (move || to.parent ? "" : " (copy)");
    RUCHE_TRY(name, normalize_name(name));
    const std::string dest = (parent_path == "/" ? "" : parent_path) + "/" + name;
    if (!move || dest != from) {
      auto r = transfer_in(c, ws, ctx, from, dest, move, false, dav::Depth::infinity, &id);
      if (!r && r.error().code == Errc::precondition_failed)
        return fail(Errc::conflict, "something with this name is already there", "exists");
      if (!r) return tl::unexpected(r.error());
    }
    RUCHE_TRY(Resolved out, resolve(c, ws, dest));
    if (!out.node) return fail(Errc::internal, "the entry is not where it was put");
    return std::move(*out.node);
  });
}

Result<bool> Service::transfer_in(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                                  std::string_view from, std::string_view to, bool move,
                                  bool overwrite, dav::Depth depth, const NodeId* expect) {
  RUCHE_TRY(Resolved src, resolve(c, ws, from));
  if (!src.node || (expect && src.node->id != *expect))
    return fail(Errc::not_found, "no such file");
  if (src.node->is_root())
    return fail(Errc::forbidden, "the root cannot be moved or copied", "root");
  RUCHE_TRY(Resolved dst, resolve(c, ws, to));
  std::string from_path = src.node->path, to_path = join(dst.names, dst.names.size());
  if (dst.names.empty() || from_path == to_path)
    return fail(Errc::forbidden, "source and destination are the same", "same_resource");
  if (dav::is_within(to_path, from_path) && src.node->folder)
    return fail(Errc::forbidden, "a folder cannot go inside itself", "into_itself");
  if (dst.node && dav::is_within(from_path, to_path))
    return fail(Errc::forbidden, "the destination contains the source", "into_itself");
  if (!dst.parent)
    return fail(Errc::conflict, "the destination folder does not exist", "no_parent");
  if (dst.node && !overwrite)
    return fail(Errc::precondition_failed, "the destination exists", "destination_exists");
  if (!move) RUCHE_CHECK(refuse_if_armoured(c, ws, "a copy"));
  RUCHE_TRY(bool sealed, armoured(c, ws));
  if (sealed && dst.names.back() != src.node->name)
    return fail(Errc::invalid,
                "an armoured entry keeps its name token: seal a new name record instead",
                "invalid_name");
  if (move) RUCHE_CHECK(check_locks(c, ws, ctx, from_path, true, true));
  RUCHE_CHECK(check_locks(c, ws, ctx, to_path, dst.node.has_value(), true));
  bool created = !dst.node;
  if (dst.node) RUCHE_CHECK(trash_node(c, ws, ctx, *dst.node, to_path));
  if (move) {
    std::int64_t now = p_.clock.now_ms();
    RUCHE_CHECK(
        store::place(c, src.node->id, dst.parent->id.str(), dst.names.back(), now, ctx.user_id));
    RUCHE_CHECK(store::delete_locks_under(c, ws, from_path));
    RUCHE_CHECK(store::touch_ancestors(c, ws, src.node->parent_id.str(), now));
    if (src.node->folder) {
      // The folder's own ETag changes too: its members' paths did.
      RUCHE_CHECK(store::touch_ancestors(c, ws, src.node->id.str(), now));
    } else {
      RUCHE_CHECK(store::touch_ancestors(c, ws, dst.parent->id.str(), now));
    }
    Node moved = *src.node;
    moved.parent_id = dst.parent->id;
    moved.name = dst.names.back();
    moved.path = to_path;
    RUCHE_CHECK(emit(c, ws, "moved", moved, from_path));
  } else {
    std::int64_t budget = kCopyBudget;
    RUCHE_TRY([[maybe_unused]] Node copy,
              copy_tree(c, ws, ctx, *src.node, dst.parent->id.str(), dst.names.back(),
                        depth != dav::Depth::zero, budget));
    RUCHE_CHECK(store::touch_ancestors(c, ws, dst.parent->id.str(), p_.clock.now_ms()));
  }
  return created;
}

Result<std::vector<int>> Service::proppatch(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                                            const std::vector<dav::PropPatchOp>& ops) {
  std::vector<int> status(ops.size(), 200);
  bool failed = false;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].prop.ns == dav::kDavNs || ops[i].value_xml.size() > kMaxPropBytes) {
      status[i] = 403;
      failed = true;
    }
  }
  if (failed) {
    for (auto& s : status)
      if (s == 200) s = 424;
    return status;
  }
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (!r.node) return fail(Errc::not_found, "no such file");
    if (r.node->is_root()) return fail(Errc::forbidden, "the root has no properties", "root");
    // A star changes nothing of the resource: a lock does not stop it.
    if (!std::all_of(ops.begin(), ops.end(), [](const auto& op) { return dav::is_favorite_prop(op.prop); }))
      RUCHE_CHECK(check_locks(c, ws, ctx, r.node->path, false, false));
    std::optional<std::int64_t> mtime;
    for (const auto& op : ops) {
      if (dav::is_favorite_prop(op.prop)) {
        // Nextcloud's clients star files this way: the person's own favorite,
        // not a property everyone would see.
        RUCHE_CHECK(
            favorite_in(c, ctx.user_id, *r.node, !op.remove && trim_blanks(op.value_xml) == "1"));
        continue;
      }
      if (op.remove) {
        RUCHE_CHECK(store::remove_prop(c, r.node->id, op.prop.ns, op.prop.name));
      } else {
        RUCHE_CHECK(store::set_prop(c, r.node->id, {op.prop.ns, op.prop.name, op.value_xml}));
        // Windows' WebClient sets the time a copied file was last modified
        // on the PC this way (an HTTP date), as X-OC-Mtime does for others.
        if (!r.node->folder && op.prop.ns == "urn:schemas-microsoft-com:" && op.prop.name == "Win32LastModifiedTime")
          mtime = dav::parse_http_date(op.value_xml);
      }
    }
    RUCHE_TRY(auto n, store::count_props(c, r.node->id));
    if (n > kMaxPropsPerNode) return fail(Errc::insufficient_storage, "too many properties", "too_many");
    if (mtime && *mtime != r.node->mtime_ms) {
      RUCHE_CHECK(store::set_mtime(c, r.node->id, *mtime));
      Node changed = *r.node;
      changed.mtime_ms = *mtime;
      RUCHE_CHECK(emit(c, ws, "updated", changed));
    }
    return {};
  }));
  return status;
}

Result<Service::Locked> Service::lock(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                                      const dav::LockRequest& req, bool infinite, std::int64_t timeout_s) {
  return p_.db.write([&](db::Conn& c) -> Result<Locked> {
    RUCHE_TRY(Resolved r, resolve(c, ws, path));
    if (!r.node && !r.parent) return fail(Errc::conflict, "the parent folder does not exist", "no_parent");
    std::string p = join(r.names, r.names.size());
    std::int64_t now = p_.clock.now_ms();
    RUCHE_TRY(auto locks,
              store::locks(c, ws, p, infinite ? store::Beneath::all : store::Beneath::none, now));
    for (const auto& l : locks)
      if (dav::conflicts(l, p, req.exclusive, infinite)) return fail(Errc::locked, "already locked", "locked");
    // Every write and listing reads the locks around its path: a bounded number.
    RUCHE_TRY(std::int64_t held, store::count_locks(c, ws, now));
    if (held >= kMaxLocks)
      return fail(Errc::insufficient_storage,
                  "this workspace holds " + std::to_string(held) + " locks, as many as it may",
                  "too_many_locks");
    Locked out;
    if (!r.node) {
      // An empty file would have no records to open it with.
      RUCHE_CHECK(refuse_if_armoured(c, ws, "a lock that creates a file"));
      blob::BlobRef empty{{}, 0, kEmptySha};
      RUCHE_TRY([[maybe_unused]] Node n, commit_content(c, ws, ctx, r.parent->id.str(), r.names.back(),
                                                        std::nullopt, empty, now, out.created));
    }
    out.lock.token = new_lock_token();
    out.lock.root = p;
    out.lock.exclusive = req.exclusive;
    out.lock.infinite = infinite && (!r.node || r.node->folder);
    out.lock.owner_xml = req.owner_xml;
    out.lock.user_id = ctx.user_id;
    out.lock.timeout_s = timeout_s;
    out.lock.expires_at_ms = now + timeout_s * 1000;
    RUCHE_CHECK(store::insert_lock(c, ws, out.lock, now));
    return out;
  });
}

Result<dav::Lock> Service::refresh(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                                   std::int64_t timeout_s) {
  return p_.db.write([&](db::Conn& c) -> Result<dav::Lock> {
    RUCHE_TRY(auto names, split_path(path));
    std::string p = join(names, names.size());
    std::int64_t now = p_.clock.now_ms();
    RUCHE_TRY(auto locks, store::locks(c, ws, p, store::Beneath::none, now));
    for (auto& l : locks) {
      if (!dav::covers(l, p) || l.user_id != ctx.user_id) continue;
      if (std::find(ctx.tokens.begin(), ctx.tokens.end(), l.token) == ctx.tokens.end()) continue;
      l.timeout_s = timeout_s;
      l.expires_at_ms = now + timeout_s * 1000;
      RUCHE_CHECK(store::refresh_lock(c, l.token, timeout_s, l.expires_at_ms));
      return l;
    }
    return fail(Errc::precondition_failed, "no lock of yours was submitted", "lock_token_submitted");
  });
}

Result<void> Service::unlock(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                             const std::string& token) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto names, split_path(path));
    std::string p = join(names, names.size());
    // A lock that does not cover `p` is refused as one that does not exist.
    RUCHE_TRY(auto locks, store::locks(c, ws, p, store::Beneath::none, p_.clock.now_ms()));
    for (const auto& l : locks) {
      if (l.token != token) continue;
      if (!dav::covers(l, p))
        return fail(Errc::conflict, "the lock does not cover this resource", "lock_token_matches_request_uri");
      if (l.user_id != ctx.user_id) return fail(Errc::forbidden, "this lock belongs to someone else", "not_owner");
      RUCHE_TRY([[maybe_unused]] bool gone, store::delete_lock(c, ws, token));
      return {};
    }
    return fail(Errc::conflict, "no such lock on this resource", "lock_token_matches_request_uri");
  });
}

Result<Node> Service::restore(const Caller& caller, const NodeId& id) {
  RUCHE_TRY(Node t, reach(caller, id, Access::write, true));
  WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
  return p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(auto n, store::node(c, id));
    if (!n || !n->trashed_at_ms) return fail(Errc::not_found, "no such file in the trash");
    const WorkspaceId& ws = n->workspace_id;
    // Back where it was when that folder is still there, else at the root.
    std::string parent = n->parent_id.str();
    std::string parent_path = "/";
    if (!parent.empty()) {
      RUCHE_TRY(auto chain, store::ancestry(c, n->parent_id));
      bool ok = !chain.empty() && chain.front().id.size() && std::none_of(chain.begin(), chain.end(), [](const auto& a) {
        return a.trashed;
      });
      RUCHE_TRY(auto top, chain.empty() ? Result<std::optional<Node>>(std::optional<Node>{})
                                        : store::node(c, NodeId(chain.front().id)));
      if (!ok || !top || !top->parent_id.empty()) {
        parent.clear();
      } else {
        parent_path.clear();
        for (const auto& a : chain) parent_path += "/" + a.name;
      }
    }
    std::string name = n->name;
    RUCHE_TRY(auto clash, store::child(c, ws, parent, name));
    // A name token (armoured) cannot become "token (2)": its name record is
    // bound to it. Two entries of one folder share a token only when a
    // client reused one.
    if (clash) {
      RUCHE_TRY(bool sealed, armoured(c, ws));
      if (sealed)
        return fail(Errc::conflict, "an entry of the destination folder has the same name token",
                    "destination_exists");
    }
    for (int i = 2; clash && i < 1000; ++i) {
      std::string base = n->name, ext;
      auto dot = base.rfind('.');
      if (dot != std::string::npos && dot > 0 && !n->folder) {
        ext = base.substr(dot);
        base = base.substr(0, dot);
      }
      RUCHE_TRY(name, normalize_name(base + " (" + std::to_string(i) + ")" + ext));
      RUCHE_TRY(clash, store::child(c, ws, parent, name));
    }
    if (clash) return fail(Errc::conflict, "too many files with this name");
    std::int64_t now = p_.clock.now_ms();
    RUCHE_CHECK(store::set_trashed(c, id, std::nullopt, "", ""));
    RUCHE_CHECK(store::place(c, id, parent, name, now, ctx.user_id));
    RUCHE_CHECK(store::touch_ancestors(c, ws, parent, now));
    n->parent_id = NodeId(parent);
    n->name = name;
    n->trashed_at_ms.reset();
    n->path = (parent_path == "/" ? "" : parent_path) + "/" + name;
    RUCHE_CHECK(emit(c, ws, "restored", *n));
    return std::move(*n);
  });
}

Result<void> Service::purge(const Caller& caller, const NodeId& id) {
  RUCHE_TRY(Node t, reach(caller, id, Access::write, true));
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n, store::node(c, id));
    if (!n || !n->trashed_at_ms) return fail(Errc::not_found, "no such file in the trash");
    RUCHE_CHECK(purge_in(c, n->workspace_id, id));
    n->path = t.path;
    return emit(c, n->workspace_id, "purged", *n);
  });
}

Result<Node> Service::restore_version(const WorkspaceId& ws, const WriteCtx& ctx, const Node& node,
                                      std::int64_t number, const std::string& sealed_content) {
  const Sealing sealed{{}, sealed_content};
  RUCHE_TRY(SealCheck sealing, p_.db.read([&](db::Conn& c) -> Result<SealCheck> {
    RUCHE_TRY(auto cur, store::node(c, node.id));
    if (!cur) return fail(Errc::not_found, "no such file");
    return verify_sealing(c, ws, ctx, cur->name, false, cur->version + 1, sealed);
  }));
  return p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(auto v, store::version(c, node.id, number));
    if (!v) return fail(Errc::not_found, "no such version");
    RUCHE_TRY(auto cur, store::node(c, node.id));
    if (!cur || cur->trashed_at_ms) return fail(Errc::not_found, "no such file");
    RUCHE_CHECK(check_locks(c, ws, ctx, node.path, false, false));
    RUCHE_CHECK(still_sealed(c, ws, sealing, false, cur->version + 1));
    blob::BlobRef ref{v->chunks, static_cast<std::uint64_t>(v->size_bytes), v->sha256};
    bool created = false;
    RUCHE_TRY(Node n, commit_content(c, ws, ctx, cur->parent_id.str(), cur->name, cur, ref, v->mtime_ms, created,
                                     sealed));
    n.path = node.path;
    return n;
  });
}

Result<void> Service::set_quota(const Caller& admin, const WorkspaceId& ws, std::optional<std::int64_t> quota) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto row, c.query_one("SELECT 1 FROM workspaces WHERE id = $1", {ws}));
    if (!row) return fail(Errc::not_found, "no such workspace");
    RUCHE_CHECK(store::set_quota(c, ws, quota));
    AuditEntry e = AuditEntry::by(admin, "files.quota_changed");
    e.workspace_id = ws.str();
    e.object = ws.str();
    e.details["quota_bytes"] = quota ? json::value(*quota) : json::value(nullptr);
    return p_.audit.append(c, e);
  });
}

// --- Shares -------------------------------------------------------------------

Result<std::pair<Share, std::string>> Service::create_share(const Caller& caller, const Node& node,
                                                            const NewShare& spec) {
  if (node.is_root()) return fail(Errc::invalid, "the root cannot be shared", "root");
  if (spec.mode == ShareMode::upload && !node.folder)
    return fail(Errc::invalid, "upload-only links are for folders", "not_a_folder");
  // A guest has no key: the server would serve bytes nobody could open.
  RUCHE_CHECK(p_.db.read([&](db::Conn& c) { return refuse_if_armoured(c, node.workspace_id, "a share link"); }));
  std::optional<std::string> hash;
  if (spec.password) {
    RUCHE_CHECK(crypto::check_password_policy(*spec.password));
    RUCHE_TRY(hash, p_.accounts.hasher().hash(*spec.password));
  }
  if (spec.expires_at_ms && *spec.expires_at_ms <= p_.clock.now_ms())
    return fail(Errc::invalid, "expires_at is in the past", "invalid_field");
  Share s;
  s.id = crypto::new_id_of<ShareId>();
  s.workspace_id = node.workspace_id;
  s.node_id = node.id;
  s.mode = spec.mode;
  s.has_password = hash.has_value();
  s.expires_at_ms = spec.expires_at_ms;
  s.max_downloads = spec.max_downloads;
  s.created_by = caller.user_id.str();
  s.created_at_ms = p_.clock.now_ms();
  std::string token = crypto::new_token();
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    // Counted exactly: two links made at once wait for each other here.
    RUCHE_CHECK(platform::order_workspace_writes(c, node.workspace_id));
    RUCHE_TRY(std::int64_t held, store::count_shares(c, node.id));
    if (held >= kMaxSharesPerNode)
      return fail(
          Errc::conflict,
          "this item has " + std::to_string(held) + " share links, as many as it may: revoke some",
          "too_many_shares");
    RUCHE_CHECK(store::insert_share(c, s, crypto::token_hash(token), hash));
    AuditEntry e = AuditEntry::by(caller, "files.share_created");
    e.workspace_id = node.workspace_id.str();
    e.object = s.id.str();
    e.details["node_id"] = node.id.str();
    e.details["mode"] = to_string(s.mode);
    e.details["password"] = s.has_password;
    RUCHE_CHECK(p_.audit.append(c, e));
    json::object d;
    d["id"] = s.id.str();
    d["node_id"] = node.id.str();
    d["mode"] = to_string(s.mode);
    RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, node.workspace_id, "share.created", "files", d));
    return {};
  }));
  return std::make_pair(s, token);
}

Result<std::vector<Share>> Service::shares(const Node& node) {
  return p_.db.read([&](db::Conn& c) { return store::shares_of(c, node.id); });
}

Result<void> Service::revoke_share(const Caller& caller, const ShareId& id) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    if (!is_id(id.str())) return fail(Errc::not_found, "no such share");
    RUCHE_TRY(auto row, store::share(c, id));
    if (!row) return fail(Errc::not_found, "no such share");
    auto access = p_.authz.access_in(c, caller.user_id, row->share.workspace_id);
    if (!access || !access->module_active("files") || access->right("files") == Access::none)
      return platform::refused(Errc::not_found, "no such share", row->share.workspace_id);
    RUCHE_CHECK(platform::Authz::check(*access, "files", Access::write));
    if (row->share.revoked_at_ms) return {};
    RUCHE_CHECK(store::revoke_share(c, id, p_.clock.now_ms()));
    AuditEntry e = AuditEntry::by(caller, "files.share_revoked");
    e.workspace_id = row->share.workspace_id.str();
    e.object = id.str();
    RUCHE_CHECK(p_.audit.append(c, e));
    json::object d;
    d["id"] = id.str();
    d["node_id"] = row->share.node_id.str();
    d["mode"] = to_string(row->share.mode);
    RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, row->share.workspace_id, "share.revoked", "files", d));
    return {};
  });
}

Result<Service::FoundShare> Service::find_share(std::string_view token) {
  if (token.size() != 43) return fail(Errc::not_found, "no such link");
  std::string th = crypto::token_hash(token);
  RUCHE_TRY(auto found, p_.db.read([&](db::Conn& c) -> Result<std::optional<FoundShare>> {
    RUCHE_TRY(auto row, store::share_by_token(c, th));
    if (!row || row->share.revoked_at_ms) return std::optional<FoundShare>{};
    if (row->share.expires_at_ms && *row->share.expires_at_ms <= p_.clock.now_ms())
      return std::optional<FoundShare>{};
    RUCHE_TRY(auto n, store::node(c, row->share.node_id));
    if (!n || n->trashed_at_ms) return std::optional<FoundShare>{};
    RUCHE_TRY(auto chain, store::ancestry(c, n->id));
    if (std::any_of(chain.begin(), chain.end(), [](const auto& a) { return a.trashed; }))
      return std::optional<FoundShare>{};
    RUCHE_TRY(auto module, c.query_one("SELECT 1 FROM workspace_modules WHERE workspace_id = $1 AND module = 'files'",
                                       {n->workspace_id}));
    if (!module) return std::optional<FoundShare>{};
    FoundShare f{ShareAccess{row->share, std::move(*n)}, th, row->password_hash};
    for (const auto& a : chain) f.access.node.path += "/" + a.name;
    return std::optional<FoundShare>(std::move(f));
  }));
  if (!found) return fail(Errc::not_found, "no such link");
  return std::move(*found);
}

// The grant's MAC covers the token (through its hash), the share id and the
// password hash: another share, a re-created link or a new password all give
// another MAC.
std::string Service::grant_mac(const FoundShare& f, std::string_view expires_s) const {
  std::string data = "v1";
  for (std::string_view part :
       {std::string_view(f.token_hash), std::string_view(f.access.share.id.str()),
        std::string_view(f.password_hash), expires_s}) {
    data += '\0';
    data += part;
  }
  return crypto::hmac_sha256(grant_key_, data);
}

// "<expiry in Unix seconds>.<base64url MAC>".
bool Service::grant_valid(const FoundShare& f, std::string_view grant) const {
  if (grant.size() > 80) return false;
  auto dot = grant.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12) return false;
  std::string_view expires_s = grant.substr(0, dot);
  std::int64_t expires = 0;
  for (char ch : expires_s) {
    if (ch < '0' || ch > '9') return false;
    expires = expires * 10 + (ch - '0');
  }
  std::int64_t now_s = p_.clock.now_ms() / 1000;
  if (expires <= now_s || expires > now_s + kShareGrantMs / 1000 + 60) return false;
  auto mac = crypto::base64url_decode(grant.substr(dot + 1));
  if (!mac) return false;
  return crypto::constant_time_equal(*mac, grant_mac(f, expires_s));
}

Result<Service::ShareAccess> Service::check_share_key(const FoundShare& found, const ShareKey& key,
                                                      const std::string& remote_addr,
                                                      const std::string& request_id) {
  const ShareAccess& a = found.access;
  if (found.password_hash.empty()) return a;
  for (std::size_t i = 0; i < key.grants.size() && i < kMaxShareGrants; ++i)
    if (grant_valid(found, key.grants[i])) return a;
  std::string throttle_key = "share:" + a.share.id.str();
  RUCHE_TRY(auto locked, p_.throttle.locked_for(p_.db, throttle_key, remote_addr));
  if (locked)
    return fail_rate_limited("too many wrong passwords; retry later", "throttled", *locked);
  if (!key.password)
    return fail(Errc::unauthenticated, "this link needs a password", "password_required");
  const std::string& password = *key.password;
  std::string ok_key = crypto::sha256(found.token_hash + '\0' + password);
  std::int64_t now = p_.clock.now_ms();
  {
    std::lock_guard lock(share_mu_);
    auto it = share_ok_.find(ok_key);
    if (it != share_ok_.end() && now - it->second < kShareOkMs) return a;
  }
  if (!p_.accounts.hasher().verify(found.password_hash, password)) {
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      RUCHE_CHECK(p_.throttle.record_failure(c, throttle_key, remote_addr));
      AuditEntry e = share_audit(a.share, "files.share_password_failed", remote_addr, request_id);
      e.outcome = "failure";
      return p_.audit.append(c, e);
    }));
    return fail(Errc::unauthenticated, "wrong password", "bad_password");
  }
  std::lock_guard lock(share_mu_);
  if (share_ok_.size() > 10'000) share_ok_.clear();
  share_ok_[ok_key] = now;
  return a;
}

Result<Service::ShareAccess> Service::open_share(std::string_view token, const ShareKey& key,
                                                 const std::string& remote_addr,
                                                 const std::string& request_id) {
  RUCHE_TRY(FoundShare found, find_share(token));
  return check_share_key(found, key, remote_addr, request_id);
}

Result<std::pair<Service::ShareAccess, std::optional<Service::ShareGrant>>> Service::unlock_share(
    std::string_view token, const std::string& password, const std::string& remote_addr,
    const std::string& request_id) {
  RUCHE_TRY(FoundShare found, find_share(token));
  RUCHE_TRY(ShareAccess a, check_share_key(found, ShareKey{password, {}}, remote_addr, request_id));
  if (found.password_hash.empty()) return std::make_pair(std::move(a), std::optional<ShareGrant>{});
  std::int64_t expires_at_ms = p_.clock.now_ms() + kShareGrantMs;
  if (a.share.expires_at_ms) expires_at_ms = std::min(expires_at_ms, *a.share.expires_at_ms);
  std::string expires_s = std::to_string(expires_at_ms / 1000);
  ShareGrant g{expires_s + "." + crypto::base64url_encode(grant_mac(found, expires_s)),
               expires_at_ms};
  // A guest who proved the password gets an hour of access: audited like a login.
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    AuditEntry e = share_audit(a.share, "files.share_unlocked", remote_addr, request_id);
    e.details["expires_at"] = format_iso8601(expires_at_ms);
    return p_.audit.append(c, e);
  }));
  return std::make_pair(std::move(a), std::optional<ShareGrant>(std::move(g)));
}

Result<void> Service::count_share_download(const ShareAccess& a, const std::string& what,
                                           const std::string& remote_addr, const std::string& request_id) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(bool ok, store::count_download(c, a.share.id));
    if (!ok) return fail(Errc::gone, "this link's download limit is reached", "download_limit");
    AuditEntry e = share_audit(a.share, "files.share_download", remote_addr, request_id);
    e.details["node_id"] = a.node.id.str();
    e.details["path"] = what;
    return p_.audit.append(c, e);
  });
}

// --- Resumable uploads ----------------------------------------------------------

Result<store::UploadRow> Service::begin_upload(const WorkspaceId& ws, const WriteCtx& ctx, const Node& parent,
                                               const std::string& name, std::int64_t length) {
  if (!parent.folder) return fail(Errc::invalid, "the parent is not a folder", "not_a_folder");
  RUCHE_TRY(std::string clean, normalize_name(name));
  if (length < 0) return fail(Errc::invalid, "Upload-Length is required", "invalid_length");
  return p_.db.write([&](db::Conn& c) -> Result<store::UploadRow> {
    // An armoured workspace's entry is named by its token; its records come
    // with the PATCH that completes the upload.
    RUCHE_TRY([[maybe_unused]] SealCheck named, verify_sealing(c, ws, ctx, clean, false, std::nullopt, {}));
    RUCHE_TRY(Usage u, store::usage(c, ws, settings_.default_quota_bytes));
    if (u.quota_bytes && u.used_bytes + length > *u.quota_bytes)
      return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
    std::string p = (parent.path == "/" ? "" : parent.path) + "/" + clean;
    RUCHE_TRY(auto existing, store::child(c, ws, parent.id.str(), clean));
    if (existing && existing->folder) return fail(Errc::conflict, "a folder has this name", "is_a_folder");
    RUCHE_CHECK(check_locks(c, ws, ctx, p, false, !existing));
    store::UploadRow row;
    row.id = crypto::new_id_of<UploadId>();
    row.workspace_id = ws;
    row.user_id = ctx.user_id;
    row.parent_id = parent.id.str();
    row.name = clean;
    row.length = length;
    row.created_at_ms = p_.clock.now_ms();
    row.expires_at_ms = row.created_at_ms + settings_.upload_ttl_ms;
    RUCHE_CHECK(store::insert_upload(c, row));
    return row;
  });
}

Result<store::UploadRow> Service::reach_upload(const Caller& caller, const UploadId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<store::UploadRow> {
    if (!is_id(id.str())) return fail(Errc::not_found, "no such upload");
    RUCHE_TRY(auto u, store::upload(c, id));
    if (!u || u->user_id != caller.user_id.str() || u->expires_at_ms <= p_.clock.now_ms())
      return fail(Errc::not_found, "no such upload");
    auto access = p_.authz.access_in(c, caller.user_id, u->workspace_id);
    if (!access || !access->module_active("files") || access->right("files") == Access::none)
      return platform::refused(Errc::not_found, "no such upload", u->workspace_id);
    RUCHE_CHECK(platform::Authz::check(*access, "files", Access::write));
    return std::move(*u);
  });
}

Result<Service::Appended> Service::append_upload(const store::UploadRow& u, const WriteCtx& ctx,
                                                 std::int64_t offset, const Source& body,
                                                 const Sealing& sealed) {
  if (offset != u.offset) return fail(Errc::conflict, "Upload-Offset does not match", "offset_mismatch");
  const WorkspaceId& ws = u.workspace_id;
  if (!u.node_id.empty()) {
    // Complete already: a client whose answer was lost asks again, with no
    // bytes (any would be past Upload-Length), and learns the file it made.
    char probe = 0;
    RUCHE_TRY(std::size_t extra, body(&probe, 1));
    if (extra) return fail(Errc::invalid, "more bytes than Upload-Length", "too_long");
    RUCHE_TRY(auto made, p_.db.read([&](db::Conn& c) { return store::node(c, NodeId(u.node_id)); }));
    if (!made || made->trashed_at_ms) return fail(Errc::not_found, "the file this upload made is gone");
    Appended out;
    out.offset = u.offset;
    out.node = std::move(*made);
    return out;
  }
  RUCHE_TRY(auto k, keys(ws));
  std::int64_t held = 0;
  struct Release {
    Service& s;
    const WorkspaceId& ws;
    std::int64_t& held;
    ~Release() { s.release(ws, held); }
  } release_guard{*this, ws, held};
  blob::ContentWriter writer(p_.blobs.store(), k, p_.blobs.pool(), [&](std::uint64_t n) { return reserve(ws, held, n); });
  Appended out;
  std::string buf(1 << 20, '\0');
  std::int64_t room = u.length - u.offset;
  while (true) {
    auto n = body(buf.data(), buf.size());
    if (!n) {
      out.interrupted = n.error();
      break;
    }
    if (*n == 0) break;
    if (static_cast<std::int64_t>(*n) > room - static_cast<std::int64_t>(writer.size_bytes()))
      return fail(Errc::invalid, "more bytes than Upload-Length", "too_long");
    RUCHE_CHECK(writer.write(std::string_view(buf.data(), *n)));
  }
  RUCHE_CHECK(writer.cut());
  RUCHE_TRY(auto added, writer.stored());
  auto got = static_cast<std::int64_t>(writer.size_bytes());
  std::vector<blob::ChunkRef> all;
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto cur, store::upload(c, u.id));
    if (!cur || cur->offset != offset) return fail(Errc::conflict, "the upload moved on meanwhile", "offset_mismatch");
    RUCHE_TRY([[maybe_unused]] auto b, p_.blobs.add_refs(c, ws, added));
    all = cur->chunks;
    all.insert(all.end(), added.begin(), added.end());
    return store::update_upload(c, u.id, offset + got, all, p_.clock.now_ms() + settings_.upload_ttl_ms);
  }));
  out.offset = offset + got;
  if (out.offset < u.length) return out;
  // Complete: the content's hash, then the file.
  blob::detail::Sha256 sha;
  RUCHE_TRY([[maybe_unused]] auto read_bytes,
            p_.blobs.read(k, all, 0, static_cast<std::uint64_t>(u.length),
                         [&](std::string_view d) -> Result<void> {
                           sha.update(d);
                           return {};
                         }));
  blob::BlobRef ref{all, static_cast<std::uint64_t>(u.length), sha.finish_hex()};
  // Its records, checked for the file as it is now, before the write.
  RUCHE_TRY(SealCheck sealing, p_.db.read([&](db::Conn& c) -> Result<SealCheck> {
    RUCHE_TRY(auto existing, store::child(c, ws, u.parent_id, u.name));
    return verify_sealing(c, ws, ctx, u.name, !existing, existing ? existing->version + 1 : 1, sealed);
  }));
  RUCHE_TRY(Node n, p_.db.write([&](db::Conn& c) -> Result<Node> {
    RUCHE_TRY(auto cur, store::upload(c, u.id));
    if (!cur) return fail(Errc::not_found, "no such upload");
    RUCHE_TRY(auto parent, store::node(c, NodeId(u.parent_id)));
    std::string parent_path = "/";
    if (!u.parent_id.empty()) {
      RUCHE_TRY(auto chain, store::ancestry(c, NodeId(u.parent_id)));
      if (!parent || !parent->folder ||
          std::any_of(chain.begin(), chain.end(), [](const auto& a) { return a.trashed; }))
        return fail(Errc::conflict, "the destination folder is gone", "no_parent");
      parent_path.clear();
      for (const auto& a : chain) parent_path += "/" + a.name;
    }
    RUCHE_TRY(auto existing, store::child(c, ws, u.parent_id, u.name));
    if (existing && existing->folder) return fail(Errc::conflict, "a folder has this name", "is_a_folder");
    std::string p = (parent_path == "/" ? "" : parent_path) + "/" + u.name;
    RUCHE_CHECK(check_locks(c, ws, ctx, p, false, !existing));
    RUCHE_CHECK(still_sealed(c, ws, sealing, !existing, existing ? existing->version + 1 : 1));
    bool created = false;
    RUCHE_TRY(Node node, commit_content(c, ws, ctx, u.parent_id, u.name, existing, ref, p_.clock.now_ms(), created,
                                        sealing.armoured ? sealed : Sealing{}));
    RUCHE_TRY([[maybe_unused]] auto freed, p_.blobs.release(c, ws, all));
    RUCHE_CHECK(store::complete_upload(c, u.id, node.id));
    node.path = p;
    return node;
  }));
  out.node = std::move(n);
  return out;
}

Result<void> Service::cancel_upload(const store::UploadRow& u) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto cur, store::upload(c, u.id));
    if (!cur) return {};
    RUCHE_TRY([[maybe_unused]] auto freed, p_.blobs.release(c, u.workspace_id, cur->chunks));
    return store::delete_upload(c, u.id);
  });
}

// --- Housekeeping -----------------------------------------------------------------

Result<void> Service::maintain() {
  std::int64_t now = p_.clock.now_ms();
  while (true) {
    RUCHE_TRY(auto old, p_.db.read([&](db::Conn& c) { return store::trash_older_than(c, now - settings_.trash_ms, 50); }));
    if (old.empty()) break;
    for (const auto& id : old) {
      RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
        RUCHE_TRY(auto n, store::node(c, id));
        if (!n || !n->trashed_at_ms) return {};
        RUCHE_CHECK(purge_in(c, n->workspace_id, id));
        RUCHE_TRY(n->path, store::trashed_path(c, id));
        return emit(c, n->workspace_id, "purged", *n);
      }));
    }
    if (old.size() < 50) break;
  }
  RUCHE_TRY(auto expired, p_.db.read([&](db::Conn& c) { return store::expired_uploads(c, now, 1000); }));
  for (const auto& u : expired) RUCHE_CHECK(cancel_upload(u));
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return store::delete_expired_locks(c, now); }));
  // Every module's unreferenced chunks (the namespace is the workspace's).
  RUCHE_TRY([[maybe_unused]] auto stats, p_.blobs.collect_garbage());
  return {};
}


}  // namespace ruche::files
