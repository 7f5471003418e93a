// Small text parsers fed by users: ISO 8601 times, chat mentions, search
// queries (which must never let FTS5 syntax through).
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "modules/chat/chat.hpp"
#include "modules/chat/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::int64_t t;
  if (ruche::parse_iso8601(text, t)) (void)ruche::format_iso8601(t);
  bool channel = false;
  for (const auto& id : ruche::chat::parse_mentions(text, channel))
    if (!ruche::is_id(id)) __builtin_trap();
  std::string q = ruche::chat::store::fts5_query(text);
  // Every term is a quoted word, optionally followed by '*'.
  bool in_quote = false;
  for (char c : q) {
    if (c == '"') in_quote = !in_quote;
    else if (!in_quote && c != ' ' && c != '*') __builtin_trap();
  }
  if (in_quote) __builtin_trap();
  return 0;
}
