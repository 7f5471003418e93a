// Names, content types and JSON shapes: the module's public helpers.
#include "modules/files/files.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "base/clock.hpp"
#include "dav/dav.hpp"
#include "platform/file_names.hpp"

namespace ruche::files {

Result<std::string> normalize_name(std::string_view name) { return platform::normalize_file_name(name); }

std::optional<std::int64_t> parse_oc_mtime(std::string_view v) {
  std::int64_t seconds = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || seconds < 0 || seconds > dav::kLastHttpDateMs / 1000)
    return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(v.data() + v.size() - end));
  if (!rest.empty()) {
    if (rest.size() < 2 || rest.front() != '.') return std::nullopt;
    for (char c : rest.substr(1))
      if (c < '0' || c > '9') return std::nullopt;
  }
  return seconds * 1000;
}

Result<std::vector<std::string>> split_path(std::string_view path) {
  if (path.size() > kMaxPathBytes) return fail(Errc::invalid, "path too long", "invalid_name");
  std::vector<std::string> out;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  while (true) {
    auto slash = path.find('/');
    RUCHE_TRY(std::string name, normalize_name(path.substr(0, slash)));
    out.push_back(std::move(name));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string_view content_type_for(std::string_view name) { return platform::content_type_for(name); }

bool safe_to_serve(std::string_view content_type) { return platform::safe_to_serve(content_type); }

std::string_view to_string(ShareMode m) { return m == ShareMode::upload ? "upload" : "read"; }

std::optional<ShareMode> share_mode_of(std::string_view s) {
  if (s == "read") return ShareMode::read;
  if (s == "upload") return ShareMode::upload;
  return std::nullopt;
}

json::object to_json(const Node& n) {
  json::object o;
  o["id"] = n.id.str();
  o["workspace_id"] = n.workspace_id.str();
  o["parent_id"] = n.parent_id.empty() ? json::value(nullptr) : json::value(n.parent_id.str());
  o["name"] = n.name;
  o["path"] = n.path;
  o["kind"] = n.folder ? "folder" : "file";
  o["size"] = n.size_bytes;
  o["etag"] = n.etag;
  if (!n.folder) {
    o["content_type"] = n.content_type;
    o["version"] = n.version;
    o["sha256"] = n.sha256;
  }
  o["mtime"] = format_iso8601(n.mtime_ms);
  o["created_at"] = format_iso8601(n.created_at_ms);
  o["created_by"] = n.created_by;
  o["updated_at"] = format_iso8601(n.updated_at_ms);
  o["updated_by"] = n.updated_by;
  if (n.trashed_at_ms) {
    o["trashed_at"] = format_iso8601(*n.trashed_at_ms);
    o["trashed_by"] = n.trashed_by;
  }
  add_sealed(o, n);
  return o;
}

void add_sealed(json::object& o, const Node& n) {
  if (n.sealed_name.empty()) return;
  o["sealed_name"] = n.sealed_name;
  o["sealed_name_by"] = n.sealed_name_by;
  if (n.folder) return;
  o["sealed_content"] = n.sealed_content;
  o["sealed_content_by"] = n.sealed_content_by;
}

json::object to_json(const Version& v) {
  json::object o;
  o["number"] = v.number;
  o["size"] = v.size_bytes;
  o["sha256"] = v.sha256;
  o["etag"] = "\"" + v.sha256 + "\"";
  o["created_at"] = format_iso8601(v.created_at_ms);
  o["created_by"] = v.created_by;
  o["mtime"] = format_iso8601(v.mtime_ms);
  o["current"] = v.current;
  if (!v.sealed.empty()) o["sealed"] = v.sealed;
  return o;
}

json::object to_json(const Usage& u) {
  json::object o;
  o["used_bytes"] = u.used_bytes;
  o["quota_bytes"] = u.quota_bytes ? json::value(*u.quota_bytes) : json::value(nullptr);
  return o;
}

json::object to_json(const Share& s) {
  json::object o;
  o["id"] = s.id.str();
  o["node_id"] = s.node_id.str();
  o["mode"] = to_string(s.mode);
  o["has_password"] = s.has_password;
  o["expires_at"] = s.expires_at_ms ? json::value(format_iso8601(*s.expires_at_ms)) : json::value(nullptr);
  o["max_downloads"] = s.max_downloads ? json::value(*s.max_downloads) : json::value(nullptr);
  o["downloads"] = s.downloads;
  o["created_by"] = s.created_by;
  o["created_at"] = format_iso8601(s.created_at_ms);
  return o;
}

}  // namespace ruche::files
