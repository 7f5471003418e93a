// What the in-process store benches share (bench/chat-store,
// bench/files-store): an instance on a data directory with a bench account,
// CPU time read from the kernel, and an armoured workspace set up as a
// browser would (an identity, key generation 1 sealed for it), so that the
// benches seal their texts beforehand and measure only the server's work.
// Header-only; benches print Markdown rows and assert nothing.
#pragma once

#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/sign.hpp"
#include "platform/platform.hpp"
#include "platform/sealed_text.hpp"

namespace ruche::bench {

inline const unsigned char* u8(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

inline std::string random_string(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

// The middle value of a run's rounds (the upper one of an even count); 0 for none.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// CPU time, in microseconds, of the whole process and of the database's
// writer thread (Linux: /proc/self/task/*/comm and schedstat; 0 when not
// found). Per operation, they compare builds on a machine whose other load
// makes throughput noisy.
struct CpuUs {
  double process = 0;
  double writer = 0;
};

inline CpuUs cpu_now() {
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

// An instance on `data_dir` with `workers` worker threads, no request rate
// limit, and its bench account (made, or found) signed in as `caller`; null
// (after a message on stderr) when it cannot start.
struct BenchInstance {
  std::unique_ptr<app::Instance> instance;
  platform::Caller caller;
  platform::Platform& platform() { return instance->platform(); }
};

// With `postgres_dsn`, its database is PostgreSQL there.
inline std::optional<BenchInstance> open_instance(const std::string& data_dir, int workers,
                                                  const std::string& postgres_dsn = {}) {
  app::Config c;
  c.data_dir = data_dir;
  if (!postgres_dsn.empty()) {
    c.database = "postgres";
    c.postgres_dsn = postgres_dsn;
  }
  c.port = 0;
  c.access_log = false;
  c.workers = workers;
  c.password_memory_kib = 19456;
  c.password_iterations = 2;
  c.password_parallelism = 1;
  c.writes_per_second = 1e9;
  c.write_burst = 1e9;
  if (auto r = app::finish(c, "/proc/self/exe"); !r) return std::nullopt;
  auto inst = app::Instance::create(c);
  if (!inst) {
    std::fprintf(stderr, "%s\n", inst.error().message.c_str());
    return std::nullopt;
  }
  auto& p = (*inst)->platform();
  // On a database a bench run filled before (a second pass over the same
  // PostgreSQL), its account is there already.
  auto found = p.accounts.find_by_email("bench@example.org");
  auto user = found && *found ? Result<platform::User>(**found)
                              : p.accounts.create("bench@example.org", "Bench", "Bourdon-Velours-2026",
                                                  platform::InstanceRole::member);
  if (!user) {
    std::fprintf(stderr, "%s\n", user.error().message.c_str());
    return std::nullopt;
  }
  BenchInstance out{std::move(*inst), {}};
  out.caller.user_id = user->id;
  out.caller.email = user->email;
  out.caller.name = user->name;
  return out;
}

// An armoured workspace of `caller` with `modules`, the caller's identity
// and key generation 1 sealed for them: what their browser would hold to
// seal texts (docs/armoured.md).
struct Armoured {
  WorkspaceId ws;
  std::string key;      // generation 1's workspace key
  std::string box_pk;   // the caller's X25519 public key
  std::string sign_sk;  // the caller's Ed25519 secret key
  std::string user_id;

  // Generation 1 of `key` sealed for the caller and signed by them: the
  // workspace's key, or channel `channel`'s own.
  platform::ArmourEnvelope envelope(const std::string& channel, const std::string& k) const {
    std::string sealed(80, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), u8(k), k.size(), u8(box_pk));
    platform::ArmourEnvelope env;
    env.user_id = user_id;
    env.generation = 1;
    env.sealed = crypto::base64url_encode(sealed);
    env.signature = crypto::base64url_encode(
        crypto::ed25519_sign(sign_sk, platform::envelope_signed_text(ws.str(), channel, 1, user_id, env.sealed)));
    return env;
  }

  // A sealed text of version 1: ad = `domain` "-v1\n" `binding` "\n" k,
  // signed by the caller; k is "1" (the workspace's key) or, with a
  // channel's `own_key`, "c1".
  std::string seal(std::string_view domain, const std::string& binding, const std::string& text,
                   const std::string* own_key = nullptr) const {
    const std::string ref = own_key ? "c1" : "1";
    std::string ad = std::string(domain) + "-v1\n" + binding + "\n" + ref;
    std::string nonce = random_string(24), ct(text.size() + 16, '\0');
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(ct.data()), nullptr, u8(text),
                                               text.size(), u8(ad), ad.size(), nullptr, u8(nonce),
                                               u8(own_key ? *own_key : key));
    std::string n64 = crypto::base64url_encode(nonce), c64 = crypto::base64url_encode(ct);
    std::string sig = crypto::ed25519_sign(sign_sk, ad + "\n" + n64 + "\n" + c64);
    return "e2e1:" + ref + ":" + n64 + ":" + c64 + ":" + crypto::base64url_encode(sig);
  }
};

inline std::optional<Armoured> armoured_workspace(platform::Platform& p, const platform::Caller& caller,
                                                  std::vector<std::string> modules) {
  if (sodium_init() < 0) return std::nullopt;
  std::string box_pk(32, '\0'), box_sk(32, '\0'), sign_pk(32, '\0'), sign_sk(64, '\0');
  crypto_box_keypair(reinterpret_cast<unsigned char*>(box_pk.data()), reinterpret_cast<unsigned char*>(box_sk.data()));
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(sign_pk.data()),
                      reinterpret_cast<unsigned char*>(sign_sk.data()));
  auto ws = p.workspaces.create(caller, "Armoured bench", "", std::move(modules), true);
  if (!ws) return std::nullopt;
  platform::NewIdentity id{crypto::base64url_encode(box_pk), crypto::base64url_encode(sign_pk),
                           "id1:2:67108864:" + crypto::base64url_encode(random_string(16)) + ":" +
                               crypto::base64url_encode(random_string(24)) + ":" +
                               crypto::base64url_encode(random_string(112)),
                           /*replace=*/true};  // a bench may make several
  if (auto r = p.armour.set_identity(caller, id); !r) {
    std::fprintf(stderr, "armour identity: %s\n", r.error().message.c_str());
    return std::nullopt;
  }
  Armoured a{ws->id, random_string(32), box_pk, sign_sk, caller.user_id.str()};
  if (auto r = p.armour.add_envelopes(caller, ws->id, {1, {a.envelope("", a.key)}}); !r) {
    std::fprintf(stderr, "armour: %s\n", r.error().message.c_str());
    return std::nullopt;
  }
  return a;
}

}  // namespace ruche::bench
