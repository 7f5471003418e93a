#include "core/db/database.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/db/postgres/postgres_database.hpp"
#include "core/db/sql_text.hpp"
#include "core/db/sqlite/sqlite_database.hpp"

namespace ruche::db {

std::string_view backend_name(Backend b) {
  switch (b) {
    case Backend::sqlite:
      return "sqlite";
    case Backend::postgres:
      return "postgres";
  }
  return "unknown";
}

namespace {

// A wrong index or type is a bug in the caller: loud in debug builds, a
// default value in release builds (the contract in database.hpp).
void mismatch([[maybe_unused]] std::size_t i, [[maybe_unused]] const char* wanted) {
#ifndef NDEBUG
  std::fprintf(stderr, "ruche::db::Row: column %zu is absent or not %s\n", i, wanted);
  std::abort();
#endif
}

bool parse_i64(const std::string& s, std::int64_t& out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && !s.empty();
}

bool parse_f64(const std::string& s, double& out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && !s.empty();
}

}  // namespace

bool Row::is_null(std::size_t i) const {
  if (i >= values_.size()) {
    mismatch(i, "present");
    return true;
  }
  return std::holds_alternative<std::nullptr_t>(values_[i]);
}

std::int64_t Row::i64(std::size_t i) const {
  if (i < values_.size()) {
    const Value& v = values_[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) {
      // 2^63 is exactly representable; anything at or beyond it does not fit.
      if (std::trunc(*d) == *d && *d >= -9223372036854775808.0 && *d < 9223372036854775808.0) {
        return static_cast<std::int64_t>(*d);
      }
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
      std::int64_t n = 0;
      if (parse_i64(*s, n)) return n;
    }
  }
  mismatch(i, "an integer");
  return 0;
}

double Row::f64(std::size_t i) const {
  if (i < values_.size()) {
    const Value& v = values_[i];
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
    if (const auto* s = std::get_if<std::string>(&v)) {
      double d = 0;
      if (parse_f64(*s, d)) return d;
    }
  }
  mismatch(i, "a number");
  return 0;
}

const std::string& Row::text(std::size_t i) const {
  if (i < values_.size()) {
    if (const auto* s = std::get_if<std::string>(&values_[i])) return *s;
  }
  mismatch(i, "text");
  static const std::string kEmpty;
  return kEmpty;
}

const Bytes& Row::bytes(std::size_t i) const {
  if (i < values_.size()) {
    if (const auto* b = std::get_if<Bytes>(&values_[i])) return *b;
  }
  mismatch(i, "a blob");
  static const Bytes kEmpty;
  return kEmpty;
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

Result<void> Conn::try_each(std::string_view sql, Params params,
                            FunctionRef<Result<void>(const Row&)> fn) {
  std::optional<Error> failed;
  RUCHE_CHECK(each(sql, params, [&](const Row& row) {
    if (auto step = fn(row); !step) failed = std::move(step.error());
    return !failed;
  }));
  if (failed) return tl::unexpected(std::move(*failed));
  return {};
}

Result<std::optional<Row>> Conn::query_one(std::string_view sql, Params params) {
  std::optional<Row> first;
  bool more = false;
  RUCHE_CHECK(each(sql, params, [&](const Row& row) {
    if (first) {
      more = true;
      return false;
    }
    first = row;
    return true;
  }));
  if (more) return fail(Errc::internal, "query_one: more than one row from: " + sql_excerpt(sql));
  return first;
}

Result<std::unique_ptr<Database>> open(const Config& config) {
  switch (config.backend) {
    case Backend::sqlite:
      return sqlite::open_sqlite(config);
    case Backend::postgres:
      return postgres::open_postgres(config);
  }
  return fail(Errc::invalid, "unknown database backend");
}

Result<std::uint64_t> snapshot_sqlite(const std::string& source, const std::string& dest) {
  return sqlite::snapshot(source, dest);
}

std::string placeholders(std::size_t first, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += "$" + std::to_string(first + i);
  }
  return s;
}

std::string newest_of_each(std::string_view table, std::string_view key, std::size_t first, std::size_t n,
                           std::string_view live, std::string_view order, std::string_view limit) {
  const std::string newest = " ORDER BY " + std::string(order) + " DESC LIMIT " + std::string(limit);
  std::string each;
  for (std::size_t i = 0; i < n; ++i)
    each += std::string(i ? " UNION ALL " : "") + "(SELECT * FROM " + std::string(table) + " WHERE " +
            std::string(key) + " = $" + std::to_string(first + i) + " AND " + std::string(live) + newest + ")";
  return n < 2 ? each : "(SELECT * FROM (" + each + ") u" + newest + ")";
}

std::string like_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace ruche::db
