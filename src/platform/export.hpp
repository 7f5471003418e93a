// Workspace exports (SECURITY.md DATA-4, reversibility): everything a
// workspace holds, as one POSIX tar archive of open formats that opens
// without Ruche — JSON documents, JSON Lines pages, and the original bytes of
// files (every version) and attachments under their own names.
//
//   README.txt          what is where, in words
//   workspace.json      {format, version, exported_at, exported_by,
//                        workspace, members, modules}
//   <module>/...        each module's part (ModuleDef::export_to), in the
//                        registry's order
//
// The records are read in one transaction, into a spool, then the archive
// is streamed (bounded memory whatever the size): records page by page,
// contents chunk by chunk. An export shows the workspace as it was when its
// transaction began.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "base/spool.hpp"
#include "core/blob/blob.hpp"
#include "core/http/message.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

class Platform;

inline constexpr std::string_view kExportFormat = "ruche.workspace-export";
inline constexpr int kExportVersion = 1;

// The archive in two steps. Inside the export's database transaction the
// modules add their records and name their contents; the archive as they
// give it is kept in a spool (in memory, past `spool_memory` in a file
// without a name in `spool_folder`), contents as references to their
// chunks. Once the transaction has ended, send() writes the archive,
// reading each content as it comes: the snapshot is held for as long as the
// records take to read, not for as long as the client takes to download.
class ExportWriter {
 public:
  static constexpr std::size_t kSpoolMemory = 8u << 20;
  // Reads a stored content whole to the sink (Blobs::read under the
  // workspace's keys); returns the byte count.
  using ContentSource = std::function<Result<std::uint64_t>(
      const std::vector<blob::ChunkRef>& chunks, std::uint64_t size, FunctionRef<Result<void>(std::string_view)> sink)>;
  ExportWriter(ContentSource contents, std::string spool_folder, std::size_t spool_memory = kSpoolMemory);

  // One entry from memory (a JSON document, a page of lines).
  Result<void> add(std::string_view path, std::string_view bytes, std::int64_t mtime_ms);
  Result<void> add_json(std::string_view path, const json::value& v, std::int64_t mtime_ms);
  Result<void> add_folder(std::string_view path, std::int64_t mtime_ms);
  // Stored content (a file version, an attachment) of `size` bytes, read,
  // opened and written chunk by chunk by send(). A content that reads
  // shorter or longer than `size` fails the export there (the archive would
  // be corrupt).
  Result<void> add_content(std::string_view path, std::int64_t size, std::int64_t mtime_ms,
                           const std::vector<blob::ChunkRef>& chunks);
  // The end of the archive; nothing may be added after.
  Result<void> finish();
  // After finish(), once: the archive to `out`.
  Result<void> send(http::BodyWriter& out);

  std::uint64_t entries() const { return entries_; }
  std::uint64_t content_bytes() const { return content_bytes_; }
  // How much of the archive the spool held (contents as their references).
  std::uint64_t spooled_bytes() const { return spool_.size(); }

 private:
  Result<void> header(std::string_view path, bool folder, std::uint64_t size, std::int64_t mtime_ms);
  Result<void> keep(std::string_view bytes);
  Result<void> keep_pending();
  Result<void> put(http::BodyWriter& out, std::string_view bytes);
  Result<void> send_content(http::BodyWriter& out);

  ContentSource contents_;
  Spool spool_;
  std::string pending_;  // archive bytes not yet in the spool
  std::string buf_;      // archive bytes not yet sent
  bool finished_ = false;
  std::uint64_t entries_ = 0;
  std::uint64_t content_bytes_ = 0;
};

// JSON Lines (one JSON value per line) in numbered pages of at most
// kLinesPerPage lines: "<prefix>/000001.jsonl", "<prefix>/000002.jsonl", ...
// so no page has to be held whole however long the list.
class JsonLinesPages {
 public:
  static constexpr std::size_t kLinesPerPage = 1000;
  JsonLinesPages(ExportWriter& out, std::string prefix, std::int64_t mtime_ms);
  Result<void> add(const json::value& v);
  // Writes the last page (none at all when nothing was added).
  Result<void> finish();

 private:
  ExportWriter& out_;
  std::string prefix_;
  std::int64_t mtime_ms_;
  std::string page_;
  std::size_t lines_ = 0;
  int pages_ = 0;
};

// GET /api/v1/workspaces/{id}/export: the archive for the workspace's
// owners and admins (forbidden for others), audited as
// "workspace.exported" before the first byte. HEAD: the headers only, not
// audited.
Result<http::Response> export_response(Platform& p, const http::Request& req, const Caller& caller,
                                       const WorkspaceAccess& access);

}  // namespace ruche::platform
