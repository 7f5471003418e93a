// Workspace export (SECURITY.md DATA-4) through the real server: who may
// take it, and that GNU tar opens it into the workspace's whole content —
// members, chat channels and messages with their attachments' bytes, the
// live file tree with current contents and dates, every older version, the
// trash. Run on SQLite and PostgreSQL.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("missing: " + p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every JSON line of every page under `folder`, pages in order.
std::vector<json::value> lines_of(const fs::path& folder) {
  std::vector<fs::path> pages;
  for (const auto& e : fs::directory_iterator(folder)) pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  std::vector<json::value> out;
  for (const auto& p : pages) {
    std::istringstream in(slurp(p));
    for (std::string line; std::getline(in, line);) {
      auto v = json::parse(line);
      if (!v) throw std::runtime_error("bad line in " + p.string());
      out.push_back(std::move(*v));
    }
  }
  return out;
}

// An import of `archive` refused (400 bad_export, `why` in its message),
// leaving no workspace behind.
void expect_refused(TestServer& s, const Account& admin, const std::string& archive,
                    const std::string& why) {
  auto workspaces = [&] {
    return s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size();
  };
  const auto before = workspaces();
  auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, archive);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.error_code(), "bad_export");
  EXPECT_NE(r.raw.body.find(why), std::string::npos) << why << ": " << r.raw.body;
  EXPECT_EQ(workspaces(), before);
}

struct Extracted {
  fs::path root;
  explicit Extracted(const std::string& archive) {
    root = fs::temp_directory_path() / ("ruche-export-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "out");
    std::ofstream(root / "export.tar", std::ios::binary) << archive;
    const std::string cmd = "tar --warning=no-timestamp -x -f '" + (root / "export.tar").string() + "' -C '" + (root / "out").string() + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tar failed");
    root /= "out";
  }
  ~Extracted() { fs::remove_all(root.parent_path()); }
  // The JSON document `file` of the tree, rewritten as `edit` leaves it;
  // false when it is not JSON.
  bool edit_json(const std::string& file, const std::function<void(json::value&)>& edit) const {
    auto v = json::parse(slurp(root / file));
    if (!v) return false;
    edit(*v);
    std::ofstream(root / file, std::ios::binary | std::ios::trunc) << json::serialize(*v);
    return true;
  }
  // The JSON Lines page `file` of the tree (a path under it), rewritten as
  // `edit` leaves its lines' objects.
  void edit_lines(const fs::path& file,
                  const std::function<void(std::vector<json::object>&)>& edit) const {
    const fs::path page = file.is_absolute() ? file : root / file;
    std::vector<json::object> lines;
    {
      std::ifstream in(page);
      for (std::string line; std::getline(in, line);)
        if (auto v = json::parse(line); v && v->is_object()) lines.push_back(v->as_object());
    }
    edit(lines);
    std::ofstream out(page, std::ios::binary | std::ios::trunc);
    for (const auto& o : lines) out << json::serialize(o) << "\n";
  }
  // The tree packed again by GNU tar (pax), `entries` from its top in the
  // order given, or every name sorted (`--sort=name`), as archive bytes.
  std::string packed(const std::string& name, const std::string& entries = "README.txt workspace.json chat files",
                     bool sorted = false) const {
    const fs::path out = root.parent_path() / name;
    const std::string cmd = std::string("tar --format=pax ") + (sorted ? "--sort=name " : "") + "-c -f '" +
                            out.string() + "' -C '" + root.string() + "' " + entries;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tar failed");
    return slurp(out);
  }
};

TEST(Export, OwnersAndAdminsOnlyAndAudited) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), out = s.user("Outsider");
  std::string ws = s.workspace(a, "W");
  s.join(a, ws, b);
  s.join(a, ws, c, "admin");
  const std::string path = "/api/v1/workspaces/" + ws + "/export";
  EXPECT_EQ(s.call("GET", path, b.token).status, 403);
  EXPECT_EQ(s.call("GET", path, out.token).status, 404);
  EXPECT_EQ(s.call("GET", path).status, 401);
  EXPECT_EQ(s.call("HEAD", path, c.token).status, 200);
  EXPECT_EQ(s.audit_count("workspace.exported"), 0);  // nothing left the server yet
  auto r = s.call("GET", path, c.token);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.header("Content-Type").value_or(""), "application/x-tar");
  EXPECT_NE(r.raw.header("Content-Disposition").value_or("").find("attachment"), std::string::npos);
  EXPECT_EQ(r.raw.header("Cache-Control").value_or(""), "no-store");
  EXPECT_EQ(s.audit_count("workspace.exported"), 1);
}

// A workspace with some of everything: chat (a thread, a reaction, a pin, an
// edit, a deletion, an attachment; a private channel; a direct
// conversation) and files (two versions, a file larger than one write, the
// trash, a folder in the trash, a star).
struct Filled {
  TestServer& s;
  Account a, b;
  std::string ws, general, secret, aid, first, reply, edited, gone, pdf, docs, note, big, big_id, old, archive, inner;

  static void expect(int status, int wanted) {
    if (status != wanted) throw std::runtime_error("set-up: " + std::to_string(status) + ", not " + std::to_string(wanted));
  }

  explicit Filled(TestServer& server) : s(server) {
    a = s.user("Alice");
    b = s.user("Bob");
    ws = s.workspace(a, "Équipe projet");
    s.join(a, ws, b);

    // Chat: a channel with a thread, a reaction, a pin, an edit, a deletion and
    // an attachment; a private channel; a direct conversation.
    general = make_channel(s, a, ws, "général");
    secret = make_channel(s, a, ws, "secret", true, {b.id.str()});
    auto dm = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                     body(json::object{{"user_ids", json::array{b.id.str()}}}));
    expect(dm.status, 200);
    auto post = [&](const Account& who, const std::string& cid, json::object b) {
      auto r = s.call("POST", "/api/v1/channels/" + cid + "/messages", who.token, body(b));
      if (r.status != 201) throw std::runtime_error("post: " + r.raw.body);
      return str(r.body, "id");
    };
    pdf.assign(300'000, '\0');
    for (std::size_t i = 0; i < pdf.size(); ++i) pdf[i] = static_cast<char>(i * 7 + i / 251);
    auto up = s.call("POST", "/api/v1/channels/" + general + "/attachments?name=" + http::percent_encode("rapport été.pdf"),
                     a.token, pdf);
    expect(up.status, 201);
    aid = str(up.body, "id");
    first = post(a, general, {{"body", "Bonjour <@" + b.id.str() + ">"}, {"attachment_ids", json::array{aid}}});
    reply = post(b, general, {{"body", "Merci"}, {"thread_id", first}});
    edited = post(b, general, {{"body", "brouillon"}});
    gone = post(a, general, {{"body", "à effacer"}});
    expect(s.call("PATCH", "/api/v1/messages/" + edited, b.token, body(json::object{{"body", "version finale"}})).status, 200);
    expect(s.call("DELETE", "/api/v1/messages/" + gone, a.token).status, 204);
    expect(s.call("POST", "/api/v1/messages/" + first + "/reactions", b.token, body(json::object{{"emoji", "👍"}})).status, 200);
    expect(s.call("POST", "/api/v1/messages/" + first + "/pin", a.token).status, 200);
    post(b, secret, {{"body", "entre nous"}});
    post(a, str(dm.body, "id"), {{"body", "en direct"}});

    // Files: a folder with a file in two versions, a file bigger than one
    // write, a trashed file, a trashed folder with a file inside, a star.
    auto put = [&](const std::string& where, const std::string& name, const std::string& bytes) {
      s.clock().advance_ms(86'400'000);  // versions a day apart: retention keeps both
      auto r = s.call("PUT", where + "/children/" + http::percent_encode(name), a.token, bytes);
      if (r.status != 201 && r.status != 200) throw std::runtime_error("put: " + r.raw.body);
      return str(r.body, "id");
    };
    auto folder = [&](const std::string& name) {
      auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/files/folders", a.token, body(json::object{{"name", name}}));
      if (r.status != 201) throw std::runtime_error("folder: " + r.raw.body);
      return str(r.body, "id");
    };
    const std::string root = "/api/v1/workspaces/" + ws + "/files";
    docs = folder("Docs");
    note = put("/api/v1/files/" + docs, "note.txt", "première");
    put("/api/v1/files/" + docs, "note.txt", "seconde");
    big.assign(2'500'000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
    big_id = put(root, "données.bin", big);
    old = put(root, "vieux.txt", "à jeter");
    archive = folder("Archive");
    inner = put("/api/v1/files/" + archive, "dedans.txt", "rangé");
    expect(s.call("DELETE", "/api/v1/files/" + old, a.token).status, 204);
    expect(s.call("DELETE", "/api/v1/files/" + archive, a.token).status, 204);
    expect(s.call("PUT", "/api/v1/files/" + big_id + "/favorite", b.token).status, 204);
  }
};

TEST(Export, TarOpensItIntoTheWholeWorkspace) {
  TestServer s;
  Filled f(s);
  const Account &a = f.a, &b = f.b;
  const std::string &ws = f.ws, &general = f.general, &secret = f.secret, &aid = f.aid, &first = f.first,
                    &reply = f.reply, &pdf = f.pdf, &docs = f.docs, &note = f.note,
                    &big = f.big, &big_id = f.big_id, &old = f.old, &archive = f.archive, &inner = f.inner;
  auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  Extracted x(r.raw.body);

  EXPECT_NE(slurp(x.root / "README.txt").find("ruche.workspace-export"), std::string::npos);
  auto manifest = json::parse(slurp(x.root / "workspace.json"));
  ASSERT_TRUE(manifest);
  EXPECT_EQ(str(*manifest, "format"), "ruche.workspace-export");
  EXPECT_EQ(manifest->at("version").as_int64(), 1);
  EXPECT_EQ(str(manifest->at("workspace"), "name"), "Équipe projet");
  std::vector<std::string> emails;
  for (const auto& m : manifest->at("members").as_array()) emails.push_back(str(m, "email"));
  std::sort(emails.begin(), emails.end());
  std::vector<std::string> expected_emails{a.email, b.email};
  std::sort(expected_emails.begin(), expected_emails.end());
  EXPECT_EQ(emails, expected_emails);
  EXPECT_EQ(manifest->at("modules"),
            json::value(json::array{"chat", "files", "tasks", "calendar"}));

  // Chat.
  EXPECT_TRUE(fs::exists(x.root / "chat/README.txt"));
  auto channels = json::parse(slurp(x.root / "chat/channels.json"));
  ASSERT_TRUE(channels);
  ASSERT_EQ(channels->as_array().size(), 3u);
  std::map<std::string, json::value> by_id;
  for (const auto& ch : channels->as_array()) by_id[str(ch, "id")] = ch;
  ASSERT_TRUE(by_id.count(secret));
  EXPECT_EQ(str(by_id[secret], "kind"), "private");
  EXPECT_EQ(by_id[secret].at("members").as_array().size(), 2u);
  auto messages = lines_of(x.root / "chat/messages" / general);
  ASSERT_EQ(messages.size(), 4u);
  for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(messages[i].at("seq").as_int64(), std::int64_t(i + 1));
  EXPECT_EQ(str(messages[0], "id"), first);
  EXPECT_TRUE(messages[0].at("pinned").as_bool());
  EXPECT_EQ(str(messages[0].at("reactions").at(0), "emoji"), "👍");
  EXPECT_EQ(messages[0].at("mentions").at(0).as_string(), b.id.str());
  EXPECT_EQ(str(messages[0].at("attachments").at(0), "name"), "rapport été.pdf");
  EXPECT_EQ(str(messages[1], "id"), reply);
  EXPECT_EQ(str(messages[1], "thread_id"), first);
  EXPECT_EQ(str(messages[2], "body"), "version finale");
  EXPECT_FALSE(messages[2].at("edited_at").is_null());
  EXPECT_TRUE(messages[3].at("deleted").as_bool());
  EXPECT_EQ(str(messages[3], "body").find("effacer"), std::string::npos);
  EXPECT_EQ(slurp(x.root / "chat/attachments" / aid / "rapport été.pdf"), pdf);
  EXPECT_EQ(str(lines_of(x.root / "chat/messages" / secret).at(0), "body"), "entre nous");

  // Files: the live tree, with contents and dates.
  EXPECT_EQ(slurp(x.root / "files/tree/Docs/note.txt"), "seconde");
  EXPECT_EQ(slurp(x.root / "files/tree/données.bin"), big);
  EXPECT_FALSE(fs::exists(x.root / "files/tree/vieux.txt"));
  EXPECT_FALSE(fs::exists(x.root / "files/tree/Archive"));
  // Every other version, and the trash, apart.
  EXPECT_EQ(slurp(x.root / "files/history" / note / "1/note.txt"), "première");
  EXPECT_EQ(slurp(x.root / "files/history" / old / "1/vieux.txt"), "à jeter");
  EXPECT_EQ(slurp(x.root / "files/history" / inner / "1/dedans.txt"), "rangé");
  // One record per node, parents before children.
  auto nodes = lines_of(x.root / "files/nodes");
  ASSERT_EQ(nodes.size(), 6u);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < nodes.size(); ++i) at[str(nodes[i], "id")] = i;
  EXPECT_LT(at[docs], at[note]);
  EXPECT_LT(at[archive], at[inner]);
  const json::value& n = nodes[at[note]];
  EXPECT_EQ(str(n, "path"), "/Docs/note.txt");
  ASSERT_EQ(n.at("versions").as_array().size(), 2u);
  EXPECT_EQ(str(n.at("versions").at(0), "entry"), "files/history/" + note + "/1/note.txt");
  EXPECT_EQ(str(n.at("versions").at(1), "entry"), "files/tree/Docs/note.txt");
  EXPECT_TRUE(n.at("versions").at(1).at("current").as_bool());
  EXPECT_TRUE(nodes[at[inner]].at("trashed").as_bool());  // under a trashed folder
  EXPECT_TRUE(nodes[at[old]].at("trashed").as_bool());
  EXPECT_FALSE(nodes[at[big_id]].at("trashed").as_bool());
  EXPECT_EQ(nodes[at[big_id]].at("favorite_of"), json::value(json::array{b.id.str()}));
  std::int64_t mtime_ms = 0;
  ASSERT_TRUE(parse_iso8601(str(nodes[at[big_id]], "mtime"), mtime_ms));
  EXPECT_EQ(fs::last_write_time(x.root / "files/tree/données.bin"),
            fs::file_time_type::clock::from_sys(std::chrono::sys_seconds(std::chrono::seconds(mtime_ms / 1000))));
}

// What an export's file records say, keyed by path, without the ids and
// archive entries that differ from one workspace to the other.
std::map<std::string, json::value> comparable_nodes(const std::string& archive) {
  Extracted x(archive);
  std::map<std::string, json::value> out;
  for (auto& n : lines_of(x.root / "files/nodes")) {
    json::object o = n.as_object();
    for (const char* k : {"id", "workspace_id", "parent_id", "etag"}) o.erase(k);
    if (o.contains("versions"))
      for (auto& v : o["versions"].as_array()) v.as_object().erase("entry");
    out[str(n, "path")] = json::value(std::move(o));
  }
  return out;
}

// What an export's chat says, keyed by channel (name, or the members of a
// direct conversation) then by message number, without ids.
std::map<std::string, json::value> comparable_chat(const std::string& archive) {
  Extracted x(archive);
  std::map<std::string, json::value> out;
  auto channels = json::parse(slurp(x.root / "chat/channels.json"));
  if (!channels) throw std::runtime_error("channels.json");
  for (const auto& ch : channels->as_array()) {
    json::object c = ch.as_object();
    std::string key = str(ch, "name");
    if (key.empty())
      for (const auto& m : ch.at("members").as_array()) key += str(m, "user_id") + ",";
    const std::string folder = str(ch, "id");
    for (const char* k : {"id", "workspace_id", "member_ids"}) c.erase(k);
    out["channel " + key] = json::value(std::move(c));
    std::map<std::string, std::int64_t> seq_of;
    for (auto& m : lines_of(x.root / "chat/messages" / folder)) {
      seq_of[str(m, "id")] = m.at("seq").as_int64();
      json::object o = m.as_object();
      if (!o["thread_id"].is_null()) o["thread_id"] = seq_of.at(str(m, "thread_id"));
      for (const char* k : {"id", "channel_id", "workspace_id"}) o.erase(k);
      for (auto& a : o["attachments"].as_array()) a.as_object().erase("id");
      out["message " + key + " " + std::to_string(m.at("seq").as_int64())] = json::value(std::move(o));
    }
  }
  return out;
}

TEST(Export, ImportReadsItBackIntoANewWorkspace) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto exported = s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token);
  ASSERT_EQ(exported.status, 200);
  const std::string archive = exported.raw.body;

  auto r = s.call("POST", "/api/v1/admin/workspaces/import?name=" + http::percent_encode("Équipe (copie)"), admin.token,
                  archive);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string copy = str(r.body.at("workspace"), "id");
  EXPECT_NE(copy, f.ws);
  EXPECT_EQ(str(r.body.at("workspace"), "name"), "Équipe (copie)");
  const json::value& files = r.body.at("imported").at("files");
  EXPECT_EQ(files.at("folders").as_int64(), 2);
  EXPECT_EQ(files.at("files").as_int64(), 4);
  EXPECT_EQ(files.at("versions").as_int64(), 5);
  const json::value& chat = r.body.at("imported").at("chat");
  EXPECT_EQ(chat.at("channels").as_int64(), 3);
  EXPECT_EQ(chat.at("messages").as_int64(), 6);
  EXPECT_EQ(chat.at("attachments").as_int64(), 1);
  EXPECT_TRUE(r.body.at("unmatched_members").as_array().empty());
  EXPECT_TRUE(r.body.at("not_imported").as_array().empty());
  EXPECT_EQ(s.audit_count("workspace.imported"), 1);
  // The contents kept until their records came were all taken.
  auto kept = s.platform().db.read([](db::Conn& c) { return c.query_one("SELECT COUNT(*) FROM import_contents", {}); });
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->i64(0), 0);

  // Chat: Bob sees the private channel and the conversation, and finds the
  // edited message by a word of its new body.
  auto channels = s.call("GET", "/api/v1/workspaces/" + copy + "/channels", f.b.token);
  ASSERT_EQ(channels.status, 200);
  EXPECT_EQ(channels.body.as_array().size(), 3u);
  auto hits = s.call("GET", "/api/v1/search?q=finale", f.b.token);
  ASSERT_EQ(hits.status, 200);
  EXPECT_EQ(hits.body.at("results").as_array().size(), 2u);  // the original and the copy
  // Posting goes on after the imported numbers.
  std::string general;
  for (const auto& ch : channels.body.as_array())
    if (str(ch, "name") == "général") general = str(ch, "id");
  auto posted = s.call("POST", "/api/v1/channels/" + general + "/messages", f.a.token,
                       body(json::object{{"body", "après l'import"}}));
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  EXPECT_EQ(posted.body.at("seq").as_int64(), 5);
  auto chat_before = comparable_chat(archive);

  // The members came back with their roles; the contents with every version.
  auto members = s.call("GET", "/api/v1/workspaces/" + copy + "/members", f.b.token);
  ASSERT_EQ(members.status, 200) << members.raw.body;
  EXPECT_EQ(members.body.as_array().size(), 3u);  // Alice, Bob, and the administrator who imported it
  auto note = s.call("GET", "/api/v1/workspaces/" + copy + "/files/by-path?path=" + http::percent_encode("/Docs/note.txt"),
                     f.b.token);
  ASSERT_EQ(note.status, 200) << note.raw.body;
  const std::string nid = str(note.body, "id");
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + nid + "/content", f.b.token).raw.body, "seconde");
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + nid + "/versions/1/content", f.b.token).raw.body, "première");
  auto trash = s.call("GET", "/api/v1/workspaces/" + copy + "/files/trash", f.a.token);
  ASSERT_EQ(trash.status, 200);
  EXPECT_EQ(trash.body.as_array().size(), 2u);
  auto stars = s.call("GET", "/api/v1/workspaces/" + copy + "/files/favorites", f.b.token);
  ASSERT_EQ(stars.status, 200);
  ASSERT_EQ(stars.body.as_array().size(), 1u);
  EXPECT_EQ(str(stars.body.at(0), "name"), "données.bin");

  // Exported again, the copy says the same of every file and folder.
  auto again = s.call("GET", "/api/v1/workspaces/" + copy + "/export", admin.token);
  ASSERT_EQ(again.status, 200);
  auto before = comparable_nodes(archive), after = comparable_nodes(again.raw.body);
  EXPECT_EQ(before.size(), 6u);
  for (const auto& [path, node] : before) {
    ASSERT_TRUE(after.count(path)) << path;
    EXPECT_EQ(json::serialize(after[path]), json::serialize(node)) << path;
  }
  EXPECT_EQ(after.size(), before.size());
  auto chat_after = comparable_chat(again.raw.body);
  EXPECT_EQ(chat_before.size(), 9u);  // 3 channels, 6 messages
  for (const auto& [key, value] : chat_before) {
    if (key.starts_with("channel général")) continue;  // its last_seq moved with the new post
    ASSERT_TRUE(chat_after.count(key)) << key;
    EXPECT_EQ(json::serialize(chat_after[key]), json::serialize(value)) << key;
  }
}

TEST(Export, ABadArchiveIsRefusedAndLeavesNothing) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string archive = s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token).raw.body;
  const std::string path = "/api/v1/admin/workspaces/import";
  auto workspaces = [&] { return s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size(); };
  const std::size_t had = workspaces();

  EXPECT_EQ(s.call("POST", path, f.a.token, archive).status, 404);  // administrators only
  auto garbage = s.call("POST", path, admin.token, std::string(4096, 'x'));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.error_code(), "not_an_export");
  EXPECT_EQ(s.call("POST", path, admin.token, std::string()).error_code(), "not_an_export");
  // Cut in the middle of the contents: the workspace made for it goes again.
  EXPECT_EQ(s.call("POST", path, admin.token, archive.substr(0, archive.size() / 2)).status, 400);
  // A content altered inside the archive (its header untouched): its SHA-256
  // no longer matches the record.
  std::string tampered = archive;
  const std::size_t at = tampered.find("seconde");
  ASSERT_NE(at, std::string::npos);
  tampered[at] = 'S';
  auto t = s.call("POST", path, admin.token, tampered);
  EXPECT_EQ(t.status, 400);
  EXPECT_EQ(t.error_code(), "bad_export");
  EXPECT_EQ(workspaces(), had);
  // The two imports that began (the cut one, the altered one) are audited as failures.
  auto audit = s.platform().db.read([&](db::Conn& c) {
    return c.query_one("SELECT COUNT(*) FROM audit_log WHERE action = 'workspace.imported' AND outcome = 'failure'", {});
  });
  ASSERT_TRUE(audit && *audit);
  EXPECT_EQ((*audit)->i64(0), 2);
}

// An export unpacked, edited and packed again by GNU tar reads as well; a
// record edited past the rules (a channel name of 200 bytes) is refused,
// leaving nothing.
TEST(Export, AnArchiveRepackedByGnuTarImports) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Extracted x(s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token).raw.body);
  auto repack = [&](const std::string& name) { return x.packed(name, "README.txt workspace.json chat", true); };
  const std::string path = "/api/v1/admin/workspaces/import";
  auto r = s.call("POST", path, admin.token, repack("chat-only.tar"));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").at("chat").at("messages").as_int64(), 6);
  EXPECT_FALSE(r.body.at("imported").as_object().contains("files"));

  ASSERT_TRUE(x.edit_json("chat/channels.json", [](json::value& channels) {
    for (auto& ch : channels.as_array())
      if (str(ch, "name") == "secret") ch.as_object()["name"] = std::string(200, 's');
  }));
  const auto before = s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size();
  auto bad = s.call("POST", path, admin.token, repack("bad-name.tar"));
  EXPECT_EQ(bad.status, 400) << bad.raw.body;
  EXPECT_EQ(bad.error_code(), "invalid_name");
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size(), before);
}

// A workspace's channels, and each person's direct conversations there, are
// bounded through an import as they are live ([chat] max_channels,
// max_direct_per_person): an archive holding more is refused, leaving nothing.
TEST(Export, MoreChannelsThanAWorkspaceMayHoldAreRefused) {
  TestServer s([](app::Config& c) {
    c.module_settings["chat"] = json::object{{"max_channels", 2}, {"max_direct_per_person", 1}};
  });
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string ws = s.workspace(a, "Salon", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  const auto listed = s.call("GET", "/api/v1/workspaces/" + ws + "/channels", a.token);
  for (std::size_t i = listed.body.as_array().size(); i < 2; ++i)
    make_channel(s, a, ws, "canal " + std::to_string(i));
  ASSERT_EQ(s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                   body(json::object{{"user_ids", json::array{b.id.str()}}}))
                .status,
            200);
  Extracted x(s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token).raw.body);
  const std::string path = "/api/v1/admin/workspaces/import";
  auto ok = s.call("POST", path, admin.token,
                   x.packed("two.tar", "README.txt workspace.json chat", true));
  ASSERT_EQ(ok.status, 201) << ok.raw.body;
  ASSERT_TRUE(x.edit_json("chat/channels.json", [](json::value& channels) {
    json::object more;
    for (const auto& ch : channels.as_array())
      if (ch.at("kind").as_string() != "direct") more = ch.as_object();
    more["id"] = "0000000000000000000000more";
    more["name"] = "de trop";
    channels.as_array().push_back(more);
  }));
  expect_refused(s, admin, x.packed("three.tar", "README.txt workspace.json chat", true),
                 "more than 2 channels");
  // Alice and Bob's conversation, and one of theirs with Carol, where each
  // may be in one.
  ASSERT_TRUE(x.edit_json("chat/channels.json", [&](json::value& channels) {
    json::array& list = channels.as_array();
    list.pop_back();  // two channels again
    for (const auto& ch : json::array(list))
      if (ch.at("kind").as_string() == "direct") {
        json::object group = ch.as_object();
        group["id"] = "000000000000000000000group";
        json::object carol = group["members"].as_array().at(0).as_object();
        carol["user_id"] = c.id.str();
        group["members"].as_array().push_back(carol);
        list.push_back(group);
      }
  }));
  expect_refused(s, admin, x.packed("twice.tar", "README.txt workspace.json chat", true),
                 "more than 1 direct conversations");
}

// A calendar holds at most 50,000 objects, through an import as through
// CalDAV: an archive naming more is refused, leaving nothing.
TEST(Export, ACalendarOfMoreThanItMayHoldIsRefused) {
  TestServer s;
  Account a = s.user("Alice"), admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string ws = s.workspace(a, "Agenda", {"calendar"});
  auto made = s.call(
      "POST", "/api/v1/workspaces/" + ws + "/calendar/events", a.token,
      body(json::object{
          {"title", "Revue"}, {"start", "2027-03-03T09:00:00Z"}, {"end", "2027-03-03T10:00:00Z"}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  Extracted x(s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token).raw.body);
  const std::string path = "/api/v1/admin/workspaces/import";
  auto ok = s.call("POST", path, admin.token,
                   x.packed("one.tar", "README.txt workspace.json calendar", true));
  ASSERT_EQ(ok.status, 201) << ok.raw.body;
  EXPECT_EQ(ok.body.at("imported").at("calendar").at("events").as_int64(), 1);

  {
    std::ofstream more(x.root / "calendar/records/000002.jsonl", std::ios::binary);
    for (int i = 0; i < 50'000; ++i) more << "{\"name\":\"n" << i << ".ics\"}\n";
  }
  expect_refused(s, admin, x.packed("more.tar", "README.txt workspace.json calendar", true),
                 "50,000");
}

// Tasks that wait for each other in a circle (an archive edited by hand:
// the API refuses such a dependency, and none of them could ever be done)
// are refused, leaving nothing.
TEST(Export, TasksWaitingForEachOtherAreRefused) {
  TestServer s;
  Account a = s.user("Alice"), admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string ws = s.workspace(a, "Projet", {"tasks"});
  auto task = [&](json::object o) {
    auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", a.token, body(o));
    if (r.status != 201) throw std::runtime_error("task: " + r.raw.body);
    return str(r.body, "id");
  };
  const std::string spec = task({{"title", "spec"}});
  const std::string build = task({{"title", "build"}, {"blocked_by", json::array{spec}}});
  task({{"title", "ship"}, {"blocked_by", json::array{build}}});
  Extracted x(s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token).raw.body);
  const std::string path = "/api/v1/admin/workspaces/import";
  auto ok = s.call("POST", path, admin.token,
                   x.packed("chain.tar", "README.txt workspace.json tasks", true));
  ASSERT_EQ(ok.status, 201) << ok.raw.body;
  EXPECT_EQ(ok.body.at("imported").at("tasks").at("tasks").as_int64(), 3);

  // The spec now waits for the shipping, which waits for the build, which waits for the spec.
  x.edit_lines("tasks/tasks/000001.jsonl", [&](std::vector<json::object>& lines) {
    ASSERT_EQ(lines.size(), 3u);
    std::string ship;
    for (const auto& o : lines)
      if (str(o, "title") == "ship") ship = str(o, "id");
    for (auto& o : lines)
      if (str(o, "id") == spec) o["blocked_by"] = json::array{ship};
  });
  expect_refused(s, admin, x.packed("circle.tar", "README.txt workspace.json tasks", true),
                 "in a circle");
}

// A channel's last number is the archive's word, but never below its
// messages' (an archive another tool wrote, or edited by hand, may say
// less): the next post takes the number after the last imported message's
// instead of colliding with it (every post in the channel failed, 409).
TEST(Export, ImportedChannelsNumberPostsAfterTheirMessages) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Extracted x(s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token).raw.body);
  ASSERT_TRUE(x.edit_json("chat/channels.json", [](json::value& channels) {
    for (auto& ch : channels.as_array())
      if (str(ch, "name") == "général") ch.as_object()["last_seq"] = 1;
  }));
  auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, x.packed("low-last-seq.tar"));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string copy = str(r.body.at("workspace"), "id");
  std::string general;
  const auto listed = s.call("GET", "/api/v1/workspaces/" + copy + "/channels", f.a.token);
  for (const auto& ch : listed.body.as_array())
    if (str(ch, "name") == "général") general = str(ch, "id");
  ASSERT_FALSE(general.empty());
  auto next = s.call("POST", "/api/v1/channels/" + general + "/messages", f.a.token, body(json::object{{"body", "suite"}}));
  ASSERT_EQ(next.status, 201) << next.raw.body;
  EXPECT_EQ(next.body.at("seq").as_int64(), 5);  // général's 4 (one deleted), then this one
}

// Records the import does not remember (messages that start no thread,
// files) are still checked: a message twice or out of its order, a reply
// whose first message says it has none, an entry under a file: each refused
// (400 bad_export), leaving nothing.
TEST(Export, RecordsOutOfOrderOrUnderWhatCannotHoldThemAreRefused) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string archive = s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token).raw.body;
  const std::string path = "/api/v1/admin/workspaces/import";
  const auto had = s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size();
  // Each case edits a fresh copy of the archive's JSON Lines page, packs it
  // again, and expects the import to fail with `why` in the message.
  auto refused = [&](const std::string& page_glob, const std::function<void(std::vector<json::object>&)>& edit,
                     const std::string& why) {
    Extracted x(archive);
    fs::path page;
    for (const auto& e : fs::recursive_directory_iterator(x.root))
      if (e.path().string().find(page_glob) != std::string::npos && e.path().filename() == "000001.jsonl" &&
          page.empty())
        page = e.path();
    ASSERT_FALSE(page.empty()) << page_glob;
    x.edit_lines(page, edit);
    auto r = s.call("POST", path, admin.token, x.packed("edited.tar"));
    EXPECT_EQ(r.status, 400) << why << ": " << r.raw.body;
    EXPECT_EQ(r.error_code(), "bad_export") << why;
    EXPECT_NE(r.raw.body.find(why), std::string::npos) << r.raw.body;
  };
  const std::string general_page = "chat/messages/" + f.general;
  // général: the thread's first message, its reply, then two more.
  refused(general_page, [](auto& lines) { lines.push_back(lines.at(2)); }, "twice the same");
  refused(general_page, [](auto& lines) { std::swap(lines.at(2), lines.at(3)); }, "out of order");
  refused(general_page, [&](auto& lines) {
    for (auto& o : lines)
      if (str(o, "id") == f.first) o["reply_count"] = 0;
  }, "a reply before its thread's first message");
  // No more than a message may hold live: 50 people mentioned, 50 different
  // reactions, 10 attachments.
  auto first_message = [&](const std::function<void(json::object&)>& edit) {
    return [&f, edit](std::vector<json::object>& lines) {
      for (auto& o : lines)
        if (str(o, "id") == f.first) edit(o);
    };
  };
  refused(general_page, first_message([](json::object& o) {
            json::array people;
            for (int i = 0; i < 51; ++i) people.emplace_back("user" + std::to_string(i));
            o["mentions"] = people;
          }),
          "50 people mentioned");
  refused(general_page, first_message([](json::object& o) {
            json::array reactions;
            for (int i = 0; i < 51; ++i)
              reactions.push_back(
                  json::object{{"emoji", "e" + std::to_string(i)}, {"user_ids", json::array{}}});
            o["reactions"] = reactions;
          }),
          "50 different reactions");
  refused(general_page, first_message([](json::object& o) {
            json::array eleven;
            for (int i = 0; i < 11; ++i) eleven.push_back(o["attachments"].as_array().at(0));
            o["attachments"] = eleven;
          }),
          "10 attachments");
  // Nor more than a channel may hold live: 100 pinned messages.
  refused(
      general_page,
      [](std::vector<json::object>& lines) {
        json::object last = lines.back();
        last.erase("thread_id");
        last["reply_count"] = 0;
        last["pinned"] = true;
        last["deleted"] = false;
        for (const char* k : {"attachments", "reactions", "mentions"}) last[k] = json::array{};
        std::int64_t seq = last["seq"].as_int64();
        for (int i = 0; i < 101; ++i) {
          last["id"] = "pinned" + std::to_string(i);
          last["seq"] = ++seq;
          lines.push_back(last);
        }
      },
      "more than 100 pinned messages");
  refused("files/nodes", [](auto& lines) {
    std::string file_id;
    for (const auto& o : lines)
      if (str(o, "kind") == "file" && file_id.empty()) file_id = str(o, "id");
    for (auto& o : lines)
      if (str(o, "kind") == "folder") {
        o["parent_id"] = file_id;
        break;
      }
  }, "a record before its folder's");
  refused("files/nodes", [](auto& lines) {  // a content named by two versions
    for (auto& o : lines) {
      auto& versions = o["versions"];
      if (versions.is_array() && versions.as_array().size() == 2) {
        auto& v = versions.as_array();
        for (const char* field : {"entry", "size", "sha256"}) v[1].as_object()[field] = v[0].as_object()[field];
        break;
      }
    }
  }, "or another's");
  // A file's versions in their order, each once, the current one last (its
  // next version takes the number after the current one's).
  auto versions_of_note = [&](const std::function<void(json::array&)>& edit) {
    return [&f, edit](std::vector<json::object>& lines) {
      for (auto& o : lines)
        if (str(o, "id") == f.note) edit(o["versions"].as_array());
    };
  };
  refused("files/nodes", versions_of_note([](json::array& v) { std::swap(v.at(0), v.at(1)); }), "out of order");
  refused("files/nodes", versions_of_note([](json::array& v) { v.at(1).as_object()["number"] = 1; }),
          "twice the same number");
  refused("files/nodes", versions_of_note([](json::array& v) {
    v.at(0).as_object()["current"] = true;
    v.at(1).as_object()["current"] = false;
  }), "a version after the current one");
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size(), had);
  // What the imports kept of the contents until their records came is gone with them.
  auto kept = s.platform().db.read([](db::Conn& c) { return c.query_one("SELECT COUNT(*) FROM import_contents", {}); });
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->i64(0), 0);
}

// A GET of the export on a raw socket, read as slowly as the test likes.
struct SlowDownload {
  int fd = -1;
  SlowDownload(std::uint16_t port, const std::string& path, const std::string& token) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                            "\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) throw std::runtime_error("send");
  }
  ~SlowDownload() { ::close(fd); }
  std::string read_some(std::size_t n) {
    std::string out(n, '\0');
    const ssize_t k = ::recv(fd, out.data(), n, 0);
    out.resize(k > 0 ? static_cast<std::size_t>(k) : 0);
    return out;
  }
  std::string read_all() {
    std::string out;
    for (std::string piece; !(piece = read_some(1 << 16)).empty();) out += piece;
    return out;
  }
};

// The body of a chunked HTTP/1.1 response.
std::string dechunk(const std::string& raw) {
  std::size_t at = raw.find("\r\n\r\n");
  if (at == std::string::npos) throw std::runtime_error("no head");
  at += 4;
  std::string body;
  for (;;) {
    const std::size_t eol = raw.find("\r\n", at);
    if (eol == std::string::npos) throw std::runtime_error("truncated chunk size");
    const std::size_t n = std::stoul(raw.substr(at, eol - at), nullptr, 16);
    if (n == 0) return body;
    body += raw.substr(eol + 2, n);
    at = eol + 2 + n + 2;
  }
}

// An export reads one snapshot: what people change while it downloads is not
// in it, and it still imports. The snapshot ends once the records are read,
// not when a slow client has the last byte. One export runs at a time on a
// node; the next waits its turn.
TEST(Export, OneAtATimeFromOneSnapshot) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  // An attachment larger than the socket buffers hold, in the first channel:
  // the download stalls there, before the other channels and the files are read.
  std::string big(12u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 0x9E3779B1u) >> 11);
  auto up = s.call("POST", "/api/v1/channels/" + f.general + "/attachments?name=gros.bin", f.a.token, big);
  ASSERT_EQ(up.status, 201);
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + f.general + "/messages", f.a.token,
                   body(json::object{{"body", "le gros fichier"}, {"attachment_ids", json::array{str(up.body, "id")}}}))
                .status,
            201);
  const std::string path = "/api/v1/workspaces/" + f.ws + "/export";

  std::string raw;
  {
    SlowDownload slow(s.port(), path, f.a.token);
    raw = slow.read_some(4096);
    ASSERT_NE(raw.find("200 OK"), std::string::npos) << raw.substr(0, 200);
    // The head and README.txt may leave before the snapshot's first read:
    // wait for the attachment's entry, which chat's records came before.
    while (raw.find("chat/attachments/") == std::string::npos && raw.size() < (4u << 20)) {
      std::string more = slow.read_some(4096);
      if (more.empty()) break;
      raw += more;
    }
    ASSERT_NE(raw.find("chat/attachments/"), std::string::npos);
    // The client waits; no database connection does (a transaction held
    // for a download would keep SQLite's log and PostgreSQL's dead rows).
    // Others' requests may hold one for a moment: asked until none does.
    std::int64_t busy = -1;
    for (int i = 0; i < 500 && (busy = s.platform().db.stats().busy) != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(busy, 0);
    // While it waits: a second export is turned away, and people work on.
    auto second = s.call("GET", path, f.a.token);
    EXPECT_EQ(second.status, 503);
    EXPECT_EQ(second.error_code(), "export_running");
    // HEAD says so too (the web client asks before it starts a download).
    EXPECT_EQ(s.call("HEAD", path, f.a.token).status, 503);
    ASSERT_EQ(s.call("PATCH", "/api/v1/files/" + f.note, f.a.token,
                     body(json::object{{"name", "déplacée.txt"}, {"parent_id", nullptr}}))
                  .status,
              200);
    ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + f.docs, f.a.token).status, 204);
    ASSERT_EQ(s.call("POST", "/api/v1/channels/" + f.secret + "/messages", f.b.token,
                     body(json::object{{"body", "écrit pendant l'export"}}))
                  .status,
              201);
    raw += slow.read_all();
  }
  const std::string archive = dechunk(raw);
  auto nodes = comparable_nodes(archive);
  EXPECT_TRUE(nodes.count("/Docs/note.txt"));  // where it was when the export began
  EXPECT_FALSE(nodes.count("/déplacée.txt"));
  EXPECT_FALSE(nodes.at("/Docs").at("trashed").as_bool());
  EXPECT_EQ(comparable_chat(archive).count("message secret 2"), 0u);  // posted after it began
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, archive);
  EXPECT_EQ(imported.status, 201) << imported.raw.body;

  // Its turn over, the next export runs, and shows the changes.
  Reply again;
  for (int i = 0; i < 100 && (again = s.call("GET", path, f.a.token)).status == 503; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(again.status, 200);
  auto now = comparable_nodes(again.raw.body);
  EXPECT_TRUE(now.count("/déplacée.txt"));
  EXPECT_TRUE(now.at("/Docs").at("trashed").as_bool());
  EXPECT_EQ(comparable_chat(again.raw.body).count("message secret 2"), 1u);
}

// Moving to a new server, where nobody has an account yet: accounts=create
// makes one per member, disabled until an administrator enables it, so what
// each wrote stays theirs. Without it, they are listed and left out.
TEST(Export, ImportCanCreateTheMembersAccounts) {
  TestServer s;
  Filled f(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  Extracted x(s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.a.token).raw.body);
  // Bob, as another server knows him: an address nobody has here.
  ASSERT_TRUE(x.edit_json("workspace.json", [&](json::value& manifest) {
    for (auto& m : manifest.as_object()["members"].as_array())
      if (str(m, "email") == f.b.email) m.as_object()["email"] = "bob.ailleurs@example.org";
  }));
  const std::string archive = x.packed("moved.tar", "README.txt workspace.json chat", true);
  const std::string path = "/api/v1/admin/workspaces/import";

  auto plain = s.call("POST", path, admin.token, archive);
  ASSERT_EQ(plain.status, 201) << plain.raw.body;
  EXPECT_EQ(plain.body.at("unmatched_members"), json::value(json::array{"bob.ailleurs@example.org"}));
  EXPECT_TRUE(plain.body.at("created_accounts").as_array().empty());

  auto r = s.call("POST", path + "?accounts=create", admin.token, archive);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_TRUE(r.body.at("unmatched_members").as_array().empty());
  EXPECT_EQ(r.body.at("created_accounts"), json::value(json::array{"bob.ailleurs@example.org"}));
  const std::string copy = str(r.body.at("workspace"), "id");
  std::string bob2;
  const Reply users = s.call("GET", "/api/v1/admin/users", admin.token);
  for (const auto& u : users.body.as_array())
    if (str(u, "email") == "bob.ailleurs@example.org") {
      bob2 = str(u, "id");
      EXPECT_TRUE(u.at("disabled").as_bool());
    }
  ASSERT_FALSE(bob2.empty());
  EXPECT_EQ(s.audit_count("admin.user_created"), 1);
  // Nobody signs in to it until an administrator enables it and sets a password.
  EXPECT_EQ(s.call("POST", "/api/v1/auth/login", {},
                   body(json::object{{"email", "bob.ailleurs@example.org"}, {"password", TestServer::kPassword}}))
                .status,
            401);
  ASSERT_EQ(s.call("PATCH", "/api/v1/admin/users/" + bob2, admin.token, body(json::object{{"disabled", false}})).status,
            200);
  ASSERT_EQ(s.call("POST", "/api/v1/admin/users/" + bob2 + "/reset-password", admin.token,
                   body(json::object{{"password", TestServer::kPassword}}))
                .status,
            204);
  Account moved = s.login("bob.ailleurs@example.org", TestServer::kPassword);
  // What Bob wrote is the new account's, and it is in his private channel.
  auto channels = s.call("GET", "/api/v1/workspaces/" + copy + "/channels", moved.token);
  ASSERT_EQ(channels.status, 200) << channels.raw.body;
  std::string secret;
  for (const auto& ch : channels.body.as_array())
    if (str(ch, "name") == "secret") secret = str(ch, "id");
  ASSERT_FALSE(secret.empty());
  auto messages = s.call("GET", "/api/v1/channels/" + secret + "/messages", moved.token);
  ASSERT_EQ(messages.status, 200);
  ASSERT_EQ(messages.body.as_array().size(), 1u);
  EXPECT_EQ(str(messages.body.at(0), "author_id"), bob2);
}

TEST(Export, ShareLinksWorkAgainWhereTheArchiveIsImported) {
  std::string archive, token, revoked_token;
  const std::string password = "Gaufre-Sucrée-2040";
  const Headers with_password{{"X-Share-Password", password}};
  {
    TestServer s;
    Account a = s.user("Alice");
    std::string ws = s.workspace(a, "Partages", {"files"});
    auto up = s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/budget.txt", a.token, "budget 2027");
    ASSERT_EQ(up.status, 201) << up.raw.body;
    std::string id = str(up.body, "id");
    auto made = s.call("POST", "/api/v1/files/" + id + "/shares", a.token,
                       body(json::object{{"password", password}, {"max_downloads", 2},
                                         {"expires_at", format_iso8601(s.clock().now_ms() + 30 * 86'400'000LL)}}));
    ASSERT_EQ(made.status, 201) << made.raw.body;
    token = str(made.body, "token");
    ASSERT_EQ(s.call("GET", "/s/" + token, {}, std::nullopt, with_password).status, 200);  // one of two used
    auto other = s.call("POST", "/api/v1/files/" + id + "/shares", a.token, "{}");
    ASSERT_EQ(other.status, 201);
    revoked_token = str(other.body, "token");
    ASSERT_EQ(s.call("DELETE", "/api/v1/shares/" + str(other.body, "id"), a.token).status, 204);
    auto exported = s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token);
    ASSERT_EQ(exported.status, 200);
    archive = exported.raw.body;
    // The archive holds the links' hashes, never a token.
    EXPECT_EQ(archive.find(token), std::string::npos);
    EXPECT_EQ(archive.find(revoked_token), std::string::npos);
    // Imported beside the workspace it came from, the links stay that one's.
    Account admin = s.user("Admin", platform::InstanceRole::admin);
    auto copy = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, archive);
    ASSERT_EQ(copy.status, 201) << copy.raw.body;
    EXPECT_EQ(copy.body.at("imported").at("files").at("share_links").as_int64(), 0);
    EXPECT_EQ(copy.body.at("imported").at("files").at("share_links_kept_by_origin").as_int64(), 2);
  }
  // Moved to a new server at the same address: the link works again, with
  // its password, its limit and the download already made.
  TestServer s;
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto moved = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, archive);
  ASSERT_EQ(moved.status, 201) << moved.raw.body;
  EXPECT_EQ(moved.body.at("imported").at("files").at("share_links").as_int64(), 2);
  EXPECT_EQ(s.call("GET", "/s/" + token).error_code(), "password_required");
  auto got = s.call("GET", "/s/" + token, {}, std::nullopt, with_password);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  EXPECT_EQ(got.raw.body, "budget 2027");
  EXPECT_EQ(s.call("GET", "/s/" + token, {}, std::nullopt, with_password).status, 410);  // the limit of two
  EXPECT_EQ(s.call("GET", "/s/" + revoked_token).status, 404);  // revoked stays revoked
}

// A file holds at most 1,000 share links not revoked, through an import as
// live: an archive giving one more is refused, leaving nothing; revoked ones
// do not count.
TEST(Export, MoreShareLinksThanAFileMayHoldAreRefused) {
  TestServer s;
  Account a = s.user("Alice");
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  std::string ws = s.workspace(a, "Partages", {"files"});
  auto up =
      s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/budget.txt", a.token, "budget");
  ASSERT_EQ(up.status, 201) << up.raw.body;
  ASSERT_EQ(s.call("POST", "/api/v1/files/" + str(up.body, "id") + "/shares", a.token, "{}").status,
            201);
  Extracted x(s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token).raw.body);
  // The file's link, `live` times not revoked and `revoked` times revoked.
  auto links = [&](int live, int revoked) {
    x.edit_lines("files/nodes/000001.jsonl", [&](std::vector<json::object>& lines) {
      for (auto& o : lines) {
        auto it = o.find("shares");
        if (it == o.end() || it->value().as_array().empty()) continue;
        const json::object one = it->value().as_array().at(0).as_object();
        json::array all;
        for (int i = 0; i < live + revoked; ++i) {
          json::object copy = one;
          std::string hash = crypto::hex_encode(crypto::sha256("link " + std::to_string(i)));
          copy["token_sha256"] = hash;
          if (i >= live) copy["revoked_at"] = copy["created_at"];
          all.push_back(std::move(copy));
        }
        it->value() = std::move(all);
      }
    });
  };
  const std::string entries = "README.txt workspace.json files";
  links(1000, 5);
  auto ok =
      s.call("POST", "/api/v1/admin/workspaces/import", admin.token, x.packed("ok.tar", entries));
  ASSERT_EQ(ok.status, 201) << ok.raw.body;
  EXPECT_EQ(ok.body.at("imported").at("files").at("share_links").as_int64(), 1005);
  links(1001, 0);
  expect_refused(s, admin, x.packed("over.tar", entries), "more than 1000 share links");
}

}  // namespace
}  // namespace ruche::testing
