// The Database contract, run on both backends: db_test (SQLite) and
// db_pg_test (PostgreSQL at RUCHE_TEST_PG_DSN), from this one file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/db/database.hpp"
#include "core/db/migrate.hpp"
#include "core/db/sql_text.hpp"
#include "core/db/sqlite/stem_tokenizer.hpp"
#include "core/db/testing.hpp"

namespace ruche::db {
namespace {

namespace dbt = ruche::db::testing;
using namespace std::chrono_literals;

#define ASSERT_OK(expr)                      \
  do {                                       \
    auto&& ok_ = (expr);                     \
    ASSERT_TRUE(ok_) << ok_.error().message; \
  } while (0)

bool on_sqlite() {
  return dbt::test_backend() == Backend::sqlite;
}
std::string blob_type() {
  return on_sqlite() ? "BLOB" : "BYTEA";
}
std::string double_type() {
  return on_sqlite() ? "REAL" : "DOUBLE PRECISION";
}

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<dbt::TestStore>();
    db_ = store_->open();
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
  }

  void script(const std::string& sql) {
    auto r = db_->write([&](Conn& c) { return c.exec_script(sql); });
    ASSERT_TRUE(r) << r.error().message;
  }

  std::int64_t count(Database& db, const std::string& table) {
    auto n = db.read([&](Conn& c) -> Result<std::int64_t> {
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM " + table));
      return row->i64(0);
    });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }
  std::int64_t count(const std::string& table) { return count(*db_, table); }

  std::unique_ptr<dbt::TestStore> store_;
  std::unique_ptr<Database> db_;
};

// --- SQL text helpers (backend independent) ---------------------------------

TEST(SqlText, RewritesPlaceholdersOutsideLiteralsAndComments) {
  EXPECT_EQ(rewrite_placeholders("SELECT $1, $2 + $10"), "SELECT ?1, ?2 + ?10");
  EXPECT_EQ(rewrite_placeholders("SELECT '$1', 'it''s $2', $1"), "SELECT '$1', 'it''s $2', ?1");
  EXPECT_EQ(rewrite_placeholders("SELECT \"$1\", `$2`, [$3] FROM t"),
            "SELECT \"$1\", `$2`, [$3] FROM t");
  EXPECT_EQ(rewrite_placeholders("SELECT $1 -- $2\n, /* $3 */ $4"),
            "SELECT ?1 -- $2\n, /* $3 */ ?4");
  EXPECT_EQ(rewrite_placeholders("SELECT a$1, $x FROM t"), "SELECT a$1, $x FROM t");
  EXPECT_EQ(rewrite_placeholders("SELECT 'unterminated $1"), "SELECT 'unterminated $1");
  EXPECT_EQ(rewrite_placeholders("($1,$2)"), "(?1,?2)");
}

TEST(SqlText, ExcerptIsShortAndOnOneLine) {
  EXPECT_EQ(sql_excerpt("  SELECT\n\t1  FROM   t "), "SELECT 1 FROM t");
  std::string long_sql = "SELECT " + std::string(200, 'x');
  std::string e = sql_excerpt(long_sql);
  EXPECT_EQ(e.size(), 83u);
  EXPECT_EQ(e.substr(80), "...");
  // Never cuts a UTF-8 sequence in half.
  std::string utf8 = std::string(79, 'a') + "é and more";
  EXPECT_EQ(sql_excerpt(utf8), std::string(79, 'a') + "...");
}

TEST(SqlText, TrailingTrivia) {
  EXPECT_TRUE(only_trivia(" ;\n -- done\n /* x */ ;"));
  EXPECT_FALSE(only_trivia("; SELECT 1"));
}

// --- values ------------------------------------------------------------------

TEST_F(DbTest, RoundTripsEveryValueType) {
  script("CREATE TABLE v (id BIGINT PRIMARY KEY, n BIGINT, i BIGINT NOT NULL, d " + double_type() +
         ", s TEXT, b " + blob_type() + ")");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  struct Case {
    std::int64_t i;
    double d;
    std::string s;
    Bytes b;
  };
  const std::vector<Case> cases = {
      {std::numeric_limits<std::int64_t>::min(), -1.5, "", Bytes{""}},
      {std::numeric_limits<std::int64_t>::max(), 3.141592653589793,
       "h\xc3\xa9llo w\xc3\xb6rld \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x9d",
       Bytes{std::string("\0\xff\x00\x80 a\\x00b", 10)}},
      {0, 1e300, "tab\t nl\n quote' dq\" bs\\ ctl\x01\x7f $1 ?1", Bytes{all_bytes}},
      {42, -std::numeric_limits<double>::infinity(), "x", Bytes{"\xff"}},
  };
  ASSERT_OK(db_->write([&](Conn& c) -> Result<void> {
    std::int64_t id = 0;
    for (const Case& k : cases) {
      RUCHE_CHECK(c.exec("INSERT INTO v (id, n, i, d, s, b) VALUES ($1, $2, $3, $4, $5, $6)",
                         {++id, std::optional<std::int64_t>{}, k.i, k.d, k.s, k.b}));
    }
    return {};
  }));
  auto rows =
      db_->read([](Conn& c) { return c.query("SELECT id, n, i, d, s, b FROM v ORDER BY id"); });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Row& r = (*rows)[k];
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r.i64(0), static_cast<std::int64_t>(k + 1));
    EXPECT_TRUE(r.is_null(1));
    EXPECT_EQ(r.opt_i64(1), std::nullopt);
    EXPECT_EQ(r.i64(2), cases[k].i);
    EXPECT_EQ(r.f64(3), cases[k].d);
    EXPECT_EQ(r.text(4), cases[k].s);
    EXPECT_EQ(r.opt_text(4), cases[k].s);
    EXPECT_EQ(r.bytes(5), cases[k].b) << "row " << k;
    EXPECT_TRUE(std::holds_alternative<Bytes>(r.value(5)));
  }
}

TEST_F(DbTest, ConvertsParamsAndNumericText) {
  script("CREATE TABLE p (id TEXT PRIMARY KEY, flag BIGINT NOT NULL, opt BIGINT, amount BIGINT)");
  const UserId user("u1");
  ASSERT_OK(db_->write([&](Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec("INSERT INTO p (id, flag, opt, amount) VALUES ($1, $2, $3, $4)",
                       {user, true, std::optional<int>(7), 5}));
    RUCHE_CHECK(c.exec("INSERT INTO p (id, flag, opt, amount) VALUES ($1, $2, $3, $4)",
                       {"u2", false, std::optional<int>(), 6'000'000'000}));
    return {};
  }));
  auto row = db_->read([](Conn& c) {
    return c.query_one("SELECT SUM(amount), COUNT(*), '42', MAX(flag), CAST(SUM(amount) AS " +
                       double_type() + ") FROM p");
  });
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  const Row& r = **row;
  EXPECT_EQ(r.i64(0), 6'000'000'005);  // NUMERIC on PostgreSQL
  EXPECT_EQ(r.i64(1), 2);
  EXPECT_EQ(r.i64(2), 42);  // text converted
  EXPECT_TRUE(r.boolean(3));
  EXPECT_EQ(r.f64(4), 6'000'000'005.0);
  auto opt =
      db_->read([&](Conn& c) { return c.query_one("SELECT opt FROM p WHERE id = $1", {user}); });
  ASSERT_OK(opt);
  EXPECT_EQ((*opt)->opt_i64(0), 7);
}

TEST_F(DbTest, RewritesPlaceholdersInRealStatements) {
  script("CREATE TABLE p (a BIGINT, b TEXT)");
  ASSERT_OK(db_->write([](Conn& c) {
    return c.exec("INSERT INTO p (b, a) VALUES ($2, $1)", {7, "seven"});
  }));
  auto rows = db_->read([](Conn& c) {
    return c.query(
        "SELECT '$1', $1, 'it''s $2', /* $2 */ b FROM p -- $3\n WHERE a = $1 OR a = $1 + 100", {7});
  });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.text(0), "$1");
  EXPECT_EQ(r.i64(1), 7);
  EXPECT_EQ(r.text(2), "it's $2");
  EXPECT_EQ(r.text(3), "seven");
}

// --- errors and rollback -----------------------------------------------------

TEST_F(DbTest, UniqueViolationIsAConflictAndWritesNothing) {
  script("CREATE TABLE u (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
  ASSERT_OK(db_->write([](Conn& c) {
    return c.exec("INSERT INTO u (id, name) VALUES ($1, $2)", {1, "s3cr3t-name"});
  }));
  auto r = db_->write([](Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec("INSERT INTO u (id, name) VALUES ($1, $2)", {2, "bob"}));
    RUCHE_CHECK(c.exec("INSERT INTO u (id, name) VALUES ($1, $2)", {3, "s3cr3t-name"}));
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(r.error().message.find("s3cr3t"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("INSERT INTO u"), std::string::npos) << r.error().message;
  EXPECT_EQ(count("u"), 1);
}

TEST_F(DbTest, BodyErrorRollsBackAndIsReturned) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  auto r = db_->write([](Conn& c) -> Result<int> {
    RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES ($1)", {1}));
    return fail(Errc::invalid, "changed my mind");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message, "changed my mind");
  EXPECT_EQ(count("t"), 0);
  auto v = db_->write([](Conn& c) -> Result<std::int64_t> {
    return c.exec("INSERT INTO t (id) VALUES ($1), ($2)", {1, 2});
  });
  ASSERT_OK(v);
  EXPECT_EQ(*v, 2);
}

// PostgreSQL cannot go on after a failed statement; SQLite is held to the
// same rule so that code tested here runs there.
TEST_F(DbTest, SwallowedStatementErrorStillFailsTheTransaction) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (1)"); }));
  auto r = db_->write([](Conn& c) -> Result<void> {
    auto dup = c.exec("INSERT INTO t (id) VALUES (1)");
    EXPECT_FALSE(dup);
    auto next = c.exec("INSERT INTO t (id) VALUES (2)");
    EXPECT_FALSE(next);
    return {};  // wrongly claims success
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_EQ(count("t"), 1);
  auto read = db_->read([](Conn& c) -> Result<void> {
    EXPECT_FALSE(c.query("SELECT nope FROM t"));
    return {};
  });
  EXPECT_FALSE(read);
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (2)"); }));
}

#ifndef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, BodiesCannotEndTheirTransaction) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  for (const char* sql : {"COMMIT", "ROLLBACK", "SAVEPOINT x", "BEGIN"}) {
    auto r = db_->write([&](Conn& c) -> Result<void> {
      RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES (1)"));
      return c.exec_script(sql);
    });
    ASSERT_FALSE(r) << sql;
    EXPECT_EQ(r.error().code, Errc::internal);
    EXPECT_EQ(count("t"), 0) << sql;
  }
  auto in_read = db_->read([](Conn& c) { return c.exec("COMMIT"); });
  EXPECT_FALSE(in_read);
}
#endif

TEST_F(DbTest, ErrorsNameTheStatementButNotTheValues) {
  auto syntax = db_->read([](Conn& c) { return c.query("SELEC 1"); });
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, Errc::internal);
  EXPECT_NE(syntax.error().message.find("SELEC 1"), std::string::npos);

  auto arity = db_->read([](Conn& c) { return c.query("SELECT $1, $2", {1}); });
  ASSERT_FALSE(arity);
  EXPECT_EQ(arity.error().code, Errc::internal);

  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  auto write_in_read = db_->read([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (1)"); });
  EXPECT_FALSE(write_in_read);
  EXPECT_EQ(count("t"), 0);

  auto two = db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (1); SELECT 1"); });
  EXPECT_FALSE(two);

  if (!on_sqlite()) {
    auto bad = db_->read(
        [](Conn& c) { return c.query("SELECT CAST($1 AS BIGINT)", {"s3cr3t-not-a-number"}); });
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.find("s3cr3t"), std::string::npos) << bad.error().message;
  }
}

TEST_F(DbTest, ExceptionInBodyPropagatesAndRollsBack) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  EXPECT_THROW((void)db_->write([](Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES (1)"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_THROW((void)db_->read([](Conn&) -> Result<void> { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_EQ(count("t"), 0);
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (2)"); }));
  EXPECT_EQ(count("t"), 1);
}

TEST_F(DbTest, NestedWriteFailsInsteadOfDeadlocking) {
  auto r = db_->write([&](Conn&) -> Result<void> {
    auto inner = db_->write([](Conn&) -> Result<void> { return {}; });
    EXPECT_FALSE(inner);
    if (!inner) {
      EXPECT_EQ(inner.error().code, Errc::internal);
    }
    return {};
  });
  ASSERT_OK(r);
}

// --- on_commit, RETURNING, query_one, each ------------------------------------

TEST_F(DbTest, OnCommitRunsAfterCommitInOrderAndNeverAfterRollback) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  std::vector<int> events;
  std::int64_t seen_by_callback = -1;
  auto r = db_->write([&](Conn& c) -> Result<void> {
    c.on_commit([&] { events.push_back(1); });
    c.on_commit([&] {
      events.push_back(2);
      seen_by_callback = count("t");  // another connection sees the commit
    });
    EXPECT_TRUE(events.empty());
    RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES (1)"));
    return {};
  });
  ASSERT_OK(r);
  EXPECT_EQ(events, (std::vector<int>{1, 2}));
  EXPECT_EQ(seen_by_callback, 1);

  events.clear();
  auto rolled_back = db_->write([&](Conn& c) -> Result<void> {
    c.on_commit([&] { events.push_back(3); });
    return fail(Errc::conflict, "no");
  });
  EXPECT_FALSE(rolled_back);
  auto failed_statement = db_->write([&](Conn& c) -> Result<void> {
    c.on_commit([&] { events.push_back(4); });
    RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES (1)"));
    return {};
  });
  EXPECT_FALSE(failed_statement);
  ASSERT_OK(db_->read([&](Conn& c) -> Result<void> {
    c.on_commit([&] { events.push_back(5); });
    return {};
  }));
  EXPECT_TRUE(events.empty());
}

TEST_F(DbTest, ReturningAndChangeCounts) {
  script("CREATE TABLE r (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
  auto rows = db_->write([](Conn& c) {
    return c.query("INSERT INTO r (id, name) VALUES ($1, $2), ($3, $4) RETURNING id * 2, name",
                   {1, "one", 2, "two"});
  });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].i64(0) + (*rows)[1].i64(0), 6);
  auto changed = db_->write([](Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto n, c.exec("UPDATE r SET name = $1 WHERE id >= $2", {"x", 1}));
    RUCHE_TRY(auto none, c.exec("UPDATE r SET name = $1 WHERE id > $2", {"x", 99}));
    RUCHE_TRY(auto ddl, c.exec("CREATE TABLE other (id BIGINT)"));
    RUCHE_TRY(auto select, c.exec("SELECT id FROM r"));
    if (none != 0 || ddl != 0 || select != 0)
      return fail(Errc::internal, "unexpected change count");
    return n;
  });
  ASSERT_OK(changed);
  EXPECT_EQ(*changed, 2);
  auto deleted = db_->write(
      [](Conn& c) { return c.query_one("DELETE FROM r WHERE id = $1 RETURNING name", {2}); });
  ASSERT_OK(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ((*deleted)->text(0), "x");
}

TEST_F(DbTest, QueryOneWantsAtMostOneRow) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (1), (2)"); }));
  auto none = db_->read([](Conn& c) { return c.query_one("SELECT id FROM t WHERE id = 9"); });
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  auto one = db_->read([](Conn& c) { return c.query_one("SELECT id FROM t WHERE id = $1", {2}); });
  ASSERT_OK(one);
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ((*one)->i64(0), 2);
  auto two = db_->read([](Conn& c) { return c.query_one("SELECT id FROM t"); });
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, Errc::internal);
}

TEST_F(DbTest, EachStreamsAndStopsEarly) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) -> Result<void> {
    for (int i = 1; i <= 100; ++i) RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES ($1)", {i}));
    return {};
  }));
  ASSERT_OK(db_->read([](Conn& c) -> Result<void> {
    int calls = 0;
    std::int64_t last = 0;
    RUCHE_CHECK(c.each("SELECT id FROM t ORDER BY id", {}, [&](const Row& row) {
      ++calls;
      last = row.i64(0);
      return calls < 10;
    }));
    EXPECT_EQ(calls, 10);
    EXPECT_EQ(last, 10);
    // The connection is usable afterwards, the same statement too.
    std::int64_t sum = 0;
    RUCHE_CHECK(c.each("SELECT id FROM t ORDER BY id", {}, [&](const Row& row) {
      sum += row.i64(0);
      return true;
    }));
    EXPECT_EQ(sum, 5050);
    // A statement on the same Conn inside the callback is refused on both backends.
    bool refused = false;
    RUCHE_CHECK(c.each("SELECT id FROM t WHERE id < $1", {3}, [&](const Row&) {
      auto inner = c.query("SELECT 1");
      refused = !inner && inner.error().code == Errc::internal;
      return false;
    }));
    EXPECT_TRUE(refused);
    return {};
  }));
}

// try_each: the step's first error stops the walk and is the answer; a walk
// whose steps all succeed reads every row; the statement's own error comes
// back as it does from each().
TEST_F(DbTest, TryEachStopsAtTheStepsFirstError) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) -> Result<void> {
    for (int i = 1; i <= 10; ++i) RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES ($1)", {i}));
    return {};
  }));
  ASSERT_OK(db_->read([](Conn& c) -> Result<void> {
    std::vector<std::int64_t> seen;
    auto stopped =
        c.try_each("SELECT id FROM t ORDER BY id", {}, [&](const Row& row) -> Result<void> {
          seen.push_back(row.i64(0));
          if (row.i64(0) == 4) return fail(Errc::conflict, "four");
          return {};
        });
    EXPECT_EQ(stopped ? "" : stopped.error().message, "four");
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3, 4}));
    std::int64_t sum = 0;
    EXPECT_TRUE(c.try_each("SELECT id FROM t", {}, [&](const Row& row) -> Result<void> {
      sum += row.i64(0);
      return {};
    }));
    EXPECT_EQ(sum, 55);
    return {};
  }));
  auto bad = db_->read([](Conn& c) {
    return c.try_each("SELECT nope FROM t", {}, [&](const Row&) -> Result<void> { return {}; });
  });
  EXPECT_FALSE(bad);
}

// The newest live rows among several keys, merged newest first; one key's
// alone on SQLite too (several keys' union is PostgreSQL's syntax: the
// searches that use it run there).
TEST_F(DbTest, NewestOfEachMergesTheKeysNewestLiveRows) {
  script("CREATE TABLE t (k TEXT NOT NULL, at BIGINT NOT NULL, gone BIGINT)");
  ASSERT_OK(db_->write([](Conn& c) -> Result<void> {
    // a: 1, 4, 7, 10 (10 gone); b: 2, 5, 8; c: 3, 6, 9.
    for (int i = 1; i <= 10; ++i)
      RUCHE_CHECK(c.exec("INSERT INTO t (k, at, gone) VALUES ($1, $2, $3)",
                         {std::string(1, static_cast<char>('a' + (i - 1) % 3)), i,
                          i == 10 ? Param(std::int64_t{1}) : Param(nullptr)}));
    return {};
  }));
  auto newest = [&](std::vector<std::string> keys, std::int64_t limit) {
    std::vector<Param> params(keys.begin(), keys.end());
    params.emplace_back(limit);
    std::vector<std::int64_t> at;
    auto r = db_->read([&](Conn& c) -> Result<void> {
      return c.each("SELECT n.k, n.at FROM " +
                        newest_of_each("t", "k", 1, keys.size(), "gone IS NULL", "at",
                                       "$" + std::to_string(params.size())) +
                        " n ORDER BY n.at DESC",
                    params, [&](const Row& row) {
                      at.push_back(row.i64(1));
                      return true;
                    });
    });
    EXPECT_TRUE(r) << r.error().message;
    return at;
  };
  EXPECT_EQ(newest({"a"}, 2), (std::vector<std::int64_t>{7, 4}));
  EXPECT_EQ(newest({"a"}, 10), (std::vector<std::int64_t>{7, 4, 1}));
  if (on_sqlite()) return;
  EXPECT_EQ(newest({"a", "b"}, 4), (std::vector<std::int64_t>{8, 7, 5, 4}));
  EXPECT_EQ(newest({"c", "a", "b"}, 5), (std::vector<std::int64_t>{9, 8, 7, 6, 5}));
  EXPECT_EQ(newest({"a", "b", "c"}, 20), (std::vector<std::int64_t>{9, 8, 7, 6, 5, 4, 3, 2, 1}));
}

// --- concurrency ------------------------------------------------------------

TEST_F(DbTest, ReadSeesOneSnapshot) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO t (id) VALUES (1)"); }));
  ASSERT_OK(db_->read([&](Conn& c) -> Result<void> {
    RUCHE_TRY(auto before, c.query_one("SELECT COUNT(*) FROM t"));
    std::thread writer([&] {
      auto w = db_->write([](Conn& wc) { return wc.exec("INSERT INTO t (id) VALUES (2)"); });
      EXPECT_TRUE(w) << w.error().message;
    });
    writer.join();
    RUCHE_TRY(auto after, c.query_one("SELECT COUNT(*) FROM t"));
    EXPECT_EQ(before->i64(0), 1);
    EXPECT_EQ(after->i64(0), 1);
    return {};
  }));
  EXPECT_EQ(count("t"), 2);
}

TEST_F(DbTest, ReadsProceedWhileAWriteIsInProgress) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  std::promise<void> started;
  std::promise<void> finish;
  std::shared_future<void> finish_future = finish.get_future().share();
  std::thread writer([&] {
    auto w = db_->write([&](Conn& c) -> Result<void> {
      RUCHE_CHECK(c.exec("INSERT INTO t (id) VALUES (1)"));
      started.set_value();
      finish_future.wait();
      return {};
    });
    EXPECT_TRUE(w);
  });
  started.get_future().wait();
  auto reader = std::async(std::launch::async, [&] { return count("t"); });
  const bool read_done = reader.wait_for(10s) == std::future_status::ready;
  finish.set_value();
  writer.join();
  ASSERT_TRUE(read_done) << "a read waited for a write";
  EXPECT_EQ(reader.get(), 0);  // the uncommitted row is invisible
  EXPECT_EQ(count("t"), 1);
}

TEST_F(DbTest, ManyReadersShareASmallPool) {
  script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  Config c = store_->config();
  c.readers = 2;
  c.pool_size = 2;
  auto db = store_->open(c);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = db->read([](Conn& conn) -> Result<void> {
          RUCHE_CHECK(conn.query("SELECT COUNT(*) FROM t"));
          std::this_thread::sleep_for(1ms);
          return {};
        });
        if (r) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 120);
  EXPECT_EQ(db->stats().busy, 0);
}

TEST_F(DbTest, WaitingForAConnectionTimesOut) {
  Config c = store_->config();
  c.readers = 1;
  c.pool_size = 1;
  c.busy_timeout_ms = 100;
  auto db = store_->open(c);
  std::promise<void> holding;
  std::promise<void> release;
  std::shared_future<void> release_future = release.get_future().share();
  std::thread holder([&] {
    auto r = db->read([&](Conn&) -> Result<void> {
      holding.set_value();
      release_future.wait();
      return {};
    });
    EXPECT_TRUE(r);
  });
  holding.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  auto r = db->read([](Conn&) -> Result<void> { return {}; });
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(db->stats().busy, 1);
  release.set_value();
  holder.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_GE(waited, 90ms);
}

// 8 threads x 500 single-row writes: all durable and counted; on SQLite the
// writer thread grouped them (fewer commits than writes).
TEST_F(DbTest, GroupCommitKeepsEveryWrite) {
  script("CREATE TABLE g (id BIGINT PRIMARY KEY, thread BIGINT NOT NULL, seq BIGINT NOT NULL)");
  constexpr int kThreads = 8;
  constexpr int kWrites = 500;
  const Stats before = db_->stats();
  std::atomic<int> failures{0};
  std::atomic<int> callbacks{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < kWrites; ++j) {
        auto r = db_->write([&](Conn& c) -> Result<void> {
          c.on_commit([&] { ++callbacks; });
          RUCHE_CHECK(c.exec("INSERT INTO g (id, thread, seq) VALUES ($1, $2, $3)",
                             {t * 100000 + j, t, j}));
          return {};
        });
        if (!r) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Stats after = db_->stats();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(callbacks.load(), kThreads * kWrites);
  EXPECT_EQ(count("g"), kThreads * kWrites);
  EXPECT_EQ(after.writes - before.writes, kThreads * kWrites);
  if (on_sqlite()) {
    EXPECT_LT(after.commits - before.commits, after.writes - before.writes);
  }
  std::printf(
      "[ figures  ] %s: %d writes from %d threads in %.2f s = %.0f writes/s, %lld commits\n",
      std::string(backend_name(db_->backend())).c_str(), kThreads * kWrites, kThreads, seconds,
      kThreads * kWrites / seconds, static_cast<long long>(after.commits - before.commits));
}

// Prints durable single-row writes per second, 1 thread vs 8 (no assertion
// on timing). SQLite runs with synchronous=FULL here.
TEST_F(DbTest, PrintsWriteThroughput) {
  script("CREATE TABLE g (id BIGINT PRIMARY KEY)");
  std::atomic<int> next{0};
  auto run = [&](int threads, int per_thread) {
    const Stats before = db_->stats();
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (int j = 0; j < per_thread; ++j) {
          const int id = next++;
          auto r =
              db_->write([&](Conn& c) { return c.exec("INSERT INTO g (id) VALUES ($1)", {id}); });
          EXPECT_TRUE(r);
        }
      });
    }
    for (auto& th : pool) th.join();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Stats after = db_->stats();
    const char* durability = !on_sqlite()                        ? "test cluster, fsync off"
                             : store_->config().synchronous_full ? "synchronous=FULL"
                                                                 : "synchronous=NORMAL";
    std::printf("[ figures  ] %s (%s): %d thread(s): %.0f writes/s (%.2f writes per commit)\n",
                std::string(backend_name(db_->backend())).c_str(), durability, threads,
                threads * per_thread / s,
                static_cast<double>(after.writes - before.writes) /
                    static_cast<double>(std::max<std::int64_t>(1, after.commits - before.commits)));
  };
  run(1, 200);
  run(8, 100);
  run(32, 50);
}

// A body that changes more pages than a savepoint's journal keeps in memory
// (SQLite spills it to a temporary file): it commits, and a failing one
// after it is undone whole.
TEST_F(DbTest, LargeBodiesCommitAndRollBackWhole) {
  script("CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
  constexpr int kRows = 20000;  // ~4 MiB of values
  const std::string value(200, 'a');
  auto fill = db_->write([&](Conn& c) -> Result<void> {
    for (int i = 0; i < kRows; ++i) RUCHE_CHECK(c.exec("INSERT INTO big (id, v) VALUES ($1, $2)", {i, value}));
    return {};
  });
  ASSERT_TRUE(fill) << fill.error().message;
  auto rewrite = [&](const std::string& v, bool then_fail) {
    return db_->write([&](Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE big SET v = $1", {v}));
      if (then_fail) return fail(Errc::conflict, "changed my mind");
      return {};
    });
  };
  auto updated = rewrite(std::string(200, 'b'), false);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_FALSE(rewrite(std::string(200, 'c'), true));
  auto values = db_->read([&](Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM big WHERE v = $1", {std::string(200, 'b')}));
    return row->i64(0);
  });
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values, kRows);
}

TEST_F(DbTest, FailingWriteInAGroupLeavesItsNeighboursAlone) {
  script("CREATE TABLE f (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO f (id) VALUES (0)"); }));
  const Stats before = db_->stats();
  // On SQLite the first write holds the writer thread until the next four are
  // queued, so those four share one transaction.
  std::promise<void> gate_started;
  std::thread gate([&] {
    auto r = db_->write([&](Conn& c) -> Result<void> {
      RUCHE_CHECK(c.exec("INSERT INTO f (id) VALUES (100)"));
      gate_started.set_value();
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (on_sqlite() && db_->stats().waiting < 4 &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
      return {};
    });
    EXPECT_TRUE(r);
  });
  gate_started.get_future().wait();
  std::atomic<int> callbacks{0};
  auto insert = [&](int id, bool then_fail) {
    return std::async(std::launch::async, [&, id, then_fail] {
      return db_->write([&](Conn& c) -> Result<void> {
        c.on_commit([&] { ++callbacks; });
        RUCHE_CHECK(c.exec("INSERT INTO f (id) VALUES ($1)", {id}));
        if (then_fail) return fail(Errc::invalid, "body says no");
        return {};
      });
    });
  };
  auto ok1 = insert(1, false);
  auto dup = insert(0, false);
  auto ok2 = insert(2, false);
  auto refused = insert(3, true);
  auto r1 = ok1.get();
  auto rd = dup.get();
  auto r2 = ok2.get();
  auto rr = refused.get();
  gate.join();
  EXPECT_TRUE(r1) << r1.error().message;
  EXPECT_TRUE(r2) << r2.error().message;
  ASSERT_FALSE(rd);
  EXPECT_EQ(rd.error().code, Errc::conflict);
  ASSERT_FALSE(rr);
  EXPECT_EQ(rr.error().code, Errc::invalid);
  EXPECT_EQ(callbacks.load(), 2);
  auto ids = db_->read([](Conn& c) { return c.query("SELECT id FROM f ORDER BY id"); });
  ASSERT_OK(ids);
  std::vector<std::int64_t> got;
  for (const Row& row : *ids) got.push_back(row.i64(0));
  EXPECT_EQ(got, (std::vector<std::int64_t>{0, 1, 2, 100}));
  if (on_sqlite()) {
    EXPECT_EQ(db_->stats().commits - before.commits, 2);  // the gate's group, then the four
    EXPECT_EQ(db_->stats().writes - before.writes, 3);
  }
}

// Holds the writer thread in a write of its own (inserting 100 into f)
// while writes queue one after the other, so that on SQLite they then run
// as one group, in the order queued. release() lets them all run and
// returns their results in that order.
class HeldGroup {
 public:
  explicit HeldGroup(Database& db) : db_(db) {
    gate_ = std::thread([this] {
      auto r = db_.write([&](Conn& c) -> Result<void> {
        RUCHE_CHECK(c.exec("INSERT INTO f (id) VALUES (100)"));
        started_.set_value();
        queued_.get_future().wait();
        return {};
      });
      EXPECT_TRUE(r);
    });
    started_.get_future().wait();
  }
  ~HeldGroup() {
    if (gate_.joinable()) release();
  }

  void queue(std::function<Result<void>(Conn&)> body) {
    const std::int64_t waiting = db_.stats().waiting;
    writes_.push_back(std::async(std::launch::async, [this, body = std::move(body)] {
      return db_.write([&](Conn& c) { return body(c); });
    }));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (on_sqlite() && db_.stats().waiting <= waiting && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
  }

  std::vector<Result<void>> release() {
    queued_.set_value();
    gate_.join();
    std::vector<Result<void>> out;
    for (auto& w : writes_) out.push_back(w.get());
    return out;
  }

 private:
  Database& db_;
  std::promise<void> started_;
  std::promise<void> queued_;
  std::thread gate_;
  std::vector<std::future<Result<void>>> writes_;
};

// The first body of a group fails after writing: its changes go, the rest
// of the group commits.
TEST_F(DbTest, FailingFirstWriteOfAGroupLeavesTheOthersAlone) {
  script("CREATE TABLE f (id BIGINT PRIMARY KEY)");
  ASSERT_OK(db_->write([](Conn& c) { return c.exec("INSERT INTO f (id) VALUES (0)"); }));
  const Stats before = db_->stats();
  // The gate holds the writer thread while the four others queue one after
  // the other, so the refused one is first in the next group.
  HeldGroup group(*db_);
  std::atomic<int> callbacks{0};
  auto insert = [&](int id, bool then_fail) {
    return [&, id, then_fail](Conn& c) -> Result<void> {
      c.on_commit([&] { ++callbacks; });
      RUCHE_CHECK(c.exec("INSERT INTO f (id) VALUES ($1)", {id}));
      if (then_fail) return fail(Errc::invalid, "body says no");
      return {};
    };
  };
  group.queue(insert(3, true));  // first of the group, refused after writing
  group.queue(insert(1, false));
  group.queue(insert(0, false));  // duplicate: conflict
  group.queue(insert(2, false));
  auto results = group.release();
  auto& rr = results[0];
  auto& r1 = results[1];
  auto& rd = results[2];
  auto& r2 = results[3];
  ASSERT_FALSE(rr);
  EXPECT_EQ(rr.error().code, Errc::invalid);
  EXPECT_TRUE(r1) << r1.error().message;
  ASSERT_FALSE(rd);
  EXPECT_EQ(rd.error().code, Errc::conflict);
  EXPECT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(callbacks.load(), 2);
  auto ids = db_->read([](Conn& c) { return c.query("SELECT id FROM f ORDER BY id"); });
  ASSERT_OK(ids);
  std::vector<std::int64_t> got;
  for (const Row& row : *ids) got.push_back(row.i64(0));
  EXPECT_EQ(got, (std::vector<std::int64_t>{0, 1, 2, 100}));
  if (on_sqlite()) {
    EXPECT_EQ(db_->stats().commits - before.commits, 2);  // the gate's group, then the four
    EXPECT_EQ(db_->stats().writes - before.writes, 3);
  }
}

// Bodies run without a savepoint each until one fails: then the group's
// transaction is rolled back, the failing body keeps its error, the bodies
// before it run again (once) and the rest each in a savepoint, so a second
// failure in the group re-runs nothing. Every effect and callback once.
TEST_F(DbTest, AFailingBodyRunsTheOnesBeforeItAgainOnceAndTheRestInSavepoints) {
  script("CREATE TABLE f (id BIGINT PRIMARY KEY)");
  const Stats before = db_->stats();
  HeldGroup group(*db_);
  std::atomic<int> callbacks{0};
  std::array<std::atomic<int>, 5> runs{};
  auto queue = [&](int i, bool then_fail) {
    group.queue([&, i, then_fail](Conn& c) -> Result<void> {
      ++runs[static_cast<std::size_t>(i)];
      c.on_commit([&] { ++callbacks; });
      RUCHE_CHECK(c.exec("INSERT INTO f (id) VALUES ($1)", {i}));
      if (then_fail) return fail(Errc::invalid, "body says no");
      return {};
    });
  };
  queue(0, false);
  queue(1, true);  // rolls the group back: 0 runs again
  queue(2, false);
  queue(3, true);  // in its savepoint: nothing runs again
  queue(4, false);
  std::vector<bool> ok;
  for (auto& w : group.release()) ok.push_back(w.has_value());
  EXPECT_EQ(ok, (std::vector<bool>{true, false, true, false, true}));
  EXPECT_EQ(callbacks.load(), 3);
  auto ids = db_->read([](Conn& c) { return c.query("SELECT id FROM f ORDER BY id"); });
  ASSERT_OK(ids);
  std::vector<std::int64_t> got;
  for (const Row& row : *ids) got.push_back(row.i64(0));
  EXPECT_EQ(got, (std::vector<std::int64_t>{0, 2, 4, 100}));
  std::vector<int> ran;
  for (auto& n : runs) ran.push_back(n.load());
  if (on_sqlite()) {
    EXPECT_EQ(ran, (std::vector<int>{2, 1, 1, 1, 1}));
    EXPECT_EQ(db_->stats().commits - before.commits, 2);  // the gate's group, then the five
    EXPECT_EQ(db_->stats().writes - before.writes, 4);
  } else {
    EXPECT_EQ(ran, (std::vector<int>{1, 1, 1, 1, 1}));
  }
}

// Config::run_writes_twice (tests of whole servers): on SQLite every body of
// a group runs, is rolled back, runs again; one commit keeps the second
// run, and only its on_commit callbacks run. A failing body fails once.
// PostgreSQL has no group to run again: the setting changes nothing there.
TEST_F(DbTest, RunWritesTwiceRunsEveryBodyAgainBeforeItsCommit) {
  const int twice = on_sqlite() ? 2 : 1;
  Config c = store_->config();
  c.run_writes_twice = true;
  auto db = store_->open(c);
  ASSERT_OK(db->write([](Conn& conn) { return conn.exec_script("CREATE TABLE twice (id BIGINT PRIMARY KEY)"); }));
  int runs = 0, callbacks = 0;
  ASSERT_OK(db->write([&](Conn& conn) -> Result<void> {
    ++runs;
    conn.on_commit([&] { ++callbacks; });
    RUCHE_CHECK(conn.exec("INSERT INTO twice (id) VALUES (1)"));  // a second insert would be a conflict
    return {};
  }));
  EXPECT_EQ(runs, twice);
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(count(*db, "twice"), 1);
  runs = 0;
  auto refused = db->write([&](Conn&) -> Result<void> {
    ++runs;
    return fail(Errc::invalid, "no");
  });
  EXPECT_FALSE(refused);
  EXPECT_EQ(runs, 1);
}

// A counter taken in the write, as chat's channel numbers and the outbox's
// are: with bodies failing after taking a number, wherever they fall in
// their group, the numbers kept are 1..N without a gap, in commit order.
TEST_F(DbTest, CountersStayGaplessWhenBodiesFail) {
  script("CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
  script("CREATE TABLE taken (n BIGINT PRIMARY KEY, thread BIGINT NOT NULL)");
  ASSERT_OK(
      db_->write([](Conn& c) { return c.exec("INSERT INTO counter (id, n) VALUES (1, 0)"); }));
  constexpr int kThreads = 8;
  constexpr int kWrites = 60;
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < kWrites; ++j) {
        const bool fails = (t + j) % 3 == 0;
        auto r = db_->write([&](Conn& c) -> Result<void> {
          RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE counter SET n = n + 1 WHERE id = 1"));
          RUCHE_TRY(auto row, c.query_one("SELECT n FROM counter WHERE id = 1"));
          RUCHE_TRY([[maybe_unused]] auto k,
                    c.exec("INSERT INTO taken (n, thread) VALUES ($1, $2)", {row->i64(0), t}));
          if (fails) return fail(Errc::invalid, "body says no");
          return {};
        });
        if (r) {
          ++succeeded;
        } else if (r.error().code == Errc::invalid) {
          ++refused;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(succeeded.load() + refused.load(), kThreads * kWrites);
  EXPECT_EQ(refused.load(), kThreads * kWrites / 3);
  auto rows = db_->read([](Conn& c) { return c.query("SELECT n FROM taken ORDER BY n"); });
  ASSERT_OK(rows);
  ASSERT_EQ(static_cast<int>(rows->size()), succeeded.load());
  for (std::size_t i = 0; i < rows->size(); ++i)
    ASSERT_EQ((*rows)[i].i64(0), static_cast<std::int64_t>(i) + 1);
  auto last = db_->read([](Conn& c) { return c.query_one("SELECT n FROM counter WHERE id = 1"); });
  ASSERT_OK(last);
  EXPECT_EQ((*last)->i64(0), succeeded.load());
}

TEST_F(DbTest, StatsCountConnections) {
  const Stats s = db_->stats();
  EXPECT_GE(s.connections, 1);
  EXPECT_EQ(s.busy, 0);
  EXPECT_EQ(s.waiting, 0);
  ASSERT_OK(db_->read([&](Conn&) -> Result<void> {
    EXPECT_GE(db_->stats().busy, 1);
    return {};
  }));
}

// --- backend specifics ---------------------------------------------------------

// A write acknowledged to the caller survives the process being killed right
// after: the child writes, then dies by SIGKILL; the parent reopens.
#ifndef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, SqliteWriteSurvivesKill9) {
  script("CREATE TABLE d (id BIGINT PRIMARY KEY, note TEXT NOT NULL)");
  db_.reset();  // no other threads when forking
  const Config config = store_->config();
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    auto db = open(config);
    if (!db) _exit(2);
    auto r = (*db)->write([](Conn& c) {
      return c.exec("INSERT INTO d (id, note) VALUES ($1, $2)", {42, "acknowledged"});
    });
    if (!r) _exit(3);
    raise(SIGKILL);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  db_ = store_->open();
  auto row =
      db_->read([](Conn& c) { return c.query_one("SELECT note FROM d WHERE id = $1", {42}); });
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->text(0), "acknowledged");
}
#endif

// A snapshot taken while writes commit holds whole transactions only (each
// writes two rows), opens as a database of its own with no WAL beside it,
// and never goes over an existing file.
#ifndef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, SqliteSnapshotWhileWritingHoldsWholeTransactions) {
  script("CREATE TABLE pairs (id BIGINT PRIMARY KEY, half BIGINT NOT NULL)");
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> committed{0};
  std::thread writer([&] {
    for (std::int64_t i = 0; !stop || committed < 50; ++i) {
      auto r = db_->write([&](Conn& c) -> Result<void> {
        RUCHE_CHECK(c.exec("INSERT INTO pairs (id, half) VALUES ($1, 0)", {2 * i}));
        RUCHE_CHECK(c.exec("INSERT INTO pairs (id, half) VALUES ($1, 1)", {2 * i + 1}));
        return {};
      });
      ASSERT_OK(r);
      committed++;
    }
  });
  while (committed < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string source = store_->config().sqlite_path;
  const std::string copy = source + ".snapshot";
  auto size = snapshot_sqlite(source, copy);
  stop = true;
  writer.join();
  ASSERT_OK(size);
  script(
      "INSERT INTO pairs (id, half) VALUES (-2, 0); INSERT INTO pairs (id, half) VALUES (-1, 1)");
  EXPECT_EQ(*size, std::filesystem::file_size(copy));
  EXPECT_FALSE(std::filesystem::exists(copy + "-wal"));

  Config config = store_->config();
  config.sqlite_path = copy;
  auto snap = open(config);
  ASSERT_OK(snap);
  const std::int64_t rows = count(**snap, "pairs");
  EXPECT_GE(rows, 40);
  EXPECT_EQ(rows % 2, 0);
  EXPECT_LT(rows, count("pairs"));  // the writes after it are not in it
  snap->reset();

  auto again = snapshot_sqlite(source, copy);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  auto none = snapshot_sqlite(source + ".absent", copy + ".2");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(copy + ".2"));
}
#endif

#ifndef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, SqliteCheckpointsOffTheWriterAndKeepsTheWalBounded) {
  script("CREATE TABLE big (id BIGINT PRIMARY KEY, data BLOB NOT NULL)");
  Config config = store_->config();
  config.checkpoint_pages = 1000;
  auto db = store_->open(config);
  const std::string wal = config.sqlite_path + "-wal";
  std::int64_t id = 0;
  // Five rounds of ~4 MiB (about 1,000 pages each): each one passes the
  // checkpoint threshold and must be followed by a checkpoint.
  for (int round = 0; round < 5; ++round) {
    std::int64_t before = db->stats().checkpoints;
    for (int i = 0; i < 10; ++i) {
      auto r = db->write([&](Conn& c) -> Result<void> {
        for (int k = 0; k < 100; ++k) {
          const Bytes data{std::string(4000, static_cast<char>('a' + k % 26))};
          RUCHE_CHECK(c.exec("INSERT INTO big (id, data) VALUES ($1, $2)", {++id, data}));
        }
        return {};
      });
      ASSERT_OK(r);
    }
    for (int wait = 0; wait < 500 && db->stats().checkpoints == before; ++wait) std::this_thread::sleep_for(10ms);
    ASSERT_GT(db->stats().checkpoints, before) << "round " << round;
  }
  EXPECT_EQ(count("big"), 5000);
  // 20 MB went through the WAL; after checkpoints it starts over instead of
  // growing with everything ever written.
  std::error_code ec;
  auto size = std::filesystem::file_size(wal, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_LT(size, 12u << 20);
}
#endif

#ifndef RUCHE_TEST_BACKEND_POSTGRES
// A reader's snapshot keeps the WAL from starting over, so it grows with
// what is written meanwhile; once the reader is gone and the WAL starts
// over, its file is cut back to Config::wal_size_limit_bytes.
TEST_F(DbTest, SqliteGivesBackWhatTheWalGrewTo) {
  script("CREATE TABLE big (id BIGINT PRIMARY KEY, data BLOB NOT NULL)");
  Config config = store_->config();
  config.checkpoint_pages = 100;
  config.wal_size_limit_bytes = 1 << 20;
  auto db = store_->open(config);
  const std::string wal = config.sqlite_path + "-wal";
  std::int64_t id = 0;
  auto write_mib = [&](int mib) {
    for (int i = 0; i < mib; ++i) {
      ASSERT_OK(db->write([&](Conn& c) -> Result<void> {
        for (int k = 0; k < 256; ++k)
          RUCHE_CHECK(c.exec("INSERT INTO big (id, data) VALUES ($1, $2)", {++id, Bytes{std::string(4000, 'w')}}));
        return {};
      }));
    }
  };
  auto wal_size = [&] {
    std::error_code ec;
    const auto n = std::filesystem::file_size(wal, ec);
    return ec ? std::uintmax_t{0} : n;
  };
  {
    std::promise<void> release;
    std::promise<void> reading;
    std::thread reader([&] {
      ASSERT_OK(db->read([&](Conn& c) -> Result<void> {
        RUCHE_TRY([[maybe_unused]] auto n, c.query_one("SELECT COUNT(*) FROM big", {}));
        reading.set_value();
        release.get_future().wait();
        return {};
      }));
    });
    reading.get_future().wait();
    write_mib(8);
    EXPECT_GT(wal_size(), 8u << 20);  // held by the reader's snapshot
    release.set_value();
    reader.join();
  }
  // The next writes after a checkpoint that copied everything start the
  // WAL over; the checkpoint runs on its own thread, so a few rounds.
  for (int round = 0; round < 100 && wal_size() > (2u << 20); ++round) {
    write_mib(1);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_LE(wal_size(), 2u << 20);
}
#endif

#ifndef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, SqliteCreatesTheDirectoryAndRefusesMemoryPaths) {
  Config c = store_->config();
  c.sqlite_path += ".d/deeper/again.db";
  auto db = open(c);
  ASSERT_OK(db);
  c.sqlite_path = ":memory:";
  auto mem = open(c);
  ASSERT_FALSE(mem);
  EXPECT_EQ(mem.error().code, Errc::invalid);
  Config never = store_->config();
  never.checkpoint_pages = 0;  // a WAL that would never be checkpointed
  auto unbounded = open(never);
  ASSERT_FALSE(unbounded);
  EXPECT_EQ(unbounded.error().code, Errc::invalid);
}
#endif

#ifdef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, PostgresRetriesADeadlockedWrite) {
  script("CREATE TABLE dl (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
  ASSERT_OK(
      db_->write([](Conn& c) { return c.exec("INSERT INTO dl (id, v) VALUES (1, 0), (2, 0)"); }));
  std::barrier both_locked(2);
  std::atomic<int> runs{0};
  std::atomic<int> commits{0};
  auto cross = [&](int first, int second) {
    int attempt = 0;
    return db_->write([&, first, second](Conn& c) -> Result<void> {
      ++runs;
      c.on_commit([&] { ++commits; });
      RUCHE_CHECK(c.exec("UPDATE dl SET v = v + 1 WHERE id = $1", {first}));
      if (attempt++ == 0) both_locked.arrive_and_wait();
      RUCHE_CHECK(c.exec("UPDATE dl SET v = v + 1 WHERE id = $1", {second}));
      return {};
    });
  };
  auto a = std::async(std::launch::async, [&] { return cross(1, 2); });
  auto b = std::async(std::launch::async, [&] { return cross(2, 1); });
  auto ra = a.get();
  auto rb = b.get();
  EXPECT_TRUE(ra) << ra.error().message;
  EXPECT_TRUE(rb) << rb.error().message;
  EXPECT_GE(runs.load(), 3);     // the victim ran again
  EXPECT_EQ(commits.load(), 2);  // but its callbacks once
  auto sum = db_->read([](Conn& c) { return c.query_one("SELECT SUM(v) FROM dl"); });
  ASSERT_OK(sum);
  EXPECT_EQ((*sum)->i64(0), 4);
}
#endif

#ifdef RUCHE_TEST_BACKEND_POSTGRES
TEST_F(DbTest, PostgresReplacesADroppedConnection) {
  Config c = store_->config();
  c.pool_size = 1;
  auto db = store_->open(c);
  auto pid_of = [](Conn& conn) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, conn.query_one("SELECT pg_backend_pid()"));
    return row->i64(0);
  };
  auto kill = [&](std::int64_t pid) {
    ASSERT_OK(db_->write([&](Conn& conn) {
      return conn.query("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", {pid});
    }));
    for (int i = 0; i < 500; ++i) {
      auto alive = db_->read([&](Conn& conn) {
        return conn.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", {pid});
      });
      ASSERT_OK(alive);
      if (alive->empty()) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "backend " << pid << " still alive";
  };

  // Killed while idle in the pool: the next call quietly uses a new connection.
  auto first = db->read(pid_of);
  ASSERT_OK(first);
  kill(*first);
  auto second = db->read(pid_of);
  ASSERT_OK(second);
  EXPECT_NE(*second, *first);

  // Killed during a transaction: that call fails as unavailable, the next works.
  auto during = db->read([&](Conn& conn) -> Result<void> {
    RUCHE_TRY(auto pid, pid_of(conn));
    kill(pid);
    RUCHE_CHECK(conn.query("SELECT 1"));
    return {};
  });
  ASSERT_FALSE(during);
  EXPECT_EQ(during.error().code, Errc::unavailable);
  ASSERT_OK(db->read(pid_of));
  EXPECT_EQ(db->stats().connections, 1);
}
#endif

// --- migrations ------------------------------------------------------------

const Migration kAlpha{1, "test_alpha", "CREATE TABLE alpha (id BIGINT PRIMARY KEY);"};
const Migration kBeta{2, "test_beta",
                      "CREATE TABLE beta (id BIGINT PRIMARY KEY);\n"
                      "INSERT INTO beta (id) VALUES (1);\n"
                      "-- a comment with $1 and 'quotes'\n"};
const Migration kGamma{3, "test_gamma", "CREATE TABLE gamma (id BIGINT PRIMARY KEY);"};

TEST_F(DbTest, MigrationsApplyOnceInOrder) {
  auto applied = migrate(*db_, {kBeta, kAlpha});  // any order in, version order applied
  ASSERT_OK(applied);
  EXPECT_EQ(*applied, 2);
  auto again = migrate(*db_, {kAlpha, kBeta});
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  auto more = migrate(*db_, {kAlpha, kBeta, kGamma});
  ASSERT_OK(more);
  EXPECT_EQ(*more, 1);
  EXPECT_EQ(count("beta"), 1);
  auto rows = db_->read([](Conn& c) {
    return c.query(
        "SELECT version, name, checksum, applied_at_ms FROM schema_migrations ORDER BY version");
  });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].i64(0), 2);
  EXPECT_EQ((*rows)[1].text(1), "test_beta");
  EXPECT_EQ((*rows)[1].text(2), migration_checksum(kBeta.sql));
  EXPECT_GT((*rows)[1].i64(3), 1'600'000'000'000);
}

TEST_F(DbTest, MigrationChecksumMismatchIsRefused) {
  ASSERT_OK(migrate(*db_, {kAlpha, kBeta}));
  Migration edited = kAlpha;
  edited.sql = "CREATE TABLE alpha (id BIGINT PRIMARY KEY, extra TEXT);";
  auto r = migrate(*db_, {edited, kBeta, kGamma});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_NE(r.error().message.find("0001_test_alpha was edited"), std::string::npos)
      << r.error().message;
  auto gamma = db_->read([](Conn& c) { return c.query("SELECT id FROM gamma"); });
  EXPECT_FALSE(gamma);  // nothing applied after the refusal
}

TEST_F(DbTest, NewerDatabaseIsRefused) {
  ASSERT_OK(migrate(*db_, {kAlpha, kBeta}));
  auto r = migrate(*db_, {kAlpha});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
}

TEST_F(DbTest, MigrationHoleAndBadListsAreRefused) {
  ASSERT_OK(migrate(*db_, {kAlpha, kGamma}));
  auto hole = migrate(*db_, {kAlpha, kBeta, kGamma});
  ASSERT_FALSE(hole);
  EXPECT_NE(hole.error().message.find("never applied"), std::string::npos) << hole.error().message;
  auto dup = migrate(*db_, {kAlpha, kAlpha});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::internal);
}

TEST_F(DbTest, FailingMigrationKeepsEarlierOnesAndNothingOfItself) {
  const Migration broken{2, "test_broken",
                         "CREATE TABLE half (id BIGINT);\nCREATE TABLE alpha (id BIGINT);"};
  auto r = migrate(*db_, {kAlpha, broken});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("migration 0002_test_broken: "), std::string::npos)
      << r.error().message;
  EXPECT_EQ(count("schema_migrations"), 1);
  auto half = db_->read([](Conn& c) { return c.query("SELECT id FROM half"); });
  EXPECT_FALSE(half);
  auto fixed = migrate(*db_, {kAlpha, kBeta});
  ASSERT_OK(fixed);
  EXPECT_EQ(*fixed, 1);
}

TEST_F(DbTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  auto other = store_->open();
  auto a = std::async(std::launch::async, [&] { return migrate(*db_, {kAlpha, kBeta, kGamma}); });
  auto b = std::async(std::launch::async, [&] { return migrate(*other, {kAlpha, kBeta, kGamma}); });
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_OK(ra);
  ASSERT_OK(rb);
  EXPECT_EQ(*ra + *rb, 3);
  EXPECT_EQ(count("schema_migrations"), 3);
  EXPECT_EQ(count("beta"), 1);
}

TEST(Migrations, ChecksumIsFnv1a64IgnoringCarriageReturns) {
  EXPECT_EQ(migration_checksum(""), "cbf29ce484222325");
  EXPECT_EQ(migration_checksum("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(migration_checksum("A;\r\nB;\r\n"), migration_checksum("A;\nB;\n"));
}

TEST(Migrations, EmbeddedListsAreSortedAndTheSameOnBothBackends) {
  const auto& lite = embedded_migrations(Backend::sqlite);
  const auto& pg = embedded_migrations(Backend::postgres);
  ASSERT_EQ(lite.size(), pg.size());
  for (std::size_t i = 0; i < lite.size(); ++i) {
    EXPECT_EQ(lite[i].version, pg[i].version);
    EXPECT_EQ(lite[i].name, pg[i].name);
    if (i > 0) {
      EXPECT_LT(lite[i - 1].version, lite[i].version);
    }
  }
}

TEST_F(DbTest, EmbeddedMigrationsApply) {
  const auto& list = embedded_migrations(dbt::test_backend());
  auto applied = migrate(*db_, list);
  ASSERT_OK(applied);
  EXPECT_EQ(*applied, static_cast<int>(list.size()));
  auto again = migrate(*db_, list);
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
}

TEST(TestDatabase, OpensAFreshDatabaseAndCleansUp) {
  auto db = dbt::open_test_database();
  ASSERT_TRUE(db);
  ASSERT_OK(db->write([](Conn& c) { return c.exec_script("CREATE TABLE t (id BIGINT)"); }));
  auto other = dbt::open_migrated_test_database();
  auto r = other->read([](Conn& c) { return c.query("SELECT id FROM t"); });
  EXPECT_FALSE(r);  // a different store
  EXPECT_EQ(db->backend(), dbt::test_backend());
}

#ifndef RUCHE_TEST_BACKEND_POSTGRES
// 65 letters: past what the tokenizer stems.
constexpr const char* kLongWord =
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

TEST(DbFullText, StemsFrenchAndEnglishAndIgnoresAccents) {
  auto db = testing::open_test_database();
  ASSERT_TRUE(db->write([](Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec_script("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'ruche')"));
    for (const char* body : {"Les marchés de Noël ouvrent demain", "He runs every morning",
                             "Réunion budgétaire à l'Élysée", "Nothing relevant here", kLongWord}) {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("INSERT INTO docs (body) VALUES ($1)", {body}));
    }
    return {};
  }));
  auto count = [&](const std::string& q) {
    return *db->read([&](Conn& c) -> Result<std::int64_t> {
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM docs WHERE docs MATCH $1", {q}));
      return row->i64(0);
    });
  };
  EXPECT_EQ(count("marché"), 1);     // singular finds plural
  EXPECT_EQ(count("marches"), 1);    // without the accent
  EXPECT_EQ(count("running"), 1);    // English stem
  EXPECT_EQ(count("reunions"), 1);   // accents and plural
  EXPECT_EQ(count("elysee"), 1);
  EXPECT_EQ(count("budget*"), 1);    // prefixes on words
  EXPECT_EQ(count("vélo"), 0);
  EXPECT_EQ(count(kLongWord), 1);  // too long to be stemmed: as it is
}

// The terms the tokenizer gives FTS5 for `text` (`flags`: FTS5_TOKENIZE_*),
// a "+" before those at the same position as the one before, stems' mark
// (\x01) shown as "~".
std::vector<std::string> ruche_terms(const std::string& text, int flags) {
  std::vector<std::string> out;
  sqlite3* raw = nullptr;
  fts5_api* api = nullptr;
  if (sqlite3_open(":memory:", &raw) == SQLITE_OK &&
      sqlite::register_stem_tokenizer(raw) == SQLITE_OK)
    api = sqlite::fts5_api_of(raw);
  void* ctx = nullptr;
  fts5_tokenizer tokenizer{};
  Fts5Tokenizer* instance = nullptr;
  if (api && api->xFindTokenizer(api, "ruche", &ctx, &tokenizer) == SQLITE_OK &&
      tokenizer.xCreate(ctx, nullptr, 0, &instance) == SQLITE_OK) {
    auto collect = [](void* p, int how, const char* term, int len, int, int) {
      std::string shown = how & FTS5_TOKEN_COLOCATED ? "+" : "";
      for (char ch : std::string_view(term, static_cast<std::size_t>(len)))
        shown += ch == '\x01' ? '~' : ch;
      static_cast<std::vector<std::string>*>(p)->push_back(shown);
      return SQLITE_OK;
    };
    EXPECT_EQ(tokenizer.xTokenize(instance, &out, flags, text.data(), static_cast<int>(text.size()),
                                  collect),
              SQLITE_OK);
    tokenizer.xDelete(instance);
  } else {
    ADD_FAILURE() << "no ruche tokenizer";
  }
  sqlite3_close(raw);
  return out;
}

// A document's words are indexed with their stems beside them; a query's
// words are looked up by their stems alone (which every indexed word has),
// a prefix and a word too long to stem as they are.
TEST(DbFullText, QueriesLookWordsUpByTheirStems) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ruche_terms("Réunions, running", FTS5_TOKENIZE_DOCUMENT),
            (V{"reunions", "+~reunion", "running", "+~running", "+~run"}));
  EXPECT_EQ(ruche_terms("Réunions, running", FTS5_TOKENIZE_AUX),
            ruche_terms("Réunions, running", FTS5_TOKENIZE_DOCUMENT));
  EXPECT_EQ(ruche_terms("Réunions, running", FTS5_TOKENIZE_QUERY),
            (V{"~reunion", "~running", "+~run"}));
  EXPECT_EQ(ruche_terms("budg", FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX), (V{"budg", "+~budg"}));
  EXPECT_EQ(ruche_terms(kLongWord, FTS5_TOKENIZE_QUERY), (V{kLongWord}));
  EXPECT_EQ(ruche_terms(kLongWord, FTS5_TOKENIZE_DOCUMENT), (V{kLongWord}));
}

// The tokenizer remembers the stems of words it has seen (up to 20,000, then
// starts over): a word stemmed from memory, before and after it starts
// over, is found like the first time.
TEST(DbFullText, RememberedStemsFindTheSameRows) {
  auto db = testing::open_test_database();
  std::string many;
  for (int i = 0; i < 25'000; ++i) many += "mot" + std::to_string(i) + " ";
  ASSERT_TRUE(db->write([&](Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec_script("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'ruche')"));
    for (const std::string& body :
         {std::string("He runs to the marchés"), std::string("runs marchés runs"), many,
          std::string("Runs, MARCHÉS")}) {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("INSERT INTO docs (body) VALUES ($1)", {body}));
    }
    return {};
  }));
  auto count = [&](const std::string& q) {
    return *db->read([&](Conn& c) -> Result<std::int64_t> {
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM docs WHERE docs MATCH $1", {q}));
      return row->i64(0);
    });
  };
  EXPECT_EQ(count("running"), 3);
  EXPECT_EQ(count("marche"), 3);
  EXPECT_EQ(count("mot24999"), 1);
}
#endif

}  // namespace
}  // namespace ruche::db
