#include "core/db/migrate.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/clock.hpp"
#include "base/log.hpp"

namespace ruche::db {

namespace {

// Serializes migrating nodes on PostgreSQL; any constant works, this one
// spells "ruchemig".
constexpr std::int64_t kAdvisoryLockKey = 0x72756368656d6967;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";

std::string label(const Migration& m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", m.version);
  return std::string(buf) + "_" + m.name;
}

Result<void> lock(Conn& c) {
  if (c.backend() != Backend::postgres) return {};
  RUCHE_CHECK(c.query("SELECT pg_advisory_xact_lock($1)", {kAdvisoryLockKey}));
  return {};
}

// What the database already holds: version -> checksum.
using Applied = std::map<std::int64_t, std::string>;

Result<Applied> read_applied(Conn& c) {
  Applied applied;
  RUCHE_CHECK(c.each("SELECT version, checksum FROM schema_migrations", {}, [&](const Row& row) {
    applied.emplace(row.i64(0), row.text(1));
    return true;
  }));
  return applied;
}

// Checks the database against the binary's list: nothing newer or unknown,
// no applied migration edited, no hole below the highest applied version.
Result<void> check_applied(const Applied& applied, const std::vector<const Migration*>& known) {
  std::map<std::int64_t, const Migration*> by_version;
  for (const Migration* m : known) by_version.emplace(m->version, m);
  for (const auto& [version, checksum] : applied) {
    auto it = by_version.find(version);
    if (it == by_version.end()) {
      return fail(Errc::internal,
                  "database schema has migration " + std::to_string(version) +
                      ", which this binary does not know: it was migrated by a newer version");
    }
    const std::string expected = migration_checksum(it->second->sql);
    if (checksum != expected) {
      return fail(Errc::internal, "migration " + label(*it->second) +
                                      " was edited after it was applied (checksum " + checksum +
                                      " in the database, " + expected + " here)");
    }
  }
  if (!applied.empty()) {
    const std::int64_t highest = applied.rbegin()->first;
    for (const Migration* m : known) {
      if (m->version < highest && !applied.contains(m->version)) {
        return fail(Errc::internal, "migration " + label(*m) +
                                        " is older than the applied migration " +
                                        std::to_string(highest) + " but was never applied");
      }
    }
  }
  return {};
}

Error prefixed(const Migration& m, Error e) {
  e.message = "migration " + label(m) + ": " + e.message;
  return e;
}

}  // namespace

std::string migration_checksum(std::string_view sql) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : sql) {
    if (c == '\r') continue;
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Result<int> migrate(Database& db, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> sorted;
  sorted.reserve(migrations.size());
  for (const Migration& m : migrations) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i]->version <= 0 || (i > 0 && sorted[i]->version == sorted[i - 1]->version)) {
      return fail(Errc::internal, "migration list has a duplicate or non-positive version " +
                                      std::to_string(sorted[i]->version));
    }
  }

  RUCHE_CHECK(db.write([](Conn& c) -> Result<void> {
    RUCHE_CHECK(lock(c));
    return c.exec_script(kCreateTable);
  }));
  RUCHE_TRY(Applied applied, db.read([](Conn& c) { return read_applied(c); }));
  RUCHE_CHECK(check_applied(applied, sorted));

  int count = 0;
  for (const Migration* m : sorted) {
    if (applied.contains(m->version)) continue;
    const std::string checksum = migration_checksum(m->sql);
    auto done = db.write([&](Conn& c) -> Result<bool> {
      RUCHE_CHECK(lock(c));
      // Another node or process may have migrated since the check above.
      RUCHE_TRY(Applied now, read_applied(c));
      RUCHE_CHECK(check_applied(now, sorted));
      if (now.contains(m->version)) return false;
      RUCHE_CHECK(c.exec_script(m->sql));
      RUCHE_CHECK(
          c.exec("INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) "
                 "VALUES ($1, $2, $3, $4)",
                 {m->version, m->name, checksum, SystemClock::instance().now_ms()}));
      return true;
    });
    if (!done) return tl::unexpected<Error>(prefixed(*m, std::move(done).error()));
    if (*done) {
      ++count;
      log::info("db.migration_applied", {{"version", m->version}, {"name", m->name}});
    }
  }
  return count;
}

}  // namespace ruche::db
