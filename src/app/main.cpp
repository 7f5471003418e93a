// ruche: the server and its administration commands.
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/backup.hpp"
#include "app/config.hpp"
#include "base/log.hpp"
#include "core/bus/bus.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "core/http/message.hpp"
#include "platform/accounts.hpp"
#include "platform/audit.hpp"
#include "platform/audit_query.hpp"
#include "platform/export.hpp"
#include "platform/import.hpp"
#include "platform/outbox.hpp"
#include "platform/platform.hpp"
#include "platform/sessions.hpp"
#include "platform/user_list.hpp"

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
  ruche audit verify --file FILE
                 (an export's chain, "-" for standard input; exports read one
                 after the other, concatenated, check as one)
  ruche audit export [--after SEQ] [--out FILE] [--config FILE] [--data DIR]
                 (JSON Lines, oldest first, each entry with its chain's links;
                 --after: those after entry SEQ, the last of the previous export)
  ruche backup --to FOLDER [--deep] [--config FILE] [--data DIR]
                 (while the server runs; FOLDER new, or a previous backup to update)
  ruche restore --from FOLDER [--deep] [--config FILE] [--data DIR]
                 (into an empty data folder, the server stopped; checks what it restored)
                 --deep: the check opens every chunk under its key
  ruche workspace list --as EMAIL [--config FILE] [--data DIR]
  ruche workspace export --as EMAIL --id WORKSPACE [--out FILE] [--config FILE] [--data DIR]
                 (the archive of docs/export.md; to standard output without --out)
  ruche workspace import --as EMAIL [--in FILE] [--name NAME] [--create-accounts]
                 [--config FILE] [--data DIR]
                 (reads the archive from standard input without --in; EMAIL an
                 instance administrator; the server stopped, unless a NATS bus)
                 EMAIL: the account acting, with its rights; audited as its own
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
  return name == "config" || name == "data" || name == "listen" || name == "email" ||
         name == "name" || name == "as" || name == "id" || name == "out" || name == "in" ||
         name == "to" || name == "from" || name == "after" || name == "file";
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
    auto users = a.database->read([](db::Conn& c) { return platform::read_users(c, {}); });
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

// Pushes an export's bytes to a file descriptor.
class FdBodyWriter final : public http::BodyWriter {
 public:
  explicit FdBodyWriter(int fd) : fd_(fd) {}
  Result<void> write(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(Errc::unavailable, std::string("cannot write the archive: ") + std::strerror(errno));
      data.remove_prefix(static_cast<std::size_t>(n));
      bytes_ += static_cast<std::uint64_t>(n);
    }
    return {};
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  int fd_;
  std::uint64_t bytes_ = 0;
};

// Pulls an archive to import from a file descriptor.
class FdBodyReader final : public http::BodyReader {
 public:
  explicit FdBodyReader(int fd) : fd_(fd) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<std::uint64_t>(st.st_size);
  }
  Result<std::size_t> read(char* buf, std::size_t size) override {
    while (true) {
      ssize_t n = ::read(fd_, buf, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(Errc::unavailable, std::string("cannot read the archive: ") + std::strerror(errno));
      return static_cast<std::size_t>(n);
    }
  }
  std::optional<std::uint64_t> content_length() const override { return size_; }

 private:
  int fd_;
  std::optional<std::uint64_t> size_;
};

// The account an operator's command acts as: its rights apply, and the audit
// log records the action as its own, from "cli".
ruche::Result<platform::Caller> cli_caller(platform::Platform& p, const Args& args) {
  auto as = args.options.find("as");
  RUCHE_TRY(auto found, p.accounts.find_by_email(as->second));
  if (!found) return fail(Errc::not_found, "no account with email " + as->second);
  if (found->disabled) return fail(Errc::forbidden, "the account " + as->second + " is disabled");
  platform::Caller c;
  c.user_id = found->id;
  c.email = found->email;
  c.name = found->name;
  c.role = found->role;
  c.remote_addr = "cli";
  c.request_id = "cli-" + crypto::hex_encode(crypto::random_bytes(6));
  return c;
}

int workspace_command(const Args& args, app::Config c) {
  if (args.words.size() < 2) return usage_error("workspace needs a subcommand");
  const std::string& sub = args.words[1];
  if (sub != "list" && sub != "export" && sub != "import") return usage_error("unknown workspace subcommand: " + sub);
  if (sub == "export" && !args.options.count("id")) return usage_error("workspace export needs --id");
  if (sub == "export" && !args.options.count("out") && ::isatty(STDOUT_FILENO))
    return usage_error("workspace export writes an archive: give --out FILE or redirect standard output");
  if (!args.options.count("as")) return usage_error("workspace " + sub + " needs --as EMAIL: the account it acts as");
  // An import writes: a running server (alone, no bus) would not hear of it.
  std::optional<app::NodeLock> lock;
  if (sub == "import") {
    auto l = app::NodeLock::acquire(c);
    if (!l)
      return error(l.error().message + ". Stop it first, or import through the API (POST /api/v1/admin/workspaces/import)");
    lock.emplace(std::move(*l));
  }
  // Logs go to standard error; the archive or the listing to standard output.
  log::set_level(log::Level::warn);
  auto inst = app::Instance::create(std::move(c));
  if (!inst) return error(inst.error().message);
  platform::Platform& p = (*inst)->platform();
  auto caller = cli_caller(p, args);
  if (!caller) return error(caller.error().message);

  if (sub == "list") {
    auto list = p.workspaces.list(*caller);
    if (!list) return error(list.error().message);
    for (const auto& w : *list)
      std::printf("%s\t%s\t%s%s%s\n", w.id.str().c_str(), std::string(platform::to_string(w.role)).c_str(),
                  w.name.c_str(), w.armoured ? "\t(armoured)" : "", w.archived ? "\t(archived)" : "");
    return 0;
  }

  if (sub == "export") {
    const std::string& raw_id = args.options.at("id");
    if (!is_id(raw_id)) return error("not a workspace id: " + raw_id);
    const WorkspaceId id(raw_id);
    auto access = p.authz.access(*caller, id);
    if (!access) return error(access.error().message);
    http::Request req;
    req.method = "GET";
    req.request_id = caller->request_id;
    auto res = platform::export_response(p, req, *caller, *access);
    if (!res) return error(res.error().message);
    std::string out_path;
    int fd = STDOUT_FILENO;
    if (auto o = args.options.find("out"); o != args.options.end()) {
      out_path = o->second;
      // A new file only, readable by its owner: the archive holds everything.
      fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) return error("cannot create " + out_path + ": " + std::strerror(errno));
    }
    FdBodyWriter writer(fd);
    Result<void> written = res->stream(writer);
    if (written && !out_path.empty() && ::fsync(fd) != 0)
      written = fail(Errc::unavailable, std::string("cannot write the archive: ") + std::strerror(errno));
    if (!out_path.empty()) ::close(fd);
    if (!written) {
      if (!out_path.empty()) ::unlink(out_path.c_str());
      return error(written.error().message);
    }
    std::fprintf(stderr, "exported %s: %llu bytes%s%s\n", id.str().c_str(),
                 static_cast<unsigned long long>(writer.bytes()), out_path.empty() ? "" : " to ", out_path.c_str());
    return 0;
  }

  // import: as through the API, an instance administrator's.
  if (!caller->is_admin()) return error("only an instance administrator imports a workspace; " + caller->email + " is not");
  int fd = STDIN_FILENO;
  if (auto i = args.options.find("in"); i != args.options.end()) {
    fd = ::open(i->second.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error("cannot open " + i->second + ": " + std::strerror(errno));
  } else if (::isatty(STDIN_FILENO)) {
    return usage_error("workspace import reads an archive: give --in FILE or redirect standard input");
  }
  FdBodyReader reader(fd);
  http::Request req;
  req.method = "POST";
  req.request_id = caller->request_id;
  req.body_reader = &reader;
  if (auto n = args.options.find("name"); n != args.options.end()) req.query = "name=" + http::percent_encode(n->second);
  if (args.flags.count("create-accounts")) req.query += std::string(req.query.empty() ? "" : "&") + "accounts=create";
  auto res = platform::import_response(p, req, *caller);
  if (fd != STDIN_FILENO) ::close(fd);
  if (!res) return error(res.error().message);
  std::printf("%s\n", res->body.c_str());
  return 0;
}

}  // namespace

// `ruche audit export`: the log's entries after --after, oldest first, as
// JSON Lines with their chain's links, a page of the database at a time.
int audit_export(const Args& args, const app::Config& config) {
  platform::AuditQuery q;
  q.oldest_first = true;
  q.limit = platform::kMaxAuditPage;
  q.after = 0;
  if (auto a = args.options.find("after"); a != args.options.end()) {
    char* end = nullptr;
    const long long after = std::strtoll(a->second.c_str(), &end, 10);
    if (a->second.empty() || *end != '\0' || after < 0)
      return usage_error("--after takes an entry's number");
    q.after = after;
  }
  std::FILE* out = stdout;
  std::string path;
  if (auto o = args.options.find("out"); o != args.options.end()) {
    path = o->second;
    out = std::fopen(path.c_str(), "wbx");  // never over an earlier export
    if (!out) return error("cannot create " + path + ": " + std::strerror(errno));
  }
  auto database = app::open_database(config);
  if (!database) return error(database.error().message);
  std::int64_t entries = 0;
  for (;;) {
    auto page = (*database)->read([&](db::Conn& c) { return platform::read_audit(c, q); });
    if (!page) return error(page.error().message);
    for (const auto& r : *page) {
      const std::string line = json::serialize(platform::to_json(r, true)) + "\n";
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size())
        return error("write failed");
    }
    entries += static_cast<std::int64_t>(page->size());
    if (!page->empty()) q.after = page->back().seq;
    if (page->size() < static_cast<std::size_t>(q.limit)) break;
  }
  if (std::fflush(out) != 0 ||
      (out != stdout && (::fsync(::fileno(out)) != 0 || std::fclose(out) != 0)))
    return error("write failed");
  // The number to give --after next time.
  std::fprintf(stderr, "%lld entries exported, the last %lld\n", static_cast<long long>(entries),
               static_cast<long long>(*q.after));
  return 0;
}

// `ruche audit verify --file`: an export's entries checked link by link,
// from its first (whose predecessor is the previous export's last).
int audit_verify_file(const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return error("cannot read " + path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::optional<platform::AuditChain> chain;
  std::int64_t first = 0, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    auto v = json::parse(line);
    std::int64_t at_ms = 0;
    const json::object* o = v && v->is_object() ? &v->as_object() : nullptr;
    auto text = [&](const char* key) -> std::string {
      const json::value* f = o ? o->if_contains(key) : nullptr;
      return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    const json::value* seq = o ? o->if_contains("seq") : nullptr;
    const json::value* details = o ? o->if_contains("details") : nullptr;
    if (!seq || !seq->is_int64() || !details || !details->is_object() ||
        !parse_iso8601(text("at"), at_ms))
      return error("line " + std::to_string(line_number) + " is not an exported audit entry");
    platform::AuditEntry e;
    e.actor_id = text("actor_id");
    e.action = text("action");
    e.outcome = text("outcome");
    e.workspace_id = text("workspace_id");
    e.object = text("object");
    e.remote_addr = text("remote_addr");
    e.request_id = text("request_id");
    if (!chain) {
      first = seq->as_int64();
      chain.emplace(first, text("prev_hash"));
    }
    if (!chain->next(seq->as_int64(), at_ms, e, json::serialize(*details), text("prev_hash"),
                     text("hash"))) {
      const auto& b = chain->verification();
      std::printf("audit export BROKEN at entry %lld: %s (%lld intact entries before it)\n",
                  static_cast<long long>(*b.first_broken_seq), b.problem.c_str(),
                  static_cast<long long>(b.entries));
      return 1;
    }
  }
  if (!chain) return error("no entry in " + path);
  std::printf("audit export intact: entries %lld to %lld\n", static_cast<long long>(first),
              static_cast<long long>(first + chain->verification().entries - 1));
  return 0;
}

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
  if (cmd == "workspace") return workspace_command(args, std::move(*config));
  if (cmd == "backup") {
    auto to = args.options.find("to");
    if (to == args.options.end()) return usage_error("backup needs --to FOLDER");
    log::set_level(log::Level::warn);
    auto r = app::backup(*config, to->second, args.flags.count("deep") > 0);
    if (!r) return error(r.error().message);
    const bool deep = args.flags.count("deep") > 0;
    std::printf(
        "backed up to %s: database %llu bytes, %llu chunk files (%llu copied, %llu MiB; %llu "
        "removed), "
        "%llu workspace keys checked%s; instance key %s\n",
        to->second.c_str(), static_cast<unsigned long long>(r->database_bytes),
        static_cast<unsigned long long>(r->chunks),
        static_cast<unsigned long long>(r->chunks_copied),
        static_cast<unsigned long long>(r->bytes_copied >> 20),
        static_cast<unsigned long long>(r->chunks_removed),
        static_cast<unsigned long long>(r->keys),
        deep ? (", every chunk opened (" + std::to_string(r->bytes_opened >> 20) + " MiB)").c_str()
             : "",
        r->key_in_backup
            ? "in the backup (instance.key): keep the backup as secret as the data folder"
            : "from the configuration: NOT in the backup, keep it apart");
    return 0;
  }
  if (cmd == "restore") {
    auto from = args.options.find("from");
    if (from == args.options.end()) return usage_error("restore needs --from FOLDER");
    log::set_level(log::Level::warn);
    auto r = app::restore(from->second, *config, args.flags.count("deep") > 0);
    if (!r) return error(r.error().message);
    const bool deep = args.flags.count("deep") > 0;
    std::printf(
        "restored %s into %s: database %llu bytes, %llu chunk files (%llu MiB); every referenced "
        "chunk "
        "present%s, %llu workspace keys open, audit log intact (%lld entries)\n",
        from->second.c_str(), config->data_dir.c_str(),
        static_cast<unsigned long long>(r->database_bytes),
        static_cast<unsigned long long>(r->chunks), static_cast<unsigned long long>(r->bytes >> 20),
        deep ? (" and opened (" + std::to_string(r->bytes_opened >> 20) + " MiB)").c_str() : "",
        static_cast<unsigned long long>(r->keys), static_cast<long long>(r->audit_entries));
    return 0;
  }
  if (cmd == "audit") {
    if (args.words.size() < 2 || (args.words[1] != "verify" && args.words[1] != "export"))
      return usage_error("audit verify or audit export");
    if (args.words[1] == "export") return audit_export(args, *config);
    if (auto file = args.options.find("file"); file != args.options.end())
      return audit_verify_file(file->second);
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
