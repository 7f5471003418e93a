// The audit log (SECURITY.md LOG-1): append-only and hash-chained, so that
// removing or editing an entry is detected by `ruche audit verify`.
//
// Each entry's hash covers its fields and the previous entry's hash. Entries
// are written in the same transaction as the action they record; failures
// that write nothing else (failed login) get their own transaction. Never
// put a secret or token in an entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/clock.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {

struct Caller;

struct AuditEntry {
  std::string actor_id;        // user id, or "" for anonymous/system
  std::string action;          // "auth.login", "member.role_changed", ...
  std::string outcome = "success";  // "success", "failure", "denied"
  std::string workspace_id;
  std::string object;          // what was acted on (an id, an email for failed logins)
  std::string remote_addr;
  std::string request_id;
  json::object details;

  // Fills actor, address and request id from the caller.
  static AuditEntry by(const Caller& caller, std::string action);
};

struct AuditVerification {
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_broken_seq;  // empty when the chain is intact
  std::string problem;
};

class AuditLog {
 public:
  explicit AuditLog(const Clock& clock) : clock_(clock) {}

  // Appends inside the transaction of `c` (a write() connection).
  Result<void> append(db::Conn& c, const AuditEntry& entry) const;
  // Appends in a transaction of its own.
  Result<void> record(db::Database& db, const AuditEntry& entry) const;
  // Recomputes the chain from the first entry.
  Result<AuditVerification> verify(db::Database& db) const;

  // The hash of an entry given its predecessor's (exposed for tests).
  static std::string entry_hash(std::int64_t seq, std::int64_t at_ms, const AuditEntry& e,
                                const std::string& details_json, const std::string& prev_hash);

 private:
  const Clock& clock_;
};

}  // namespace ruche::platform
