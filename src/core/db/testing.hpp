// Test support for code that stores data: a fresh, empty database per test,
// on SQLite or PostgreSQL, through the same calls.
//
// Store tests are written once and built twice with ruche_db_test() (see
// src/core/db/CMakeLists.txt): `<name>_test` (label unit) runs them on
// SQLite in a temporary directory, `<name>_pg_test` (label pg) on the
// PostgreSQL server named by the environment variable RUCHE_TEST_PG_DSN,
// each store in its own schema. `eval "$(scripts/pg-test.sh start)"` starts a
// private server and sets the variable.
//
//   auto db = db::testing::open_migrated_test_database();
//   ASSERT_TRUE(db->write([](db::Conn& c) { return c.exec("INSERT ..."); }));
#pragma once

#include <memory>
#include <string>

#include "core/db/database.hpp"

namespace ruche::db::testing {

// The backend this test executable was built for (ruche_db_test() defines
// RUCHE_TEST_BACKEND_POSTGRES for the pg one).
inline Backend test_backend() {
#ifdef RUCHE_TEST_BACKEND_POSTGRES
  return Backend::postgres;
#else
  return Backend::sqlite;
#endif
}

// A fresh, empty place for databases: a new temporary directory (SQLite) or
// a new schema with a random name (PostgreSQL). Destroying it removes the
// directory or drops the schema: close every Database opened on it first.
// Construction throws std::runtime_error when the store cannot be made (for
// PostgreSQL: RUCHE_TEST_PG_DSN unset, or the server does not answer), so a
// test fails rather than skips. Not thread-safe; the Databases it opens are.
class TestStore {
 public:
  explicit TestStore(Backend backend = test_backend());
  ~TestStore();
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  Backend backend() const { return config_.backend; }
  // A config opening this store; copy it and adjust readers, max_group, ...
  const Config& config() const { return config_; }
  // Opens a Database on this store; several may be open at once, like
  // several processes or nodes. Throws std::runtime_error on failure.
  std::unique_ptr<Database> open() const { return open(config_); }
  std::unique_ptr<Database> open(const Config& config) const;

 private:
  Config config_;
  std::string temp_dir_;  // SQLite
};

// A Database on its own TestStore, removed when the Database is destroyed.
// Throws std::runtime_error like TestStore.
std::unique_ptr<Database> open_test_database(Backend backend = test_backend());

// The same, with the binary's embedded migrations applied.
std::unique_ptr<Database> open_migrated_test_database(Backend backend = test_backend());

}  // namespace ruche::db::testing
