// bench/chat seeding tool: prepares a Ruche data folder straight in SQLite
// (or in PostgreSQL, with RUCHE_DATABASE=postgres and RUCHE_POSTGRES_DSN)
// for the chat delivery benchmark, much faster than the HTTP API (which
// would spend an Argon2id hash per user).
//
//   chat_seed --data DIR --tokens FILE [--users N] [--rooms R]
//
// Writes, in one workspace "Bench" with the chat module:
//   - N users (user00000@bench.example ...), all sharing one valid Argon2id
//     PHC hash of "Bourdon-Velours-2026" computed once at the floor
//     parameters; user 0 is the instance administrator and workspace owner;
//   - every user a member of the workspace;
//   - R private channels "room-000" ... of N / R members each (users
//     r*N/R .. (r+1)*N/R - 1 in room r);
//   - one session credential per user (token_hash = crypto::token_hash(token)).
// The tokens file has one line per user, in user order:
//   TOKEN CHANNEL_ID ROOM_INDEX USER_ID
// and a first line "# workspace WORKSPACE_ID users N rooms R".
// The folder must be new (or hold no Ruche database yet).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/config.hpp"
#include "base/clock.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "core/db/database.hpp"

using namespace ruche;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "chat_seed: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

void must_void(Result<void> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
}

// Runs `rows` single-row statements in write transactions of `batch` rows.
template <class Fn>
void batched(db::Database& database, std::size_t rows, std::size_t batch, const char* what, Fn fn) {
  for (std::size_t start = 0; start < rows; start += batch) {
    std::size_t end = std::min(rows, start + batch);
    must_void(database.write([&](db::Conn& c) -> Result<void> {
                for (std::size_t i = start; i < end; ++i) RUCHE_CHECK(fn(c, i));
                return {};
              }),
              what);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, tokens_path;
  std::size_t users = 10'000, rooms = 100;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data") data = next();
    else if (a == "--tokens") tokens_path = next();
    else if (a == "--users") users = std::stoul(next());
    else if (a == "--rooms") rooms = std::stoul(next());
    else die("usage: chat_seed --data DIR --tokens FILE [--users N] [--rooms R]");
  }
  if (data.empty() || tokens_path.empty()) die("--data and --tokens are required");
  if (rooms == 0 || users < rooms || users % rooms != 0) die("--users must be a multiple of --rooms");
  if (std::filesystem::exists(std::filesystem::path(data) / "ruche.db"))
    die(data + " already holds a Ruche database");

  must_void(crypto::init(), "crypto");
  app::Config config;
  config.data_dir = data;
  config.sqlite_synchronous_full = false;  // a throw-away fixture; the server reopens it with FULL
  // RUCHE_DATABASE=postgres and RUCHE_POSTGRES_* seed PostgreSQL instead
  // (bench/multinode); the instance key stays in --data.
  must_void(app::load_env(config), "environment");
  config.nats_url.clear();
  must_void(app::finish(config, argv[0]), "config");
  auto database = must(app::open_database(config), "open database");
  (void)must(app::load_instance_key(config), "instance key");

  // One hash for everybody, at the floor parameters (AUTH-1's minimum).
  auto hasher = must(crypto::PasswordHasher::create(
                         {crypto::kMinPasswordMemoryKib, crypto::kMinPasswordIterations, 1, 1}),
                     "hasher");
  const std::string password_hash = must(hasher.hash("Bourdon-Velours-2026"), "hash");

  const std::int64_t now = SystemClock::instance().now_ms();
  const std::int64_t expires = now + 365LL * 24 * 3600'000;
  const std::size_t per_room = users / rooms;

  std::vector<std::string> user_ids(users), tokens(users), channel_ids(rooms);
  for (auto& id : user_ids) id = crypto::new_id();
  for (auto& t : tokens) t = crypto::new_token();
  for (auto& c : channel_ids) c = crypto::new_id();
  const std::string ws = crypto::new_id();
  char buf[64];

  batched(*database, users, 2000, "users", [&](db::Conn& c, std::size_t i) -> Result<void> {
    std::snprintf(buf, sizeof buf, "user%05zu@bench.example", i);
    std::string email = buf;
    std::snprintf(buf, sizeof buf, "User %zu", i);
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO users (id, email, name, password_hash, instance_role, "
                     "created_at_ms, password_changed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                     {user_ids[i], email, std::string(buf), password_hash,
                      i == 0 ? "admin" : "member", now}));
    RUCHE_TRY([[maybe_unused]] auto m,
              c.exec("INSERT INTO credentials (id, token_hash, user_id, kind, name, csrf_token, "
                     "created_at_ms, last_used_at_ms, expires_at_ms, remote_addr, user_agent) "
                     "VALUES ($1, $2, $3, 'session', '', $4, $5, $5, $6, '127.0.0.1', 'chat_seed')",
                     {crypto::new_id(), crypto::token_hash(tokens[i]), user_ids[i],
                      crypto::new_token(), now, expires}));
    return {};
  });

  must_void(database->write([&](db::Conn& c) -> Result<void> {
              RUCHE_TRY([[maybe_unused]] auto a,
                        c.exec("INSERT INTO workspaces (id, name, description, armoured, created_by, "
                               "created_at_ms) VALUES ($1, 'Bench', 'bench/chat', 0, $2, $3)",
                               {ws, user_ids[0], now}));
              RUCHE_TRY([[maybe_unused]] auto b,
                        c.exec("INSERT INTO workspace_modules (workspace_id, module, enabled_at_ms) "
                               "VALUES ($1, 'chat', $2)",
                               {ws, now}));
              for (std::size_t r = 0; r < rooms; ++r) {
                std::snprintf(buf, sizeof buf, "room-%03zu", r);
                RUCHE_TRY([[maybe_unused]] auto d,
                          c.exec("INSERT INTO chat_channels (id, workspace_id, kind, name, topic, "
                                 "created_by, created_at_ms) VALUES ($1, $2, 'private', $3, "
                                 "'bench/chat', $4, $5)",
                                 {channel_ids[r], ws, std::string(buf), user_ids[r * per_room], now}));
              }
              return {};
            }),
            "workspace");

  batched(*database, users, 2000, "members", [&](db::Conn& c, std::size_t i) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO memberships (workspace_id, user_id, role, created_at_ms) "
                     "VALUES ($1, $2, $3, $4)",
                     {ws, user_ids[i], i == 0 ? "owner" : "member", now}));
    RUCHE_TRY([[maybe_unused]] auto m,
              c.exec("INSERT INTO chat_members (channel_id, user_id, joined_at_ms, last_read_seq) "
                     "VALUES ($1, $2, $3, 0)",
                     {channel_ids[i / per_room], user_ids[i], now}));
    return {};
  });

  std::ofstream out(tokens_path, std::ios::trunc);
  if (!out) die("cannot write " + tokens_path);
  out << "# workspace " << ws << " users " << users << " rooms " << rooms << "\n";
  for (std::size_t i = 0; i < users; ++i)
    out << tokens[i] << ' ' << channel_ids[i / per_room] << ' ' << i / per_room << ' ' << user_ids[i]
        << '\n';
  out.close();
  if (!out) die("cannot write " + tokens_path);
  std::printf("seeded %s: workspace %s, %zu users, %zu private channels of %zu members\n",
              data.c_str(), ws.c_str(), users, rooms, per_room);
  return 0;
}
