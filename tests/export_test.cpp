// Workspace export (SECURITY.md DATA-4) through the real server: who may
// take it, and that GNU tar opens it into the workspace's whole content —
// members, chat channels and messages with their attachments' bytes, the
// live file tree with current contents and dates, every older version, the
// trash. Run on SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

namespace fs = std::filesystem;

std::string str(const json::value& v, std::string_view key) { return std::string(v.at(key).as_string()); }

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
  EXPECT_EQ(s.audit_count("workspace.exported"), 0);
  auto r = s.call("GET", path, c.token);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.header("Content-Type").value_or(""), "application/x-tar");
  EXPECT_NE(r.raw.header("Content-Disposition").value_or("").find("attachment"), std::string::npos);
  EXPECT_EQ(r.raw.header("Cache-Control").value_or(""), "no-store");
  EXPECT_EQ(s.audit_count("workspace.exported"), 1);
}

TEST(Export, TarOpensItIntoTheWholeWorkspace) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe projet");
  s.join(a, ws, b);

  // Chat: a channel with a thread, a reaction, a pin, an edit, a deletion and
  // an attachment; a private channel; a direct conversation.
  std::string general = make_channel(s, a, ws, "général");
  std::string secret = make_channel(s, a, ws, "secret", true, {b.id.str()});
  auto dm = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                   body(json::object{{"user_ids", json::array{b.id.str()}}}));
  ASSERT_EQ(dm.status, 200) << dm.raw.body;
  auto post = [&](const Account& who, const std::string& cid, json::object b) {
    auto r = s.call("POST", "/api/v1/channels/" + cid + "/messages", who.token, body(b));
    if (r.status != 201) throw std::runtime_error("post: " + r.raw.body);
    return str(r.body, "id");
  };
  std::string pdf(300'000, '\0');
  for (std::size_t i = 0; i < pdf.size(); ++i) pdf[i] = static_cast<char>(i * 7 + i / 251);
  auto up = s.call("POST", "/api/v1/channels/" + general + "/attachments?name=" + http::percent_encode("rapport été.pdf"),
                   a.token, pdf);
  ASSERT_EQ(up.status, 201) << up.raw.body;
  const std::string aid = str(up.body, "id");
  std::string first = post(a, general, {{"body", "Bonjour <@" + b.id.str() + ">"}, {"attachment_ids", json::array{aid}}});
  std::string reply = post(b, general, {{"body", "Merci"}, {"thread_id", first}});
  std::string edited = post(b, general, {{"body", "brouillon"}});
  std::string gone = post(a, general, {{"body", "à effacer"}});
  ASSERT_EQ(s.call("PATCH", "/api/v1/messages/" + edited, b.token, body(json::object{{"body", "version finale"}})).status, 200);
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + gone, a.token).status, 204);
  ASSERT_EQ(s.call("POST", "/api/v1/messages/" + first + "/reactions", b.token, body(json::object{{"emoji", "👍"}})).status, 200);
  ASSERT_EQ(s.call("POST", "/api/v1/messages/" + first + "/pin", a.token).status, 200);
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
  std::string docs = folder("Docs");
  std::string note = put("/api/v1/files/" + docs, "note.txt", "première");
  put("/api/v1/files/" + docs, "note.txt", "seconde");
  std::string big(2'500'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::string big_id = put(root, "données.bin", big);
  std::string old = put(root, "vieux.txt", "à jeter");
  std::string archive = folder("Archive");
  std::string inner = put("/api/v1/files/" + archive, "dedans.txt", "rangé");
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + old, a.token).status, 204);
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + archive, a.token).status, 204);
  ASSERT_EQ(s.call("PUT", "/api/v1/files/" + big_id + "/favorite", b.token).status, 204);

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
  EXPECT_EQ(manifest->at("modules"), json::value(json::array{"chat", "files"}));

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

}  // namespace
}  // namespace ruche::testing
