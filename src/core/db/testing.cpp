#include "core/db/testing.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/db/migrate.hpp"

namespace ruche::db::testing {

namespace {

constexpr const char* kDsnVariable = "RUCHE_TEST_PG_DSN";

std::string random_hex() {
  std::random_device rd;
  std::uint64_t n = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i, n >>= 4) out.push_back(kDigits[n & 0xf]);
  return out;
}

std::string pg_dsn() {
  const char* dsn = std::getenv(kDsnVariable);
  if (dsn == nullptr || *dsn == '\0') {
    throw std::runtime_error(std::string(kDsnVariable) +
                             " is not set: run `eval \"$(scripts/pg-test.sh start)\"` first");
  }
  return dsn;
}

// Runs one statement on the server outside any test schema.
void pg_admin(const std::string& sql) {
  Config admin;
  admin.backend = Backend::postgres;
  admin.postgres_dsn = pg_dsn();
  admin.pool_size = 1;
  auto db = open(admin);
  if (!db) throw std::runtime_error("test database: " + db.error().message);
  auto r = (*db)->write([&](Conn& c) { return c.exec_script(sql); });
  if (!r) throw std::runtime_error("test database: " + r.error().message);
}

// Owns the store of the database it forwards to.
class OwningDatabase final : public Database {
 public:
  OwningDatabase(std::unique_ptr<TestStore> store, std::unique_ptr<Database> db)
      : store_(std::move(store)), db_(std::move(db)) {}
  ~OwningDatabase() override {
    db_.reset();
    store_.reset();
  }
  Backend backend() const override { return db_->backend(); }
  Stats stats() const override { return db_->stats(); }

 protected:
  Result<void> read_tx(FunctionRef<Result<void>(Conn&)> body) override {
    return db_->read([&](Conn& c) { return body(c); });
  }
  Result<void> write_tx(FunctionRef<Result<void>(Conn&)> body) override {
    return db_->write([&](Conn& c) { return body(c); });
  }

 private:
  std::unique_ptr<TestStore> store_;
  std::unique_ptr<Database> db_;
};

}  // namespace

TestStore::TestStore(Backend backend) {
  config_.backend = backend;
  if (backend == Backend::sqlite) {
    std::filesystem::path base = std::filesystem::temp_directory_path() / "ruche-db-XXXXXX";
    std::string pattern = base.string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("test database: cannot create a temporary directory");
    }
    temp_dir_ = pattern;
    // A subdirectory that does not exist yet: opening must create it.
    config_.sqlite_path = temp_dir_ + "/data/ruche.db";
  } else {
    config_.postgres_dsn = pg_dsn();
    config_.postgres_schema = "test_" + random_hex();
    pg_admin("CREATE SCHEMA " + config_.postgres_schema);
  }
}

TestStore::~TestStore() {
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
  if (!config_.postgres_schema.empty()) {
    try {
      pg_admin("DROP SCHEMA IF EXISTS " + config_.postgres_schema + " CASCADE");
    } catch (const std::exception&) {
      // The server went away; the private test cluster is thrown away whole.
    }
  }
}

std::unique_ptr<Database> TestStore::open(const Config& config) const {
  auto db = db::open(config);
  if (!db) throw std::runtime_error("test database: " + db.error().message);
  return std::move(*db);
}

std::unique_ptr<Database> open_test_database(Backend backend) {
  auto store = std::make_unique<TestStore>(backend);
  auto db = store->open();
  return std::make_unique<OwningDatabase>(std::move(store), std::move(db));
}

std::unique_ptr<Database> open_migrated_test_database(Backend backend) {
  auto db = open_test_database(backend);
  auto applied = migrate(*db, embedded_migrations(backend));
  if (!applied) throw std::runtime_error("test database: " + applied.error().message);
  return db;
}

}  // namespace ruche::db::testing
