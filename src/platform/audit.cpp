#include "platform/audit.hpp"

#include "core/crypto/hash.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

AuditEntry AuditEntry::by(const Caller& caller, std::string action) {
  AuditEntry e;
  e.actor_id = caller.user_id.str();
  e.action = std::move(action);
  e.remote_addr = caller.remote_addr;
  e.request_id = caller.request_id;
  return e;
}

std::string AuditLog::entry_hash(std::int64_t seq, std::int64_t at_ms, const AuditEntry& e,
                                 const std::string& details_json, const std::string& prev_hash) {
  // A JSON array is an unambiguous encoding of the fields.
  json::array fields{seq,           at_ms,         e.actor_id,      e.action,
                     e.outcome,     e.workspace_id, e.object,       e.remote_addr,
                     e.request_id,  details_json,  prev_hash};
  return crypto::sha256_hex(json::serialize(fields));
}

Result<void> AuditLog::append(db::Conn& c, const AuditEntry& entry) const {
  const char* head_sql = c.backend() == db::Backend::postgres
                             ? "SELECT seq, hash, max_at_ms FROM audit_head WHERE id = 1 FOR UPDATE"
                             : "SELECT seq, hash, max_at_ms FROM audit_head WHERE id = 1";
  RUCHE_TRY(auto head, c.query_one(head_sql));
  if (!head) return fail(Errc::internal, "audit head missing");
  std::int64_t seq = head->i64(0) + 1;
  std::string prev = head->text(1);
  // The clock's time, whatever it says: an audit entry tells when it was
  // written. Earlier than an entry before it (a clock set back, another
  // node's ahead), every entry so far is at or before the latest time yet,
  // and times go forward again from this one (read_audit relies on it).
  const std::int64_t at = clock_.now_ms();
  const std::int64_t max_at = head->i64(2);
  std::string details = json::serialize(entry.details);
  std::string hash = entry_hash(seq, at, entry, details, prev);
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO audit_log (seq, at_ms, actor_id, action, outcome, workspace_id, "
                   "object, remote_addr, request_id, details, prev_hash, hash) VALUES "
                   "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                   {seq, at, entry.actor_id, entry.action, entry.outcome, entry.workspace_id,
                    entry.object, entry.remote_addr, entry.request_id, details, prev, hash}));
  RUCHE_TRY(
      [[maybe_unused]] auto m,
      c.exec(at < max_at ? "UPDATE audit_head SET seq = $1, hash = $2, disordered_until_ms = $3 "
                           "WHERE id = 1"
                         : "UPDATE audit_head SET seq = $1, hash = $2, max_at_ms = $3 WHERE id = 1",
             {seq, hash, at < max_at ? max_at : at}));
  return {};
}

Result<void> AuditLog::record(db::Database& db, const AuditEntry& entry) const {
  return db.write([&](db::Conn& c) { return append(c, entry); });
}

AuditEntry AuditEntry::from_row(const db::Row& r, int first) {
  AuditEntry e;
  e.actor_id = r.text(first);
  e.action = r.text(first + 1);
  e.outcome = r.text(first + 2);
  e.workspace_id = r.text(first + 3);
  e.object = r.text(first + 4);
  e.remote_addr = r.text(first + 5);
  e.request_id = r.text(first + 6);
  return e;
}

bool AuditChain::next(std::int64_t seq, std::int64_t at_ms, const AuditEntry& e,
                      const std::string& details_json, const std::string& prev_hash,
                      const std::string& hash) {
  if (v_.first_broken_seq) return false;
  if (seq != expected_seq_) {
    v_.first_broken_seq = expected_seq_;
    v_.problem = "entry " + std::to_string(expected_seq_) + " is missing";
    return false;
  }
  if (prev_hash != prev_) {
    v_.first_broken_seq = seq;
    v_.problem = "entry " + std::to_string(seq) + " does not follow its predecessor";
    return false;
  }
  if (AuditLog::entry_hash(seq, at_ms, e, details_json, prev_hash) != hash) {
    v_.first_broken_seq = seq;
    v_.problem = "entry " + std::to_string(seq) + " was altered";
    return false;
  }
  prev_ = hash;
  ++expected_seq_;
  ++v_.entries;
  return true;
}

Result<AuditVerification> AuditLog::verify(db::Database& db) const {
  return db.read([&](db::Conn& c) -> Result<AuditVerification> {
    AuditChain chain;
    RUCHE_CHECK(
        c.each("SELECT seq, at_ms, actor_id, action, outcome, workspace_id, object, remote_addr, "
               "request_id, details, prev_hash, hash FROM audit_log ORDER BY seq",
               {}, [&](const db::Row& r) {
                 return chain.next(r.i64(0), r.i64(1), AuditEntry::from_row(r, 2), r.text(9),
                                   r.text(10), r.text(11));
               }));
    AuditVerification v = chain.verification();
    if (!v.first_broken_seq) {
      RUCHE_TRY(auto head, c.query_one("SELECT seq, hash FROM audit_head WHERE id = 1"));
      if (head && (head->i64(0) != v.entries || head->text(1) != chain.last_hash())) {
        v.first_broken_seq = v.entries + 1;
        v.problem = "the log ends before entry " + std::to_string(head->i64(0)) +
                    " (entries were removed from the end)";
      }
    }
    return v;
  });
}

}  // namespace ruche::platform
