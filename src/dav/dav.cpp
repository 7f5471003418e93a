#include "dav/dav.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/text.hpp"

namespace ruche::dav {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::optional<Depth> parse_depth(std::optional<std::string_view> header, Depth fallback) {
  if (!header) return fallback;
  std::string_view v = trim_blanks(*header);
  if (v == "0") return Depth::zero;
  if (v == "1") return Depth::one;
  if (iequal(v, "infinity")) return Depth::infinity;
  return std::nullopt;
}

std::int64_t parse_timeout_s(std::optional<std::string_view> header, std::int64_t default_s,
                             std::int64_t max_s) {
  if (!header) return default_s;
  std::string_view v = *header;
  while (!v.empty()) {
    auto comma = v.find(',');
    std::string_view item = trim_blanks(v.substr(0, comma));
    v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
    if (iequal(item, "infinite")) return max_s;
    if (item.size() > 7 && iequal(item.substr(0, 7), "second-")) {
      std::int64_t n = 0;
      bool ok = item.size() - 7 <= 12;
      for (char c : item.substr(7)) {
        if (c < '0' || c > '9') ok = false;
        else n = n * 10 + (c - '0');
      }
      if (ok) return std::clamp<std::int64_t>(n, 1, max_s);
    }
  }
  return default_s;
}

std::optional<bool> parse_overwrite(std::optional<std::string_view> header) {
  if (!header) return true;
  std::string_view v = trim_blanks(*header);
  if (v == "T" || v == "t") return true;
  if (v == "F" || v == "f") return false;
  return std::nullopt;
}

// --- If -----------------------------------------------------------------------

Result<std::vector<IfList>> parse_if(std::string_view h) {
  std::vector<IfList> lists;
  std::string tag;
  std::size_t i = 0;
  auto skip = [&] {
    while (i < h.size() && (h[i] == ' ' || h[i] == '\t')) ++i;
  };
  auto bad = [](std::string why) { return fail(Errc::invalid, "malformed If header: " + why, "bad_if_header"); };
  while (true) {
    skip();
    if (i >= h.size()) break;
    if (h[i] == '<') {
      auto end = h.find('>', i);
      if (end == std::string_view::npos) return bad("unterminated resource tag");
      tag.assign(h.substr(i + 1, end - i - 1));
      i = end + 1;
      skip();
      if (i >= h.size() || h[i] != '(') return bad("a resource tag needs a list");
      continue;
    }
    if (h[i] != '(') return bad("expected '('");
    ++i;
    IfList list;
    list.resource = tag;
    while (true) {
      skip();
      // Some clients (litmus) cut long headers: a list left open at the very
      // end is taken as it is; its cut entity tag simply never matches.
      if (i >= h.size()) break;
      if (h[i] == ')') {
        ++i;
        break;
      }
      IfCondition c;
      if (h.size() - i >= 3 && iequal(h.substr(i, 3), "not") &&
          (i + 3 >= h.size() || h[i + 3] == ' ' || h[i + 3] == '<' || h[i + 3] == '[')) {
        c.negate = true;
        i += 3;
        skip();
      }
      if (i >= h.size()) return bad("unterminated list");
      if (h[i] == '<') {
        auto end = h.find('>', i);
        if (end == std::string_view::npos) return bad("unterminated state token");
        c.value.assign(h.substr(i + 1, end - i - 1));
        i = end + 1;
      } else if (h[i] == '[') {
        auto end = h.find(']', i);
        c.is_etag = true;
        if (end == std::string_view::npos) {
          c.value = "[cut]" + std::string(h.substr(i + 1));
          i = h.size();
        } else {
          c.value.assign(trim_blanks(h.substr(i + 1, end - i - 1)));
          i = end + 1;
        }
      } else {
        return bad("expected a state token or an entity tag");
      }
      if (list.conditions.size() >= 64) return bad("too many conditions");
      list.conditions.push_back(std::move(c));
    }
    if (list.conditions.empty()) return bad("empty list");
    if (lists.size() >= 64) return bad("too many lists");
    lists.push_back(std::move(list));
  }
  if (lists.empty()) return bad("no list");
  return lists;
}

bool evaluate_if(const std::vector<IfList>& lists,
                 const std::function<ResourceState(const std::string& tag)>& state,
                 std::vector<std::string>& submitted) {
  if (lists.empty()) return true;
  bool any = false;
  for (const auto& list : lists) {
    ResourceState s = state(list.resource);
    bool holds = true;
    for (const auto& c : list.conditions) {
      bool match;
      if (c.is_etag) {
        std::string_view want = c.value;
        if (want.substr(0, 2) == "W/") want.remove_prefix(2);
        match = s.exists && !s.etag.empty() && want == s.etag;
      } else {
        match = std::find(s.tokens.begin(), s.tokens.end(), c.value) != s.tokens.end();
      }
      if (c.negate) match = !match;
      if (!match) {
        holds = false;
        break;
      }
    }
    if (holds) {
      any = true;
      for (const auto& c : list.conditions)
        if (!c.is_etag && !c.negate) submitted.push_back(c.value);
    }
  }
  return any;
}

// --- Paths and locks ----------------------------------------------------------

bool is_within(std::string_view path, std::string_view root) {
  if (root == "/" || root.empty()) return true;
  if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

std::string parent_path(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool covers(const Lock& lock, std::string_view path) {
  if (path == lock.root) return true;
  return lock.infinite && is_within(path, lock.root);
}

bool conflicts(const Lock& existing, std::string_view path, bool exclusive, bool infinite) {
  bool overlap = covers(existing, path) || (infinite && is_within(existing.root, path));
  return overlap && (existing.exclusive || exclusive);
}

// --- Bodies -------------------------------------------------------------------

Result<PropfindRequest> parse_propfind(std::string_view body) {
  PropfindRequest req;
  if (trim_blanks(body).empty()) return req;
  RUCHE_TRY(XmlElement root, parse_xml(body));
  if (!root.is(kDavNs, "propfind"))
    return fail(Errc::invalid, "the body must be a DAV:propfind", "invalid_xml");
  for (const auto& c : root.children) {
    if (c.is(kDavNs, "allprop")) {
      req.kind = PropfindRequest::allprop;
      return req;
    }
    if (c.is(kDavNs, "propname")) {
      req.kind = PropfindRequest::propname;
      return req;
    }
    if (c.is(kDavNs, "prop")) {
      req.kind = PropfindRequest::prop;
      for (const auto& p : c.children) req.props.push_back({p.ns, p.name});
      return req;
    }
  }
  return fail(Errc::invalid, "propfind needs allprop, propname or prop", "invalid_xml");
}

Result<std::vector<PropPatchOp>> parse_proppatch(std::string_view body) {
  RUCHE_TRY(XmlElement root, parse_xml(body));
  if (!root.is(kDavNs, "propertyupdate"))
    return fail(Errc::invalid, "the body must be a DAV:propertyupdate", "invalid_xml");
  std::vector<PropPatchOp> ops;
  for (const auto& c : root.children) {
    bool set = c.is(kDavNs, "set");
    if (!set && !c.is(kDavNs, "remove")) continue;
    const XmlElement* prop = c.child(kDavNs, "prop");
    if (!prop) return fail(Errc::invalid, "set and remove need a DAV:prop", "invalid_xml");
    for (const auto& p : prop->children) {
      PropPatchOp op;
      op.remove = !set;
      op.prop = {p.ns, p.name};
      if (set) op.value_xml = serialize_content(p);
      ops.push_back(std::move(op));
    }
  }
  if (ops.empty()) return fail(Errc::invalid, "propertyupdate changes nothing", "invalid_xml");
  return ops;
}

Result<std::optional<LockRequest>> parse_lockinfo(std::string_view body) {
  if (trim_blanks(body).empty()) return std::optional<LockRequest>{};
  RUCHE_TRY(XmlElement root, parse_xml(body));
  if (!root.is(kDavNs, "lockinfo"))
    return fail(Errc::invalid, "the body must be a DAV:lockinfo", "invalid_xml");
  LockRequest req;
  const XmlElement* scope = root.child(kDavNs, "lockscope");
  const XmlElement* type = root.child(kDavNs, "locktype");
  if (!scope || !type || !type->child(kDavNs, "write"))
    return fail(Errc::invalid, "lockinfo needs a lockscope and a write locktype", "invalid_xml");
  if (scope->child(kDavNs, "exclusive")) req.exclusive = true;
  else if (scope->child(kDavNs, "shared")) req.exclusive = false;
  else return fail(Errc::invalid, "unknown lock scope", "invalid_xml");
  if (const XmlElement* owner = root.child(kDavNs, "owner")) req.owner_xml = serialize_content(*owner);
  return std::optional<LockRequest>(std::move(req));
}

// --- Responses ----------------------------------------------------------------

std::string status_line(int status) {
  const char* reason = "Unknown";
  switch (status) {
    case 200: reason = "OK"; break;
    case 201: reason = "Created"; break;
    case 204: reason = "No Content"; break;
    case 400: reason = "Bad Request"; break;
    case 403: reason = "Forbidden"; break;
    case 404: reason = "Not Found"; break;
    case 409: reason = "Conflict"; break;
    case 412: reason = "Precondition Failed"; break;
    case 423: reason = "Locked"; break;
    case 424: reason = "Failed Dependency"; break;
    case 500: reason = "Internal Server Error"; break;
    case 507: reason = "Insufficient Storage"; break;
    default: break;
  }
  return "HTTP/1.1 " + std::to_string(status) + " " + reason;
}

std::string encode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 8);
  append_encoded_path(out, path);
  return out;
}

void append_encoded_path(std::string& out, std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

namespace {
const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const std::string_view kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

namespace {
struct Civil {
  std::int64_t y;
  int m, d, wday, hh, mm, ss;
};
// Civil date from days (H. Hinnant's algorithm): no locale, no printf.
Civil civil(std::int64_t unix_ms) {
  std::int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : 0;
  std::int64_t days = secs / 86400, rem = secs % 86400;
  std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1), m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  if (m <= 2) ++y;
  return Civil{y, m, d, static_cast<int>((days + 4) % 7), static_cast<int>(rem / 3600),
               static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60)};
}
void two(std::string& out, int v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}
}  // namespace

void append_iso8601(std::string& out, std::int64_t unix_ms) {
  Civil c = civil(unix_ms);
  out += std::to_string(c.y);
  out += '-';
  two(out, c.m);
  out += '-';
  two(out, c.d);
  out += 'T';
  two(out, c.hh);
  out += ':';
  two(out, c.mm);
  out += ':';
  two(out, c.ss);
  out += 'Z';
}

void append_http_date(std::string& out, std::int64_t unix_ms) {
  Civil c = civil(unix_ms);
  int wday = c.wday, d = c.d, m = c.m;
  std::int64_t y = c.y;
  auto two = [&](int v) { ruche::dav::two(out, v); };
  out += kDays[wday];
  out += ", ";
  two(d);
  out += ' ';
  out += kMonths[m - 1];
  out += ' ';
  out += std::to_string(y);
  out += ' ';
  two(c.hh);
  out += ':';
  two(c.mm);
  out += ':';
  two(c.ss);
  out += " GMT";
}

std::string http_date(std::int64_t unix_ms) {
  std::string out;
  append_http_date(out, unix_ms);
  return out;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  const std::string s(text);
  char day[10] = {}, mon[4] = {};
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0, used = 0;
  // The three forms recipients must accept (RFC 9110, section 5.6.7):
  // IMF-fixdate, then the obsolete RFC 850 and asctime() ones.
  const char* c = s.c_str();
  bool two_digit_year = false;
  if (std::sscanf(c, " %3[A-Za-z], %d %3s %d %d:%d:%d GMT%n", day, &d, mon, &y, &hh, &mm, &ss, &used) == 7) {
    if (std::find(std::begin(kDays), std::end(kDays), std::string_view(day)) == std::end(kDays)) return std::nullopt;
  } else if (used = 0;
             std::sscanf(c, " %9[A-Za-z], %d-%3[A-Za-z]-%d %d:%d:%d GMT%n", day, &d, mon, &y, &hh, &mm, &ss, &used) ==
             7) {
    if (std::find(std::begin(kLongDays), std::end(kLongDays), std::string_view(day)) == std::end(kLongDays))
      return std::nullopt;
    two_digit_year = true;
  } else if (used = 0;
             std::sscanf(c, " %3[A-Za-z] %3[A-Za-z] %d %d:%d:%d %d%n", day, mon, &d, &hh, &mm, &ss, &y, &used) == 7) {
    if (std::find(std::begin(kDays), std::end(kDays), std::string_view(day)) == std::end(kDays)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (used == 0) return std::nullopt;
  // Nothing but spaces after it (an XML value may end with a newline).
  for (std::size_t i = static_cast<std::size_t>(used); i < s.size(); ++i)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return std::nullopt;
  if (two_digit_year) {
    if (y < 0 || y > 99) return std::nullopt;
    y += y < 70 ? 2000 : 1900;  // RFC 850's years: 70-99 the 1900s, 00-69 the 2000s
  }
  int m = -1;
  for (int i = 0; i < 12; ++i)
    if (std::string_view(mon) == kMonths[i]) m = i;
  if (m < 0 || y < 1970 || y > 9999 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
    return std::nullopt;
  static constexpr int kDaysIn[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDaysIn[m] + (m == 1 && leap ? 1 : 0)) return std::nullopt;
  std::tm tm{};
  tm.tm_mday = d;
  tm.tm_mon = m;
  tm.tm_year = y - 1900;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = std::min(ss, 59);  // a leap second stays in its minute
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

bool etag_listed(std::string_view list, std::string_view etag, bool weak) {
  if (trim_blanks(list) == "*") return true;
  const bool etag_weak = etag.starts_with("W/");
  if (etag_weak) etag.remove_prefix(2);
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = trim_blanks(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const bool item_weak = item.starts_with("W/");
    if (item_weak) item.remove_prefix(2);
    if ((weak || (!item_weak && !etag_weak)) && item == etag) return true;
  }
  return false;
}

std::optional<std::int64_t> unmodified_since(std::optional<std::string_view> if_match,
                                             std::optional<std::string_view> if_unmodified_since) {
  if (if_match || !if_unmodified_since) return std::nullopt;
  return parse_http_date(*if_unmodified_since);
}

std::string activelock_xml(const Lock& lock, std::string_view root_href, std::int64_t now_ms) {
  std::int64_t left = std::max<std::int64_t>(0, (lock.expires_at_ms - now_ms + 999) / 1000);
  std::string out = "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>";
  out += lock.exclusive ? "<D:exclusive/>" : "<D:shared/>";
  out += "</D:lockscope><D:depth>";
  out += lock.infinite ? "infinity" : "0";
  out += "</D:depth>";
  if (!lock.owner_xml.empty()) out += "<D:owner>" + lock.owner_xml + "</D:owner>";
  out += "<D:timeout>Second-" + std::to_string(left) + "</D:timeout>";
  out += "<D:locktoken><D:href>" + xml_escape(lock.token) + "</D:href></D:locktoken>";
  out += "<D:lockroot><D:href>" + xml_escape(root_href) + "</D:href></D:lockroot>";
  out += "</D:activelock>";
  return out;
}

std::string_view supportedlock_xml() {
  return "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
         "</D:lockentry><D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/>"
         "</D:locktype></D:lockentry>";
}

void append_escaped(std::string& out, std::string_view s) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* rep = nullptr;
    switch (s[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\r': rep = "&#13;"; break;
      default: continue;
    }
    out.append(s.substr(start, i - start));
    out += rep;
    start = i + 1;
  }
  out.append(s.substr(start));
}

Multistatus::Multistatus() : Multistatus("") {}

Multistatus::Multistatus(std::string_view xmlns) {
  out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\"";
  out_ += xmlns;
  out_ += '>';
}

void Multistatus::response(std::string_view href,
                           const std::vector<std::pair<int, std::string>>& propstats) {
  out_ += "<D:response><D:href>";
  out_ += xml_escape(href);
  out_ += "</D:href>";
  for (const auto& [status, props] : propstats) {
    if (props.empty()) continue;
    out_ += "<D:propstat><D:prop>";
    out_ += props;
    out_ += "</D:prop><D:status>";
    out_ += status_line(status);
    out_ += "</D:status></D:propstat>";
  }
  out_ += "</D:response>\n";
}

void Multistatus::status(std::string_view href, int status) {
  out_ += "<D:response><D:href>";
  out_ += xml_escape(href);
  out_ += "</D:href><D:status>";
  out_ += status_line(status);
  out_ += "</D:status></D:response>\n";
}

std::string Multistatus::finish() {
  out_ += "</D:multistatus>\n";
  return std::move(out_);
}

Multistatus::~Multistatus() = default;
Multistatus::Multistatus(Multistatus&&) noexcept = default;
Multistatus& Multistatus::operator=(Multistatus&&) noexcept = default;

namespace {
constexpr std::size_t kSpillBytes = 1 << 20;
}

void Multistatus::spool_past_memory(std::string folder, std::size_t memory) {
  spool_folder_ = std::move(folder);
  spool_memory_ = memory;
}

void Multistatus::spill() {
  if (out_.size() < kSpillBytes || spool_folder_.empty()) return;
  if (!spool_) spool_ = std::make_shared<Spool>(spool_folder_, spool_memory_);
  // After a failure (a full disk) nothing more is kept: answer() reports it.
  if (spooled_) spooled_ = spool_->write(out_);
  out_.clear();
}

Result<http::Response> Multistatus::answer() {
  if (!spool_) return http::xml_response(207, finish());
  RUCHE_CHECK(spooled_);
  RUCHE_CHECK(spool_->write(finish()));
  RUCHE_CHECK(spool_->rewind());
  http::Response r = http::xml_response(207, "");
  if (!spool_->on_disk()) {
    RUCHE_CHECK(spool_->read(spool_->size(), r.body));
    return r;
  }
  r.content_length = spool_->size();
  r.stream = [spool = spool_](http::BodyWriter& out) -> Result<void> {
    std::string piece;
    while (spool->left() > 0) {
      RUCHE_CHECK(spool->read(std::min<std::uint64_t>(spool->left(), kSpillBytes), piece));
      RUCHE_CHECK(out.write(piece));
    }
    return {};
  };
  return r;
}

std::string error_xml(std::string_view condition) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\"><D:" +
         std::string(condition) + "/></D:error>\n";
}

std::string error_xml(std::string_view ns, std::string_view condition) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\"><X:" +
         std::string(condition) + " xmlns:X=\"" + xml_escape(ns) + "\"/></D:error>\n";
}

}  // namespace ruche::dav
