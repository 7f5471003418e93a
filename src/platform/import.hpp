// Workspace import (SECURITY.md DATA-4): an export (export.hpp) read back in
// one pass into a new workspace, on this instance or another.
//
//   POST /api/v1/admin/workspaces/import[?name=NEW_NAME][&accounts=create]
//   body: the archive
//
// The importing administrator owns the new workspace; the archive's members
// whose e-mail matches an active account here join it with their role and
// rights; with accounts=create a member with no account here gets one,
// disabled until an administrator enables it (moving to a new server keeps
// who wrote what); the others are listed. Every id is new; the archive's
// user ids map to the accounts' (an unmatched author keeps the exported id,
// shown as an unknown person). Contents are stored as they
// arrive (each checked against its recorded size and SHA-256) and the
// modules write their records page by page. Any error removes the new
// workspace and everything stored for it: an import is whole or absent.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "base/tar.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/content.hpp"
#include "core/http/message.hpp"
#include "platform/armour.hpp"
#include "platform/sealed_text.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

class Platform;
class ImportedArmour;

struct ImportContext {
  WorkspaceId workspace;   // the new workspace
  Caller caller;           // the importing administrator
  std::int64_t now_ms = 0;
  // Exported user ids -> this instance's; user() keeps an id it does not map.
  std::map<std::string, std::string> users;
  std::string user(const std::string& exported) const;
  bool known_user(const std::string& exported) const { return users.count(exported) > 0; }
  // An armoured archive's keys; null for a plain one.
  ImportedArmour* armour = nullptr;
};

// An armoured archive's keys (armour.json), read before any module's records
// (docs/armoured.md, "Importing an armoured archive"): its eras — those it
// brought, then its own — in the archive's ids, every envelope's signature
// checked with the keys its era lists. Modules check their sealed texts with
// check() and say which of their key scopes (chat channels) became which
// (add_scope); eras() then maps the ids to this instance's.
class ImportedArmour {
 public:
  // `archive_workspace`: the id workspace.json gives. Errors: invalid "bad_export".
  static Result<ImportedArmour> parse(std::string_view doc, const std::string& archive_workspace);
  // The ids a sealed text was bound to, there: its workspace, its channel
  // (messages) and its author.
  struct Bound {
    std::string_view workspace, channel, author;
  };
  // A sealed text of the archive, under the workspace's key or the key of
  // `archive_channel` (its id in the archive; "" for files): well formed,
  // under a generation that key had, and signed by `author` (their id in
  // the archive) over the module's `domain` and the binding `bind` makes
  // of the ids there of the era its generation belongs to, with a key that
  // era lists for them. Errors: invalid "bad_export".
  Result<SealedText> check(std::string_view text, std::string_view archive_channel, std::string_view domain,
                           const std::string& author, FunctionRef<std::string(const Bound&)> bind) const;
  // Runs `check_one(i)` for every i < n on as many threads as there are
  // cores: modules check a page of records' sealed texts (one Ed25519
  // verification each, ~65 µs) with it before the transaction that writes
  // them, so that the database's writer never waits on them. Returns a
  // failure, the first found in i's order; the others stop taking records.
  Result<void> check_each(std::size_t n, FunctionRef<Result<void>(std::size_t)> check_one) const;
  void add_scope(const std::string& archive_channel, const std::string& here) { scopes_[archive_channel] = here; }
  // The eras to write, oldest first, ids mapped (people by ctx.users, key
  // scopes by add_scope(): a channel not imported is left out, and so are
  // envelopes whose recipients have no account here).
  std::vector<ArmourEra> eras(const ImportContext& ctx) const;

 private:
  // Per era (eras_'s order): its key scopes and its people by their ids in
  // the archive, as positions in the era's lists — what every text looks up.
  struct EraIndex {
    std::map<std::string, std::size_t, std::less<>> scopes, people;
  };
  static Result<EraIndex> index_of(const ArmourEra& era);
  static Result<void> check_envelopes(const ArmourEra& era, const EraIndex& index,
                                      std::map<std::string, std::int64_t>& bounds);

  std::vector<ArmourEra> eras_;
  std::vector<EraIndex> index_;
  std::map<std::string, std::string> scopes_;  // archive channel id -> here
};

// Imported contents not written yet: their small chunks, sealed, and the
// rows that remember each content under its key (table import_contents)
// until a record takes it. Written many to a transaction (one commit for many
// small files rather than a chunk file and its fsyncs each), always before a
// record can name them.
class PendingChunks {
 public:
  PendingChunks(Platform& p, const WorkspaceId& ws) : p_(p), ws_(ws) {}
  Result<void> add(std::vector<blob::ContentWriter::Sealed> chunks, std::string key, blob::BlobRef ref);
  Result<void> flush();

 private:
  Platform& p_;
  const WorkspaceId& ws_;
  std::vector<blob::ContentWriter::Sealed> chunks_;
  std::vector<std::pair<std::string, blob::BlobRef>> contents_;
  std::size_t bytes_ = 0;
};

// In a record's write transaction: the content stored under `key`
// (ImportEntry::store_content), which no other record can then take; nullopt
// when there is none (never stored, or taken already).
Result<std::optional<blob::BlobRef>> take_content(db::Conn& c, const WorkspaceId& ws, std::string_view key);

// The entry a module is given, to read as a document or store as a content.
class ImportEntry {
 public:
  ImportEntry(Platform& p, const WorkspaceId& ws, tar::Reader& in, const tar::Entry& e, PendingChunks& pending);
  const tar::Entry& entry() const { return entry_; }
  // The whole entry as text (JSON documents, pages of lines); invalid
  // beyond `max` bytes.
  Result<std::string> text(std::size_t max = 64u << 20);
  // The whole entry as JSON Lines, each line an object (else invalid
  // "bad_export").
  Result<std::vector<json::object>> lines(std::size_t max = 64u << 20);
  // The entry's bytes stored as one of the workspace's contents (chunked,
  // sealed, durable; not referenced yet: the module's rows add the
  // references, else the chunks are collected after the grace period), kept
  // under `key` for take_content(). Keys are the module's (its name first);
  // the same key again replaces the content kept.
  Result<void> store_content(std::string key);

 private:
  Platform& p_;
  const WorkspaceId& ws_;
  tar::Reader& in_;
  const tar::Entry& entry_;
  PendingChunks& pending_;
};

// Reading an exported record's fields: a string ("" when absent or not one),
// an ISO 8601 time, an integer, a boolean (false when absent), a list
// (empty when absent).
namespace record {
std::string text(const json::object& o, std::string_view key);
std::optional<std::int64_t> time(const json::object& o, std::string_view key);
std::optional<std::int64_t> integer(const json::object& o, std::string_view key);
bool flag(const json::object& o, std::string_view key);
const json::array& list(const json::object& o, std::string_view key);
const json::object& object(const json::object& o, std::string_view key);
}  // namespace record

// One module's side of an import: every archive entry under "<name>/", in
// archive order (contents come before the records that name them), then
// finish() with the counts to report ({"files": 12, ...}).
class ModuleImport {
 public:
  virtual ~ModuleImport() = default;
  virtual Result<void> entry(ImportEntry& e) = 0;
  virtual Result<json::object> finish() = 0;
};

// The request's body is the archive (streamed).
Result<http::Response> import_response(Platform& p, http::Request& req, const Caller& caller);

}  // namespace ruche::platform
