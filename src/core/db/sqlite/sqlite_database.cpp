#include "core/db/sqlite/sqlite_database.hpp"
#include "core/db/sqlite/stem_tokenizer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/log.hpp"
#include "base/waiter.hpp"
#include "core/db/sql_text.hpp"

namespace ruche::db::sqlite {

namespace {

constexpr std::size_t kStatementCacheSize = 256;
// How many times a body is re-run when SQLite itself rolled back the whole
// group's transaction (disk full, I/O error) while a neighbour was running.
constexpr int kMaxAttempts = 3;

Error map_error(sqlite3* db, int rc, std::string_view sql) {
  const int primary = rc & 0xff;
  Errc code = Errc::internal;
  if (primary == SQLITE_CONSTRAINT) {
    code = Errc::conflict;
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    code = Errc::unavailable;
  } else if (primary == SQLITE_FULL ||
             (primary == SQLITE_IOERR && db != nullptr && sqlite3_system_errno(db) == ENOSPC)) {
    code = Errc::insufficient_storage;
  }
  std::string message = "sqlite: ";
  if (primary == SQLITE_AUTH) {
    message += "BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE are not allowed inside read() or write()";
  } else {
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  }
  if (!sql.empty()) {
    message += " (in: ";
    message += sql_excerpt(sql);
    message += ")";
  }
  return Error{code, std::move(message), {}};
}

// Prepared statements of one connection, keyed by the caller's SQL text
// (before placeholder rewriting, so a hit costs one hash lookup), least
// recently used evicted first.
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { clear(); }

  sqlite3_stmt* find(std::string_view sql) {
    auto it = index_.find(sql);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->stmt;
  }

  void insert(std::string_view sql, sqlite3_stmt* stmt) {
    if (lru_.size() >= kStatementCacheSize) {
      Entry& victim = lru_.back();
      index_.erase(victim.sql);
      sqlite3_finalize(victim.stmt);
      lru_.pop_back();
    }
    lru_.push_front(Entry{std::string(sql), stmt});
    index_.emplace(lru_.front().sql, lru_.begin());
  }

  void clear() {
    for (Entry& e : lru_) sqlite3_finalize(e.stmt);
    lru_.clear();
    index_.clear();
  }

 private:
  struct Entry {
    std::string sql;
    sqlite3_stmt* stmt;
  };
  std::list<Entry> lru_;
  // Keys view Entry::sql; list nodes never move.
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

// Resets a statement when a call is done with it, so the next use starts
// clean and the bound parameters (views into the caller's values) are gone.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

 private:
  sqlite3_stmt* stmt_;
};

Row read_row(sqlite3_stmt* st) {
  const int n = sqlite3_column_count(st);
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_INTEGER:
        values.emplace_back(std::int64_t{sqlite3_column_int64(st, i)});
        break;
      case SQLITE_FLOAT:
        values.emplace_back(sqlite3_column_double(st, i));
        break;
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        const int len = sqlite3_column_bytes(st, i);
        values.emplace_back(std::string(p != nullptr ? p : "", static_cast<std::size_t>(len)));
        break;
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
        const int len = sqlite3_column_bytes(st, i);
        values.emplace_back(
            Bytes{p != nullptr ? std::string(p, static_cast<std::size_t>(len)) : std::string()});
        break;
      }
      default:
        values.emplace_back(nullptr);
        break;
    }
  }
  return Row(std::move(values));
}

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) { sqlite3_set_authorizer(db_, &authorize, this); }
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;
  ~SqliteConn() override {
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::sqlite; }

  Result<Rows> query(std::string_view sql, Params params) override {
    Rows rows;
    RUCHE_CHECK(run(sql, params, [&](sqlite3_stmt* st) {
      rows.push_back(read_row(st));
      return true;
    }));
    return rows;
  }

  Result<std::int64_t> exec(std::string_view sql, Params params) override {
    // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE
    // across other statements; the total tells whether this one changed rows.
    const sqlite3_int64 before = sqlite3_total_changes64(db_);
    RUCHE_CHECK(run(sql, params, [](sqlite3_stmt*) { return true; }));
    if (sqlite3_total_changes64(db_) == before) return std::int64_t{0};
    return std::int64_t{sqlite3_changes64(db_)};
  }

  Result<void> each(std::string_view sql, Params params,
                    FunctionRef<bool(const Row&)> fn) override {
    return run(sql, params, [&](sqlite3_stmt* st) {
      const Row row = read_row(st);
      struct InEach {
        bool& flag;
        explicit InEach(bool& f) : flag(f) { flag = true; }
        ~InEach() { flag = false; }
      } in_each(in_each_);
      return fn(row);
    });
  }

  Result<void> exec_script(std::string_view sql) override {
    RUCHE_CHECK(check_usable(sql));
    std::string text(sql);
    char* errmsg = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &errmsg);
    sqlite3_free(errmsg);
    if (rc != SQLITE_OK) {
      failed_ = true;
      return tl::unexpected<Error>(map_error(db_, rc, sql));
    }
    return {};
  }

  void on_commit(std::function<void()> fn) override {
    if (collecting_) callbacks_.push_back(std::move(fn));
  }

  // Writer side: callbacks registered from now on are kept for the caller.
  void start_collecting() {
    callbacks_.clear();
    collecting_ = true;
  }
  std::vector<std::function<void()>> stop_collecting() {
    collecting_ = false;
    return std::move(callbacks_);
  }

  // One fixed statement (transaction control), allowed after a failure.
  Result<void> simple(std::string_view sql) {
    allow_tx_control_ = true;
    Result<void> r = run_statement(sql, {}, [](sqlite3_stmt*) { return true; });
    allow_tx_control_ = false;
    return r;
  }

  // A transaction or write body starts: no statement has failed in it yet.
  void begin_body() { failed_ = false; }
  // A body returned success although one of its statements failed: on
  // PostgreSQL that transaction cannot commit, so it must not here either.
  Result<void> check_body_result(Result<void> r) const {
    if (r && failed_) {
      return fail(Errc::internal,
                  "sqlite: a statement failed but the transaction body returned success; "
                  "return the error (PostgreSQL cannot commit such a transaction)");
    }
    return r;
  }

  Result<void> pragma(const std::string& sql) {
    char* errmsg = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &errmsg);
    sqlite3_free(errmsg);
    if (rc != SQLITE_OK) return tl::unexpected<Error>(map_error(db_, rc, sql));
    return {};
  }

  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* handle() const { return db_; }

 private:
  // The same rules as the PostgreSQL backend, so that code tested on SQLite
  // runs there too: no statement inside each() on the same Conn, and none
  // after a failed statement in the same transaction.
  // Transaction control belongs to the Database: a body that committed or
  // rolled back by itself would break the savepoints of a group commit.
  // Checked when a statement is compiled (SQLITE_AUTH).
  static int authorize(void* self, int action, const char*, const char*, const char*, const char*) {
    const bool tx_control = action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT;
    return tx_control && !static_cast<SqliteConn*>(self)->allow_tx_control_ ? SQLITE_DENY
                                                                            : SQLITE_OK;
  }

  Result<void> check_usable(std::string_view sql) const {
    if (in_each_) {
      return fail(Errc::internal,
                  "statement run on a Conn inside its own each() callback: " + sql_excerpt(sql));
    }
    if (failed_) {
      return fail(Errc::internal,
                  "sqlite: an earlier statement of this transaction failed; return its error "
                  "(PostgreSQL aborts the transaction): " +
                      sql_excerpt(sql));
    }
    return {};
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    if (sqlite3_stmt* st = cache_.find(sql)) return st;
    const std::string rewritten = rewrite_placeholders(sql);
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, rewritten.data(), static_cast<int>(rewritten.size()),
                                      SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) return tl::unexpected<Error>(map_error(db_, rc, sql));
    const std::size_t used = static_cast<std::size_t>(tail - rewritten.data());
    if (!only_trivia(std::string_view(rewritten).substr(used))) {
      sqlite3_finalize(st);
      return fail(Errc::internal,
                  "more than one statement; use exec_script(): " + sql_excerpt(sql));
    }
    if (st == nullptr) return fail(Errc::internal, "empty statement");
    cache_.insert(sql, st);
    return st;
  }

  Result<void> bind(sqlite3_stmt* st, Params params, std::string_view sql) {
    const int expected = sqlite3_bind_parameter_count(st);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return fail(Errc::internal, "statement takes " + std::to_string(expected) + " parameters, " +
                                      std::to_string(params.size()) +
                                      " given: " + sql_excerpt(sql));
    }
    int index = 0;
    for (const Param& p : params) {
      ++index;
      int rc = SQLITE_OK;
      const Param::Value& v = p.value();
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(st, index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(st, index, *d);
      } else if (const auto* s = std::get_if<std::string_view>(&v)) {
        // A null data pointer would bind NULL instead of ''.
        rc = sqlite3_bind_text64(st, index, s->data() != nullptr ? s->data() : "", s->size(),
                                 SQLITE_STATIC, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<const Bytes*>(&v); b != nullptr && *b != nullptr) {
        rc = sqlite3_bind_blob64(st, index, (*b)->data.data(), (*b)->data.size(), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(st, index);
      }
      if (rc != SQLITE_OK) return tl::unexpected<Error>(map_error(db_, rc, sql));
    }
    return {};
  }

  Result<void> run(std::string_view sql, Params params, FunctionRef<bool(sqlite3_stmt*)> on_row) {
    RUCHE_CHECK(check_usable(sql));
    Result<void> r = run_statement(sql, params, on_row);
    if (!r) failed_ = true;
    return r;
  }

  Result<void> run_statement(std::string_view sql, Params params,
                             FunctionRef<bool(sqlite3_stmt*)> on_row) {
    RUCHE_TRY(sqlite3_stmt * st, prepare(sql));
    StatementUse use(st);
    RUCHE_CHECK(bind(st, params, sql));
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        if (!on_row(st)) return {};
        continue;
      }
      if (rc == SQLITE_DONE) return {};
      return tl::unexpected<Error>(map_error(db_, rc, sql));
    }
  }

  sqlite3* db_;
  StatementCache cache_;
  bool in_each_ = false;
  bool failed_ = false;
  bool allow_tx_control_ = false;
  bool collecting_ = false;
  std::vector<std::function<void()>> callbacks_;
};

Result<std::unique_ptr<SqliteConn>> open_connection(const Config& config, bool writer) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(config.sqlite_path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = map_error(raw, rc, {});
    e.message += " (opening " + config.sqlite_path + ")";
    sqlite3_close_v2(raw);
    return tl::unexpected<Error>(std::move(e));
  }
  sqlite3_extended_result_codes(raw, 1);
  auto conn = std::make_unique<SqliteConn>(raw);
  if (register_stem_tokenizer(raw) != SQLITE_OK)
    return fail(Errc::internal, "sqlite: cannot register the full-text tokenizer");
  RUCHE_CHECK(conn->pragma("PRAGMA busy_timeout = " + std::to_string(config.busy_timeout_ms)));
  RUCHE_CHECK(conn->pragma("PRAGMA foreign_keys = ON"));
  if (writer) {
    RUCHE_TRY(Rows mode, conn->query("PRAGMA journal_mode = WAL", {}));
    const auto* got = mode.size() == 1 && mode[0].size() == 1
                          ? std::get_if<std::string>(&mode[0].value(0))
                          : nullptr;
    if (got == nullptr || *got != "wal") {
      return fail(Errc::internal, "sqlite: cannot switch " + config.sqlite_path + " to WAL mode");
    }
    RUCHE_CHECK(conn->pragma(config.synchronous_full ? "PRAGMA synchronous = FULL"
                                                     : "PRAGMA synchronous = NORMAL"));
    // The writer starts the WAL over, and then cuts its file back to this.
    RUCHE_CHECK(conn->pragma("PRAGMA journal_size_limit = " + std::to_string(config.wal_size_limit_bytes)));
  } else {
    RUCHE_CHECK(conn->pragma("PRAGMA query_only = 1"));
  }
  return conn;
}

// A write() waiting for the writer thread. Lives on the caller's stack until
// `done` is released.
struct WriteRequest {
  explicit WriteRequest(FunctionRef<Result<void>(Conn&)> b) : body(b) {}
  FunctionRef<Result<void>(Conn&)> body;
  Result<void> result;
  std::exception_ptr exception;
  std::vector<std::function<void()>> callbacks;
  int attempts = 0;
  Waiter done;
};

// The thread running a write body, so that a nested write() fails instead of
// waiting forever for its own thread.
thread_local const void* tls_writer_of = nullptr;

// WAL checkpoints run on their own thread and connection, never inside a
// commit: SQLite's automatic checkpoint would copy pages and fsync the
// database file in the middle of the writer's COMMIT, a stall of tens to
// hundreds of milliseconds for every write waiting behind it. They start
// past Config::checkpoint_pages (8,000 by default, a WAL of ~32 MiB rather
// than SQLite's 1,000): the pages small writes touch again and again (index
// interior pages, a folder's entries, counters) are copied and synced once
// per checkpoint, not once per thousand frames.

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(Config config, std::unique_ptr<SqliteConn> writer,
                 std::vector<std::unique_ptr<SqliteConn>> readers, sqlite3* checkpointer)
      : config_(std::move(config)),
        writer_(std::move(writer)),
        readers_(std::move(readers)),
        checkpointer_(checkpointer) {
    for (auto& r : readers_) idle_readers_.push_back(r.get());
    // Replaces SQLite's automatic checkpoint: after each commit, learn the
    // WAL's size and wake the checkpoint thread past checkpoint_pages.
    sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::on_wal_commit, this);
    checkpoint_thread_ = std::thread([this] { checkpoint_loop(); });
    writer_thread_ = std::thread([this] { writer_loop(); });
  }

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    writer_thread_.join();  // drains the queue first
    {
      std::lock_guard lock(checkpoint_mutex_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_all();
    checkpoint_thread_.join();
    sqlite3_close_v2(checkpointer_);
  }

  Backend backend() const override { return Backend::sqlite; }

  Stats stats() const override {
    Stats s;
    s.checkpoints = checkpoints_.load();
    s.connections = static_cast<std::int64_t>(readers_.size()) + 1;
    {
      std::lock_guard lock(reader_mutex_);
      s.busy = static_cast<std::int64_t>(readers_.size() - idle_readers_.size());
      s.waiting = reader_waiters_;
    }
    {
      std::lock_guard lock(queue_mutex_);
      s.waiting += static_cast<std::int64_t>(queue_.size());
    }
    s.busy += writer_busy_.load() ? 1 : 0;
    s.commits = commits_.load();
    s.writes = writes_.load();
    return s;
  }

 protected:
  Result<void> read_tx(FunctionRef<Result<void>(Conn&)> body) override {
    RUCHE_TRY(SqliteConn * conn, acquire_reader());
    struct Release {
      SqliteDatabase* db;
      SqliteConn* conn;
      ~Release() { db->release_reader(conn); }
    } release{this, conn};

    RUCHE_CHECK(conn->simple("BEGIN"));
    conn->begin_body();
    Result<void> r;
    try {
      r = conn->check_body_result(body(*conn));
    } catch (...) {
      (void)conn->simple("ROLLBACK");
      throw;
    }
    if (!r) {
      (void)conn->simple("ROLLBACK");
      return r;
    }
    Result<void> c = conn->simple("COMMIT");
    if (!c && conn->in_transaction()) (void)conn->simple("ROLLBACK");
    return c;
  }

  Result<void> write_tx(FunctionRef<Result<void>(Conn&)> body) override {
    if (tls_writer_of == this) return fail(Errc::internal, "write() called inside write()");
    WriteRequest req(body);
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_) return fail(Errc::unavailable, "database is closing");
      queue_.push_back(&req);
    }
    queue_cv_.notify_one();
    req.done.wait();
    if (req.exception) std::rethrow_exception(req.exception);
    return std::move(req.result);
  }

 private:
  Result<SqliteConn*> acquire_reader() {
    std::unique_lock lock(reader_mutex_);
    if (idle_readers_.empty()) {
      ++reader_waiters_;
      const bool got = reader_cv_.wait_for(lock, std::chrono::milliseconds(config_.busy_timeout_ms),
                                           [&] { return !idle_readers_.empty(); });
      --reader_waiters_;
      if (!got) {
        return fail(Errc::unavailable, "sqlite: no reader connection free after " +
                                           std::to_string(config_.busy_timeout_ms) + " ms");
      }
    }
    SqliteConn* conn = idle_readers_.back();
    idle_readers_.pop_back();
    return conn;
  }

  void release_reader(SqliteConn* conn) {
    {
      std::lock_guard lock(reader_mutex_);
      idle_readers_.push_back(conn);
    }
    reader_cv_.notify_one();
  }

  static int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (pages >= db->config_.checkpoint_pages) {
      {
        std::lock_guard lock(db->checkpoint_mutex_);
        db->checkpoint_wanted_ = true;
      }
      db->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void checkpoint_loop() {
    pthread_setname_np(pthread_self(), "ruche-db-ckpt");
    for (;;) {
      {
        std::unique_lock lock(checkpoint_mutex_);
        checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || checkpoint_stop_; });
        if (checkpoint_stop_) return;
        checkpoint_wanted_ = false;
      }
      // PASSIVE: copies what no reader still needs, blocks nobody; the WAL
      // starts over from its beginning once all of it has been copied.
      int log_pages = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        log::warn("db.checkpoint_failed", {{"error", std::string(sqlite3_errstr(rc))}});
      checkpoints_.fetch_add(1);
    }
  }

  void writer_loop() {
    pthread_setname_np(pthread_self(), "ruche-db-writer");
    tls_writer_of = this;
    std::vector<WriteRequest*> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;  // stopping, and nothing left to drain
        const std::size_t n =
            std::min(queue_.size(), static_cast<std::size_t>(std::max(config_.max_group, 1)));
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      }
      writer_busy_ = true;
      run_group(batch);
      writer_busy_ = false;
      for (WriteRequest* r : batch) r->done.notify();
      batch.clear();
    }
  }

  // Runs `batch` in as few transactions as possible (one, unless a body
  // fails or SQLite rolls the whole transaction back under one) and sets
  // every result.
  //
  // Bodies first run straight in the group's transaction. A savepoint per
  // body would let a failing one be undone alone, but it journals the
  // original of every page the body touches (past 64 KiB, into a temporary
  // file created per transaction): ~15 % of the server's CPU on small
  // uploads, for failures that are rare. So when a body fails, the whole
  // transaction is rolled back instead: that body keeps its error (it ran
  // after the ones before it, as it would have), the ones before it run
  // again, and the rest of the group runs with a savepoint each.
  void run_group(const std::vector<WriteRequest*>& batch) {
    std::deque<WriteRequest*> todo(batch.begin(), batch.end());
    bool savepoints = false;
    bool ran_twice = !config_.run_writes_twice;
    while (!todo.empty()) {
      if (auto begun = writer_->simple("BEGIN IMMEDIATE"); !begun) {
        for (WriteRequest* r : todo) r->result = begun;
        return;
      }
      std::vector<WriteRequest*> ok;
      bool lost = false;
      while (!todo.empty()) {
        WriteRequest* r = todo.front();
        todo.pop_front();
        ++r->attempts;
        run_body(*r, savepoints);
        if (!writer_->in_transaction()) {
          // SQLite rolled the whole transaction back (disk full, I/O error):
          // the neighbours' work is gone too; they run again.
          lost = true;
          if (r->result) r->result = fail(Errc::internal, "sqlite: transaction rolled back");
          for (auto it = ok.rbegin(); it != ok.rend(); ++it) {
            WriteRequest* again = *it;
            again->callbacks.clear();
            if (again->attempts >= kMaxAttempts) {
              again->result = fail(Errc::unavailable, "sqlite: transaction rolled back repeatedly");
            } else {
              todo.push_front(again);
            }
          }
          break;
        }
        if (!r->result && !savepoints) {
          // Undo it with everything before it; those run again, not counted
          // as attempts (the transaction was not lost).
          (void)writer_->simple("ROLLBACK");
          r->callbacks.clear();
          for (auto it = ok.rbegin(); it != ok.rend(); ++it) {
            WriteRequest* again = *it;
            again->callbacks.clear();
            --again->attempts;
            todo.push_front(again);
          }
          savepoints = true;
          lost = true;
          break;
        }
        if (r->result) ok.push_back(r);
      }
      if (!lost && !ran_twice && !ok.empty()) {
        // Config::run_writes_twice: the bodies run again, as after a
        // failing neighbour's rollback.
        ran_twice = true;
        (void)writer_->simple("ROLLBACK");
        for (auto it = ok.rbegin(); it != ok.rend(); ++it) {
          (*it)->callbacks.clear();
          --(*it)->attempts;
          todo.push_front(*it);
        }
        continue;
      }
      if (lost) continue;
      if (ok.empty()) {
        // Nothing to make durable: skip the fsync.
        (void)writer_->simple("ROLLBACK");
        continue;
      }
      Result<void> committed = writer_->simple("COMMIT");
      if (!committed) {
        if (writer_->in_transaction()) (void)writer_->simple("ROLLBACK");
        for (WriteRequest* r : ok) {
          r->result = committed;
          r->callbacks.clear();
        }
        continue;
      }
      commits_.fetch_add(1);
      writes_.fetch_add(static_cast<std::int64_t>(ok.size()));
      for (WriteRequest* r : ok) {
        for (auto& fn : r->callbacks) {
          try {
            fn();
          } catch (const std::exception& e) {
            log::error("db.on_commit_threw", {{"what", e.what()}});
          } catch (...) {
            log::error("db.on_commit_threw");
          }
        }
        r->callbacks.clear();
      }
    }
  }

  // One body, inside its own savepoint when `savepoint` (on error only this
  // body's changes are then undone; without one, the caller rolls back).
  void run_body(WriteRequest& r, bool savepoint) {
    r.exception = nullptr;
    if (savepoint) {
      if (auto sp = writer_->simple("SAVEPOINT ruche_write"); !sp) {
        r.result = sp;
        return;
      }
    }
    writer_->start_collecting();
    writer_->begin_body();
    try {
      r.result = writer_->check_body_result(r.body(*writer_));
    } catch (...) {
      r.exception = std::current_exception();
      r.result = fail(Errc::internal, "exception in write()");
    }
    r.callbacks = writer_->stop_collecting();
    if (!writer_->in_transaction() || !savepoint) return;
    if (r.result) {
      Result<void> released = writer_->simple("RELEASE ruche_write");
      if (released) return;
      r.result = std::move(released);
    }
    r.callbacks.clear();
    if (!writer_->simple("ROLLBACK TO ruche_write") || !writer_->simple("RELEASE ruche_write")) {
      // This body's changes cannot be undone alone: drop the whole
      // transaction; run_group re-runs the neighbours.
      (void)writer_->simple("ROLLBACK");
    }
  }

  const Config config_;
  std::unique_ptr<SqliteConn> writer_;
  std::vector<std::unique_ptr<SqliteConn>> readers_;

  mutable std::mutex reader_mutex_;
  std::condition_variable reader_cv_;
  std::vector<SqliteConn*> idle_readers_;
  std::int64_t reader_waiters_ = 0;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<WriteRequest*> queue_;
  bool stopping_ = false;

  std::atomic<bool> writer_busy_{false};
  std::atomic<std::int64_t> commits_{0};
  std::atomic<std::int64_t> writes_{0};
  std::thread writer_thread_;

  sqlite3* checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stop_ = false;
  std::atomic<std::int64_t> checkpoints_{0};
  std::thread checkpoint_thread_;
};

// SQLite counts every allocation in global statistics under one global
// mutex by default: with the writer and the readers allocating on several
// threads, that mutex was among the writer's costliest calls. Nothing here
// reads those statistics. Must precede SQLite's initialization (the first
// open); later it is refused and nothing changes.
//
// Not changed, measured: the savepoint journal's spill threshold
// (SQLITE_CONFIG_STMTJRNL_SPILL). At 512 KiB a body whose journal outgrew it
// failed with SQLITE_FULL on SQLite 3.40 (DbTest.LargeBodiesCommitAndRollBackWhole),
// and the temporary file it saves showed no gain on uploads.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::uint64_t> snapshot(const std::string& source, const std::string& dest) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return fail(Errc::not_found, "no database at " + source);
  if (fs::exists(dest, ec)) return fail(Errc::conflict, dest + " exists");
  struct Handle {
    sqlite3* db = nullptr;
    ~Handle() { sqlite3_close_v2(db); }
  } src, out;
  auto failed = [&](sqlite3* db, int rc, std::string_view what) {
    Error e = map_error(db, rc, {});
    e.message = "snapshot of " + source + ": " + std::string(what) + ": " + e.message;
    if (e.code == Errc::internal && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
      e.code = Errc::unavailable;
    sqlite3_close_v2(out.db);
    out.db = nullptr;
    fs::remove(dest, ec);
    return tl::unexpected<Error>(std::move(e));
  };
  // Read-write without CREATE: a WAL database's readers use its -shm file.
  int rc = sqlite3_open_v2(source.c_str(), &src.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) return failed(src.db, rc, "open");
  sqlite3_busy_timeout(src.db, 30'000);
  sqlite3_exec(src.db, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  rc = sqlite3_open_v2(dest.c_str(), &out.db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return failed(out.db, rc, "create the copy");
  ::chmod(dest.c_str(), 0600);
  sqlite3_backup* b = sqlite3_backup_init(out.db, "main", src.db, "main");
  if (b == nullptr) return failed(out.db, sqlite3_errcode(out.db), "start");
  // Every page in one step: one read transaction of the source, so writers
  // on it never restart the copy.
  rc = sqlite3_backup_step(b, -1);
  const int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return failed(out.db, rc, "copy");
  if (finished != SQLITE_OK) return failed(out.db, finished, "copy");
  // The copy took the source's header (WAL mode): one file, synced when its
  // journal mode changes, and once more below.
  rc = sqlite3_exec(out.db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return failed(out.db, rc, "journal mode");
  sqlite3_stmt* check = nullptr;
  rc = sqlite3_prepare_v2(out.db, "PRAGMA quick_check", -1, &check, nullptr);
  if (rc != SQLITE_OK) return failed(out.db, rc, "check");
  std::string verdict;
  if (sqlite3_step(check) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(check, 0);
    verdict = t ? reinterpret_cast<const char*>(t) : "";
  }
  sqlite3_finalize(check);
  if (verdict != "ok") {
    sqlite3_close_v2(out.db);
    out.db = nullptr;
    fs::remove(dest, ec);
    return fail(Errc::internal, "snapshot of " + source + " does not check out: " + verdict);
  }
  sqlite3_close_v2(out.db);
  out.db = nullptr;
  const int fd = ::open(dest.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  const auto size = fs::file_size(dest, ec);
  if (!synced || ec) {
    fs::remove(dest, ec);
    return fail(Errc::unavailable, "snapshot of " + source + ": cannot sync " + dest);
  }
  return static_cast<std::uint64_t>(size);
}

Result<std::unique_ptr<Database>> open_sqlite(const Config& config) {
  configure_sqlite_once();
  if (config.sqlite_path.empty() || config.sqlite_path == ":memory:" ||
      config.sqlite_path.rfind("file:", 0) == 0) {
    return fail(Errc::invalid, "sqlite: sqlite_path must be a file path");
  }
  if (config.readers < 1 || config.max_group < 1 || config.checkpoint_pages < 1 || config.wal_size_limit_bytes < 0 ||
      config.busy_timeout_ms < 0) {
    return fail(Errc::invalid,
                "sqlite: readers, max_group and checkpoint_pages must be >= 1, wal_size_limit_bytes >= 0");
  }
  const std::filesystem::path parent = std::filesystem::path(config.sqlite_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fail(Errc::internal,
                  "sqlite: cannot create directory " + parent.string() + ": " + ec.message());
    }
  }
  RUCHE_TRY(auto writer, open_connection(config, true));
  std::vector<std::unique_ptr<SqliteConn>> readers;
  for (int i = 0; i < config.readers; ++i) {
    RUCHE_TRY(auto reader, open_connection(config, false));
    readers.push_back(std::move(reader));
  }
  sqlite3* checkpointer = nullptr;
  int rc = sqlite3_open_v2(config.sqlite_path.c_str(), &checkpointer,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(checkpointer);
    return fail(Errc::internal, "sqlite: cannot open the checkpoint connection");
  }
  sqlite3_busy_timeout(checkpointer, config.busy_timeout_ms);
  // A checkpoint fsyncs the database file before the WAL may start over.
  sqlite3_exec(checkpointer, config.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
               nullptr, nullptr, nullptr);
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(config, std::move(writer), std::move(readers), checkpointer));
}

}  // namespace ruche::db::sqlite
