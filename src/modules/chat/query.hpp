// Turning what users type into safe full-text queries. Pure functions
// (fuzzed in fuzz/).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ruche::chat::store {

// The user's words as an FTS5 query: each word quoted (no operator or column
// syntax gets through), a trailing '*' kept as a prefix search on a word of
// kMinPrefixBytes or more; the first kMaxQueryWords different words. Each
// prefix reads the lists of every word it begins (FTS5 keeps no prefix
// index): "a* b* c* ..." read most of the index, a second or more a query.
inline constexpr std::size_t kMinPrefixBytes = 3;
inline constexpr std::size_t kMaxQueryWords = 16;
std::string fts5_query(std::string_view text);

// What PostgreSQL's statistics of the messages' full-text column say (ANALYZE
// keeps its most common lexemes, each with the share of the messages that
// hold it): those shares, the least common one's (any other lexeme is in
// fewer messages), and the table's estimated rows.
struct WordShares {
  std::unordered_map<std::string, double> common;
  double rarer = 0;
  double rows = -1;  // never analysed
};

// The share of the messages that a query may match, its words taken as
// independent — `french` and `english` the query as PostgreSQL parsed it in
// each language (tsquery text: 'lexeme' & 'lexeme'...), the messages
// matching either. nullopt when either is not words joined by AND (an OR, a
// NOT, a phrase), or without statistics.
std::optional<double> estimated_share(const WordShares& shares, std::string_view french,
                                      std::string_view english);

}  // namespace ruche::chat::store
