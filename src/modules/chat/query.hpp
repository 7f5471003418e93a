// Turning what users type into safe full-text queries. Pure functions
// (fuzzed in fuzz/).
#pragma once

#include <string>
#include <string_view>

namespace ruche::chat::store {

// The user's words as an FTS5 query: each word quoted (no operator or column
// syntax gets through), a trailing '*' kept as a prefix search.
std::string fts5_query(std::string_view text);

}  // namespace ruche::chat::store
