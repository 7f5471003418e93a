// The files module through the real server: REST tree operations, uploads and
// downloads (Range, conditions, safe types), versions, trash, quotas under
// concurrent uploads, share links, resumable (tus) uploads, locks, WebDAV
// traversal attempts on every method. Run on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <limits>
#include <thread>

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "dav/dav.hpp"
#include "modules/files/store.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

std::string basic(const Account& a) { return "Basic " + crypto::base64_encode(a.email + ":" + a.password); }

std::string bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

struct Files {
  TestServer& s;

  http::ClientResponse dav(const Account& a, std::string_view method, const std::string& ws, std::string_view path,
                           std::string_view body = {}, Headers headers = {}) {
    http::HttpClient client("127.0.0.1", s.port());
    headers.emplace_back("Authorization", basic(a));
    auto r = client.request(method, "/dav/files/" + ws + std::string(path), headers, body);
    if (!r) throw std::runtime_error("dav request failed: " + r.error().message);
    return *r;
  }
  Reply upload(const Account& a, const std::string& ws, const std::string& name, std::string_view content,
               const std::string& folder = "") {
    std::string path = folder.empty() ? "/api/v1/workspaces/" + ws + "/files/children/" + http::percent_encode(name)
                                      : "/api/v1/files/" + folder + "/children/" + http::percent_encode(name);
    return s.call("PUT", path, a.token, std::string(content));
  }
  std::string uploaded(const Account& a, const std::string& ws, const std::string& name, std::string_view content,
                       const std::string& folder = "") {
    auto r = upload(a, ws, name, content, folder);
    if (r.status != 201 && r.status != 200) throw std::runtime_error("upload: " + r.raw.body);
    return str(r.body, "id");
  }
  std::string folder(const Account& a, const std::string& ws, const std::string& name,
                     std::optional<std::string> parent = std::nullopt) {
    json::object b{{"name", name}};
    if (parent) b["parent_id"] = *parent;
    auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/files/folders", a.token, body(b));
    if (r.status != 201) throw std::runtime_error("folder: " + r.raw.body);
    return str(r.body, "id");
  }
  // The workspace's quota, set by an instance administrator.
  Reply set_quota(const Account& admin, const std::string& ws, std::int64_t bytes) {
    return s.call("PUT", "/api/v1/admin/workspaces/" + ws + "/files-quota", admin.token,
                  body(json::object{{"quota_bytes", bytes}}));
  }
  std::string content(const Account& a, const std::string& id) {
    auto r = s.call("GET", "/api/v1/files/" + id + "/content", a.token);
    if (r.status != 200) throw std::runtime_error("content: " + std::to_string(r.status));
    return r.raw.body;
  }
};

TEST(Files, TreeUploadDownloadAndListing) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), out = s.user("Outsider");
  std::string ws = s.workspace(a, "Docs", {"files"});
  std::string docs = f.folder(a, ws, "Documents");
  std::string big = bytes(3 * 1024 * 1024 + 17, 1);
  std::string id = f.uploaded(a, ws, "rapport été.bin", big, docs);
  for (int i = 0; i < 5; ++i) f.uploaded(a, ws, "n" + std::to_string(i) + ".txt", std::string(i + 1, 'x'), docs);

  auto meta = s.call("GET", "/api/v1/files/" + id, a.token);
  ASSERT_EQ(meta.status, 200);
  EXPECT_EQ(str(meta.body, "path"), "/Documents/rapport été.bin");
  EXPECT_EQ(meta.body.at("size").as_int64(), static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(f.content(a, id), big);

  auto page = s.call("GET", "/api/v1/files/" + docs + "/children?limit=2&sort=size&order=desc", a.token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.at("total").as_int64(), 6);
  ASSERT_EQ(page.body.at("items").as_array().size(), 2u);
  EXPECT_EQ(str(page.body.at("items").as_array()[0], "name"), "rapport été.bin");
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + docs + "/children?sort=evil", a.token).status, 400);
  auto root = s.call("GET", "/api/v1/workspaces/" + ws + "/files", a.token);
  ASSERT_EQ(root.body.at("items").as_array().size(), 1u);

  // Range and conditions.
  auto part = s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt, {{"Range", "bytes=10-19"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.raw.body, big.substr(10, 10));
  auto tail = s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt, {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail.raw.body, big.substr(big.size() - 5));
  auto across = s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt,
                       {{"Range", "bytes=1048570-2097160"}});
  EXPECT_EQ(across.raw.body, big.substr(1048570, 2097160 - 1048570 + 1));
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt, {{"Range", "bytes=99999999-"}}).status,
            416);
  std::string etag = *part.raw.header("ETag");
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt, {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/content", a.token, std::nullopt, {{"If-Match", "\"nope\""}}).status,
            412);
  auto full = s.call("GET", "/api/v1/files/" + id + "/content", a.token);
  EXPECT_NE(full.raw.header("Content-Disposition").value_or("").find("attachment"), std::string::npos);

  // Documents that a browser would render are never served as such.
  std::string svg = f.uploaded(a, ws, "x.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
  auto got = s.call("GET", "/api/v1/files/" + svg + "/content", a.token);
  EXPECT_EQ(got.raw.header("Content-Type").value_or(""), "application/octet-stream");
  EXPECT_EQ(got.raw.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_NE(got.raw.header("Content-Security-Policy").value_or("").find("sandbox"), std::string::npos);

  // Names: NFC, no control characters.
  auto nfd = f.upload(a, ws, "e\xCC\x81t\xC3\xA9.txt", "nfd");
  ASSERT_EQ(nfd.status, 201);
  EXPECT_EQ(str(nfd.body, "name"), "\xC3\xA9t\xC3\xA9.txt");
  EXPECT_EQ(f.upload(a, ws, "bad\nname", "x").status, 400);

  // Outsiders see nothing, whether the file exists or not.
  auto theirs = s.call("GET", "/api/v1/files/" + id, out.token);
  auto made_up = s.call("GET", "/api/v1/files/0000000000000000000000000z", out.token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.raw.body, made_up.raw.body);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/files", out.token).status, 404);
}

TEST(Files, VersionsTrashMoveCopyAndEvents) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"files"});
  std::string id = f.uploaded(a, ws, "plan.txt", "v1");
  s.clock().advance_ms(3'600'000);
  f.uploaded(a, ws, "plan.txt", "v2");
  s.clock().advance_ms(3'600'000);
  f.uploaded(a, ws, "plan.txt", "v3");
  f.uploaded(a, ws, "plan.txt", "v3");  // the same bytes: no new version
  auto versions = s.call("GET", "/api/v1/files/" + id + "/versions", a.token);
  ASSERT_EQ(versions.body.as_array().size(), 3u);
  EXPECT_TRUE(versions.body.as_array()[0].at("current").as_bool());
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/versions/1/content", a.token).raw.body, "v1");
  auto restored = s.call("POST", "/api/v1/files/" + id + "/versions/1/restore", a.token, "{}");
  ASSERT_EQ(restored.status, 200) << restored.raw.body;
  EXPECT_EQ(restored.body.at("version").as_int64(), 4);
  EXPECT_EQ(f.content(a, id), "v1");

  // Rename, move, copy.
  std::string dir = f.folder(a, ws, "Archive");
  auto moved = s.call("PATCH", "/api/v1/files/" + id, a.token, body(json::object{{"name", "plan-final.txt"}, {"parent_id", dir}}));
  ASSERT_EQ(moved.status, 200) << moved.raw.body;
  EXPECT_EQ(str(moved.body, "path"), "/Archive/plan-final.txt");
  auto copy = s.call("POST", "/api/v1/files/" + id + "/copy", a.token, "{}");
  ASSERT_EQ(copy.status, 201) << copy.raw.body;
  EXPECT_EQ(str(copy.body, "name"), "plan-final.txt (copy)");
  auto clash = s.call("PATCH", "/api/v1/files/" + str(copy.body, "id"), a.token, body(json::object{{"name", "plan-final.txt"}}));
  EXPECT_EQ(clash.status, 409);
  // A copy to the root (parent_id null) keeps the name.
  auto to_root = s.call("POST", "/api/v1/files/" + id + "/copy", a.token, body(json::object{{"parent_id", nullptr}}));
  ASSERT_EQ(to_root.status, 201) << to_root.raw.body;
  EXPECT_EQ(str(to_root.body, "path"), "/plan-final.txt");

  // Trash: gone from listings, restorable, purged automatically later.
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + dir, a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id, a.token).status, 404);  // inside a trashed folder
  auto trash = s.call("GET", "/api/v1/workspaces/" + ws + "/files/trash", a.token);
  ASSERT_EQ(trash.body.as_array().size(), 1u);
  EXPECT_EQ(str(trash.body.as_array()[0], "path"), "/Archive");
  ASSERT_EQ(s.call("POST", "/api/v1/files/" + dir + "/restore", a.token, "{}").status, 200);
  EXPECT_EQ(f.content(a, id), "v1");
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + dir, a.token).status, 204);
  auto usage_before = s.call("GET", "/api/v1/workspaces/" + ws + "/files/usage", a.token);
  EXPECT_GT(usage_before.body.at("used_bytes").as_int64(), 0);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  ASSERT_EQ(s.call("POST", "/api/v1/admin/files/maintenance", admin.token, "{}").status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/files/trash", a.token).body.as_array().size(), 1u);
  s.clock().advance_ms(31LL * 86'400'000);
  a = s.login(a.email, a.password);  // sessions expired meanwhile
  admin = s.login(admin.email, admin.password);
  ASSERT_EQ(s.call("POST", "/api/v1/admin/files/maintenance", admin.token, "{}").status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/files/trash", a.token).body.as_array().size(), 0u);
  auto usage_after = s.call("GET", "/api/v1/workspaces/" + ws + "/files/usage", a.token);
  EXPECT_LT(usage_after.body.at("used_bytes").as_int64(), usage_before.body.at("used_bytes").as_int64());

  // Every change is an event with what a sync client needs.
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 1000);
  ASSERT_TRUE(events);
  std::set<std::string> types;
  for (const auto& e : *events) types.insert(e.type);
  for (const char* t : {"file.created", "file.updated", "file.moved", "folder.created", "folder.deleted", "folder.restored"})
    EXPECT_TRUE(types.count(t)) << t;
  for (const auto& e : *events) {
    if (e.type != "file.moved") continue;
    auto d = json::parse(e.data);
    ASSERT_TRUE(d);
    for (const char* k : {"id", "path", "old_path", "parent_id", "etag", "size", "mtime", "version"})
      EXPECT_TRUE(d->as_object().contains(k)) << k;
  }
}

// The trash, a page at a time from the newest, to its end: each entry once,
// however many were deleted in the same millisecond, and one restored
// between two pages moves nothing else.
TEST(Files, TheTrashIsReadAPageAtATimeToItsEnd) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Docs", {"files"});
  const std::string trash = "/api/v1/workspaces/" + ws + "/files/trash";
  std::vector<std::string> ids;
  for (int i = 0; i < 23; ++i) {
    ids.push_back(f.uploaded(a, ws, "f" + std::to_string(i) + ".txt", "x"));
    ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + ids.back(), a.token).status, 204);
    if (i % 8 == 7) s.clock().advance_ms(1000);  // eight at a time in one millisecond
  }
  auto whole = s.call("GET", trash, a.token);
  ASSERT_EQ(whole.status, 200);
  ASSERT_EQ(whole.body.as_array().size(), ids.size());
  std::vector<std::string> newest_first;
  for (const auto& n : whole.body.as_array()) newest_first.push_back(str(n, "id"));
  std::vector<std::string> paged;
  std::string next;
  bool restored = false;
  for (int pages = 0; pages < 20; ++pages) {
    auto r = s.call("GET", trash + "?limit=5" + next, a.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    const auto& items = r.body.as_array();
    EXPECT_LE(items.size(), 5u);
    if (items.empty()) break;
    for (const auto& n : items) {
      paged.push_back(str(n, "id"));
      EXPECT_EQ(str(n, "path"), "/" + str(n, "name"));
    }
    const auto& last = items.back();
    next = "&before=" + http::percent_encode(str(last, "trashed_at")) +
           "&before_id=" + str(last, "id");
    if (!restored) {
      // The page's last entry leaves the trash: the next page starts after it all the same.
      ASSERT_EQ(
          s.call("POST", "/api/v1/files/" + str(last, "id") + "/restore", a.token, "{}").status,
          200);
      restored = true;
    }
  }
  EXPECT_EQ(paged, newest_first);
  for (std::size_t i = 1; i < whole.body.as_array().size(); ++i) {
    const auto& prev = whole.body.as_array()[i - 1];
    const auto& n = whole.body.as_array()[i];
    EXPECT_TRUE(str(prev, "trashed_at") > str(n, "trashed_at") ||
                (str(prev, "trashed_at") == str(n, "trashed_at") && str(prev, "id") > str(n, "id")))
        << "newest first, then by id";
  }
  for (const std::string& q : std::vector<std::string>{
           "limit=0", "limit=1001", "before=2026-01-01T00:00:00Z", "before_id=" + ids[0],
           "before=yesterday&before_id=" + ids[0], "before=2026-01-01T00:00:00Z&before_id=../x"}) {
    auto r = s.call("GET", trash + "?" + q, a.token);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.error_code(), "invalid_field") << q;
  }
}

TEST(Files, QuotaHoldsUnderConcurrentUploads) {
  TestServer s;
  Files f{s};
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Q", {"files"});
  const std::int64_t quota = 10 * 1024 * 1024;
  auto set = f.set_quota(admin, ws, quota);
  ASSERT_EQ(set.status, 200) << set.raw.body;
  EXPECT_EQ(f.set_quota(a, ws, 1).status, 404);
  const std::size_t each = 2 * 1024 * 1024 + 100;
  std::vector<std::string> contents;
  for (unsigned i = 0; i < 8; ++i) contents.push_back(bytes(each, 100 + i));
  std::vector<int> status(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      // Chunked, so the size is not known up front: the gate works as bytes arrive.
      http::HttpClient c("127.0.0.1", s.port());
      auto r = c.request("PUT", "/dav/files/" + ws + "/q" + std::to_string(i) + ".bin",
                         {{"Authorization", basic(a)}}, contents[static_cast<std::size_t>(i)]);
      status[static_cast<std::size_t>(i)] = r ? r->status : -1;
    });
  for (auto& t : threads) t.join();
  int ok = 0;
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(status[static_cast<std::size_t>(i)] == 201 || status[static_cast<std::size_t>(i)] == 507)
        << status[static_cast<std::size_t>(i)];
    if (status[static_cast<std::size_t>(i)] != 201) continue;
    ++ok;
    auto back = f.dav(a, "GET", ws, "/q" + std::to_string(i) + ".bin");
    EXPECT_EQ(back.body, contents[static_cast<std::size_t>(i)]);
  }
  EXPECT_GE(ok, 1);
  EXPECT_LE(ok, 4);
  auto usage = s.call("GET", "/api/v1/workspaces/" + ws + "/files/usage", a.token);
  EXPECT_LE(usage.body.at("used_bytes").as_int64(), quota);
  EXPECT_EQ(usage.body.at("used_bytes").as_int64(), ok * static_cast<std::int64_t>(each));
  // Exactly at the edge: what fits is accepted, one byte more is not.
  std::int64_t room = quota - usage.body.at("used_bytes").as_int64();
  EXPECT_EQ(f.dav(a, "PUT", ws, "/edge.bin", std::string(static_cast<std::size_t>(room), 'e')).status, 201);
  EXPECT_EQ(f.dav(a, "PUT", ws, "/over.bin", "x").status, 507);
}

// Two people changing one entry at once: a write finds it where the other's
// left it (on PostgreSQL, a write locks the rows it resolves a path through),
// so no acknowledged change is undone and a condition is checked against
// what is there.
TEST(Files, ChangesMadeAtOnceAreAllKept) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  Account b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"files"});
  s.join(a, ws, b);
  const std::string folders[2] = {f.folder(a, ws, "X"), f.folder(a, ws, "Y")};
  const std::string id = f.uploaded(a, ws, "n.txt", "x");
  constexpr int kEach = 20;
  int acknowledged[2] = {0, 0};
  std::barrier together(2);
  auto both = [&](auto&& fn) {
    std::vector<std::thread> people;
    for (int w = 0; w < 2; ++w) people.emplace_back([&, w] { fn(w); });
    for (auto& t : people) t.join();
  };
  // Alice renames it while Bob moves it from one folder to the other.
  both([&](int w) {
    for (int i = 0; i < kEach; ++i) {
      together.arrive_and_wait();
      json::object change{{"name", "n" + std::to_string(i) + ".txt"}};
      if (w == 1) change = json::object{{"parent_id", folders[i % 2]}};
      auto r = s.call("PATCH", "/api/v1/files/" + id, (w == 0 ? a : b).token, body(change));
      if (r.status == 200) ++acknowledged[w];
    }
  });
  EXPECT_EQ(acknowledged[0], kEach);
  EXPECT_EQ(acknowledged[1], kEach);
  auto now = s.call("GET", "/api/v1/files/" + id, a.token);
  EXPECT_EQ(str(now.body, "path"), "/Y/n" + std::to_string(kEach - 1) + ".txt");
  // Each move started from where the one before it left the file.
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 1000);
  ASSERT_TRUE(events);
  std::string at = "/n.txt";
  int moves = 0;
  for (const auto& e : *events) {
    if (e.type != "file.moved") continue;
    auto d = json::parse(e.data);
    ASSERT_TRUE(d);
    EXPECT_EQ(str(*d, "old_path"), at) << "move " << moves << " undid a change";
    at = str(*d, "path");
    ++moves;
  }
  EXPECT_EQ(moves, 2 * kEach);

  // Two writes of one file on the ETag both read: one is written, the other
  // refused (If-Match), each round.
  const std::string v = f.uploaded(a, ws, "v.txt", "v");
  for (int round = 0; round < 10; ++round) {
    const std::string etag = f.dav(a, "HEAD", ws, "/v.txt").header("ETag").value_or("");
    int status[2] = {0, 0};
    both([&](int w) {
      together.arrive_and_wait();
      const std::string content = "round " + std::to_string(round) + " by " + std::to_string(w);
      status[w] = f.dav(w == 0 ? a : b, "PUT", ws, "/v.txt", content, {{"If-Match", etag}}).status;
    });
    EXPECT_EQ(std::min(status[0], status[1]), 204) << "round " << round;
    EXPECT_EQ(std::max(status[0], status[1]), 412) << "round " << round;
  }
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + v, a.token).body.at("version").as_int64(), 11);

  // Two moves of one file: one moves it, the other finds it gone.
  for (int round = 0; round < 10; ++round) {
    const std::string name = "/r" + std::to_string(round);
    f.uploaded(a, ws, name.substr(1), "r");
    int status[2] = {0, 0};
    both([&](int w) {
      together.arrive_and_wait();
      const std::string to = name + (w == 0 ? "a" : "b");
      status[w] =
          f.dav(w == 0 ? a : b, "MOVE", ws, name, {}, {{"Destination", "/dav/files/" + ws + to}})
              .status;
    });
    EXPECT_EQ(std::min(status[0], status[1]), 201) << "round " << round;
    EXPECT_EQ(std::max(status[0], status[1]), 404) << "round " << round;
    EXPECT_EQ(f.dav(a, "HEAD", ws, name + "a").status + f.dav(a, "HEAD", ws, name + "b").status,
              200 + 404);
  }
}

TEST(Files, ShareLinks) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "S", {"files"});
  std::string id = f.uploaded(a, ws, "budget.pdf", "%PDF-1.7 budget");
  auto made = s.call("POST", "/api/v1/files/" + id + "/shares", a.token,
                     body(json::object{{"password", "Gaufre-Sucrée-2040"}, {"max_downloads", 2},
                                       {"expires_at", format_iso8601(s.clock().now_ms() + 86'400'000)}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  std::string token = str(made.body, "token");
  EXPECT_EQ(s.call("GET", "/s/" + token).error_code(), "password_required");
  EXPECT_EQ(s.call("GET", "/s/" + token, {}, std::nullopt, {{"X-Share-Password", "wrong-wrong-wrong"}}).error_code(),
            "bad_password");
  auto ok = s.call("GET", "/s/" + token, {}, std::nullopt, {{"X-Share-Password", "Gaufre-Sucrée-2040"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.raw.body, "%PDF-1.7 budget");
  EXPECT_NE(ok.raw.header("Content-Disposition").value_or("").find("attachment"), std::string::npos);
  EXPECT_EQ(s.call("GET", "/s/" + token, {}, std::nullopt, {{"X-Share-Password", "Gaufre-Sucrée-2040"}}).status, 200);
  EXPECT_EQ(s.call("GET", "/s/" + token, {}, std::nullopt, {{"X-Share-Password", "Gaufre-Sucrée-2040"}}).status, 410);
  // Guest downloads and wrong passwords are in the audit log.
  EXPECT_EQ(s.audit_count("files.share_download"), 2);
  // Wrong passwords are throttled.
  auto open = s.call("POST", "/api/v1/files/" + id + "/shares", a.token, body(json::object{{"password", "Gaufre-Sucrée-2040"}}));
  std::string t2 = str(open.body, "token");
  int throttled = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = s.call("GET", "/s/" + t2, {}, std::nullopt, {{"X-Share-Password", "nope-nope-nope"}});
    if (r.status != 429) continue;
    ++throttled;
    EXPECT_EQ(r.raw.header("Retry-After").value_or(""), "30")
        << "the lock's end, the sixth failure's";
  }
  EXPECT_GT(throttled, 0);
  // Expiry and revocation.
  auto brief = s.call("POST", "/api/v1/files/" + id + "/shares", a.token,
                      body(json::object{{"expires_at", format_iso8601(s.clock().now_ms() + 60'000)}}));
  std::string t3 = str(brief.body, "token");
  EXPECT_EQ(s.call("GET", "/s/" + t3).status, 200);
  s.clock().advance_ms(61'000);
  EXPECT_EQ(s.call("GET", "/s/" + t3).status, 404);
  auto plain = s.call("POST", "/api/v1/files/" + id + "/shares", a.token, "{}");
  std::string t4 = str(plain.body, "token");
  EXPECT_EQ(s.call("GET", "/s/" + t4).status, 200);
  EXPECT_EQ(s.call("DELETE", "/api/v1/shares/" + str(plain.body, "id"), a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/s/" + t4).status, 404);
  EXPECT_EQ(s.call("GET", "/s/not-a-token").status, 404);

  // A drop folder takes files and shows nothing.
  std::string inbox = f.folder(a, ws, "Inbox");
  f.uploaded(a, ws, "secret.txt", "private", inbox);
  auto drop = s.call("POST", "/api/v1/files/" + inbox + "/shares", a.token, body(json::object{{"mode", "upload"}}));
  ASSERT_EQ(drop.status, 201) << drop.raw.body;
  std::string dt = str(drop.body, "token");
  auto listing = s.call("GET", "/s/" + dt);
  EXPECT_EQ(listing.raw.body.find("secret"), std::string::npos);
  EXPECT_EQ(s.call("GET", "/s/" + dt + "/files/secret.txt").raw.body.find("private"), std::string::npos);
  EXPECT_EQ(s.call("PUT", "/s/" + dt + "/files/secret.txt", {}, std::string("from a guest")).status, 201);
  auto kids = s.call("GET", "/api/v1/files/" + inbox + "/children", a.token);
  EXPECT_EQ(kids.body.at("total").as_int64(), 2);  // "secret (2).txt": nothing overwritten
  EXPECT_EQ(s.call("PUT", "/s/" + t2 + "/files/x.txt", {}, std::string("x"), {{"X-Share-Password", "Gaufre-Sucrée-2040"}}).status,
            405);
}

// A file or folder holds at most 1,000 share links not revoked (expired ones
// count: they are listed until revoked), all of them listed, newest first.
TEST(Files, ShareLinksPerItemAreBounded) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "S", {"files"});
  std::string id = f.uploaded(a, ws, "budget.pdf", "%PDF-1.7 budget");
  const std::int64_t now = s.clock().now_ms();
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    for (std::int64_t i = 0; i < files::kMaxSharesPerNode + 10; ++i) {
      const bool revoked = i >= files::kMaxSharesPerNode - 1;
      RUCHE_TRY(
          [[maybe_unused]] auto k,
          c.exec("INSERT INTO files_shares (id, workspace_id, node_id, token_hash, mode, "
                 "expires_at_ms, created_by, created_at_ms, revoked_at_ms) VALUES ($1, $2, "
                 "$3, $4, 'read', $5, $6, $7, $8)",
                 {crypto::new_id(), ws, id, "hash-" + std::to_string(i), now - 1000 + i, a.id.str(),
                  now - 100'000 + i, revoked ? std::optional<std::int64_t>(now) : std::nullopt}));
    }
    return {};
  }));
  const std::string path = "/api/v1/files/" + id + "/shares";
  auto last = s.call("POST", path, a.token, "{}");
  ASSERT_EQ(last.status, 201) << last.raw.body;
  auto over = s.call("POST", path, a.token, "{}");
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(over.error_code(), "too_many_shares");
  auto listed = s.call("GET", path, a.token);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body.as_array().size(), static_cast<std::size_t>(files::kMaxSharesPerNode));
  EXPECT_EQ(str(listed.body.as_array().at(0), "id"), str(last.body, "id")) << "newest first";
  // Revoking one makes room for one.
  EXPECT_EQ(s.call("DELETE", "/api/v1/shares/" + str(last.body, "id"), a.token).status, 204);
  EXPECT_EQ(s.call("POST", path, a.token, "{}").status, 201);
  EXPECT_EQ(s.call("POST", path, a.token, "{}").status, 409);
}

// "ruche_share=<grant>" from an unlock answer's Set-Cookie.
std::string share_cookie(const Reply& r) {
  std::string c = r.raw.header("Set-Cookie").value_or("");
  return c.substr(0, c.find(';'));
}

const Headers kNavigate = {
    {"Sec-Fetch-Mode", "navigate"},
    {"Sec-Fetch-Site", "none"},
    {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}};
const Headers kJson = {{"Accept", "application/json"}};

Headers with(Headers h, const std::string& name, const std::string& value) {
  h.emplace_back(name, value);
  return h;
}

TEST(Files, ShareLinkPagesForBrowsersDataForClients) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "P", {"files"});
  std::string folder = f.folder(a, ws, "Rapports");
  f.uploaded(a, ws, "bilan.txt", "bilan 2040", folder);
  std::string file = f.uploaded(a, ws, "seul.txt", "just me");
  std::string token =
      str(s.call("POST", "/api/v1/files/" + folder + "/shares", a.token, "{}").body, "token");
  std::string ft =
      str(s.call("POST", "/api/v1/files/" + file + "/shares", a.token, "{}").body, "token");

  // A navigation gets the web client with the app's security headers.
  for (const std::string& path : {"/s/" + token, "/s/" + token + "/files/bilan.txt", "/s/" + ft,
                                  "/s/" + std::string(43, 'A')}) {
    auto page = s.call("GET", path, {}, std::nullopt, kNavigate);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.raw.header("Content-Type").value_or("").rfind("text/html", 0), 0u) << path;
    EXPECT_TRUE(page.raw.header("Content-Security-Policy").has_value()) << path;
    EXPECT_EQ(page.raw.header("X-Frame-Options").value_or(""), "DENY") << path;
    EXPECT_NE(page.raw.header("Vary").value_or("").find("Accept"), std::string::npos) << path;
  }
  // An Accept header that ranks HTML first is enough (no Sec-Fetch-* headers).
  auto html = s.call("GET", "/s/" + token, {}, std::nullopt, {{"Accept", "text/html,*/*;q=0.8"}});
  EXPECT_EQ(html.raw.header("Content-Type").value_or("").rfind("text/html", 0), 0u);

  // API clients: JSON listings and bytes, as before.
  for (const Headers& h : {kJson, Headers{{"Accept", "*/*"}}, Headers{},
                           Headers{{"Accept", "application/json, text/html;q=0.5"}}}) {
    auto list = s.call("GET", "/s/" + token, {}, std::nullopt, h);
    ASSERT_EQ(list.status, 200) << list.raw.body;
    EXPECT_EQ(str(list.body, "name"), "Rapports");
    ASSERT_EQ(list.body.at("items").as_array().size(), 1u);
    EXPECT_EQ(list.body.at("total").as_int64(), 1);
  }
  EXPECT_EQ(s.call("GET", "/s/" + token + "/files/bilan.txt", {}, std::nullopt, kJson).raw.body,
            "bilan 2040");
  EXPECT_EQ(s.call("GET", "/s/" + ft).raw.body, "just me");
  // A browser downloads with ?download=1.
  auto dl = s.call("GET", "/s/" + ft + "?download=1", {}, std::nullopt, kNavigate);
  EXPECT_EQ(dl.raw.body, "just me");
  EXPECT_NE(dl.raw.header("Content-Disposition").value_or("").find("attachment"),
            std::string::npos);
  EXPECT_EQ(
      s.call("GET", "/s/" + token + "/files/bilan.txt?download=1", {}, std::nullopt, kNavigate)
          .raw.body,
      "bilan 2040");

  // The page's first question.
  auto info = s.call("GET", "/s/" + ft + "/info", {}, std::nullopt, kJson);
  ASSERT_EQ(info.status, 200) << info.raw.body;
  EXPECT_EQ(str(info.body, "kind"), "file");
  EXPECT_EQ(str(info.body, "mode"), "read");
  EXPECT_EQ(str(info.body, "name"), "seul.txt");
  EXPECT_EQ(info.body.at("size").as_int64(), 7);
  EXPECT_FALSE(info.body.at("limit_reached").as_bool());
  // With a path: the file or folder there, never outside the share.
  auto inner = s.call("GET", "/s/" + token + "/info/bilan.txt", {}, std::nullopt, kJson);
  ASSERT_EQ(inner.status, 200) << inner.raw.body;
  EXPECT_EQ(str(inner.body, "kind"), "file");
  EXPECT_EQ(str(inner.body, "name"), "bilan.txt");
  EXPECT_EQ(str(inner.body, "root_name"), "Rapports");
  EXPECT_EQ(inner.body.at("size").as_int64(), 10);
  EXPECT_EQ(s.call("GET", "/s/" + token + "/info/nope.txt").status, 404);
  EXPECT_EQ(s.call("GET", "/s/" + token + "/info/..%2Fseul.txt").status / 100, 4);
  EXPECT_EQ(s.call("GET", "/s/" + token + "/info/%2E%2E/seul.txt").status / 100, 4);
  EXPECT_EQ(s.call("GET", "/s/" + ft + "/info/x").status, 404);
  EXPECT_EQ(s.call("GET", "/s/" + std::string(43, 'A') + "/info").status, 404);
  EXPECT_EQ(s.call("GET", "/s/short/info").status, 404);

  // A drop folder: the page for browsers, still nothing listed for anyone.
  std::string inbox = f.folder(a, ws, "Depot");
  f.uploaded(a, ws, "prive.txt", "private", inbox);
  std::string dt = str(s.call("POST", "/api/v1/files/" + inbox + "/shares", a.token,
                              body(json::object{{"mode", "upload"}}))
                           .body,
                       "token");
  EXPECT_EQ(s.call("GET", "/s/" + dt, {}, std::nullopt, kNavigate)
                .raw.header("Content-Type")
                .value_or("")
                .rfind("text/html", 0),
            0u);
  auto dinfo = s.call("GET", "/s/" + dt + "/info", {}, std::nullopt, kJson);
  EXPECT_EQ(str(dinfo.body, "mode"), "upload");
  EXPECT_EQ(dinfo.raw.body.find("prive"), std::string::npos);
  // A drop folder says nothing about what it holds, whether it is there or not.
  EXPECT_EQ(s.call("GET", "/s/" + dt + "/info/prive.txt").status, 404);
  EXPECT_EQ(s.call("GET", "/s/" + dt + "/info/absent.txt").status, 404);
  EXPECT_EQ(s.call("GET", "/s/" + dt + "/files/prive.txt?download=1", {}, std::nullopt, kNavigate)
                .raw.body.find("private"),
            std::string::npos);
}

TEST(Files, ShareUnlockCookie) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "U", {"files"});
  std::string one = f.folder(a, ws, "Un");
  std::string two = f.folder(a, ws, "Deux");
  f.uploaded(a, ws, "a.txt", "contenu A", one);
  f.uploaded(a, ws, "b.txt", "contenu B", two);
  auto made = s.call("POST", "/api/v1/files/" + one + "/shares", a.token,
                     body(json::object{{"password", "Gaufre-Sucrée-2040"}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  std::string t1 = str(made.body, "token");
  std::string sid1 = str(made.body, "id");
  std::string t2 = str(s.call("POST", "/api/v1/files/" + two + "/shares", a.token,
                              body(json::object{{"password", "Gaufre-Sucrée-2040"}}))
                           .body,
                       "token");
  auto unlock = [&](const std::string& t, const std::string& pw) {
    return s.call("POST", "/s/" + t + "/unlock", {}, body(json::object{{"password", pw}}));
  };

  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt, kJson).error_code(), "password_required");
  // A wrong password: 401, audited, no cookie.
  std::int64_t failed = s.audit_count("files.share_password_failed");
  auto wrong = unlock(t1, "pas-le-bon-mot");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.error_code(), "bad_password");
  EXPECT_FALSE(wrong.raw.header("Set-Cookie").has_value());
  EXPECT_EQ(s.audit_count("files.share_password_failed"), failed + 1);
  // Bad input: 4xx, never 500.
  EXPECT_EQ(s.call("POST", "/s/" + t1 + "/unlock", {}, std::string("{")).status, 400);
  EXPECT_EQ(s.call("POST", "/s/" + t1 + "/unlock", {}, body(json::object{{"password", ""}})).status,
            400);
  EXPECT_EQ(s.call("POST", "/s/" + t1 + "/unlock", {},
                   body(json::object{{"password", std::string(2000, 'x')}}))
                .status,
            400);
  EXPECT_EQ(s.call("POST", "/s/" + t1 + "/unlock", {}, std::string(10'000, ' ')).status, 413);
  EXPECT_EQ(unlock(std::string(43, 'A'), "Gaufre-Sucrée-2040").status, 404);

  // The right password: a cookie for this link alone, audited.
  std::int64_t unlocked = s.audit_count("files.share_unlocked");
  auto ok = unlock(t1, "Gaufre-Sucrée-2040");
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(s.audit_count("files.share_unlocked"), unlocked + 1);
  std::string set = ok.raw.header("Set-Cookie").value_or("");
  EXPECT_EQ(set.rfind("ruche_share=", 0), 0u) << set;
  EXPECT_NE(set.find("; Path=/s/" + t1 + ";"), std::string::npos) << set;
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set.find("Max-Age=3600"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);  // the test server's public URL is http
  std::string cookie = share_cookie(ok);
  auto listed = s.call("GET", "/s/" + t1, {}, std::nullopt, with(kJson, "Cookie", cookie));
  ASSERT_EQ(listed.status, 200) << listed.raw.body;
  EXPECT_EQ(str(listed.body.at("items").as_array().at(0), "name"), "a.txt");
  EXPECT_EQ(
      s.call("GET", "/s/" + t1 + "/info", {}, std::nullopt, with(kJson, "Cookie", cookie)).status,
      200);
  Headers nav_cookie = with(kNavigate, "Cookie", "theme=dark; " + cookie);
  nav_cookie[1].second = "same-origin";
  EXPECT_EQ(
      s.call("GET", "/s/" + t1 + "/files/a.txt?download=1", {}, std::nullopt, nav_cookie).raw.body,
      "contenu A");

  // Not for another link, not cross-site, not tampered, not made up.
  EXPECT_EQ(s.call("GET", "/s/" + t2, {}, std::nullopt, with(kJson, "Cookie", cookie)).error_code(),
            "password_required");
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt,
                   with(with(kJson, "Cookie", cookie), "Sec-Fetch-Site", "cross-site"))
                .error_code(),
            "password_required");
  // Without Sec-Fetch-Site (older browsers), by the Origin: another site's
  // is refused, this server's honoured (the session cookie's rule, CSRF-1).
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt,
                   with(with(kJson, "Cookie", cookie), "Origin", "https://evil.example"))
                .error_code(),
            "password_required");
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt,
                   with(with(kJson, "Cookie", cookie), "Origin",
                        "http://127.0.0.1:" + std::to_string(s.port())))
                .status,
            200);
  std::string tampered = cookie;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  std::string later = cookie;
  later[std::string("ruche_share=").size() + 9] =
      later[std::string("ruche_share=").size() + 9] == '9' ? '8' : '9';
  for (const std::string& c :
       {tampered, later, std::string("ruche_share="), std::string("ruche_share=abc"),
        std::string("ruche_share=99999999999999999999.x"), "ruche_share=" + std::string(5000, '1'),
        std::string("ruche_share=1.%%%")}) {
    auto r = s.call("GET", "/s/" + t1, {}, std::nullopt, with(kJson, "Cookie", c));
    EXPECT_EQ(r.status, 401) << c;
    EXPECT_EQ(r.error_code(), "password_required") << c;
  }
  // A grant does not count as a wrong password.
  EXPECT_EQ(s.audit_count("files.share_password_failed"), failed + 1);

  // Expired after an hour.
  s.clock().advance_ms(3'601'000);
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt, with(kJson, "Cookie", cookie)).error_code(),
            "password_required");
  // Revoking the link ends its grants.
  std::string fresh = share_cookie(unlock(t1, "Gaufre-Sucrée-2040"));
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt, with(kJson, "Cookie", fresh)).status, 200);
  EXPECT_EQ(s.call("DELETE", "/api/v1/shares/" + sid1, a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/s/" + t1, {}, std::nullopt, with(kJson, "Cookie", fresh)).status, 404);
  EXPECT_EQ(unlock(t1, "Gaufre-Sucrée-2040").status, 404);

  // A link without a password: nothing to unlock, no cookie.
  std::string open =
      str(s.call("POST", "/api/v1/files/" + two + "/shares", a.token, "{}").body, "token");
  auto none = unlock(open, "n'importe quoi");
  EXPECT_EQ(none.status, 200);
  EXPECT_FALSE(none.raw.header("Set-Cookie").has_value());

  // Unlock is throttled like the link itself.
  int throttled = 0;
  for (int i = 0; i < 8; ++i)
    if (unlock(t2, "toujours-faux-" + std::to_string(i)).status == 429) ++throttled;
  EXPECT_GT(throttled, 0);

  // A drop folder behind a password takes files with the cookie.
  std::string inbox = f.folder(a, ws, "Boite");
  std::string dt =
      str(s.call("POST", "/api/v1/files/" + inbox + "/shares", a.token,
                 body(json::object{{"mode", "upload"}, {"password", "Gaufre-Sucrée-2040"}}))
              .body,
          "token");
  EXPECT_EQ(s.call("PUT", "/s/" + dt + "/files/x.txt", {}, std::string("x")).status, 401);
  std::string dc = share_cookie(unlock(dt, "Gaufre-Sucrée-2040"));
  EXPECT_EQ(
      s.call("PUT", "/s/" + dt + "/files/x.txt", {}, std::string("x"), {{"Cookie", dc}}).status,
      201);
  EXPECT_EQ(s.call("PUT", "/s/" + dt + "/files/z.txt", {}, std::string("z"),
                   {{"Cookie", dc}, {"Origin", "https://evil.example"}})
                .status,
            401);
  EXPECT_EQ(s.call("PUT", "/s/" + dt + "/files/y.txt", {}, std::string("y"),
                   {{"Cookie", dc}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            401);
}

TEST(Files, ResumableUploadCompletesAfterAnInterruption) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "T", {"files"});
  std::string content = bytes(3 * 1024 * 1024 + 333, 7);
  auto created = s.call("POST", "/api/v1/workspaces/" + ws + "/files/uploads", a.token, std::nullopt,
                        {{"Tus-Resumable", "1.0.0"},
                         {"Upload-Length", std::to_string(content.size())},
                         {"Upload-Metadata", "filename " + crypto::base64_encode("vidéo.bin")}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  std::string location = *created.raw.header("Location");
  std::string path = location.substr(location.find("/api/"));
  // The first PATCH announces everything but the connection drops after 1 MiB + 5.
  std::size_t sent = 1024 * 1024 + 5;
  std::string head = "PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + a.token +
                     "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                     "Content-Length: " +
                     std::to_string(content.size()) + "\r\n\r\n";
  {
    http::HttpClient raw("127.0.0.1", s.port());
    (void)raw.raw(head + content.substr(0, sent), 300);
  }
  // The server keeps what arrived; HEAD tells where to go on.
  std::int64_t offset = -1;
  for (int i = 0; i < 200 && offset < static_cast<std::int64_t>(sent); ++i) {
    auto h = s.call("HEAD", path, a.token, std::nullopt, {{"Tus-Resumable", "1.0.0"}});
    ASSERT_EQ(h.status, 200);
    offset = std::stoll(h.raw.header("Upload-Offset").value_or("0"));
    if (offset < static_cast<std::int64_t>(sent)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(offset, static_cast<std::int64_t>(sent));
  EXPECT_EQ(s.call("PATCH", path, a.token, std::string("x"),
                   {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "3"}, {"Content-Type", "application/offset+octet-stream"}})
                .status,
            409);
  http::HttpClient c("127.0.0.1", s.port());
  auto done = c.request("PATCH", path,
                        {{"Authorization", "Bearer " + a.token}, {"Tus-Resumable", "1.0.0"},
                         {"Upload-Offset", std::to_string(offset)}, {"Content-Type", "application/offset+octet-stream"}},
                        std::string_view(content).substr(static_cast<std::size_t>(offset)));
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 204) << done->body;
  EXPECT_EQ(done->header("Upload-Offset").value_or(""), std::to_string(content.size()));
  std::string id = done->header("Ruche-File-Id").value_or("");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(f.content(a, id), content);
  // A client whose last answer was lost asks again and learns the file,
  // which it does not make twice.
  auto asked = s.call("HEAD", path, a.token, std::nullopt, {{"Tus-Resumable", "1.0.0"}});
  EXPECT_EQ(asked.status, 200);
  EXPECT_EQ(asked.raw.header("Upload-Offset"), std::to_string(content.size()));
  EXPECT_EQ(asked.raw.header("Ruche-File-Id"), id);
  auto again_end = s.call("PATCH", path, a.token, std::string(),
                          {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", std::to_string(content.size())},
                           {"Content-Type", "application/offset+octet-stream"}});
  EXPECT_EQ(again_end.status, 204) << again_end.raw.body;
  EXPECT_EQ(again_end.raw.header("Ruche-File-Id"), id);
  EXPECT_EQ(s.call("PATCH", path, a.token, std::string("x"),
                   {{"Tus-Resumable", "1.0.0"}, {"Upload-Offset", std::to_string(content.size())},
                    {"Content-Type", "application/offset+octet-stream"}})
                .error_code(),
            "too_long");
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/versions", a.token).body.as_array().size(), 1u);
  // Terminating it then forgets the upload, not the file.
  EXPECT_EQ(s.call("DELETE", path, a.token, std::nullopt, {{"Tus-Resumable", "1.0.0"}}).status, 204);
  EXPECT_EQ(s.call("HEAD", path, a.token).status, 404);
  EXPECT_EQ(f.content(a, id), content);
  // Termination.
  auto again = s.call("POST", "/api/v1/workspaces/" + ws + "/files/uploads", a.token, std::nullopt,
                      {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", "10"},
                       {"Upload-Metadata", "filename " + crypto::base64_encode("x.bin")}});
  std::string p2 = again.raw.header("Location")->substr(again.raw.header("Location")->find("/api/"));
  EXPECT_EQ(s.call("DELETE", p2, a.token, std::nullopt, {{"Tus-Resumable", "1.0.0"}}).status, 204);
  EXPECT_EQ(s.call("HEAD", p2, a.token).status, 404);
}

TEST(Files, LocksBlockOthersUntilReleased) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "L", {"files"});
  s.join(a, ws, b);
  std::string id = f.uploaded(a, ws, "contrat.odt", "v1");
  auto l = s.call("POST", "/api/v1/files/" + id + "/lock", a.token, body(json::object{{"timeout_s", 600}}));
  ASSERT_EQ(l.status, 201) << l.raw.body;
  std::string token = str(l.body, "token");
  // Listings and the node say who holds the lock, so browsers can show it.
  auto listed = s.call("GET", "/api/v1/workspaces/" + ws + "/files", b.token);
  ASSERT_EQ(listed.status, 200);
  const auto& item = listed.body.at("items").as_array().at(0).as_object();
  ASSERT_TRUE(item.contains("lock")) << listed.raw.body;
  EXPECT_EQ(str(item.at("lock"), "user_id"), a.id.str());
  EXPECT_TRUE(s.call("GET", "/api/v1/files/" + id, b.token).body.as_object().contains("lock"));
  EXPECT_EQ(f.dav(b, "PUT", ws, "/contrat.odt", "bob").status, 423);
  EXPECT_EQ(f.dav(b, "DELETE", ws, "/contrat.odt").status, 423);
  EXPECT_EQ(f.dav(b, "PUT", ws, "/contrat.odt", "bob", {{"If", "(<" + token + ">)"}}).status, 423);  // not his
  EXPECT_EQ(f.dav(a, "PUT", ws, "/contrat.odt", "alice", {{"If", "(<" + token + ">)"}}).status, 204);
  auto pf = f.dav(b, "PROPFIND", ws, "/contrat.odt", "", {{"Depth", "0"}});
  EXPECT_EQ(pf.status, 207);
  EXPECT_NE(pf.body.find(token), std::string::npos);
  EXPECT_EQ(s.call("DELETE", "/api/v1/files/" + id + "/lock", a.token, std::nullopt, {{"Lock-Token", "<" + token + ">"}}).status,
            204);
  EXPECT_FALSE(s.call("GET", "/api/v1/files/" + id, b.token).body.as_object().contains("lock"));
  EXPECT_EQ(f.dav(b, "PUT", ws, "/contrat.odt", "bob").status, 204);
  // Locks expire.
  auto l2 = s.call("POST", "/api/v1/files/" + id + "/lock", a.token, body(json::object{{"timeout_s", 60}}));
  ASSERT_EQ(l2.status, 201);
  s.clock().advance_ms(61'000);
  EXPECT_EQ(f.dav(b, "PUT", ws, "/contrat.odt", "bob again").status, 204);
}

// Locks are read by path — those on the path, the folders above it and, for
// a listing or a folder's deletion, beneath it — however many the workspace
// holds: a lock on a file kept out of the first 10,000 read was not seen.
// And a workspace holds a bounded number of them (LOCK answers 507 past it).
TEST(Files, LocksAreFoundByPathHoweverManyTheWorkspaceHolds) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "L", {"files"});
  s.join(a, ws, b);
  const std::string folder = f.folder(a, ws, "dossier");
  const std::string id = f.uploaded(a, ws, "contrat.odt", "v1", folder);
  const std::string other = f.uploaded(a, ws, "autre.odt", "v1");
  auto lock = [&](const Account& who, const std::string& node) {
    return s.call("POST", "/api/v1/files/" + node + "/lock", who.token,
                  body(json::object{{"timeout_s", 3600}}));
  };
  auto bobs = lock(b, id);
  ASSERT_EQ(bobs.status, 201) << bobs.raw.body;
  const std::string token = str(bobs.body, "token");
  // As many others as may be, each expiring before Bob's.
  const std::int64_t now = s.clock().now_ms();
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    for (std::int64_t i = 0; i < files::kMaxLocks; ++i) {
      RUCHE_TRY(
          [[maybe_unused]] auto n,
          c.exec(
              "INSERT INTO files_locks (token, workspace_id, path, exclusive, infinite, owner_xml, "
              "user_id, timeout_s, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, 1, 0, '', $4, "
              "60, "
              "$5, $6)",
              {"opaquelocktoken:other-" + std::to_string(i), ws, "/ailleurs-" + std::to_string(i),
               a.id.str(), now, now + 60'000}));
    }
    return {};
  }));
  auto check = [&] {
    EXPECT_EQ(f.dav(a, "PUT", ws, "/dossier/contrat.odt", "alice").status, 423);
    EXPECT_EQ(f.dav(a, "DELETE", ws, "/dossier").status, 423);
    auto pf = f.dav(a, "PROPFIND", ws, "/dossier", "", {{"Depth", "1"}});
    EXPECT_EQ(pf.status, 207);
    EXPECT_NE(pf.body.find(token), std::string::npos);
    auto listed = s.call("GET", "/api/v1/files/" + folder + "/children", a.token);
    ASSERT_EQ(listed.status, 200);
    EXPECT_TRUE(listed.body.at("items").as_array().at(0).as_object().contains("lock"))
        << listed.raw.body;
    EXPECT_TRUE(s.call("GET", "/api/v1/files/" + id, a.token).body.as_object().contains("lock"));
  };
  check();
  auto refused = lock(a, other);
  EXPECT_EQ(refused.status, 507);
  EXPECT_EQ(refused.error_code(), "too_many_locks");
  // Once the others expired, locks are taken again; Bob's still holds.
  s.clock().advance_ms(61'000);
  EXPECT_EQ(lock(a, other).status, 201);
  check();
}

// A WebDAV listing names every entry of a folder, each once, however many:
// past a MiB the answer goes into a spool, past kPropfindMemoryBytes into a
// file without a name, and out as a stream (it was cut at 100,000 entries,
// silently: a client syncing the folder saw the others gone).
TEST(Files, DavListingsNameEveryEntryOfLargeFolders) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  const std::string ws = s.workspace(a, "Archives", {"files"});
  const std::string big = f.folder(a, ws, "Grand");
  f.folder(a, ws, "Petit");
  for (int i = 0; i < 3; ++i)
    f.uploaded(a, ws, "p" + std::to_string(i) + ".txt", "petit",
               f.folder(a, ws, "P" + std::to_string(i), big));
  constexpr int kEntries = 14'000;
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    const std::int64_t now = s.clock().now_ms();
    for (int i = 0; i < kEntries; ++i) {
      files::Node n;
      n.id = crypto::new_id_of<files::NodeId>();
      n.workspace_id = WorkspaceId(ws);
      n.parent_id = files::NodeId(big);
      char name[32];
      std::snprintf(name, sizeof name, "dossier %05d", i);
      n.name = name;
      n.folder = true;
      n.mtime_ms = n.created_at_ms = n.updated_at_ms = now;
      n.created_by = n.updated_by = a.id.str();
      RUCHE_CHECK(files::store::insert_node(c, n));
    }
    return {};
  }));
  auto count = [](std::string_view body, std::string_view what) {
    std::size_t n = 0;
    for (auto at = body.find(what); at != std::string_view::npos;
         at = body.find(what, at + what.size()))
      ++n;
    return n;
  };
  // All properties (the largest answer), then a few.
  for (std::string_view asked :
       {std::string_view(),
        std::string_view("<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
                         "<D:getetag/></D:prop></D:propfind>")}) {
    auto pf = f.dav(a, "PROPFIND", ws, "/Grand/", asked, {{"Depth", "1"}});
    ASSERT_EQ(pf.status, 207);
    if (asked.empty()) {
      EXPECT_GT(pf.body.size(), files::kPropfindMemoryBytes + (1u << 20));
    }
    EXPECT_EQ(count(pf.body, "<D:response>"), kEntries + 4u);
    const std::string root = "<D:href>/dav/files/" + ws + "/Grand/</D:href>";
    EXPECT_EQ(count(pf.body, root), 1u);  // the folder itself, once
    for (int i : {0, 1, 4999, 9999, kEntries - 1}) {
      char href[64];
      std::snprintf(href, sizeof href, "/Grand/dossier%%20%05d/</D:href>", i);
      EXPECT_EQ(count(pf.body, href), 1u) << href;
    }
    EXPECT_EQ(count(pf.body, "/Grand/P2/</D:href>"), 1u);
    EXPECT_TRUE(pf.body.ends_with("</D:multistatus>\n"));
  }
  // A small folder is answered as it was.
  auto small = f.dav(a, "PROPFIND", ws, "/Petit/", "", {{"Depth", "1"}});
  ASSERT_EQ(small.status, 207);
  EXPECT_EQ(count(small.body, "<D:response>"), 1u);
}

// Hot contents of 16 KiB or more go out with sendfile() from the chunk
// cache's memory file: whole, ranged, in one chunk or several, before and
// after a new version, the bytes are exactly the file's.
TEST(Files, HotReadsOfLargerFilesAreExact) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Hot", {"files"});
  for (std::size_t size : {std::size_t{16 << 10}, std::size_t{200'000}, std::size_t{3'000'000}}) {
    const std::string name = "/big-" + std::to_string(size) + ".bin";
    for (int version = 0; version < 2; ++version) {
      const std::string data = bytes(size, static_cast<int>(size % 97) + version);
      ASSERT_EQ(f.dav(a, "PUT", ws, name, data).status, version == 0 ? 201 : 204);
      for (int pass = 0; pass < 3; ++pass) {  // cold, then from memory
        auto whole = f.dav(a, "GET", ws, name);
        ASSERT_EQ(whole.status, 200) << size;
        EXPECT_TRUE(whole.body == data) << size << " pass " << pass;
        auto part = f.dav(a, "GET", ws, name, "", {{"Range", "bytes=1000-9999"}});
        EXPECT_EQ(part.status, 206);
        EXPECT_TRUE(part.body == data.substr(1000, 9000)) << size;
        const std::size_t last = std::min<std::size_t>(20000, size - 1);
        auto tail = f.dav(a, "GET", ws, name, "", {{"Range", "bytes=-" + std::to_string(last)}});
        EXPECT_TRUE(tail.body == data.substr(data.size() - last)) << size;
      }
    }
  }
}

// Hot files are answered from memory on the I/O thread (the access the
// caller was last granted, what the path last resolved to, the chunk
// cache); every change to the files, the membership, the rights, the
// modules or the session must show at the next request.
TEST(Files, HotReadsFollowEveryChange) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Hot", {"files"});
  s.join(a, ws, b, "member");
  auto bearer = [&](const Account& who, std::string_view method, std::string_view path, Headers h = {}) {
    return s.call(method, "/dav/files/" + ws + std::string(path), who.token, std::nullopt, std::move(h)).raw;
  };
  bool logged_out = false;  // Bob's session, after he logs out
  auto twice = [&](const Account& who, std::string_view path) {
    auto first = f.dav(who, "GET", ws, path);
    auto second = f.dav(who, "GET", ws, path);
    EXPECT_EQ(first.status, second.status) << path;
    EXPECT_EQ(first.body, second.body) << path;
    if (&who == &b && logged_out) return second;
    auto third = bearer(who, "GET", path);
    EXPECT_EQ(third.status, second.status) << path;
    EXPECT_EQ(third.body, second.body) << path;
    return second;
  };
  const std::string v1 = bytes(5000, 7), v2 = bytes(6000, 8);
  ASSERT_EQ(f.dav(a, "PUT", ws, "/hot.bin", v1).status, 201);
  EXPECT_EQ(twice(b, "/hot.bin").body, v1);

  // A new version, at once; ranges, HEAD and conditions on the cached one.
  ASSERT_EQ(f.dav(a, "PUT", ws, "/hot.bin", v2).status, 204);
  auto got = twice(b, "/hot.bin");
  EXPECT_EQ(got.body, v2);
  auto part = f.dav(b, "GET", ws, "/hot.bin", "", {{"Range", "bytes=100-199"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, v2.substr(100, 100));
  EXPECT_EQ(part.header("Content-Range").value_or(""), "bytes 100-199/6000");
  auto tail = bearer(b, "GET", "/hot.bin", {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.body, v2.substr(v2.size() - 10));
  auto head = f.dav(b, "HEAD", ws, "/hot.bin");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("Content-Length").value_or(""), "6000");
  const std::string etag = got.header("ETag").value_or("");
  EXPECT_EQ(f.dav(b, "GET", ws, "/hot.bin", "", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(f.dav(b, "GET", ws, "/hot.bin", "", {{"Range", "bytes=7000-"}}).status, 416);
  EXPECT_EQ(got.header("Content-Security-Policy").value_or("").find("sandbox") != std::string::npos, true);

  // Moved, copied over, deleted, restored.
  ASSERT_EQ(f.dav(a, "MOVE", ws, "/hot.bin", "", {{"Destination", "/dav/files/" + ws + "/moved.bin"}}).status, 201);
  EXPECT_EQ(twice(b, "/hot.bin").status, 404);
  EXPECT_EQ(twice(b, "/moved.bin").body, v2);
  ASSERT_EQ(f.dav(a, "PUT", ws, "/other.bin", v1).status, 201);
  EXPECT_EQ(twice(b, "/other.bin").body, v1);
  ASSERT_EQ(f.dav(a, "COPY", ws, "/moved.bin", "", {{"Destination", "/dav/files/" + ws + "/other.bin"}}).status, 204);
  EXPECT_EQ(twice(b, "/other.bin").body, v2);
  ASSERT_EQ(f.dav(a, "DELETE", ws, "/moved.bin").status, 204);
  EXPECT_EQ(twice(b, "/moved.bin").status, 404);

  // Rights, membership expiry and removal, the module, the session.
  auto patch = [&](const json::object& o) {
    return s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token, body(o)).status;
  };
  EXPECT_EQ(twice(b, "/other.bin").status, 200);
  ASSERT_EQ(patch({{"rights", json::object({{"files", "none"}})}}), 200);
  EXPECT_EQ(twice(b, "/other.bin").status, 404);
  ASSERT_EQ(patch({{"rights", json::object({{"files", "read"}})}}), 200);
  EXPECT_EQ(twice(b, "/other.bin").body, v2);
  ASSERT_EQ(patch({{"expires_at", format_iso8601(s.clock().now_ms() + 5'000)}}), 200);
  EXPECT_EQ(twice(b, "/other.bin").body, v2);
  s.clock().advance_ms(6'000);
  EXPECT_EQ(twice(b, "/other.bin").status, 404);
  ASSERT_EQ(patch({{"expires_at", nullptr}}), 200);
  EXPECT_EQ(twice(b, "/other.bin").body, v2);
  ASSERT_EQ(s.call("POST", "/api/v1/auth/logout", b.token).status, 204);
  logged_out = true;
  EXPECT_EQ(bearer(b, "GET", "/other.bin").status, 401);
  EXPECT_EQ(f.dav(b, "GET", ws, "/other.bin").body, v2);  // the password still works
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token).status, 204);
  EXPECT_EQ(twice(b, "/other.bin").status, 404);
  EXPECT_EQ(twice(a, "/other.bin").body, v2);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                   body(json::object({{"modules", json::array{"chat"}}}))).status, 200);
  EXPECT_EQ(twice(a, "/other.bin").status, 404);
}

// Behind a reverse proxy that passes its own Host to the server, a client
// names the destination of a MOVE or COPY as it knows the server: by the
// public URL. That origin is this server; another host, or the public
// host under another scheme or port, is not.
TEST(Files, DavDestinationsByThePublicUrl) {
  TestServer s([](app::Config& c) { c.public_url = "https://ruche.example.org"; });
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Mine", {"files"});
  ASSERT_EQ(f.dav(a, "PUT", ws, "/a.txt", "a").status, 201);
  // The request's Host is 127.0.0.1:<port>, as a proxy's would be.
  auto dest = [&](const std::string& origin, const std::string& name) {
    return Headers{{"Destination", origin + "/dav/files/" + ws + "/" + name}};
  };
  EXPECT_EQ(f.dav(a, "MOVE", ws, "/a.txt", "", dest("https://ruche.example.org", "b.txt")).status,
            201);
  EXPECT_EQ(f.dav(a, "COPY", ws, "/b.txt", "", dest("HTTPS://Ruche.Example.org", "c.txt")).status,
            201);
  EXPECT_EQ(f.dav(a, "COPY", ws, "/b.txt", "",
                  dest("http://127.0.0.1:" + std::to_string(s.port()), "d.txt"))
                .status,
            201);  // the Host
  for (const std::string origin :
       {"http://ruche.example.org", "https://ruche.example.org:8443", "https://evil.example.org",
        "https://ruche.example.org.evil.example"})
    EXPECT_EQ(f.dav(a, "COPY", ws, "/b.txt", "", dest(origin, "e.txt")).status, 403) << origin;
  EXPECT_EQ(f.dav(a, "GET", ws, "/e.txt").status, 404);
  EXPECT_EQ(f.dav(a, "GET", ws, "/c.txt").body, "a");
}

TEST(Files, DavTraversalAttemptsNeverEscape) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Mine", {"files"});
  std::string other = s.workspace(b, "Theirs", {"files"});
  s.join(b, other, a, "guest");  // a can read the other workspace, not write it
  ASSERT_EQ(f.dav(b, "PUT", other, "/victim.txt", "keep me").status, 201);
  ASSERT_EQ(f.dav(a, "MKCOL", ws, "/dir").status, 201);
  ASSERT_EQ(f.dav(a, "PUT", ws, "/dir/a.txt", "a").status, 201);
  const std::vector<std::string> bad_paths = {
      "/..",           "/dir/../../x",     "/%2e%2e/x",       "/dir/%2E%2E/%2e%2e/" + other + "/victim.txt",
      "/a%2fb",        "/a%2Fb",           "/x%00y",          "/x%0ay",           "/x%0d%0aSet-Cookie:%20a",
      "/%c0%ae%c0%ae", "/%e0%80%af",        "/%ff",            "/dir//a.txt",      "/x%5cy",
      "/%7f",          "/%c2%85",
  };
  const std::vector<std::string> methods = {"GET",  "PUT",  "DELETE", "MKCOL", "PROPFIND", "PROPPATCH",
                                            "COPY", "MOVE", "LOCK",   "UNLOCK", "OPTIONS"};
  for (const auto& m : methods) {
    for (const auto& p : bad_paths) {
      auto r = f.dav(a, m, ws, p, "", {{"Destination", "http://127.0.0.1/dav/files/" + ws + "/dest"}});
      EXPECT_TRUE(r.status == 400 || r.status == 404) << m << " " << p << " -> " << r.status;
    }
  }
  // Destination: traversal, other workspaces, other hosts.
  const std::vector<std::string> bad_dest = {
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + ws + "/../" + other + "/stolen.txt",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + ws + "/%2e%2e/" + other + "/stolen.txt",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + other + "/stolen.txt",
      "/dav/files/" + other + "/stolen.txt",
      "http://evil.example/dav/files/" + ws + "/x.txt",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + ws + "/a%2fb",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + ws + "/x%00.txt",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/dav/files/" + ws + "x/y.txt",
      "http://127.0.0.1:" + std::to_string(s.port()) + "/api/v1/health",
  };
  for (const char* m : {"COPY", "MOVE"}) {
    for (const auto& d : bad_dest) {
      auto r = f.dav(a, m, ws, "/dir/a.txt", "", {{"Destination", d}, {"Host", "127.0.0.1:" + std::to_string(s.port())}});
      EXPECT_TRUE(r.status == 400 || r.status == 403) << m << " " << d << " -> " << r.status;
    }
  }
  EXPECT_EQ(f.dav(b, "GET", other, "/victim.txt").body, "keep me");
  EXPECT_EQ(f.dav(b, "GET", other, "/stolen.txt").status, 404);
  EXPECT_EQ(f.dav(a, "GET", ws, "/dir/a.txt").body, "a");
  // Guests read but never write; strangers see nothing at all.
  EXPECT_EQ(f.dav(a, "GET", other, "/victim.txt").status, 200);
  EXPECT_EQ(f.dav(a, "PUT", other, "/victim.txt", "overwrite").status, 403);
  Account stranger = s.user("Stranger");
  EXPECT_EQ(f.dav(stranger, "PROPFIND", ws, "/", "", {{"Depth", "1"}}).status, 404);
  EXPECT_EQ(f.dav(stranger, "GET", ws, "/dir/a.txt").status, 404);
  // PROPFIND with an XML bomb is refused, and infinite depth is not served.
  std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                     "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:b>&b;</D:b></D:prop></D:propfind>";
  EXPECT_EQ(f.dav(a, "PROPFIND", ws, "/", bomb, {{"Depth", "0"}}).status, 400);
  EXPECT_EQ(f.dav(a, "PROPFIND", ws, "/", "", {{"Depth", "infinity"}}).status, 403);
}

// What desktop WebDAV clients ask around a workspace: the server's root
// (Office and Windows' WebClient send it OPTIONS), the parents of the folder
// they mount (the WebClient walks them with PROPFIND Depth 0), /dav/files/ as
// one mount for every workspace, the quota (RFC 4331) that Explorer, Finder
// and `rclone about` show, and folder dates that follow what changes beneath.
TEST(Files, DavClientsFindTheirWayAroundTheWorkspaces) {
  TestServer s;
  Files f{s};
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string mine = s.workspace(a, "Équipe <Alpha>", {"files"});
  std::string chat_only = s.workspace(a, "Talk", {"chat"});
  std::string theirs = s.workspace(b, "Theirs", {"files"});
  std::string shared = s.workspace(b, "Shared", {"files"});
  s.join(b, shared, a, "guest");
  auto raw = [&](std::string_view method, const std::string& path, const Account* who, std::string_view body = {},
                 Headers h = {}) {
    http::HttpClient client("127.0.0.1", s.port());
    if (who) h.emplace_back("Authorization", basic(*who));
    auto r = client.request(method, path, h, body);
    if (!r) throw std::runtime_error("request failed: " + r.error().message);
    return *r;
  };
  auto count = [](const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };

  // The root answers OPTIONS as a DAV server, and stays the web app for GET.
  auto root = raw("OPTIONS", "/", nullptr);
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.header("DAV").value_or(""), "1, 2");
  EXPECT_EQ(root.header("MS-Author-Via").value_or(""), "DAV");
  EXPECT_EQ(raw("GET", "/", nullptr).status, 200);
  EXPECT_EQ(raw("POST", "/", nullptr, "x").status, 405);

  for (const std::string p : {"/dav", "/dav/", "/dav/files", "/dav/files/"}) {
    SCOPED_TRACE(p);
    auto options = raw("OPTIONS", p, nullptr);
    EXPECT_EQ(options.status, 200);
    EXPECT_EQ(options.header("DAV").value_or(""), "1, 2");
    auto anonymous = raw("PROPFIND", p, nullptr, "", {{"Depth", "0"}});
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_NE(anonymous.header("WWW-Authenticate").value_or("").find("Basic"), std::string::npos);
    auto zero = raw("PROPFIND", p, &a, "", {{"Depth", "0"}});
    EXPECT_EQ(zero.status, 207) << zero.body;
    EXPECT_EQ(count(zero.body, "<D:response>"), 1u) << zero.body;
    EXPECT_NE(zero.body.find("<D:collection/>"), std::string::npos);
    EXPECT_EQ(raw("PROPFIND", p, &a, "", {{"Depth", "infinity"}}).status, 403);
    EXPECT_EQ(raw("MKCOL", p, &a).status, 405);
    EXPECT_EQ(raw("PROPFIND", p, &a, "<not xml", {{"Depth", "1"}}).status, 400);
  }
  auto top = raw("PROPFIND", "/dav/", &a, "", {{"Depth", "1"}});
  EXPECT_EQ(count(top.body, "<D:response>"), 2u) << top.body;
  EXPECT_NE(top.body.find("<D:href>/dav/files/</D:href>"), std::string::npos);

  // /dav/files/ lists the workspaces whose files the caller may read, each
  // under its id with its name, and nothing else.
  auto list = raw("PROPFIND", "/dav/files/", &a, "", {{"Depth", "1"}});
  ASSERT_EQ(list.status, 207);
  EXPECT_EQ(count(list.body, "<D:response>"), 3u) << list.body;
  EXPECT_NE(list.body.find("<D:href>/dav/files/" + mine + "/</D:href>"), std::string::npos);
  EXPECT_NE(list.body.find("<D:href>/dav/files/" + shared + "/</D:href>"), std::string::npos);
  EXPECT_EQ(list.body.find(chat_only), std::string::npos);
  EXPECT_EQ(list.body.find(theirs), std::string::npos);
  EXPECT_NE(list.body.find("<D:displayname>Équipe &lt;Alpha&gt;</D:displayname>"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("1970"), std::string::npos) << "a root dates from its workspace";
  auto bobs = raw("PROPFIND", "/dav/files/", &b, "", {{"Depth", "1"}});
  EXPECT_EQ(count(bobs.body, "<D:response>"), 3u) << bobs.body;
  EXPECT_EQ(bobs.body.find(mine), std::string::npos);
  // A workspace root answers the same from above and from itself.
  auto itself = f.dav(a, "PROPFIND", mine, "/", "", {{"Depth", "0"}});
  EXPECT_NE(itself.body.find("<D:getlastmodified>" + dav::http_date(s.clock().now_ms()).substr(0, 16)),
            std::string::npos)
      << itself.body;

  // Quota: on collections when asked by name, never in allprop, none on files.
  const std::string ask =
      "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:quota-used-bytes/>"
      "<D:quota-available-bytes/></D:prop></D:propfind>";
  ASSERT_EQ(f.dav(a, "PUT", mine, "/doc.bin", std::string(3000, 'q')).status, 201);
  auto unlimited = f.dav(a, "PROPFIND", mine, "/", ask, {{"Depth", "0"}});
  EXPECT_NE(unlimited.body.find("<D:quota-used-bytes>3000</D:quota-used-bytes>"), std::string::npos)
      << unlimited.body;
  EXPECT_NE(unlimited.body.find("<D:quota-available-bytes/></D:prop><D:status>HTTP/1.1 404"), std::string::npos)
      << "no quota, no figure: " << unlimited.body;
  auto set = f.set_quota(admin, mine, 10000);
  ASSERT_EQ(set.status, 200) << set.raw.body;
  auto limited = f.dav(a, "PROPFIND", mine, "/", ask, {{"Depth", "1"}});
  EXPECT_EQ(count(limited.body, "<D:quota-used-bytes>3000</D:quota-used-bytes>"), 1u) << limited.body;
  EXPECT_EQ(count(limited.body, "<D:quota-available-bytes>7000</D:quota-available-bytes>"), 1u) << limited.body;
  EXPECT_NE(limited.body.find("doc.bin</D:href><D:propstat><D:prop></D:prop><D:status>HTTP/1.1 200 OK</D:status>"
                              "</D:propstat><D:propstat><D:prop><D:quota-used-bytes/>"),
            std::string::npos)
      << limited.body;
  auto above = raw("PROPFIND", "/dav/files/", &a, ask, {{"Depth", "1"}});
  EXPECT_EQ(count(above.body, "<D:quota-available-bytes>7000</D:quota-available-bytes>"), 1u) << above.body;
  EXPECT_EQ(f.dav(a, "PROPFIND", mine, "/", "", {{"Depth", "1"}}).body.find("quota"), std::string::npos);
  auto names = f.dav(a, "PROPFIND", mine, "/",
                     "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>",
                     {{"Depth", "0"}});
  EXPECT_NE(names.body.find("<D:quota-used-bytes/><D:quota-available-bytes/>"), std::string::npos) << names.body;
  // Protected: a client cannot set them.
  auto patch = f.dav(a, "PROPPATCH", mine, "/doc.bin",
                     "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
                     "<D:quota-available-bytes>1</D:quota-available-bytes></D:prop></D:set></D:propertyupdate>");
  EXPECT_NE(patch.body.find("HTTP/1.1 403"), std::string::npos) << patch.body;

  // A change anywhere beneath a folder moves its date, and the root's, on.
  ASSERT_EQ(f.dav(a, "MKCOL", mine, "/dir").status, 201);
  ASSERT_EQ(f.dav(a, "MKCOL", mine, "/dir/sub").status, 201);
  s.clock().advance_ms(3 * 86'400'000LL);
  const std::string later = "<D:getlastmodified>" + dav::http_date(s.clock().now_ms()) + "</D:getlastmodified>";
  ASSERT_EQ(f.dav(a, "PUT", mine, "/dir/sub/deep.txt", "deep").status, 201);
  for (const std::string path : {"/", "/dir", "/dir/sub"}) {
    auto dated = f.dav(a, "PROPFIND", mine, path, "", {{"Depth", "0"}});
    EXPECT_NE(dated.body.find(later), std::string::npos) << path << ": " << dated.body;
  }
  EXPECT_NE(raw("PROPFIND", "/dav/files/", &a, "", {{"Depth", "1"}}).body.find(later), std::string::npos);
}

// Windows' WebClient keeps a copied file's date with a PROPPATCH of
// Win32LastModifiedTime right after the PUT: it becomes the file's
// modification time, everywhere it shows (PROPFIND, GET from memory, REST).
TEST(Files, WindowsKeepsModificationTimesWithAProperty) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"files"});
  ASSERT_EQ(f.dav(a, "PUT", ws, "/report.txt", "quarterly").status, 201);
  ASSERT_EQ(f.dav(a, "MKCOL", ws, "/dir").status, 201);
  EXPECT_EQ(f.dav(a, "GET", ws, "/report.txt").status, 200);  // now hot in memory
  auto win32 = [&](const std::string& path, const std::string& value) {
    return f.dav(a, "PROPPATCH", ws, path,
                 "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\" "
                 "xmlns:Z=\"urn:schemas-microsoft-com:\"><D:set><D:prop>"
                 "<Z:Win32CreationTime>Tue, 05 May 2020 06:00:00 GMT</Z:Win32CreationTime>"
                 "<Z:Win32LastModifiedTime>" + value + "</Z:Win32LastModifiedTime>"
                 "<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>"
                 "</D:prop></D:set></D:propertyupdate>");
  };
  auto r = win32("/report.txt", "Wed, 06 May 2020 07:08:09 GMT");
  ASSERT_EQ(r.status, 207);
  EXPECT_EQ(r.body.find("HTTP/1.1 4"), std::string::npos) << r.body;
  auto found = f.dav(a, "PROPFIND", ws, "/report.txt", "", {{"Depth", "0"}});
  EXPECT_NE(found.body.find("<D:getlastmodified>Wed, 06 May 2020 07:08:09 GMT</D:getlastmodified>"), std::string::npos)
      << found.body;
  EXPECT_EQ(f.dav(a, "GET", ws, "/report.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:09 GMT");
  auto listed = s.call("GET", "/api/v1/workspaces/" + ws + "/files", a.token);
  bool seen = false;
  for (const auto& item : listed.body.at("items").as_array())
    if (str(item, "name") == "report.txt") {
      seen = true;
      EXPECT_NE(str(item, "mtime").find("2020-05-06T07:08:09"), std::string::npos) << item;
    }
  EXPECT_TRUE(seen);
  // What is not a date is kept as a property and changes no date; folders
  // keep the date of what changes beneath them.
  ASSERT_EQ(win32("/report.txt", "yesterday").status, 207);
  EXPECT_EQ(f.dav(a, "GET", ws, "/report.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:09 GMT");
  ASSERT_EQ(win32("/dir", "Wed, 06 May 2020 07:08:09 GMT").status, 207);
  EXPECT_EQ(f.dav(a, "PROPFIND", ws, "/dir", "", {{"Depth", "0"}}).body.find("<D:getlastmodified>Wed, 06 May 2020"),
            std::string::npos);
}

// Favorites are each person's own: starred files and folders listed with
// their paths, by name; gone while in the trash, back when
// restored; only the person's clients hear of a change.
TEST(Files, FavoritesArePersonalAndFollowTheTrash) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"files"});
  s.join(a, ws, b);
  const std::string dir = f.folder(a, ws, "dossier");
  const std::string file = f.uploaded(a, ws, "note.txt", "n", dir);
  const std::string other = f.uploaded(a, ws, "autre.txt", "o");
  auto ca = connect_events(s, a), cb = connect_events(s, b);
  ASSERT_FALSE(until(*ca, "hello").is_null());
  ASSERT_FALSE(until(*cb, "hello").is_null());
  auto star = [&](const Account& who, const std::string& id, bool on) {
    return s.call(on ? "PUT" : "DELETE", "/api/v1/files/" + id + "/favorite", who.token).status;
  };
  auto names = [&](const Account& who) {
    auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/files/favorites", who.token);
    std::vector<std::string> out;
    if (r.status != 200) return std::vector<std::string>{"status " + std::to_string(r.status)};
    for (const auto& n : r.body.as_array()) out.push_back(str(n, "path"));
    return out;
  };
  EXPECT_EQ(star(a, file, true), 204);
  json::value heard = until(*ca, "file.favorite");
  ASSERT_FALSE(heard.is_null());
  EXPECT_EQ(heard.at("data").at("node_id").as_string(), file);
  EXPECT_TRUE(heard.at("data").at("favorite").as_bool());
  EXPECT_EQ(star(a, dir, true), 204);
  EXPECT_EQ(star(a, dir, true), 204);  // again: nothing changes
  EXPECT_EQ(star(b, other, true), 204);
  EXPECT_EQ(names(a), (std::vector<std::string>{"/dossier", "/dossier/note.txt"}));
  EXPECT_EQ(names(b), (std::vector<std::string>{"/autre.txt"}));
  for (auto m = cb->receive(300); m && m->has_value(); m = cb->receive(300))
    EXPECT_EQ((*m)->find(file), std::string::npos) << **m;  // Bob never hears of Alice's stars

  // The folder in the trash takes its starred content with it; restored, both are back.
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + dir, a.token).status, 204);
  EXPECT_EQ(names(a), std::vector<std::string>{});
  ASSERT_EQ(s.call("POST", "/api/v1/files/" + dir + "/restore", a.token).status, 200);
  EXPECT_EQ(names(a), (std::vector<std::string>{"/dossier", "/dossier/note.txt"}));
  EXPECT_EQ(star(a, dir, false), 204);
  EXPECT_EQ(names(a), std::vector<std::string>{"/dossier/note.txt"});
  // Purged, it is gone for good.
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + file, a.token).status, 204);
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + file + "?purge=1", a.token).status, 204);
  EXPECT_EQ(names(a), std::vector<std::string>{});

  Account out = s.user("Out");
  EXPECT_EQ(star(out, other, true), 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/files/favorites", out.token).status, 404);

  // Nextcloud's clients star with PROPPATCH of oc:favorite and read it back
  // by name: the same per-person favorites, never a property others see.
  auto oc = [&](const Account& who, const std::string& verb) {
    return f.dav(who, "PROPPATCH", ws, "/autre.txt",
                 "<?xml version=\"1.0\"?><d:propertyupdate xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\">"
                 "<d:" + verb + "><d:prop><oc:favorite>1</oc:favorite></d:prop></d:" + verb + "></d:propertyupdate>");
  };
  auto flag = [&](const Account& who) {
    auto r = f.dav(who, "PROPFIND", ws, "/", "<?xml version=\"1.0\"?><d:propfind xmlns:d=\"DAV:\" "
                   "xmlns:oc=\"http://owncloud.org/ns\"><d:prop><oc:favorite/><d:getetag/></d:prop></d:propfind>",
                   {{"Depth", "1"}});
    const auto at = r.body.find("/autre.txt</D:href>");
    if (r.status != 207 || at == std::string::npos) return std::string("?");
    const auto end = r.body.find("</D:response>", at);
    const std::string one = r.body.substr(at, end - at);
    if (one.find(">1</") != std::string::npos) return std::string("1");
    if (one.find(">0</") != std::string::npos) return std::string("0");
    return one;
  };
  ASSERT_EQ(oc(a, "set").status, 207);
  EXPECT_EQ(names(a), std::vector<std::string>{"/autre.txt"});
  EXPECT_EQ(flag(a), "1");
  EXPECT_EQ(flag(b), "1");  // Bob starred it himself earlier
  ASSERT_EQ(star(b, other, false), 204);
  EXPECT_EQ(flag(b), "0");  // Alice's star is hers
  ASSERT_EQ(oc(a, "remove").status, 207);
  EXPECT_EQ(names(a), std::vector<std::string>{});
  EXPECT_EQ(flag(a), "0");

  // A reader stars over WebDAV as on the web (a star is theirs alone), even
  // on a file someone else locked; any other property still needs the write right.
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                   body(json::object{{"rights", json::object{{"files", "read"}}}}))
                .status,
            200);
  ASSERT_EQ(s.call("POST", "/api/v1/files/" + other + "/lock", a.token, body(json::object{})).status, 201);
  auto starred = oc(b, "set");
  EXPECT_EQ(starred.status, 207);
  EXPECT_NE(starred.body.find("200 OK"), std::string::npos) << starred.body;
  EXPECT_EQ(names(b), std::vector<std::string>{"/autre.txt"});
  auto other_prop = f.dav(b, "PROPPATCH", ws, "/autre.txt",
                          "<?xml version=\"1.0\"?><d:propertyupdate xmlns:d=\"DAV:\" xmlns:x=\"urn:x\">"
                          "<d:set><d:prop><x:note>1</x:note></d:prop></d:set></d:propertyupdate>");
  EXPECT_EQ(other_prop.status, 403);
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + other, b.token).status, 200);
}

// Dates clients give a file are checked: X-OC-Mtime is whole seconds (a
// fraction dropped) up to the year 9999, anything else a 400 that writes
// nothing; a Win32LastModifiedTime that is no real date changes no date.
TEST(Files, ModificationTimesFromClientsAreRealDates) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"files"});
  auto put = [&](const std::string& path, const std::string& mtime) {
    return f.dav(a, "PUT", ws, path, "bytes", {{"X-OC-Mtime", mtime}});
  };
  auto dated = put("/ok.txt", "1588748889");
  ASSERT_EQ(dated.status, 201);
  EXPECT_EQ(dated.header("X-OC-MTime").value_or(""), "accepted");
  EXPECT_EQ(f.dav(a, "GET", ws, "/ok.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:09 GMT");
  ASSERT_EQ(put("/ok.txt", " 1588748890.75 ").status, 204);
  EXPECT_EQ(f.dav(a, "GET", ws, "/ok.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:10 GMT");
  ASSERT_EQ(put("/last.txt", "253402300799").status, 201);
  EXPECT_EQ(f.dav(a, "GET", ws, "/last.txt").header("Last-Modified").value_or(""), "Fri, 31 Dec 9999 23:59:59 GMT");
  for (const std::string bad : {"-5", "abc", "", "1e10", "12 34", "1588748889.", "1588748889.5x", "253402300800",
                                "9223372036854775807", "99999999999999999999"}) {
    auto r = put("/bad.txt", bad);
    EXPECT_EQ(r.status, 400) << "'" << bad << "'";
    EXPECT_EQ(f.dav(a, "GET", ws, "/bad.txt").status, 404) << bad;
    EXPECT_EQ(put("/ok.txt", bad).status, 400) << bad;
  }
  EXPECT_EQ(f.dav(a, "GET", ws, "/ok.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:10 GMT");
  // The JSON API's uploads take it too (ruche-sync keeps local times so).
  auto rest = s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/rest.txt", a.token,
                     std::string("r"), {{"X-OC-Mtime", "1588748889"}});
  ASSERT_EQ(rest.status, 201);
  EXPECT_EQ(str(rest.body, "mtime"), "2020-05-06T07:08:09.000Z");
  auto again = s.call("PUT", "/api/v1/files/" + str(rest.body, "id") + "/content", a.token,
                      std::string("r2"), {{"X-OC-Mtime", "1588748899"}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(str(again.body, "mtime"), "2020-05-06T07:08:19.000Z");
  for (const std::string bad : {"abc", "-5", "253402300800"}) {
    auto r = s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/rest-bad.txt", a.token,
                    std::string("x"), {{"X-OC-Mtime", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.error_code(), "bad_mtime") << bad;
  }
  EXPECT_EQ(f.dav(a, "GET", ws, "/rest-bad.txt").status, 404);
  for (const std::string bad : {"Sat, 30 Feb 2024 10:00:00 GMT", "Fri, 31 Dec 99999 23:59:59 GMT",
                                "Sun, 06 Nov 1994 -1:49:37 GMT"}) {
    auto r = f.dav(a, "PROPPATCH", ws, "/ok.txt",
                   "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:schemas-microsoft-com:\">"
                   "<D:set><D:prop><Z:Win32LastModifiedTime>" + bad +
                       "</Z:Win32LastModifiedTime></D:prop></D:set></D:propertyupdate>");
    EXPECT_EQ(r.status, 207) << bad;
    EXPECT_EQ(f.dav(a, "GET", ws, "/ok.txt").header("Last-Modified").value_or(""), "Wed, 06 May 2020 07:08:10 GMT")
        << bad;
  }
}

// If-Unmodified-Since (RFC 9110, 13.1.4) guards downloads, uploads and
// deletions, to the second of Last-Modified; an If-Match beside it wins,
// and what is not a date is ignored. Entity-tag lists are lists.
TEST(Files, ConditionalHeadersGuardReadsAndWrites) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"files"});
  ASSERT_EQ(f.dav(a, "PUT", ws, "/a.txt", "first", {{"X-OC-Mtime", "1588748889"}}).status, 201);
  const std::string before = "Wed, 06 May 2020 07:08:08 GMT", same = "Wed, 06 May 2020 07:08:09 GMT",
                    old_style = "Wednesday, 06-May-20 07:08:08 GMT";
  auto get = [&](Headers h) { return f.dav(a, "GET", ws, "/a.txt", "", std::move(h)).status; };
  EXPECT_EQ(get({{"If-Unmodified-Since", same}}), 200);
  EXPECT_EQ(get({{"If-Unmodified-Since", before}}), 412);
  EXPECT_EQ(get({{"If-Unmodified-Since", old_style}}), 412);
  EXPECT_EQ(get({{"If-Unmodified-Since", "not a date"}}), 200);
  EXPECT_EQ(get({{"If-Unmodified-Since", before}, {"If-Match", "*"}}), 200);
  EXPECT_EQ(f.dav(a, "HEAD", ws, "/a.txt", "", {{"If-Unmodified-Since", before}}).status, 412);

  EXPECT_EQ(f.dav(a, "PUT", ws, "/a.txt", "second", {{"If-Unmodified-Since", before}}).status, 412);
  EXPECT_EQ(f.dav(a, "GET", ws, "/a.txt").body, "first");
  EXPECT_EQ(f.dav(a, "DELETE", ws, "/a.txt", "", {{"If-Unmodified-Since", before}}).status, 412);
  EXPECT_EQ(f.dav(a, "GET", ws, "/a.txt").status, 200);
  // Entity-tag lists: If-Match strong, If-None-Match weak.
  const std::string tag = f.dav(a, "HEAD", ws, "/a.txt").header("ETag").value_or("");
  ASSERT_FALSE(tag.empty());
  EXPECT_EQ(get({{"If-Match", "\"other\", " + tag}}), 200);
  EXPECT_EQ(get({{"If-Match", "W/" + tag}}), 412);
  EXPECT_EQ(get({{"If-None-Match", "\"other\", W/" + tag}}), 304);
  EXPECT_EQ(f.dav(a, "PUT", ws, "/a.txt", "x", {{"If-None-Match", "W/" + tag}}).status, 412);
  EXPECT_EQ(f.dav(a, "DELETE", ws, "/a.txt", "", {{"If-Match", "W/" + tag}}).status, 412);
  EXPECT_EQ(f.dav(a, "PUT", ws, "/a.txt", "second", {{"If-Unmodified-Since", same}, {"If-Match", "\"x\", " + tag}}).status,
            204);
  EXPECT_EQ(f.dav(a, "GET", ws, "/a.txt").body, "second");
  // The PUT above dated the file now: a date before now fails, a later one not.
  EXPECT_EQ(f.dav(a, "DELETE", ws, "/a.txt", "", {{"If-Unmodified-Since", same}}).status, 412);
  EXPECT_EQ(f.dav(a, "DELETE", ws, "/a.txt", "", {{"If-Unmodified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"}}).status,
            204);
  EXPECT_EQ(f.dav(a, "GET", ws, "/a.txt").status, 404);

  // The REST API takes the same conditions.
  const std::string id = f.uploaded(a, ws, "b.txt", "rest");
  const Headers old_date{{"If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:01 GMT"}};
  EXPECT_EQ(s.call("PUT", "/api/v1/files/" + id + "/content", a.token, std::string("new"), old_date).status, 412);
  EXPECT_EQ(s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/b.txt", a.token, std::string("new"), old_date)
                .status,
            412);
  EXPECT_EQ(s.call("DELETE", "/api/v1/files/" + id, a.token, std::nullopt, old_date).status, 412);
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + id + "/content", a.token).raw.body, "rest");
  EXPECT_EQ(s.call("DELETE", "/api/v1/files/" + id, a.token).status, 204);
}

// macOS Finder uploads chunked with X-Expected-Entity-Length: a body over
// the quota is refused before it is sent, one of another length is refused.
TEST(Files, FinderDeclaresTheSizeOfChunkedUploads) {
  TestServer s;
  Files f{s};
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"files"});
  ASSERT_EQ(f.set_quota(admin, ws, 100000).status, 200);
  auto chunked = [&](const std::string& name, const std::string& expected, const std::string& chunks) {
    http::HttpClient client("127.0.0.1", s.port());
    auto r = client.raw("PUT /dav/files/" + ws + "/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
                        basic(a) + "\r\nTransfer-Encoding: chunked\r\nX-Expected-Entity-Length: " + expected +
                        "\r\nConnection: close\r\n\r\n" + chunks);
    if (!r) throw std::runtime_error(r.error().message);
    return r->substr(0, r->find("\r\n"));
  };
  EXPECT_EQ(chunked("ok.txt", "5", "5\r\nhello\r\n0\r\n\r\n"), "HTTP/1.1 201 Created");
  EXPECT_EQ(f.dav(a, "GET", ws, "/ok.txt").body, "hello");
  // 4 GB declared, one chunk sent: refused at once.
  EXPECT_EQ(chunked("huge.bin", "4000000000", "5\r\nhello\r\n"), "HTTP/1.1 507 Insufficient Storage");
  EXPECT_EQ(chunked("short.txt", "6", "5\r\nhello\r\n0\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(chunked("long.txt", "4", "5\r\nhello\r\n0\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(chunked("bad.txt", "5x", "5\r\nhello\r\n0\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  // Past 2^63 - 1 a size would wrap around in the quota check.
  EXPECT_EQ(chunked("wrap.bin", "18446744073709551615", "5\r\nhello\r\n"), "HTTP/1.1 413 Content Too Large");
  for (const char* gone : {"/huge.bin", "/short.txt", "/long.txt", "/bad.txt", "/wrap.bin"})
    EXPECT_EQ(f.dav(a, "GET", ws, gone).status, 404) << gone;
  auto usage = s.call("GET", "/api/v1/workspaces/" + ws + "/files/usage", a.token);
  EXPECT_EQ(usage.body.at("used_bytes").as_int64(), 5);
}

// Search by name through the platform's search (type "file"): every word,
// any case, only live nodes of workspaces the caller may read, newest first,
// matches marked, `%` and `_` taken literally, `path` narrowing to a folder.
TEST(Files, SearchFindsNamesInReadableWorkspacesOnly) {
  TestServer s;
  Files f{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string mine = s.workspace(a, "Mine", {"files"});
  std::string shared = s.workspace(b, "Shared", {"files"});
  std::string theirs = s.workspace(b, "Theirs", {"files"});
  s.join(b, shared, a, "guest");
  auto put = [&](const std::string& ws, const std::string& path) {
    s.clock().advance_ms(1000);
    ASSERT_EQ(f.dav(ws == mine ? a : b, "PUT", ws, dav::encode_path(path), "x").status, 201) << path;
  };
  ASSERT_EQ(f.dav(a, "MKCOL", mine, "/Archives").status, 201);
  put(mine, "/Archives/rapport-2025.odt");
  put(mine, "/Rapport annuel 2026.pdf");
  put(mine, "/notes.txt");
  put(mine, "/100% sûr.txt");
  put(mine, "/axb.txt");
  put(mine, "/Rapport jeté.pdf");
  ASSERT_EQ(f.dav(a, "DELETE", mine, dav::encode_path("/Rapport jeté.pdf")).status, 204);
  put(shared, "/RAPPORT commun.pdf");
  put(theirs, "/Rapport secret.pdf");
  auto search = [&](const std::string& query) {
    auto r = s.call("GET", "/api/v1/search?type=file&" + query, a.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::vector<std::string> names;
    for (const auto& h : r.body.at("results").as_array()) names.push_back(str(h, "name"));
    return std::make_pair(names, r);
  };
  auto [names, r] = search("q=rapport");
  EXPECT_EQ(names, (std::vector<std::string>{"RAPPORT commun.pdf", "Rapport annuel 2026.pdf", "rapport-2025.odt"}));
  const auto& first = r.body.at("results").as_array().at(0);
  EXPECT_EQ(str(first, "workspace_id"), shared);
  EXPECT_EQ(str(first, "kind"), "file");
  EXPECT_EQ(str(first, "path"), "/RAPPORT commun.pdf");
  EXPECT_EQ(str(first, "snippet"), "\xee\x80\x80RAPPORT\xee\x80\x81 commun.pdf");
  EXPECT_EQ(str(r.body.at("results").as_array().at(2), "path"), "/Archives/rapport-2025.odt");
  EXPECT_EQ(search("q=rapport&limit=2").first,
            (std::vector<std::string>{"RAPPORT commun.pdf", "Rapport annuel 2026.pdf"}));
  EXPECT_EQ(search("q=rapport%202025").first, std::vector<std::string>{"rapport-2025.odt"});
  EXPECT_EQ(search("q=rapport&path=%2FArchives").first, std::vector<std::string>{"rapport-2025.odt"});
  EXPECT_EQ(search("q=rapport&workspace=" + shared).first, std::vector<std::string>{"RAPPORT commun.pdf"});
  EXPECT_EQ(search("q=archives").first, std::vector<std::string>{"Archives"});
  EXPECT_EQ(search("q=100%25").first, std::vector<std::string>{"100% sûr.txt"});
  EXPECT_TRUE(search("q=a_b").first.empty());
  EXPECT_TRUE(search("q=secret").first.empty());
  EXPECT_TRUE(search("q=jet%C3%A9").first.empty());
  EXPECT_EQ(s.call("GET", "/api/v1/search?type=file&q=a+b+c+d+e+f+g+h+i", a.token).status, 400);

  // Words under 3 characters (no trigram for PostgreSQL's index to look
  // up), alone or beside a longer one; multibyte characters.
  EXPECT_EQ(search("q=xb").first, std::vector<std::string>{"axb.txt"});
  EXPECT_EQ(search("q=ra+nnu").first, std::vector<std::string>{"Rapport annuel 2026.pdf"});
  EXPECT_EQ(search("q=0%25+s%C3%BB").first, std::vector<std::string>{"100% sûr.txt"});
  // A rename, a purge and a workspace's deletion change what is found.
  const std::string notes = str(search("q=notes").second.body.at("results").as_array().at(0), "id");
  ASSERT_EQ(s.call("PATCH", "/api/v1/files/" + notes, a.token, body(json::object{{"name", "compte-rendu.txt"}})).status,
            200);
  EXPECT_TRUE(search("q=notes").first.empty());
  EXPECT_EQ(search("q=compte-rendu").first, std::vector<std::string>{"compte-rendu.txt"});
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + notes, a.token).status, 204);
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + notes + "?purge=1", a.token).status, 204);
  EXPECT_TRUE(search("q=compte").first.empty());
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + shared, b.token).status, 204);
  EXPECT_EQ(search("q=rapport").first, (std::vector<std::string>{"Rapport annuel 2026.pdf", "rapport-2025.odt"}));
}

// A search reads the newest names first (5,000: the instance's on SQLite,
// the searcher's workspaces' on PostgreSQL), then every name of the
// workspaces that holds the words (SQLite: one by one; PostgreSQL: the
// trigram index, asked for the workspaces' names only) unless the first
// look found enough, or, on PostgreSQL, read every name of workspaces that
// hold fewer. Names are written by the thousand through the store (as an
// import would): each way is taken, and finds what reading every name would.
TEST(Files, SearchReadsTheNewestNamesThenEveryName) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  const std::string big = s.workspace(a, "Big", {"files"});
  const std::string small = s.workspace(a, "Small", {"files"});
  const std::string theirs = s.workspace(b, "Theirs", {"files"});
  struct Named {
    std::string workspace, name;
  };
  std::vector<Named> written;  // oldest first: creation time and rowid agree
  // Theirs first (6,000 names, "secret" in each, "commun" in every tenth),
  // then Big (6,000: "ancien" in its 3 oldest, "commun" in every tenth),
  // Small's 30 ("commun" in every other) and 30 more of Theirs among Big's
  // last 300.
  for (int i = 0; i < 6000; ++i)
    written.push_back({theirs, "secret " + std::string(i % 10 == 0 ? "commun " : "") + std::to_string(i) + ".txt"});
  for (int i = 0; i < 6000; ++i) {
    written.push_back({big, std::string(i < 3 ? "ancien " : "") + (i % 10 == 0 ? "commun " : "") + "grand " +
                                std::to_string(i) + ".txt"});
    if (i >= 5700 && i % 10 == 0)
      written.push_back({small, std::string(i % 20 == 0 ? "commun " : "") + "petit " + std::to_string(i) + ".txt"});
    if (i >= 5700 && i % 10 == 5) written.push_back({theirs, "secret commun " + std::to_string(i) + ".txt"});
  }
  // Names written past the service, each a millisecond after the last.
  std::int64_t at = s.clock().now_ms();
  auto put = [&](db::Conn& c, const std::vector<Named>& names, std::int64_t& t) -> Result<void> {
    for (const auto& w : names) {
      files::Node n;
      n.id = crypto::new_id_of<files::NodeId>();
      n.workspace_id = WorkspaceId(w.workspace);
      n.name = w.name;
      n.size_bytes = 1;
      n.etag = "\"" + std::string(64, 'a') + "\"";
      n.content_type = "text/plain";
      n.version = 1;
      n.mtime_ms = n.created_at_ms = n.updated_at_ms = ++t;
      n.created_by = n.updated_by = (w.workspace == theirs ? b.id : a.id).str();
      RUCHE_CHECK(files::store::insert_node(c, n, "v-" + n.id.str()));
    }
    return {};
  };
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    std::int64_t t = at;
    RUCHE_CHECK(put(c, written, t));
    // Big's newest "commun" name goes to the trash: found by neither way.
    RUCHE_TRY([[maybe_unused]] auto k, c.exec("UPDATE files_nodes SET trashed_at_ms = $1 WHERE name = $2",
                                              {t, std::string("commun grand 5990.txt")}));
    return {};
  }));
  at += static_cast<std::int64_t>(written.size());
  if (s.platform().db.backend() == db::Backend::postgres) {
    ASSERT_TRUE(s.platform().db.write([](db::Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("ANALYZE files_nodes", {}));
      return {};
    }));
  }
  // What reading every name finds: live names of the workspaces asked for
  // that hold every word, the newest first.
  auto expected = [&](const std::vector<std::string>& in, const std::vector<std::string>& words, std::size_t limit) {
    std::vector<std::string> out;
    for (auto w = written.rbegin(); w != written.rend() && out.size() < limit; ++w) {
      if (std::find(in.begin(), in.end(), w->workspace) == in.end() || w->name == "commun grand 5990.txt") continue;
      if (std::all_of(words.begin(), words.end(), [&](const auto& x) { return w->name.find(x) != std::string::npos; }))
        out.push_back(w->name);
    }
    return out;
  };
  auto search = [&](const Account& who, const std::string& query) {
    auto r = s.call("GET", "/api/v1/search?type=file&" + query, who.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::vector<std::string> names;
    for (const auto& h : r.body.at("results").as_array()) names.push_back(str(h, "name"));
    return names;
  };
  // Among the newest: Big's and Small's merged.
  const auto commun = expected({big, small}, {"commun"}, 20);
  ASSERT_EQ(commun.size(), 20u);
  EXPECT_NE(std::find(commun.begin(), commun.end(), "commun petit 5980.txt"), commun.end());
  EXPECT_EQ(search(a, "q=commun"), commun);
  EXPECT_EQ(search(a, "q=commun&limit=50"), expected({big, small}, {"commun"}, 50));
  // Past the newest 5,000 (Big's 3 oldest), and a word found nowhere the
  // searcher may read (6,000 names of Theirs hold it).
  EXPECT_EQ(search(a, "q=ancien"), (std::vector<std::string>{"ancien grand 2.txt", "ancien grand 1.txt",
                                                           "ancien commun grand 0.txt"}));
  EXPECT_EQ(search(a, "q=ancien+commun"), std::vector<std::string>{"ancien commun grand 0.txt"});
  EXPECT_TRUE(search(a, "q=secret").empty());
  EXPECT_EQ(search(a, "q=grand+59"), expected({big}, {"grand", "59"}, 20));
  EXPECT_EQ(search(a, "q=petit+commun"), expected({big, small}, {"petit", "commun"}, 20));
  // As many as the newest hold (15), and one more asked for.
  EXPECT_EQ(search(a, "q=petit+commun&limit=16"), expected({big, small}, {"petit", "commun"}, 16));
  // A workspace of fewer than 5,000 names, alone: every one is among the
  // newest (PostgreSQL counts them, and ends there).
  EXPECT_EQ(search(a, "q=commun&workspace=" + small), expected({small}, {"commun"}, 20));
  EXPECT_EQ(search(a, "q=petit&workspace=" + small + "&limit=100"), expected({small}, {"petit"}, 100));
  EXPECT_TRUE(search(a, "q=grand&workspace=" + small).empty());

  // Carol's 10 workspaces (Small, and 9 of 20 names each, the newest): more
  // than db::kFewArms, holding fewer than 5,000 names — PostgreSQL asks its
  // trigram index at once. The same answers.
  Account carol = s.user("Carol");
  s.join(a, small, carol);
  std::vector<std::string> carols{small};
  for (int i = 0; i < 9; ++i) {
    carols.push_back(s.workspace(b, "Équipe " + std::to_string(i), {"files"}));
    s.join(b, carols.back(), carol);
  }
  std::vector<Named> more;
  for (int i = 0; i < 180; ++i)
    more.push_back({carols[1 + static_cast<std::size_t>(i % 9)],
                    std::string(i % 3 == 0 ? "commun " : "") + "équipe " + std::to_string(i) + ".txt"});
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    std::int64_t t = at;
    return put(c, more, t);
  }));
  written.insert(written.end(), more.begin(), more.end());
  EXPECT_EQ(search(carol, "q=commun"), expected(carols, {"commun"}, 20));
  EXPECT_EQ(search(carol, "q=commun&limit=100"), expected(carols, {"commun"}, 100));
  EXPECT_EQ(search(carol, "q=petit"), expected(carols, {"petit"}, 20));  // Small's, older
  EXPECT_EQ(search(carol, "q=%C3%A9quipe+17"), expected(carols, {"équipe", "17"}, 20));
  EXPECT_EQ(search(carol, "q=17"), expected(carols, {"17"}, 20));  // no trigram: the newest first
  EXPECT_TRUE(search(carol, "q=secret").empty());
  EXPECT_TRUE(search(carol, "q=grand").empty());

  // Page after page (`after` the last hit shown), every way: the same names,
  // in the same order, as reading every name.
  auto paged = [&](const Account& who, const std::string& query, std::size_t page) {
    std::vector<std::string> names;
    std::string after;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = s.call(
          "GET", "/api/v1/search?type=file&limit=" + std::to_string(page) + "&" + query + after,
          who.token);
      EXPECT_EQ(r.status, 200) << r.raw.body;
      if (r.status != 200) break;
      const auto& hits = r.body.at("results").as_array();
      for (const auto& h : hits) names.push_back(str(h, "name"));
      if (hits.size() < page) break;
      after = "&after=" + str(hits.back(), "id");
    }
    return names;
  };
  const std::size_t all = std::numeric_limits<std::size_t>::max();
  EXPECT_EQ(paged(a, "q=commun", 100), expected({big, small}, {"commun"}, all));
  EXPECT_EQ(paged(a, "q=ancien", 2), expected({big, small}, {"ancien"}, all));
  EXPECT_EQ(paged(carol, "q=commun", 25), expected(carols, {"commun"}, all));
  EXPECT_EQ(paged(carol, "q=17", 7), expected(carols, {"17"}, all));
  // A name of a workspace the searcher does not read, or no id: refused.
  auto secret = s.call("GET", "/api/v1/search?type=file&q=secret&limit=1", b.token);
  ASSERT_EQ(secret.status, 200);
  const std::string theirs_id = str(secret.body.at("results").as_array().at(0), "id");
  for (const std::string& after : {theirs_id, std::string("nope")}) {
    auto r = s.call("GET", "/api/v1/search?type=file&q=commun&after=" + after, a.token);
    EXPECT_EQ(r.status, 400) << after;
    EXPECT_EQ(r.error_code(), "invalid_field") << after;
  }
}

}  // namespace
}  // namespace ruche::testing
