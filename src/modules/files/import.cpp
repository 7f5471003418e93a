// Files' side of a workspace import (platform/import.hpp): reads back what
// Service::export_workspace wrote. Contents (files/tree/..., files/history/...)
// arrive first and are stored as they come; each page of records
// (files/nodes/*.jsonl) then becomes nodes, versions, properties, stars and
// share links in one transaction, every version checked against the content
// it names.
#include <map>
#include <vector>

#include "core/crypto/random.hpp"
#include "modules/files/service.hpp"
#include "platform/file_names.hpp"
#include "platform/import.hpp"

namespace ruche::files {
namespace {

Result<void> bad(std::string message) { return fail(Errc::invalid, "files: " + std::move(message), "bad_export"); }

using platform::record::integer;
using platform::record::list;
using platform::record::text;
using platform::record::time;

class FilesImport final : public platform::ModuleImport {
 public:
  FilesImport(platform::Platform& p, const platform::ImportContext& ctx, std::int64_t default_quota)
      : p_(p), ctx_(ctx), default_quota_(default_quota) {}

  Result<void> entry(platform::ImportEntry& e) override {
    const std::string& path = e.entry().path;
    if (e.entry().folder) return {};
    if (path.starts_with("files/tree/") || path.starts_with("files/history/")) return e.store_content(path);
    if (path.starts_with("files/nodes/") && path.ends_with(".jsonl")) {
      RUCHE_TRY(auto lines, e.lines());
      return records(lines);
    }
    return {};  // README.txt
  }

  Result<json::object> finish() override {
    json::object o;
    o["folders"] = folders_;
    o["files"] = files_;
    o["versions"] = versions_;
    o["bytes"] = bytes_;
    o["share_links"] = shares_;
    o["share_links_kept_by_origin"] = shares_kept_by_origin_;
    return o;
  }

 private:
  // What a page's transaction did, kept apart until it commits: the
  // database may run the transaction again (a retry, or SQLite running a
  // group of writes again), which must find the importer as it was.
  struct Page {
    std::map<std::string, std::string> ids;
    std::int64_t folders = 0, files = 0, versions = 0, bytes = 0, shares = 0, shares_kept_by_origin = 0;
  };

  Result<void> records(const std::vector<json::object>& lines) {
    // An armoured workspace's name and content records: checked before the
    // page's transaction, on every core.
    if (ctx_.armour)
      RUCHE_CHECK(ctx_.armour->check_each(lines.size(), [&](std::size_t i) { return sealed_records(lines[i]); }));
    Page page;
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      page = Page{};
      for (const auto& o : lines) RUCHE_CHECK(node(c, o, page));
      RUCHE_TRY(bool ok, store::add_used(c, ctx_.workspace, page.bytes, default_quota_));
      if (!ok) return fail(Errc::insufficient_storage, "the workspace's quota is exhausted", "quota_exceeded");
      return {};
    }));
    ids_.merge(page.ids);
    folders_ += page.folders;
    files_ += page.files;
    versions_ += page.versions;
    bytes_ += page.bytes;
    shares_ += page.shares;
    shares_kept_by_origin_ += page.shares_kept_by_origin;
    return {};
  }

  const std::string* new_id(const Page& page, const std::string& old) const {
    if (auto it = ids_.find(old); it != ids_.end()) return &it->second;
    if (auto it = page.ids.find(old); it != page.ids.end()) return &it->second;
    return nullptr;
  }

  Result<void> node(db::Conn& c, const json::object& o, Page& page) {
    const std::string old_id = text(o, "id");
    if (old_id.empty() || new_id(page, old_id)) return bad("a record without an id, or twice the same");
    Node n;
    n.workspace_id = ctx_.workspace;
    if (auto parent = o.find("parent_id"); parent != o.end() && !parent->value().is_null()) {
      const std::string* id = parent->value().is_string() ? new_id(page, std::string(parent->value().as_string())) : nullptr;
      if (!id) return bad("a record before its folder's");
      n.parent_id = NodeId(*id);
    }
    RUCHE_TRY(n.name, platform::normalize_file_name(text(o, "name")));
    if (ctx_.armour) RUCHE_CHECK(sealed_name(o, n));
    n.folder = text(o, "kind") == "folder";
    auto created = time(o, "created_at"), updated = time(o, "updated_at"), mtime = time(o, "mtime");
    if (!created || !updated || !mtime) return bad("a record without its dates");
    n.id = crypto::new_ordered_id_of<NodeId>(*created);  // as if made then (creationdate)
    n.created_at_ms = *created;
    n.updated_at_ms = *updated;
    n.mtime_ms = *mtime;
    n.created_by = ctx_.user(text(o, "created_by"));
    n.updated_by = ctx_.user(text(o, "updated_by"));
    n.content_type = text(o, "content_type");
    // Only folders are looked up again (by their entries, which come after
    // them): files are not remembered, so that millions of them do not all
    // stay in memory.
    if (n.folder) page.ids[old_id] = n.id.str();

    std::vector<store::VersionRow> versions;
    std::string current_id;
    if (!n.folder) {
      if (list(o, "versions").empty()) return bad("a file without versions");
      for (const auto& vv : list(o, "versions")) {
        if (!vv.is_object()) return bad("a version is not an object");
        const json::object& v = vv.as_object();
        auto number = integer(v, "number"), size = integer(v, "size");
        auto at = time(v, "created_at"), vmtime = time(v, "mtime");
        if (!number || *number < 1 || !size || !at || !vmtime) return bad("a version without its number, size or dates");
        // In their order, each once, the current one last (the export writes
        // them so): a file's next version takes the number after its current.
        if (!versions.empty() && *number <= versions.back().number)
          return bad("versions out of order, or twice the same number");
        if (!current_id.empty()) return bad("a version after the current one");
        // Each content is one version's: taken, no other version finds it.
        RUCHE_TRY(auto content, platform::take_content(c, ctx_.workspace, text(v, "entry")));
        if (!content) return bad("a version whose content is not in the archive, or another's");
        const blob::BlobRef& ref = *content;
        if (ref.size_bytes != static_cast<std::uint64_t>(*size) || ref.content_hash != text(v, "sha256"))
          return bad("the content of " + text(o, "path") + " differs from its record (size or SHA-256)");
        store::VersionRow row;
        row.id = crypto::new_ordered_id(*at);
        row.node_id = n.id;
        row.workspace_id = ctx_.workspace;
        row.number = *number;
        row.size_bytes = *size;
        row.sha256 = ref.content_hash;
        row.chunks = ref.chunks;
        row.created_at_ms = *at;
        row.created_by = ctx_.user(text(v, "created_by"));
        row.mtime_ms = *vmtime;
        if (ctx_.armour) {
          row.sealed = text(v, "sealed");
          if (row.sealed.empty()) return bad("an armoured file's version without its content record");
        }
        if (auto cur = v.find("current"); cur != v.end() && cur->value().is_bool() && cur->value().as_bool()) {
          n.version = row.number;
          n.size_bytes = row.size_bytes;
          n.etag = "\"" + row.sha256 + "\"";
          current_id = row.id;
          n.sealed_content = row.sealed;
          if (!row.sealed.empty()) n.sealed_content_by = row.created_by;
        }
        versions.push_back(std::move(row));
      }
      if (current_id.empty()) return bad("a file without a current version");
    }
    RUCHE_CHECK(store::insert_node(c, n, current_id));
    for (const auto& v : versions) {
      RUCHE_CHECK(store::insert_version(c, v));
      RUCHE_TRY([[maybe_unused]] auto refs, p_.blobs.add_refs(c, ctx_.workspace, v.chunks));
      page.bytes += v.size_bytes;
      ++page.versions;
    }
    ++(n.folder ? page.folders : page.files);
    if (auto trashed = time(o, "trashed_at"))
      RUCHE_CHECK(store::set_trashed(c, n.id, *trashed, ctx_.user(text(o, "trashed_by")), text(o, "path")));
    for (const auto& pv : list(o, "properties")) {
      if (!pv.is_object()) return bad("a property is not an object");
      const json::object& pr = pv.as_object();
      RUCHE_CHECK(store::set_prop(c, n.id, store::Prop{text(pr, "namespace"), text(pr, "name"), text(pr, "value")}));
    }
    std::int64_t live_shares = 0;
    for (const auto& sv : list(o, "shares")) {
      if (!sv.is_object()) return bad("a share link is not an object");
      if (!time(sv.as_object(), "revoked_at") && ++live_shares > kMaxSharesPerNode)
        return bad("an entry with more than " + std::to_string(kMaxSharesPerNode) +
                   " share links not revoked");
      RUCHE_CHECK(share(c, n, sv.as_object(), page));
    }
    for (const auto& u : list(o, "favorite_of"))
      if (u.is_string() && ctx_.known_user(std::string(u.as_string()))) {
        RUCHE_TRY([[maybe_unused]] bool on,
                  store::set_favorite(c, ctx_.user(std::string(u.as_string())), n, true, ctx_.now_ms));
      }
    return {};
  }

  // An armoured workspace's entry (docs/armoured.md, "Files"): its name
  // is its token, and its name record, sealed, comes with it — bound to
  // the archive's ids ("Importing an armoured archive").
  Result<void> sealed_name(const json::object& o, Node& n) {
    if (n.name.size() != 22 || !platform::armour_bytes(n.name, 16))
      return bad("an armoured workspace's entry is named by a token of 16 bytes");
    n.sealed_name = text(o, "sealed_name");
    n.sealed_name_by = ctx_.user(text(o, "sealed_name_by"));
    if (n.sealed_name.empty() || n.sealed_name_by.empty()) return bad("an armoured entry without its name record");
    return {};  // the record itself: sealed_records()
  }
  // An entry's name record and its versions' content records, checked
  // (any missing is refused with the entry: node()).
  Result<void> sealed_records(const json::object& o) const {
    auto name = platform::normalize_file_name(text(o, "name"));
    if (!name) return {};  // refused with the entry
    if (const std::string record = text(o, "sealed_name"); !record.empty())
      RUCHE_CHECK(sealed_record(record, "ruche-files-name", text(o, "sealed_name_by"), *name + "\n"));
    for (const auto& vv : list(o, "versions")) {
      if (!vv.is_object()) continue;
      const json::object& v = vv.as_object();
      auto number = integer(v, "number");
      const std::string record = text(v, "sealed");
      if (record.empty() || !number) continue;
      RUCHE_CHECK(sealed_record(record, "ruche-files-content", text(v, "created_by"),
                                *name + "\n" + std::to_string(*number) + "\n"));
    }
    return {};
  }
  // A name or content record, by `author` (their id in the archive):
  // bound to the workspace there, then `bound` (the token, and for a
  // content record its version's number), then the author there.
  Result<void> sealed_record(const std::string& record, std::string_view domain, const std::string& author,
                             const std::string& bound) const {
    RUCHE_TRY(platform::SealedText t, ctx_.armour->check(record, "", domain, author, [&](const auto& b) {
      return std::string(b.workspace) + "\n" + bound + std::string(b.author);
    }));
    if (t.version != 1) return bad("files' records are version 1");
    return {};
  }

  // A share link as it was: the same token (its hash), password, limits and
  // counts, so its URL works again — unless the workspace it came from is
  // still here with it (then it stays that one's).
  Result<void> share(db::Conn& c, const Node& n, const json::object& o, Page& page) {
    store::ShareRow r;
    Share& sh = r.share;
    auto mode = share_mode_of(text(o, "mode"));
    if (!mode) return bad("a share link's mode");
    sh.mode = *mode;
    r.token_hash = text(o, "token_sha256");
    if (r.token_hash.size() != 64 || r.token_hash.find_first_not_of("0123456789abcdef") != std::string::npos)
      return bad("a share link's token hash");
    if (auto pw = o.find("password_hash"); pw != o.end() && !pw->value().is_null()) {
      r.password_hash = text(o, "password_hash");
      if (!r.password_hash.starts_with("$argon2id$") || r.password_hash.size() > 256)
        return bad("a share link's password hash");
    }
    auto created = time(o, "created_at");
    auto downloads = integer(o, "downloads");
    if (!created || !downloads || *downloads < 0) return bad("a share link without its date or count");
    sh.id = crypto::new_ordered_id_of<ShareId>(*created);
    sh.workspace_id = ctx_.workspace;
    sh.node_id = n.id;
    sh.created_at_ms = *created;
    sh.created_by = ctx_.user(text(o, "created_by"));
    sh.downloads = *downloads;
    sh.expires_at_ms = time(o, "expires_at");
    sh.max_downloads = integer(o, "max_downloads");
    sh.revoked_at_ms = time(o, "revoked_at");
    RUCHE_TRY(bool restored, store::restore_share(c, r));
    ++(restored ? page.shares : page.shares_kept_by_origin);
    return {};
  }

  platform::Platform& p_;
  const platform::ImportContext& ctx_;
  std::int64_t default_quota_;
  std::map<std::string, std::string> ids_;         // exported folder id -> new
  std::int64_t folders_ = 0, files_ = 0, versions_ = 0, bytes_ = 0, shares_ = 0, shares_kept_by_origin_ = 0;
};

}  // namespace

Result<std::unique_ptr<platform::ModuleImport>> Service::importer(const platform::ImportContext& ctx) {
  return std::make_unique<FilesImport>(p_, ctx, settings_.default_quota_bytes);
}

}  // namespace ruche::files
