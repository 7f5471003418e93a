// bench/files-locks: what a workspace's WebDAV locks cost the requests that
// read them. Each write checks the locks on its path, an If header reads
// those that cover it, a listing those on the folder's entries: read by
// path (store::locks, migration 0049), none of them should slow down with
// the locks held elsewhere in the workspace. The same calls through the
// files service in a workspace without locks and in one holding LOCKS (on
// files of another folder, taken with Service::lock), in rounds, alternating.
//
//   files_locks_bench DATA_DIR [LOCKS] [CALLS] [POSTGRES_DSN]
//
// Prints Markdown rows; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "bench/common/bench_support.hpp"
#include "modules/files/service.hpp"

using namespace ruche;

namespace {

constexpr std::size_t kFileBytes = 4096;
constexpr int kFolderEntries = 100;

files::Source bytes_of(const std::string& bytes) {
  return [&bytes, given = false](char* buf, std::size_t n) mutable -> Result<std::size_t> {
    if (given) return std::size_t{0};
    given = true;
    n = std::min(n, bytes.size());
    std::copy_n(bytes.data(), n, buf);
    return n;
  };
}

// Microseconds per call of `fn`, `calls` times; -1 on a failure.
template <class F>
double per_call(int calls, F&& fn) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i)
    if (!fn(i)) return -1;
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: files_locks_bench DATA_DIR [LOCKS] [CALLS] [POSTGRES_DSN]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  const int locks = argc > 2 ? std::atoi(argv[2]) : 9999;
  const int calls = argc > 3 ? std::atoi(argv[3]) : 2000;
  auto bi = bench::open_instance(argv[1], 4, argc > 4 ? argv[4] : "");
  if (!bi) return 1;
  auto& p = bi->platform();
  const platform::Caller& caller = bi->caller;
  files::Settings settings;
  settings.maintenance_every_ms = 0;
  auto service = files::Service::create(p, settings);
  auto quiet = p.workspaces.create(caller, "Quiet bench", "", {"files"}, false);
  auto busy = p.workspaces.create(caller, "Busy bench", "", {"files"}, false);
  if (!service || !quiet || !busy) {
    std::fprintf(stderr, "setting up failed\n");
    return 1;
  }
  files::Service& files = **service;
  const files::WriteCtx ctx{caller.user_id.str(), {}, "127.0.0.1", "bench"};
  const std::string content = bench::random_string(kFileBytes);
  // Both: a folder of kFolderEntries files; the busy one, `locks` locks on
  // files beside it.
  for (const WorkspaceId& ws : {quiet->id, busy->id}) {
    if (!files.mkcol(ws, ctx, "/dossier")) return 1;
    for (int i = 0; i < kFolderEntries; ++i) {
      auto put = files.put(ws, ctx, "/dossier/f-" + std::to_string(i), bytes_of(content), {});
      if (!put) {
        std::fprintf(stderr, "put: %s\n", put.error().message.c_str());
        return 1;
      }
    }
  }
  if (!files.mkcol(busy->id, ctx, "/ailleurs")) return 1;
  const auto taken = std::chrono::steady_clock::now();
  for (int i = 0; i < locks; ++i) {
    auto l = files.lock(busy->id, ctx, "/ailleurs/f-" + std::to_string(i), dav::LockRequest{}, false,
                        3600);
    if (!l) {
      std::fprintf(stderr, "lock %d: %s\n", i, l.error().message.c_str());
      return 1;
    }
  }
  const double lock_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - taken).count() /
      std::max(locks, 1);
  // As autovacuum would by now: the planner knows the tables' sizes.
  if (p.db.backend() == db::Backend::postgres)
    (void)p.db.write([](db::Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("ANALYZE", {}));
      return {};
    });

  struct Row {
    const char* what;
    std::vector<double> quiet, busy;
  };
  std::vector<Row> rows{{"PUT of a 4 KiB file (its path's locks checked)", {}, {}},
                        {"an If header's state (the locks covering a file)", {}, {}},
                        {"a listing's locks (the folder's entries)", {}, {}}};
  std::printf("| round | call | no lock | %d locks elsewhere |\n| ---: | --- | ---: | ---: |\n",
              locks);
  for (int round = 1; round <= 3; ++round) {
    for (auto& row : rows) {
      for (bool is_busy : {false, true}) {
        const WorkspaceId& ws = is_busy ? busy->id : quiet->id;
        double us = 0;
        if (&row == &rows[0]) {
          us = per_call(calls / 4, [&](int i) {
            return files
                .put(ws, ctx, "/dossier/f-" + std::to_string(i % kFolderEntries), bytes_of(content),
                     {})
                .has_value();
          });
        } else if (&row == &rows[1]) {
          us = per_call(calls, [&](int i) {
            return files.state(ws, "/dossier/f-" + std::to_string(i % kFolderEntries)).has_value();
          });
        } else {
          us = per_call(calls, [&](int) {
            return files.locks(ws, "/dossier", files::store::Beneath::children).has_value();
          });
        }
        (is_busy ? row.busy : row.quiet).push_back(us);
      }
      std::printf("| %d | %s | %.1f us | %.1f us |\n", round, row.what, row.quiet.back(),
                  row.busy.back());
    }
  }
  std::printf(
      "\n| medians (%s) | no lock | %d locks elsewhere | ratio |\n| --- | ---: | ---: | ---: |\n",
      p.db.backend() == db::Backend::postgres ? "PostgreSQL" : "SQLite", locks);
  for (const auto& row : rows)
    std::printf("| %s | %.1f us | %.1f us | **%.2f** |\n", row.what, bench::median(row.quiet),
                bench::median(row.busy), bench::median(row.busy) / bench::median(row.quiet));
  std::printf("| LOCK, each of the %d taken | | %.1f us | |\n", locks, lock_us);
  return 0;
}
