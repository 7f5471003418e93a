// Result<T>: the value-or-error type every fallible Ruche function returns.
//
// Expected failures (not found, invalid input, conflict, ...) are values, never
// exceptions. core/http maps each Errc to one HTTP status in one table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace ruche {

// The kinds of expected failure. The HTTP status each maps to is in
// core/http/status.cpp; the snake_case name is the default API error code.
enum class Errc {
  invalid,                // 400: malformed or out-of-bounds input
  unauthenticated,        // 401: no or bad credentials
  forbidden,              // 403: authenticated but not allowed (only when the resource is visible)
  not_found,              // 404: absent, or not visible to the caller
  method_not_allowed,     // 405
  conflict,               // 409: state does not allow it (duplicate, dependency)
  gone,                   // 410: existed, expired or used up
  precondition_failed,    // 412
  too_large,              // 413
  unsupported_media,      // 415
  locked,                 // 423
  rate_limited,           // 429
  insufficient_storage,   // 507
  unavailable,            // 503: a dependency is down; retry later
  internal,               // 500: a bug or an unexpected I/O failure
};

// The snake_case name of an error kind ("not_found").
std::string_view errc_name(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string message;
  // Optional finer API code ("weak_password"); errc_name(code) when empty.
  std::string reason;
  // An authorization refusal (the caller may not see or change what they
  // asked for, in workspace `denied_in`: "" when unknown), set by the one
  // place that decides it; the API audits the refusals it answers.
  bool denied = false;
  std::string denied_in;
  // rate_limited: milliseconds until a retry may get through (0: unknown);
  // the HTTP answer's Retry-After.
  std::int64_t retry_after_ms = 0;

  std::string_view api_code() const { return reason.empty() ? errc_name(code) : reason; }
};

inline Error make_error(Errc code, std::string message, std::string reason = {}) {
  return Error{code, std::move(message), std::move(reason)};
}

// [[nodiscard]] wrapper over tl::expected: a dropped Result is a warning (an error in CI).
template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
  Result(tl::expected<T, Error> e) : tl::expected<T, Error>(std::move(e)) {}  // NOLINT
  Result(Error e) : tl::expected<T, Error>(tl::unexpect, std::move(e)) {}     // NOLINT
};

inline tl::unexpected<Error> fail(Errc code, std::string message, std::string reason = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(reason)});
}

// A rate limit's refusal, with when a retry may get through.
inline tl::unexpected<Error> fail_rate_limited(std::string message, std::string reason,
                                               std::int64_t retry_after_ms) {
  Error e{Errc::rate_limited, std::move(message), std::move(reason)};
  e.retry_after_ms = retry_after_ms;
  return tl::unexpected<Error>(std::move(e));
}

}  // namespace ruche

// RUCHE_TRY(var, expr): evaluates a Result; returns its error from the enclosing
// function, or binds the value to `var`.
#define RUCHE_CONCAT_INNER(a, b) a##b
#define RUCHE_CONCAT(a, b) RUCHE_CONCAT_INNER(a, b)
#define RUCHE_TRY(var, expr)                                            \
  auto RUCHE_CONCAT(ruche_try_, __LINE__) = (expr);                     \
  if (!RUCHE_CONCAT(ruche_try_, __LINE__))                              \
    return tl::unexpected<::ruche::Error>(                              \
        std::move(RUCHE_CONCAT(ruche_try_, __LINE__)).error());         \
  var = std::move(*RUCHE_CONCAT(ruche_try_, __LINE__))
// RUCHE_CHECK(expr): for Result<void>; returns its error, if any.
#define RUCHE_CHECK(expr)                                               \
  do {                                                                  \
    auto ruche_check_ = (expr);                                         \
    if (!ruche_check_)                                                  \
      return tl::unexpected<::ruche::Error>(std::move(ruche_check_).error()); \
  } while (0)
