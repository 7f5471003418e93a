#include "core/crypto/password.hpp"

#include <argon2.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <iterator>
#include <mutex>
#include <optional>

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace ruche::crypto {

// ---------------------------------------------------------------- hashing

struct PasswordHasher::State {
  PasswordParams params;
  // A well-formed hash at the current parameters that no password matches
  // in practice (its hash part is random): dummy_verify() runs against it.
  std::string dummy_encoded;

  std::mutex mu;
  std::condition_variable cv;
  std::uint32_t active = 0;
  std::uint32_t peak = 0;
};

namespace {

// Holds one of the max_concurrent computation slots for its lifetime.
class Slot {
 public:
  Slot(std::mutex& mu, std::condition_variable& cv, std::uint32_t& active, std::uint32_t& peak,
       std::uint32_t max)
      : mu_(mu), cv_(cv), active_(active) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return active_ < max; });
    ++active_;
    peak = std::max(peak, active_);
  }
  ~Slot() {
    {
      std::lock_guard lock(mu_);
      --active_;
    }
    cv_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  std::uint32_t& active_;
};

struct Phc {
  argon2_type type = Argon2_id;
  std::uint32_t memory_kib = 0;
  std::uint32_t iterations = 0;
  std::uint32_t parallelism = 0;
  std::size_t salt_bytes = 0;
  std::size_t hash_bytes = 0;
};

bool take(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool take_u32(std::string_view& s, std::uint32_t& out) {
  std::size_t n = 0;
  std::uint64_t v = 0;
  while (n < s.size() && n < 11 && s[n] >= '0' && s[n] <= '9') {
    v = v * 10 + static_cast<std::uint64_t>(s[n] - '0');
    ++n;
  }
  if (n == 0 || n > 10 || (n > 1 && s[0] == '0') || v > UINT32_MAX) return false;
  out = static_cast<std::uint32_t>(v);
  s.remove_prefix(n);
  return true;
}

// Decoded size of an unpadded base64 PHC field, or nullopt.
std::optional<std::size_t> b64_field_bytes(std::string_view field) {
  if (field.empty() || field.size() > 88 || field.find('=') != std::string_view::npos) {
    return std::nullopt;
  }
  auto bytes = base64_decode(field);
  if (!bytes) return std::nullopt;
  return bytes->size();
}

// Parses "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH" (or "$argon2i$..."), the only
// form hash() writes, and checks every value is within bounds before
// libargon2 sees the string (it would allocate whatever m says).
std::optional<Phc> parse_phc(std::string_view s) {
  Phc r;
  if (take(s, "$argon2id$")) {
    r.type = Argon2_id;
  } else if (take(s, "$argon2i$")) {
    r.type = Argon2_i;
  } else {
    return std::nullopt;
  }
  if (!take(s, "v=19$m=") || !take_u32(s, r.memory_kib) || !take(s, ",t=") ||
      !take_u32(s, r.iterations) || !take(s, ",p=") || !take_u32(s, r.parallelism) ||
      !take(s, "$")) {
    return std::nullopt;
  }
  const std::size_t dollar = s.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  const auto salt = b64_field_bytes(s.substr(0, dollar));
  const auto hash = b64_field_bytes(s.substr(dollar + 1));
  if (!salt || !hash) return std::nullopt;
  r.salt_bytes = *salt;
  r.hash_bytes = *hash;
  const bool ok = r.iterations >= 1 && r.iterations <= kMaxPasswordIterations &&
                  r.parallelism >= 1 && r.parallelism <= kMaxPasswordParallelism &&
                  r.memory_kib >= 8 * r.parallelism && r.memory_kib <= kMaxPasswordMemoryKib &&
                  r.salt_bytes >= 8 && r.salt_bytes <= 64 && r.hash_bytes >= 16 &&
                  r.hash_bytes <= 64;
  if (!ok) return std::nullopt;
  return r;
}

std::string b64_unpadded(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// libargon2 wants a non-null pointer even for an empty password.
const char* pwd_ptr(std::string_view password) {
  return password.empty() ? "" : password.data();
}

}  // namespace

PasswordHasher::PasswordHasher(std::shared_ptr<State> state) : state_(std::move(state)) {}

Result<PasswordHasher> PasswordHasher::create(PasswordParams params) {
  if (params.memory_kib < kMinPasswordMemoryKib || params.iterations < kMinPasswordIterations) {
    return fail(Errc::invalid, "password hashing parameters are below the floor (m=" +
                                   std::to_string(kMinPasswordMemoryKib) +
                                   " KiB, t=" + std::to_string(kMinPasswordIterations) + ")");
  }
  if (params.memory_kib > kMaxPasswordMemoryKib || params.iterations > kMaxPasswordIterations ||
      params.parallelism == 0 || params.parallelism > kMaxPasswordParallelism) {
    return fail(Errc::invalid, "password hashing parameters are out of range");
  }
  if (params.max_concurrent == 0) {
    return fail(Errc::invalid, "password hashing max_concurrent must be at least 1");
  }
  auto state = std::make_shared<State>();
  state->params = params;
  state->dummy_encoded = "$argon2id$v=19$m=" + std::to_string(params.memory_kib) +
                         ",t=" + std::to_string(params.iterations) +
                         ",p=" + std::to_string(params.parallelism) + "$" +
                         b64_unpadded(random_bytes(kPasswordSaltBytes)) + "$" +
                         b64_unpadded(random_bytes(kPasswordHashBytes));
  return PasswordHasher(std::move(state));
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  const PasswordParams& p = state_->params;
  const std::string salt = random_bytes(kPasswordSaltBytes);
  std::string encoded(argon2_encodedlen(p.iterations, p.memory_kib, p.parallelism,
                                        kPasswordSaltBytes, kPasswordHashBytes, Argon2_id),
                      '\0');
  int rc = 0;
  {
    State& s = *state_;
    Slot slot(s.mu, s.cv, s.active, s.peak, p.max_concurrent);
    rc = argon2id_hash_encoded(p.iterations, p.memory_kib, p.parallelism, pwd_ptr(password),
                               password.size(), salt.data(), salt.size(), kPasswordHashBytes,
                               encoded.data(), encoded.size());
  }
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
    return fail(Errc::unavailable, "out of memory while hashing a password");
  }
  if (rc != ARGON2_OK) {
    return fail(Errc::internal,
                std::string("password hashing failed: ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
  const auto phc = parse_phc(encoded);
  if (!phc) return false;
  const std::string z(encoded);  // libargon2 wants a NUL-terminated string
  State& s = *state_;
  Slot slot(s.mu, s.cv, s.active, s.peak, s.params.max_concurrent);
  return argon2_verify(z.c_str(), pwd_ptr(password), password.size(), phc->type) == ARGON2_OK;
}

const std::string& PasswordHasher::dummy_encoded() const { return state_->dummy_encoded; }

void PasswordHasher::dummy_verify(std::string_view password) const {
  (void)verify(state_->dummy_encoded, password);
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  const auto phc = parse_phc(encoded);
  if (!phc || phc->type != Argon2_id) return true;
  const PasswordParams& p = state_->params;
  return phc->memory_kib < p.memory_kib || phc->iterations < p.iterations ||
         phc->parallelism < p.parallelism || phc->salt_bytes < kPasswordSaltBytes ||
         phc->hash_bytes < kPasswordHashBytes;
}

const PasswordParams& PasswordHasher::params() const {
  return state_->params;
}

std::uint32_t PasswordHasher::peak_concurrency() const {
  std::lock_guard lock(state_->mu);
  return state_->peak;
}

// ----------------------------------------------------------------- policy

namespace {

constexpr std::string_view kCommonPasswords[] = {
#include "core/crypto/common_passwords.inc"
};
static_assert(std::is_sorted(std::begin(kCommonPasswords), std::end(kCommonPasswords)));

bool is_common(std::string_view s) {
  return !s.empty() &&
         std::binary_search(std::begin(kCommonPasswords), std::end(kCommonPasswords), s);
}

// Strict UTF-8: no overlong forms, surrogates or values above U+10FFFF.
bool decode_utf8(std::string_view s, std::u32string& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    std::size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1Fu;
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0Fu;
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07u;
      len = 4;
    } else {
      return false;
    }
    if (len > s.size() - i) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    out.push_back(cp);
    i += len;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Simple lowercase mapping for the scripts users of a French/European
// deployment write names in; other characters are left as they are.
char32_t fold(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

std::string to_utf8(const std::u32string& cps) {
  std::string out;
  for (char32_t c : cps) append_utf8(out, c);
  return out;
}

// Lowercased UTF-8; invalid UTF-8 (possible in context words) is lowercased
// as ASCII only.
std::string fold_utf8(std::string_view s) {
  std::u32string cps;
  if (!decode_utf8(s, cps)) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  for (char32_t& c : cps) c = fold(c);
  return to_utf8(cps);
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_ascii_non_letter(char c) {
  return static_cast<unsigned char>(c) < 0x80 && !(c >= 'a' && c <= 'z');
}

// The smallest p such that `s` is s[0, p) repeated (s.size() when none).
template <class S>
std::size_t smallest_period(const S& s) {
  const std::size_t n = s.size();
  for (std::size_t p = 1; p <= n / 2; ++p) {
    if (n % p != 0) continue;
    bool periodic = true;
    for (std::size_t i = p; i < n && periodic; ++i) periodic = s[i] == s[i - p];
    if (periodic) return p;
  }
  return n;
}

// Lowercase input without leading or trailing ASCII digits, symbols, spaces.
std::string strip_ends(std::string_view s) {
  while (!s.empty() && is_ascii_non_letter(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_non_letter(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Lowercase input without its ASCII symbols and spaces (non-ASCII kept).
std::string squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80 || is_ascii_alnum(c)) out.push_back(c);
  }
  return out;
}

std::string unleet(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    switch (c) {
      case '0':
        c = 'o';
        break;
      case '1':
        c = 'i';
        break;
      case '3':
        c = 'e';
        break;
      case '4':
        c = 'a';
        break;
      case '5':
        c = 's';
        break;
      case '7':
        c = 't';
        break;
      case '@':
        c = 'a';
        break;
      case '$':
        c = 's';
        break;
      default:
        break;
    }
  }
  return out;
}

bool looks_common(const std::string& folded) {
  if (is_common(folded)) return true;
  const std::string core = strip_ends(folded);
  for (const std::string& v : {core, squash(core), squash(unleet(core))}) {
    if (is_common(v)) return true;
    const std::size_t p = smallest_period(v);
    if (p < v.size() && is_common(std::string_view(v).substr(0, p))) return true;
  }
  return false;
}

bool contains_context_word(const std::string& folded,
                           const std::vector<std::string_view>& context_words) {
  const std::string squashed = squash(unleet(folded));
  auto found = [&](std::string_view word) {
    if (code_points(word) < kMinContextWordChars) return false;
    if (folded.find(word) != std::string::npos) return true;
    const std::string w = squash(unleet(word));
    return code_points(w) >= kMinContextWordChars && squashed.find(w) != std::string::npos;
  };
  for (std::string_view raw : context_words) {
    const std::string word = fold_utf8(raw);
    if (found(word)) return true;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= word.size(); ++i) {
      const bool sep = i == word.size() ||
                       (static_cast<unsigned char>(word[i]) < 0x80 && !is_ascii_alnum(word[i]));
      if (!sep) continue;
      if (found(std::string_view(word).substr(start, i - start))) return true;
      start = i + 1;
    }
  }
  return false;
}

tl::unexpected<Error> weak(std::string message) {
  return fail(Errc::invalid, std::move(message), "weak_password");
}

}  // namespace

Result<void> check_password_policy(std::string_view password,
                                   const std::vector<std::string_view>& context_words) {
  std::u32string cps;
  if (!decode_utf8(password, cps)) return weak("password is not valid UTF-8 text");
  if (cps.size() < kMinPasswordChars) {
    return weak("password must be at least " + std::to_string(kMinPasswordChars) +
                " characters long");
  }
  if (cps.size() > kMaxPasswordChars) {
    return weak("password must be at most " + std::to_string(kMaxPasswordChars) +
                " characters long");
  }
  for (char32_t& c : cps) c = fold(c);
  const std::size_t period = smallest_period(cps);
  if (period == 1) return weak("password must not be a single character repeated");
  if (period <= 4) return weak("password must not be a short sequence repeated");
  const std::string folded = to_utf8(cps);
  if (looks_common(folded)) {
    return weak("password is too common: it is, or is built on, a frequently used password");
  }
  if (contains_context_word(folded, context_words)) {
    return weak("password must not contain your name, email address or other personal details");
  }
  return {};
}

}  // namespace ruche::crypto
