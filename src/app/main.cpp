// ruche: the server and its administration commands.
#include <malloc.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/config.hpp"
#include "base/log.hpp"
#include "core/bus/bus.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "platform/accounts.hpp"
#include "platform/audit.hpp"
#include "platform/outbox.hpp"
#include "platform/sessions.hpp"

namespace {

using namespace ruche;

constexpr const char* kUsage = R"(usage:
  ruche serve [--config FILE] [--data DIR] [--listen HOST:PORT]
  ruche migrate [--config FILE] [--data DIR]
  ruche user add --email EMAIL --name NAME [--admin | --guest] [--config FILE] [--data DIR]
                 (reads the password from standard input, one line)
  ruche user list [--config FILE] [--data DIR]
  ruche user disable --email EMAIL [--config FILE] [--data DIR]
  ruche user enable --email EMAIL [--config FILE] [--data DIR]
  ruche user reset-password --email EMAIL [--config FILE] [--data DIR]
                 (reads the new password from standard input, one line)
  ruche audit verify [--config FILE] [--data DIR]
  ruche version
)";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "ruche: %s\n%s", why.c_str(), kUsage);
  return 2;
}

int error(const std::string& why) {
  std::fprintf(stderr, "ruche: error: %s\n", why.c_str());
  return 1;
}

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> options;
  std::map<std::string, bool> flags;
};

// Options that take a value; everything else starting with -- is a flag.
bool takes_value(const std::string& name) {
  return name == "config" || name == "data" || name == "listen" || name == "email" || name == "name";
}

bool parse_args(int argc, char** argv, Args& out, std::string& why) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      std::string value;
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        out.options[name] = value;
      } else if (takes_value(name)) {
        if (i + 1 >= argc) {
          why = "--" + name + " needs a value";
          return false;
        }
        out.options[name] = argv[++i];
      } else {
        out.flags[name] = true;
      }
    } else {
      out.words.push_back(a);
    }
  }
  return true;
}

ruche::Result<app::Config> make_config(const Args& args, const char* exe) {
  app::Config c;
  if (auto it = args.options.find("config"); it != args.options.end())
    RUCHE_CHECK(app::load_file(c, it->second));
  RUCHE_CHECK(app::load_env(c));
  if (auto it = args.options.find("data"); it != args.options.end()) c.data_dir = it->second;
  if (auto it = args.options.find("listen"); it != args.options.end())
    RUCHE_CHECK(app::set_listen(c, it->second));
  RUCHE_CHECK(app::finish(c, exe));
  return c;
}

std::string read_password() {
  bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::fprintf(stderr, "Password: ");
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// Everything the user commands need, opened once.
struct Admin {
  std::unique_ptr<db::Database> database;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  bus::LocalBus bus;
  std::unique_ptr<platform::Outbox> outbox;
  std::unique_ptr<platform::Accounts> accounts;
  std::unique_ptr<platform::Sessions> sessions;
  std::unique_ptr<platform::AuditLog> audit;
};

ruche::Result<std::unique_ptr<Admin>> open_admin(const app::Config& c) {
  auto a = std::make_unique<Admin>();
  RUCHE_CHECK(crypto::init());
  RUCHE_TRY(a->database, app::open_database(c));
  RUCHE_TRY(std::string key, app::load_instance_key(c));
  RUCHE_TRY(auto hasher, crypto::PasswordHasher::create({c.password_memory_kib, c.password_iterations,
                                                         c.password_parallelism, c.password_concurrency}));
  a->hasher = std::make_unique<crypto::PasswordHasher>(std::move(hasher));
  const Clock& clock = SystemClock::instance();
  a->outbox = std::make_unique<platform::Outbox>(a->bus, clock);
  a->accounts = std::make_unique<platform::Accounts>(*a->database, clock, *a->hasher, key, c.instance_name);
  a->sessions = std::make_unique<platform::Sessions>(*a->database, clock, *a->outbox);
  a->audit = std::make_unique<platform::AuditLog>(clock);
  return a;
}

ruche::Result<void> audit_cli(Admin& a, std::string action, std::string object) {
  platform::AuditEntry e;
  e.actor_id = "cli";
  e.action = std::move(action);
  e.object = std::move(object);
  return a.audit->record(*a.database, e);
}

int user_command(const Args& args, const app::Config& c) {
  if (args.words.size() < 2) return usage_error("user needs a subcommand");
  const std::string& sub = args.words[1];
  auto email_opt = args.options.find("email");
  auto admin = open_admin(c);
  if (!admin) return error(admin.error().message);
  Admin& a = **admin;

  if (sub == "add") {
    auto name = args.options.find("name");
    if (email_opt == args.options.end() || name == args.options.end())
      return usage_error("user add needs --email and --name");
    if (args.flags.count("admin") && args.flags.count("guest"))
      return usage_error("--admin and --guest exclude each other");
    platform::InstanceRole role = args.flags.count("admin")   ? platform::InstanceRole::admin
                                  : args.flags.count("guest") ? platform::InstanceRole::guest
                                                              : platform::InstanceRole::member;
    std::string password = read_password();
    auto user = a.accounts->create(email_opt->second, name->second, password, role);
    if (!user) return error(user.error().message);
    (void)audit_cli(a, "admin.user_created", user->id.str());
    std::printf("created %s %s (%s)\n", std::string(platform::to_string(role)).c_str(),
                user->email.c_str(), user->id.str().c_str());
    return 0;
  }
  if (sub == "list") {
    auto users = a.accounts->list();
    if (!users) return error(users.error().message);
    for (const auto& u : *users)
      std::printf("%s\t%s\t%s\t%s%s\n", u.id.str().c_str(), u.email.c_str(),
                  std::string(platform::to_string(u.role)).c_str(), u.name.c_str(),
                  u.disabled ? "\t(disabled)" : "");
    return 0;
  }
  if (email_opt == args.options.end()) return usage_error("user " + sub + " needs --email");
  auto found = a.accounts->find_by_email(email_opt->second);
  if (!found) return error(found.error().message);
  if (!*found) return error("no account with email " + email_opt->second);
  const platform::User& u = **found;
  if (sub == "disable" || sub == "enable") {
    bool disable = sub == "disable";
    if (auto r = a.accounts->set_disabled(u.id, disable); !r) return error(r.error().message);
    if (disable) {
      if (auto r = a.sessions->revoke_all(u.id, false); !r) return error(r.error().message);
    }
    (void)audit_cli(a, disable ? "admin.user_disabled" : "admin.user_enabled", u.id.str());
    std::printf("%s %s\n", disable ? "disabled" : "enabled", u.email.c_str());
    return 0;
  }
  if (sub == "reset-password") {
    std::string password = read_password();
    if (auto r = a.accounts->set_password(u.id, password); !r) return error(r.error().message);
    if (auto r = a.sessions->revoke_all(u.id, false); !r) return error(r.error().message);
    (void)audit_cli(a, "admin.password_reset", u.id.str());
    std::printf("password reset for %s; their sessions and app tokens were revoked\n", u.email.c_str());
    return 0;
  }
  return usage_error("unknown user subcommand: " + sub);
}

}  // namespace

int main(int argc, char** argv) {
  // Password hashing buffers (tens of MiB) go back to the system when freed
  // instead of raising glibc's mmap threshold and staying resident. Chunk
  // buffers (up to 4 MiB, one or two per chunk read or written) come from
  // the heap and stay there: mapping and unmapping them cost a page fault
  // per 4 KiB, a quarter of the CPU of a 1 GiB download (measured with
  // perf). At most 16 MiB free at the top of each of the few arenas is kept.
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_ARENA_MAX, 4);
  Args args;
  std::string why;
  if (!parse_args(argc, argv, args, why)) return usage_error(why);
  if (args.words.empty() || args.flags.count("help")) {
    std::fputs(kUsage, args.words.empty() && !args.flags.count("help") ? stderr : stdout);
    return args.flags.count("help") ? 0 : 2;
  }
  const std::string& cmd = args.words[0];
  if (cmd == "version") {
    std::printf("ruche 0.1.0\n");
    return 0;
  }
  auto config = make_config(args, argv[0]);
  if (!config) return error(config.error().message);
  if (cmd == "serve") return app::serve(std::move(*config));
  if (cmd == "migrate") {
    auto database = app::open_database(*config);
    if (!database) return error(database.error().message);
    std::printf("database is up to date\n");
    return 0;
  }
  if (cmd == "user") return user_command(args, *config);
  if (cmd == "audit") {
    if (args.words.size() < 2 || args.words[1] != "verify") return usage_error("audit verify");
    auto database = app::open_database(*config);
    if (!database) return error(database.error().message);
    platform::AuditLog audit(SystemClock::instance());
    auto v = audit.verify(**database);
    if (!v) return error(v.error().message);
    if (v->first_broken_seq) {
      std::printf("audit log BROKEN at entry %lld: %s (%lld intact entries before it)\n",
                  static_cast<long long>(*v->first_broken_seq), v->problem.c_str(),
                  static_cast<long long>(v->entries));
      return 1;
    }
    std::printf("audit log intact: %lld entries\n", static_cast<long long>(v->entries));
    return 0;
  }
  return usage_error("unknown command: " + cmd);
}
