#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.hpp"
#include "core/crypto/hash.hpp"
#include "sync/engine.hpp"
#include "sync/local_tree.hpp"
#include "sync/remote.hpp"
#include "sync/state.hpp"

namespace ruche::sync {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ruche-sync-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  void write(const std::string& rel, const std::string& data) const {
    std::ofstream(path_ + "/" + rel, std::ios::binary) << data;
  }

 private:
  std::string path_;
};

TEST(SyncNames, ConflictCopiesKeepTheExtension) {
  // 2026-12-03 10:15:00 in the process's zone: compare the shape only.
  std::string c = conflict_name("report.pdf", "laptop", 1'796'292'900'000);
  EXPECT_TRUE(c.starts_with("report (conflict laptop 20")) << c;
  EXPECT_TRUE(c.ends_with(").pdf")) << c;
  EXPECT_TRUE(conflict_name(".bashrc", "pc", 0).starts_with(".bashrc (conflict pc "))
      << "a leading dot is no extension";
  EXPECT_TRUE(conflict_name("notes", "pc", 0).ends_with(")"));
  EXPECT_TRUE(conflict_name("archive.tar.gz", "pc", 0).ends_with(").gz"));
  EXPECT_TRUE(conflict_name("v1.0 of the plan with a long tail", "pc", 0).ends_with(")"))
      << "a long 'extension' is part of the name";
  EXPECT_TRUE(name_problem(conflict_name("report.pdf", "laptop", 0)).empty())
      << "the server takes it";
}

TEST(SyncNames, IgnoredAndRefusedNames) {
  EXPECT_TRUE(ignored_name(".ruche-sync", true));
  EXPECT_FALSE(ignored_name(".ruche-sync", false)) << "only the top one is the work folder";
  for (const char* n : {".DS_Store", "Thumbs.db", "desktop.ini", ".~lock.report.odt#",
                        "~$report.docx", ".#notes.org", "notes.txt~", ".notes.txt.swp"})
    EXPECT_TRUE(ignored_name(n, false)) << n;
  for (const char* n : {"report.odt", ".bashrc", "~notes", "#1 idea", "a~b"})
    EXPECT_FALSE(ignored_name(n, false)) << n;
  EXPECT_TRUE(name_problem("Équipe.txt").empty());
  EXPECT_FALSE(name_problem("E\xcc\x81quipe.txt").empty()) << "NFD is refused, not renamed";
  EXPECT_FALSE(name_problem("a\\b").empty());
  EXPECT_FALSE(name_problem(std::string(256, 'a')).empty());
  EXPECT_FALSE(name_problem("tab\there").empty());
}

TEST(SyncRemote, ServerAddresses) {
  EXPECT_EQ(*normalize_server_url("https://ruche.example.org/", false),
            "https://ruche.example.org");
  EXPECT_EQ(*normalize_server_url("https://ruche.example.org:8443/ruche", false),
            "https://ruche.example.org:8443/ruche");
  EXPECT_EQ(*normalize_server_url("http://127.0.0.1:8080", false), "http://127.0.0.1:8080");
  EXPECT_EQ(*normalize_server_url("http://localhost:8080/", false), "http://localhost:8080");
  EXPECT_EQ(*normalize_server_url("http://[::1]:8080", false), "http://[::1]:8080");
  EXPECT_FALSE(normalize_server_url("http://ruche.example.org", false)) << "no password in clear";
  EXPECT_TRUE(normalize_server_url("http://ruche.example.org", true));
  EXPECT_FALSE(normalize_server_url("http://127.0.0.1.evil.example", false))
      << "a name, not a loopback address";
  EXPECT_FALSE(normalize_server_url("ftp://x", true));
  EXPECT_FALSE(normalize_server_url("https://user:pw@host", false));
  EXPECT_FALSE(normalize_server_url("https://host/?q=1", false));
  EXPECT_FALSE(normalize_server_url("https://", false));
  EXPECT_EQ(encode_segment("a b/é?#%"), "a%20b%2F%C3%A9%3F%23%25");
}

TEST(SyncState, AccountFoldersJournalAndLock) {
  TempDir t;
  auto state = StateDir::open(t.path() + "/deep/state");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_FALSE(*state->account());
  Account a{"https://r.example", "ana@example.org", "u1", "t1", "secret-token", ""};
  ASSERT_TRUE(state->save_account(a));
  struct stat st {};
  ASSERT_EQ(::stat((state->path() + "/account.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the token file is the owner's only";
  ASSERT_EQ(::stat(state->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto back = state->account();
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->token, "secret-token");

  ASSERT_TRUE(state->save_folders({{"ws1", "Équipe", "/home/ana/Équipe"}}));
  auto folders = state->folders();
  ASSERT_TRUE(folders);
  ASSERT_EQ(folders->size(), 1u);
  EXPECT_EQ((*folders)[0].workspace_name, "Équipe");

  Journal j;
  j.root_etag = "\"r1\"";
  j.entries["a"] = JournalEntry{.folder = true, .node_id = "n1", .etag = "\"e\"", .inode = 7};
  j.entries["a/b.txt"] = JournalEntry{.folder = false,
                                      .node_id = "n2",
                                      .etag = "\"s\"",
                                      .sha256 = "ab",
                                      .size = 3,
                                      .mtime_ns = 1'700'000'000'123'456'789,
                                      .inode = 9,
                                      .remote_mtime_ms = 1'700'000'000'000};
  j.last.converged = true;
  j.last.finished_at_ms = 5;
  j.last.errors.push_back({"x", "why"});
  ASSERT_TRUE(state->save_journal("ws1", j));
  auto jb = state->journal("ws1");
  ASSERT_TRUE(jb);
  EXPECT_EQ(jb->root_etag, j.root_etag);
  EXPECT_EQ(jb->entries, j.entries);
  EXPECT_TRUE(jb->last.converged);
  ASSERT_EQ(jb->last.errors.size(), 1u);
  EXPECT_EQ(jb->last.errors[0].message, "why");
  EXPECT_TRUE(state->journal("other")->entries.empty());

  // One process per state folder.
  auto other = StateDir::open(state->path());
  ASSERT_TRUE(state->lock());
  EXPECT_FALSE(other->lock()) << "a second holder is refused";
  EXPECT_TRUE(other->locked_by_other());

  // A damaged file is reported, not read as empty.
  { std::ofstream(state->path() + "/folders.json") << "{\"folders\": [tru"; }
  EXPECT_FALSE(state->folders());
}

TEST(SyncState, AJournalIsOnlyWrittenWhenItChanged) {
  TempDir t;
  auto state = StateDir::open(t.path());
  ASSERT_TRUE(state);
  const std::string file = state->path() + "/journal-ws1.json";
  auto stat_of = [&](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st;
  };
  Journal j;
  j.root_etag = "\"r1\"";
  j.entries["a.txt"] = JournalEntry{.node_id = "n1", .etag = "\"s\"", .sha256 = "s", .size = 1};
  j.last.converged = true;
  j.last.finished_at_ms = 1'000;
  j.last.warnings.push_back({"b", "a symbolic link"});
  ASSERT_TRUE(state->save_journal("ws1", j));
  const struct stat first = stat_of(file);

  // A pass that changed nothing but its time: the file is left alone (no
  // rename, no write), and the time is still the latest pass's.
  for (int pass = 0; pass < 2; ++pass) {
    auto loaded = state->journal("ws1");
    ASSERT_TRUE(loaded);
    loaded->last.finished_at_ms = SystemClock::instance().now_ms();
    ASSERT_TRUE(state->save_journal("ws1", *loaded));
    const struct stat now = stat_of(file);
    EXPECT_EQ(now.st_ino, first.st_ino) << "the journal was replaced";
    EXPECT_EQ(now.st_mtim.tv_sec, first.st_mtim.tv_sec);
    EXPECT_EQ(now.st_mtim.tv_nsec, first.st_mtim.tv_nsec) << "the journal was written";
    auto again = state->journal("ws1");
    ASSERT_TRUE(again);
    EXPECT_GE(again->last.finished_at_ms, loaded->last.finished_at_ms - 1'000)
        << "status shows the pass's time";
    EXPECT_GT(again->last.finished_at_ms, 1'000);
    EXPECT_EQ(again->entries, j.entries);
  }

  // Any change is written: an entry, the root's ETag, the summary.
  auto change = [&](auto&& edit) {
    auto loaded = state->journal("ws1");
    EXPECT_TRUE(loaded);
    edit(*loaded);
    const struct stat before = stat_of(file);
    EXPECT_TRUE(state->save_journal("ws1", *loaded));
    EXPECT_NE(stat_of(file).st_ino, before.st_ino) << "a change was not written";
    auto back = state->journal("ws1");
    EXPECT_TRUE(back);
    EXPECT_EQ(back->entries, loaded->entries);
    EXPECT_EQ(back->root_etag, loaded->root_etag);
  };
  change([](Journal& x) { x.entries["a.txt"].etag = "\"t\""; });
  change([](Journal& x) { x.entries["a.txt"].mtime_ns += 1; });
  change([](Journal& x) { x.entries["c"] = JournalEntry{.folder = true, .node_id = "n3"}; });
  change([](Journal& x) { x.entries.erase("c"); });
  change([](Journal& x) { x.root_etag.clear(); });
  change([](Journal& x) { x.last.converged = false; });
  change([](Journal& x) { x.last.errors.push_back({"a.txt", "cannot read it"}); });
  change([](Journal& x) { x.last.warnings.clear(); });

  // A StateDir that has not read the journal writes it.
  auto fresh = StateDir::open(t.path());
  ASSERT_TRUE(fresh);
  auto loaded = state->journal("ws1");
  ASSERT_TRUE(loaded);
  const struct stat before = stat_of(file);
  ASSERT_TRUE(fresh->save_journal("ws1", *loaded));
  EXPECT_NE(stat_of(file).st_ino, before.st_ino);

  // Forgotten: the journal and the time go.
  ASSERT_TRUE(state->forget_journal("ws1"));
  EXPECT_TRUE(state->journal("ws1")->entries.empty());
  EXPECT_EQ(state->journal("ws1")->last.finished_at_ms, 0);
  EXPECT_NE(::access((state->path() + "/passed-ws1").c_str(), F_OK), 0);
}

TEST(SyncLocal, ScanSkipsWhatIsNotSynced) {
  TempDir t;
  ASSERT_EQ(::mkdir((t.path() + "/docs").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((t.path() + "/docs/deep").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((t.path() + "/.ruche-sync").c_str(), 0755), 0);
  t.write("docs/deep/a.txt", "hello");
  t.write("top.txt", "top");
  t.write(".ruche-sync/download-1", "partial");
  t.write(".~lock.top.txt#", "lock");
  t.write("E\xcc\x81t\xc3\xa9.txt", "nfd");
  ASSERT_EQ(::symlink("/etc/passwd", (t.path() + "/link").c_str()), 0);
  auto scan = scan_local(t.path());
  ASSERT_TRUE(scan) << scan.error().message;
  std::vector<std::string> paths;
  for (const auto& [p, _] : scan->entries) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"docs", "docs/deep", "docs/deep/a.txt", "top.txt"}));
  EXPECT_TRUE(scan->entries.at("docs").folder);
  EXPECT_EQ(scan->entries.at("docs/deep/a.txt").size, 5);
  EXPECT_EQ(scan->warnings.size(), 2u) << "the link and the NFD name are reported";

  auto h = hash_file(t.path() + "/docs/deep/a.txt");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->sha256, crypto::sha256_hex("hello"));
  EXPECT_EQ(h->entry, scan->entries.at("docs/deep/a.txt"));
  EXPECT_EQ(hash_file(t.path() + "/gone").error().code, Errc::not_found);
  EXPECT_FALSE(scan_local(t.path() + "/missing")) << "a missing folder is not an empty one";
}

TEST(SyncLocal, PathHelpers) {
  EXPECT_EQ(parent_of("a/b/c"), "a/b");
  EXPECT_EQ(parent_of("c"), "");
  EXPECT_EQ(name_of("a/b/c"), "c");
  EXPECT_TRUE(within("a/b", "a"));
  EXPECT_TRUE(within("a", "a"));
  EXPECT_FALSE(within("ab", "a"));
  EXPECT_FALSE(within("a", "a/b"));
}

}  // namespace
}  // namespace ruche::sync
