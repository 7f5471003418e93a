// The Database interface: SQL over SQLite (embedded default) or PostgreSQL
// (scale-out), with the same calls and the same SQL where possible.
//
// SQL uses PostgreSQL-style placeholders ($1, $2, ...) on both backends; the
// SQLite backend rewrites them. Integers are 64-bit, times are BIGINT Unix
// milliseconds, ids are TEXT, booleans are INTEGER 0/1, binary data is
// BLOB/BYTEA (db::Bytes). Backend-specific SQL (full-text search) branches on
// Conn::backend().
//
// Threads: every call blocks; call from worker threads, never from an I/O
// thread. Database is thread-safe; a Conn is used by one thread at a time and
// only inside the read()/write() callback that received it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/function_ref.hpp"
#include "base/id.hpp"
#include "base/result.hpp"

namespace ruche::db {

enum class Backend { sqlite, postgres };
std::string_view backend_name(Backend b);

// Binary data, as a parameter or a column (BLOB / BYTEA).
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// One statement parameter. Converts implicitly from the usual C++ values;
// an empty optional binds NULL.
class Param {
 public:
  using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string_view, const Bytes*>;

  Param(std::nullptr_t) : v_(nullptr) {}  // NOLINT
  Param(bool b) : v_(static_cast<std::int64_t>(b ? 1 : 0)) {}  // NOLINT
  template <class I>
    requires std::is_integral_v<I> && (!std::is_same_v<I, bool>)
  Param(I i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT
  Param(double d) : v_(d) {}  // NOLINT
  Param(std::string_view s) : v_(s) {}  // NOLINT
  Param(const std::string& s) : v_(std::string_view(s)) {}  // NOLINT
  Param(const char* s) : v_(std::string_view(s)) {}  // NOLINT
  Param(const Bytes& b) : v_(&b) {}  // NOLINT
  template <class Tag>
  Param(const Id<Tag>& id) : v_(std::string_view(id.str())) {}  // NOLINT
  template <class T>
  Param(const std::optional<T>& o) : Param(o ? Param(*o) : Param(nullptr)) {}  // NOLINT

  const Value& value() const { return v_; }

 private:
  Value v_;
};

// The parameters of one statement: a braced list ({a, b}) or a vector (a
// dynamic IN list). A view: the parameters live only for the call.
class Params {
 public:
  Params() = default;
  // The braced list lives until the end of the call's full expression, which
  // is as long as a Params lives: g++'s lifetime warning does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
  Params(std::initializer_list<Param> list)  // NOLINT: implicit by design
      : data_(list.begin()), size_(list.size()) {}
#pragma GCC diagnostic pop
  Params(const std::vector<Param>& list)  // NOLINT: implicit by design
      : data_(list.data()), size_(list.size()) {}
  const Param* begin() const { return data_; }
  const Param* end() const { return data_ + size_; }
  std::size_t size() const { return size_; }

 private:
  const Param* data_ = nullptr;
  std::size_t size_ = 0;
};

// "$first, $first+1, ..." for `n` values: the placeholders of an IN list
// built at run time (the values go in Params, never in the text).
std::string placeholders(std::size_t first, std::size_t n);

// A subquery: the newest `limit` rows of `table` among several values of
// `key` (placeholders $first ... $first+n-1), newest by `order`, of those
// `live` keeps. Each value's newest are read through an index on
// (key, order) with `live` as its predicate, and merged: PostgreSQL plans a
// Merge Append, which reads each only as far as the merge needs. Searches
// look here first (chat messages, file names: a word many hold is found
// without the full-text or trigram index). `order` is written before
// " DESC": a list of columns ends each but the last with its own DESC
// ("created_at_ms DESC, id"). PostgreSQL's SQL: SQLite takes one key's
// (n = 1), not a union of parenthesized selects.
std::string newest_of_each(std::string_view table, std::string_view key, std::size_t first, std::size_t n,
                           std::string_view live, std::string_view order, std::string_view limit);

// Past this many values, newest_of_each's arms cost a search more than they
// save when the values' rows are few (PostgreSQL plans each, ~0.15 ms, and
// fetches every row the merge reads, matching or not): the searches then
// ask their index at once (docs/benchmarks.md, "Chat store").
inline constexpr std::size_t kFewArms = 8;

// `text` for a LIKE pattern written with ESCAPE '\': `%`, `_` and `\`
// stand for themselves.
std::string like_escape(std::string_view text);

// One result value. Text and blobs are owned copies.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Bytes>;

// One result row. Accessors check the index and the type; a mismatch is a
// programming error and aborts in debug builds, returns a default otherwise.
// Integers read from a text column (PostgreSQL NUMERIC, COUNT) are converted.
class Row {
 public:
  Row() = default;
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t i) const;
  std::int64_t i64(std::size_t i) const;
  double f64(std::size_t i) const;
  const std::string& text(std::size_t i) const;
  const Bytes& bytes(std::size_t i) const;
  bool boolean(std::size_t i) const { return i64(i) != 0; }
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;
  const Value& value(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// Failures map to Errc: a unique/foreign-key/check violation -> conflict;
// busy, locked, lost connection, pool exhausted -> unavailable; disk full ->
// insufficient_storage; anything else -> internal. Messages never contain
// parameter values. As on PostgreSQL, a failed statement spoils its
// transaction on both backends: later statements fail, and so does the
// transaction even if `fn` returns success. Return the error; to tolerate a
// duplicate, use INSERT ... ON CONFLICT instead of catching the conflict.
class Conn {
 public:
  virtual ~Conn() = default;
  virtual Backend backend() const = 0;

  // Runs one statement and returns every row it produced (RETURNING included).
  virtual Result<Rows> query(std::string_view sql, Params params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> exec(std::string_view sql, Params params = {}) = 0;
  // Runs one statement and calls `fn` for each row as it is read, without
  // holding them all; `fn` returns false to stop early. `fn` must not run
  // statements on this Conn (Errc::internal).
  virtual Result<void> each(std::string_view sql, Params params,
                            FunctionRef<bool(const Row&)> fn) = 0;
  // Runs a script of several statements with no parameters (migrations).
  virtual Result<void> exec_script(std::string_view sql) = 0;

  // Zero or one row; more than one is Errc::internal.
  Result<std::optional<Row>> query_one(std::string_view sql, Params params = {});
  // each() with a step that may fail: its first error stops the walk and is
  // returned (as each()'s own errors are).
  Result<void> try_each(std::string_view sql, Params params,
                        FunctionRef<Result<void>(const Row&)> fn);

  // Appended to a SELECT of one row a write is about to change from what
  // it read (a field of it, a version counted on): " FOR UPDATE" inside a
  // PostgreSQL write(), which runs at READ COMMITTED — another write's
  // change committed between that read and this one's would be lost, a
  // version given twice; "" elsewhere (SQLite's one writer runs writes one
  // after another; a read() changes nothing).
  virtual std::string_view for_update() const { return {}; }

  // Inside write(): `fn` runs once, after the transaction commits durably,
  // on the committing thread, in commit order. Discarded if the write (or,
  // under group commit, its savepoint) rolls back. Inside read(): ignored.
  virtual void on_commit(std::function<void()> fn) = 0;
};

struct Config {
  Backend backend = Backend::sqlite;
  std::string sqlite_path;              // file path; created if absent
  std::string postgres_dsn;             // libpq connection string
  std::string postgres_schema;          // PostgreSQL search_path; empty: the server's
  int readers = 4;                      // SQLite reader connections
  int pool_size = 8;                    // PostgreSQL connections
  int busy_timeout_ms = 5000;           // SQLite busy_timeout; pool wait on PostgreSQL
  bool synchronous_full = true;         // SQLite synchronous=FULL (see docs/storage.md)
  int max_group = 256;                  // SQLite: most writes sharing one commit
  int checkpoint_pages = 8000;          // SQLite: WAL pages (4 KiB) that start a checkpoint
  // SQLite: once the WAL starts over, its file is cut back to this size
  // (journal_size_limit): what a burst made it grow to is given back.
  std::int64_t wal_size_limit_bytes = 64 << 20;
  // SQLite, tests only: every group of writes runs, is rolled back and runs
  // again before its commit — the path a failing neighbour takes — so that
  // a write body with an effect outside its transaction shows.
  bool run_writes_twice = false;
};

struct Stats {
  std::int64_t connections = 0;         // open connections
  std::int64_t busy = 0;                // connections in use now
  std::int64_t waiting = 0;             // callers waiting for a connection
  std::int64_t commits = 0;             // durable commits
  std::int64_t writes = 0;              // write() calls committed
  std::int64_t checkpoints = 0;         // SQLite: WAL checkpoints run (off the writer)
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  virtual Stats stats() const = 0;

  // Runs `fn` on a reader connection inside one read-only transaction (a
  // consistent snapshot across its statements). Returns what `fn` returns.
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F&, Conn&> {
    return run<F>(std::forward<F>(fn), false);
  }

  // Runs `fn` in a write transaction. If `fn` returns an error the
  // transaction rolls back and the error is returned; otherwise this returns
  // only after the commit is durable. `fn` may run more than once (PostgreSQL
  // retries serialization failures and deadlocks; SQLite runs a group again
  // when one of its bodies fails), so it must have no effect outside the
  // connection except through on_commit(). `fn` must not call write() itself.
  //
  // SQLite: one writer thread; concurrent writes are grouped into one
  // transaction and one fsync (group commit). A body that fails is undone
  // alone: its group's transaction is rolled back, the bodies before it run
  // again and the rest run each in a savepoint.
  template <class F>
  auto write(F&& fn) -> std::invoke_result_t<F&, Conn&> {
    return run<F>(std::forward<F>(fn), true);
  }

 protected:
  // Runs `body` in a transaction; `body` returns an error to roll back.
  virtual Result<void> read_tx(FunctionRef<Result<void>(Conn&)> body) = 0;
  virtual Result<void> write_tx(FunctionRef<Result<void>(Conn&)> body) = 0;

 private:
  template <class F>
  auto run(F&& fn, bool writing) -> std::invoke_result_t<F&, Conn&> {
    using R = std::invoke_result_t<F&, Conn&>;
    using T = typename R::value_type;
    std::optional<R> out;
    auto body = [&](Conn& c) -> Result<void> {
      out.emplace(fn(c));
      if (!*out) return tl::unexpected<Error>(out->error());
      return {};
    };
    Result<void> r = writing ? write_tx(body) : read_tx(body);
    if (!r) return tl::unexpected<Error>(r.error());
    if constexpr (std::is_void_v<T>) {
      return {};
    } else {
      return std::move(**out);
    }
  }
};

// Opens the database and checks it answers. Migrations are separate (migrate.hpp).
Result<std::unique_ptr<Database>> open(const Config& config);

// SQLite only: copies the database file `source` into a new file `dest`, as
// one read transaction sees it, while other connections and processes go on
// reading and writing it (sqlite3_backup, one step: a WAL database's writers
// are never blocked). `dest` is a self-contained file (rollback journal, no
// WAL beside it), synced, and checked (PRAGMA quick_check) before this
// returns its size in bytes. Errors: not_found (no `source`), conflict
// (`dest` exists), unavailable (I/O, disk full), internal (the copy does not
// check out); on error no `dest` is left.
Result<std::uint64_t> snapshot_sqlite(const std::string& source, const std::string& dest);

}  // namespace ruche::db
