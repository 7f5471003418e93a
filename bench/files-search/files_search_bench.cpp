// bench/files-search: file search by name over generated names (default
// 1,000,000 in 10 workspaces, the searches looking in 3 of them, then in an
// 11th that holds one name in 500, then in 200 more of 25 names each): the
// search as it is (the newest names first; then, on PostgreSQL, its trigram
// index) beside, in the same run, the search as it was before migration
// 0025 (every name of the workspaces read). On PostgreSQL, then, what its
// indexes cost: their size, and an insert with and without them.
//
//   files_search_bench DATA_DIR [NAMES] [POSTGRES_DSN]
//
// Prints Markdown rows; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "bench/common/bench_support.hpp"
#include "core/crypto/random.hpp"
#include "modules/files/service.hpp"
#include "modules/files/store.hpp"

using namespace ruche;
using Clock_ = std::chrono::steady_clock;

namespace {

constexpr int kWorkspaces = 10;
constexpr int kReadable = 3;  // the searches look in the first 3: 30 % of the names
constexpr int kSmallEvery = 500;  // then in an 11th, small, workspace: one name in 500
constexpr int kBatch = 5000;
// A searcher in many small workspaces: 200 of 25 names, spread through
// the history.
constexpr int kManySpaces = 200;
constexpr int kManyNames = 25;

// Office words, French and English, then ~1,900 rarer made-up ones: the
// common words are in a few percent of the names, each rare one in ~0.05 %.
const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> w = [] {
    std::vector<std::string> out = {
        "rapport", "budget", "projet", "réunion", "compte-rendu", "facture", "contrat", "devis",
        "planning", "présentation", "annexe", "courrier", "note", "convention", "marché", "avenant",
        "report", "invoice", "meeting", "minutes", "draft", "final", "review", "roadmap",
        "délibération", "arrêté", "subvention", "bilan", "budget-primitif", "procès-verbal", "étude",
        "cahier-des-charges", "photo", "scan", "export", "sauvegarde", "inventaire", "tableau", "plan"};
    // Made of syllables, as names of places, people and projects are.
    const char* const syllables[] = {"ba", "lor", "mi", "tan", "ver", "du", "pel", "ro", "si", "gar", "no", "feu",
                                     "cha", "bel", "ti", "mon", "ra", "vil", "lu", "ker", "do", "ssan", "pi", "jo"};
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::size_t> syllable(0, std::size(syllables) - 1);
    std::uniform_int_distribution<int> length(3, 4);
    std::set<std::string> seen(out.begin(), out.end());
    while (out.size() < 1939) {
      std::string word;
      for (int i = length(rng); i > 0; --i) word += syllables[syllable(rng)];
      if (seen.insert(word).second) out.push_back(word);
    }
    return out;
  }();
  return w;
}

const char* const kExtensions[] = {".pdf", ".odt", ".docx", ".ods", ".xlsx", ".png", ".jpg", ".txt", ".csv", ".pptx"};

std::string pick_word(std::mt19937_64& rng) {
  const auto& w = vocabulary();
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto at = static_cast<std::size_t>(std::pow(u(rng), 3.0) * static_cast<double>(w.size()));
  return w[std::min(at, w.size() - 1)];
}

// "Rapport budget 2024 v3.pdf"-like, unique by its number. Half the names
// of the 10th workspace hold a word no other has ("préfecture": 5 % of all;
// `tenth`: the name goes there).
std::string file_name(std::mt19937_64& rng, std::int64_t n, bool tenth) {
  std::uniform_int_distribution<int> words(1, 3), year(2000, 2026), v(1, 9), ext(0, 9), coin(0, 1);
  std::string name;
  if (n % kWorkspaces == kWorkspaces - 1 && coin(rng) == 1 && tenth) name = "préfecture ";
  for (int i = words(rng); i > 0; --i) name += pick_word(rng) + " ";
  name += std::to_string(year(rng)) + " v" + std::to_string(v(rng)) + " #" + std::to_string(n) + kExtensions[ext(rng)];
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double ms_since(Clock_::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock_::now() - t0).count();
}

// `count` names inserted into `workspaces` (round robin; one in kSmallEvery,
// of those that would have gone to the first, into the last, small, one;
// one in `many_every`, from name `first`, into `many`, round robin, until
// each holds kManyNames), kBatch per transaction; the time per insert, in µs.
double insert_names(platform::Platform& p, const std::vector<WorkspaceId>& workspaces, const std::string& by,
                    std::mt19937_64& rng, std::int64_t first, std::int64_t count,
                    const std::vector<WorkspaceId>& many = {}, std::int64_t many_every = 0) {
  const auto t0 = Clock_::now();
  const std::int64_t in_many = static_cast<std::int64_t>(many.size()) * kManyNames;
  for (std::int64_t at = 0; at < count; at += kBatch) {
    auto r = p.db.write([&](db::Conn& c) -> Result<void> {
      for (std::int64_t i = at; i < std::min(count, at + kBatch); ++i) {
        files::Node n;
        n.id = crypto::new_id_of<files::NodeId>();
        const std::int64_t k = many_every ? i / many_every : 0;
        n.workspace_id = many_every && i % many_every == many_every / 2 && k < in_many
                             ? many[static_cast<std::size_t>(k % kManySpaces)]
                         : (first + i) % kSmallEvery == 0
                             ? workspaces.back()
                             : workspaces[static_cast<std::size_t>((first + i) % kWorkspaces)];
        n.name = file_name(rng, first + i, n.workspace_id == workspaces[kWorkspaces - 1]);
        n.size_bytes = 4096;
        n.etag = "\"" + std::string(64, 'a') + "\"";
        n.content_type = "application/octet-stream";
        n.version = 1;
        n.mtime_ms = n.created_at_ms = n.updated_at_ms = first + i;
        n.created_by = n.updated_by = by;
        RUCHE_CHECK(files::store::insert_node(c, n, "v" + std::to_string(first + i)));
      }
      return {};
    });
    if (!r) {
      std::fprintf(stderr, "insert: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
  return ms_since(t0) * 1000.0 / static_cast<double>(count);
}

// The search as it was before migration 0025: every name of the
// workspaces read, the newest first (on PostgreSQL with its index scans off
// for the transaction, so that it reads them as it did without the indexes).
Result<std::size_t> read_every_name(db::Conn& c, const std::vector<WorkspaceId>& workspaces,
                                    const std::vector<std::string>& words, int limit) {
  const bool sqlite = c.backend() == db::Backend::sqlite;
  if (!sqlite) {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("SET LOCAL enable_bitmapscan = off", {}));
    RUCHE_TRY([[maybe_unused]] auto m, c.exec("SET LOCAL enable_indexscan = off", {}));
  }
  std::vector<db::Param> params;
  std::string sql = "SELECT n.id, n.name FROM files_nodes n WHERE n.trashed_at_ms IS NULL AND n.workspace_id IN (" +
                    db::placeholders(1, workspaces.size()) + ")";
  for (const auto& w : workspaces) params.emplace_back(w);
  std::vector<std::string> patterns;
  patterns.reserve(words.size());
  for (const auto& word : words) {
    params.emplace_back(patterns.emplace_back("%" + db::like_escape(word) + "%"));
    sql += std::string(" AND n.name ") + (sqlite ? "LIKE $" : "ILIKE $") + std::to_string(params.size()) +
           " ESCAPE '\\'";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += std::string(sqlite ? " ORDER BY n.rowid DESC" : " ORDER BY n.created_at_ms DESC") + " LIMIT $" +
         std::to_string(params.size());
  std::size_t found = 0;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row&) {
    ++found;
    return true;
  }));
  return found;
}

struct Query {
  std::string kind;
  std::vector<std::string> words;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: files_search_bench DATA_DIR [NAMES] [POSTGRES_DSN]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  const std::int64_t names = argc > 2 ? std::atoll(argv[2]) : 1000000;
  const std::string dsn = argc > 3 ? argv[3] : "";
  auto bi = bench::open_instance(argv[1], 4, dsn);
  if (!bi) return 1;
  auto& p = bi->platform();
  const platform::Caller& caller = bi->caller;
  const bool sqlite = dsn.empty();
  files::Settings settings;
  settings.maintenance_every_ms = 0;
  auto service = files::Service::create(p, settings);
  if (!service) {
    std::fprintf(stderr, "files: %s\n", service.error().message.c_str());
    return 1;
  }
  std::vector<WorkspaceId> workspaces;
  for (int i = 0; i <= kWorkspaces; ++i) {
    auto ws = p.workspaces.create(caller, "Search bench " + std::to_string(i), "", {"files"}, false);
    if (!ws) return 1;
    workspaces.push_back(ws->id);
  }

  std::vector<WorkspaceId> many;
  for (int i = 0; i < kManySpaces; ++i) {
    auto ws = p.workspaces.create(caller, "Équipe " + std::to_string(i), "", {"files"}, false);
    if (!ws) return 1;
    many.push_back(ws->id);
  }

  std::mt19937_64 rng(20261202);
  const std::int64_t tail = std::min<std::int64_t>(100000, names / 10);
  const std::int64_t many_every = std::max<std::int64_t>(2, (names - tail) / (kManySpaces * kManyNames));
  insert_names(p, workspaces, caller.user_id.str(), rng, 0, names - tail, many, many_every);
  const double with_index_us = insert_names(p, workspaces, caller.user_id.str(), rng, names - tail, tail);

  // The queries: a common word, a rare one, one found nowhere, one found
  // only where the searches do not look (the index's worst case: it hands
  // every name that holds it), two words, a word under 3 characters (no
  // trigram: the names are read as before).
  const std::vector<WorkspaceId> readable(workspaces.begin(), workspaces.begin() + kReadable);
  std::vector<Query> queries;
  std::uniform_int_distribution<int> common(0, 7), rare(0, 1899), digit(1, 9);
  const auto& vocab = vocabulary();
  for (int i = 0; i < 30; ++i) {
    const std::string c = vocab[static_cast<std::size_t>(common(rng))];
    const std::string r = vocab[static_cast<std::size_t>(39 + rare(rng))];
    queries.push_back({"a common word", {c}});
    queries.push_back({"a rare word", {r}});
    queries.push_back({"a word found nowhere", {"introuvable" + std::to_string(i)}});
    queries.push_back({"a word in 5 % of the names, none readable", {"préfecture"}});
    queries.push_back({"a common and a rare word", {c, r}});
    queries.push_back({"a word of 2 characters", {"v" + std::to_string(digit(rng))}});
  }
  // Each query from three searchers: one reading 3 of the 10 big workspaces,
  // one reading only the small one (the flaw of looking among the
  // instance's newest names: few of them are its own), one reading the 200
  // small ones.
  struct Searcher {
    const char* who;
    std::vector<WorkspaceId> reads;
  };
  const std::vector<Searcher> searchers = {
      {"3 of 10 workspaces (30 % of the names)", readable},
      {"one workspace of 1 name in 500", {workspaces.back()}},
      {"200 workspaces of 25 names", many}};
  const char* const kinds[] = {"a common word", "a rare word", "a word found nowhere",
                               "a word in 5 % of the names, none readable", "a common and a rare word",
                               "a word of 2 characters"};
  for (const auto& s : searchers) {
    std::map<std::string, std::vector<double>> shipped, unindexed;
    std::map<std::string, std::vector<double>> found;
    std::vector<double> service_ms;
    for (int round = 0; round < 2; ++round) {
      for (const auto& q : queries) {
        auto t0 = Clock_::now();
        auto hits = p.db.read([&](db::Conn& c) { return files::store::search_names(c, s.reads, q.words, 20); });
        const double a = ms_since(t0);
        t0 = Clock_::now();
        auto reference = p.db.read([&](db::Conn& c) { return read_every_name(c, s.reads, q.words, 20); });
        const double b = ms_since(t0);
        if (!hits || !reference || hits->size() != *reference) {
          std::fprintf(stderr, "query %s: the two ways disagree\n", q.words.front().c_str());
          return 1;
        }
        if (round == 0) continue;  // the first round warms the caches
        shipped[q.kind].push_back(a);
        unindexed[q.kind].push_back(b);
        found[q.kind].push_back(static_cast<double>(hits->size()));
        t0 = Clock_::now();
        std::string text;
        for (const auto& w : q.words) text += (text.empty() ? "" : " ") + w;
        auto full = p.db.read([&](db::Conn& c) { return (*service)->search(c, s.reads, text, {}, 20); });
        service_ms.push_back(ms_since(t0));
        if (!full) return 1;
      }
    }
    std::printf("\n| query (%lld names; searched: %s; 20 results at most) | p50 / p95 ms | "
                "every name read, as before: p50 / p95 ms | before ÷ now (p95) | results (median) |\n"
                "| --- | ---: | ---: | ---: | ---: |\n",
                static_cast<long long>(names), s.who);
    for (const char* kind : kinds) {
      const auto& a = shipped[kind];
      const auto& b = unindexed[kind];
      std::printf("| %s | %.2f / %.2f | %.2f / %.2f | %.1f | %.0f |\n", kind, percentile(a, 0.5),
                  percentile(a, 0.95), percentile(b, 0.5), percentile(b, 0.95),
                  percentile(b, 0.95) / std::max(percentile(a, 0.95), 1e-3), percentile(found[kind], 0.5));
    }
    std::printf("| through the files module's search (paths of the hits included), every query | %.2f / %.2f | | | |\n",
                percentile(service_ms, 0.5), percentile(service_ms, 0.95));
    // Later pages of a common word (`after` the last hit of the page
    // before; those before it read untimed), beside every name read up to
    // that page's end.
    for (const int page : {2, 10}) {
      std::vector<double> paged, every;
      std::vector<double> got;
      for (const auto& q : queries) {
        if (q.kind != "a common word") continue;
        std::optional<files::NodeId> after;
        Result<std::vector<files::Node>> hits = std::vector<files::Node>{};
        double a = 0;
        for (int k = 1; k <= page; ++k) {
          auto t0 = Clock_::now();
          hits = p.db.read([&](db::Conn& c) { return files::store::search_names(c, s.reads, q.words, 20, after); });
          a = ms_since(t0);
          if (!hits || hits->empty()) break;
          after = hits->back().id;
        }
        auto t0 = Clock_::now();
        auto reference = p.db.read([&](db::Conn& c) { return read_every_name(c, s.reads, q.words, 20 * page); });
        const double b = ms_since(t0);
        const std::size_t before = static_cast<std::size_t>(20 * (page - 1));
        if (!hits || !reference || hits->size() != (*reference > before ? *reference - before : 0)) {
          std::fprintf(stderr, "page %d of %s: the two ways disagree\n", page, q.words.front().c_str());
          return 1;
        }
        paged.push_back(a);
        every.push_back(b);
        got.push_back(static_cast<double>(hits->size()));
      }
      std::printf("| a common word, page %d (after the %dth) | %.2f / %.2f | %.2f / %.2f (the first %d) | %.1f | %.0f |\n",
                  page, 20 * (page - 1), percentile(paged, 0.5), percentile(paged, 0.95), percentile(every, 0.5),
                  percentile(every, 0.95), 20 * page,
                  percentile(every, 0.95) / std::max(percentile(paged, 0.95), 1e-3), percentile(got, 0.5));
    }
  }
  if (sqlite) return 0;

  // What the indexes cost: their size beside the table's, and an insert.
  auto size = p.db.read([&](db::Conn& c) -> Result<std::pair<double, double>> {
    RUCHE_TRY(auto row, c.query_one("SELECT pg_relation_size('files_nodes_name_trgm_workspace') + "
                                    "pg_relation_size('files_nodes_workspace_recent'), pg_relation_size('files_nodes')",
                                    {}));
    return std::make_pair(static_cast<double>(row->i64(0)), static_cast<double>(row->i64(1)));
  });
  auto dropped = p.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("DROP INDEX files_nodes_name_trgm_workspace", {}));
    RUCHE_TRY([[maybe_unused]] auto m, c.exec("DROP INDEX files_nodes_workspace_recent", {}));
    return {};
  });
  if (!size || !dropped) {
    std::fprintf(stderr, "the index's size, or dropping it, failed\n");
    return 1;
  }
  const double without_index_us = insert_names(p, workspaces, caller.user_id.str(), rng, names, tail);
  std::printf("\n| what the indexes cost | |\n| --- | ---: |\n");
  std::printf("| its size | %.0f MiB (%.0f bytes per name; the table: %.0f MiB) |\n", size->first / 1048576.0,
              size->first / static_cast<double>(names), size->second / 1048576.0);
  std::printf("| an insert (%lld names in transactions of %d), with / without | %.1f / %.1f µs |\n",
              static_cast<long long>(tail), kBatch, with_index_us, without_index_us);
  return 0;
}
