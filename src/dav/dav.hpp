// Shared WebDAV machinery (RFC 4918), free of any storage: header parsers
// (Depth, Timeout, Overwrite, If), request bodies (PROPFIND, PROPPATCH,
// LOCK), lock coverage rules, and the multistatus writer. The Files module
// uses it for /dav/files; CalDAV can reuse it.
//
// Paths here are decoded, NFC, absolute within a tree: "/" is the root,
// "/a/b" a member (no trailing slash). Hrefs are built by the caller's
// prefix plus encode_path().
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/spool.hpp"
#include "core/http/message.hpp"
#include "dav/xml.hpp"

namespace ruche::dav {

inline constexpr std::string_view kDavNs = "DAV:";

enum class Depth { zero, one, infinity };

// The Depth header ("0", "1", "infinity"); `fallback` when absent; nullopt
// when malformed.
std::optional<Depth> parse_depth(std::optional<std::string_view> header, Depth fallback);

// The Timeout header ("Second-3600, Infinite"): the first usable value in
// seconds, clamped to [1, max_s]; `default_s` when absent or unusable.
std::int64_t parse_timeout_s(std::optional<std::string_view> header, std::int64_t default_s,
                             std::int64_t max_s);

// Overwrite: "T" (default) or "F"; nullopt when malformed.
std::optional<bool> parse_overwrite(std::optional<std::string_view> header);

// --- If header (RFC 4918 section 10.4) ---------------------------------------

struct IfCondition {
  bool negate = false;
  bool is_etag = false;
  std::string value;  // a state token without <> ("urn:uuid:..."), or an entity tag with quotes
};

struct IfList {
  std::string resource;  // the Resource-Tag without <>, "" for an untagged list
  std::vector<IfCondition> conditions;
};

// Errors: invalid (malformed header; at most 64 lists and 64 conditions each).
Result<std::vector<IfList>> parse_if(std::string_view header);

// What a list condition is checked against.
struct ResourceState {
  bool exists = false;
  std::string etag;                 // with quotes; "" when none
  std::vector<std::string> tokens;  // tokens of the locks that cover the resource
};

// Evaluates `lists`: true when at least one list holds (every condition of
// it), or when no list applies. `state(tag)` gives the state of the list's
// resource ("" = the request's resource). The state tokens of the lists that
// held are appended to `submitted` (the lock tokens the client proved).
bool evaluate_if(const std::vector<IfList>& lists,
                 const std::function<ResourceState(const std::string& tag)>& state,
                 std::vector<std::string>& submitted);

// --- Locks --------------------------------------------------------------------

struct Lock {
  std::string token;       // "urn:uuid:..."
  std::string root;        // the locked path
  bool exclusive = true;
  bool infinite = false;   // Depth: infinity (collections)
  std::string owner_xml;   // the client's <D:owner> content, serialized
  std::string user_id;     // the principal who holds it
  std::int64_t timeout_s = 0;
  std::int64_t expires_at_ms = 0;
};

// `path` equals `root` or lies beneath it.
bool is_within(std::string_view path, std::string_view root);
// The parent of a path ("/a/b" -> "/a", "/a" -> "/", "/" -> "/").
std::string parent_path(std::string_view path);
// The last segment ("/a/b" -> "b", "/" -> "").
std::string_view base_name(std::string_view path);

// The lock applies to `path`: its root, or a descendant with Depth infinity.
bool covers(const Lock& lock, std::string_view path);
// Locks that a new lock on `path` (`exclusive`, `infinite`) would conflict with.
bool conflicts(const Lock& existing, std::string_view path, bool exclusive, bool infinite);

// --- Request bodies -----------------------------------------------------------

struct PropName {
  std::string ns;
  std::string name;
  friend bool operator==(const PropName&, const PropName&) = default;
};

struct PropfindRequest {
  enum Kind { allprop, propname, prop } kind = allprop;
  std::vector<PropName> props;  // prop: the names asked for
};
// An empty body is allprop. Errors: invalid (malformed XML, not a propfind).
Result<PropfindRequest> parse_propfind(std::string_view body);

struct PropPatchOp {
  bool remove = false;
  PropName prop;
  std::string value_xml;  // set: the value, serialized (serialize_content)
};
// In document order. Errors: invalid.
Result<std::vector<PropPatchOp>> parse_proppatch(std::string_view body);

struct LockRequest {
  bool exclusive = true;
  std::string owner_xml;
};
// nullopt for an empty body (a refresh). Errors: invalid.
Result<std::optional<LockRequest>> parse_lockinfo(std::string_view body);

// --- Responses ----------------------------------------------------------------

// "HTTP/1.1 404 Not Found".
std::string status_line(int status);
// Percent-encodes each segment of `path`, keeping the slashes.
std::string encode_path(std::string_view path);
void append_encoded_path(std::string& out, std::string_view path);
// RFC 1123 date ("Sun, 06 Nov 1994 08:49:37 GMT") and back.
std::string http_date(std::int64_t unix_ms);
void append_http_date(std::string& out, std::int64_t unix_ms);
// "2026-11-29T17:09:45Z" (RFC 3339, DAV:creationdate).
void append_iso8601(std::string& out, std::int64_t unix_ms);
// Appends `s` escaped as xml_escape() does.
void append_escaped(std::string& out, std::string_view s);
// An IMF-fixdate (the form above) between 1970 and 9999, with a day that
// exists in its month; nullopt otherwise.
std::optional<std::int64_t> parse_http_date(std::string_view text);
// Whether an If-Match (strong comparison: a weak tag never matches) or
// If-None-Match (`weak`: W/ ignored) list names `etag`; "*" names any.
bool etag_listed(std::string_view list, std::string_view etag, bool weak);
// Whether `mtime_ms` is later than an HTTP date `date_ms`, to the second
// (what Last-Modified can tell): If-Modified-Since and If-Unmodified-Since.
inline bool later_than(std::int64_t mtime_ms, std::int64_t date_ms) { return mtime_ms / 1000 > date_ms / 1000; }
// The time of an If-Unmodified-Since header, or nullopt when it does not
// apply: absent, not a date, or beside an If-Match, which wins (RFC 9110,
// section 13.1.4).
std::optional<std::int64_t> unmodified_since(std::optional<std::string_view> if_match,
                                             std::optional<std::string_view> if_unmodified_since);
// Nextcloud's namespace, and its per-person favorite flag ("1"/"0"), which
// its clients set with PROPPATCH and read with PROPFIND.
inline constexpr std::string_view kOwncloudNs = "http://owncloud.org/ns";
inline bool is_favorite_prop(const PropName& p) {
  return p.ns == kOwncloudNs && p.name == "favorite";
}
// 9999-12-31T23:59:59Z: the last time an HTTP date can tell (4-digit years).
inline constexpr std::int64_t kLastHttpDateMs = 253'402'300'799'000;

// <D:activelock> for a lock; `root_href` is its root as an href.
std::string activelock_xml(const Lock& lock, std::string_view root_href, std::int64_t now_ms);
// <D:supportedlock> content.
std::string_view supportedlock_xml();

// Builds a 207 multistatus body. A listing of any size (a folder's, a
// calendar's) calls spool_past_memory() first, then spill() after each
// response, and answers with answer(): past a MiB what is built moves to a
// Spool, so memory stays bounded whatever the count.
class Multistatus {
 public:
  Multistatus();
  // `xmlns`: more namespace declarations for the root element
  // (` xmlns:C="urn:ietf:params:xml:ns:caldav"`).
  explicit Multistatus(std::string_view xmlns);
  ~Multistatus();
  Multistatus(Multistatus&&) noexcept;
  Multistatus& operator=(Multistatus&&) noexcept;

  // Lets the body outgrow memory: spill() moves it, a MiB at a time, to a
  // Spool that keeps `memory` bytes in memory and the rest in a file without
  // a name in `folder`.
  void spool_past_memory(std::string folder, std::size_t memory);
  // Moves what is built to the spool once it holds a MiB; nothing otherwise.
  void spill();
  // The 207 answer: the body as built, or, once spilled, from the spool
  // (streamed with its length when it went to a file). Errors: the spool's
  // first (insufficient_storage when the disk is full).
  Result<http::Response> answer();
  // One <D:response> with propstats: (status, serialized props) pairs, empty
  // groups skipped.
  void response(std::string_view href, const std::vector<std::pair<int, std::string>>& propstats);
  // One <D:response> with a plain status.
  void status(std::string_view href, int status);
  std::string finish();
  // What is built and not yet spilled, in bytes.
  std::size_t size() const { return out_.size(); }
  // The body so far, to append a serialized <D:response> in place (large
  // listings build each entry without temporaries).
  std::string& buffer() { return out_; }

 private:
  std::string out_;
  std::string spool_folder_;
  std::size_t spool_memory_ = 0;
  std::shared_ptr<Spool> spool_;  // once spilled; shared with a streamed answer
  Result<void> spooled_;          // the first failure of a spill
};

// <D:error><D:name/></D:error>, for 403/409/412/423 answers with a precondition code.
std::string error_xml(std::string_view condition);
// The same for a condition of another namespace (CalDAV's).
std::string error_xml(std::string_view ns, std::string_view condition);

}  // namespace ruche::dav
