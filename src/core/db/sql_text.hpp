// Helpers over SQL text shared by the backends. Internal to core/db.
#pragma once

#include <string>
#include <string_view>

namespace ruche::db {

// The start of `sql` for error messages: whitespace runs collapsed, at most
// 80 bytes (cut on a UTF-8 boundary), "..." appended when cut. Parameter
// values never appear in SQL text, so this is safe to log.
std::string sql_excerpt(std::string_view sql);

// Rewrites PostgreSQL placeholders ($1, $2, ...) to SQLite numbered ones
// (?1, ?2, ...), leaving string literals, quoted identifiers ("x", `x`, [x])
// and comments untouched. A '$' preceded by an identifier character is part
// of a name and left alone.
std::string rewrite_placeholders(std::string_view sql);

// True when `sql` holds only whitespace, ';' and comments (the tail left
// after the first statement of a one-statement call).
bool only_trivia(std::string_view sql);

}  // namespace ruche::db
