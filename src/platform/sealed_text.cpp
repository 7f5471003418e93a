#include "platform/sealed_text.hpp"

#include <charconv>
#include <vector>

#include "core/crypto/encoding.hpp"

namespace ruche::platform {

namespace {

constexpr std::size_t kNonceBytes = 24;         // XChaCha20-Poly1305
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kSaltBytes = 16;          // Argon2id
constexpr std::size_t kSecretsBytes = 32 + 64;  // X25519 and Ed25519 secret keys

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto i = s.find(sep);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) return out;
    s.remove_prefix(i + 1);
  }
}

std::optional<std::int64_t> number(std::string_view s, std::int64_t min, std::int64_t max) {
  if (s.empty() || s.size() > 15 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::string> armour_bytes(std::string_view text, std::size_t bytes, bool at_least) {
  auto raw = crypto::base64url_decode(text);
  if (!raw || (at_least ? raw->size() < bytes : raw->size() != bytes)) return std::nullopt;
  return raw;
}

bool is_sealed_secret(std::string_view s) {
  if (s.size() > kMaxSealedSecretChars) return false;
  auto p = split(s, ':');
  return p.size() == 6 && p[0] == "id1" && number(p[1], 1, 10) && number(p[2], 8LL << 20, 1LL << 30) &&
         armour_bytes(p[3], kSaltBytes) && armour_bytes(p[4], kNonceBytes) &&
         armour_bytes(p[5], kSecretsBytes + kTagBytes);
}

std::string envelope_signed_text(std::string_view workspace_id, std::string_view channel,
                                 std::int64_t generation, std::string_view recipient_id,
                                 std::string_view sealed) {
  std::string m = channel.empty() ? "ruche-armour-envelope-v1\n" : "ruche-armour-channel-envelope-v1\n";
  m += workspace_id;
  m += '\n';
  if (!channel.empty()) {
    m += channel;
    m += '\n';
  }
  m += std::to_string(generation);
  m += '\n';
  m += recipient_id;
  m += '\n';
  m += sealed;
  return m;
}

std::string approval_signed_text(std::string_view workspace_id, std::string_view user_id,
                                 std::string_view box_public, std::string_view sign_public) {
  std::string m = "ruche-armour-approval-v1\n";
  for (std::string_view part : {workspace_id, user_id, box_public}) {
    m += part;
    m += '\n';
  }
  m += sign_public;
  return m;
}

std::string sealed_signed_text(std::string_view domain, std::string_view binding, const SealedText& t) {
  std::string m(domain);
  m += "-v";
  m += std::to_string(t.version);
  m += '\n';
  m += binding;
  m += '\n';
  if (t.channel_key) m += 'c';
  m += std::to_string(t.generation);
  m += '\n';
  m += t.nonce;
  m += '\n';
  m += t.ciphertext;
  return m;
}

Result<SealedText> parse_sealed_text(std::string_view text) {
  auto bad = [] { return fail(Errc::invalid, "not a sealed text (e2e1:…, docs/armoured.md)", "invalid_sealed_text"); };
  if (text.size() > kMaxSealedTextBytes) return bad();
  auto p = split(text, ':');
  if (p.size() != 5 || (p[0] != "e2e1" && p[0] != "e2e2")) return bad();
  const bool channel_key = p[1].starts_with('c');
  auto g = number(channel_key ? p[1].substr(1) : p[1], 1, 1'000'000'000'000LL);
  if (!g || !armour_bytes(p[2], kNonceBytes) || !armour_bytes(p[3], kTagBytes, true) ||
      !armour_bytes(p[4], kArmourSignatureBytes))
    return bad();
  return SealedText{p[0].back() - '0', *g, channel_key, p[2], p[3], p[4]};
}

Result<std::string> check_workspace_sealed(std::string_view text, std::string_view code) {
  if (text.size() > kMaxSealedTextBytes)
    return fail(Errc::invalid, "a sealed text is at most 64 KiB", std::string(code));
  RUCHE_TRY(SealedText t, parse_sealed_text(text));
  if (t.version != 1 || t.channel_key)
    return fail(Errc::invalid, "this sealed text is version 1, under the workspace's key",
                "invalid_sealed_text");
  return std::string(text);
}

bool is_armour_token(std::string_view text) {
  return text.size() == 22 && armour_bytes(text, 16).has_value();
}

}  // namespace ruche::platform
