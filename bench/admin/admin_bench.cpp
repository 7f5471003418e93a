// bench/admin: what an administrator reads among many.
//
// The audit log narrowed to a time range, among `entries` generated ones
// (default 1,000,000, ~31 s apart on average over a year; 2,000 actors, 200
// workspaces). Each query, a page of 100 newest first (read_audit, as GET
// /admin/audit), is timed as the server answers it (times in order: the
// range found at its ends in the time index, then entries in a row) beside,
// in the same run, the same query as a filter on times
// (audit_head.disordered_until_ms set past every entry: what a log whose
// clock stepped back before migration 0052 gets, and what every log got
// before it), and the newest page with no narrowing.
//
// The accounts, among `accounts` generated ones (default 100,000; 2 % of
// them administrators, 5 % disabled): a page of 100 of each narrowing and
// its count, as GET /admin/users reads them (read_users, count_users),
// beside every account read (what the Users tab read before it had pages).
//
//   admin_bench DATA_DIR [ENTRIES] [ACCOUNTS] [POSTGRES_DSN]
//
// Prints Markdown rows; asserts nothing beyond both ways finding the same.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "bench/common/bench_support.hpp"
#include "platform/audit_query.hpp"
#include "platform/user_list.hpp"

using namespace ruche;
using Clock_ = std::chrono::steady_clock;

namespace {

constexpr int kRounds = 21;
constexpr int kBatch = 500;  // rows per INSERT
constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kStart = 1'764'547'200'000;  // 2025-12-01

const char* const kActions[] = {
    "auth.login",     "auth.logout",           "workspace.created", "member.added",
    "member.removed", "files.shared",          "files.link_opened", "chat.message_deleted",
    "authz.denied",   "admin.settings_changed"};

double ms_since(Clock_::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock_::now() - t0).count();
}

// `n` entries, their times going forward by 0 to 62 s (31 s on average), in
// multi-row INSERTs; the head set to the last. The links are not a chain
// (nothing here verifies it), but as long as one's.
std::int64_t fill(db::Database& db, std::int64_t n) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::int64_t> step(0, 62'000), actor(0, 1999), ws(0, 199);
  std::uniform_int_distribution<std::size_t> action(0, std::size(kActions) - 1);
  const std::string hash(64, 'a');
  std::int64_t at = kStart;
  for (std::int64_t first = 1; first <= n; first += kBatch) {
    const std::int64_t last = std::min(n, first + kBatch - 1);
    auto r = db.write([&](db::Conn& c) -> Result<void> {
      std::string sql =
          "INSERT INTO audit_log (seq, at_ms, actor_id, action, workspace_id, object, outcome, "
          "remote_addr, request_id, details, prev_hash, hash) VALUES ";
      std::vector<db::Param> params;
      std::deque<std::string> texts;  // what the parameters view
      for (std::int64_t seq = first; seq <= last; ++seq) {
        at += step(rng);
        const std::size_t p = params.size();
        sql += (seq == first ? "(" : ",(") + db::placeholders(p + 1, 6) +
               ", 'success', '10.0.0.1', 'req', '{}', '" + hash + "', '" + hash + "')";
        params.emplace_back(seq);
        params.emplace_back(at);
        params.emplace_back(texts.emplace_back("actor" + std::to_string(actor(rng))));
        params.emplace_back(std::string_view(kActions[action(rng)]));
        params.emplace_back(texts.emplace_back("ws" + std::to_string(ws(rng))));
        params.emplace_back(texts.emplace_back("object" + std::to_string(seq)));
      }
      RUCHE_TRY([[maybe_unused]] auto k, c.exec(sql, params));
      RUCHE_TRY([[maybe_unused]] auto h,
                c.exec("UPDATE audit_head SET seq = $1, max_at_ms = $2", {last, at}));
      return {};
    });
    if (!r) {
      std::fprintf(stderr, "fill: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
  return at;
}

void set_disordered(db::Database& db, std::optional<std::int64_t> until) {
  auto r = db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto k, c.exec("UPDATE audit_head SET disordered_until_ms = $1",
                                              {until ? db::Param(*until) : db::Param(nullptr)}));
    return {};
  });
  if (!r) {
    std::fprintf(stderr, "head: %s\n", r.error().message.c_str());
    std::exit(1);
  }
}

struct Timed {
  double p50 = 0;
  std::vector<std::int64_t> seqs;  // the last round's
};

Timed time_query(db::Database& db, const platform::AuditQuery& q) {
  std::vector<double> ms;
  Timed out;
  for (int i = 0; i < kRounds; ++i) {
    const auto t0 = Clock_::now();
    auto rows = db.read([&](db::Conn& c) { return platform::read_audit(c, q); });
    ms.push_back(ms_since(t0));
    if (!rows) {
      std::fprintf(stderr, "read: %s\n", rows.error().message.c_str());
      std::exit(1);
    }
    out.seqs.clear();
    for (const auto& r : *rows) out.seqs.push_back(r.seq);
  }
  out.p50 = bench::median(ms);
  return out;
}

// `n` accounts, in multi-row INSERTs: "Prénom Nom" out of 40 first names and
// 60 last names, addresses prenom.nom.N@<one of 20 ministries>.gouv.fr; every
// 50th an administrator, every 20th disabled.
void fill_accounts(db::Database& db, std::int64_t n) {
  static const char* const first[] = {
      "Camille", "Claire", "Jean", "Marie", "Louis", "Léa", "Hugo", "Chloé", "Paul", "Inès",
      "Lucas", "Manon", "Jules", "Emma", "Arthur", "Zoé", "Nathan", "Lina", "Théo", "Anaïs",
      "Noé", "Sarah", "Adam", "Julie", "Tom", "Eva", "Léo", "Lou", "Gabriel", "Alice",
      "Raphaël", "Jade", "Éloïse", "Yanis", "Rose", "Sacha", "Agathe", "Mathis", "Margaux", "Simon"};
  static const char* const last[] = {
      "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
      "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
      "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
      "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas",
      "Perrin", "Morin", "Mathieu", "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
      "Masson", "Sanchez", "Gerard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Varda"};
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::size_t> pick_first(0, std::size(first) - 1), pick_last(0, std::size(last) - 1);
  std::uniform_int_distribution<int> ministry(1, 20);
  auto ascii = [](std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const unsigned char ch = static_cast<unsigned char>(s[i]);
      if (ch < 0x80) {
        out += static_cast<char>(std::tolower(ch));
      } else if (ch == 0xC3 && i + 1 < s.size()) {  // é è ë ï ç É: the letter without its accent
        const unsigned char next = static_cast<unsigned char>(s[++i]);
        out += next == 0xA7 ? 'c' : next == 0xAF || next == 0xAE ? 'i' : 'e';
      }
    }
    return out;
  };
  for (std::int64_t at = 0; at < n; at += kBatch) {
    const std::int64_t end = std::min(n, at + kBatch);
    auto r = db.write([&](db::Conn& c) -> Result<void> {
      std::string sql =
          "INSERT INTO users (id, email, name, password_hash, instance_role, disabled, created_at_ms, "
          "password_changed_at_ms) VALUES ";
      std::vector<db::Param> params;
      std::deque<std::string> texts;
      for (std::int64_t i = at; i < end; ++i) {
        const std::string f = first[pick_first(rng)], l = last[pick_last(rng)];
        sql += (i == at ? "(" : ",(") + db::placeholders(params.size() + 1, 6) + ", 0, 0)";
        params.emplace_back(texts.emplace_back("acct" + std::to_string(i)));
        params.emplace_back(texts.emplace_back(ascii(f) + "." + ascii(l) + "." + std::to_string(i) +
                                               "@ministere-" + std::to_string(ministry(rng)) + ".gouv.fr"));
        params.emplace_back(texts.emplace_back(f + " " + l));
        params.emplace_back(std::string_view("$argon2id$v=19$m=65536,t=3,p=1$bench$bench"));
        params.emplace_back(std::string_view(i % 50 == 0 ? "admin" : "member"));
        params.emplace_back(i % 20 == 0);
      }
      RUCHE_TRY([[maybe_unused]] auto k, c.exec(sql, params));
      return {};
    });
    if (!r) {
      std::fprintf(stderr, "accounts: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
}

struct Found {
  double p50 = 0;
  std::size_t shown = 0;
  std::int64_t total = 0;
};

// A page of the query and its count, as the route reads them.
Found time_accounts(db::Database& db, const platform::UserListQuery& q) {
  std::vector<double> ms;
  Found out;
  for (int i = 0; i < kRounds; ++i) {
    const auto t0 = Clock_::now();
    auto r = db.read([&](db::Conn& c) -> Result<std::pair<std::size_t, std::int64_t>> {
      RUCHE_TRY(auto total, platform::count_users(c, q));
      RUCHE_TRY(auto users, platform::read_users(c, q));
      return std::pair{users.size(), total};
    });
    ms.push_back(ms_since(t0));
    if (!r) {
      std::fprintf(stderr, "accounts: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    out.shown = r->first;
    out.total = r->second;
  }
  out.p50 = bench::median(ms);
  return out;
}

void accounts_part(db::Database& db, std::int64_t n) {
  const auto t0 = Clock_::now();
  fill_accounts(db, n);
  std::printf("\n%lld accounts written in %.1f s\n\n", static_cast<long long>(n), ms_since(t0) / 1000.0);
  platform::UserListQuery every;
  const Found all = time_accounts(db, every);
  auto page = [](std::string words, std::optional<platform::InstanceRole> role = std::nullopt,
                 std::optional<bool> disabled = std::nullopt, std::string after = {}) {
    platform::UserListQuery q;
    std::string_view rest = words;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      q.words.emplace_back(rest.substr(0, space));
      rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
    }
    q.role = role;
    q.disabled = disabled;
    q.after = std::move(after);
    q.limit = 100;
    return q;
  };
  struct Case {
    const char* what;
    platform::UserListQuery q;
  };
  const std::vector<Case> cases = {
      {"the first page, no narrowing", page("")},
      {"a page halfway (after an address)", page("", std::nullopt, std::nullopt, "jade")},
      {"a last name (\"martin\": ~3 %)", page("martin")},
      {"a first and a last name", page("claire martin")},
      {"one person (an address's number)", page(".4242@")},
      {"a ministry's domain (5 %)", page("ministere-7.gouv")},
      {"the administrators (2 %)", page("", platform::InstanceRole::admin)},
      {"the disabled accounts (5 %)", page("", std::nullopt, true)},
      {"a word found nowhere", page("introuvable")},
  };
  std::printf("| %lld accounts | a page of 100 and the count: p50 ms | found | every account read: p50 ms | ratio |\n",
              static_cast<long long>(n));
  std::printf("| --- | ---: | ---: | ---: | ---: |\n");
  for (const auto& c : cases) {
    const Found f = time_accounts(db, c.q);
    std::printf("| %s | %.2f | %lld | %.2f | %.1f |\n", c.what, f.p50, static_cast<long long>(f.total), all.p50,
                all.p50 / std::max(f.p50, 1e-3));
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: admin_bench DATA_DIR [ENTRIES] [ACCOUNTS] [POSTGRES_DSN]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  const std::int64_t entries = argc > 2 ? std::atoll(argv[2]) : 1000000;
  const std::int64_t accounts = argc > 3 ? std::atoll(argv[3]) : 100000;
  const std::string dsn = argc > 4 ? argv[4] : "";
  auto bi = bench::open_instance(argv[1], 2, dsn);
  if (!bi) return 1;
  db::Database& db = bi->platform().db;
  const auto t0 = Clock_::now();
  const std::int64_t end = fill(db, entries);
  std::printf("%lld entries written in %.1f s, over %.0f days\n\n", static_cast<long long>(entries),
              ms_since(t0) / 1000.0, static_cast<double>(end - kStart) / kDay);
  if (!dsn.empty()) {
    // The statistics autovacuum would have gathered on a log that grew.
    auto r = db.write([](db::Conn& c) -> Result<void> { return c.exec_script("ANALYZE audit_log"); });
    if (!r) std::fprintf(stderr, "analyze: %s\n", r.error().message.c_str());
  }
  struct Case {
    const char* what;
    platform::AuditQuery q;
  };
  auto range = [&](std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                   std::string actor = {}) {
    platform::AuditQuery q;
    q.from_ms = from;
    q.to_ms = to;
    q.actor = std::move(actor);
    return q;
  };
  const std::vector<Case> cases = {
      {"the newest page, no narrowing", range(std::nullopt, std::nullopt)},
      {"a day, a week back", range(end - 8 * kDay, end - 7 * kDay)},
      {"a day, a month back", range(end - 31 * kDay, end - 30 * kDay)},
      {"a day, 11 months back", range(end - 331 * kDay, end - 330 * kDay)},
      {"a month, 6 months back", range(end - 210 * kDay, end - 180 * kDay)},
      {"before a date 11 months back", range(std::nullopt, end - 330 * kDay)},
      {"since a date 11 months back", range(end - 330 * kDay, std::nullopt)},
      {"one actor, a month 6 months back", range(end - 210 * kDay, end - 180 * kDay, "actor7")},
      {"a day with no entry (next year)", range(end + 300 * kDay, end + 301 * kDay)},
  };
  std::printf(
      "| a page of 100, newest first | entries in a row: p50 ms | a filter on times: p50 ms | "
      "ratio |\n");
  std::printf("| --- | ---: | ---: | ---: |\n");
  for (const auto& c : cases) {
    set_disordered(db, std::nullopt);
    const Timed ordered = time_query(db, c.q);
    set_disordered(db, INT64_MAX);
    const Timed filtered = time_query(db, c.q);
    if (ordered.seqs != filtered.seqs) {
      std::fprintf(stderr, "%s: the two ways found different entries\n", c.what);
      return 1;
    }
    std::printf("| %s (%zu found) | %.2f | %.2f | %.1f |\n", c.what, ordered.seqs.size(),
                ordered.p50, filtered.p50, filtered.p50 / std::max(ordered.p50, 1e-3));
    std::fflush(stdout);
  }
  set_disordered(db, std::nullopt);
  accounts_part(db, accounts);
  return 0;
}
