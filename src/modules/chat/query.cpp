#include "modules/chat/query.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "base/id.hpp"
#include "modules/chat/chat.hpp"

namespace ruche::chat::store {

std::string fts5_query(std::string_view text) {
  std::string out;
  std::set<std::string_view, std::less<>> seen;
  std::size_t i = 0;
  auto is_word = [](unsigned char ch) {
    return ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z') || ch == '_';
  };
  while (i < text.size()) {
    while (i < text.size() && !is_word(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && is_word(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    const std::string_view word = text.substr(start, i - start);
    const bool prefix = i < text.size() && text[i] == '*' && word.size() >= kMinPrefixBytes;
    // A word twice is looked up twice (FTS5 does not merge them).
    if (!seen.insert(text.substr(start, i - start + (prefix ? 1 : 0))).second) continue;
    if (seen.size() > kMaxQueryWords) break;
    if (!out.empty()) out += ' ';
    out += '"';
    out.append(word);
    out += '"';
    if (prefix) out += '*';
  }
  return out;
}

namespace {

// The lexemes of a tsquery's text when they are joined by AND alone.
std::optional<std::vector<std::string>> and_lexemes(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  while (true) {
    skip_spaces();
    if (i >= text.size() || text[i] != '\'') return std::nullopt;
    std::string lexeme;
    bool closed = false;
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        lexeme += '\'';
        ++i;
      } else if (text[i] == '\'') {
        closed = true;
        ++i;
        break;
      } else if (text[i] == '\\' && i + 1 < text.size()) {
        lexeme += text[++i];
      } else {
        lexeme += text[i];
      }
    }
    if (!closed) return std::nullopt;
    out.push_back(std::move(lexeme));
    skip_spaces();
    if (i == text.size()) return out;
    if (text[i] != '&') return std::nullopt;  // |, !, <->, :*, ( ... : not estimated
    ++i;
  }
}

}  // namespace

std::optional<double> estimated_share(const WordShares& shares, std::string_view french,
                                      std::string_view english) {
  if (shares.rows <= 0 || shares.common.empty()) return std::nullopt;
  auto share_of = [&](std::string_view text) -> std::optional<double> {
    auto lexemes = and_lexemes(text);
    if (!lexemes) return std::nullopt;
    double share = 1;
    for (const auto& l : *lexemes) {
      auto it = shares.common.find(l);
      share *= it == shares.common.end() ? shares.rarer : it->second;
    }
    return share;
  };
  auto fr = share_of(french);
  if (!fr) return std::nullopt;
  if (french == english) return fr;
  auto en = share_of(english);
  if (!en) return std::nullopt;
  return std::min(1.0, *fr + *en);
}

}  // namespace ruche::chat::store
