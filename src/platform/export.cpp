#include "platform/export.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/tar.hpp"
#include "platform/blobs.hpp"
#include "platform/platform.hpp"

namespace ruche::platform {
namespace {

// Writes reach the socket in pieces of about this size (headers and small
// documents are gathered; contents go as their chunks come).
constexpr std::size_t kFlushBytes = 256u << 10;

constexpr std::string_view kReadme =
    "Ruche workspace export (format ruche.workspace-export, version 1)\n"
    "\n"
    "Open formats only: JSON (RFC 8259), JSON Lines (one JSON value per line, in\n"
    "numbered pages of at most 1,000 lines), and the original bytes of files and\n"
    "attachments under their own names. Times are UTC, ISO 8601.\n"
    "\n"
    "workspace.json   the workspace, its members (id, name, e-mail, role, rights\n"
    "                 per module) and the modules exported\n"
    "<module>/        one folder per module, with its own README.txt\n"
    "armour.json      armoured workspaces only: the members' public keys and the\n"
    "                 workspace key envelopes sealed to them; a member opens\n"
    "                 theirs with their identity keys, then the sealed texts\n"
    "                 (formats in Ruche's docs/armoured.md)\n";

// Exports running on this node: one at a time, so that they never take
// more than a core, a reader connection while their records are read, and
// one spool.
constexpr int kMaxRunningExports = 1;
std::atomic<int> running_exports{0};

struct ExportSlot {
  ExportSlot(const ExportSlot&) = delete;
  ExportSlot& operator=(const ExportSlot&) = delete;
  ExportSlot() = default;
  ~ExportSlot() { running_exports.fetch_sub(1); }
};

// The spool holds the archive as segments: 'B', a length (8 bytes, little
// endian) and that many bytes of the archive; or 'C', a content to read:
// its size, its path (for errors) and its chunks, each an id and a size.
constexpr char kBytes = 'B', kContent = 'C';

void append_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint64_t u64_at(std::string_view b) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[static_cast<std::size_t>(i)]);
  return v;
}

// The next length-prefixed text of the spool.
Result<void> read_text(Spool& spool, std::string& out) {
  RUCHE_CHECK(spool.read(8, out));
  return spool.read(static_cast<std::size_t>(u64_at(out)), out);
}

}  // namespace

ExportWriter::ExportWriter(ContentSource contents, std::string spool_folder, std::size_t spool_memory)
    : contents_(std::move(contents)), spool_(std::move(spool_folder), spool_memory) {
  pending_.reserve(kFlushBytes + tar::kBlock * 3);
}

Result<void> ExportWriter::keep(std::string_view bytes) {
  if (finished_) return fail(Errc::internal, "export: added to after finish()");
  pending_ += bytes;
  if (pending_.size() >= kFlushBytes) return keep_pending();
  return {};
}

Result<void> ExportWriter::keep_pending() {
  if (pending_.empty()) return {};
  std::string head(1, kBytes);
  append_u64(head, pending_.size());
  RUCHE_CHECK(spool_.write(head));
  RUCHE_CHECK(spool_.write(pending_));
  pending_.clear();
  return {};
}

Result<void> ExportWriter::header(std::string_view path, bool folder, std::uint64_t size, std::int64_t mtime_ms) {
  RUCHE_TRY(std::string h, tar::header({.path = std::string(path),
                                        .folder = folder,
                                        .size = size,
                                        .mtime_s = mtime_ms / 1000 - (mtime_ms % 1000 < 0 ? 1 : 0)}));
  ++entries_;
  return keep(h);
}

Result<void> ExportWriter::add(std::string_view path, std::string_view bytes, std::int64_t mtime_ms) {
  RUCHE_CHECK(header(path, false, bytes.size(), mtime_ms));
  RUCHE_CHECK(keep(bytes));
  return keep(tar::end().substr(0, tar::padding(bytes.size())));
}

Result<void> ExportWriter::add_json(std::string_view path, const json::value& v, std::int64_t mtime_ms) {
  std::string text = json::serialize(v);
  text += '\n';
  return add(path, text, mtime_ms);
}

Result<void> ExportWriter::add_folder(std::string_view path, std::int64_t mtime_ms) {
  return header(path, true, 0, mtime_ms);
}

Result<void> ExportWriter::add_content(std::string_view path, std::int64_t size, std::int64_t mtime_ms,
                                       const std::vector<blob::ChunkRef>& chunks) {
  if (size < 0) return fail(Errc::internal, "export: negative content size");
  const auto expected = static_cast<std::uint64_t>(size);
  RUCHE_CHECK(header(path, false, expected, mtime_ms));
  RUCHE_CHECK(keep_pending());
  std::string c(1, kContent);
  append_u64(c, expected);
  append_u64(c, path.size());
  c += path;
  append_u64(c, chunks.size());
  for (const auto& chunk : chunks) {
    append_u64(c, chunk.id.size());
    c += chunk.id;
    append_u64(c, chunk.size_bytes);
  }
  RUCHE_CHECK(spool_.write(c));
  content_bytes_ += expected;
  return keep(tar::end().substr(0, tar::padding(expected)));
}

Result<void> ExportWriter::finish() {
  RUCHE_CHECK(keep(tar::end()));
  RUCHE_CHECK(keep_pending());
  finished_ = true;
  return spool_.rewind();
}

Result<void> ExportWriter::put(http::BodyWriter& out, std::string_view bytes) {
  if (buf_.size() + bytes.size() > kFlushBytes) {
    if (!buf_.empty()) RUCHE_CHECK(out.write(buf_));
    buf_.clear();
    if (bytes.size() >= kFlushBytes) return out.write(bytes);
  }
  buf_ += bytes;
  return {};
}

Result<void> ExportWriter::send_content(http::BodyWriter& out) {
  std::string field, path;
  RUCHE_CHECK(spool_.read(8, field));
  const std::uint64_t expected = u64_at(field);
  RUCHE_CHECK(read_text(spool_, path));
  RUCHE_CHECK(spool_.read(8, field));
  const std::uint64_t count = u64_at(field);
  if (count > spool_.left()) return fail(Errc::internal, "export: the spool is corrupt");
  std::vector<blob::ChunkRef> chunks(static_cast<std::size_t>(count));
  for (auto& chunk : chunks) {
    RUCHE_CHECK(read_text(spool_, chunk.id));
    RUCHE_CHECK(spool_.read(8, field));
    chunk.size_bytes = u64_at(field);
  }
  std::uint64_t written = 0;
  RUCHE_TRY(std::uint64_t n, contents_(chunks, expected, [&](std::string_view d) -> Result<void> {
              if (d.size() > expected - written) return fail(Errc::internal, "export: content longer than recorded");
              written += d.size();
              return put(out, d);
            }));
  if (n != expected || written != expected)
    return fail(Errc::internal, "export: content shorter than recorded: " + path);
  return {};
}

Result<void> ExportWriter::send(http::BodyWriter& out) {
  if (!finished_) return fail(Errc::internal, "export: sent before finish()");
  std::string kind, piece;
  while (spool_.left() > 0) {
    RUCHE_CHECK(spool_.read(1, kind));
    if (kind[0] == kContent) {
      RUCHE_CHECK(send_content(out));
      continue;
    }
    if (kind[0] != kBytes) return fail(Errc::internal, "export: the spool is corrupt");
    RUCHE_CHECK(spool_.read(8, piece));
    for (std::uint64_t left = u64_at(piece); left > 0;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kFlushBytes));
      RUCHE_CHECK(spool_.read(n, piece));
      RUCHE_CHECK(put(out, piece));
      left -= n;
    }
  }
  if (buf_.empty()) return {};
  auto r = out.write(buf_);
  buf_.clear();
  return r;
}

JsonLinesPages::JsonLinesPages(ExportWriter& out, std::string prefix, std::int64_t mtime_ms)
    : out_(out), prefix_(std::move(prefix)), mtime_ms_(mtime_ms) {}

Result<void> JsonLinesPages::add(const json::value& v) {
  page_ += json::serialize(v);
  page_ += '\n';
  if (++lines_ == kLinesPerPage) return finish();
  return {};
}

Result<void> JsonLinesPages::finish() {
  if (lines_ == 0) return {};
  char name[24];
  std::snprintf(name, sizeof name, "/%06d.jsonl", ++pages_);
  RUCHE_CHECK(out_.add(prefix_ + name, page_, mtime_ms_));
  page_.clear();
  lines_ = 0;
  return {};
}

Result<http::Response> export_response(Platform& p, const http::Request& req, const Caller& caller,
                                       const WorkspaceAccess& access) {
  if (!access.can_manage()) return fail(Errc::forbidden, "only owners and admins can export a workspace");
  auto headers = [](http::Response& res, const std::string& name, const std::string& date) {
    res.headers.set("Content-Type", "application/x-tar");
    res.headers.set("Content-Disposition",
                    http::content_disposition("attachment", name + " " + date + ".tar", "workspace-" + date + ".tar"));
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Content-Type-Options", "nosniff");
  };
  if (req.method == "HEAD") {
    // Whether a GET would start now (a client asks before it downloads).
    if (running_exports.load() >= kMaxRunningExports)
      return fail(Errc::unavailable, "another export is running on this server; try again in a minute",
                  "export_running");
    http::Response res;
    headers(res, access.workspace_name, format_iso8601(p.clock.now_ms()).substr(0, 10));
    return res;
  }
  if (running_exports.fetch_add(1) >= kMaxRunningExports) {
    running_exports.fetch_sub(1);
    return fail(Errc::unavailable, "another export is running on this server; try again in a minute",
                "export_running");
  }
  auto slot = std::make_shared<ExportSlot>();
  const WorkspaceId ws = access.workspace_id;
  RUCHE_TRY(Workspace w, p.workspaces.get(caller, ws));
  RUCHE_TRY(std::vector<Member> members, p.workspaces.members(caller, ws));
  RUCHE_TRY(blob::KeysPtr keys, p.blobs.keys(ws));
  const std::int64_t now = p.clock.now_ms();

  json::object manifest;
  manifest["format"] = std::string(kExportFormat);
  manifest["version"] = kExportVersion;
  manifest["exported_at"] = format_iso8601(now);
  manifest["exported_by"] = json::object{{"user_id", caller.user_id.str()}, {"email", caller.email}};
  json::object wj = to_json(w);
  wj.erase("role");  // the exporter's, not the workspace's
  manifest["workspace"] = std::move(wj);
  json::array mj;
  for (const auto& m : members) mj.push_back(to_json(m));
  manifest["members"] = std::move(mj);
  json::array modules;
  for (const auto& def : p.registry.modules())
    if (def.export_to) modules.emplace_back(def.name);
  manifest["modules"] = std::move(modules);

  AuditEntry e = AuditEntry::by(caller, "workspace.exported");
  e.workspace_id = ws.str();
  e.object = ws.str();
  RUCHE_CHECK(p.audit.record(p.db, e));

  http::Response res;
  headers(res, w.name, format_iso8601(now).substr(0, 10));
  res.stream = [&p, ws, caller, keys = std::move(keys), manifest = json::value(std::move(manifest)), now,
                armoured = w.armoured,
                slot = std::move(slot)](http::BodyWriter& body) -> Result<void> {
    ExportWriter out(
        [&p, &keys](const std::vector<blob::ChunkRef>& chunks, std::uint64_t size,
                    FunctionRef<Result<void>(std::string_view)> sink) {
          return p.blobs.read_uncached(keys, chunks, 0, size, sink);
        },
        p.config.data_folder());
    // One read transaction: a snapshot, so records agree with each other
    // however people work meanwhile (a node moved between two pages is
    // still listed once). It ends once the records are spooled, whatever
    // the client's pace: a long one would keep SQLite's write-ahead log
    // growing and PostgreSQL's vacuum from removing what was deleted since.
    // Contents never change once stored: they are read afterwards.
    const auto began = std::chrono::steady_clock::now();
    Result<void> r = p.db.read([&](db::Conn& c) -> Result<void> {
      RUCHE_CHECK(out.add("README.txt", kReadme, now));
      RUCHE_CHECK(out.add_json("workspace.json", manifest, now));
      if (armoured) {
        RUCHE_TRY(json::object keys_json, p.armour.export_keys(c, ws));
        RUCHE_CHECK(out.add_json("armour.json", keys_json, now));
      }
      for (const auto& def : p.registry.modules()) {
        if (!def.export_to) continue;
        RUCHE_CHECK(out.add_folder(def.name, now));
        RUCHE_CHECK(def.export_to(c, ws, out, now));
      }
      return out.finish();
    });
    const std::int64_t snapshot_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
    if (r) r = out.send(body);
    if (!r)
      log::warn("workspace.export_failed",
                {{"workspace", ws.str()}, {"request_id", caller.request_id}, {"error", r.error().message}});
    else
      log::info("workspace.exported", {{"workspace", ws.str()},
                                       {"request_id", caller.request_id},
                                       {"entries", out.entries()},
                                       {"content_bytes", out.content_bytes()},
                                       {"snapshot_ms", snapshot_ms},
                                       {"spooled_bytes", out.spooled_bytes()}});
    return r;
  };
  return res;
}

}  // namespace ruche::platform
