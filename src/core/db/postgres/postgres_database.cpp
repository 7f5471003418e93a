#include "core/db/postgres/postgres_database.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/log.hpp"
#include "core/db/sql_text.hpp"

namespace ruche::db::postgres {

namespace {

// Type OIDs from pg_type.dat; stable across PostgreSQL versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr std::size_t kStatementCacheSize = 256;
// A write body hitting a serialization failure or deadlock runs again, up
// to this many more times.
constexpr int kMaxRetries = 3;
constexpr const char* kConnectTimeoutSeconds = "10";

using PgResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgResultPtr own(PGresult* r) {
  return PgResultPtr(r, &PQclear);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string first_line(const char* text) {
  std::string s = text != nullptr ? text : "";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// Data exceptions (class 22) quote the offending input ('invalid input
// syntax for type bigint: "abc"'): that is a parameter value, so it goes.
std::string redact(std::string message, std::string_view state) {
  if (!starts_with(state, "22")) return message;
  std::string out;
  bool in_quotes = false;
  for (char c : message) {
    if (c == '"') {
      if (!in_quotes) out += "\"?\"";
      in_quotes = !in_quotes;
      continue;
    }
    if (!in_quotes) out.push_back(c);
  }
  return out;
}

bool is_digits(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea text output: "\x" + hex (what every connection asks for), or the
// older escape format (backslash + 3 octal digits, "\\").
Bytes decode_bytea(std::string_view s) {
  Bytes out;
  if (starts_with(s, "\\x")) {
    out.data.reserve((s.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < s.size(); i += 2) {
      out.data.push_back(static_cast<char>(hex_value(s[i]) * 16 + hex_value(s[i + 1])));
    }
    return out;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out.data.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
      out.data.push_back('\\');
      ++i;
    } else {
      out.data.push_back(s[i]);
    }
  }
  return out;
}

// Locale-independent, unlike strtod; accepts "Infinity" and "NaN".
double parse_double(std::string_view text) {
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return d;
}

Value decode_value(const PGresult* res, int row, int col, Oid type) {
  if (PQgetisnull(res, row, col)) return nullptr;
  const char* p = PQgetvalue(res, row, col);
  const std::string_view text(p, static_cast<std::size_t>(PQgetlength(res, row, col)));
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec == std::errc() && end == text.data() + text.size()) return n;
      return std::string(text);
    }
    case kNumericOid: {
      // SUM(bigint) and friends are NUMERIC: keep exact integers exact.
      if (is_digits(text)) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size()) return n;
      }
      return parse_double(text);
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return parse_double(text);
    case kBoolOid:
      return std::int64_t{text == "t" ? 1 : 0};
    case kByteaOid:
      return decode_bytea(text);
    default:
      return std::string(text);
  }
}

Row decode_row(const PGresult* res, int row) {
  const int n = PQnfields(res);
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(n));
  for (int col = 0; col < n; ++col)
    values.push_back(decode_value(res, row, col, PQftype(res, col)));
  return Row(std::move(values));
}

// Parameters as libpq wants them: text format, except Bytes (binary, typed
// bytea). Integers and doubles are typed int8/float8 so that expressions
// like `$1 + 1` do not guess int4; text and NULL are left to the server to
// infer from context. `values` points into `text`: moving keeps those
// pointers valid (a moved vector keeps its elements), copying would not.
struct BoundParams {
  BoundParams() = default;
  BoundParams(BoundParams&&) = default;
  BoundParams& operator=(BoundParams&&) = default;
  BoundParams(const BoundParams&) = delete;
  BoundParams& operator=(const BoundParams&) = delete;

  std::vector<Oid> types;
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::string signature;  // one letter per parameter type, part of the cache key
};

Result<BoundParams> bind(Params params) {
  BoundParams b;
  const std::size_t n = params.size();
  b.types.resize(n);
  b.text.resize(n);
  b.values.resize(n);
  b.lengths.resize(n);
  b.formats.resize(n);
  b.signature.resize(n);
  std::size_t i = 0;
  for (const Param& p : params) {
    const Param::Value& v = p.value();
    char sig = 'u';
    if (const auto* num = std::get_if<std::int64_t>(&v)) {
      b.types[i] = kInt8Oid;
      b.text[i] = std::to_string(*num);
      b.values[i] = b.text[i].c_str();
      sig = 'i';
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      b.types[i] = kFloat8Oid;
      b.text[i].assign(buf, ec == std::errc() ? end : buf);
      b.values[i] = b.text[i].c_str();
      sig = 'd';
    } else if (const auto* s = std::get_if<std::string_view>(&v)) {
      if (s->find('\0') != std::string_view::npos) {
        return fail(Errc::invalid, "postgres: a text parameter contains a NUL byte");
      }
      b.text[i] = std::string(*s);
      b.values[i] = b.text[i].c_str();
    } else if (const auto* bytes = std::get_if<const Bytes*>(&v);
               bytes != nullptr && *bytes != nullptr) {
      if ((*bytes)->data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        return fail(Errc::too_large, "postgres: a binary parameter is over 2 GB");
      }
      b.types[i] = kByteaOid;
      b.values[i] = (*bytes)->data.data();
      b.lengths[i] = static_cast<int>((*bytes)->data.size());
      b.formats[i] = 1;
      sig = 'b';
    }
    b.signature[i] = sig;
    ++i;
  }
  return b;
}

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* pg) : pg_(pg) {}
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  ~PgConn() override { PQfinish(pg_); }

  Backend backend() const override { return Backend::postgres; }

  Result<Rows> query(std::string_view sql, Params params) override {
    RUCHE_TRY(PgResultPtr res, run(sql, params));
    Rows rows;
    const int n = PQntuples(res.get());
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) rows.push_back(decode_row(res.get(), r));
    return rows;
  }

  Result<std::int64_t> exec(std::string_view sql, Params params) override {
    RUCHE_TRY(PgResultPtr res, run(sql, params));
    // A SELECT reports the rows it read; only changes count, as on SQLite.
    if (starts_with(PQcmdStatus(res.get()), "SELECT")) return std::int64_t{0};
    const char* tuples = PQcmdTuples(res.get());
    return std::int64_t{tuples != nullptr && *tuples != '\0' ? std::atoll(tuples) : 0};
  }

  // Streams rows in single-row mode. Stopping early still reads (and drops)
  // the rest: the connection must be idle before its next statement.
  Result<void> each(std::string_view sql, Params params,
                    FunctionRef<bool(const Row&)> fn) override {
    RUCHE_CHECK(check_not_in_each(sql));
    RUCHE_TRY(BoundParams b, bind(params));
    RUCHE_TRY(const std::string* name, prepare(sql, b));
    if (PQsendQueryPrepared(pg_, name->c_str(), static_cast<int>(b.values.size()), b.values.data(),
                            b.lengths.data(), b.formats.data(), 0) == 0) {
      return tl::unexpected<Error>(error_from(nullptr, sql));
    }
    PQsetSingleRowMode(pg_);
    in_each_ = true;
    std::optional<Error> error;
    bool stopped = false;
    try {
      while (PGresult* raw = PQgetResult(pg_)) {
        PgResultPtr res = own(raw);
        const ExecStatusType status = PQresultStatus(raw);
        if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
          for (int r = 0; r < PQntuples(raw) && !stopped && !error; ++r) {
            if (!fn(decode_row(raw, r))) stopped = true;
          }
        } else if (status != PGRES_COMMAND_OK && !error) {
          error = error_from(raw, sql);
        }
      }
    } catch (...) {
      while (PGresult* raw = PQgetResult(pg_)) PQclear(raw);
      in_each_ = false;
      throw;
    }
    in_each_ = false;
    if (error) return tl::unexpected<Error>(std::move(*error));
    return {};
  }

  Result<void> exec_script(std::string_view sql) override {
    RUCHE_CHECK(check_not_in_each(sql));
    PgResultPtr res = own(PQexec(pg_, std::string(sql).c_str()));
    const ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      return tl::unexpected<Error>(error_from(res.get(), sql));
    }
    return {};
  }

  std::string_view for_update() const override { return collecting_ ? " FOR UPDATE" : ""; }

  void on_commit(std::function<void()> fn) override {
    if (collecting_) callbacks_.push_back(std::move(fn));
  }

  void start_collecting() {
    callbacks_.clear();
    collecting_ = true;
  }
  std::vector<std::function<void()>> stop_collecting() {
    collecting_ = false;
    return std::move(callbacks_);
  }

  // Transaction control and session setup, by simple query.
  Result<void> simple(const std::string& sql) {
    PgResultPtr res = own(PQexec(pg_, sql.c_str()));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return tl::unexpected<Error>(error_from(res.get(), sql));
    }
    return {};
  }

  // COMMIT of a transaction in which a statement failed answers ROLLBACK,
  // not an error: a body that swallowed an error must not look committed.
  Result<void> commit() {
    PgResultPtr res = own(PQexec(pg_, "COMMIT"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return tl::unexpected<Error>(error_from(res.get(), "COMMIT"));
    }
    if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0) {
      return fail(retryable_ ? Errc::unavailable : Errc::internal,
                  "postgres: the transaction was rolled back because a statement in it failed");
    }
    return {};
  }

  void rollback() {
    if (PQtransactionStatus(pg_) != PQTRANS_IDLE) (void)simple("ROLLBACK");
  }

  void begin_attempt() { retryable_ = false; }
  bool retryable() const { return retryable_; }
  bool broken() const { return broken_ || PQstatus(pg_) != CONNECTION_OK; }
  // Fit to go back to the pool: connected and outside any transaction.
  bool reusable() const { return !broken() && PQtransactionStatus(pg_) == PQTRANS_IDLE; }

  // Statements evicted from the cache are deallocated between transactions
  // (DEALLOCATE fails inside an aborted one).
  void flush_deallocations() {
    for (const std::string& name : to_deallocate_) (void)simple("DEALLOCATE " + name);
    to_deallocate_.clear();
  }

 private:
  Result<void> check_not_in_each(std::string_view sql) const {
    if (in_each_) {
      return fail(Errc::internal,
                  "statement run on a Conn inside its own each() callback: " + sql_excerpt(sql));
    }
    return {};
  }

  Error error_from(const PGresult* res, std::string_view sql) {
    const char* state_field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = state_field != nullptr ? state_field : "";
    Errc code = Errc::internal;
    if (starts_with(state, "23")) {
      code = Errc::conflict;
    } else if (state == "53100") {
      code = Errc::insufficient_storage;
    } else if (state == "40001" || state == "40P01") {
      retryable_ = true;
      code = Errc::unavailable;
    } else if (state == "08P01") {
      // Protocol violation, e.g. a wrong parameter count: the session goes on.
      code = Errc::internal;
    } else if (starts_with(state, "08") || starts_with(state, "57P")) {
      broken_ = true;
      code = Errc::unavailable;
    } else if (starts_with(state, "53")) {
      code = Errc::unavailable;
    }
    if (PQstatus(pg_) != CONNECTION_OK) {
      broken_ = true;
      code = Errc::unavailable;
    }
    const char* primary =
        res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = "postgres: ";
    message += primary != nullptr ? redact(primary, state) : first_line(PQerrorMessage(pg_));
    if (!state.empty()) message += " [" + state + "]";
    if (!sql.empty()) message += " (in: " + sql_excerpt(sql) + ")";
    return Error{code, std::move(message), {}};
  }

  Result<const std::string*> prepare(std::string_view sql, const BoundParams& b) {
    std::string key;
    key.reserve(sql.size() + 1 + b.signature.size());
    key.append(sql).push_back('\x01');
    key += b.signature;
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return &it->second->name;
    }
    std::string name = "ruche_" + std::to_string(++statements_made_);
    PgResultPtr res = own(PQprepare(pg_, name.c_str(), std::string(sql).c_str(),
                                    static_cast<int>(b.types.size()), b.types.data()));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return tl::unexpected<Error>(error_from(res.get(), sql));
    }
    if (lru_.size() >= kStatementCacheSize) {
      index_.erase(lru_.back().key);
      to_deallocate_.push_back(std::move(lru_.back().name));
      lru_.pop_back();
    }
    lru_.push_front(Entry{std::move(key), std::move(name)});
    index_.emplace(lru_.front().key, lru_.begin());
    return &lru_.front().name;
  }

  Result<PgResultPtr> run(std::string_view sql, Params params) {
    RUCHE_CHECK(check_not_in_each(sql));
    RUCHE_TRY(BoundParams b, bind(params));
    RUCHE_TRY(const std::string* name, prepare(sql, b));
    PgResultPtr res = own(PQexecPrepared(pg_, name->c_str(), static_cast<int>(b.values.size()),
                                         b.values.data(), b.lengths.data(), b.formats.data(), 0));
    const ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return tl::unexpected<Error>(error_from(res.get(), sql));
    }
    return res;
  }

  struct Entry {
    std::string key;
    std::string name;
  };

  PGconn* pg_;
  std::list<Entry> lru_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views Entry::key
  std::vector<std::string> to_deallocate_;
  std::uint64_t statements_made_ = 0;
  bool broken_ = false;
  bool retryable_ = false;
  bool in_each_ = false;
  bool collecting_ = false;
  std::vector<std::function<void()>> callbacks_;
};

Result<std::unique_ptr<PgConn>> connect(const Config& config) {
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, config.postgres_dsn.c_str(), nullptr};
  PGconn* pg = PQconnectdbParams(keys, values, 1);
  if (pg == nullptr) return fail(Errc::unavailable, "postgres: cannot allocate a connection");
  if (PQstatus(pg) != CONNECTION_OK) {
    std::string why = first_line(PQerrorMessage(pg));
    PQfinish(pg);
    return fail(Errc::unavailable, "postgres: cannot connect: " + why);
  }
  // Notices ("relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(
      pg, [](void*, const char*) {}, nullptr);
  auto conn = std::make_unique<PgConn>(pg);
  std::string setup = "SET client_encoding TO 'UTF8'; SET bytea_output TO 'hex'";
  if (!config.postgres_schema.empty()) {
    char* quoted =
        PQescapeIdentifier(pg, config.postgres_schema.data(), config.postgres_schema.size());
    if (quoted == nullptr) return fail(Errc::invalid, "postgres: bad schema name");
    setup += "; SET search_path TO ";
    setup += quoted;
    PQfreemem(quoted);
  }
  RUCHE_CHECK(conn->simple(setup));
  return conn;
}

// Before retrying, wait a little, at random: a transaction retried at once
// can grab the row its rival was about to get and deadlock again.
void backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int max_ms = 5 << attempt;  // 5, 10, 20 ms
  std::uniform_int_distribution<int> pick(1, max_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(pick(rng)));
}

// The thread running a write body, so that a nested write() fails instead of
// holding two connections (and possibly waiting on itself).
thread_local const void* tls_writing = nullptr;

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(Config config) : config_(std::move(config)) {}
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  Backend backend() const override { return Backend::postgres; }

  Stats stats() const override {
    std::lock_guard lock(mutex_);
    Stats s;
    s.connections = open_;
    s.busy = open_ - static_cast<std::int64_t>(idle_.size());
    s.waiting = waiting_;
    s.commits = commits_.load();
    s.writes = writes_.load();
    return s;
  }

  // Opens the first connection, proving the server answers.
  Result<void> warm_up() {
    RUCHE_TRY(std::unique_ptr<PgConn> conn, acquire());
    release(std::move(conn));
    return {};
  }

 protected:
  Result<void> read_tx(FunctionRef<Result<void>(Conn&)> body) override {
    RUCHE_TRY(Lease lease, begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    PgConn& c = *lease.conn;
    Result<void> r;
    try {
      r = body(c);
    } catch (...) {
      c.rollback();
      throw;
    }
    if (!r) {
      c.rollback();
      return r;
    }
    return c.commit();
  }

  Result<void> write_tx(FunctionRef<Result<void>(Conn&)> body) override {
    if (tls_writing == this) return fail(Errc::internal, "write() called inside write()");
    struct Mark {
      const void* saved = tls_writing;
      explicit Mark(const void* self) { tls_writing = self; }
      ~Mark() { tls_writing = saved; }
    } mark(this);

    for (int attempt = 0;; ++attempt) {
      RUCHE_TRY(Lease lease, begin("BEGIN"));
      PgConn& c = *lease.conn;
      c.begin_attempt();
      c.start_collecting();
      Result<void> r;
      try {
        r = body(c);
      } catch (...) {
        (void)c.stop_collecting();
        c.rollback();
        throw;
      }
      std::vector<std::function<void()>> callbacks = c.stop_collecting();
      if (r) {
        r = c.commit();
      } else {
        c.rollback();
      }
      if (r) {
        commits_.fetch_add(1);
        writes_.fetch_add(1);
        lease.give_back();  // callbacks may read()
        for (auto& fn : callbacks) {
          try {
            fn();
          } catch (const std::exception& e) {
            log::error("db.on_commit_threw", {{"what", e.what()}});
          } catch (...) {
            log::error("db.on_commit_threw");
          }
        }
        return {};
      }
      if (!c.retryable() || attempt >= kMaxRetries) return r;
      log::debug("db.pg_write_retry", {{"attempt", attempt + 1}});
      lease.give_back();
      backoff(attempt);
    }
  }

 private:
  // A connection borrowed from the pool, given back when it goes out of scope.
  struct Lease {
    PgDatabase* db = nullptr;
    std::unique_ptr<PgConn> conn;
    Lease(PgDatabase* d, std::unique_ptr<PgConn> c) : db(d), conn(std::move(c)) {}
    Lease(Lease&& o) noexcept : db(o.db), conn(std::move(o.conn)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { give_back(); }
    void give_back() {
      if (conn) db->release(std::move(conn));
    }
  };

  Result<std::unique_ptr<PgConn>> acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.busy_timeout_ms);
    for (;;) {
      if (!idle_.empty()) {
        std::unique_ptr<PgConn> conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      if (open_ < config_.pool_size) {
        ++open_;
        lock.unlock();
        auto conn = connect(config_);
        if (!conn) {
          lock.lock();
          --open_;
          cv_.notify_one();
        }
        return conn;
      }
      ++waiting_;
      const bool woke = cv_.wait_until(lock, deadline,
                                       [&] { return !idle_.empty() || open_ < config_.pool_size; });
      --waiting_;
      if (!woke) {
        return fail(Errc::unavailable, "postgres: no connection free after " +
                                           std::to_string(config_.busy_timeout_ms) +
                                           " ms (pool_size " + std::to_string(config_.pool_size) +
                                           ")");
      }
    }
  }

  void release(std::unique_ptr<PgConn> conn) {
    if (conn->reusable()) conn->flush_deallocations();
    if (!conn->reusable()) {
      conn.reset();  // closes the socket outside the lock
      std::lock_guard lock(mutex_);
      --open_;
    } else {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  // A connection with `begin_sql` run on it. A pooled connection may have
  // died while idle (server restart, pg_terminate_backend): nothing has run
  // on it yet, so another one is tried.
  Result<Lease> begin(const std::string& begin_sql) {
    for (int attempt = 0;; ++attempt) {
      RUCHE_TRY(std::unique_ptr<PgConn> conn, acquire());
      Result<void> r = conn->simple(begin_sql);
      if (r) return Lease(this, std::move(conn));
      const bool retry = conn->broken() && attempt < config_.pool_size;
      release(std::move(conn));
      if (!retry) return tl::unexpected<Error>(std::move(r).error());
    }
  }

  const Config config_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  std::int64_t open_ = 0;
  std::int64_t waiting_ = 0;
  std::atomic<std::int64_t> commits_{0};
  std::atomic<std::int64_t> writes_{0};
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const Config& config) {
  if (config.pool_size < 1 || config.busy_timeout_ms < 0) {
    return fail(Errc::invalid, "postgres: pool_size must be >= 1");
  }
  auto db = std::make_unique<PgDatabase>(config);
  RUCHE_CHECK(db->warm_up());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ruche::db::postgres
