// bench/chat-ui seeding tool: a Ruche data folder holding one channel with a
// long history, written through the chat service (what a post writes: the
// message, its full-text entry, its outbox event), several posters at once.
//
//   chat_history_seed --data DIR --email E --password P --messages N --out FILE
//
// Creates the user E (password P, instance administrator), the workspace
// "Histoire" with the chat module and its channel "historique", then posts N
// messages in it: sentences of 3 to 40 words, one in eight on several lines
// or with a Markdown list, so that rows have different heights as in real
// use. Writes "WORKSPACE_ID CHANNEL_ID" to FILE. The folder must be new.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/app.hpp"
#include "base/log.hpp"
#include "modules/chat/service.hpp"
#include "platform/api.hpp"

using namespace ruche;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "chat_history_seed: %s\n", what.c_str());
  std::exit(1);
}

const std::vector<std::string> kWords = {
    "réunion", "budget",  "projet",   "équipe",   "marché",   "dossier",  "rapport",  "semaine",
    "demain",  "client",  "contrat",  "réseau",   "sécurité", "serveur",  "fichier",  "document",
    "version", "planning", "tâche",   "appel",    "service",  "agent",    "formation", "courrier",
    "validation", "signature", "archive", "export", "données", "sauvegarde", "mairie", "préfecture",
    "meeting", "deadline", "review",  "release",  "deploy",   "network",  "incident", "ticket"};

std::string words(std::mt19937_64& rng, int n) {
  std::uniform_int_distribution<std::size_t> pick(0, kWords.size() - 1);
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (!s.empty()) s += ' ';
    s += kWords[pick(rng)];
  }
  return s;
}

std::string body(std::mt19937_64& rng, long index) {
  std::uniform_int_distribution<int> len(3, 40), shape(0, 7), items(2, 5);
  std::string s = "n°" + std::to_string(index) + " : " + words(rng, len(rng));
  switch (shape(rng)) {
    case 0:
      s += "\n\n" + words(rng, len(rng));
      break;
    case 1:
      for (int i = items(rng); i > 0; --i) s += "\n- " + words(rng, 4);
      break;
    default:
      break;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, email, password, out_path;
  long total = 100'000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data") data = next();
    else if (a == "--email") email = next();
    else if (a == "--password") password = next();
    else if (a == "--messages") total = std::atol(next().c_str());
    else if (a == "--out") out_path = next();
    else die("usage: chat_history_seed --data DIR --email E --password P --messages N --out FILE");
  }
  if (data.empty() || email.empty() || password.empty() || out_path.empty() || total < 1)
    die("--data, --email, --password, --out and a positive --messages are required");
  if (std::filesystem::exists(std::filesystem::path(data) / "ruche.db"))
    die(data + " already holds a Ruche database");
  log::set_level(log::Level::warn);

  constexpr int kPosters = 8;
  app::Config c;
  c.data_dir = data;
  c.port = 0;
  c.access_log = false;
  c.workers = kPosters + 4;
  c.password_memory_kib = 19456;  // the server of the bench runs with the same
  c.password_iterations = 2;
  c.password_parallelism = 1;
  c.writes_per_second = 1e9;  // a fixture: no posting limit
  c.write_burst = 1e9;
  if (auto r = app::finish(c, argv[0]); !r) die(r.error().message);
  auto inst = app::Instance::create(c);
  if (!inst) die(inst.error().message);
  auto& p = (*inst)->platform();
  auto user = p.accounts.create(email, "Ada Lovelace", password, platform::InstanceRole::admin);
  if (!user) die("user: " + user.error().message);
  platform::Caller caller;
  caller.user_id = user->id;
  caller.email = user->email;
  caller.name = user->name;
  auto ws = p.workspaces.create(caller, "Histoire", "bench/chat-ui", {"chat"}, false);
  if (!ws) die("workspace: " + ws.error().message);
  chat::Service service(p);
  auto channel = service.create_channel(caller, ws->id, {.name = "historique"});
  if (!channel) die("channel: " + channel.error().message);

  // Posters take the next number in turn: the history reads n°1 .. n°N
  // (give or take the order of concurrent commits).
  std::atomic<long> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kPosters; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 1);
      for (long i = next++; i < total; i = next++) {
        if (!service.post(caller, channel->id, {.body = body(rng, i + 1)})) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failures > 0) die(std::to_string(failures.load()) + " posts failed");

  std::ofstream out(out_path, std::ios::trunc);
  out << ws->id.str() << ' ' << channel->id.str() << '\n';
  out.close();
  if (!out) die("cannot write " + out_path);
  std::printf("seeded %s: %ld messages in #historique\n", data.c_str(), total);
  return 0;
}
