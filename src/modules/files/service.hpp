// Files' rules: paths and names, versions and their retention, trash,
// quotas, WebDAV locks and properties, share links, resumable uploads,
// events. No HTTP (routes.cpp, dav.cpp, tus.cpp), no SQL (store.hpp).
// Thread-safe; every call blocks (database, disk): worker threads only.
//
// Paths are decoded and absolute ("/a/b", "/" for the root); callers split
// and normalize them with split_path(). Write calls take a WriteCtx: who
// acts, and the lock tokens the client proved it holds (a locked resource is
// Errc::locked unless one of its locks' tokens is there, held by the caller).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/blob/content.hpp"
#include "dav/dav.hpp"
#include "modules/files/files.hpp"
#include "modules/files/store.hpp"
#include "platform/maintenance.hpp"
#include "platform/platform.hpp"
#include "platform/registry.hpp"

namespace ruche::files {

struct Settings {
  std::int64_t default_quota_bytes = -1;     // per workspace; negative: unlimited
  int versions_max = 50;                     // per file, the current one included
  std::int64_t trash_ms = 30LL * 86'400'000; // then purged for good
  std::int64_t upload_ttl_ms = 7LL * 86'400'000;  // unfinished resumable uploads
  std::int64_t maintenance_every_ms = 600'000;  // 0: only when maintain() is called
  std::int64_t lock_max_s = 7 * 86'400;
  std::int64_t lock_default_s = 3600;
};

// Reads the module's settings from the platform configuration ("files").
Settings settings_from(const platform::PlatformConfig& config);

struct WriteCtx {
  std::string user_id;                 // or "share:<id>" for a drop folder
  std::vector<std::string> tokens;     // lock tokens submitted
  std::string remote_addr;
  std::string request_id;
};

using Source = std::function<Result<std::size_t>(char* buf, std::size_t size)>;
using Sink = FunctionRef<Result<void>(std::string_view)>;

// What a browser sealed for an armoured workspace (docs/armoured.md,
// "Files"): an entry's name record, the content record of the version a
// write makes. Empty: not given. In a plain workspace both must be empty.
struct Sealing {
  std::string name;
  std::string content;
};
// A record longer than this is refused before it is parsed.
inline constexpr std::size_t kMaxSealedRecordBytes = 4096;

struct PutOptions {
  std::optional<std::string> if_match;       // an ETag, or "*"
  std::optional<std::string> if_none_match;  // an ETag, or "*"
  std::optional<std::int64_t> if_unmodified_since_ms;  // If-Unmodified-Since, when no If-Match
  std::optional<std::int64_t> mtime_ms;
  std::optional<std::uint64_t> expected_bytes;  // Content-Length
  bool rename_on_conflict = false;           // drop folders: "a (2).txt"
  Sealing sealed;                            // armoured workspaces: name (to create), content
};

struct PutResult {
  Node node;
  bool created = false;
};

struct Opened {
  Node node;
  store::VersionRow version;
  blob::KeysPtr keys;
};

struct ListResult {
  std::vector<Node> items;
  std::int64_t total = 0;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> create(platform::Platform& p, Settings settings);
  ~Service();

  platform::Platform& platform() { return p_; }
  const Settings& settings() const { return settings_; }

  // --- Reading ---
  // The live node at `path`, or nullopt. The root is a Node with an empty id.
  Result<std::optional<Node>> lookup(const WorkspaceId& ws, std::string_view path);
  // A node by id as `caller` may reach it with `need` (not_found otherwise,
  // the same answer for a missing node). Trashed nodes only with `trashed`.
  Result<Node> reach(const platform::Caller& caller, const NodeId& id, platform::Access need,
                     bool trashed = false);
  Result<ListResult> list(const WorkspaceId& ws, const Node& folder, const store::ListQuery& q);
  // Calls `fn` for each child of `folder` (path filled) without collecting
  // them, after `count(total)`; one read transaction.
  Result<void> each_child(const WorkspaceId& ws, const Node& folder, const store::ListQuery& q,
                          FunctionRef<void(std::int64_t)> count, FunctionRef<void(Node&)> fn);
  // Content of the node's current version, or of version `number`.
  Result<Opened> open(const Node& node, std::optional<std::int64_t> number = std::nullopt);
  // lookup() then open() of the current version in one read transaction:
  // nullopt when there is no node; a folder comes with no version or keys.
  Result<std::optional<Opened>> open_path(const WorkspaceId& ws, std::string_view path);
  // What open_path() found lately at `path` when it was a file small enough
  // for the chunk cache and no change to the workspace's files has
  // committed since; nullptr otherwise. From memory only, never blocks: for
  // I/O threads.
  std::shared_ptr<const Opened> open_path_cached(const WorkspaceId& ws, std::string_view path);
  Result<std::uint64_t> read(const Opened& o, std::uint64_t offset, std::uint64_t length, Sink sink);
  // The same bytes when the chunk cache holds them (Blobs::cached); never blocks.
  SharedBytes read_cached(const Opened& o, std::uint64_t offset, std::uint64_t length);
  Result<std::vector<Version>> versions(const Node& node);
  // A page of the trash of `ws` (store::trash).
  Result<std::vector<Node>> trash(const WorkspaceId& ws, int limit,
                                  const std::optional<store::TrashCursor>& before);
  // Stars `n` (reached by the caller) for them, or unstars it; their own
  // clients hear file.favorite.
  Result<void> set_favorite(const platform::Caller& caller, const Node& n, bool on);
  // The caller's favorites in `ws` that are not in the trash, with their
  // paths, by name (at most 500).
  Result<std::vector<Node>> favorites(const platform::Caller& caller, const WorkspaceId& ws);
  // Their ids only (no paths, no ancestry: what a listing marks), trashed
  // folders' content included since a listing never shows it.
  Result<std::unordered_set<std::string>> favorite_ids(const platform::Caller& caller, const WorkspaceId& ws);
  Result<Usage> usage(const WorkspaceId& ws);
  // Bytes another module keeps in `ws` (chat attachments), in its write
  // transaction: counted in the workspace's usage and bounded by its quota
  // (old versions make room first, as for files), or, negative, released.
  Result<void> charge_storage(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes);
  // The workspace's files in its export (platform/export.hpp), read in the
  // export's transaction `c`: the live tree with current contents, every
  // other version and the trash apart, and every node's record, folder by
  // folder.
  Result<void> export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                std::int64_t now_ms);
  // Reads it back into a new workspace (import.cpp; platform/import.hpp).
  Result<std::unique_ptr<platform::ModuleImport>> importer(const platform::ImportContext& ctx);
  // The platform's search hook: files and folders whose name holds every
  // word of `query`, in `readable` workspaces, the newest first (as
  // `type: "file"` hits with kind, name, path, parent_id, size,
  // mtime). Filter `path`: only beneath that folder.
  Result<std::vector<platform::SearchHit>> search(db::Conn& c, const std::vector<WorkspaceId>& readable,
                                                  std::string_view query,
                                                  const std::map<std::string, std::string>& filters, int limit);
  Result<std::vector<store::Prop>> props(const Node& node);
  Result<std::map<std::string, std::vector<store::Prop>>> child_props(const WorkspaceId& ws, const Node& folder);
  // What an If header condition sees at `path`.
  Result<dav::ResourceState> state(const WorkspaceId& ws, std::string_view path);
  // The live locks on `path`, the folders above it and `beneath` it.
  Result<std::vector<dav::Lock>> locks(const WorkspaceId& ws, std::string_view path,
                                       store::Beneath beneath);

  // --- Writing ---
  Result<PutResult> put(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                        const Source& body, const PutOptions& opt);
  // `sealed_name`: the folder's name record, in armoured workspaces only.
  Result<Node> mkcol(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                     const std::string& sealed_name = {});
  // Renames an entry of an armoured workspace: a new name record (its token
  // stays). Errors: not_armoured in a plain workspace, and verify_sealing()'s and
  // still_sealed()'s.
  Result<Node> rename_sealed(const WorkspaceId& ws, const WriteCtx& ctx, const Node& node,
                             const std::string& sealed_name);
  // To the trash.
  Result<void> remove(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                      const std::optional<std::string>& if_match = std::nullopt,
                      std::optional<std::int64_t> if_unmodified_since_ms = std::nullopt);
  // COPY/MOVE within the workspace. Returns true when the destination was
  // created (false: overwritten). Errors: precondition_failed (exists and no
  // overwrite), conflict (no destination parent), forbidden (into itself);
  // in an armoured workspace, a copy or a new name (invalid).
  Result<bool> transfer(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view from,
                        std::string_view to, bool move, bool overwrite, dav::Depth depth);
  // Where a move or copy by id goes: `parent` unset, the entry's own folder;
  // set and empty, the root; `name` unset, the entry's own (" (copy)" added
  // to a copy left in its own folder).
  struct Placement {
    std::optional<NodeId> parent;
    std::optional<std::string> name;
  };
  // Moves or copies the entry `id`, its path and its destination's read in
  // the write: a rename racing a move applies to where the entry is by then,
  // neither undone. Returns the entry moved, or the copy. Errors: not_found
  // (entry or folder gone), conflict "exists", and transfer()'s.
  Result<Node> relocate(const WorkspaceId& ws, const WriteCtx& ctx, const NodeId& id,
                        const Placement& to, bool move);
  // PROPPATCH: all or nothing; the status of each operation.
  Result<std::vector<int>> proppatch(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                                     const std::vector<dav::PropPatchOp>& ops);
  // LOCK: a new lock (creating an empty file at an unmapped path: `created`).
  struct Locked {
    dav::Lock lock;
    bool created = false;
  };
  Result<Locked> lock(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                      const dav::LockRequest& req, bool infinite, std::int64_t timeout_s);
  // Refreshes the submitted lock covering `path`.
  Result<dav::Lock> refresh(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                            std::int64_t timeout_s);
  Result<void> unlock(const WorkspaceId& ws, const WriteCtx& ctx, std::string_view path,
                      const std::string& token);

  Result<Node> restore(const platform::Caller& caller, const NodeId& id);
  Result<void> purge(const platform::Caller& caller, const NodeId& id);
  // `sealed_content`: in an armoured workspace, version `number`'s key
  // sealed for the version this makes.
  Result<Node> restore_version(const WorkspaceId& ws, const WriteCtx& ctx, const Node& node,
                               std::int64_t number, const std::string& sealed_content = {});
  // Whether `ws` is armoured (it never changes once made: remembered).
  Result<bool> armoured(db::Conn& c, const WorkspaceId& ws);
  Result<void> set_quota(const platform::Caller& admin, const WorkspaceId& ws,
                         std::optional<std::int64_t> quota);

  // --- Shares ---
  struct NewShare {
    ShareMode mode = ShareMode::read;
    std::optional<std::string> password;
    std::optional<std::int64_t> expires_at_ms;
    std::optional<std::int64_t> max_downloads;
  };
  // Returns the share and its token (shown once).
  Result<std::pair<Share, std::string>> create_share(const platform::Caller& caller, const Node& node,
                                                     const NewShare& spec);
  Result<std::vector<Share>> shares(const Node& node);
  Result<void> revoke_share(const platform::Caller& caller, const ShareId& id);
  struct ShareAccess {
    Share share;
    Node node;
  };
  // What a guest presents to open a password-protected share: the password,
  // and/or grants that unlock_share() minted earlier (browser cookies).
  struct ShareKey {
    std::optional<std::string> password;
    std::vector<std::string> grants;  // only the first kMaxShareGrants are looked at
  };
  static constexpr std::size_t kMaxShareGrants = 4;
  static constexpr std::int64_t kShareGrantMs = 3600'000;
  // The live share behind `token` (not_found for unknown, revoked, expired
  // or with a trashed target; rate_limited after too many wrong passwords;
  // unauthenticated "password_required" without the right password or a
  // valid grant, "bad_password" with a wrong one, which is throttled and
  // audited). A grant that is malformed, expired, for another share or for
  // an earlier password is ignored, as if absent.
  Result<ShareAccess> open_share(std::string_view token, const ShareKey& key,
                                 const std::string& remote_addr, const std::string& request_id);
  // A grant: proof, verifiable without storing anything, that the password
  // of one share was given. It names its expiry and is bound to the token,
  // the share id and the share's password hash, so revoking the share or
  // changing its password ends it.
  struct ShareGrant {
    std::string value;  // printable ASCII, fit for a cookie
    std::int64_t expires_at_ms = 0;
  };
  // Checks `password` as open_share() does (same errors, throttling and
  // audit) and mints a grant valid kShareGrantMs. nullopt when the share has
  // no password (nothing to unlock).
  Result<std::pair<ShareAccess, std::optional<ShareGrant>>> unlock_share(
      std::string_view token, const std::string& password, const std::string& remote_addr,
      const std::string& request_id);
  // Counts and audits one guest download (gone when the limit is reached).
  Result<void> count_share_download(const ShareAccess& a, const std::string& what,
                                    const std::string& remote_addr, const std::string& request_id);

  // --- Resumable uploads (tus) ---
  Result<store::UploadRow> begin_upload(const WorkspaceId& ws, const WriteCtx& ctx, const Node& parent,
                                        const std::string& name, std::int64_t length);
  Result<store::UploadRow> reach_upload(const platform::Caller& caller, const UploadId& id);
  // Appends the body at `offset`; keeps what arrived even when the client
  // goes away mid-way. Returns the new offset and, when complete, the file.
  // A complete upload stays (without chunks) until it expires: an empty
  // PATCH at its end answers the file it made again.
  struct Appended {
    std::int64_t offset = 0;
    std::optional<Node> node;
    std::optional<Error> interrupted;
  };
  // In an armoured workspace, the PATCH that completes the upload (or an
  // empty one at its length, to try again) carries `sealed`: the content
  // record for the version the file gets then, and the name record when it
  // creates it (verify_sealing()'s errors leave the upload complete, for
  // another try); other PATCHes' records are not looked at.
  Result<Appended> append_upload(const store::UploadRow& u, const WriteCtx& ctx, std::int64_t offset,
                                 const Source& body, const Sealing& sealed = {});
  Result<void> cancel_upload(const store::UploadRow& u);

  // --- Housekeeping ---
  // Purges old trash, expired uploads and locks, thins versions, collects
  // unreferenced chunks (the platform's, of every module). Safe to call at any time.
  Result<void> maintain();

 private:
  Service(platform::Platform& p, Settings s);

  struct Resolved {
    std::optional<Node> node;    // the target, when it exists
    std::optional<Node> parent;  // its parent folder, when it exists (the root's etag left empty)
    std::vector<std::string> names;
  };
  Result<Resolved> resolve(db::Conn& c, const WorkspaceId& ws, std::string_view path);
  Result<std::string> path_of(db::Conn& c, const Node& n);
  // transfer() in the caller's write; `expect`: the source's id, when known.
  Result<bool> transfer_in(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                           std::string_view from, std::string_view to, bool move, bool overwrite,
                           dav::Depth depth, const NodeId* expect);
  Result<void> check_locks(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                           const std::string& path, bool descendants, bool parent);
  // set_favorite() in the caller's transaction (PROPPATCH of oc:favorite too).
  Result<void> favorite_in(db::Conn& c, const std::string& user, const Node& n, bool on);
  Result<void> emit(db::Conn& c, const WorkspaceId& ws, std::string_view type, const Node& n,
                    const std::string& old_path = {});
  Result<void> charge(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes);
  Result<void> drop_versions(db::Conn& c, const WorkspaceId& ws, const std::vector<store::VersionRow>& vs);
  Result<void> retain(db::Conn& c, const Node& n);
  Result<void> trash_node(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx, const Node& n,
                          const std::string& path);
  Result<void> purge_in(db::Conn& c, const WorkspaceId& ws, const NodeId& id);
  Result<Node> copy_tree(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx, const Node& src,
                         const std::string& parent, const std::string& name, bool recursive,
                         std::int64_t& budget);
  Result<Node> commit_content(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx,
                              const std::string& parent_id, const std::string& name,
                              const std::optional<Node>& existing, const blob::BlobRef& ref,
                              std::int64_t mtime_ms, bool& created, const Sealing& sealed = {});
  // What verify_sealing() checked of the records a write carries.
  struct SealCheck {
    bool armoured = false;
    bool named = false;                  // a name record checked
    std::optional<std::int64_t> number;  // the version the content record checked for
    std::vector<std::int64_t> generations;
  };
  // Before a write to `ws`, in a read transaction (the signatures are the
  // costly part: never on the writer thread, which every write shares): in
  // an armoured workspace, `name` is a name token and `s` carries, well
  // formed and signed by the caller, the name record when `needs_name` (a
  // new entry; ignored otherwise) and the content record of version `number`
  // when there is one; in a plain workspace, `s` is empty. Errors: invalid
  // "not_armoured", "invalid_name", "sealed_required", "invalid_sealed_text",
  // "bad_signature"; conflict "version_conflict" (a content record that does
  // not check for the next version of an existing file).
  Result<SealCheck> verify_sealing(db::Conn& c, const WorkspaceId& ws, const WriteCtx& ctx, std::string_view name,
                                   bool needs_name, std::optional<std::int64_t> number, const Sealing& s);
  // In the write: what `k` checked still fits what the write finds (a name
  // record if it now creates the entry, the same next version: conflict
  // "version_conflict" otherwise), under the current key generation
  // (Armour::require_current()'s errors).
  Result<void> still_sealed(db::Conn& c, const WorkspaceId& ws, const SealCheck& k, bool needs_name,
                            std::optional<std::int64_t> number);
  // Whether `ws` is armoured, when known already (memory only).
  std::optional<bool> armoured_known(const WorkspaceId& ws);
  // A refusal of what an armoured workspace cannot have (copies, share
  // links, resumable uploads, WebDAV): invalid "armoured_unsupported".
  Result<void> refuse_if_armoured(db::Conn& c, const WorkspaceId& ws, std::string_view what);
  Result<blob::KeysPtr> keys(const WorkspaceId& ws);
  struct FoundShare {
    ShareAccess access;
    std::string token_hash;
    std::string password_hash;  // empty without a password
  };
  Result<FoundShare> find_share(std::string_view token);
  Result<ShareAccess> check_share_key(const FoundShare& found, const ShareKey& key,
                                      const std::string& remote_addr,
                                      const std::string& request_id);
  std::string grant_mac(const FoundShare& f, std::string_view expires_s) const;
  bool grant_valid(const FoundShare& f, std::string_view grant) const;
  // In-memory reservations per workspace while contents stream in.
  Result<void> reserve(const WorkspaceId& ws, std::int64_t& held, std::uint64_t n);
  void release(const WorkspaceId& ws, std::int64_t held);

  platform::Platform& p_;
  Settings settings_;

  // open_path()'s recent answers for files, per workspace. The module's
  // events (every committed change, delivered by the bus on the committing
  // thread before the write returns) and a workspace's deletion empty its
  // entries and move its generation; a reader takes the generation before
  // its read transaction and keeps its answer only if it has not moved.
  struct Opens {
    std::uint64_t generation = 0;
    std::unordered_map<std::string, std::shared_ptr<const Opened>> by_path;
  };
  static constexpr std::size_t kMaxOpens = 10'000;
  void forget_opens(const bus::Event& e);
  std::uint64_t opens_generation(const WorkspaceId& ws);
  std::mutex opens_mu_;
  std::unordered_map<std::string, Opens> opens_;  // by workspace id
  std::size_t opens_count_ = 0;
  std::uint64_t subscription_ = 0;

  std::mutex armoured_mu_;
  std::unordered_map<std::string, bool> armoured_;  // by workspace id; cleared past kMaxOpens

  std::mutex quota_mu_;
  std::unordered_map<std::string, std::int64_t> reserved_;

  std::string grant_key_;  // HMAC key of share grants, derived from the instance key
  std::mutex share_mu_;
  std::unordered_map<std::string, std::int64_t> share_ok_;  // sha256(token, password) -> verified at

  std::unique_ptr<platform::PeriodicTask> maintenance_;  // every settings_.maintenance_every_ms
};

}  // namespace ruche::files
