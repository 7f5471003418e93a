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
  // The fields stored beside the details, from `first` on in a row that
  // selects them in the audit_log's order (actor_id, action, outcome,
  // workspace_id, object, remote_addr, request_id); details left empty.
  static AuditEntry from_row(const db::Row& r, int first);
};

struct AuditVerification {
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_broken_seq;  // empty when the chain is intact
  std::string problem;
};

// Checks a run of entries, oldest first, link by link: each the one after
// the previous (by seq), naming its hash, and hashing to what it says. The
// log's own check (AuditLog::verify) and that of an exported copy
// (`ruche audit verify --file`) are this one.
class AuditChain {
 public:
  // The chain starts at entry `first_seq`, whose predecessor's hash is
  // `prev_hash` ("" for the log's first entry).
  explicit AuditChain(std::int64_t first_seq = 1, std::string prev_hash = {})
      : expected_seq_(first_seq), prev_(std::move(prev_hash)) {}
  // False, with verification() saying where and why, at the first break.
  bool next(std::int64_t seq, std::int64_t at_ms, const AuditEntry& e,
            const std::string& details_json, const std::string& prev_hash, const std::string& hash);
  // The entries checked so far and the first break, if any.
  const AuditVerification& verification() const { return v_; }
  const std::string& last_hash() const { return prev_; }

 private:
  std::int64_t expected_seq_;
  std::string prev_;
  AuditVerification v_;
};

class AuditLog {
 public:
  explicit AuditLog(const Clock& clock) : clock_(clock) {}

  // Appends inside the transaction of `c` (a write() connection), stamped
  // with the clock's time; one earlier than an entry before it marks the
  // log disordered up to then (audit_head, migration 0052; read_audit).
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
