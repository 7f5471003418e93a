// Chat attachments through the real server: uploads streamed into the
// platform's blobs, posting, downloads (Range, safe types, inline images
// only when their bytes are images), who may see what, the size limit,
// releases on deletion, purge of unposted uploads and garbage collection.
// Run on SQLite (label integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>


#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

std::string noise(std::size_t n, unsigned seed) {
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

// The start of a 320 x 240 PNG (enough for the header; bytes follow).
std::string png_bytes() {
  std::string s("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\x40\0\0\0\xf0\x08\x06\0\0\0", 29);
  return s + noise(5000, 7);
}

struct Attach {
  TestServer& s;

  std::string channel(const Account& a, const std::string& ws, std::string_view name, bool is_private = false) {
    return make_channel(s, a, ws, name, is_private);
  }
  Reply upload(const Account& a, const std::string& cid, const std::string& name, const std::string& bytes) {
    return s.call("POST", "/api/v1/channels/" + cid + "/attachments?name=" + http::percent_encode(name), a.token,
                  bytes);
  }
  std::string uploaded(const Account& a, const std::string& cid, const std::string& name, const std::string& bytes) {
    auto r = upload(a, cid, name, bytes);
    if (r.status != 201) throw std::runtime_error("upload: " + r.raw.body);
    return str(r.body, "id");
  }
  Reply post(const Account& a, const std::string& cid, std::string_view text, std::vector<std::string> ids) {
    json::array list;
    for (auto& id : ids) list.emplace_back(id);
    return s.call("POST", "/api/v1/channels/" + cid + "/messages", a.token,
                  body(json::object{{"body", text}, {"attachment_ids", list}}));
  }
  Reply get(const Account& a, const std::string& aid, std::string query = "", Headers h = {}) {
    return s.call("GET", "/api/v1/attachments/" + aid + query, a.token, std::nullopt, std::move(h));
  }
  std::uint64_t stored_bytes(const std::string& ws) {
    auto r = s.platform().db.read([&](db::Conn& c) { return s.platform().blobs.stored_bytes(c, WorkspaceId(ws)); });
    if (!r) throw std::runtime_error("stored_bytes: " + r.error().message);
    return *r;
  }
  // Chunks of the workspace in the platform's store (rows and files).
  std::size_t stored_chunks(const std::string& ws) {
    std::size_t n = 0;
    auto r = s.platform().blobs.store().list(ws, [&](std::string_view) {
      ++n;
      return true;
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }
};

TEST(ChatAttachments, UploadPostDownloadAndRange) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});  // no files module needed
  s.join(a, ws, b);
  std::string cid = at.channel(a, ws, "général");
  std::string big = noise(3 * 1024 * 1024 + 11, 1);
  auto up = at.upload(a, cid, "rapport été.pdf", big);
  ASSERT_EQ(up.status, 201) << up.raw.body;
  EXPECT_EQ(str(up.body, "name"), "rapport été.pdf");
  EXPECT_EQ(up.body.at("size").as_int64(), static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(str(up.body, "content_type"), "application/pdf");
  EXPECT_FALSE(up.body.as_object().contains("image"));
  std::string aid = str(up.body, "id");

  // Unposted: only its uploader sees it.
  EXPECT_EQ(at.get(b, aid).status, 404);
  EXPECT_EQ(at.get(a, aid).status, 200);

  // A message may be its attachments alone.
  auto m = at.post(a, cid, "", {aid});
  ASSERT_EQ(m.status, 201) << m.raw.body;
  EXPECT_EQ(str(m.body, "body"), "");
  ASSERT_EQ(m.body.at("attachments").as_array().size(), 1u);
  const auto& listed = m.body.at("attachments").as_array()[0];
  EXPECT_EQ(str(listed, "id"), aid);
  EXPECT_TRUE(listed.at("width").is_null());
  auto timeline = s.call("GET", "/api/v1/channels/" + cid + "/messages", b.token).body.as_array();
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(str(timeline[0].at("attachments").as_array()[0], "name"), "rapport été.pdf");

  // Byte for byte, ranges, and served as a download.
  auto full = at.get(b, aid);
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.raw.body, big);
  EXPECT_EQ(full.raw.header("Content-Type").value_or(""), "application/pdf");
  EXPECT_EQ(full.raw.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_NE(full.raw.header("Content-Security-Policy").value_or("").find("sandbox"), std::string::npos);
  EXPECT_EQ(full.raw.header("Content-Disposition").value_or(""),
            "attachment; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf");
  auto part = at.get(b, aid, "", {{"Range", "bytes=1048570-2097160"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.raw.body, big.substr(1048570, 2097160 - 1048570 + 1));
  auto tail = at.get(b, aid, "", {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail.raw.body, big.substr(big.size() - 5));
  EXPECT_EQ(at.get(b, aid, "", {{"Range", "bytes=99999999-"}}).status, 416);
  EXPECT_EQ(at.get(b, aid, "", {{"If-None-Match", *full.raw.header("ETag")}}).status, 304);
  // Not an image: ?inline=1 changes nothing.
  EXPECT_NE(at.get(b, aid, "?inline=1").raw.header("Content-Disposition").value_or("").find("attachment"),
            std::string::npos);

  // The live event carries the attachments (the export: export_test.cpp).
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 1000);
  ASSERT_TRUE(events);
  bool seen = false;
  for (const auto& e : *events) {
    if (e.type != "message.created") continue;
    auto d = json::parse(e.data);
    ASSERT_TRUE(d);
    seen = d->at("attachments").as_array().size() == 1;
  }
  EXPECT_TRUE(seen);

  // Names are validated like file names.
  EXPECT_EQ(at.upload(a, cid, "a/b.txt", "x").status, 400);
  EXPECT_EQ(at.upload(a, cid, "..", "x").status, 400);
  EXPECT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/attachments", a.token, std::string("x")).status, 400);
  // The file name may also come in a header.
  auto hdr = s.call("POST", "/api/v1/channels/" + cid + "/attachments", a.token, std::string("hello"),
                    {{"X-File-Name", "note%20%C3%A0%20lire.txt"}});
  ASSERT_EQ(hdr.status, 201) << hdr.raw.body;
  EXPECT_EQ(str(hdr.body, "name"), "note à lire.txt");
}

TEST(ChatAttachments, OutsidersSeeNothing) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), out = s.user("Outsider");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  std::string secret = at.channel(a, ws, "direction", true);
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + secret + "/members", a.token,
                   body(json::object{{"user_id", b.id.str()}})).status, 204);
  std::string aid = at.uploaded(a, secret, "plan.txt", "confidentiel");
  ASSERT_EQ(at.post(a, secret, "le plan", {aid}).status, 201);
  EXPECT_EQ(at.get(b, aid).raw.body, "confidentiel");
  std::string made_up = "0000000000000000000000000z";
  for (const Account* who : {&c, &out}) {
    for (const std::string& id : {aid, made_up}) {
      auto r = at.get(*who, id);
      EXPECT_EQ(r.status, 404);
      EXPECT_EQ(r.error_code(), "not_found");
      EXPECT_EQ(s.call("DELETE", "/api/v1/attachments/" + id, who->token).status, 404);
    }
    EXPECT_EQ(at.upload(*who, secret, "x.txt", "intrus").status, 404);
  }
  // Read-only members read but do not upload.
  Account g = s.user("Guest");
  s.join(a, ws, g, "guest");
  std::string open = at.channel(a, ws, "annonces");
  std::string note = at.uploaded(a, open, "note.txt", "bonjour");
  ASSERT_EQ(at.post(a, open, "", {note}).status, 201);
  EXPECT_EQ(at.get(g, note).raw.body, "bonjour");
  EXPECT_EQ(at.upload(g, open, "x.txt", "x").status, 403);
  // Posted attachments go with their message.
  EXPECT_EQ(s.call("DELETE", "/api/v1/attachments/" + note, a.token).status, 409);
}

TEST(ChatAttachments, OnlyOnesOwnUnpostedUploadsCanBeAttached) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  std::string cid = at.channel(a, ws, "dev"), other = at.channel(a, ws, "autre");
  std::string bobs = at.uploaded(b, cid, "b.txt", "de Bob");
  auto r = at.post(a, cid, "voler", {bobs});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "invalid_attachments");
  std::string elsewhere = at.uploaded(a, other, "o.txt", "ailleurs");
  EXPECT_EQ(at.post(a, cid, "ailleurs", {elsewhere}).status, 400);
  EXPECT_EQ(at.post(a, cid, "inconnu", {"0000000000000000000000000z"}).status, 400);
  std::string mine = at.uploaded(a, cid, "a.txt", "d'Alice");
  EXPECT_EQ(at.post(a, cid, "deux fois", {mine, mine}).status, 400);
  ASSERT_EQ(at.post(a, cid, "une fois", {mine}).status, 201);
  EXPECT_EQ(at.post(a, cid, "encore", {mine}).status, 400);  // posted already
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(at.uploaded(a, cid, "f" + std::to_string(i) + ".txt", "x"));
  EXPECT_EQ(at.post(a, cid, "trop", eleven).status, 400);
  eleven.pop_back();
  auto ten = at.post(a, cid, "", eleven);
  ASSERT_EQ(ten.status, 201) << ten.raw.body;
  auto list = ten.body.at("attachments").as_array();
  ASSERT_EQ(list.size(), 10u);
  EXPECT_EQ(str(list[3], "name"), "f3.txt");  // in the order posted
  EXPECT_EQ(at.post(a, cid, "", {}).status, 400);  // neither words nor files
  // The uploader may drop an upload not posted yet.
  std::string drop = at.uploaded(b, cid, "d.txt", "oups");
  EXPECT_EQ(s.call("DELETE", "/api/v1/attachments/" + drop, a.token).status, 404);
  EXPECT_EQ(s.call("DELETE", "/api/v1/attachments/" + drop, b.token).status, 204);
  EXPECT_EQ(at.get(b, drop).status, 404);
}

TEST(ChatAttachments, SizeLimit) {
  TestServer s([](app::Config& c) { c.module_settings["chat"] = json::object{{"max_attachment_mb", 1}}; });
  Attach at{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string cid = at.channel(a, ws, "dev");
  EXPECT_EQ(at.upload(a, cid, "ok.bin", noise(1 << 20, 2)).status, 201);
  auto r = at.upload(a, cid, "big.bin", noise((1 << 20) + 1, 3));
  EXPECT_EQ(r.status, 413);
}

TEST(ChatAttachments, ImagesHaveSizesAndOnlyRealOnesShowInline) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string cid = at.channel(a, ws, "photos");
  std::string png = png_bytes();
  auto img = at.upload(a, cid, "Photo.PNG", png);
  ASSERT_EQ(img.status, 201) << img.raw.body;
  EXPECT_EQ(str(img.body, "content_type"), "image/png");
  EXPECT_EQ(img.body.at("image").at("width").as_int64(), 320);
  EXPECT_EQ(img.body.at("image").at("height").as_int64(), 240);
  // Sniffed, whatever the name says.
  auto renamed = at.upload(a, cid, "photo.bin", png);
  EXPECT_EQ(str(renamed.body, "content_type"), "image/png");
  std::string html = "<html><body><script>alert(document.cookie)</script></body></html>";
  auto fake = at.upload(a, cid, "x.png", html);
  ASSERT_EQ(fake.status, 201);
  EXPECT_EQ(str(fake.body, "content_type"), "application/octet-stream");
  EXPECT_FALSE(fake.body.as_object().contains("image"));
  auto page = at.upload(a, cid, "page.html", html);
  std::string img_id = str(img.body, "id"), fake_id = str(fake.body, "id"), page_id = str(page.body, "id");
  ASSERT_EQ(at.post(a, cid, "", {img_id, fake_id, page_id}).status, 201);

  auto shown = at.get(a, img_id, "?inline=1");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.raw.body, png);
  EXPECT_EQ(shown.raw.header("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(shown.raw.header("Content-Disposition").value_or("").rfind("inline;", 0), 0u);
  EXPECT_NE(shown.raw.header("Content-Security-Policy").value_or("").find("sandbox"), std::string::npos);
  for (const std::string& id : {fake_id, page_id}) {
    auto r = at.get(a, id, "?inline=1");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.raw.header("Content-Type").value_or(""), "application/octet-stream");
    EXPECT_EQ(r.raw.header("Content-Disposition").value_or("").rfind("attachment;", 0), 0u);
  }
}

TEST(ChatAttachments, CountAgainstTheWorkspacesStorageQuota) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice"), admin = s.user("Admin", platform::InstanceRole::admin);
  std::string ws = s.workspace(a, "W", {"chat", "files"});
  std::string cid = at.channel(a, ws, "dev");
  ASSERT_EQ(s.call("PUT", "/api/v1/admin/workspaces/" + ws + "/files-quota", admin.token,
                   body({{"quota_bytes", 300'000}}))
                .status,
            200);
  auto used = [&] {
    return s.call("GET", "/api/v1/workspaces/" + ws + "/files/usage", a.token).body.at("used_bytes").as_int64();
  };
  std::string first = at.uploaded(a, cid, "a.bin", noise(200'000, 7));
  EXPECT_EQ(used(), 200'000);
  // Past the quota: refused, nothing counted; a file meets the same quota.
  auto over = at.upload(a, cid, "b.bin", noise(150'000, 8));
  EXPECT_EQ(over.status, 507);
  EXPECT_EQ(over.error_code(), "quota_exceeded");
  EXPECT_EQ(used(), 200'000);
  EXPECT_EQ(s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/c.bin", a.token, noise(150'000, 9)).status,
            507);
  // Dropping the upload gives its room back.
  ASSERT_EQ(s.call("DELETE", "/api/v1/attachments/" + first, a.token).status, 204);
  EXPECT_EQ(used(), 0);
  std::string second = at.uploaded(a, cid, "b.bin", noise(150'000, 8));
  ASSERT_EQ(at.post(a, cid, "le devis", {second}).status, 201);
  EXPECT_EQ(used(), 150'000);
}

TEST(ChatAttachments, DeletionReleasesChunksAndGarbageGoes) {
  TestServer s;
  Attach at{s};
  Account a = s.user("Alice"), admin = s.user("Admin", platform::InstanceRole::admin);
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string cid = at.channel(a, ws, "dev");
  std::string big = noise(2 * 1024 * 1024, 4);
  std::string first = at.uploaded(a, cid, "a.bin", big);
  std::string again = at.uploaded(a, cid, "b.bin", big);  // deduplicated in the workspace
  EXPECT_EQ(at.stored_bytes(ws), big.size());
  auto m = at.post(a, cid, "deux copies", {first, again});
  ASSERT_EQ(m.status, 201);
  std::size_t chunks_before = at.stored_chunks(ws);
  EXPECT_GT(chunks_before, 0u);

  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + str(m.body, "id"), a.token).status, 204);
  EXPECT_EQ(at.stored_bytes(ws), 0u);
  EXPECT_EQ(at.get(a, first).status, 404);
  auto gone = s.call("GET", "/api/v1/messages/" + str(m.body, "id"), a.token);
  EXPECT_TRUE(gone.body.at("attachments").as_array().empty());
  // Kept through the grace period, collected after it.
  ASSERT_TRUE(s.platform().blobs.collect_garbage());
  EXPECT_EQ(at.stored_chunks(ws), chunks_before);
  s.clock().advance_ms(2LL * 86'400'000);
  ASSERT_TRUE(s.platform().blobs.collect_garbage());
  EXPECT_EQ(at.stored_chunks(ws), 0u);

  // Uploads never posted are purged after a day, then collected too.
  a = s.login(a.email, a.password);
  admin = s.login(admin.email, admin.password);
  std::string lost = at.uploaded(a, cid, "lost.bin", noise(100'000, 5));
  auto early = s.call("POST", "/api/v1/admin/chat/maintenance", admin.token, "{}");
  ASSERT_EQ(early.status, 200) << early.raw.body;
  EXPECT_EQ(early.body.at("purged_attachments").as_int64(), 0);
  s.clock().advance_ms(25LL * 3'600'000);
  a = s.login(a.email, a.password);
  admin = s.login(admin.email, admin.password);
  auto late = s.call("POST", "/api/v1/admin/chat/maintenance", admin.token, "{}");
  EXPECT_EQ(late.body.at("purged_attachments").as_int64(), 1);
  EXPECT_EQ(at.get(a, lost).status, 404);
  EXPECT_EQ(at.stored_bytes(ws), 0u);

  // Deleting the workspace destroys its key and its chunks.
  std::string kept = at.uploaded(a, cid, "kept.bin", noise(50'000, 6));
  ASSERT_EQ(at.post(a, cid, "", {kept}).status, 201);
  EXPECT_GT(at.stored_chunks(ws), 0u);
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws, a.token).status, 204);
  EXPECT_EQ(at.stored_chunks(ws), 0u);
  auto key = s.platform().db.read([&](db::Conn& c) {
    return c.query_one("SELECT 1 FROM blob_keys WHERE namespace = $1", {ws});
  });
  ASSERT_TRUE(key);
  EXPECT_FALSE(*key);
}

}  // namespace
}  // namespace ruche::testing
