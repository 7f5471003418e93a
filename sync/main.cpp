// ruche-sync: the desktop sync client (API.md, "Commands"; docs/sync.md).
//
//   ruche-sync [--state DIR] login URL --email E [--code TOTP] [--ca-file PEM] [--allow-http]
//   ruche-sync [--state DIR] add WORKSPACE_ID LOCAL_DIR
//   ruche-sync [--state DIR] remove WORKSPACE_ID
//   ruche-sync [--state DIR] once [--allow-delete-all] [--transfers N]
//   ruche-sync [--state DIR] run [--interval SECONDS] [--transfers N] [--no-push]
//   ruche-sync [--state DIR] status
//   ruche-sync [--state DIR] logout
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "sync/engine.hpp"
#include "sync/live.hpp"
#include "sync/local_tree.hpp"
#include "sync/remote.hpp"
#include "sync/state.hpp"
#include "sync/watcher.hpp"

namespace rs = ruche::sync;
using ruche::Errc;
using ruche::Result;

namespace {

std::atomic<bool> g_stop{false};
int g_wake[2] = {-1, -1};

void on_signal(int) {
  g_stop = true;
  if (g_wake[1] >= 0) {
    char c = 1;
    [[maybe_unused]] auto n = ::write(g_wake[1], &c, 1);
  }
}

constexpr const char* kUsage =
    "usage: ruche-sync [--state DIR] [-q] COMMAND ...\n"
    "  login URL --email E [--code TOTP] [--ca-file PEM] [--allow-http]\n"
    "                         the password is read from standard input (one line);\n"
    "                         an app token is stored, never the password\n"
    "  add WORKSPACE_ID LOCAL_DIR   sync a workspace's files with a local folder\n"
    "  remove WORKSPACE_ID          stop syncing it (no file is deleted)\n"
    "  once [--allow-delete-all] [--transfers N]\n"
    "                               one full pass both ways; exit 0 when converged\n"
    "  run [--interval SECONDS] [--transfers N] [--no-push]\n"
    "                               keep syncing until SIGTERM; the server's changes\n"
    "                               are heard live, else checked every --interval\n"
    "  status                       what is synced, and how the last pass went\n"
    "  logout                       revoke the app token and forget it\n"
    "DIR defaults to $XDG_CONFIG_HOME/ruche-sync (~/.config/ruche-sync).\n";

int usage(const std::string& why = {}) {
  if (!why.empty()) std::cerr << "ruche-sync: " << why << "\n";
  std::cerr << kUsage;
  return 2;
}

int failed(const ruche::Error& e, std::string_view context = {}) {
  std::cerr << "ruche-sync: " << context << (context.empty() ? "" : ": ") << e.message << "\n";
  return 1;
}

std::string device_name() {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "ruche-sync";
  std::string out;
  for (char c : std::string(host))
    if (c != '/' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  return out.empty() ? "ruche-sync" : out.substr(0, 64);
}

std::string read_password() {
  std::string line;
  bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The first `max` problems, then how many more.
void print_problems(std::ostream& out, std::string_view kind, const std::vector<rs::Problem>& ps,
                    std::size_t max, std::string_view where_the_rest_are) {
  for (std::size_t i = 0; i < ps.size() && i < max; ++i)
    out << "  " << kind << ": " << ps[i].path << ": " << ps[i].message << "\n";
  if (ps.size() > max)
    out << "  ... and " << ps.size() - max << " more (" << where_the_rest_are << ")\n";
}

std::unique_ptr<rs::Remote> remote_for(const rs::Account& a) {
  rs::Remote::Options o;
  o.ca_file = a.ca_file;
  o.stop = &g_stop;
  return std::make_unique<rs::Remote>(a.url, a.token, o);
}

Result<rs::Account> need_account(const rs::StateDir& state) {
  RUCHE_TRY(auto a, state.account());
  if (!a)
    return ruche::fail(Errc::unauthenticated,
                       "not logged in: run `ruche-sync login URL --email E` first");
  return *a;
}

// The absolute form of `dir`, created if missing.
Result<std::string> absolute_dir(const std::string& dir) {
  std::string path = dir;
  if (path.empty()) return ruche::fail(Errc::invalid, "the local folder's path is empty");
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    std::string part = path.substr(0, i);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      return ruche::fail(Errc::unavailable, "cannot create " + part + ": " + std::strerror(errno));
  }
  char real[PATH_MAX];
  if (::realpath(path.c_str(), real) == nullptr)
    return ruche::fail(Errc::unavailable, "cannot resolve " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
    return ruche::fail(Errc::invalid, dir + " is not a folder");
  return std::string(real);
}

// ---- login / logout ---------------------------------------------------------

int cmd_login(rs::StateDir& state, const std::vector<std::string>& args) {
  std::string url, email, ca_file;
  std::optional<std::string> code;
  bool allow_http = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (a == "--email") {
      auto v = value();
      if (!v) return usage("--email needs a value");
      email = *v;
    } else if (a == "--code") {
      code = value();
      if (!code) return usage("--code needs a value");
    } else if (a == "--ca-file") {
      auto v = value();
      if (!v) return usage("--ca-file needs a value");
      ca_file = *v;
    } else if (a == "--allow-http") {
      allow_http = true;
    } else if (url.empty() && !a.starts_with("-")) {
      url = a;
    } else {
      return usage("unexpected argument " + a);
    }
  }
  if (url.empty() || email.empty()) return usage("login needs URL and --email");
  auto normalized = rs::normalize_server_url(url, allow_http);
  if (!normalized) return failed(normalized.error());
  if (auto l = state.lock(); !l) return failed(l.error());
  auto previous = state.account();
  if (!previous) return failed(previous.error());
  auto folders = state.folders();
  if (!folders) return failed(folders.error());
  if (*previous && (*previous)->url != *normalized && !folders->empty())
    return failed(ruche::make_error(Errc::conflict,
                                    "this state folder syncs folders with " + (*previous)->url +
                                        ": use another --state for " + *normalized));
  std::string password = read_password();
  if (password.empty())
    return failed(ruche::make_error(Errc::invalid, "no password on standard input"));

  rs::Account account{*normalized, email, {}, {}, {}, ca_file};
  auto remote = remote_for(account);
  auto session = remote->login(email, password, code);
  std::fill(password.begin(), password.end(), '\0');
  if (!session) {
    if (session.error().reason == "mfa_required")
      return failed(ruche::make_error(
          Errc::unauthenticated,
          "this account has two-step verification: add --code with the current code"));
    return failed(session.error(), "login");
  }
  remote->set_token(*session);
  auto app = remote->create_app_token("ruche-sync on " + device_name());
  if (!app) return failed(app.error(), "creating the app token");
  (void)remote->logout();  // the session was only needed for that
  remote->set_token(app->token);
  auto me = remote->me();
  if (!me) return failed(me.error(), "checking the app token");
  account.token = app->token;
  account.token_id = app->id;
  if (auto* id = me->if_contains("id"); id && id->is_string())
    account.user_id = std::string(id->get_string());
  if (*previous && (*previous)->url == account.url) {
    // The token it replaces goes.
    (void)remote->revoke_session((*previous)->token_id);
  }
  if (auto s = state.save_account(account); !s) return failed(s.error());
  std::cout << "logged in to " << account.url << " as " << email << " (app token \"ruche-sync on "
            << device_name() << "\")\n";
  return 0;
}

int cmd_logout(rs::StateDir& state) {
  if (auto l = state.lock(); !l) return failed(l.error());
  auto a = state.account();
  if (!a) return failed(a.error());
  if (!*a) {
    std::cout << "not logged in\n";
    return 0;
  }
  auto remote = remote_for(**a);
  auto r = remote->revoke_session((*a)->token_id);
  if (!r && r.error().code != Errc::unauthenticated && r.error().code != Errc::not_found)
    std::cerr << "ruche-sync: the server did not revoke the app token (" << r.error().message
              << "); it is forgotten here anyway\n";
  if (auto f = state.forget_account(); !f) return failed(f.error());
  std::cout << "logged out\n";
  return 0;
}

// ---- add / remove -----------------------------------------------------------

int cmd_add(rs::StateDir& state, const std::vector<std::string>& args) {
  if (args.size() != 2) return usage("add needs WORKSPACE_ID LOCAL_DIR");
  if (auto l = state.lock(); !l) return failed(l.error());
  auto account = need_account(state);
  if (!account) return failed(account.error());
  auto remote = remote_for(*account);
  auto ws = remote->workspace(args[0]);
  if (!ws) {
    if (ws.error().code == Errc::not_found)
      return failed(ruche::make_error(Errc::not_found, "no workspace " + args[0] + " among yours"));
    return failed(ws.error());
  }
  if (ws->armoured)
    return failed(ruche::make_error(Errc::invalid,
                                    "\"" + ws->name +
                                        "\" is armoured (end-to-end encrypted): ruche-sync cannot "
                                        "sync it yet; use the web client"));
  if (ws->files_right == "none")
    return failed(ruche::make_error(Errc::forbidden,
                                    "\"" + ws->name + "\" has no files module you can open"));
  auto dir = absolute_dir(args[1]);
  if (!dir) return failed(dir.error());
  auto folders = state.folders();
  if (!folders) return failed(folders.error());
  for (const auto& f : *folders) {
    if (f.workspace_id == ws->id)
      return failed(ruche::make_error(
          Errc::conflict, "\"" + ws->name + "\" is already synced with " + f.local_dir));
    if (rs::within(*dir, f.local_dir) || rs::within(f.local_dir, *dir))
      return failed(ruche::make_error(Errc::conflict,
                                      *dir + " overlaps " + f.local_dir + ", already synced"));
  }
  if (rs::within(state.path(), *dir))
    return failed(
        ruche::make_error(Errc::conflict, *dir + " holds the state folder " + state.path()));
  folders->push_back({ws->id, ws->name, *dir});
  if (auto s = state.save_folders(*folders); !s) return failed(s.error());
  if (auto j = state.forget_journal(ws->id); !j) return failed(j.error());
  std::cout << "added: \"" << ws->name << "\" <-> " << *dir
            << (ws->files_right == "read"
                    ? " (read only: server changes come down, local ones stay here)"
                    : "")
            << "\n";
  return 0;
}

int cmd_remove(rs::StateDir& state, const std::vector<std::string>& args) {
  if (args.size() != 1) return usage("remove needs WORKSPACE_ID");
  if (auto l = state.lock(); !l) return failed(l.error());
  auto folders = state.folders();
  if (!folders) return failed(folders.error());
  auto it = std::find_if(folders->begin(), folders->end(), [&](const rs::FolderPair& f) {
    return f.workspace_id == args[0] || f.local_dir == args[0];
  });
  if (it == folders->end())
    return failed(ruche::make_error(Errc::not_found, args[0] + " is not synced"));
  std::string ws = it->workspace_id, dir = it->local_dir;
  folders->erase(it);
  if (auto s = state.save_folders(*folders); !s) return failed(s.error());
  if (auto j = state.forget_journal(ws); !j) return failed(j.error());
  std::cout << "removed: " << ws << " (the files in " << dir << " stay)\n";
  return 0;
}

// ---- once / run -------------------------------------------------------------

int token_gone() {
  std::cerr << "ruche-sync: the app token no longer works: log in again\n";
  return 1;
}

struct Runner {
  rs::StateDir& state;
  rs::Account account;
  std::vector<rs::FolderPair> folders;
  std::unique_ptr<rs::Remote> remote;
  bool quiet = false;
  bool allow_delete_all = false;
  int transfers = 4;
  // The server's root ETag as each folder's last pass left it (run
  // compares it with the server's now and then, and passes if it moved):
  // the journal's after a complete pass. Otherwise the one that pass read
  // first: the journal keeps none, so that the next pass lists again what
  // this one left unsettled (a path kept while a link here is in its
  // place, say); but that next pass is due only once something changed
  // since, or run would pass at every check while nothing does.
  std::map<std::string, std::string> root_etags;
  // Called often during each pass (EngineOptions::tick): run serves its
  // live connection and reads its watches there.
  std::function<void()> during_pass;
  // By workspace, when keep_writes: what the passes of the last
  // sync_all() wrote in the local folder, and what they left there (run's
  // watcher tells them from the user's changes).
  bool keep_writes = false;
  std::map<std::string, rs::LocalWrites> writes;

  static std::string summary_line(const rs::PassSummary& s) {
    std::string out;
    auto add = [&](std::int64_t n, const char* what) {
      if (n == 0) return;
      if (!out.empty()) out += ", ";
      out += std::to_string(n) + " " + what;
    };
    add(s.uploaded, "up");
    add(s.downloaded, "down");
    add(s.deleted_local, "deleted here");
    add(s.deleted_remote, "deleted on the server");
    add(s.moved, "moved");
    add(s.conflicts, "conflicts");
    return out.empty() ? "nothing to do" : out;
  }

  // One pass over one pair; its journal saved. Errors: the pass could not
  // run (nothing changed), or the token no longer works.
  Result<rs::PassSummary> sync_one(const rs::FolderPair& pair) {
    RUCHE_TRY(auto ws, remote->workspace(pair.workspace_id));
    if (ws.armoured)
      return ruche::fail(Errc::invalid, "the workspace is now armoured: ruche-sync cannot sync it");
    if (ws.files_right == "none")
      return ruche::fail(Errc::forbidden, "the files module is off or closed to you");
    RUCHE_TRY(auto journal, state.journal(pair.workspace_id));
    auto last_save = std::chrono::steady_clock::now();
    rs::EngineOptions o;
    o.device = device_name();
    o.can_write = ws.files_right == "write";
    o.allow_delete_all = allow_delete_all;
    o.transfers = transfers;
    o.stop = &g_stop;
    o.tick = during_pass;
    if (!quiet)
      o.say = [&](std::string_view line) { std::cout << "  " << line << "\n" << std::flush; };
    o.checkpoint = [&] {
      auto now = std::chrono::steady_clock::now();
      if (now - last_save < std::chrono::seconds(2)) return;
      last_save = now;
      (void)state.save_journal(pair.workspace_id, journal);
    };
    rs::Engine engine(*remote, pair, journal, o);
    auto result = engine.pass();
    if (keep_writes) writes[pair.workspace_id].add(engine.local_writes(), journal);
    root_etags[pair.workspace_id] =
        journal.root_etag.empty() ? engine.root_etag_read() : journal.root_etag;
    RUCHE_CHECK(state.save_journal(pair.workspace_id, journal));
    return result;
  }

  // Passes until converged or no progress (at most 3). Returns whether every
  // pair converged; `fatal` when the token no longer works.
  bool sync_all(bool& fatal) {
    bool all = true;
    writes.clear();
    for (const auto& pair : folders) {
      if (g_stop) return false;
      bool ok = false;
      for (int attempt = 0; attempt < 3 && !g_stop; ++attempt) {
        auto s = sync_one(pair);
        if (!s) {
          std::cerr << "ruche-sync: \"" << pair.workspace_name << "\": " << s.error().message
                    << "\n";
          if (s.error().code == Errc::unauthenticated) {
            token_gone();
            fatal = true;
            return false;
          }
          break;
        }
        if (!quiet || !s->converged)
          std::cout << "\"" << pair.workspace_name << "\" <-> " << pair.local_dir << ": "
                    << summary_line(*s) << (s->converged ? "" : "; not converged") << "\n";
        print_problems(std::cerr, "error", s->errors, 20, "`ruche-sync status` lists them");
        if (s->converged) {
          ok = true;
          break;
        }
        if (summary_line(*s) == "nothing to do") break;  // no progress: retrying would not help
      }
      all = all && ok;
    }
    std::cout << std::flush;
    return all;
  }
};

Result<Runner> make_runner(rs::StateDir& state, bool quiet) {
  RUCHE_CHECK(state.lock());
  RUCHE_TRY(auto account, need_account(state));
  RUCHE_TRY(auto folders, state.folders());
  if (folders.empty())
    return ruche::fail(Errc::invalid, "nothing to sync: add a folder with `ruche-sync add`");
  Runner r{state, account, folders, remote_for(account), quiet};
  return r;
}

// The options of once and run. Errors: the usage message.
struct PassOptions {
  bool allow_delete_all = false;  // once
  int interval_s = 10;            // run
  bool push = true;               // run: the live events connection
  int transfers = 4;
};
Result<PassOptions> pass_options(const std::vector<std::string>& args, bool run) {
  PassOptions o;
  auto number = [&](std::size_t& i, int lo, int hi, int& out) {
    if (i + 1 >= args.size()) return false;
    out = std::atoi(args[++i].c_str());
    return out >= lo && out <= hi;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!run && args[i] == "--allow-delete-all") {
      o.allow_delete_all = true;
    } else if (args[i] == "--transfers") {
      if (!number(i, 1, 16, o.transfers))
        return ruche::fail(Errc::invalid, "--transfers takes 1 to 16");
    } else if (run && args[i] == "--interval") {
      if (!number(i, 1, 3600, o.interval_s))
        return ruche::fail(Errc::invalid, "--interval takes 1 to 3600 seconds");
    } else if (run && args[i] == "--no-push") {
      o.push = false;
    } else {
      return ruche::fail(Errc::invalid, "unexpected argument " + args[i]);
    }
  }
  return o;
}

int cmd_once(rs::StateDir& state, const std::vector<std::string>& args, bool quiet) {
  auto options = pass_options(args, false);
  if (!options) return usage(options.error().message);
  const bool allow_delete_all = options->allow_delete_all;
  const int transfers = options->transfers;
  auto runner = make_runner(state, quiet);
  if (!runner) return failed(runner.error());
  runner->allow_delete_all = allow_delete_all;
  runner->transfers = transfers;
  bool fatal = false;
  bool converged = runner->sync_all(fatal);
  return converged ? 0 : 1;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// How run waits (docs/sync.md, "run"): every pass is followed by a wait for
// a local change, a server change, a retry, or the periodic pass. A server
// change is heard on the live events connection when it is up (its hello
// received), else by checking each folder's root ETag every --interval;
// either way an ETag check decides whether a pass runs, so the events of
// a pass's own changes (whose ETags it recorded) start none. The live
// connection is also read during a pass (its pings answered, its events
// kept for the check that follows the pass), from the engine's tick: one
// thread, never two reads at once. A local change is heard by the
// Watcher, which reads its queue there too, and tells the pass's own
// writes from anyone else's once the pass ends (watcher.hpp).
int cmd_run(rs::StateDir& state, const std::vector<std::string>& args, bool quiet) {
  auto options = pass_options(args, true);
  if (!options) return usage(options.error().message);
  const std::int64_t interval_ms = options->interval_s * std::int64_t{1000};
  const bool push = options->push;
  const int transfers = options->transfers;
  auto runner = make_runner(state, quiet);
  if (!runner) return failed(runner.error());
  runner->transfers = transfers;
  runner->keep_writes = true;
  if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0)
    return failed(ruche::make_error(Errc::internal, "pipe"));
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  std::cout << "ruche-sync: syncing " << runner->folders.size() << " folder(s) with "
            << runner->account.url << " until stopped\n"
            << std::flush;

  constexpr std::int64_t kPeriodicPassMs = 5 * 60'000;  // a missed notification
  // Events come in bursts (a folder uploaded from the web): one check for
  // those of this long after the first.
  constexpr std::int64_t kEventSettleMs = 100;
  // A burst of local writes: a pass once it is this quiet, or this long
  // after its first write at most.
  constexpr std::int64_t kSettleQuietMs = 500, kSettleAtMostMs = 5'000;
  // During a pass, the live connection and the watches are read at most
  // this often: a read that finds nothing is one system call, the server
  // pings after 30 s of silence and closes after 60, and the kernel queues
  // 16384 events by default (a download is one or two).
  constexpr std::int64_t kServeDuringPassMs = 250;
  constexpr int kLiveRetryFirstS = 5, kLiveRetryMaxS = 300;
  // A connection that lasted this long starts the retries from the first
  // delay again; one that keeps dropping soon after its hello does not.
  constexpr std::int64_t kLiveHealthyMs = 60'000;

  std::set<std::string> synced;
  for (const auto& pair : runner->folders) synced.insert(pair.workspace_id);
  rs::Watcher watcher;
  rs::LiveEvents live({.stop = &g_stop});
  int backoff_s = 0;              // retrying failed passes
  std::int64_t last_pass_ms = 0;  // when the last pass ended
  std::int64_t next_poll_ms = 0;  // the root-ETag timer, while not live
  bool live_up = false;           // connected and its hello received
  std::int64_t live_up_ms = 0;    // since when
  int live_retry_s = 0;           // the delay before the next connection attempt
  std::int64_t live_connect_ms = 0;
  bool live_said_down = false;     // a failure to connect was reported
  std::set<std::string> to_check;  // workspaces whose root ETag to check
  std::int64_t check_at_ms = 0;    // when (once their events settled)
  bool check_all = false;
  bool due = true;
  bool heard_local = false;  // a local change heard during the last pass
  // When a failed pass is tried again, changes aside (5 s, doubling up to
  // 5 min): a change heard meanwhile, here or on the server, starts one
  // sooner, and while the server cannot be reached its root ETag (checked
  // every --interval without a live connection) cannot be read, which
  // starts one too: the server back is found within --interval.
  auto retry_ms = [&] { return last_pass_ms + backoff_s * std::int64_t{1000}; };
  // The connection failed (`connecting`) or dropped, between passes or
  // during one: polling until it is back. A drop is not reported (the
  // server restarted, a network went away); failing to connect is, once.
  auto live_lost = [&](const ruche::Error& e, std::int64_t now, bool connecting) {
    if (live_up && now - live_up_ms >= kLiveHealthyMs) live_retry_s = 0;
    live_up = false;
    live_retry_s =
        live_retry_s == 0 ? kLiveRetryFirstS : std::min(live_retry_s * 2, kLiveRetryMaxS);
    live_connect_ms = now + live_retry_s * std::int64_t{1000};
    next_poll_ms = std::min(next_poll_ms, now + interval_ms);
    if (connecting && !live_said_down) {
      std::cerr << "ruche-sync: no live connection to the server (" << e.message
                << "): checking for its changes every " << options->interval_s
                << " s until there is\n";
      live_said_down = true;
    }
  };

  // Reads what the live connection holds, without waiting (its pings
  // answered), and takes in what it says; between passes and during them
  // alike. A connection lost is not made again here: the loop does that.
  auto serve_live = [&](std::int64_t now) {
    std::vector<std::string> messages;
    auto r = live.read(now, messages);
    const rs::Heard heard = rs::hear(messages, synced);
    if (heard.hello) {
      // Connected: what changed while it was not is checked once.
      if (!quiet && !live_up)
        std::cout << "ruche-sync: hearing the server's changes live\n" << std::flush;
      if (!live_up) live_up_ms = now;
      live_up = true;
      live_said_down = false;
      check_all = true;
    }
    for (const auto& ws : heard.workspaces) {
      if (to_check.empty()) check_at_ms = now + kEventSettleMs;
      to_check.insert(ws);
    }
    if (!r) {
      // Credentials revoked (4001): the pass finds out and says so.
      if (live.server_close_code() == 4001) due = true;
      live_lost(r.error(), now, false);
    }
  };
  std::int64_t next_serve_ms = 0;
  runner->during_pass = [&] {
    const std::int64_t now = steady_ms();
    if (now < next_serve_ms) return;
    next_serve_ms = now + kServeDuringPassMs;
    watcher.collect();
    if (live.connected()) serve_live(now);
  };

  while (!g_stop) {
    if (due) {
      watcher.arm(runner->folders);
      // The pass takes what made it due; what is heard during it is
      // checked after it, as if heard then (the pass may have listed that
      // folder before the change).
      due = false;
      to_check.clear();
      check_all = false;
      bool fatal = false;
      bool ok = runner->sync_all(fatal);
      if (fatal) return 1;
      // Its own writes are not a local change; anything else heard is.
      heard_local = watcher.after_pass(runner->folders, runner->writes);
      last_pass_ms = steady_ms();
      next_poll_ms = last_pass_ms + interval_ms;
      backoff_s = ok ? 0 : std::min(backoff_s == 0 ? 5 : backoff_s * 2, 300);
      if (due) continue;  // the token revoked meanwhile (4001): the next pass says so
    }
    std::int64_t now = steady_ms();
    if (push && !live.connected() && now >= live_connect_ms) {
      auto c = live.connect(*runner->remote, now);
      if (g_stop) break;
      now = steady_ms();
      if (!c && c.error().code == Errc::unauthenticated) return token_gone();
      if (!c) live_lost(c.error(), now, true);
      // The server's greeting may have come with its answer to the
      // upgrade, read already: poll() would not say so until more came.
      if (c) serve_live(now);
    }

    // Wait: a local change (then a quiet moment), bytes on the live
    // connection, or the first of the timers.
    std::int64_t deadline = last_pass_ms + kPeriodicPassMs;
    if (backoff_s > 0) deadline = std::min(deadline, retry_ms());
    if (!live_up) deadline = std::min(deadline, next_poll_ms);
    if (check_all) deadline = now;  // a greeting heard during the pass
    if (!to_check.empty()) deadline = std::min(deadline, check_at_ms);
    if (push && !live.connected()) deadline = std::min(deadline, live_connect_ms);
    if (live.connected()) deadline = std::min(deadline, live.next_deadline_ms());
    if (heard_local) deadline = now;
    const int wait_ms = static_cast<int>(std::clamp<std::int64_t>(deadline - now, 0, 3'600'000));
    pollfd fds[3] = {{watcher.fd(), POLLIN, 0}, {g_wake[0], POLLIN, 0}, {live.fd(), POLLIN, 0}};
    int n = ::poll(fds, 3, wait_ms);
    if (g_stop) break;
    bool local = heard_local;
    heard_local = false;
    if (!local && n > 0 && (fds[0].revents & POLLIN)) {
      if (!watcher.drain()) continue;
      local = true;
    }
    if (local) {
      // Let a burst of writes settle (a copy of many files, an editor's
      // save): a quiet moment, within a bound of time. Not of wakeups: those
      // of a burst come at once, one after another, and the pass would
      // start in its middle (then another after it, and so on).
      const std::int64_t settle_until_ms = steady_ms() + kSettleAtMostMs;
      for (std::int64_t left_ms = kSettleAtMostMs; left_ms > 0 && !g_stop;
           left_ms = settle_until_ms - steady_ms()) {
        pollfd w{watcher.fd(), POLLIN, 0};
        if (::poll(&w, 1, static_cast<int>(std::min(kSettleQuietMs, left_ms))) <= 0) break;
        watcher.drain();
      }
      due = true;
      continue;
    }
    now = steady_ms();
    if (live.connected()) serve_live(now);
    if (due) continue;
    if (backoff_s > 0 && now >= retry_ms()) {
      due = true;
      continue;
    }
    if (now >= last_pass_ms + kPeriodicPassMs) {
      due = true;
      continue;
    }
    if (!live_up && now >= next_poll_ms) {
      check_all = true;
      next_poll_ms = now + interval_ms;
    }
    if (!check_all && (to_check.empty() || now < check_at_ms)) continue;
    for (const auto& pair : runner->folders) {
      if (!check_all && !to_check.count(pair.workspace_id)) continue;
      auto etag = runner->remote->root_etag(pair.workspace_id);
      if (!etag || *etag != runner->root_etags[pair.workspace_id]) {
        due = true;
        break;
      }
    }
    to_check.clear();
    check_all = false;
  }
  std::cout << "ruche-sync: stopped\n" << std::flush;
  return 0;
}

// ---- status -------------------------------------------------------------------

int cmd_status(rs::StateDir& state) {
  auto account = state.account();
  if (!account) return failed(account.error());
  if (!*account) {
    std::cout << "not logged in (state folder " << state.path() << ")\n";
    return 0;
  }
  std::cout << "server: " << (*account)->url << " as " << (*account)->email << "\n";
  std::cout << "state folder: " << state.path()
            << (state.locked_by_other() ? " (in use: a ruche-sync run is syncing)" : "") << "\n";
  auto folders = state.folders();
  if (!folders) return failed(folders.error());
  if (folders->empty()) std::cout << "no folder synced: `ruche-sync add WORKSPACE_ID LOCAL_DIR`\n";
  for (const auto& f : *folders) {
    std::cout << "\"" << f.workspace_name << "\" (" << f.workspace_id << ") <-> " << f.local_dir
              << "\n";
    auto j = state.journal(f.workspace_id);
    if (!j) {
      std::cout << "  journal: " << j.error().message << "\n";
      continue;
    }
    std::int64_t files = 0, dirs = 0, bytes = 0;
    for (const auto& [_, e] : j->entries) {
      if (e.folder) {
        ++dirs;
      } else {
        ++files;
        bytes += e.size;
      }
    }
    if (j->last.finished_at_ms == 0) {
      std::cout << "  never synced yet\n";
      continue;
    }
    std::cout << "  last pass: " << ruche::format_iso8601(j->last.finished_at_ms) << ", "
              << (j->last.converged ? "in sync" : "not in sync") << " ("
              << Runner::summary_line(j->last) << ")\n";
    std::cout << "  synced: " << files << " files (" << bytes << " bytes), " << dirs
              << " folders\n";
    print_problems(std::cout, "error", j->last.errors, 200, "the journal holds them all");
    print_problems(std::cout, "warning", j->last.warnings, 200, "the journal holds them all");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string state_path;
  bool quiet = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (args.empty() && a == "--state") {
      if (i + 1 >= argc) return usage("--state needs a folder");
      state_path = argv[++i];
    } else if (args.empty() && a.starts_with("--state=")) {
      state_path = a.substr(8);
    } else if (args.empty() && (a == "-q" || a == "--quiet")) {
      quiet = true;
    } else if (args.empty() && (a == "-h" || a == "--help")) {
      std::cout << kUsage;
      return 0;
    } else {
      args.push_back(std::move(a));
    }
  }
  if (args.empty()) return usage();
  ::signal(SIGPIPE, SIG_IGN);
  if (state_path.empty()) state_path = rs::StateDir::default_path();
  ::umask(022);
  auto state = rs::StateDir::open(state_path);
  if (!state) return failed(state.error());
  std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "login") return cmd_login(*state, rest);
  if (cmd == "logout") return rest.empty() ? cmd_logout(*state) : usage("logout takes no argument");
  if (cmd == "add") return cmd_add(*state, rest);
  if (cmd == "remove") return cmd_remove(*state, rest);
  if (cmd == "once") return cmd_once(*state, rest, quiet);
  if (cmd == "run") return cmd_run(*state, rest, quiet);
  if (cmd == "status") return rest.empty() ? cmd_status(*state) : usage("status takes no argument");
  return usage("unknown command " + cmd);
}
