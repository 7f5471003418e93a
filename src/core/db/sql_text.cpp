#include "core/db/sql_text.hpp"

#include <cctype>

namespace ruche::db {

namespace {

constexpr std::size_t kExcerptBytes = 80;

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

// If a literal, quoted identifier or comment starts at `i`, returns the index
// just past it (the end of `sql` when unterminated); otherwise returns `i`.
std::size_t skip_quoted_or_comment(std::string_view sql, std::size_t i) {
  const std::size_t n = sql.size();
  const char c = sql[i];
  if (c == '\'' || c == '"' || c == '`') {
    // A doubled quote inside the literal is an escaped quote: scanning on
    // from the second one re-enters the literal, so a plain find is enough.
    std::size_t j = i + 1;
    while (j < n) {
      if (sql[j] == c) {
        if (j + 1 < n && sql[j + 1] == c) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (c == '[') {
    std::size_t j = sql.find(']', i + 1);
    return j == std::string_view::npos ? n : j + 1;
  }
  if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
    std::size_t j = sql.find('\n', i + 2);
    return j == std::string_view::npos ? n : j + 1;
  }
  if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
    std::size_t j = sql.find("*/", i + 2);
    return j == std::string_view::npos ? n : j + 2;
  }
  return i;
}

}  // namespace

std::string sql_excerpt(std::string_view sql) {
  std::string out;
  out.reserve(kExcerptBytes + 3);
  bool pending_space = false;
  for (char c : sql) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
    if (out.size() > kExcerptBytes) break;
  }
  if (out.size() > kExcerptBytes) {
    std::size_t cut = kExcerptBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t past = skip_quoted_or_comment(sql, i);
    if (past != i) {
      out.append(sql.substr(i, past - i));
      i = past;
      continue;
    }
    const char c = sql[i];
    if (c == '$' && i + 1 < n && is_digit(sql[i + 1]) && (i == 0 || !is_ident_char(sql[i - 1]))) {
      out.push_back('?');
      ++i;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

bool only_trivia(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (is_space(c) || c == ';') {
      ++i;
      continue;
    }
    if ((c == '-' || c == '/') && skip_quoted_or_comment(sql, i) != i) {
      i = skip_quoted_or_comment(sql, i);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace ruche::db
