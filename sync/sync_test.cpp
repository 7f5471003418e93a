#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/clock.hpp"
#include "base/json.hpp"
#include "base/worker_pool.hpp"
#include "core/crypto/hash.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "sync/engine.hpp"
#include "sync/live.hpp"
#include "sync/local_tree.hpp"
#include "sync/remote.hpp"
#include "sync/state.hpp"
#include "sync/watcher.hpp"

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
  // A long name's copy is cut to fit (it could be neither made nor sent),
  // between two characters.
  std::string accents;
  for (int i = 0; i < 125; ++i) accents += "\xc3\xa9";  // é, 2 bytes
  EXPECT_FALSE(name_problem(accents.substr(0, 249)).empty()) << "a character cut in two";
  for (const std::string& name : {std::string(251, 'a') + ".pdf", std::string(255, 'a'),
                                  accents + ".pdf", "r" + accents + ".pdf"}) {
    ASSERT_TRUE(name_problem(name).empty()) << name;
    std::string c = conflict_name(name, "laptop", 1'796'292'900'000);
    EXPECT_LE(c.size(), 255u) << c;
    EXPECT_TRUE(name_problem(c).empty()) << c << ": " << name_problem(c);
    EXPECT_TRUE(c.starts_with(name.substr(0, 100))) << c;
    EXPECT_NE(c.find(" (conflict laptop 20"), std::string::npos) << c;
  }
  EXPECT_TRUE(conflict_name(std::string(251, 'a') + ".pdf", "pc", 0).ends_with(").pdf"));
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
  EXPECT_TRUE(name_problem("E\xcc\x81quipe.txt").empty()) << "NFD is synced, under its NFC form";
  EXPECT_EQ(nfc_name("E\xcc\x81quipe.txt"), "Équipe.txt");
  EXPECT_EQ(nfc_name("Équipe.txt"), "Équipe.txt");
  EXPECT_EQ(nfc_name("tab\there"), "tab\there") << "refused: as it is";
  EXPECT_FALSE(name_problem("bad\xff").empty()) << "malformed UTF-8";
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
  t.write("E\xcc\x81t\xc3\xa9.txt", "nfd");  // synced, as "Été.txt"
  t.write("tab\there.txt", "a control character");
  ASSERT_EQ(::mkfifo((t.path() + "/fifo").c_str(), 0644), 0);
  ASSERT_EQ(::symlink("/etc/passwd", (t.path() + "/link").c_str()), 0);
  auto scan = scan_local(t.path());
  ASSERT_TRUE(scan) << scan.error().message;
  std::vector<std::string> paths;
  for (const auto& [p, _] : scan->entries) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"docs", "docs/deep", "docs/deep/a.txt", "top.txt",
                                             "Été.txt"}));
  EXPECT_TRUE(scan->entries.at("docs").folder);
  EXPECT_EQ(scan->entries.at("docs/deep/a.txt").size, 5);
  EXPECT_EQ(
      scan->local_names,
      (std::map<std::string, std::string, std::less<>>{{"Été.txt", "E\xcc\x81t\xc3\xa9.txt"}}));
  ASSERT_EQ(scan->left_out.size(), 3u) << "the link, the FIFO and the refused name are reported";
  struct stat st {};
  ASSERT_EQ(::lstat((t.path() + "/link").c_str(), &st), 0);
  EXPECT_EQ(scan->left_out.at("link").kind, LeftOut::link);
  EXPECT_EQ(scan->left_out.at("link").inode, st.st_ino) << "the link's own";
  EXPECT_EQ(scan->left_out.at("fifo").kind, LeftOut::special);
  ASSERT_EQ(::stat((t.path() + "/tab\there.txt").c_str(), &st), 0);
  const LeftOut& refused = scan->left_out.at("tab\there.txt");
  EXPECT_EQ(refused.kind, LeftOut::refused_name);
  EXPECT_EQ(refused.inode, st.st_ino);
  EXPECT_FALSE(refused.folder);

  auto h = hash_file(t.path() + "/docs/deep/a.txt");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->sha256, crypto::sha256_hex("hello"));
  EXPECT_EQ(h->entry, scan->entries.at("docs/deep/a.txt"));
  EXPECT_EQ(hash_file(t.path() + "/gone").error().code, Errc::not_found);
  EXPECT_FALSE(scan_local(t.path() + "/missing")) << "a missing folder is not an empty one";
}

TEST(SyncLocal, NamesNotInNfcAreSyncedUnderTheirNfcForm) {
  // As macOS (HFS+) and archives made there write them: "Équipe/résumé.txt"
  // and "Équipe/Été/à.txt", each name in NFD.
  TempDir t;
  const std::string equipe = "E\xcc\x81quipe", resume = "re\xcc\x81sume\xcc\x81.txt",
                    ete = "E\xcc\x81te\xcc\x81", a = "a\xcc\x80.txt";
  ASSERT_EQ(::mkdir((t.path() + "/" + equipe).c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((t.path() + "/" + equipe + "/" + ete).c_str(), 0755), 0);
  t.write(equipe + "/" + resume, "résumé");
  t.write(equipe + "/" + ete + "/" + a, "à");
  t.write(equipe + "/plain.txt", "plain");
  std::map<std::string, std::string> read;  // path -> where it is here
  auto scan = scan_local(
      t.path(), {}, [&](const std::string& rel, const std::string& local) { read[rel] = local; });
  ASSERT_TRUE(scan) << scan.error().message;
  std::vector<std::string> paths;
  for (const auto& [p, _] : scan->entries) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"Équipe", "Équipe/plain.txt", "Équipe/résumé.txt",
                                             "Équipe/Été", "Équipe/Été/à.txt"}));
  EXPECT_TRUE(scan->left_out.empty());
  EXPECT_EQ(scan->local_names,
            (std::map<std::string, std::string, std::less<>>{{"Équipe", equipe},
                                                             {"Équipe/résumé.txt", resume},
                                                             {"Équipe/Été", ete},
                                                             {"Équipe/Été/à.txt", a}}))
      << "the name here of each path whose own name is not in NFC";
  EXPECT_EQ(scan->local_path("Équipe/Été/à.txt"), equipe + "/" + ete + "/" + a);
  EXPECT_EQ(scan->local_path("Équipe/plain.txt"), equipe + "/plain.txt");
  EXPECT_EQ(scan->local_path("Équipe/new.txt"), equipe + "/new.txt") << "a new name as it is";
  EXPECT_EQ(scan->local_path(""), "");
  EXPECT_EQ(read, (std::map<std::string, std::string>{
                      {"", ""}, {"Équipe", equipe}, {"Équipe/Été", equipe + "/" + ete}}))
      << "each folder said with where it is here";
  auto h = hash_file(t.path() + "/" + scan->local_path("Équipe/Été/à.txt"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->entry, scan->entries.at("Équipe/Été/à.txt"));

  // Found by its NFC path, from the top or under a folder.
  EXPECT_EQ(find_local_path(t.path(), "Équipe/Été/à.txt"), equipe + "/" + ete + "/" + a);
  EXPECT_EQ(find_local_path(t.path(), "Équipe/missing/x"), equipe + "/missing/x");
  auto under = scan_local(t.path(), "Équipe/Été");
  ASSERT_TRUE(under) << under.error().message;
  EXPECT_EQ(under->entries.size(), 1u);
  EXPECT_TRUE(under->entries.contains("Équipe/Été/à.txt"));
  EXPECT_EQ(under->local_path("Équipe/Été/à.txt"), equipe + "/" + ete + "/" + a);
}

TEST(SyncLocal, OfTwoNamesWithTheSameNfcFormOneIsLeftOut) {
  // Side by side (Linux keeps both): the name in NFC is synced, the other
  // left out; of two names neither in NFC, the first in byte order.
  TempDir t;
  const std::string nfc = "\xc3\xa9.txt", nfd = "e\xcc\x81.txt";
  t.write(nfd, "nfd");  // made first: the order they were made in does not count
  t.write(nfc, "nfc");
  ASSERT_EQ(::mkdir((t.path() + "/E\xcc\x81t\xc3\xa9").c_str(), 0755), 0);
  t.write("E\xcc\x81t\xc3\xa9/inside.txt", "beneath the folder left out");
  ASSERT_EQ(::mkdir((t.path() + "/\xc3\x89t\xc3\xa9").c_str(), 0755), 0);
  // ẹ́: U+0323 (below) before U+0301 (above) is canonical, the other not.
  const std::string first = "e\xcc\x81\xcc\xa3", second = "e\xcc\xa3\xcc\x81";
  ASSERT_NE(nfc_name(first), first);
  ASSERT_EQ(nfc_name(first), nfc_name(second));
  t.write(second, "second");
  t.write(first, "first");
  for (int i = 0; i < 2; ++i) {
    auto scan = scan_local(t.path());
    ASSERT_TRUE(scan) << scan.error().message;
    std::vector<std::string> paths;
    for (const auto& [p, _] : scan->entries) paths.push_back(p);
    const std::string dotted = nfc_name(first);
    EXPECT_EQ(paths, (std::vector<std::string>{"\xc3\x89t\xc3\xa9", nfc, dotted}));
    struct stat st {};
    ASSERT_EQ(::stat((t.path() + "/" + nfc).c_str(), &st), 0);
    EXPECT_EQ(scan->entries.at(nfc).inode, st.st_ino) << "the name in NFC";
    EXPECT_EQ(scan->local_names,
              (std::map<std::string, std::string, std::less<>>{{dotted, first}}));
    ASSERT_EQ(scan->left_out.size(), 3u);
    for (const std::string& out : {nfd, std::string("E\xcc\x81t\xc3\xa9"), second}) {
      ASSERT_TRUE(scan->left_out.contains(out)) << out;
      const LeftOut& lo = scan->left_out.find(out)->second;
      EXPECT_EQ(lo.kind, LeftOut::refused_name);
      EXPECT_TRUE(lo.why.starts_with("same name as ")) << lo.why;
      ASSERT_EQ(::lstat((t.path() + "/" + out).c_str(), &st), 0);
      EXPECT_EQ(lo.inode, st.st_ino);
      EXPECT_EQ(lo.folder, S_ISDIR(st.st_mode));
    }
    EXPECT_FALSE(scan->entries.contains("\xc3\x89t\xc3\xa9/inside.txt"))
        << "nothing beneath a folder left out is read";
    EXPECT_EQ(find_local_path(t.path(), nfc), nfc);
    EXPECT_EQ(find_local_path(t.path(), dotted), first);
    // Made the other way round.
    ASSERT_EQ(::rename((t.path() + "/" + nfc).c_str(), (t.path() + "/x").c_str()), 0);
    ASSERT_EQ(::rename((t.path() + "/" + nfd).c_str(), (t.path() + "/y").c_str()), 0);
    ASSERT_EQ(::rename((t.path() + "/y").c_str(), (t.path() + "/" + nfd).c_str()), 0);
    ASSERT_EQ(::rename((t.path() + "/x").c_str(), (t.path() + "/" + nfc).c_str()), 0);
  }
}

// Permission checks as any user meets them: root's powers to read and
// search every folder are left out of this thread's effective set while
// it lives (nothing changes for another user, who has none).
class WithoutRootsReadPowers {
 public:
  WithoutRootsReadPowers() {
    ::syscall(SYS_capget, &header_, saved_);
    __user_cap_data_struct less[2] = {saved_[0], saved_[1]};
    less[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    ::syscall(SYS_capset, &header_, less);
  }
  ~WithoutRootsReadPowers() { ::syscall(SYS_capset, &header_, saved_); }

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2]{};
};

TEST(SyncLocal, AFolderThatCannotBeReadFailsTheScan) {
  // A folder that can be listed but not searched (chmod -R 644) gives its
  // names but not what they are: its files once passed for deleted, and
  // were deleted on the server.
  TempDir t;
  ASSERT_EQ(::mkdir((t.path() + "/docs").c_str(), 0755), 0);
  t.write("docs/a.txt", "a");
  t.write("top.txt", "top");
  ASSERT_EQ(::chmod((t.path() + "/docs").c_str(), 0644), 0);
  {
    WithoutRootsReadPowers as_anyone;
    struct stat st {};
    ASSERT_NE(::stat((t.path() + "/docs/a.txt").c_str(), &st), 0) << "the folder is searchable";
    auto scan = scan_local(t.path());
    ASSERT_FALSE(scan) << "a folder that cannot be read passed for an empty one";
    EXPECT_NE(scan.error().message.find("docs"), std::string::npos) << scan.error().message;
  }
  ASSERT_EQ(::chmod((t.path() + "/docs").c_str(), 0755), 0);
  auto scan = scan_local(t.path());
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_TRUE(scan->entries.contains("docs/a.txt"));
}

// Runs `body` in a child process with mounts of its own (as root, or in a
// user namespace of its own), where it may mount and unmount: what it
// returns ("" when all was as it expected), or why it could not run.
std::string with_own_mounts(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child < 0) return "fork failed";
  if (child == 0) {
    ::close(fds[0]);
    std::string said;
    if (::unshare(CLONE_NEWNS) != 0 && ::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
      said = std::string("no mount namespace: ") + std::strerror(errno);
    else if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      said = std::string("mounts not private: ") + std::strerror(errno);
    else
      said = body();
    [[maybe_unused]] auto n = ::write(fds[1], said.data(), said.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string said;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    said.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status)) return "the child died: " + said;
  return said;
}

TEST(SyncLocal, WhereAFileSystemIsMountedIsLeftOut) {
  // Its inodes are another file system's (the journal's could not tell
  // them from this one's), and once it is unmounted what it held would pass
  // for deleted. The synced folder's own, bound elsewhere in it, likewise.
  TempDir t;
  for (const char* d : {"docs", "disk", "bound", "tab\tdir", "tab\tdir/m"})
    ASSERT_EQ(::mkdir((t.path() + "/" + d).c_str(), 0755), 0);
  t.write("docs/a.txt", "a");
  t.write("tab\tdir/seen.txt", "beneath a refused name");
  const std::string said = with_own_mounts([&]() -> std::string {
    const std::string disk = t.path() + "/disk", bound = t.path() + "/bound",
                      m = t.path() + "/tab\tdir/m";
    if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=1m") != 0 ||
        ::mount("tmpfs", m.c_str(), "tmpfs", 0, "size=1m") != 0 ||
        ::mount((t.path() + "/docs").c_str(), bound.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return std::string("mount failed: ") + std::strerror(errno);
    t.write("disk/b.txt", "on another disk");
    t.write("tab\tdir/m/c.txt", "on another disk");
    auto scan = scan_local(t.path());
    if (!scan) return "scan: " + scan.error().message;
    std::string got;
    for (const auto& [p, e] : scan->entries) got += p + ";";
    if (got != "docs;docs/a.txt;") return "synced: " + got;
    for (const char* p : {"disk", "bound"}) {
      auto lo = scan->left_out.find(p);
      if (lo == scan->left_out.end() || lo->second.kind != LeftOut::mount || !lo->second.folder)
        return std::string(p) + " is not left out as a mount point";
    }
    if (scan->left_out.size() != 3) return "left out: " + std::to_string(scan->left_out.size());
    if (scan->hidden.size() != 1)
      return "read beneath the refused name: " + std::to_string(scan->hidden.size());
    // Mounted since the folder was read: a scan of it alone finds it so.
    auto under = scan_local(t.path(), "disk");
    if (!under || !under->entries.empty() || !under->left_out.contains("disk"))
      return "the scan of disk/ read it";
    // Unmounted: an empty folder, synced.
    if (::umount(disk.c_str()) != 0) return std::string("umount: ") + std::strerror(errno);
    scan = scan_local(t.path());
    if (!scan || !scan->entries.contains("disk") || scan->left_out.contains("disk"))
      return "disk/ unmounted is not an empty folder";
    return "";
  });
  EXPECT_EQ(said, "");
}

TEST(SyncLocal, HashingALargeFileTicksEachMiB) {
  TempDir t;
  const std::string data((3 << 20) + 1, 'h');
  t.write("large.bin", data);
  int ticks = 0;
  auto h = hash_file(t.path() + "/large.bin", [&] { ++ticks; });
  ASSERT_TRUE(h);
  EXPECT_EQ(h->sha256, crypto::sha256_hex(data));
  EXPECT_GE(ticks, 4) << "after each MiB read, and the last bytes";
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

TEST(SyncLocal, WhatIsBeneathAFolderIsOneRangeWithoutItsSiblings) {
  // "docs.txt", "docs x" and "docs-old" sort between "docs" and "docs/…".
  std::map<std::string, int> m;
  for (const char* p : {"doc", "docs", "docs x", "docs-old/a", "docs.txt", "docs/a", "docs/a.txt",
                        "docs/a/b", "docs0", "docs~", "e"})
    m[p] = 0;
  auto keys = [&](std::string_view dir) {
    std::vector<std::string> out;
    auto [first, last] = beneath(m, dir);
    for (auto it = first; it != last; ++it) out.push_back(it->first);
    return out;
  };
  EXPECT_EQ(keys("docs"), (std::vector<std::string>{"docs/a", "docs/a.txt", "docs/a/b"}));
  EXPECT_EQ(keys("docs/a"), (std::vector<std::string>{"docs/a/b"}));
  EXPECT_TRUE(keys("docs.txt").empty());
  EXPECT_TRUE(keys("doc").empty());
  // A walk from "docs" that stops at the first path not within it sees none of them.
  auto it = m.upper_bound("docs");
  EXPECT_FALSE(within(it->first, "docs")) << it->first;
}

TEST(SyncLocal, AScanUnderAFolderSaysEachFolderBeforeReadingIt) {
  TempDir t;
  ASSERT_EQ(::mkdir((t.path() + "/docs").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((t.path() + "/docs/deep").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((t.path() + "/docs/.ruche-sync").c_str(), 0755), 0);
  t.write("docs/deep/a.txt", "a");
  t.write("docs.txt", "sorts between docs and docs/");
  std::vector<std::string> read;
  auto scan = scan_local(t.path(), "docs", [&](const std::string& rel, const std::string&) {
    // Said before it is read: a file written now is in the scan.
    if (rel == "docs/deep") t.write("docs/deep/b.txt", "b");
    read.push_back(rel);
  });
  ASSERT_TRUE(scan) << scan.error().message;
  std::vector<std::string> paths;
  for (const auto& [p, _] : scan->entries) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"docs/.ruche-sync", "docs/deep", "docs/deep/a.txt",
                                             "docs/deep/b.txt"}))
      << "only the top's work folder is left out";
  std::sort(read.begin(), read.end());
  EXPECT_EQ(read, (std::vector<std::string>{"docs", "docs/.ruche-sync", "docs/deep"}));
  auto none = scan_local(t.path(), "missing");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->entries.empty());
}

// ---- What run hears of the local folders (sync/watcher.hpp) ---------------

TEST(SyncWatcher, SameAsLeftIsTheSameFileOrFolderOrNothing) {
  const LocalEntry file{.folder = false, .size = 5, .mtime_ns = 1'000'000'007, .inode = 42};
  EXPECT_TRUE(same_as_left(file, file));
  EXPECT_TRUE(same_as_left(std::nullopt, std::nullopt));
  EXPECT_FALSE(same_as_left(std::nullopt, file));
  EXPECT_FALSE(same_as_left(file, std::nullopt));
  LocalEntry other = file;
  other.mtime_ns += 1;
  EXPECT_FALSE(same_as_left(other, file)) << "written again, one nanosecond later";
  other = file;
  other.size = 6;
  EXPECT_FALSE(same_as_left(other, file));
  other = file;
  other.inode = 43;
  EXPECT_FALSE(same_as_left(other, file)) << "another file renamed over it";
  const LocalEntry folder{.folder = true, .size = 0, .mtime_ns = 5, .inode = 42};
  LocalEntry filled = folder;
  filled.mtime_ns = 9;
  EXPECT_TRUE(same_as_left(filled, folder)) << "a folder's contents are heard on their own";
  EXPECT_FALSE(same_as_left(folder, file));
}

TEST(SyncWatcher, WritesRecordWhatTheJournalHoldsThereAndBeneath) {
  Journal j;
  j.entries["docs"] = {.folder = true, .node_id = "d", .inode = 10};
  j.entries["docs.txt"] = {.node_id = "t", .size = 1, .mtime_ns = 2, .inode = 11};
  j.entries["docs/deep"] = {.folder = true, .node_id = "e", .inode = 12};
  j.entries["docs/deep/a.txt"] = {.node_id = "a", .size = 3, .mtime_ns = 4, .inode = 13};
  j.entries["other.txt"] = {.node_id = "o", .size = 5, .mtime_ns = 6, .inode = 14};
  LocalWrites w;
  w.add({"docs", "gone.txt"}, j);
  std::vector<std::string> paths;
  for (const auto& [p, _] : w.left) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"docs", "docs/deep", "docs/deep/a.txt", "gone.txt"}))
      << "beneath docs, past docs.txt (which sorts between)";
  EXPECT_FALSE(w.left.at("gone.txt")) << "deleted: nothing left there";
  EXPECT_EQ(w.left.at("docs/deep/a.txt"),
            (LocalEntry{.folder = false, .size = 3, .mtime_ns = 4, .inode = 13}));
  // A later pass over the same folder: what the earlier one wrote is
  // recorded as the later one left it.
  j.entries["gone.txt"] = {.node_id = "g", .size = 7, .mtime_ns = 8, .inode = 15};
  j.entries.erase("docs/deep/a.txt");
  w.add({"other.txt"}, j);
  EXPECT_EQ(w.left.at("gone.txt"),
            (LocalEntry{.folder = false, .size = 7, .mtime_ns = 8, .inode = 15}));
  EXPECT_FALSE(w.left.contains("docs/deep/a.txt"));
  EXPECT_TRUE(w.left.contains("other.txt"));
}

// A synced folder, its watcher, and passes made by hand: each writes as the
// engine does (a download written in the work folder, given the server's
// time, renamed into place; deletions; folders; renames) and records in
// the journal what it left, as the engine does.
class SyncWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(watcher_.fd(), 0) << "no inotify";
    ASSERT_EQ(::mkdir(path(".ruche-sync").c_str(), 0700), 0);
  }
  std::string path(const std::string& rel) const { return dir_.path() + "/" + rel; }
  std::vector<FolderPair> folders() const { return {FolderPair{"w1", "W", dir_.path()}}; }

  // Before the pass, as run does; the journal holds what is there now.
  void arm() {
    watcher_.arm(folders());
    writes_.clear();
    journal_.entries.clear();
    auto scan = scan_local(dir_.path());
    ASSERT_TRUE(scan);
    for (const auto& [p, e] : scan->entries) record(p, e);
  }
  // The pass's writes.
  void download(const std::string& rel, const std::string& content) {
    const std::string tmp = path(".ruche-sync/download-" + std::to_string(++downloads_));
    std::ofstream(tmp, std::ios::binary) << content;
    const timespec times[2] = {{0, UTIME_OMIT}, {1'800'000'000, 123'456'789}};
    ASSERT_EQ(::utimensat(AT_FDCWD, tmp.c_str(), times, 0), 0);
    ASSERT_EQ(::rename(tmp.c_str(), path(rel).c_str()), 0);
    wrote(rel);
  }
  void create(const std::string& rel) {
    const int fd = ::open(path(rel).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd);
    wrote(rel);
  }
  void remove(const std::string& rel) {
    ASSERT_EQ(::remove(path(rel).c_str()), 0);
    wrote(rel);
  }
  void make_folder(const std::string& rel) {
    ASSERT_EQ(::mkdir(path(rel).c_str(), 0755), 0);
    wrote(rel);
  }
  void rename(const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename(path(from).c_str(), path(to).c_str()), 0);
    // The journal moves along, what is beneath too.
    auto& entries = journal_.entries;
    std::vector<std::string> moved;
    auto [first, last] = beneath(entries, from);
    for (auto it = first; it != last; ++it) moved.push_back(it->first);
    for (const auto& p : moved) {
      entries[to + p.substr(from.size())] = entries.at(p);
      entries.erase(p);
    }
    wrote(from);
    wrote(to);
  }
  // The pass ends; what run decides.
  bool after_pass() {
    writes_["w1"].add(wrote_, journal_);
    wrote_.clear();
    return watcher_.after_pass(folders(), writes_);
  }

  // What is at `rel` now goes to the journal (a file, a folder, or nothing).
  void wrote(const std::string& rel) { wrote_at(rel, rel); }
  // The same, `rel` being at `local` on disk (names not in NFC).
  void wrote_at(const std::string& rel, const std::string& local) {
    wrote_.insert(rel);
    if (auto e = stat_entry(path(local))) {
      record(rel, *e);
    } else {
      journal_.entries.erase(rel);
    }
  }

  TempDir dir_;
  Watcher watcher_;

 private:
  void record(const std::string& rel, const LocalEntry& e) {
    journal_.entries[rel] = {.folder = e.folder,
                             .size = e.size,
                             .mtime_ns = e.folder ? 0 : e.mtime_ns,
                             .inode = e.inode};
  }
  Journal journal_;
  std::set<std::string> wrote_;
  std::map<std::string, LocalWrites> writes_;
  int downloads_ = 0;
};

TEST_F(SyncWatcherTest, ThePassOwnWritesAreNoChange) {
  dir_.write("replaced.txt", "old");
  dir_.write("deleted.txt", "old");
  dir_.write("c.txt", "local");
  ASSERT_EQ(::mkdir(path("old").c_str(), 0755), 0);
  dir_.write("old/x.txt", "x");
  ASSERT_EQ(::mkdir(path("moving").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(path("moving/sub").c_str(), 0755), 0);
  dir_.write("moving/sub/in.txt", "in");
  arm();
  download("new.txt", "new");
  download("replaced.txt", "replaced");
  remove("deleted.txt");
  remove("old/x.txt");
  remove("old");
  make_folder("made");
  download("made/a.txt", "a");
  make_folder("made/deep");
  download("made/deep/b.txt", "b");
  rename("moving", "moved");
  rename("c.txt", "c (conflict pc 2027-01-02 030405).txt");
  download("c.txt", "server");
  EXPECT_FALSE(after_pass()) << "every event heard was the pass's own";
  EXPECT_FALSE(watcher_.drain()) << "nothing left to hear";

  // The folders it made or moved are watched now, at their new paths.
  dir_.write("made/deep/user.txt", "u");
  EXPECT_TRUE(watcher_.drain()) << "in a folder the pass made";
  dir_.write("moved/sub/user.txt", "u");
  EXPECT_TRUE(watcher_.drain()) << "in a folder the pass moved";
  EXPECT_FALSE(watcher_.drain());

  // The next pass: a folder moved twice, one the pass made now holding one
  // of the user's, and the first pass's downloads touched again.
  arm();
  rename("moved", "moved again");
  download("moved again/sub/in.txt", "in, again");
  remove("made/deep/user.txt");
  download("new.txt", "newer");
  EXPECT_FALSE(after_pass());
  dir_.write("moved again/sub/later.txt", "u");
  EXPECT_TRUE(watcher_.drain());
}

TEST_F(SyncWatcherTest, ThePassOwnWritesInAFolderNamedInNfdAreNoChange) {
  // The folder "Équipe" here in NFD: the pass writes in it, the journal
  // knows its paths in NFC.
  const std::string equipe = "E\xcc\x81quipe";
  ASSERT_EQ(::mkdir(path(equipe).c_str(), 0755), 0);
  dir_.write(equipe + "/a.txt", "a");
  arm();
  std::ofstream(path(".ruche-sync/download-nfd")) << "a, from the server";
  ASSERT_EQ(::rename(path(".ruche-sync/download-nfd").c_str(), path(equipe + "/a.txt").c_str()), 0);
  wrote_at("Équipe/a.txt", equipe + "/a.txt");
  ASSERT_EQ(::mkdir(path(equipe + "/made").c_str(), 0755), 0);
  wrote_at("Équipe/made", equipe + "/made");
  std::ofstream(path(equipe + "/made/b.txt")) << "b";
  wrote_at("Équipe/made/b.txt", equipe + "/made/b.txt");
  EXPECT_FALSE(after_pass()) << "every event heard was the pass's own";
  dir_.write(equipe + "/made/user.txt", "u");
  EXPECT_TRUE(watcher_.drain()) << "in the folder the pass made there";

  arm();
  std::ofstream(path(".ruche-sync/download-nfd")) << "a, again";
  ASSERT_EQ(::rename(path(".ruche-sync/download-nfd").c_str(), path(equipe + "/a.txt").c_str()), 0);
  wrote_at("Équipe/a.txt", equipe + "/a.txt");
  dir_.write(equipe + "/made/b.txt", "b, the user's");
  EXPECT_TRUE(after_pass()) << "the user's write beside the pass's";
}

TEST_F(SyncWatcherTest, AUserWriteToAPathThePassWroteCounts) {
  arm();
  download("f.txt", "from the server");
  // Right after the pass's write, before run judged: by content, not by time.
  std::ofstream(path("f.txt"), std::ios::app) << ", edited";
  EXPECT_TRUE(after_pass());

  arm();
  download("g.txt", "from the server");
  // The same size, and the pass's own file is not there any more.
  ASSERT_EQ(::unlink(path("g.txt").c_str()), 0);
  dir_.write("g.txt", "FROM THE SERVER");
  EXPECT_TRUE(after_pass());

  arm();
  download("h.txt", "from the server");
  EXPECT_FALSE(after_pass());
  std::ofstream(path("h.txt"), std::ios::app) << ", edited later";
  EXPECT_TRUE(watcher_.drain()) << "once the pass is over, any event counts";

  arm();
  make_folder("k");
  ASSERT_EQ(::rmdir(path("k").c_str()), 0);
  dir_.write("k", "a file where the pass made a folder");
  EXPECT_TRUE(after_pass());
}

TEST_F(SyncWatcherTest, APathThePassDidNotWriteCounts) {
  dir_.write("untouched.txt", "u");
  arm();
  download("f.txt", "f");
  dir_.write("other.txt", "the user's");
  EXPECT_TRUE(after_pass());

  arm();
  download("g.txt", "g");
  ASSERT_EQ(::chmod(path("untouched.txt").c_str(), 0600), 0);
  EXPECT_TRUE(after_pass()) << "an event on a path the pass did not write counts, as ever";

  arm();
  download("h.txt", "h");
  dir_.write("h.txt~", "an editor's backup");
  EXPECT_FALSE(after_pass()) << "but not one that is never synced";
}

TEST_F(SyncWatcherTest, WhatIsNeverSyncedStartsNoPass) {
  ASSERT_EQ(::mkdir(path("d").c_str(), 0755), 0);
  arm();
  EXPECT_FALSE(after_pass());
  // An editor's swap and lock files, written and deleted, here and beneath.
  for (const char* name : {".notes.txt.swp", "d/.~lock.budget.ods#", "d/~$rapport.docx",
                           ".#plan.org", "d/plan.org~", ".DS_Store"}) {
    dir_.write(name, "x");
    dir_.write(name, "xy");
    ASSERT_EQ(::unlink(path(name).c_str()), 0);
  }
  EXPECT_FALSE(watcher_.drain());
  dir_.write("d/notes.txt", "the user's");
  EXPECT_TRUE(watcher_.drain()) << "a file that is synced";
  // Renamed from an ignored name to a synced one (how editors save): counts.
  dir_.write("d/.draft.txt.swp", "x");
  EXPECT_FALSE(watcher_.drain());
  ASSERT_EQ(::rename(path("d/.draft.txt.swp").c_str(), path("d/draft.txt").c_str()), 0);
  EXPECT_TRUE(watcher_.drain());
}

TEST_F(SyncWatcherTest, ASyncedItemRenamedToANameNeverSyncedCounts) {
  // Its old name is gone: a deletion, heard between passes and during one.
  dir_.write("notes.txt", "n");
  ASSERT_EQ(::mkdir(path("d").c_str(), 0755), 0);
  dir_.write("d/plan.org", "p");
  arm();
  EXPECT_FALSE(after_pass());
  ASSERT_EQ(::rename(path("notes.txt").c_str(), path("notes.txt~").c_str()), 0);
  EXPECT_TRUE(watcher_.drain()) << "a file renamed to an editor's backup name";
  ASSERT_EQ(::rename(path("d/plan.org").c_str(), path("d/.#plan.org").c_str()), 0);
  EXPECT_TRUE(watcher_.drain()) << "a file in a folder renamed to a lock file's name";
  ASSERT_EQ(::rename(path("d").c_str(), path(".DS_Store").c_str()), 0);
  EXPECT_TRUE(watcher_.drain()) << "a folder renamed to a name never synced";
  arm();
  EXPECT_FALSE(after_pass());
  dir_.write("b.txt", "b");
  arm();
  ASSERT_EQ(::rename(path("b.txt").c_str(), path(".b.txt.swp").c_str()), 0);
  EXPECT_TRUE(after_pass()) << "renamed during a pass";
}

TEST_F(SyncWatcherTest, AFolderThePassMadeIsComparedOnceWatched) {
  arm();
  make_folder("made");
  download("made/a.txt", "a");
  // Nothing watched this folder yet: no event says so.
  dir_.write("made/user.txt", "the user's");
  EXPECT_TRUE(after_pass());

  arm();
  make_folder("made2");
  download("made2/a.txt", "a");
  ASSERT_EQ(::unlink(path("made2/a.txt").c_str()), 0);
  EXPECT_TRUE(after_pass()) << "a file the journal holds is gone";
}

TEST_F(SyncWatcherTest, AnEventOnTheSyncedFolderItselfCounts) {
  arm();
  download("f.txt", "f");
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  EXPECT_TRUE(after_pass());
}

TEST_F(SyncWatcherTest, AnOverflowCounts) {
  std::ifstream limit("/proc/sys/fs/inotify/max_queued_events");
  long max_events = 0;
  if (!(limit >> max_events) || max_events > (1 << 20)) GTEST_SKIP() << "queue too long to fill";
  // The pass writes one file `times` times (written, then its mode: the
  // same event twice in a row is queued once).
  auto write_often = [&](long times) {
    create("f.txt");
    const int fd = ::open(path("f.txt").c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (long i = 0; i < times; ++i) {
      ASSERT_EQ(::pwrite(fd, "x", 1, 0), 1);
      ASSERT_EQ(::fchmod(fd, i % 2 ? 0644 : 0640), 0);
    }
    ::close(fd);
    wrote("f.txt");  // as the pass left it
    remove("f.txt");
  };
  arm();
  write_often(100);
  EXPECT_FALSE(after_pass());
  arm();
  write_often(max_events / 2 + 1);
  EXPECT_TRUE(after_pass()) << "the pass's own writes, more than the kernel queues";
  arm();
  write_often(100);
  EXPECT_FALSE(after_pass()) << "arm() starts anew";
}

// ---- The live events connection's framing (sync/live.hpp) -----------------

constexpr std::array<std::uint8_t, 4> kMask{0x37, 0xfa, 0x21, 0x3d};

// A server's frame (unmasked).
std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
  return ws::encode_frame(opcode, payload, std::nullopt, fin);
}

// Everything `bytes` decode to, fed `piece` bytes at a time.
ws::Received decode(std::string_view bytes, std::size_t piece, ws::Decoder& d) {
  ws::Received out;
  for (std::size_t i = 0; i < bytes.size(); i += piece) {
    auto r = d.feed(bytes.substr(i, piece), out);
    EXPECT_TRUE(r) << r.error().message;
  }
  return out;
}

TEST(SyncLive, ClientFramesAreMasked) {
  // RFC 6455 5.7: "Hello", masked with 37 fa 21 3d.
  const std::string want = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  EXPECT_EQ(ws::encode_frame(ws::kText, "Hello", kMask), want);
  EXPECT_EQ(server_frame(ws::kText, "Hello"), "\x81\x05Hello") << "unmasked, as a server sends";
  EXPECT_EQ(ws::encode_frame(ws::kPong, "", kMask), std::string("\x8a\x80\x37\xfa\x21\x3d", 6));
  EXPECT_EQ(static_cast<std::uint8_t>(ws::encode_frame(ws::kText, "a", kMask, false)[0]), 0x01)
      << "no FIN";
}

TEST(SyncLive, LengthsAtEveryEncodingBoundary) {
  struct Case {
    std::size_t size;
    std::uint8_t len7;
    std::size_t head;  // bytes before the mask
  };
  for (Case c : {Case{0, 0, 2}, Case{125, 125, 2}, Case{126, 126, 4}, Case{65535, 126, 4},
                 Case{65536, 127, 10}}) {
    std::string payload(c.size, 'x');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string f = ws::encode_frame(ws::kText, payload, kMask);
    ASSERT_EQ(f.size(), c.head + 4 + c.size) << c.size;
    EXPECT_EQ(static_cast<std::uint8_t>(f[1]), 0x80 | c.len7) << c.size;
    std::uint64_t len = c.len7;
    if (c.head > 2) {
      len = 0;
      for (std::size_t i = 2; i < c.head; ++i) len = (len << 8) | static_cast<std::uint8_t>(f[i]);
    }
    EXPECT_EQ(len, c.size);
    std::string unmasked;
    for (std::size_t i = 0; i < c.size; ++i)
      unmasked.push_back(static_cast<char>(f[c.head + 4 + i] ^ static_cast<char>(kMask[i & 3])));
    EXPECT_EQ(unmasked, payload) << c.size;

    // And the server's frame of that size decodes, whole or a byte at a time.
    ws::Decoder whole, bytewise;
    auto a = decode(server_frame(ws::kText, payload), 1 << 20, whole);
    ASSERT_EQ(a.messages.size(), 1u) << c.size;
    EXPECT_EQ(a.messages[0], payload);
    auto b = decode(server_frame(ws::kText, payload), 1, bytewise);
    ASSERT_EQ(b.messages.size(), 1u) << c.size;
    EXPECT_EQ(b.messages[0], payload);
  }
}

TEST(SyncLive, MessagesPingsAndCloseAcrossReadsCutAnywhere) {
  const std::string stream =
      server_frame(ws::kText, R"({"type":"hello"})") + server_frame(ws::kPing, "p1") +
      server_frame(ws::kPong, "ignored") + server_frame(ws::kText, "Été ", false) +
      server_frame(ws::kPing, "p2") +  // between fragments
      server_frame(ws::kContinuation, "2027", false) + server_frame(ws::kContinuation, "", true) +
      server_frame(ws::kClose, std::string("\x03\xe8"
                                           "bye",
                                           5)) +
      server_frame(ws::kText, "after the close");
  for (std::size_t piece :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, stream.size()}) {
    ws::Decoder d;
    auto got = decode(stream, piece, d);
    EXPECT_EQ(got.messages, (std::vector<std::string>{R"({"type":"hello"})", "Été 2027"})) << piece;
    EXPECT_EQ(got.pings, (std::vector<std::string>{"p1", "p2"})) << piece;
    ASSERT_TRUE(got.close) << piece;
    EXPECT_EQ(*got.close, 1000) << piece;
  }
  ws::Decoder d;
  auto bare = decode(server_frame(ws::kClose, ""), 64, d);
  ASSERT_TRUE(bare.close);
  EXPECT_EQ(*bare.close, 1005) << "a close frame without a code";
}

TEST(SyncLive, FramesOverTheBoundAreRefusedOnTheirHeader) {
  {
    ws::Decoder d;  // 64 KiB
    ws::Received out;
    auto ok = d.feed(server_frame(ws::kText, std::string(ws::kMaxMessageBytes, 'a')), out);
    EXPECT_TRUE(ok) << "64 KiB exactly is within the bound";
    ASSERT_EQ(out.messages.size(), 1u);
    // Only the header of a frame one byte longer: refused before its payload comes.
    std::string big = server_frame(ws::kText, std::string(ws::kMaxMessageBytes + 1, 'a'));
    auto r = d.feed(big.substr(0, 10), out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::too_large);
    EXPECT_EQ(d.close_code(), 1009);
  }
  {
    ws::Decoder d;  // fragments of 40 KiB: the second takes the message over
    ws::Received out;
    EXPECT_TRUE(d.feed(server_frame(ws::kText, std::string(40 << 10, 'a'), false), out));
    auto r = d.feed(server_frame(ws::kContinuation, std::string(40 << 10, 'a')).substr(0, 4), out);
    ASSERT_FALSE(r);
    EXPECT_EQ(d.close_code(), 1009);
    EXPECT_TRUE(out.messages.empty());
  }
  {
    ws::Decoder d;  // a 64-bit length with its top bit set
    ws::Received out;
    EXPECT_FALSE(d.feed(std::string("\x81\x7f\x80\0\0\0\0\0\0\0", 10), out));
    EXPECT_EQ(d.close_code(), 1002);
  }
}

TEST(SyncLive, ProtocolErrorsCloseWithTheirCode) {
  struct Case {
    std::string bytes;
    std::uint16_t code;
    const char* what;
  };
  const std::vector<Case> cases = {
      {ws::encode_frame(ws::kText, "x", kMask), 1002, "a masked server frame"},
      {"\xc1\x01x", 1002, "a reserved bit (no extension was agreed)"},
      {server_frame(ws::kContinuation, "x"), 1002, "a continuation of no message"},
      {server_frame(ws::kText, "a", false) + server_frame(ws::kText, "b"), 1002,
       "a message inside another"},
      {server_frame(ws::kBinary, "x"), 1003, "a binary message"},
      {server_frame(0x3, "x"), 1002, "an unknown opcode"},
      {server_frame(ws::kPing, std::string(126, 'p')), 1002, "a control frame over 125 bytes"},
      {server_frame(ws::kPing, "p", false), 1002, "a fragmented control frame"},
      {server_frame(ws::kClose, "\x03"), 1002, "a close frame of one byte"},
      {server_frame(ws::kText, "\xc3\x28"), 1007, "a text that is not UTF-8"},
  };
  for (const auto& c : cases) {
    ws::Decoder d;
    ws::Received out;
    auto r = d.feed(c.bytes, out);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(d.close_code(), c.code) << c.what;
    EXPECT_TRUE(out.messages.empty()) << c.what;
    EXPECT_TRUE(d.feed(server_frame(ws::kText, "later"), out)) << "then nothing more is read";
    EXPECT_TRUE(out.messages.empty()) << c.what;
  }
}

TEST(SyncLive, Handshake) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  const std::string good =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  EXPECT_TRUE(ws::check_handshake(good, key));
  EXPECT_TRUE(ws::check_handshake(
      "HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
      "sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
      key))
      << "names and values as HTTP compares them";
  auto revoked = ws::check_handshake(
      "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 10", key);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, Errc::unauthenticated) << "the token no longer works";
  for (const std::string& bad :
       {std::string("HTTP/1.1 200 OK\r\nContent-Length: 0"), std::string("HTTP/1.1 403 Forbidden"),
        std::string("SSH-2.0-OpenSSH"),
        std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                    "Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        std::string("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        good + "\r\nSec-WebSocket-Extensions: permessage-deflate"}) {
    auto r = ws::check_handshake(bad, key);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::unavailable) << bad;
  }
}

TEST(SyncLive, EventsThatMayChangeFiles) {
  auto e = parse_event(R"({"type":"file.created","workspace_id":"w1","seq":3,"data":{}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "file.created");
  EXPECT_EQ(e->workspace_id, "w1");
  auto hello = parse_event(R"({"type":"hello","workspace_id":"","seq":0,"data":{}})");
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->type, "hello");
  EXPECT_FALSE(parse_event("[1]"));
  EXPECT_FALSE(parse_event(R"({"type":1})"));
  EXPECT_FALSE(parse_event("not json"));
  for (const char* t :
       {"file.created", "file.deleted", "folder.moved", "workspace.updated", "member.removed"})
    EXPECT_TRUE(may_change_files(t)) << t;
  for (const char* t : {"chat.message", "task.updated", "presence.changed", "hello", "files"})
    EXPECT_FALSE(may_change_files(t)) << t;
}

TEST(SyncLive, WhatRunHearsInTheServersMessages) {
  const std::set<std::string> synced{"w1", "w2"};
  auto event = [](std::string_view type, std::string_view ws) {
    return R"({"type":")" + std::string(type) + R"(","workspace_id":")" + std::string(ws) +
           R"(","seq":1,"data":{}})";
  };
  Heard none = hear(
      {event("chat.message", "w1"), event("task.updated", "w2"), event("file.created", "elsewhere"),
       event("file.created", ""), "not json", R"({"type":1})", "[]"},
      synced);
  EXPECT_FALSE(none.hello);
  EXPECT_TRUE(none.workspaces.empty())
      << "other events, other workspaces and what is no event ask nothing";

  Heard some = hear({event("file.created", "w1"), event("chat.message", "w2"),
                     event("folder.moved", "w1"), event("member.removed", "w2")},
                    synced);
  EXPECT_FALSE(some.hello);
  EXPECT_EQ(some.workspaces, (std::set<std::string>{"w1", "w2"}));

  Heard hello = hear({event("hello", ""), event("workspace.updated", "w2")}, synced);
  EXPECT_TRUE(hello.hello);
  EXPECT_EQ(hello.workspaces, std::set<std::string>{"w2"});
  EXPECT_FALSE(hear({}, synced).hello);
}

// The part of the files API (docs/api.md) a pass that downloads files uses:
// the listings of the root and of folders one level down ("d/x" in files_),
// each file's content, and deletions (recorded, not made), served from
// memory on loopback by the server's own HTTP layer. The content of the file named
// `held_` is answered only once release() is called: a pass's transfer
// that lasts as long as the test wants, no clock deciding anything (after
// kHeldAtMost it is answered anyway, and held_too_long() says the test
// failed).
class SyncEngineTest : public ::testing::Test {
 protected:
  static constexpr auto kHeldAtMost = std::chrono::seconds(30);

  void SetUp() override {
    // Ids are "n-" and the path, '/' as '~'.
    auto id_of = [](std::string path) {
      std::replace(path.begin(), path.end(), '/', '~');
      return "n-" + path;
    };
    auto listing = [this, id_of](const std::string& folder) {
      json::array items;
      std::set<std::string> folders;
      for (const auto& [path, content] : files_) {
        if (!folder.empty() && !path.starts_with(folder + "/")) continue;
        const std::string name = folder.empty() ? path : path.substr(folder.size() + 1);
        const bool in_folder = name.find('/') != std::string::npos;
        if (in_folder && !folders.insert(name.substr(0, name.find('/'))).second) continue;
        const std::string id = in_folder ? name.substr(0, name.find('/')) : name;
        json::object n;
        n["id"] = id_of(folder.empty() ? id : folder + "/" + id);
        if (auto moved = ids_.find(path); !in_folder && moved != ids_.end())
          n["id"] = moved->second;
        n["parent_id"] = folder.empty() ? "" : id_of(folder);
        n["name"] = in_folder ? id : name;
        n["path"] = "/" + (in_folder ? id : path);
        n["kind"] = in_folder ? "folder" : "file";
        n["etag"] = in_folder ? "\"f-" + std::to_string(version_) + "\"" : "\"e-" + path + "\"";
        n["sha256"] = in_folder ? "" : crypto::sha256_hex(content);
        n["size"] = in_folder ? 0 : static_cast<std::int64_t>(content.size());
        n["mtime"] = "2027-01-02T03:04:05Z";
        items.push_back(std::move(n));
      }
      json::object root;
      root["id"] = folder.empty() ? "root" : id_of(folder);
      root["kind"] = "folder";
      root["etag"] = "\"root-" + std::to_string(version_) + "\"";
      json::object out;
      out["folder"] = std::move(root);
      out["total"] = static_cast<std::int64_t>(items.size());
      out["items"] = std::move(items);
      return http::json_response(200, json::serialize(out));
    };
    router_.add("GET", "/api/v1/workspaces/{ws}/files",
                [listing](http::Request&) { return listing(""); });
    router_.add("GET", "/api/v1/files/{id}/children", [listing](http::Request& req) {
      std::string folder = std::string(req.param("id")).substr(2);
      std::replace(folder.begin(), folder.end(), '~', '/');
      return listing(folder);
    });
    // Uploads: recorded (by name), answered as the server does.
    auto upload = [this](http::Request& req) {
      std::lock_guard lock(mu_);
      const std::string name(req.param("name"));
      uploads_.push_back(name);
      json::object n;
      n["id"] = "n-up-" + name;
      n["name"] = name;
      n["kind"] = "file";
      n["etag"] = "\"up-" + name + "\"";
      n["sha256"] = crypto::sha256_hex(req.body);
      n["size"] = static_cast<std::int64_t>(req.body.size());
      n["mtime"] = "2027-01-02T03:04:05Z";
      return http::json_response(201, json::serialize(n));
    };
    router_.add("PUT", "/api/v1/workspaces/{ws}/files/children/{name}", upload);
    router_.add("PUT", "/api/v1/files/{id}/children/{name}", upload);
    router_.add("DELETE", "/api/v1/files/{id}", [this](http::Request& req) {
      std::lock_guard lock(mu_);
      deleted_.push_back(std::string(req.param("id")));
      return http::no_content();
    });
    // Moves: recorded (by id), answered as the server does.
    router_.add("PATCH", "/api/v1/files/{id}", [this](http::Request& req) {
      std::lock_guard lock(mu_);
      const std::string id(req.param("id"));
      moves_.push_back(id);
      if (refuse_moves_) return http::error_response(Errc::unavailable, "try again later");
      json::object n;
      n["id"] = id;
      n["kind"] = "file";
      n["etag"] = "\"moved-" + id + "\"";
      return http::json_response(200, json::serialize(n));
    });
    router_.add("GET", "/api/v1/files/{id}/content", [this](http::Request& req) {
      std::string name = std::string(req.param("id")).substr(2);
      std::replace(name.begin(), name.end(), '~', '/');
      auto f = files_.find(name);
      if (f == files_.end()) return http::error_response(Errc::not_found, "no such file");
      if (name == held_) {
        std::unique_lock lock(mu_);
        holding_ = true;
        cv_.notify_all();
        if (!cv_.wait_for(lock, kHeldAtMost, [&] { return released_; })) held_too_long_ = true;
        holding_ = false;
      }
      http::Response r;
      r.body = f->second;
      std::lock_guard lock(mu_);
      ++served_;
      return r;
    });
    http::ServerConfig cfg;
    cfg.port = 0;
    cfg.io_threads = 1;
    server_ = std::make_unique<http::Server>(cfg, router_, workers_);
    ASSERT_TRUE(server_->listen());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    release();
    server_->stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  // Whether the held file's content is being asked for, not yet answered.
  bool holding() {
    std::lock_guard lock(mu_);
    return holding_;
  }
  // Waits (kHeldAtMost at most) until the held file is being asked for.
  bool wait_until_holding() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kHeldAtMost, [&] { return holding_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool held_too_long() {
    std::lock_guard lock(mu_);
    return held_too_long_;
  }
  // Contents answered so far.
  int served() {
    std::lock_guard lock(mu_);
    return served_;
  }
  // The ids a pass asked to delete.
  std::vector<std::string> deleted() {
    std::lock_guard lock(mu_);
    return deleted_;
  }
  // The ids a pass asked to move, in the order asked.
  std::vector<std::string> moves() {
    std::lock_guard lock(mu_);
    return moves_;
  }
  // The names of the files uploaded, in name order (transfers run side by
  // side: the order they come in is not the pass's).
  std::vector<std::string> uploads() {
    std::lock_guard lock(mu_);
    auto names = uploads_;
    std::sort(names.begin(), names.end());
    return names;
  }
  // One pass from what `journal` holds (kept from pass to pass).
  Result<PassSummary> pass_on(Journal& journal, EngineOptions o = {}) {
    Remote remote(url(), "token", {});
    Engine engine(remote, FolderPair{"w1", "W", dir_.path()}, journal, std::move(o));
    return engine.pass();
  }

  // Options for a pass whose scan, about to read the folder `at`, having
  // read `after` already ("": whatever it read), finds each of `moves` done
  // there (relative paths): `from` renamed to `to`, or removed when `to` is
  // "" (an empty folder). read_ holds the folders it read.
  EngineOptions moving_when_reading(std::string at, std::string after,
                                    std::vector<std::pair<std::string, std::string>> moves) {
    EngineOptions o;
    o.reading = [this, at = std::move(at), after = std::move(after),
                 moves = std::move(moves)](const std::string& rel) {
      if (rel == at) {
        ASSERT_TRUE(after.empty() || read_.contains(after))
            << "the scan reads " << after << " before " << at;
        for (const auto& [from, to] : moves) {
          const std::string f = dir_.path() + "/" + from;
          ASSERT_EQ(to.empty() ? ::rmdir(f.c_str())
                               : ::rename(f.c_str(), (dir_.path() + "/" + to).c_str()),
                    0)
              << from;
        }
      }
      read_.insert(rel);
    };
    return o;
  }

  // One pass of `o` into an empty folder.
  Result<PassSummary> pass(EngineOptions o) {
    Remote remote(url(), "token", {});
    Journal journal;
    Engine engine(remote, FolderPair{"w1", "W", dir_.path()}, journal, std::move(o));
    auto s = engine.pass();
    // A request once the pass is over (run's root-ETag checks): it must
    // not tick (TicksBetweenTheFilesOfAPass).
    after_pass_ = true;
    EXPECT_TRUE(remote.root_etag("w1"));
    return s;
  }

  std::map<std::string, std::string> files_;  // set before a pass
  // A file's id when it is not "n-" and its path: one moved on the server.
  std::map<std::string, std::string> ids_;
  int version_ = 1;  // the root's ETag: moved when files_ is
  std::string held_;
  bool after_pass_ = false;
  bool refuse_moves_ = false;   // PATCH answers 503
  std::set<std::string> read_;  // by moving_when_reading's scans
  TempDir dir_;

 private:
  http::Router router_;
  WorkerPool workers_{8};
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  bool released_ = false;
  bool held_too_long_ = false;
  int served_ = 0;
  std::vector<std::string> deleted_;
  std::vector<std::string> moves_;
  std::vector<std::string> uploads_;
};

TEST_F(SyncEngineTest, TicksBetweenTheFilesOfAPass) {
  constexpr int kFiles = 40;
  for (int i = 0; i < kFiles; ++i)
    files_["f" + std::to_string(100 + i)] = "content " + std::to_string(i);
  std::set<int> served_at_ticks;
  std::set<std::thread::id> threads;
  int ticks_after = 0;
  EngineOptions o;
  o.transfers = 1;
  o.tick = [&] {
    served_at_ticks.insert(served());
    threads.insert(std::this_thread::get_id());
    if (after_pass_) ++ticks_after;
  };
  auto s = pass(o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->downloaded, kFiles);
  std::set<int> every;
  for (int i = 0; i <= kFiles; ++i) every.insert(i);
  EXPECT_EQ(served_at_ticks, every) << "before the first file, between any two, after the last";
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(ticks_after, 0) << "the Remote's requests after the pass do not tick";
}

TEST_F(SyncEngineTest, TicksBetweenTheFilesOfALocalDeletion) {
  // A folder of many files deleted on the server goes here file by file:
  // run reads its watches at the ticks (the kernel's queue of their events
  // is bounded) and its live connection (the server's pings answered).
  constexpr int kFiles = 40;
  files_["top.txt"] = "top";
  for (int i = 0; i < kFiles; ++i) files_["d/f" + std::to_string(100 + i)] = "x";
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  ASSERT_EQ(journal.entries.size(), kFiles + 2u);
  files_ = {{"top.txt", "top"}};
  ++version_;
  std::set<int> left_at_ticks;  // files left in d at each tick
  EngineOptions o;
  o.tick = [&] {
    std::error_code ec;
    const auto files = std::distance(std::filesystem::directory_iterator(dir_.path() + "/d", ec),
                                     std::filesystem::directory_iterator());
    left_at_ticks.insert(static_cast<int>(files));
  };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->deleted_local, 1);
  for (int left = 0; left <= kFiles; ++left)
    EXPECT_TRUE(left_at_ticks.contains(left)) << left << " files left";
}

TEST_F(SyncEngineTest, TicksDuringALongTransfer) {
  files_["big.bin"] = std::string(1 << 20, 'b');
  held_ = "big.bin";
  bool ticked_while_held = false;
  EngineOptions o;
  o.transfers = 1;  // on the pass's own connection: its progress callback ticks
  o.tick = [&] {
    if (!holding()) return;
    ticked_while_held = true;
    release();
  };
  auto s = pass(o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(ticked_while_held);
  EXPECT_FALSE(held_too_long()) << "nothing ticked while the transfer was in progress";
  EXPECT_EQ(s->downloaded, 1);
}

TEST_F(SyncEngineTest, TicksWhileItsOtherConnectionsTransfer) {
  // The pass's thread and one other connection fetch a.txt and z.bin.
  // Once a.txt is answered, the tick waits until z.bin is being fetched:
  // by the other connection (the pass's thread is in the tick, z.bin left
  // in the queue), unless the pass's thread fetches it itself. Of the two
  // ticks once a.txt is in place, at most one is the tick after the pass
  // thread's own transfer: the other comes while it waits for the other
  // connection (or, had it fetched z.bin, from its progress callback).
  files_["a.txt"] = "a";
  files_["z.bin"] = std::string(1 << 20, 'z');
  held_ = "z.bin";
  std::set<std::thread::id> threads;
  bool waited = false;
  int ticks_while_held = 0;
  EngineOptions o;
  o.transfers = 2;
  o.tick = [&] {
    threads.insert(std::this_thread::get_id());
    if (served() == 0) return;
    if (!waited) {
      waited = true;
      EXPECT_TRUE(wait_until_holding());
      return;
    }
    const bool a_in_place = ::access((dir_.path() + "/a.txt").c_str(), F_OK) == 0;
    if (a_in_place && holding() && ++ticks_while_held == 2) release();
  };
  auto s = pass(o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(held_too_long()) << "nothing ticked while the other connection transferred";
  EXPECT_EQ(s->downloaded, 2);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()})
      << "only the pass's thread ticks";
}

TEST_F(SyncEngineTest, RunDoesNotHearItsOwnDownloadsAndDeletions) {
  const FolderPair pair{"w1", "W", dir_.path()};
  Remote remote(url(), "token", {});
  Journal journal;
  Watcher watcher;
  ASSERT_GE(watcher.fd(), 0) << "no inotify";
  // As run does: armed, a pass (the watcher read during it), then judged.
  auto pass_heard = [&](const std::function<void()>& meanwhile = {}) {
    watcher.arm({pair});
    EngineOptions o;
    o.can_write = false;  // this server takes no upload: the user's edits stay here
    o.tick = [&] { watcher.collect(); };
    Engine engine(remote, pair, journal, o);
    auto s = engine.pass();
    EXPECT_TRUE(s && s->converged);
    if (meanwhile) meanwhile();
    std::map<std::string, LocalWrites> writes;
    writes["w1"].add(engine.local_writes(), journal);
    return watcher.after_pass({pair}, writes);
  };
  files_ = {{"a.txt", "a"}, {"b.txt", "b"}};
  EXPECT_FALSE(pass_heard()) << "its downloads (the work folder made, files renamed into place)";
  ASSERT_TRUE(std::ifstream(dir_.path() + "/b.txt").good());

  files_.erase("b.txt");
  files_["a.txt"] = "a, changed on the server";
  ++version_;
  EXPECT_FALSE(pass_heard()) << "a file replaced and one deleted";
  EXPECT_FALSE(std::ifstream(dir_.path() + "/b.txt").good());

  files_["c.txt"] = "c";
  ++version_;
  EXPECT_TRUE(pass_heard([&] { dir_.write("c.txt", "c, edited at once"); }))
      << "the user's edit of a file the pass just wrote";
  EXPECT_FALSE(watcher.drain());

  files_["d.txt"] = "d";
  ++version_;
  EXPECT_TRUE(pass_heard([&] { dir_.write("mine.txt", "mine"); })) << "a file the pass left alone";
}

// The warnings of `s` about `path`, those that say `what`, and the rest.
int warned(const PassSummary& s, const std::string& path, std::string_view what) {
  int n = 0;
  for (const Problem& p : s.warnings) {
    if (p.path != path) continue;
    EXPECT_NE(p.message.find(what), std::string::npos) << path << ": " << p.message;
    ++n;
  }
  return n;
}

TEST_F(SyncEngineTest, WhatIsLeftOutInASyncedItemsPlaceIsNoDeletion) {
  // Each of these once passed for deleted here, and was deleted on the
  // server: a file replaced by a link to where it went, one replaced by a
  // FIFO, one renamed to a name the server refuses, a folder replaced by a
  // link to where its contents went, one renamed to a name the server
  // refuses. (A name in NFD is no longer one: NamesNotInNfc… below.)
  files_ = {{"a.txt", "a"},    {"b.txt", "b"},    {"c.txt", "c"},
            {"d/x.txt", "dx"}, {"f/y.txt", "fy"}, {"k.txt", "k"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  ASSERT_EQ(s->downloaded, 6);
  TempDir away;
  const std::string& here = dir_.path();
  const std::string refused_c = "c\t.txt";                          // a control character
  const std::string refused_f = std::string("fa\xff\xfe") + "ade";  // not UTF-8
  ASSERT_FALSE(name_problem(refused_c).empty());
  ASSERT_FALSE(name_problem(refused_f).empty());
  ASSERT_EQ(::rename((here + "/a.txt").c_str(), (away.path() + "/a.txt").c_str()), 0);
  ASSERT_EQ(::symlink((away.path() + "/a.txt").c_str(), (here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::unlink((here + "/b.txt").c_str()), 0);
  ASSERT_EQ(::mkfifo((here + "/b.txt").c_str(), 0644), 0);
  ASSERT_EQ(::rename((here + "/c.txt").c_str(), (here + "/" + refused_c).c_str()), 0);
  ASSERT_EQ(::rename((here + "/d").c_str(), (away.path() + "/d").c_str()), 0);
  ASSERT_EQ(::symlink((away.path() + "/d").c_str(), (here + "/d").c_str()), 0);
  ASSERT_EQ(::rename((here + "/f").c_str(), (here + "/" + refused_f).c_str()), 0);
  const Journal before = journal;

  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(deleted(), std::vector<std::string>{}) << "nothing is deleted on the server";
  EXPECT_EQ(s->deleted_remote, 0);
  EXPECT_EQ(journal.entries, before.entries) << "the journal keeps them, and what is beneath";
  EXPECT_EQ(warned(*s, "a.txt",
                   "replaced here by a symbolic link: not synced; the server's copy is kept"),
            1);
  EXPECT_EQ(warned(*s, "b.txt", "replaced here by a special file"), 1);
  EXPECT_EQ(warned(*s, "c.txt", "renamed here to a name the server refuses: " + refused_c), 1);
  EXPECT_EQ(warned(*s, refused_c, ""), 0) << "said once, as the rename";
  EXPECT_EQ(warned(*s, "d", "replaced here by a symbolic link"), 1);
  EXPECT_EQ(warned(*s, "d/x.txt", ""), 0) << "once per place";
  EXPECT_EQ(warned(*s, "f", "renamed here to a name the server refuses: " + refused_f), 1);
  EXPECT_EQ(warned(*s, "f/y.txt", ""), 0);
  EXPECT_FALSE(journal.root_etag.empty()) << "the server holds what the journal says";

  // Put back: nothing to do.
  ASSERT_EQ(::unlink((here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::rename((away.path() + "/a.txt").c_str(), (here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::unlink((here + "/b.txt").c_str()), 0);
  dir_.write("b.txt", "b");
  ASSERT_EQ(::rename((here + "/" + refused_c).c_str(), (here + "/c.txt").c_str()), 0);
  ASSERT_EQ(::unlink((here + "/d").c_str()), 0);
  ASSERT_EQ(::rename((away.path() + "/d").c_str(), (here + "/d").c_str()), 0);
  ASSERT_EQ(::rename((here + "/" + refused_f).c_str(), (here + "/f").c_str()), 0);
  ++version_;  // listed again, as after a change elsewhere
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_TRUE(s->warnings.empty())
      << s->warnings.front().path << ": " << s->warnings.front().message;
  EXPECT_EQ(s->downloaded + s->uploaded + s->deleted_local + s->deleted_remote + s->moved, 0);
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(journal.entries.size(), before.entries.size());
}

TEST_F(SyncEngineTest, TheServersChangesWaitUntilWhatIsLeftOutHereIsGone) {
  files_ = {{"a.txt", "a"}, {"d/x.txt", "dx"}};
  Journal journal;
  ASSERT_TRUE(pass_on(journal));
  TempDir away;
  const std::string& here = dir_.path();
  ASSERT_EQ(::rename((here + "/a.txt").c_str(), (away.path() + "/a.txt").c_str()), 0);
  ASSERT_EQ(::symlink((away.path() + "/a.txt").c_str(), (here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::rename((here + "/d").c_str(), (away.path() + "/d").c_str()), 0);
  ASSERT_EQ(::symlink((away.path() + "/d").c_str(), (here + "/d").c_str()), 0);
  files_["a.txt"] = "a, changed on the server";
  files_["d/x.txt"] = "dx, changed on the server";
  files_["d/new.txt"] = "new on the server";
  ++version_;
  for (int i = 0; i < 2; ++i) {  // the second from what the first recorded
    auto s = pass_on(journal);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->converged);
    EXPECT_EQ(s->downloaded, 0) << "nothing written over a link, nor through one";
    EXPECT_EQ(warned(*s, "a.txt", "the server's copy is kept"), 1);
    EXPECT_EQ(warned(*s, "d", "the server's copy is kept"), 1);
    EXPECT_TRUE(journal.root_etag.empty()) << "listed again: the server differs from the journal";
  }
  std::ifstream a(away.path() + "/a.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}), "a");
  EXPECT_NE(::access((away.path() + "/d/new.txt").c_str(), F_OK), 0);

  // Put back: the server's changes come down.
  ASSERT_EQ(::unlink((here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::rename((away.path() + "/a.txt").c_str(), (here + "/a.txt").c_str()), 0);
  ASSERT_EQ(::unlink((here + "/d").c_str()), 0);
  ASSERT_EQ(::rename((away.path() + "/d").c_str(), (here + "/d").c_str()), 0);
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->downloaded, 3);
  EXPECT_EQ(s->conflicts, 0);
  std::ifstream x(here + "/d/x.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(x), {}), "dx, changed on the server");
  EXPECT_FALSE(journal.root_etag.empty());
}

TEST_F(SyncEngineTest, ADownloadIsNotWrittenThroughAFolderReplacedByALinkMeanwhile) {
  // The folder becomes a link to elsewhere while its file is fetched: the
  // file once went there, outside the synced folder.
  files_ = {{"d/x.bin", std::string(1 << 20, 'x')}};
  held_ = "d/x.bin";
  TempDir away;
  bool swapped = false;
  EngineOptions o;
  o.transfers = 1;
  o.tick = [&] {
    if (swapped || !holding()) return;
    swapped = true;
    EXPECT_EQ(::rename((dir_.path() + "/d").c_str(), (away.path() + "/d").c_str()), 0);
    EXPECT_EQ(::symlink(away.path().c_str(), (dir_.path() + "/d").c_str()), 0);
    release();
  };
  Journal journal;
  auto s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(swapped);
  EXPECT_FALSE(s->converged);
  EXPECT_EQ(s->downloaded, 0);
  EXPECT_NE(::access((away.path() + "/x.bin").c_str(), F_OK), 0) << "written through the link";
  EXPECT_NE(::access((away.path() + "/d/x.bin").c_str(), F_OK), 0);
  EXPECT_FALSE(journal.entries.contains("d/x.bin"));
}

TEST_F(SyncEngineTest, ANameHereNotInNfcIsSyncedUnderItsNfcForm) {
  // A folder made on macOS, its name and its file's in NFD; the server has
  // the same names in NFC. The same items: synced into that folder, whose
  // names stay as they are, and no second folder appears beside it.
  const std::string equipe = "E\xcc\x81quipe", resume = "re\xcc\x81sume\xcc\x81.txt";
  const std::string here = dir_.path() + "/" + equipe;
  ASSERT_EQ(::mkdir(here.c_str(), 0755), 0);
  dir_.write(equipe + "/" + resume, "résumé");
  dir_.write(equipe + "/b.txt", "b");
  files_ = {{"Équipe/résumé.txt", "résumé"}, {"Équipe/b.txt", "b"}, {"top.txt", "top"}};
  const FolderPair pair{"w1", "W", dir_.path()};
  Remote remote(url(), "token", {});
  Journal journal;
  Watcher watcher;
  ASSERT_GE(watcher.fd(), 0) << "no inotify";
  // A pass as run makes it: whether its watches heard anything but its own writes.
  bool heard = false;
  auto pass = [&] {
    watcher.arm({pair});
    EngineOptions o;
    o.tick = [&] { watcher.collect(); };
    Engine engine(remote, pair, journal, o);
    auto s = engine.pass();
    std::map<std::string, LocalWrites> writes;
    writes["w1"].add(engine.local_writes(), journal);
    heard = watcher.after_pass({pair}, writes);
    return s;
  };
  auto content = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto s = pass();
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->downloaded, 1) << "top.txt only";
  EXPECT_EQ(s->conflicts, 0);
  EXPECT_TRUE(s->warnings.empty())
      << s->warnings.front().path << ": " << s->warnings.front().message;
  EXPECT_NE(::access((dir_.path() + "/Équipe").c_str(), F_OK), 0) << "a second folder, in NFC";
  struct stat st {};
  ASSERT_EQ(::stat((here + "/" + resume).c_str(), &st), 0);
  ASSERT_TRUE(journal.entries.contains("Équipe/résumé.txt"));
  EXPECT_EQ(journal.entries.at("Équipe/résumé.txt").inode, st.st_ino);
  EXPECT_FALSE(heard);

  // Edited on the server, and a new file there: both come into the NFD
  // folder, the edit under the file's own name, the new file under the
  // server's; run does not take those writes for the user's.
  files_["Équipe/résumé.txt"] = "résumé, edited on the server";
  files_["Équipe/nouveau é.txt"] = "new";
  ++version_;
  s = pass();
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(s->downloaded, 2);
  EXPECT_EQ(s->conflicts, 0);
  EXPECT_EQ(content(here + "/" + resume), "résumé, edited on the server");
  EXPECT_EQ(content(here + "/nouveau é.txt"), "new");
  EXPECT_NE(::access((here + "/résumé.txt").c_str(), F_OK), 0) << "a second file, in NFC";
  EXPECT_NE(::access((dir_.path() + "/Équipe").c_str(), F_OK), 0) << "a second folder, in NFC";
  EXPECT_FALSE(heard) << "the pass's own downloads into a folder named in NFD";
  s = pass();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->downloaded + s->uploaded + s->deleted_local + s->deleted_remote + s->conflicts, 0);

  // Deleted on the server: deleted in the NFD folder; then the folder.
  files_.erase("Équipe/b.txt");
  ++version_;
  s = pass();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->deleted_local, 1);
  EXPECT_NE(::access((here + "/b.txt").c_str(), F_OK), 0);
  EXPECT_FALSE(heard);
  files_ = {{"top.txt", "top"}};
  ++version_;
  s = pass();
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_NE(::access(here.c_str(), F_OK), 0) << "the NFD folder, deleted on the server";
  EXPECT_FALSE(journal.entries.contains("Équipe"));
  EXPECT_EQ(deleted(), std::vector<std::string>{}) << "nothing deleted on the server";
}

TEST_F(SyncEngineTest, OfTwoNamesWithTheSameNfcFormTheOtherIsLeftOutAndKept) {
  const std::string nfc = "\xc3\xa9.txt", nfd = "e\xcc\x81.txt";
  dir_.write(nfd, "nfd, mine");
  dir_.write(nfc, "server");
  files_ = {{nfc, "server"}, {"top.txt", "top"}};
  EngineOptions o;
  o.can_write = false;  // this server takes no upload
  Journal journal;
  auto content = [&](const std::string& name) {
    std::ifstream in(dir_.path() + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(warned(*s, nfd, "same name as " + nfc), 1);
  EXPECT_EQ(s->conflicts, 0);
  EXPECT_EQ(content(nfd), "nfd, mine");

  // Changed on the server: onto the name in NFC, not the other.
  files_[nfc] = "server, edited";
  ++version_;
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->downloaded, 1);
  EXPECT_EQ(content(nfc), "server, edited");
  EXPECT_EQ(content(nfd), "nfd, mine") << "written over";
  EXPECT_EQ(warned(*s, nfd, "same name as " + nfc), 1);

  // Deleted on the server: the name in NFC goes, the other stays; that
  // deletion is no write of the pass's own (`run` passes again at once, and
  // the other is synced in its place).
  files_.erase(nfc);
  ++version_;
  {
    Remote remote(url(), "token", {});
    Engine engine(remote, FolderPair{"w1", "W", dir_.path()}, journal, o);
    s = engine.pass();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(engine.local_writes().contains(nfc));
  }
  EXPECT_EQ(s->deleted_local, 1);
  EXPECT_NE(::access((dir_.path() + "/" + nfc).c_str(), F_OK), 0);
  EXPECT_EQ(content(nfd), "nfd, mine") << "deleted";
  o.can_write = true;
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->uploaded, 1);
  EXPECT_EQ(uploads(), std::vector<std::string>{nfc}) << "under its NFC form";
}

TEST_F(SyncEngineTest, OfTwoNamesWithTheSameNfcFormTheSyncedOneRenamedOnTheServerIsHeard) {
  // "é.txt" synced in NFC, its NFD twin left out beside it; renamed on the
  // server to "x.txt": renamed here too. The NFD one, the only "é.txt" now,
  // is synced in its place at the next pass, which run starts at once: the
  // rename from the name in NFC is no write of the pass's own.
  const std::string nfc = "\xc3\xa9.txt", nfd = "e\xcc\x81.txt";
  dir_.write(nfd, "nfd, mine");
  dir_.write(nfc, "server");
  files_ = {{nfc, "server"}};
  const FolderPair pair{"w1", "W", dir_.path()};
  Remote remote(url(), "token", {});
  Journal journal;
  Watcher watcher;
  ASSERT_GE(watcher.fd(), 0) << "no inotify";
  EngineOptions o;
  o.can_write = false;  // this server takes no upload
  o.tick = [&] { watcher.collect(); };
  auto s = pass_on(journal, o);
  ASSERT_TRUE(s && s->converged);

  files_.erase(nfc);
  files_["x.txt"] = "server";
  ids_["x.txt"] = "n-" + nfc;
  ++version_;
  watcher.arm({pair});
  Engine engine(remote, pair, journal, o);
  s = engine.pass();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->moved, 1);
  EXPECT_TRUE(std::ifstream(dir_.path() + "/x.txt").good());
  EXPECT_TRUE(std::ifstream(dir_.path() + "/" + nfd).good());
  std::map<std::string, LocalWrites> writes;
  writes["w1"].add(engine.local_writes(), journal);
  EXPECT_TRUE(watcher.after_pass({pair}, writes));
}

TEST_F(SyncEngineTest, ASyncedFolderInNfdShadowedByATwinInNfcKeepsItsFilesOnTheServer) {
  // "é" synced, in NFD here, with a file in it; then a folder "é" in NFC
  // appears beside it (typed on Linux: mkdir -p é/new): that one is synced
  // now, the NFD one left out, its files unread. They are still here: none
  // is deleted on the server, in this pass nor the next.
  const std::string nfd = "e\xcc\x81", nfc = "\xc3\xa9";
  ASSERT_EQ(::mkdir((dir_.path() + "/" + nfd).c_str(), 0755), 0);
  dir_.write(nfd + "/a.txt", "a");
  files_ = {{nfc + "/a.txt", "a"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->converged);
  ASSERT_TRUE(journal.entries.contains(nfc + "/a.txt"));
  ASSERT_EQ(::mkdir((dir_.path() + "/" + nfc).c_str(), 0755), 0);
  for (int i = 0; i < 2; ++i) {
    s = pass_on(journal);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(warned(*s, nfd, "same name as " + nfc), 1);
    EXPECT_EQ(deleted(), std::vector<std::string>{}) << "pass " << i;
    EXPECT_TRUE(journal.entries.contains(nfc + "/a.txt")) << "pass " << i;
  }
  // The twin gone: the NFD folder is synced again, its file as it was.
  ASSERT_EQ(::rmdir((dir_.path() + "/" + nfc).c_str()), 0);
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->uploaded + s->downloaded + s->deleted_remote + s->deleted_local, 0);
  EXPECT_EQ(deleted(), std::vector<std::string>{});
}

TEST_F(SyncEngineTest, AFolderRenamedToItsNfdFormDuringAPassKeepsItsFilesOnTheServer) {
  // "é" synced in NFC; renamed here to its NFD form once the pass read the
  // folder, while a new file for it comes from the server (once, the pass
  // made "é" in NFC again for that file, and the folder in NFD was then left
  // out beside it). Its files are still here: none is deleted on the server.
  const std::string nfd = "e\xcc\x81", nfc = "\xc3\xa9";
  ASSERT_EQ(::mkdir((dir_.path() + "/" + nfc).c_str(), 0755), 0);
  dir_.write(nfc + "/a.txt", "a");
  files_ = {{nfc + "/a.txt", "a"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->converged);
  files_[nfc + "/new.txt"] = "new";
  ++version_;
  EngineOptions o;
  o.scanned = [&] {
    ASSERT_EQ(::rename((dir_.path() + "/" + nfc).c_str(), (dir_.path() + "/" + nfd).c_str()), 0);
  };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  for (int i = 0; i < 2; ++i) {
    s = pass_on(journal);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(deleted(), std::vector<std::string>{}) << "pass " << i;
    EXPECT_TRUE(journal.entries.contains(nfc + "/a.txt")) << "pass " << i;
  }
  std::ifstream in(dir_.path() + "/" + nfd + "/a.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "a");
}

TEST_F(SyncEngineTest, ANewFileInNfdHereAndItsNfcFormNewOnTheServerConflict) {
  // Both new in the same pass, different contents: a conflict. The
  // server's version takes the local name (NFD), the local one is kept
  // aside under a conflict name (NFC) and sent; no third name appears.
  const std::string nfd = "e\xcc\x81.txt", nfc = "\xc3\xa9.txt";
  dir_.write(nfd, "mine");
  files_ = {{nfc, "theirs"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(s->conflicts, 1);
  auto content = [&](const std::string& name) {
    std::ifstream in(dir_.path() + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(content(nfd), "theirs");
  EXPECT_NE(::access((dir_.path() + "/" + nfc).c_str(), F_OK), 0) << "a second name, in NFC";
  ASSERT_EQ(uploads().size(), 1u);
  EXPECT_TRUE(uploads()[0].starts_with("\xc3\xa9 (conflict ")) << uploads()[0];
  EXPECT_EQ(content(uploads()[0]), "mine");
  EXPECT_TRUE(deleted().empty());
}

// The folder `d` moved out of the synced folder (to `away`) and a link to it
// put in its place: its files are the same ones (inodes, times), now
// outside. Once, whole-path deletions and reads went through the link.
void swap_for_a_link(const std::string& here, const std::string& away) {
  ASSERT_EQ(::rename((here + "/d").c_str(), (away + "/d").c_str()), 0);
  ASSERT_EQ(::symlink((away + "/d").c_str(), (here + "/d").c_str()), 0);
}

TEST_F(SyncEngineTest, NothingIsDeletedThroughAFolderReplacedByALinkMeanwhile) {
  files_ = {{"d/x.txt", "dx"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  files_.erase("d/x.txt");  // the folder and its file deleted on the server
  ++version_;
  TempDir away;
  bool swapped = false;
  EngineOptions o;
  o.scanned = [&] {  // read as a folder, then swapped
    swapped = true;
    swap_for_a_link(dir_.path(), away.path());
  };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(swapped);
  EXPECT_FALSE(s->converged);
  std::ifstream x(away.path() + "/d/x.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(x), {}), "dx") << "deleted through the link";
  struct stat st {};
  ASSERT_EQ(::lstat((dir_.path() + "/d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(deleted(), std::vector<std::string>{});
}

TEST_F(SyncEngineTest, NothingIsReadOrSentThroughAFolderReplacedByALinkMeanwhile) {
  files_ = {{"d/a.txt", "a"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  dir_.write("d/a.txt", "a, edited here");  // hashed, then sent
  dir_.write("d/x.txt", "new here");        // sent
  TempDir away;
  EngineOptions o;
  o.scanned = [&] { swap_for_a_link(dir_.path(), away.path()); };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->converged);
  EXPECT_EQ(s->uploaded, 0);
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "files outside sent through the link";

  // Put back: both go.
  ASSERT_EQ(::unlink((dir_.path() + "/d").c_str()), 0);
  ASSERT_EQ(::rename((away.path() + "/d").c_str(), (dir_.path() + "/d").c_str()), 0);
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(s->uploaded, 2);
  EXPECT_EQ(uploads(), (std::vector<std::string>{"a.txt", "x.txt"}));
}

TEST_F(SyncEngineTest, TheWorkFolderIsNotFollowedIfALink) {
  // What a killed pass left there is cleared, downloads are written there:
  // neither goes through a link in its place.
  TempDir away;
  std::ofstream(away.path() + "/download-keep") << "not the pass's";
  ASSERT_EQ(::symlink(away.path().c_str(), (dir_.path() + "/.ruche-sync").c_str()), 0);
  files_ = {{"a.txt", "a"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->converged);
  EXPECT_EQ(s->downloaded, 0);
  EXPECT_EQ(::access((away.path() + "/download-keep").c_str(), F_OK), 0) << "deleted through it";
  std::size_t there = 0;
  for (const auto& e : std::filesystem::directory_iterator(away.path())) there += !e.is_directory();
  EXPECT_EQ(there, 1u) << "a download written through it";
}

TEST_F(SyncEngineTest, WhatIsMovedIntoAFolderWithARefusedNameIsNoDeletion) {
  // A folder renamed here to a name the server refuses ("a\tb"), then a
  // synced file and a synced folder moved into it: the scan did not read
  // inside it, so both once passed for deleted here and were deleted on the
  // server.
  files_ = {{"a.txt", "a"}, {"d/x.txt", "dx"}, {"e/y.txt", "ey"}, {"k.txt", "k"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->downloaded, 4);
  const std::string& here = dir_.path();
  const std::string refused = "a\tb";
  ASSERT_EQ(::rename((here + "/e").c_str(), (here + "/" + refused).c_str()), 0);
  ASSERT_EQ(::mkdir((here + "/" + refused + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(::rename((here + "/a.txt").c_str(), (here + "/" + refused + "/a.txt").c_str()), 0);
  ASSERT_EQ(::rename((here + "/d").c_str(), (here + "/" + refused + "/sub/d").c_str()), 0);
  const Journal before = journal;

  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(deleted(), std::vector<std::string>{}) << "nothing is deleted on the server";
  EXPECT_EQ(s->deleted_remote, 0);
  EXPECT_EQ(journal.entries, before.entries) << "the journal keeps them, and what is beneath";
  EXPECT_EQ(warned(*s, "e", "renamed here to a name the server refuses: " + refused), 1);
  EXPECT_EQ(warned(*s, "a.txt",
                   "moved here into a folder whose name the server refuses: " + refused +
                       "; the server's copy is kept"),
            1);
  EXPECT_EQ(warned(*s, "d", "moved here into a folder whose name the server refuses: " + refused),
            1);
  EXPECT_EQ(warned(*s, "d/x.txt", ""), 0) << "once per place";
  EXPECT_EQ(warned(*s, refused, ""), 0) << "said as the renames";
}

TEST(SyncLocal, WhatIsBeneathAFolderWithARefusedNameIsReadForItsInodesAlone) {
  TempDir t;
  const std::string refused = "a\tb";
  std::string deep = refused;
  ASSERT_EQ(::mkdir((t.path() + "/" + deep).c_str(), 0755), 0);
  for (int i = 0; i < 3; ++i) {
    deep += "/s";
    ASSERT_EQ(::mkdir((t.path() + "/" + deep).c_str(), 0755), 0);
  }
  t.write(deep + "/f.txt", "f");
  auto scan = scan_local(t.path());
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_TRUE(scan->entries.empty()) << "no entries beneath";
  EXPECT_EQ(scan->left_out.size(), 1u);
  EXPECT_EQ(scan->hidden.size(), 4u) << "three folders and a file";
  EXPECT_FALSE(scan->hidden_unknown);
  struct stat st {};
  ASSERT_EQ(::stat((t.path() + "/" + deep + "/f.txt").c_str(), &st), 0);
  ASSERT_TRUE(scan->hidden.contains(st.st_ino));
  EXPECT_EQ(scan->hidden.at(st.st_ino).under, refused);
  EXPECT_FALSE(scan->hidden.at(st.st_ino).folder);
  // Deeper than it reads: anything may be there.
  for (int i = 3; i < kHiddenDepthAtMost + 1; ++i) {
    deep += "/s";
    ASSERT_EQ(::mkdir((t.path() + "/" + deep).c_str(), 0755), 0) << i;
  }
  scan = scan_local(t.path());
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_TRUE(scan->hidden_unknown);
}

TEST_F(SyncEngineTest, WhatMayBeBeneathAFolderWithARefusedNameTooDeepToReadIsKept) {
  files_ = {{"a.txt", "a"}, {"k.txt", "k"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  std::string deep = "a\tb";
  ASSERT_EQ(::mkdir((dir_.path() + "/" + deep).c_str(), 0755), 0);
  for (int i = 0; i < kHiddenDepthAtMost + 1; ++i) {
    deep += "/s";
    ASSERT_EQ(::mkdir((dir_.path() + "/" + deep).c_str(), 0755), 0) << i;
  }
  ASSERT_EQ(
      ::rename((dir_.path() + "/a.txt").c_str(), (dir_.path() + "/" + deep + "/a.txt").c_str()), 0);
  const Journal before = journal;
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(journal.entries, before.entries);
  EXPECT_EQ(warned(*s, "a.txt", "may have been moved into a folder whose name the server refuses"),
            1);
}

TEST_F(SyncEngineTest, AFolderMadeForADownloadIsTheOneRenamedToItsNfdFormMeanwhile) {
  // "é" synced in NFC; renamed here to its NFD form once the pass read the
  // folder, while a new file for it comes from the server: the file goes
  // into that folder, no twin in NFC is made beside it.
  const std::string nfd = "e\xcc\x81", nfc = "\xc3\xa9";
  files_ = {{nfc + "/a.txt", "a"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->converged);
  files_[nfc + "/new.txt"] = "new";
  ++version_;
  EngineOptions o;
  o.scanned = [&] {
    ASSERT_EQ(::rename((dir_.path() + "/" + nfc).c_str(), (dir_.path() + "/" + nfd).c_str()), 0);
  };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_NE(::access((dir_.path() + "/" + nfc).c_str(), F_OK), 0) << "a twin in NFC";
  std::ifstream in(dir_.path() + "/" + nfd + "/new.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "new");
  EXPECT_EQ(deleted(), std::vector<std::string>{});
}

TEST_F(SyncEngineTest, AFolderRenamedHereWhileItIsDeletedIsNotTakenForDeleted) {
  files_ = {{"d/x.txt", "dx"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  files_.erase("d/x.txt");  // the folder and its file deleted on the server
  ++version_;
  EngineOptions o;
  o.scanned = [&] {  // read as it was, then renamed
    ASSERT_EQ(::rename((dir_.path() + "/d").c_str(), (dir_.path() + "/d2").c_str()), 0);
  };
  s = pass_on(journal, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->converged);
  EXPECT_TRUE(journal.entries.contains("d/x.txt")) << "not deleted";
  EXPECT_TRUE(journal.entries.contains("d")) << "its file was not deleted: nor is it";
  std::ifstream x(dir_.path() + "/d2/x.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(x), {}), "dx");
}

TEST_F(SyncEngineTest, AFolderMovedHereWhileTheScanReadsTheTreeIsNotTakenForDeleted) {
  // "d" listed at the top, then moved to "d2" before the scan came to read
  // it (run's pass, started by another change, while the user renames a
  // folder): neither is read. It is not deleted on the server.
  files_ = {{"d/x.txt", "dx"}, {"d/y.txt", "dy"}, {"top.txt", "top"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("d", "", {{"d", "d2"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(s->deleted_remote, 0);
  EXPECT_FALSE(s->converged) << "compared again at the next pass";
  EXPECT_TRUE(journal.entries.contains("d/y.txt"));
  std::ifstream x(dir_.path() + "/d2/x.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(x), {}), "dx");
}

TEST_F(SyncEngineTest, AFileMovedHereWhileTheScanReadsTheTreeIsNotTakenForDeleted) {
  // "a/f.txt" and the folder "a/sub" moved to "b" after the scan read "b",
  // before it read "a" (run's pass, started by another change, while the
  // user moves files): the scan sees them in neither. They are not deleted
  // on the server (to be sent again as new by the next pass, their history
  // lost): the next pass moves them there.
  files_ = {{"a/f.txt", "f"}, {"a/keep.txt", "k"}, {"a/sub/x.txt", "x"}, {"b/y.txt", "y"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("a", "b", {{"a/f.txt", "b/f.txt"}, {"a/sub", "b/sub"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(s->deleted_remote, 0);
  EXPECT_FALSE(s->converged) << "compared again at the next pass";
  for (const char* p : {"a/f.txt", "a/sub", "a/sub/x.txt"})
    EXPECT_TRUE(journal.entries.contains(p)) << p;
  EXPECT_EQ(uploads(), std::vector<std::string>{});

  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(s->moved, 2);
  EXPECT_EQ(moves(), (std::vector<std::string>{"n-a~f.txt", "n-a~sub"}));
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "nothing sent again";
  for (const char* p : {"b/f.txt", "b/sub", "b/sub/x.txt", "a/keep.txt"})
    EXPECT_TRUE(journal.entries.contains(p)) << p;
}

TEST_F(SyncEngineTest, AFolderWhoseFileWasMovedOutWhileTheScanReadTheTreeIsNotDeletedYet) {
  // "c/d/f.txt" moved to "e" after the scan read "e", "c/d" deleted, both
  // before the scan read "c": deleting "c/d" on the server would delete the
  // file with it. It waits for the next pass, which moves the file first.
  files_ = {{"c/d/f.txt", "f"}, {"c/keep.txt", "k"}, {"e/y.txt", "y"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("c", "e", {{"c/d/f.txt", "e/f.txt"}, {"c/d", ""}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_FALSE(s->converged);
  EXPECT_TRUE(journal.entries.contains("c/d/f.txt"));

  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(moves(), std::vector<std::string>{"n-c~d~f.txt"});
  EXPECT_EQ(deleted(), std::vector<std::string>{"n-c~d"});
  EXPECT_EQ(uploads(), std::vector<std::string>{});
}

TEST_F(SyncEngineTest, AFileMovedAwayWhileTheScanReadsTheTreeIsMovedOnTheServer) {
  // "b/f.txt" moved to "a" after the scan read "b", before it read "a":
  // the scan sees it at both paths. It is moved on the server, in this
  // pass: neither sent again as new nor deleted under its old path.
  files_ = {{"a/keep.txt", "k"}, {"b/f.txt", "f"}, {"b/y.txt", "y"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("a", "b", {{"b/f.txt", "a/f.txt"}}));
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->moved, 1);
  EXPECT_EQ(moves(), std::vector<std::string>{"n-b~f.txt"});
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "nothing sent again";
  EXPECT_TRUE(journal.entries.contains("a/f.txt"));
  EXPECT_FALSE(journal.entries.contains("b/f.txt"));
}

// A move the server refuses for now (503) is neither a deletion there nor
// an upload of the file as new (which would lose its versions and share
// links): both paths wait, and the next pass moves it.
TEST_F(SyncEngineTest, AMoveTheServerRefusesWaitsForTheNextPass) {
  files_ = {{"a/keep.txt", "k"}, {"b/f.txt", "f"}, {"b/d/g.txt", "g"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  const std::string d = dir_.path();
  ASSERT_EQ(::rename((d + "/b/f.txt").c_str(), (d + "/a/f.txt").c_str()), 0);
  ASSERT_EQ(::rename((d + "/b/d").c_str(), (d + "/a/d").c_str()), 0);
  refuse_moves_ = true;
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->converged);
  EXPECT_EQ(s->errors.size(), 2u);
  EXPECT_EQ(moves().size(), 2u);
  EXPECT_EQ(deleted(), std::vector<std::string>{}) << "nothing deleted on the server";
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "nothing sent as new";
  EXPECT_TRUE(journal.entries.contains("b/f.txt"));
  EXPECT_TRUE(journal.entries.contains("b/d/g.txt"));
  refuse_moves_ = false;
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(s->moved, 2);
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(uploads(), std::vector<std::string>{});
  EXPECT_TRUE(journal.entries.contains("a/f.txt"));
  EXPECT_TRUE(journal.entries.contains("a/d/g.txt"));
  EXPECT_FALSE(journal.entries.contains("b/f.txt"));
}

TEST_F(SyncEngineTest, AFolderMovedAwayWhileTheScanReadsTheTreeIsMovedOnTheServer) {
  // "b/d" moved to "a" after the scan read it and all it holds, before it
  // read "a": the scan sees the folder and its contents at both paths. One
  // move on the server, nothing beneath it sent or deleted.
  files_ = {{"a/keep.txt", "k"}, {"b/d/x.txt", "x"}, {"b/d/sub/y.txt", "y"}, {"b/z.txt", "z"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("a", "b/d/sub", {{"b/d", "a/d"}}));
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(s->moved, 1);
  EXPECT_EQ(moves(), std::vector<std::string>{"n-b~d"});
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "nothing sent again";
  for (const char* p : {"a/d", "a/d/x.txt", "a/d/sub", "a/d/sub/y.txt", "b/z.txt"})
    EXPECT_TRUE(journal.entries.contains(p)) << p;
  EXPECT_FALSE(journal.entries.contains("b/d"));
}

TEST_F(SyncEngineTest, AFolderMovedAwayWhileTheScanReadsItIsMovedOnTheServer) {
  // "b/d" moved to "a" once the scan read it, before it read "b/d/sub" (gone
  // from there then) and "a": its file is seen at both paths, its
  // subfolder at the new one only. One move on the server all the same.
  files_ = {{"a/keep.txt", "k"}, {"b/d/x.txt", "x"}, {"b/d/sub/y.txt", "y"}, {"b/z.txt", "z"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  s = pass_on(journal, moving_when_reading("b/d/sub", "b/d", {{"b/d", "a/d"}}));
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(read_.contains("a/d/sub")) << "the scan read a once b/d was moved there";
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(moves(), std::vector<std::string>{"n-b~d"});
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  EXPECT_EQ(uploads(), std::vector<std::string>{}) << "nothing sent again";
  for (const char* p : {"a/d", "a/d/x.txt", "a/d/sub", "a/d/sub/y.txt"})
    EXPECT_TRUE(journal.entries.contains(p)) << p;
}

TEST_F(SyncEngineTest, HardLinksAreFilesEach) {
  // Two paths of one inode, both there (not an item seen twice by a scan
  // it was moved during): two files, nothing moved.
  dir_.write("a.txt", "same");
  ASSERT_EQ(::link((dir_.path() + "/a.txt").c_str(), (dir_.path() + "/b.txt").c_str()), 0);
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_EQ(uploads(), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(moves(), std::vector<std::string>{});
  EXPECT_EQ(deleted(), std::vector<std::string>{});
  ASSERT_TRUE(journal.entries.contains("a.txt") && journal.entries.contains("b.txt"));
  EXPECT_EQ(journal.entries.at("a.txt").inode, journal.entries.at("b.txt").inode);
}

TEST_F(SyncEngineTest, AFileDeletedHereGoesEvenWhenANewOneTookItsInode) {
  // The second read of the tree that looks for files moved meanwhile
  // counts only what the scan did not see: a file deleted here, and a new
  // one that took its inode before the pass, is a deletion and a new file.
  files_ = {{"old.txt", "old"}};
  Journal journal;
  auto s = pass_on(journal);
  ASSERT_TRUE(s && s->converged);
  ASSERT_EQ(::unlink((dir_.path() + "/old.txt").c_str()), 0);
  dir_.write("new.txt", "new");
  journal.entries.at("old.txt").inode = stat_entry(dir_.path() + "/new.txt")->inode;
  s = pass_on(journal);
  ASSERT_TRUE(s) << s.error().message;
  for (const Problem& p : s->errors) ADD_FAILURE() << p.path << ": " << p.message;
  EXPECT_TRUE(s->converged);
  EXPECT_EQ(deleted(), std::vector<std::string>{"n-old.txt"});
  EXPECT_EQ(uploads(), std::vector<std::string>{"new.txt"});
}

}  // namespace
}  // namespace ruche::sync
