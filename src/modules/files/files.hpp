// Files: folders and versioned documents per workspace, trash, WebDAV locks,
// quotas, share links and resumable uploads. What other modules may include.
//
// A workspace's tree starts at a virtual root ("/", no row). Names are
// metadata (NFC, no '/', '\', NUL or control characters, ≤ 255 bytes); file
// contents are core/blob chunks in the workspace's namespace, so no on-disk
// name ever comes from a user (SECURITY.md IO-4).
//
// Events (module "files"; every member with a read right on files sees them),
// each with {id, kind, path, parent_id, name, etag, size, mtime, version}:
//   file.created, file.updated, file.moved (+old_path), file.deleted (to the
//   trash), file.restored, file.purged, and the same for folder.*;
//   share.created, share.revoked ({id, node_id, mode}).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/id.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "platform/registry.hpp"

namespace ruche::files {

using NodeId = Id<struct NodeIdTag>;
using ShareId = Id<struct ShareIdTag>;
using UploadId = Id<struct UploadIdTag>;

struct Node {
  NodeId id;                 // empty for the root
  WorkspaceId workspace_id;
  NodeId parent_id;          // empty at the root
  std::string name;          // "" for the root
  std::string path;          // "/a/b"; "/" for the root
  bool folder = false;
  std::int64_t size_bytes = 0;
  std::string etag;          // quoted; files: from the content; folders: changes with the subtree
  std::string content_type;
  std::int64_t version = 0;  // files: the current version number
  std::int64_t mtime_ms = 0;
  std::int64_t created_at_ms = 0;
  std::string created_by;
  std::int64_t updated_at_ms = 0;
  std::string updated_by;
  std::optional<std::int64_t> trashed_at_ms;
  std::string trashed_by;
  std::string sha256;        // files: hex SHA-256 of the content
  // Armoured workspaces (docs/armoured.md, "Files"): the name record and,
  // for files, the current version's content record, sealed and signed in a
  // browser, with their authors. Empty elsewhere.
  std::string sealed_name, sealed_name_by, sealed_content, sealed_content_by;
  bool is_root() const { return id.empty(); }
};

struct Version {
  std::int64_t number = 0;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::int64_t created_at_ms = 0;
  std::string created_by;
  std::int64_t mtime_ms = 0;
  bool current = false;
  std::string sealed;        // armoured workspaces: its content record, by created_by
};

struct Usage {
  std::int64_t used_bytes = 0;             // every version kept, live, old and in the trash
  std::optional<std::int64_t> quota_bytes; // none: unlimited
};

enum class ShareMode { read, upload };

struct Share {
  ShareId id;
  WorkspaceId workspace_id;
  NodeId node_id;
  ShareMode mode = ShareMode::read;
  bool has_password = false;
  std::optional<std::int64_t> expires_at_ms;
  std::optional<std::int64_t> max_downloads;
  std::int64_t downloads = 0;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;
};

// Bounds.
inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kMaxPathBytes = 8192;
inline constexpr int kMaxPageSize = 1000;
// A WebDAV listing (PROPFIND, Depth 1) names every entry of a folder, however
// many: its answer is built a MiB at a time into a spool that holds
// kPropfindMemoryBytes in memory and the rest in a file without a name in
// the data folder, then streamed (a million entries: about a GB of XML).
inline constexpr std::size_t kPropfindMemoryBytes = 8 << 20;
// Live WebDAV locks a workspace holds at most (LOCK answers 507 beyond).
inline constexpr std::int64_t kMaxLocks = 10'000;
// Share links not revoked (expired or used up included: they are listed
// until revoked) a file or folder holds at most (409 "too_many_shares").
inline constexpr std::int64_t kMaxSharesPerNode = 1'000;

// Normalizes a file or folder name to NFC and checks it. Errors: invalid
// (reason "invalid_name") for empty names, "." and "..", '/', '\', NUL,
// control characters, malformed or overlong UTF-8, more than kMaxNameBytes.
Result<std::string> normalize_name(std::string_view name);

// X-OC-Mtime (ownCloud and Nextcloud clients, rclone, ruche-sync): seconds
// since 1970, a fraction ignored, up to the last second an HTTP date can
// tell (year 9999). In milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_oc_mtime(std::string_view v);

// Splits a decoded path ("/a/b", "a/b/", "/") into normalized names.
// Errors as normalize_name; empty segments ("a//b") are invalid.
Result<std::vector<std::string>> split_path(std::string_view path);

// A Content-Type for a file name (by extension), "application/octet-stream"
// when unknown.
std::string_view content_type_for(std::string_view name);
// Whether a type may be served as is: never types a browser would render as
// a document on the app's origin (HTML, SVG, XML, JavaScript...).
bool safe_to_serve(std::string_view content_type);

std::string_view to_string(ShareMode m);
// "read" or "upload"; nullopt for anything else.
std::optional<ShareMode> share_mode_of(std::string_view s);
json::object to_json(const Node& n);
// Adds an armoured entry's records to `o` (sealed_name, sealed_name_by, and
// for files sealed_content, sealed_content_by); nothing for a plain one.
void add_sealed(json::object& o, const Node& n);
json::object to_json(const Version& v);
json::object to_json(const Usage& u);
json::object to_json(const Share& s);

// The module's declaration (name, routes, hooks) for the registry.
platform::ModuleDef module();

}  // namespace ruche::files
