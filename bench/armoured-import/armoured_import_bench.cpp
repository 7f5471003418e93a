// bench/armoured-import: what the checks of an armoured archive cost its
// import (docs/armoured.md, "Importing an armoured archive"). Two workspaces
// with the same channels and the same number of messages of the same texts:
// one plain, one armoured (bodies sealed and signed beforehand as a browser
// does). Each is exported, then imported again and again through the API,
// alternating; the armoured import checks every message's form, key
// generation and author's Ed25519 signature over the ids of its era. Beside
// them, in the same run, one core verifying as many Ed25519 signatures
// (libsodium) over texts of the same size: the cost the checks cannot go
// below.
//
//   armoured_import_bench DATA_DIR [MESSAGES] [ROUNDS]
//
// Prints Markdown rows; asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/json.hpp"
#include "base/log.hpp"
#include "bench/common/bench_support.hpp"
#include "core/http/client.hpp"
#include "modules/chat/service.hpp"

using namespace ruche;
using Clock_ = std::chrono::steady_clock;

namespace {

constexpr int kChannels = 10;
constexpr int kPosters = 8;

// A sentence of office words, 8 to 20 of them (as bench/chat-store's).
std::string sentence(std::mt19937_64& rng) {
  static const char* const words[] = {"réunion", "budget", "projet", "équipe", "marché", "dossier", "rapport",
                                      "semaine", "demain", "client", "contrat", "réseau", "sécurité", "serveur",
                                      "meeting", "deadline", "review", "release", "network", "incident"};
  std::uniform_int_distribution<int> len(8, 20);
  std::uniform_int_distribution<std::size_t> word(0, std::size(words) - 1);
  std::string s;
  for (int i = len(rng); i > 0; --i) s += (s.empty() ? "" : " ") + std::string(words[word(rng)]);
  return s;
}

// Posts `bodies` into `channels` (round robin), kPosters threads at once.
bool post_all(chat::Service& service, const platform::Caller& caller, const std::vector<chat::ChannelId>& channels,
              const std::vector<std::string>& bodies) {
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kPosters; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < bodies.size(); i = next++) {
        auto r = service.post(caller, channels[i % channels.size()], {.body = bodies[i]});
        if (!r && failures.fetch_add(1) == 0) std::fprintf(stderr, "post: %s\n", r.error().message.c_str());
      }
    });
  }
  for (auto& t : threads) t.join();
  return failures.load() == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: armoured_import_bench DATA_DIR [MESSAGES] [ROUNDS]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  const std::size_t messages = argc > 2 ? static_cast<std::size_t>(std::atol(argv[2])) : 100000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  auto bi = bench::open_instance(argv[1], kPosters + 4);
  if (!bi) return 1;
  auto& p = bi->platform();
  const platform::Caller& caller = bi->caller;
  const std::string password = "Bourdon-Velours-2026";
  if (!p.accounts.create("admin@example.org", "Admin", password, platform::InstanceRole::admin)) return 1;
  if (auto r = bi->instance->listen(); !r) {
    std::fprintf(stderr, "listen: %s\n", r.error().message.c_str());
    return 1;
  }
  std::thread server([&] { bi->instance->run(false); });
  const auto port = bi->instance->port();
  auto login = [&](const std::string& email) -> std::string {
    http::HttpClient client("127.0.0.1", port);
    auto r = client.request("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                            R"({"email":")" + email + R"(","password":")" + password + R"("})");
    if (!r || r->status != 200) return {};
    auto v = json::parse(r->body);
    return v ? std::string(v->at("token").as_string()) : std::string{};
  };
  const std::string owner = login("bench@example.org"), admin = login("admin@example.org");
  int status = 1;
  [&] {
    if (owner.empty() || admin.empty()) {
      std::fprintf(stderr, "login failed\n");
      return;
    }
    chat::Service service(p);
    // The same texts in both: sealed in one, as they are in the other.
    std::mt19937_64 rng(2026);
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < messages; ++i) texts.push_back(sentence(rng));
    auto plain = p.workspaces.create(caller, "Plain", "", {"chat"}, false);
    auto armoured = bench::armoured_workspace(p, caller, {"chat"});
    if (!plain || !armoured) return;
    std::vector<chat::ChannelId> plain_channels, sealed_channels;
    for (int i = 0; i < kChannels; ++i) {
      plain_channels.push_back(service.create_channel(caller, plain->id, {.name = "c" + std::to_string(i)})->id);
      sealed_channels.push_back(service.create_channel(caller, armoured->ws, {.name = "c" + std::to_string(i)})->id);
    }
    std::vector<std::string> sealed(messages);
    for (std::size_t i = 0; i < messages; ++i) {
      const auto& ch = sealed_channels[i % sealed_channels.size()];
      sealed[i] = armoured->seal("ruche-chat", armoured->ws.str() + "\n" + ch.str() + "\n" + armoured->user_id, texts[i]);
    }
    if (!post_all(service, caller, plain_channels, texts) || !post_all(service, caller, sealed_channels, sealed)) return;

    http::HttpClient client("127.0.0.1", port, 600'000);
    auto archive_of = [&](const WorkspaceId& ws) -> std::string {
      auto r = client.request("GET", "/api/v1/workspaces/" + ws.str() + "/export",
                              {{"Authorization", "Bearer " + owner}});
      return r && r->status == 200 ? std::move(r->body) : std::string{};
    };
    const std::string plain_archive = archive_of(plain->id), sealed_archive = archive_of(armoured->ws);
    if (plain_archive.empty() || sealed_archive.empty()) {
      std::fprintf(stderr, "export failed\n");
      return;
    }
    // One import: seconds, the process's CPU-seconds and its database
    // writer thread's.
    auto import = [&](const std::string& archive, std::vector<double>& secs, std::vector<double>& cpu,
                      std::vector<double>& writer) {
      const bench::CpuUs cpu0 = bench::cpu_now();
      const auto t0 = Clock_::now();
      auto r = client.request("POST", "/api/v1/admin/workspaces/import", {{"Authorization", "Bearer " + admin}},
                              archive);
      secs.push_back(std::chrono::duration<double>(Clock_::now() - t0).count());
      const bench::CpuUs cpu1 = bench::cpu_now();
      cpu.push_back((cpu1.process - cpu0.process) / 1e6);
      writer.push_back((cpu1.writer - cpu0.writer) / 1e6);
      if (!r || r->status != 201) {
        std::fprintf(stderr, "import: %s\n", r ? r->body.substr(0, 300).c_str() : r.error().message.c_str());
        return false;
      }
      return true;
    };
    std::vector<double> plain_s, plain_cpu, plain_writer, sealed_s, sealed_cpu, sealed_writer;
    for (int round = 0; round < rounds; ++round)
      if (!import(plain_archive, plain_s, plain_cpu, plain_writer) ||
          !import(sealed_archive, sealed_s, sealed_cpu, sealed_writer))
        return;

    // The floor: one core verifying as many signatures over texts of the
    // same size (a message's signed text: its additional data, nonce and
    // ciphertext in base64url).
    const std::string signed_text(sealed.front().size() + 60, 'x');
    const std::string sig = crypto::ed25519_sign(armoured->sign_sk, signed_text);
    const std::string pk = [&] {
      std::string k(crypto_sign_PUBLICKEYBYTES, '\0');
      crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(k.data()), bench::u8(armoured->sign_sk));
      return k;
    }();
    const auto v0 = Clock_::now();
    std::size_t good = 0;
    for (std::size_t i = 0; i < messages; ++i)
      good += crypto_sign_verify_detached(bench::u8(sig), bench::u8(signed_text), signed_text.size(), bench::u8(pk)) == 0;
    const double verify_s = std::chrono::duration<double>(Clock_::now() - v0).count();
    if (good != messages) return;

    const double extra_cpu = bench::median(sealed_cpu) - bench::median(plain_cpu);
    std::printf("| import of %zu messages in %d channels (median of %d) | plain | armoured | armoured ÷ plain |\n"
                "| --- | ---: | ---: | ---: |\n",
                messages, kChannels, rounds);
    std::printf("| archive, MiB | %.1f | %.1f | %.2f |\n", static_cast<double>(plain_archive.size()) / 1048576.0,
                static_cast<double>(sealed_archive.size()) / 1048576.0,
                static_cast<double>(sealed_archive.size()) / static_cast<double>(plain_archive.size()));
    std::printf("| import, seconds | %.2f | %.2f | %.2f |\n", bench::median(plain_s),
                bench::median(sealed_s), bench::median(sealed_s) / bench::median(plain_s));
    std::printf("| import, CPU-seconds (the whole process) | %.2f | %.2f | %.2f |\n",
                bench::median(plain_cpu), bench::median(sealed_cpu),
                bench::median(sealed_cpu) / bench::median(plain_cpu));
    std::printf("| import, CPU-seconds of the database's writer thread | %.2f | %.2f | %.2f |\n",
                bench::median(plain_writer), bench::median(sealed_writer),
                bench::median(sealed_writer) / bench::median(plain_writer));
    std::printf("\n| per armoured message | µs |\n| --- | ---: |\n");
    std::printf("| the import's CPU beyond a plain message's | %.1f |\n",
                extra_cpu * 1e6 / static_cast<double>(messages));
    std::printf("| one Ed25519 verification (libsodium, one core, %zu-byte text) | %.1f |\n", signed_text.size(),
                verify_s * 1e6 / static_cast<double>(messages));
    std::printf("\nImports per round, seconds: plain");
    for (double s : plain_s) std::printf(" %.2f", s);
    std::printf(", armoured");
    for (double s : sealed_s) std::printf(" %.2f", s);
    std::printf(".\n");
    status = 0;
  }();
  bi->instance->stop();
  server.join();
  return status;
}
