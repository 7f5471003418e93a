// Files' SQL: the only file that knows the files_* tables. Every function
// runs inside the caller's read() or write() transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/content.hpp"
#include "core/db/database.hpp"
#include "dav/dav.hpp"
#include "modules/files/files.hpp"

namespace ruche::files::store {

// Chunk lists as stored in rows (core/blob/content.hpp).
using blob::pack_chunks;
using blob::unpack_chunks;

// --- Nodes --------------------------------------------------------------------

// Inside a write, both lock the row they find until the write ends
// (Conn::for_update): on PostgreSQL, a write waiting for another's then reads
// what it left — a path resolved, a version numbered or an ETag compared is the
// current one, never one changed meanwhile.
// Any node, trashed or not (path not filled).
Result<std::optional<Node>> node(db::Conn& c, const NodeId& id);
// The live child `name` of `parent` ('' = root) in `ws`.
Result<std::optional<Node>> child(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                  const std::string& name);

struct ListQuery {
  std::string sort = "name";  // name, size, mtime
  bool desc = false;
  bool ordered = true;        // false: in the index's order (WebDAV listings, which have none)
  int limit = kMaxPageSize;
  std::int64_t offset = 0;
};
// Live children, folders first, then by the sort key (unless !q.ordered).
Result<std::vector<Node>> children(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                   const ListQuery& q);
// The same, one node at a time (large listings: nothing is collected).
Result<void> each_child(db::Conn& c, const WorkspaceId& ws, const std::string& parent, const ListQuery& q,
                        FunctionRef<void(Node&)> fn);
Result<std::int64_t> count_children(db::Conn& c, const WorkspaceId& ws, const std::string& parent);
// Live (not trashed) files and folders of `workspaces` whose name holds
// every one of `words` (case-insensitive: Unicode on PostgreSQL, ASCII
// letters on SQLite), the newest first (by insertion on SQLite, by
// creation time then id on PostgreSQL); those after node `after` in that
// order when given (the next page after a page's last: invalid
// "invalid_field" when it is no node of `workspaces`).
Result<std::vector<Node>> search_names(db::Conn& c, const std::vector<WorkspaceId>& workspaces,
                                       const std::vector<std::string>& words, int limit,
                                       const std::optional<NodeId>& after = std::nullopt);

// Favorites: a person's starred files and folders. set_favorite returns
// whether it changed anything; favorites() lists the live ones (not in the
// trash themselves; an ancestor in the trash is the caller's to check), by
// name.
Result<bool> set_favorite(db::Conn& c, const std::string& user, const Node& n, bool on, std::int64_t now_ms);
Result<std::vector<Node>> favorites(db::Conn& c, const WorkspaceId& ws, const std::string& user, int limit);
// Forgets `user`'s favorites in `ws` (they are no longer a member).
Result<void> drop_favorites(db::Conn& c, const WorkspaceId& ws, const std::string& user);

struct Ancestor {
  std::string id;
  std::string name;
  bool trashed = false;
};
// The chain from the top-level node down to `id` (inclusive).
Result<std::vector<Ancestor>> ancestry(db::Conn& c, const NodeId& id);

// A folder, or a file whose current version (n.version, numbered from 1) is
// `version_id`, inserted next in the same transaction.
Result<void> insert_node(db::Conn& c, const Node& n, const std::string& version_id = {});
Result<void> set_content(db::Conn& c, const NodeId& id, const std::string& version_id,
                         std::int64_t number, std::int64_t size, const std::string& etag,
                         const std::string& content_type, std::int64_t mtime_ms,
                         std::int64_t now_ms, const std::string& by, const std::string& sealed = {});
// An armoured entry's new name record, by `by` (docs/armoured.md, "Files").
Result<void> set_sealed_name(db::Conn& c, const NodeId& id, const std::string& sealed, const std::string& by,
                             std::int64_t now_ms);
// A file's modification time: its node's and its current version's (downloads
// answer Last-Modified from the version).
Result<void> set_mtime(db::Conn& c, const NodeId& id, std::int64_t mtime_ms);
Result<void> place(db::Conn& c, const NodeId& id, const std::string& parent, const std::string& name,
                   std::int64_t now_ms, const std::string& by);
// Gives folders from `parent` up to the root (and the root) new ETags, and
// `now_ms` as their modification time (never moved back).
Result<void> touch_ancestors(db::Conn& c, const WorkspaceId& ws, std::string parent, std::int64_t now_ms);
Result<void> set_trashed(db::Conn& c, const NodeId& id, std::optional<std::int64_t> at_ms,
                         const std::string& by, const std::string& path);
// Where a page of the trash ends: its last node's deletion time and id.
struct TrashCursor {
  std::int64_t at_ms = 0;
  NodeId id;
};
// Trashed top nodes of `ws`, newest first (ties by id, descending), with
// the `path` each was at; after `before` when given.
Result<std::vector<Node>> trash(db::Conn& c, const WorkspaceId& ws, int limit,
                                const std::optional<TrashCursor>& before);
// Trashed top nodes deleted before `before_ms` (any workspace).
Result<std::vector<NodeId>> trash_older_than(db::Conn& c, std::int64_t before_ms, int limit);
// `id` and everything beneath it, parents before children.
Result<std::vector<std::string>> subtree(db::Conn& c, const NodeId& id);
Result<void> delete_nodes(db::Conn& c, const std::vector<std::string>& ids);
Result<std::string> trashed_path(db::Conn& c, const NodeId& id);

// --- Versions -----------------------------------------------------------------

struct VersionRow {
  std::string id;
  NodeId node_id;
  WorkspaceId workspace_id;
  std::int64_t number = 0;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::vector<blob::ChunkRef> chunks;  // filled only where asked
  std::int64_t created_at_ms = 0;
  std::string created_by;
  std::int64_t mtime_ms = 0;
  std::string sealed;                  // armoured workspaces: its content record
};

// Takes the node's next version number.
Result<std::int64_t> next_version(db::Conn& c, const NodeId& id);
Result<void> insert_version(db::Conn& c, const VersionRow& v);
// Newest first, without chunks.
Result<std::vector<VersionRow>> versions(db::Conn& c, const NodeId& id);
Result<std::optional<VersionRow>> version(db::Conn& c, const NodeId& id, std::int64_t number);
Result<std::optional<VersionRow>> version_by_id(db::Conn& c, const std::string& id);
// Every version of these nodes, with chunks (for purging).
Result<std::vector<VersionRow>> versions_of(db::Conn& c, const std::vector<std::string>& node_ids);
Result<void> delete_version(db::Conn& c, const std::string& id);
// Old (non-current) versions of `ws`, oldest first, with chunks.
Result<std::vector<VersionRow>> oldest_versions(db::Conn& c, const WorkspaceId& ws, int limit);

// --- Dead properties ----------------------------------------------------------

struct Prop {
  std::string ns, name, value;
};
Result<std::vector<Prop>> props(db::Conn& c, const NodeId& id);
Result<void> set_prop(db::Conn& c, const NodeId& id, const Prop& p);
Result<void> remove_prop(db::Conn& c, const NodeId& id, const std::string& ns, const std::string& name);
Result<void> copy_props(db::Conn& c, const NodeId& from, const NodeId& to);
Result<std::int64_t> count_props(db::Conn& c, const NodeId& id);
// The dead properties of the live children of `parent`, by node id.
Result<std::map<std::string, std::vector<Prop>>> child_props(db::Conn& c, const WorkspaceId& ws,
                                                             const std::string& parent);

// --- Locks --------------------------------------------------------------------

// Which locks beneath a path a question needs, besides those on the path
// and on each folder above it (which every question needs): none (a file's
// write, an If header), those on its children (a listing) or all (a
// folder's deletion or move, a Depth: infinity lock).
enum class Beneath { none, children, all };
// The live locks on `path` (a joined path: "/" or "/a/b"), on the folders
// above it and `beneath` it: read by path, not the workspace's all.
Result<std::vector<dav::Lock>> locks(db::Conn& c, const WorkspaceId& ws, const std::string& path,
                                     Beneath beneath, std::int64_t now_ms);
// How many live locks the workspace holds.
Result<std::int64_t> count_locks(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms);
Result<void> insert_lock(db::Conn& c, const WorkspaceId& ws, const dav::Lock& l, std::int64_t now_ms);
Result<void> refresh_lock(db::Conn& c, const std::string& token, std::int64_t timeout_s,
                          std::int64_t expires_at_ms);
Result<bool> delete_lock(db::Conn& c, const WorkspaceId& ws, const std::string& token);
// Removes the locks rooted at `path` or beneath it.
Result<void> delete_locks_under(db::Conn& c, const WorkspaceId& ws, const std::string& path);
Result<void> delete_expired_locks(db::Conn& c, std::int64_t now_ms);

// --- Usage --------------------------------------------------------------------

Result<Usage> usage(db::Conn& c, const WorkspaceId& ws, std::int64_t default_quota);
// Adds `delta` to the usage unless that takes it over the quota (`default_quota`
// when the workspace has none; negative: unlimited). False when refused.
Result<bool> add_used(db::Conn& c, const WorkspaceId& ws, std::int64_t delta,
                      std::int64_t default_quota);
Result<void> set_quota(db::Conn& c, const WorkspaceId& ws, std::optional<std::int64_t> quota);
// The root folder's ETag and dates (a root has no row of its own): created
// with its workspace, modified when anything in the tree last changed.
struct RootState {
  std::string etag;
  std::int64_t created_at_ms = 0;
  std::int64_t mtime_ms = 0;
};
Result<RootState> root_state(db::Conn& c, const WorkspaceId& ws);

// --- Shares -------------------------------------------------------------------

struct ShareRow {
  Share share;
  std::string password_hash;
  std::string token_hash;  // in exports only (extras_of)
};
Result<void> insert_share(db::Conn& c, const Share& s, const std::string& token_hash,
                          const std::optional<std::string>& password_hash);
Result<std::optional<ShareRow>> share_by_token(db::Conn& c, const std::string& token_hash);
Result<std::optional<ShareRow>> share(db::Conn& c, const ShareId& id);
// The node's share links not revoked, newest first: all of them
// (kMaxSharesPerNode at most).
Result<std::vector<Share>> shares_of(db::Conn& c, const NodeId& node);
Result<std::int64_t> count_shares(db::Conn& c, const NodeId& node);
// An exported share link back, under its token's hash (its URL works again);
// false, and nothing written, when a link with that hash exists (the
// workspace it came from is still here).
Result<bool> restore_share(db::Conn& c, const ShareRow& s);
Result<void> revoke_share(db::Conn& c, const ShareId& id, std::int64_t now_ms);
// Counts one download unless the limit is reached; false then.
Result<bool> count_download(db::Conn& c, const ShareId& id);

// --- Uploads ------------------------------------------------------------------

struct UploadRow {
  UploadId id;
  WorkspaceId workspace_id;
  std::string user_id;
  std::string parent_id;
  std::string name;
  std::int64_t length = 0;
  std::int64_t offset = 0;
  std::vector<blob::ChunkRef> chunks;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::string node_id;  // once complete: the file it made (the chunks are the file's then)
};
Result<void> insert_upload(db::Conn& c, const UploadRow& u);
// Marks it complete: `node_id` made, its chunks handed over to the file.
Result<void> complete_upload(db::Conn& c, const UploadId& id, const NodeId& node_id);
Result<std::optional<UploadRow>> upload(db::Conn& c, const UploadId& id);
Result<void> update_upload(db::Conn& c, const UploadId& id, std::int64_t offset,
                           const std::vector<blob::ChunkRef>& chunks, std::int64_t expires_at_ms);
Result<void> delete_upload(db::Conn& c, const UploadId& id);
Result<std::vector<UploadRow>> expired_uploads(db::Conn& c, std::int64_t now_ms, int limit);

// --- Workspace ----------------------------------------------------------------

// Every workspace row of the module, for purge: the caller releases blobs.
Result<void> purge_workspace(db::Conn& c, const WorkspaceId& ws);
// Whether the workspace is armoured (false when there is none).
Result<bool> workspace_armoured(db::Conn& c, const WorkspaceId& ws);
// Exports (reversibility): up to `limit` children of `parent` ('' = the
// root), trashed or not, with ids after `after_id`, by id; and for a page of
// nodes, every version of its files (chunks included, by number), their
// dead properties and who starred them.
Result<std::vector<Node>> children_after(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                         const std::string& after_id, int limit);
struct NodeExtras {
  std::vector<VersionRow> versions;
  std::vector<Prop> props;
  std::vector<std::string> favorite_of;
  std::vector<ShareRow> shares;  // revoked ones included, oldest first
};
Result<std::map<std::string, NodeExtras>> extras_of(db::Conn& c, const std::vector<Node>& nodes);
Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms);

}  // namespace ruche::files::store
