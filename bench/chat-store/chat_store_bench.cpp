// bench/chat-store: durable message appends through the chat service (group
// commit on SQLite) and search latency over a generated history: from its
// big workspace, from a small one, from 200 small ones at once and from 40
// of 1,000 messages at once; on SQLite, again once the full-text index's
// segments are merged (what the service does when idle).
//
//   chat_store_bench DATA_DIR [MESSAGES] [POSTERS] [POSTGRES_DSN [search-only]]
//
// With POSTGRES_DSN, on PostgreSQL and only the history and its search
// (the durable appends measure SQLite's group commit; a test cluster runs
// with fsync off); with `search-only` too, only the search, over the history
// an earlier run left in that database (run.sh: the same server restarted
// with other settings) — or, the DSN empty (""), in DATA_DIR's SQLite one.
//
// Prints Markdown rows; asserts nothing. BENCH_SLOWEST=N in the environment
// also prints each searcher's N slowest searches (their words, their time
// and how many they found) to stderr. BENCH_POSTS=N sets the appends per
// thread (2,000) and BENCH_APPENDS_ONLY=1 stops after them: what
// instructions.sh needs to count a post's instructions under callgrind, a
// measure of its CPU work that a busy host does not blur.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_support.hpp"
#include "base/clock.hpp"
#include "base/log.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "modules/chat/service.hpp"
#include "platform/api.hpp"

using namespace ruche;
using Clock_ = std::chrono::steady_clock;
using bench::cpu_now;
using bench::CpuUs;

namespace {

// A vocabulary of French and English words, so that stemming and both
// languages' frequencies are exercised.
const std::vector<std::string>& words() {
  static const std::vector<std::string> w = [] {
    std::vector<std::string> base = {
        "réunion", "budget", "projet", "équipe", "marché", "public", "dossier", "rapport",
        "semaine", "demain", "hier", "client", "contrat", "réseau", "sécurité", "serveur",
        "fichier", "document", "version", "livraison", "planning", "tâche", "calendrier",
        "appel", "visio", "ministère", "direction", "service", "agent", "formation", "courrier",
        "validation", "signature", "archive", "export", "import", "données", "sauvegarde",
        "meeting", "deadline", "review", "release", "deploy", "migration", "database", "backup",
        "invoice", "customer", "network", "security", "incident", "ticket", "sprint", "roadmap",
        "design", "feedback", "question", "answer", "update", "status", "blocked", "running",
        "travaux", "bâtiment", "voirie", "école", "mairie", "préfecture", "région", "département",
        "subvention", "appel d'offres", "marchés", "réunions", "projets", "équipes", "dossiers"};
    std::vector<std::string> out = base;
    // Rarer made-up words widen the vocabulary to ~2,000 entries.
    for (int i = 0; i < 1900; ++i) out.push_back("mot" + std::to_string(i));
    return out;
  }();
  return w;
}

std::string sentence(std::mt19937_64& rng) {
  const auto& w = words();
  std::uniform_int_distribution<int> len(8, 20);
  // Zipf-like: common words far more often than rare ones.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::string s;
  int n = len(rng);
  for (int i = 0; i < n; ++i) {
    double x = u(rng);
    std::size_t idx = static_cast<std::size_t>(std::pow(x, 3.0) * static_cast<double>(w.size()));
    if (!s.empty()) s += ' ';
    s += w[std::min(idx, w.size() - 1)];
  }
  return s;
}

// A searcher in many workspaces (all_searches()): 200 small ones, as a
// consultant's or an administrator's, and 40 of 1,000 messages, as a
// department head's. Their names tell them apart in a search-only run.
struct Group {
  const char* name;
  int spaces;
  long messages;
};
constexpr Group kGroups[] = {{"Équipe", 200, 25}, {"Service", 40, 1000}};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Search latency through the service's search (visibility included) in
// the workspaces `readable`: 300 searches (a third of them of two words), prints a row about
// `what`; false when a search fails.
bool search_latency(platform::Platform& p, chat::Service& service, const platform::Caller& caller,
                    const std::vector<WorkspaceId>& readable, const std::string& what) {
  std::mt19937_64 rng(7);
  const auto& w = words();
  std::vector<double> ms;
  std::vector<std::pair<double, std::string>> slowest;  // ms, the words
  for (int i = 0; i < 300; ++i) {
    std::string q = w[rng() % 200];
    if (i % 3 == 0) q += " " + w[rng() % w.size()];
    auto start = Clock_::now();
    auto hits = p.db.read([&](db::Conn& conn) { return service.search(conn, caller, readable, q, {}, 20); });
    ms.push_back(std::chrono::duration<double, std::milli>(Clock_::now() - start).count());
    slowest.emplace_back(ms.back(), q + " (" + std::to_string(hits ? hits->size() : 0) + " hits)");
    if (!hits) {
      std::fprintf(stderr, "search: %s\n", hits.error().message.c_str());
      return false;
    }
  }
  if (const char* n = std::getenv("BENCH_SLOWEST")) {
    std::sort(slowest.rbegin(), slowest.rend());
    for (std::size_t i = 0; i < slowest.size() && i < static_cast<std::size_t>(std::atoi(n)); ++i)
      std::fprintf(stderr, "  %s: %.2f ms %s\n", what.c_str(), slowest[i].first,
                   slowest[i].second.c_str());
  }
  std::printf("| search %s (300 queries, 20 results, visibility joined) | p50 %.2f ms | p95 %.2f ms | max %.2f ms |\n",
              what.c_str(), percentile(ms, 0.5), percentile(ms, 0.95), percentile(ms, 1.0));
  return true;
}

// An armoured workspace of `caller` with 20 channels, an identity and key
// generation 1 sealed for them, and posters x per_thread bodies sealed and
// signed as a browser does; then the same appends as the plain ones. With
// `private_channels`, the channels are private, each with its own key
// (docs/armoured.md, "Channel keys"). Returns the CPU per message (us), or
// 0 when the setting up failed.
template <typename Appends>
double armoured_appends(platform::Platform& p, const platform::Caller& caller, chat::Service& service, int posters,
                        int per_thread, Appends& appends, bool private_channels) {
  auto a = bench::armoured_workspace(p, caller, {"chat"});
  if (!a) return 0;
  std::vector<chat::ChannelId> chs;
  std::vector<std::string> own_keys;
  for (int i = 0; i < 20; ++i) {
    chs.push_back(
        service.create_channel(caller, a->ws, {.name = "c" + std::to_string(i), .is_private = private_channels})->id);
    if (!private_channels) continue;
    own_keys.push_back(bench::random_string(32));
    auto made = service.add_channel_envelopes(caller, chs.back(), {1, {a->envelope(chs.back().str(), own_keys.back())}});
    if (!made) {
      std::fprintf(stderr, "channel key: %s\n", made.error().message.c_str());
      return 0;
    }
  }
  std::vector<std::vector<std::string>> bodies(static_cast<std::size_t>(posters));
  std::mt19937_64 rng(99);
  for (int t = 0; t < posters; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const std::size_t c = static_cast<std::size_t>((t + i) % 20);
      bodies[static_cast<std::size_t>(t)].push_back(a->seal("ruche-chat", a->ws.str() + "\n" + chs[c].str() + "\n" + a->user_id,
                                                            sentence(rng), private_channels ? &own_keys[c] : nullptr));
    }
  }
  return appends(private_channels ? "armoured, private channels (their own keys)" : "armoured (sealed bodies)", chs,
                 [&](int t, int i, std::mt19937_64&) { return bodies[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)]; });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: chat_store_bench DATA_DIR [MESSAGES] [POSTERS] [POSTGRES_DSN [search-only]]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  long total = argc > 2 ? std::atol(argv[2]) : 1'000'000;
  int posters = argc > 3 ? std::atoi(argv[3]) : 32;
  const std::string dsn = argc > 4 ? argv[4] : "";
  const bool search_only = argc > 5 && std::string(argv[5]) == "search-only";
  const bool appends_too = dsn.empty() && !search_only;

  auto bi = bench::open_instance(argv[1], posters + 4, dsn);
  if (!bi) return 1;
  auto& p = bi->platform();
  const platform::Caller& caller = bi->caller;
  // The index merged only where the bench says (tidied()), not meanwhile.
  chat::Service service(p, {.search_tidy_every_ms = 0});
  // The history's workspaces and their messages: the big one, a small one,
  // then each group's.
  std::pair<WorkspaceId, long> big, small;
  std::vector<WorkspaceId> groups[std::size(kGroups)];
  auto all_searches = [&](const std::string& when = "") {
    long all = big.second + small.second;
    for (std::size_t g = 0; g < std::size(kGroups); ++g)
      all += static_cast<long>(groups[g].size()) * kGroups[g].messages;
    bool ok = search_latency(p, service, caller, {big.first}, "over " + std::to_string(all) + " messages" + when) &&
              // Among an instance's many workspaces: what the search reads
              // should be the searcher's, not the instance's.
              search_latency(p, service, caller, {small.first},
                             "in a workspace of " + std::to_string(small.second) + " of them" + when);
    // A searcher in many workspaces (PostgreSQL's first look has one arm
    // per workspace; SQLite's index is asked for each).
    for (std::size_t g = 0; ok && g < std::size(kGroups); ++g)
      ok = search_latency(p, service, caller, groups[g],
                          "from " + std::to_string(groups[g].size()) + " workspaces of " +
                              std::to_string(kGroups[g].messages) + " messages" + when);
    return ok;
  };
  // SQLite: the full-text index as the indexer of an instance that has been
  // idle leaves it, its segments merged into one (the service's own
  // tidy_search_index(), pauses included), then the searches again.
  auto tidied = [&]() -> bool {
    if (!dsn.empty()) return true;
    auto segments = p.db.read([](db::Conn& c) { return chat::store::search_segments(c); });
    const auto before = p.db.stats();
    const CpuUs cpu0 = cpu_now();
    auto start = Clock_::now();
    if (auto r = service.tidy_search_index(); !r || !segments) {
      std::fprintf(stderr, "tidy: %s\n", (r ? segments.error() : r.error()).message.c_str());
      return false;
    }
    const double secs = std::chrono::duration<double>(Clock_::now() - start).count();
    const CpuUs cpu1 = cpu_now();
    std::printf("| full-text index merged when idle, from %d segments to one | %.1f s (pauses included) | %lld steps "
                "| writer thread %.0f ms |\n",
                *segments, secs, static_cast<long long>(p.db.stats().commits - before.commits),
                (cpu1.writer - cpu0.writer) / 1000);
    return all_searches(", merged");
  };

  if (search_only) {
    auto r = p.db.read([&](db::Conn& conn) {
      // Not the armoured workspaces a SQLite run adds after its searches.
      return conn.each("SELECT m.workspace_id, w.name, COUNT(*) FROM chat_messages m JOIN workspaces w ON w.id = "
                       "m.workspace_id WHERE w.armoured = 0 GROUP BY m.workspace_id, w.name",
                       {},
                       [&](const db::Row& row) {
                         std::pair<WorkspaceId, long> space{WorkspaceId(row.text(0)), static_cast<long>(row.i64(2))};
                         const std::string name = row.text(1);
                         if (name == "Bench") big = space;
                         if (name == "Voisin") small = space;
                         for (std::size_t g = 0; g < std::size(kGroups); ++g)
                           if (name.starts_with(std::string(kGroups[g].name) + " ")) groups[g].push_back(space.first);
                         return true;
                       });
    });
    bool whole = r && big.second > 0 && small.second > 0;
    for (std::size_t g = 0; g < std::size(kGroups); ++g)
      whole = whole && groups[g].size() == static_cast<std::size_t>(kGroups[g].spaces);
    if (!whole) {
      std::fprintf(stderr, "search-only: not the history of an earlier run in that database\n");
      return 1;
    }
    return all_searches() && tidied() ? 0 : 1;
  }
  auto ws = p.workspaces.create(caller, "Bench", "", {"chat"}, false);
  std::vector<chat::ChannelId> channels;
  for (int i = 0; i < 20; ++i) {
    auto ch = service.create_channel(caller, ws->id, {.name = "canal-" + std::to_string(i)});
    channels.push_back(ch->id);
  }

  if (std::getenv("NO_FTS")) {
    (void)p.db.write([](db::Conn& conn) { return conn.exec_script("DROP TRIGGER chat_messages_fts_queue"); });
  }
  // Durable appends through the service, `posters` threads at once, 2,000
  // each, of what `make` gives; prints a row and returns the CPU time per
  // message (us).
  const int per_thread =
      std::getenv("BENCH_POSTS") ? std::max(1, std::atoi(std::getenv("BENCH_POSTS"))) : 2000;
  auto appends = [&](const std::string& what, const std::vector<chat::ChannelId>& chs,
                     const std::function<std::string(int t, int i, std::mt19937_64& rng)>& make) -> double {
    std::atomic<int> failures{0};
    auto before = p.db.stats();
    const CpuUs cpu0 = cpu_now();
    auto start = Clock_::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < posters; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 1);
        for (int i = 0; i < per_thread; ++i) {
          auto r = service.post(caller, chs[static_cast<std::size_t>((t + i) % 20)], {.body = make(t, i, rng)});
          if (!r && failures.fetch_add(1) == 0) std::fprintf(stderr, "%s: %s\n", what.c_str(), r.error().message.c_str());
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(Clock_::now() - start).count();
    const CpuUs cpu1 = cpu_now();
    const double n = posters * per_thread;
    auto after = p.db.stats();
    std::printf(
        "| durable appends through the chat service, %s (%d threads, synchronous=FULL) | %.0f "
        "messages/s | %lld commits for %lld writes | %d failures | CPU per message: %.1f us, "
        "writer thread %.1f us |\n",
        what.c_str(), posters, n / secs, static_cast<long long>(after.commits - before.commits),
        static_cast<long long>(after.writes - before.writes), failures.load(), (cpu1.process - cpu0.process) / n,
        (cpu1.writer - cpu0.writer) / n);
    return (cpu1.process - cpu0.process) / n;
  };
  auto plain = [](int, int, std::mt19937_64& rng) { return sentence(rng); };

  // 1. Durable appends through the service.
  if (appends_too) appends("plain text", channels, plain);

  // 1b. The durable append alone (what a post writes: the channel's next
  // number, the message, its outbox event), `posters` threads at once.
  if (appends_too) {
    auto before = p.db.stats();
    const CpuUs cpu0 = cpu_now();
    auto start = Clock_::now();
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < posters; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 100);
        for (int i = 0; i < per_thread; ++i) {
          const auto& ch = channels[static_cast<std::size_t>((t + i) % 20)];
          std::string body = sentence(rng);
          const std::int64_t now = SystemClock::instance().now_ms();
          const std::string id = crypto::new_ordered_id(now);  // as a post's id
          auto r = p.db.write([&](db::Conn& conn) -> Result<void> {
            RUCHE_TRY(
                [[maybe_unused]] auto changed,
                conn.exec("UPDATE chat_channels SET last_seq = last_seq + 1 WHERE id = $1", {ch}));
            RUCHE_TRY(auto seq,
                      conn.query_one("SELECT last_seq FROM chat_channels WHERE id = $1", {ch}));
            RUCHE_TRY(
                [[maybe_unused]] auto n,
                conn.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, "
                          "author_id, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                          {id, ch, ws->id, seq->i64(0), caller.user_id, body, now}));
            json::object data{{"id", id}, {"body", body}};
            RUCHE_TRY([[maybe_unused]] auto s, p.outbox.append(conn, ws->id, "message.created", "chat", data, {},
                                                                ch.str()));
            return {};
          });
          if (!r) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(Clock_::now() - start).count();
    const CpuUs cpu1 = cpu_now();
    const double n = posters * per_thread;
    auto after = p.db.stats();
    std::printf(
        "| durable appends (message + outbox event, %d threads, synchronous=FULL) | %.0f "
        "messages/s | %lld commits for %lld writes | %d failures | CPU per message: %.1f us, "
        "writer thread %.1f us |\n",
        posters, n / secs, static_cast<long long>(after.commits - before.commits),
        static_cast<long long>(after.writes - before.writes), failures.load(),
        (cpu1.process - cpu0.process) / n, (cpu1.writer - cpu0.writer) / n);
  }

  if (std::getenv("BENCH_APPENDS_ONLY")) return 0;

  // 2. A large history, written in big transactions (seeding, not measured);
  // one message in 500 in a second, small workspace's channel, and spread
  // through it, the groups' workspaces' messages (all the searcher's: their
  // messages among the instance's, not after them), in a shuffled order.
  long have = appends_too ? static_cast<long>(posters) * per_thread * 2 : 0;
  auto small_ws = p.workspaces.create(caller, "Voisin", "", {"chat"}, false);
  const chat::ChannelId small_channel = service.create_channel(caller, small_ws->id, {.name = "voisin"})->id;
  std::vector<WorkspaceId> many;
  std::vector<chat::ChannelId> many_channels;
  std::vector<std::size_t> slots;  // the workspace (in `many`) of each of the groups' messages
  for (std::size_t g = 0; g < std::size(kGroups); ++g) {
    for (int i = 0; i < kGroups[g].spaces; ++i) {
      auto w = p.workspaces.create(caller, std::string(kGroups[g].name) + " " + std::to_string(i), "", {"chat"},
                                   false);
      if (!w) {
        std::fprintf(stderr, "seed: %s\n", w.error().message.c_str());
        return 1;
      }
      auto ch = service.create_channel(caller, w->id, {.name = "equipe"});
      if (!ch) {
        std::fprintf(stderr, "seed: %s\n", ch.error().message.c_str());
        return 1;
      }
      groups[g].push_back(w->id);
      slots.insert(slots.end(), static_cast<std::size_t>(kGroups[g].messages), many.size());
      many.push_back(w->id);
      many_channels.push_back(ch->id);
    }
  }
  std::shuffle(slots.begin(), slots.end(), std::mt19937_64(7));
  const long kInMany = static_cast<long>(slots.size());
  const long many_every = std::max(2L, (total - have) / kInMany);
  long in_small = 0, in_many = 0;
  {
    auto start = Clock_::now();
    std::mt19937_64 rng(42);
    // One message: its channel's next number, in one statement.
    auto post = [&](db::Conn& conn, const std::string& id, const chat::ChannelId& ch,
                    const WorkspaceId& w) -> Result<void> {
      RUCHE_TRY(auto seq, conn.query_one("UPDATE chat_channels SET last_seq = last_seq + 1 "
                                         "WHERE id = $1 RETURNING last_seq",
                                         {ch}));
      RUCHE_TRY([[maybe_unused]] auto n,
                conn.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, "
                          "author_id, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                          {id, ch, w, seq->i64(0), caller.user_id, sentence(rng), SystemClock::instance().now_ms()}));
      return {};
    };
    // Whatever the history's length left unplaced of the many workspaces'
    // messages comes after it.
    while (have < total || in_many < kInMany) {
      long batch = have < total ? std::min<long>(20'000, total - have) : kInMany - in_many;
      long batch_small = 0, batch_many = 0;
      auto r = p.db.write([&](db::Conn& conn) -> Result<void> {
        batch_small = batch_many = 0;
        for (long i = 0; i < batch; ++i) {
          const long n = have + i;
          const std::string id = "s" + std::to_string(n);
          if (n % 500 == 499 && have < total) {
            ++batch_small;
            RUCHE_CHECK(post(conn, id, small_channel, small_ws->id));
          } else if (in_many + batch_many < kInMany && (n % many_every == many_every / 2 || have >= total)) {
            const std::size_t k = slots[static_cast<std::size_t>(in_many + batch_many++)];
            RUCHE_CHECK(post(conn, id, many_channels[k], many[k]));
          } else {
            RUCHE_CHECK(post(conn, id, channels[static_cast<std::size_t>(n % 20)], ws->id));
          }
        }
        return {};
      });
      if (!r) {
        std::fprintf(stderr, "seed: %s\n", r.error().message.c_str());
        return 1;
      }
      have += batch;
      in_small += batch_small;
      in_many += batch_many;
    }
    double secs = std::chrono::duration<double>(Clock_::now() - start).count();
    std::fprintf(stderr, "seeded %ld messages in %.0f s\n", have, secs);
  }

  // The history waits in the search index's queue: index it all, timed.
  {
    auto start = Clock_::now();
    if (auto r = service.flush_search_index(); !r) {
      std::fprintf(stderr, "index: %s\n", r.error().message.c_str());
      return 1;
    }
    double secs = std::chrono::duration<double>(Clock_::now() - start).count();
    if (appends_too)  // PostgreSQL indexes each message as it is written
      std::printf("| full-text indexing, batches of 2,000 (French + English stems) | %.0f messages/s | | |\n",
                  static_cast<double>(have) / secs);
  }
  // 3. Search latency through the service's search (visibility included).
  big = {ws->id, have - in_small - in_many};
  small = {small_ws->id, in_small};
  if (!all_searches()) return 1;
  if (!tidied()) return 1;

  if (!appends_too) return 0;
  // 4. What an armoured workspace costs the server (docs/armoured.md): each
  // sealed body's form, key generation, rotation state and author signature
  // checked in the write transaction. Plain posts again first, on the same
  // history, as the peer; bodies sealed beforehand (the browsers' work).
  const double plain_us = appends("plain text, after the history", channels, plain);
  const double sealed_us = armoured_appends(p, caller, service, posters, per_thread, appends, false);
  if (sealed_us > 0)
    std::printf("| armoured ÷ plain, CPU per message | %.2f | | | |\n", sealed_us / plain_us);
  // Private channels seal with their own keys: the rotation check asks who
  // holds the channel's key (its members still in the workspace).
  const double own_us = armoured_appends(p, caller, service, posters, per_thread, appends, true);
  if (own_us > 0)
    std::printf("| armoured private ÷ plain, CPU per message | %.2f | | | |\n", own_us / plain_us);
  return 0;
}
