// Reading the audit log back (GET /admin/audit): newest first, a page at a
// time, narrowed to one actor, workspace, action or family of actions,
// outcome and time range — what an administrator or an auditor looks for
// among millions of entries (docs/api.md "Administration").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "core/http/message.hpp"
#include "platform/audit.hpp"

namespace ruche::platform {

inline constexpr int kMaxAuditPage = 1000;

struct AuditQuery {
  std::optional<std::int64_t> before;   // entries with a smaller seq
  std::optional<std::int64_t> after;    // entries with a larger seq
  bool oldest_first = false;            // an export's order; newest first otherwise
  std::string actor;                    // a user id; "" any
  std::string workspace;                // a workspace id; "" any
  std::string action;                   // "auth.login", or a family ending in "." ("files.")
  std::string outcome;                  // success, failure, denied; "" any
  std::optional<std::int64_t> from_ms;  // at or after
  std::optional<std::int64_t> to_ms;    // before
  int limit = 100;
};

// The query's parameters: before, actor, workspace, action, outcome, from,
// to (ISO 8601), limit (1 to kMaxAuditPage). Errors: invalid "invalid_field".
Result<AuditQuery> audit_query(const http::Request& req);

struct AuditRecord {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  AuditEntry entry;
  std::optional<std::string> actor_name, actor_email;  // when the actor is an account
  std::optional<std::string> workspace_name;           // while the workspace exists
  std::string prev_hash, hash;  // the chain's links (AuditChain)
};

Result<std::vector<AuditRecord>> read_audit(db::Conn& c, const AuditQuery& q);

// The entry as GET /admin/audit gives it; `links` adds prev_hash and hash
// (an export, which `ruche audit verify --file` checks).
json::object to_json(const AuditRecord& r, bool links = false);

}  // namespace ruche::platform
