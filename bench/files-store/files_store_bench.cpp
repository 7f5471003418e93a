// bench/files-store: what an armoured workspace's files cost the server
// (docs/armoured.md, "Files"). The same small uploads through the files
// service, into a plain workspace and into an armoured one, alternating:
// there each upload carries a name record and a content record, sealed and
// signed beforehand as a browser does, which the server checks (their
// form, the author's two Ed25519 signatures, the key generation and "did a
// holder leave") and stores with the entry. The bytes are as large either
// way (a sealed file is 41 bytes longer: random bytes stand for both).
//
//   files_store_bench DATA_DIR [UPLOADERS] [UPLOADS_PER_UPLOADER] [ROUNDS]
//
// Prints Markdown rows; asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "bench/common/bench_support.hpp"
#include "modules/files/service.hpp"

using namespace ruche;

namespace {

constexpr std::size_t kFileBytes = 4096;

struct Upload {
  std::string path, bytes;
  files::PutOptions opt;
};

struct Round {
  double per_second = 0, cpu_us = 0, writer_us = 0;
  int failures = 0;
};

// `uploads[t]` by thread t, all at once; CPU per upload.
Round run(files::Service& service, const WorkspaceId& ws, const platform::Caller& caller,
          std::vector<std::vector<Upload>>& uploads) {
  std::atomic<int> failures{0};
  const bench::CpuUs cpu0 = bench::cpu_now();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& mine : uploads) {
    threads.emplace_back([&] {
      const files::WriteCtx ctx{caller.user_id.str(), {}, "127.0.0.1", "bench"};
      for (auto& u : mine) {
        bool given = false;
        files::Source body = [&](char* buf, std::size_t n) -> Result<std::size_t> {
          if (given) return std::size_t{0};
          given = true;
          n = std::min(n, u.bytes.size());
          std::copy_n(u.bytes.data(), n, buf);
          return n;
        };
        auto r = service.put(ws, ctx, u.path, body, u.opt);
        if (!r && failures.fetch_add(1) == 0) std::fprintf(stderr, "%s: %s\n", u.path.c_str(), r.error().message.c_str());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bench::CpuUs cpu1 = bench::cpu_now();
  double n = 0;
  for (const auto& mine : uploads) n += static_cast<double>(mine.size());
  return {n / secs, (cpu1.process - cpu0.process) / n, (cpu1.writer - cpu0.writer) / n, failures.load()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: files_store_bench DATA_DIR [UPLOADERS] [UPLOADS_PER_UPLOADER] [ROUNDS]\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  const int uploaders = argc > 2 ? std::atoi(argv[2]) : 16;
  const int per_uploader = argc > 3 ? std::atoi(argv[3]) : 500;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 3;
  auto bi = bench::open_instance(argv[1], uploaders + 4);
  if (!bi) return 1;
  auto& p = bi->platform();
  const platform::Caller& caller = bi->caller;
  files::Settings settings;
  settings.maintenance_every_ms = 0;
  auto service = files::Service::create(p, settings);
  auto plain = p.workspaces.create(caller, "Plain bench", "", {"files"}, false);
  auto armoured = bench::armoured_workspace(p, caller, {"files"});
  if (!service || !plain || !armoured) {
    std::fprintf(stderr, "setting up failed\n");
    return 1;
  }

  // Every round's uploads made beforehand: new files, new bytes (no
  // deduplication), and in the armoured workspace a token and both records.
  auto make = [&](bool sealed, int round) {
    std::vector<std::vector<Upload>> out(static_cast<std::size_t>(uploaders));
    for (int t = 0; t < uploaders; ++t) {
      for (int i = 0; i < per_uploader; ++i) {
        Upload u;
        const std::string label = std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(i);
        if (!sealed) {
          u.path = "/f" + label + ".bin";
          u.bytes = bench::random_string(kFileBytes);
        } else {
          const std::string token = crypto::base64url_encode(bench::random_string(16));
          const std::string bound = armoured->ws.str() + "\n" + token + "\n";
          u.path = "/" + token;
          u.bytes = bench::random_string(kFileBytes + 24 + 17);
          u.opt.sealed.name = armoured->seal("ruche-files-name", bound + armoured->user_id, "fichier " + label + ".txt");
          u.opt.sealed.content = armoured->seal(
              "ruche-files-content", bound + "1\n" + armoured->user_id,
              "{\"key\":\"" + crypto::base64url_encode(bench::random_string(32)) + "\",\"size\":" +
                  std::to_string(kFileBytes) + ",\"type\":\"text/plain\"}");
        }
        u.opt.expected_bytes = u.bytes.size();
        out[static_cast<std::size_t>(t)].push_back(std::move(u));
      }
    }
    return out;
  };

  std::printf("| round | workspace | uploads/s | CPU per upload | writer thread per upload | failures |\n");
  std::printf("| ---: | --- | ---: | ---: | ---: | ---: |\n");
  std::vector<double> plain_us, sealed_us, plain_rate, sealed_rate;
  for (int round = 1; round <= rounds; ++round) {
    for (bool sealed : {false, true}) {
      auto uploads = make(sealed, round);
      Round r = run(**service, sealed ? armoured->ws : plain->id, caller, uploads);
      std::printf("| %d | %s | %.0f | %.1f us | %.1f us | %d |\n", round, sealed ? "armoured" : "plain", r.per_second,
                  r.cpu_us, r.writer_us, r.failures);
      (sealed ? sealed_us : plain_us).push_back(r.cpu_us);
      (sealed ? sealed_rate : plain_rate).push_back(r.per_second);
    }
  }
  std::printf("\n| medians, %d uploaders x %d new %zu-byte files | plain | armoured | armoured / plain |\n", uploaders,
              per_uploader, kFileBytes);
  std::printf("| --- | ---: | ---: | ---: |\n");
  std::printf("| uploads/s | %.0f | %.0f | %.2f |\n", bench::median(plain_rate),
              bench::median(sealed_rate), bench::median(sealed_rate) / bench::median(plain_rate));
  std::printf("| CPU per upload | %.1f us | %.1f us | **%.2f** |\n", bench::median(plain_us),
              bench::median(sealed_us), bench::median(sealed_us) / bench::median(plain_us));
  return 0;
}
