#include "modules/reports/service.hpp"

#include <cstdlib>
#include <set>

#include "base/clock.hpp"
#include "dav/ical_object.hpp"
#include "modules/reports/reports.hpp"
#include "modules/reports/store.hpp"
#include "platform/accounts.hpp"

namespace ruche::reports {

namespace {

// The modules whose figures and events the caller may see: active, with at
// least the read right; the reports module itself has none.
std::set<std::string> readable_modules(const platform::WorkspaceAccess& access) {
  std::set<std::string> out;
  for (const auto& [name, right] : access.modules)
    if (name != "reports" && right != platform::Access::none) out.insert(name);
  return out;
}

// The name events are reported under: a module's, or "workspace" for the
// platform's own (membership, settings); empty when the caller may not see it.
std::string reported_as(const std::string& module, const std::set<std::string>& readable) {
  if (module.empty()) return "workspace";
  return readable.contains(module) ? module : std::string();
}

// A spreadsheet's cell of text (RFC 4180): quoted, quotes doubled; one that
// a spreadsheet would take for a formula (=, +, -, @, a tab or a carriage
// return first: OWASP's "CSV injection") starts with an apostrophe.
std::string csv_text(std::string_view text) {
  std::string out = "\"";
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos)
    out += '\'';
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string day_text(std::int64_t day) {
  return format_iso8601(day * kDayMs).substr(0, 10);
}

}  // namespace

std::int64_t Service::period_start(std::int64_t days) const {
  return (p_.clock.now_ms() / kDayMs - days) * kDayMs;
}

Result<platform::ReportPeriod> Service::period_of(std::int64_t days,
                                                  std::optional<std::string> today) const {
  const std::int64_t now = p_.clock.now_ms();
  platform::ReportPeriod period{
      .since_ms = period_start(days), .now_ms = now, .today = day_text(now / kDayMs)};
  if (today) {
    // Time zones run from UTC-12 to UTC+14: the reader's date is the UTC
    // date, the day before or the day after.
    std::int64_t at = 0;
    if (today->size() != 10 || !parse_iso8601(*today, at) || at % kDayMs != 0 ||
        std::abs(at / kDayMs - now / kDayMs) > 1)
      return fail(Errc::invalid, "today is the reader's date (YYYY-MM-DD), within a day of UTC's",
                  "invalid_field");
    period.today = std::move(*today);
  }
  return period;
}

Result<std::optional<std::string>> Service::reader_today(const UserId& reader) const {
  RUCHE_TRY(std::string zone,
            p_.db.read([&](db::Conn& c) { return platform::time_zone_of(c, reader.str()); }));
  if (zone.empty()) return std::optional<std::string>{};
  return std::optional(dav::wall_clock_text(p_.clock.now_ms(), zone).substr(0, 10));
}

Result<json::object> Service::summary(const platform::WorkspaceAccess& access, std::int64_t days,
                                      std::optional<std::string> today) {
  RUCHE_TRY(const platform::ReportPeriod period, period_of(days, std::move(today)));
  const std::int64_t now = period.now_ms;
  const std::int64_t since = period.since_ms;
  const auto readable = readable_modules(access);
  return p_.db.read([&](db::Conn& c) -> Result<json::object> {
    json::object out;
    out["workspace_id"] = access.workspace_id.str();
    out["days"] = days;
    out["since"] = format_iso8601(since);
    out["until"] = format_iso8601(now);
    RUCHE_TRY(auto m, store::members(c, access.workspace_id, now));
    out["members"] = json::object{{"total", m.total}, {"guests", m.guests}};
    json::object modules;
    for (const std::string& name : readable) {
      const platform::ModuleDef* def = p_.registry.find(name);
      if (def == nullptr || !def->metrics) continue;
      RUCHE_TRY(auto figures, def->metrics(c, access.workspace_id, period));
      modules[name] = std::move(figures);
    }
    out["modules"] = std::move(modules);
    RUCHE_TRY(auto counts, store::events_by_day(c, access.workspace_id, since));
    json::array activity;
    for (std::int64_t day = since / kDayMs; day <= now / kDayMs; ++day) {
      json::object by_module;
      std::int64_t total = 0;
      if (auto it = counts.find(day); it != counts.end()) {
        for (const auto& [module, n] : it->second) {
          std::string as = reported_as(module, readable);
          if (as.empty()) continue;
          by_module[as] = (by_module.contains(as) ? by_module[as].as_int64() : 0) + n;
          total += n;
        }
      }
      activity.push_back(json::object{
          {"day", day_text(day)}, {"total", total}, {"by_module", std::move(by_module)}});
    }
    out["activity"] = std::move(activity);
    return out;
  });
}

Result<std::string> Service::activity_csv(const platform::WorkspaceAccess& access,
                                          std::int64_t days) {
  const std::int64_t since = period_start(days);
  const auto readable = readable_modules(access);
  RUCHE_TRY(auto counts, p_.db.read([&](db::Conn& c) {
    return store::events_by_day(c, access.workspace_id, since);
  }));
  std::string csv = "day,module,events\r\n";
  for (const auto& [day, modules] : counts) {
    std::map<std::string, std::int64_t> merged;
    for (const auto& [module, n] : modules) {
      std::string as = reported_as(module, readable);
      if (!as.empty()) merged[as] += n;
    }
    // Module names are [a-z]+ (the registry's rule): nothing to quote.
    for (const auto& [module, n] : merged)
      csv += day_text(day) + "," + module + "," + std::to_string(n) + "\r\n";
  }
  return csv;
}

Result<std::string> Service::tasks_csv(const platform::WorkspaceAccess& access, std::int64_t days,
                                       std::optional<std::string> today) {
  RUCHE_TRY(platform::ReportPeriod period, period_of(days, std::move(today)));
  period.max_people = SIZE_MAX;
  const platform::ModuleDef* def = p_.registry.find("tasks");
  if (!readable_modules(access).contains("tasks") || def == nullptr || !def->metrics)
    return fail(Errc::not_found, "the tasks are not in this workspace's reports for you",
                "not_found");
  return p_.db.read([&](db::Conn& c) -> Result<std::string> {
    RUCHE_TRY(auto figures, def->metrics(c, access.workspace_id, period));
    RUCHE_TRY(auto names, store::member_names(c, access.workspace_id, period.now_ms));
    std::string csv = "user_id,name,open,overdue,completed\r\n";
    const json::value* assignees = figures.if_contains("assignees");
    if (assignees == nullptr || !assignees->is_array()) return csv;
    for (const json::value& v : assignees->get_array()) {
      const json::object& a = v.as_object();
      const std::string user(a.at("user_id").as_string());
      auto name = names.find(user);  // a former member: no name
      csv += user + "," + csv_text(name == names.end() ? "" : name->second);
      for (const char* n : {"open", "overdue", "completed"})
        csv += "," + std::to_string(a.at(n).as_int64());
      csv += "\r\n";
    }
    return csv;
  });
}

}  // namespace ruche::reports
