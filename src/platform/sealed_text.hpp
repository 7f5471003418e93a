// The texts armoured workspaces carry, read without keys (docs/armoured.md):
// their form only, every size and alphabet checked, before anything else
// looks at them. Pure functions: no database, safe from any thread; fuzzed
// (fuzz/fuzz_text.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ruche::platform {

inline constexpr std::size_t kMaxSealedSecretChars = 1024;
// A sealed text: the 16 KiB of text modules allow, sealed, in base64url,
// with its nonce, signature and generation; version 2 also carries what
// opens its attachments (names, types, sizes, keys of up to 10 files).
inline constexpr std::size_t kMaxSealedTextBytes = 64 * 1024;
inline constexpr std::size_t kArmourKeyBytes = 32;              // X25519 and Ed25519 public keys
inline constexpr std::size_t kSealedKeyBytes = 32 + 48;          // crypto_box_seal of a 32-byte key
inline constexpr std::size_t kArmourSignatureBytes = 64;         // Ed25519

// A sealed text as modules store it: "e2e<v>:<k>:<nonce>:<ciphertext>:<signature>",
// v 1 (the module's plain text sealed) or 2 (its text and what opens its
// attachments, as JSON). Each version has its own additional data (the
// module's domain "-v" v), so a server that rewrites the prefix breaks the
// tag and the signature. The key reference k is "<g>", generation g of the
// workspace's key, or "c<g>", generation g of the channel's own key; it ends
// the additional data as written.
struct SealedText {
  int version = 1;
  std::int64_t generation = 0;
  bool channel_key = false;                       // "c<g>"
  std::string_view nonce, ciphertext, signature;  // base64url, into the parsed text
};
// Parses the form (sizes, alphabet); says nothing of keys or signatures.
// Errors: invalid "invalid_sealed_text".
Result<SealedText> parse_sealed_text(std::string_view text);

// A sealed text of version 1 under the workspace's key, at most
// kMaxSealedTextBytes: what tasks and calendar events keep (their cards,
// items, comments). Returns it. Errors: invalid `code` (too long),
// "invalid_sealed_text".
Result<std::string> check_workspace_sealed(std::string_view text, std::string_view code);

// An item's token in an armoured workspace (a task's, an event's): 16
// random bytes made by the browser, unpadded base64url (22 characters).
bool is_armour_token(std::string_view text);

// "id1:<opslimit>:<memlimit>:<salt>:<nonce>:<sealed>" with libsodium's
// bounds for Argon2id and the size of two secret keys.
bool is_sealed_secret(std::string_view text);

// What the maker of an envelope signs: for the workspace's key (`channel`
// empty) "ruche-armour-envelope-v1\n" ws "\n" g "\n" recipient "\n" sealed;
// for a channel's, "ruche-armour-channel-envelope-v1\n" ws "\n" channel "\n"
// g "\n" recipient "\n" sealed.
std::string envelope_signed_text(std::string_view workspace_id, std::string_view channel,
                                 std::int64_t generation, std::string_view recipient_id,
                                 std::string_view sealed);
// What an approver signs (docs/armoured.md, "Approvals"):
// "ruche-armour-approval-v1\n" ws "\n" user "\n" box_public "\n" sign_public,
// the approved person's public keys as the server lists them.
std::string approval_signed_text(std::string_view workspace_id, std::string_view user_id,
                                 std::string_view box_public, std::string_view sign_public);
// What the author of sealed text `t` signs: its additional data — the
// module's `domain` "-v" version "\n" `binding` (e.g. "ruche-chat-v1\n" ws
// "\n" channel "\n" author) "\n" k — then "\n" nonce "\n" ciphertext.
std::string sealed_signed_text(std::string_view domain, std::string_view binding, const SealedText& t);

// Unpadded base64url of exactly `bytes` bytes (of at least `bytes` when
// `at_least`), decoded; nullopt for anything else.
std::optional<std::string> armour_bytes(std::string_view text, std::size_t bytes, bool at_least = false);

}  // namespace ruche::platform
