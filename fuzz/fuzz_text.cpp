// Small text parsers fed by users: ISO 8601 times, chat mentions, search
// queries (which must never let FTS5 syntax through; PostgreSQL's parse of
// them read back for an estimate), armoured workspaces' sealed texts and
// sealed secrets.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "modules/chat/chat.hpp"
#include "modules/chat/query.hpp"
#include "platform/mentions.hpp"
#include "platform/sealed_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::int64_t t;
  if (ruche::parse_iso8601(text, t)) (void)ruche::format_iso8601(t);
  bool channel = false;
  for (const auto& id : ruche::platform::parse_mentions(text, channel))
    if (!ruche::is_id(id)) __builtin_trap();
  std::string q = ruche::chat::store::fts5_query(text);
  // Every term is a quoted word, optionally followed by '*'.
  bool in_quote = false;
  for (char c : q) {
    if (c == '"') in_quote = !in_quote;
    else if (!in_quote && c != ' ' && c != '*') __builtin_trap();
  }
  if (in_quote) __builtin_trap();
  // An estimated share of the messages, when there is one, is a share.
  static const ruche::chat::store::WordShares shares{{{"budget", 0.5}, {"reunion", 0.25}}, 0.001, 1000};
  if (auto share = ruche::chat::store::estimated_share(shares, text, "'budget'"); share && !(*share >= 0 && *share <= 1))
    __builtin_trap();
  if (auto share = ruche::chat::store::estimated_share(shares, text, text); share && !(*share >= 0 && *share <= 1))
    __builtin_trap();
  // A sealed text that parses has the sizes the spec gives, and its parts
  // lie inside the input.
  if (auto t = ruche::platform::parse_sealed_text(text)) {
    if ((t->version != 1 && t->version != 2) || t->generation < 1 || t->nonce.size() != 32 || t->signature.size() != 86 || t->ciphertext.size() < 22 ||
        text.size() > ruche::platform::kMaxSealedTextBytes)
      __builtin_trap();
    for (std::string_view part : {t->nonce, t->ciphertext, t->signature})
      if (part.data() < text.data() || part.data() + part.size() > text.data() + text.size()) __builtin_trap();
    (void)ruche::platform::sealed_signed_text("ruche-chat", "binding", *t);
  }
  if (ruche::platform::is_sealed_secret(text) && text.size() > ruche::platform::kMaxSealedSecretChars)
    __builtin_trap();
  return 0;
}
