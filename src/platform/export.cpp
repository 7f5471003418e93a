#include "platform/export.hpp"

#include <atomic>
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

// Exports running on this node. Each holds a read transaction (one of the
// database's reader connections) for as long as its client downloads: one
// at a time, so they never starve the other requests.
constexpr int kMaxRunningExports = 1;
std::atomic<int> running_exports{0};

struct ExportSlot {
  ExportSlot(const ExportSlot&) = delete;
  ExportSlot& operator=(const ExportSlot&) = delete;
  ExportSlot() = default;
  ~ExportSlot() { running_exports.fetch_sub(1); }
};

}  // namespace

ExportWriter::ExportWriter(ContentSource contents, http::BodyWriter& out)
    : contents_(std::move(contents)), out_(out) {
  buf_.reserve(kFlushBytes + tar::kBlock * 3);
}

Result<void> ExportWriter::put(std::string_view bytes) {
  if (buf_.size() + bytes.size() > kFlushBytes) {
    RUCHE_CHECK(flush());
    if (bytes.size() >= kFlushBytes) return out_.write(bytes);
  }
  buf_ += bytes;
  return {};
}

Result<void> ExportWriter::flush() {
  if (buf_.empty()) return {};
  auto r = out_.write(buf_);
  buf_.clear();
  return r;
}

Result<void> ExportWriter::header(std::string_view path, bool folder, std::uint64_t size, std::int64_t mtime_ms) {
  RUCHE_TRY(std::string h, tar::header({.path = std::string(path),
                                        .folder = folder,
                                        .size = size,
                                        .mtime_s = mtime_ms / 1000 - (mtime_ms % 1000 < 0 ? 1 : 0)}));
  ++entries_;
  return put(h);
}

Result<void> ExportWriter::add(std::string_view path, std::string_view bytes, std::int64_t mtime_ms) {
  RUCHE_CHECK(header(path, false, bytes.size(), mtime_ms));
  RUCHE_CHECK(put(bytes));
  return put(tar::end().substr(0, tar::padding(bytes.size())));
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
  std::uint64_t written = 0;
  RUCHE_TRY(std::uint64_t n, contents_(chunks, expected, [&](std::string_view d) -> Result<void> {
              if (d.size() > expected - written) return fail(Errc::internal, "export: content longer than recorded");
              written += d.size();
              return put(d);
            }));
  if (n != expected || written != expected)
    return fail(Errc::internal, "export: content shorter than recorded: " + std::string(path));
  content_bytes_ += expected;
  return put(tar::end().substr(0, tar::padding(expected)));
}

Result<void> ExportWriter::finish() {
  RUCHE_CHECK(put(tar::end()));
  return flush();
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
        body);
    // One read transaction: a snapshot, so records agree with each other
    // however people work meanwhile (a node moved between two pages is
    // still listed once). Contents are immutable and read apart.
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
    if (!r)
      log::warn("workspace.export_failed",
                {{"workspace", ws.str()}, {"request_id", caller.request_id}, {"error", r.error().message}});
    else
      log::info("workspace.exported", {{"workspace", ws.str()},
                                       {"request_id", caller.request_id},
                                       {"entries", out.entries()},
                                       {"content_bytes", out.content_bytes()}});
    return r;
  };
  return res;
}

}  // namespace ruche::platform
