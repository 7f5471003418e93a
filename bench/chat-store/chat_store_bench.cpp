// bench/chat-store: durable message appends through the chat service (group
// commit on SQLite) and search latency over a generated history.
//
//   chat_store_bench DATA_DIR [MESSAGES] [POSTERS]
//
// Prints Markdown rows; asserts nothing.
#include <sodium.h>
#include <sys/resource.h>

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

#include "app/app.hpp"
#include "base/clock.hpp"
#include "base/log.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/sign.hpp"
#include "platform/sealed_text.hpp"
#include "modules/chat/service.hpp"
#include "platform/api.hpp"

using namespace ruche;
using Clock_ = std::chrono::steady_clock;

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

// CPU time, in microseconds, of the whole process and of the database's
// writer thread (Linux: /proc/self/task/*/comm and schedstat; 0 when not
// found). Per append, they compare builds on a machine whose other load
// makes throughput noisy.
struct CpuUs {
  double process = 0;
  double writer = 0;
};

CpuUs cpu_now() {
  CpuUs out;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  out.process = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm != "ruche-db-writer") continue;
    double run_ns = 0;
    std::ifstream(task.path() / "schedstat") >> run_ns;
    out.writer = run_ns / 1e3;
  }
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

const unsigned char* u8(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string random_string(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

// An armoured workspace of `caller` with 20 channels, an identity and key
// generation 1 sealed for them, and posters x per_thread bodies sealed and
// signed as a browser does; then the same appends as the plain ones.
// Returns the CPU per message (us), or 0 when the setting up failed.
template <typename Appends>
double armoured_appends(platform::Platform& p, const platform::Caller& caller, chat::Service& service, int posters,
                        int per_thread, Appends& appends) {
  if (sodium_init() < 0) return 0;
  std::string box_pk(32, '\0'), box_sk(32, '\0'), sign_pk(32, '\0'), sign_sk(64, '\0');
  crypto_box_keypair(reinterpret_cast<unsigned char*>(box_pk.data()), reinterpret_cast<unsigned char*>(box_sk.data()));
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(sign_pk.data()),
                      reinterpret_cast<unsigned char*>(sign_sk.data()));
  auto ws = p.workspaces.create(caller, "Armoured bench", "", {"chat"}, true);
  if (!ws) return 0;
  platform::NewIdentity id{crypto::base64url_encode(box_pk), crypto::base64url_encode(sign_pk),
                           "id1:2:67108864:" + crypto::base64url_encode(random_string(16)) + ":" +
                               crypto::base64url_encode(random_string(24)) + ":" +
                               crypto::base64url_encode(random_string(112))};
  if (auto r = p.armour.set_identity(caller, id); !r) return 0;
  std::string key = random_string(32), sealed(80, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), u8(key), key.size(), u8(box_pk));
  platform::ArmourEnvelope env;
  env.user_id = caller.user_id.str();
  env.generation = 1;
  env.sealed = crypto::base64url_encode(sealed);
  env.signature = crypto::base64url_encode(crypto::ed25519_sign(
      sign_sk, platform::envelope_signed_text(ws->id.str(), 1, env.user_id, env.sealed)));
  if (auto r = p.armour.add_envelopes(caller, ws->id, 1, {env}); !r) {
    std::fprintf(stderr, "armour: %s\n", r.error().message.c_str());
    return 0;
  }
  std::vector<chat::ChannelId> chs;
  for (int i = 0; i < 20; ++i) chs.push_back(service.create_channel(caller, ws->id, {.name = "c" + std::to_string(i)})->id);
  std::vector<std::vector<std::string>> bodies(static_cast<std::size_t>(posters));
  std::mt19937_64 rng(99);
  for (int t = 0; t < posters; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const auto& ch = chs[static_cast<std::size_t>((t + i) % 20)];
      std::string ad = "ruche-chat-v1\n" + ws->id.str() + "\n" + ch.str() + "\n" + caller.user_id.str() + "\n1";
      std::string text = sentence(rng), nonce = random_string(24), ct(text.size() + 16, '\0');
      crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(ct.data()), nullptr, u8(text),
                                                 text.size(), u8(ad), ad.size(), nullptr, u8(nonce), u8(key));
      std::string n64 = crypto::base64url_encode(nonce), c64 = crypto::base64url_encode(ct);
      std::string sig = crypto::ed25519_sign(sign_sk, ad + "\n" + n64 + "\n" + c64);
      bodies[static_cast<std::size_t>(t)].push_back("e2e1:1:" + n64 + ":" + c64 + ":" + crypto::base64url_encode(sig));
    }
  }
  return appends("armoured (sealed bodies)", chs, [&](int t, int i, std::mt19937_64&) {
    return bodies[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: chat_store_bench DATA_DIR [MESSAGES] [POSTERS]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  long total = argc > 2 ? std::atol(argv[2]) : 1'000'000;
  int posters = argc > 3 ? std::atoi(argv[3]) : 32;

  app::Config c;
  c.data_dir = argv[1];
  c.port = 0;
  c.access_log = false;
  c.workers = posters + 4;
  c.password_memory_kib = 19456;
  c.password_iterations = 2;
  c.password_parallelism = 1;
  c.writes_per_second = 1e9;
  c.write_burst = 1e9;
  if (auto r = app::finish(c, "/proc/self/exe"); !r) return 1;
  auto inst = app::Instance::create(c);
  if (!inst) {
    std::fprintf(stderr, "%s\n", inst.error().message.c_str());
    return 1;
  }
  auto& p = (*inst)->platform();
  auto user = p.accounts.create("bench@example.org", "Bench", "Bourdon-Velours-2026",
                                platform::InstanceRole::member);
  if (!user) {
    std::fprintf(stderr, "%s\n", user.error().message.c_str());
    return 1;
  }
  platform::Caller caller;
  caller.user_id = user->id;
  caller.email = user->email;
  caller.name = user->name;
  auto ws = p.workspaces.create(caller, "Bench", "", {"chat"}, false);
  chat::Service service(p);
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
  const int per_thread = 2000;
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
  appends("plain text", channels, plain);

  // 1b. The durable append alone (what a post writes: the channel's next
  // number, the message, its outbox event), `posters` threads at once.
  {
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
                          {id, ch, ws->id, seq->i64(0), user->id, body, now}));
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

  // 2. A large history, written in big transactions (seeding, not measured).
  long have = static_cast<long>(posters) * 4000;
  {
    auto start = Clock_::now();
    std::mt19937_64 rng(42);
    while (have < total) {
      long batch = std::min<long>(20'000, total - have);
      auto r = p.db.write([&](db::Conn& conn) -> Result<void> {
        for (long i = 0; i < batch; ++i) {
          const auto& ch = channels[static_cast<std::size_t>((have + i) % 20)];
          RUCHE_TRY(auto seq, conn.query_one("UPDATE chat_channels SET last_seq = last_seq + 1 "
                                             "WHERE id = $1 RETURNING last_seq",
                                             {ch}));
          RUCHE_TRY([[maybe_unused]] auto n,
                    conn.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, "
                              "author_id, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              {"s" + std::to_string(have + i), ch, ws->id, seq->i64(0), user->id,
                               sentence(rng), SystemClock::instance().now_ms()}));
        }
        return {};
      });
      if (!r) {
        std::fprintf(stderr, "seed: %s\n", r.error().message.c_str());
        return 1;
      }
      have += batch;
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
    std::printf("| full-text indexing, batches of 2,000 (French + English stems) | %.0f messages/s | | |\n",
                static_cast<double>(have) / secs);
  }
  // 3. Search latency through the service's search (visibility included).
  {
    std::mt19937_64 rng(7);
    const auto& w = words();
    std::vector<double> ms;
    std::vector<WorkspaceId> readable{ws->id};
    for (int i = 0; i < 300; ++i) {
      std::string q = w[rng() % 200];
      if (i % 3 == 0) q += " " + w[rng() % w.size()];
      auto start = Clock_::now();
      auto hits = p.db.read([&](db::Conn& conn) {
        return service.search(conn, caller, readable, q, {}, 20);
      });
      ms.push_back(std::chrono::duration<double, std::milli>(Clock_::now() - start).count());
      if (!hits) {
        std::fprintf(stderr, "search: %s\n", hits.error().message.c_str());
        return 1;
      }
    }
    std::printf("| search over %ld messages (300 queries, 20 results, visibility joined) | p50 %.2f ms | p95 %.2f ms | max %.2f ms |\n",
                have, percentile(ms, 0.5), percentile(ms, 0.95), percentile(ms, 1.0));
  }

  // 4. What an armoured workspace costs the server (docs/armoured.md): each
  // sealed body's form, key generation, rotation state and author signature
  // checked in the write transaction. Plain posts again first, on the same
  // history, as the peer; bodies sealed beforehand (the browsers' work).
  const double plain_us = appends("plain text, after the history", channels, plain);
  const double sealed_us = armoured_appends(p, caller, service, posters, per_thread, appends);
  if (sealed_us > 0)
    std::printf("| armoured ÷ plain, CPU per message | %.2f | | | |\n", sealed_us / plain_us);
  return 0;
}
