#include "modules/files/store.hpp"

#include <algorithm>

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace ruche::files::store {

namespace {

constexpr const char* kNodeColumns =
    "n.id, n.workspace_id, n.parent_id, n.name, n.is_folder, n.size, n.etag, n.content_type, "
    "n.last_version, n.mtime_ms, n.created_at_ms, n.created_by, n.updated_at_ms, n.updated_by, "
    "n.trashed_at_ms, n.trashed_by, n.sealed_name, n.sealed_name_by, n.sealed_content, n.sealed_content_by";

Node node_from(const db::Row& r) {
  Node n;
  n.id = NodeId(r.text(0));
  n.workspace_id = WorkspaceId(r.text(1));
  n.parent_id = NodeId(r.text(2));
  n.name = r.text(3);
  n.folder = r.boolean(4);
  n.size_bytes = r.i64(5);
  n.etag = r.text(6);
  n.content_type = r.text(7);
  n.version = n.folder ? 0 : r.i64(8);
  n.mtime_ms = r.i64(9);
  n.created_at_ms = r.i64(10);
  n.created_by = r.text(11);
  n.updated_at_ms = r.i64(12);
  n.updated_by = r.text(13);
  n.trashed_at_ms = r.opt_i64(14);
  n.trashed_by = r.opt_text(15).value_or("");
  if (!n.folder && n.etag.size() == 66) n.sha256 = n.etag.substr(1, 64);
  n.sealed_name = r.opt_text(16).value_or("");
  n.sealed_name_by = r.opt_text(17).value_or("");
  n.sealed_content = r.opt_text(18).value_or("");
  n.sealed_content_by = r.opt_text(19).value_or("");
  return n;
}

Result<std::vector<Node>> nodes_where(db::Conn& c, const std::string& rest, db::Params params) {
  std::vector<Node> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kNodeColumns + " FROM files_nodes n " + rest, params,
                     [&](const db::Row& r) {
                       out.push_back(node_from(r));
                       return true;
                     }));
  return out;
}

constexpr const char* kVersionColumns =
    "v.id, v.node_id, v.workspace_id, v.number, v.size, v.sha256, v.created_at_ms, v.created_by, "
    "v.mtime_ms, v.sealed";

Result<VersionRow> version_from(const db::Row& r, bool with_chunks) {
  VersionRow v;
  v.id = r.text(0);
  v.node_id = NodeId(r.text(1));
  v.workspace_id = WorkspaceId(r.text(2));
  v.number = r.i64(3);
  v.size_bytes = r.i64(4);
  v.sha256 = r.text(5);
  v.created_at_ms = r.i64(6);
  v.created_by = r.text(7);
  v.mtime_ms = r.i64(8);
  v.sealed = r.opt_text(9).value_or("");
  if (with_chunks) {
    RUCHE_TRY(v.chunks, unpack_chunks(r.bytes(10).data));
  }
  return v;
}

Result<std::vector<VersionRow>> versions_where(db::Conn& c, const std::string& rest, db::Params params,
                                               bool with_chunks) {
  std::vector<VersionRow> out;
  RUCHE_CHECK(c.try_each(std::string("SELECT ") + kVersionColumns +
                             (with_chunks ? ", v.chunks" : "") + " FROM files_versions v " + rest,
                         params, [&](const db::Row& r) -> Result<void> {
                           RUCHE_TRY(auto v, version_from(r, with_chunks));
                           out.push_back(std::move(v));
                           return {};
                         }));
  return out;
}

db::Param text_or_null(const std::string& s) { return s.empty() ? db::Param(nullptr) : db::Param(s); }

std::string new_folder_etag() {
  return "\"d" + crypto::hex_encode(crypto::random_bytes(12)) + "\"";
}

Result<void> ensure_usage(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO files_usage (workspace_id, root_etag) VALUES ($1, $2) "
                   "ON CONFLICT (workspace_id) DO NOTHING",
                   {ws, new_folder_etag()}));
  return {};
}


constexpr const char* kShareColumns =
    "id, workspace_id, node_id, mode, password_hash, expires_at_ms, max_downloads, downloads, "
    "created_by, created_at_ms, revoked_at_ms";

ShareRow share_from(const db::Row& r) {
  ShareRow s;
  s.share.id = ShareId(r.text(0));
  s.share.workspace_id = WorkspaceId(r.text(1));
  s.share.node_id = NodeId(r.text(2));
  s.share.mode = share_mode_of(r.text(3)).value_or(ShareMode::read);
  s.password_hash = r.opt_text(4).value_or("");
  s.share.has_password = !s.password_hash.empty();
  s.share.expires_at_ms = r.opt_i64(5);
  s.share.max_downloads = r.opt_i64(6);
  s.share.downloads = r.i64(7);
  s.share.created_by = r.text(8);
  s.share.created_at_ms = r.i64(9);
  s.share.revoked_at_ms = r.opt_i64(10);
  return s;
}

}  // namespace

// --- Nodes --------------------------------------------------------------------

Result<bool> set_favorite(db::Conn& c, const std::string& user, const Node& n, bool on, std::int64_t now_ms) {
  if (!on) {
    RUCHE_TRY(auto gone, c.exec("DELETE FROM files_favorites WHERE user_id = $1 AND node_id = $2", {user, n.id}));
    return gone == 1;
  }
  RUCHE_TRY(auto added, c.exec("INSERT INTO files_favorites (user_id, node_id, workspace_id, created_at_ms) "
                               "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               {user, n.id, n.workspace_id, now_ms}));
  return added == 1;
}

Result<void> drop_favorites(db::Conn& c, const WorkspaceId& ws, const std::string& user) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM files_favorites WHERE workspace_id = $1 AND user_id = $2", {ws, user}));
  return {};
}

Result<std::vector<Node>> favorites(db::Conn& c, const WorkspaceId& ws, const std::string& user, int limit) {
  const std::int64_t n = limit;
  return nodes_where(c,
                     "JOIN files_favorites f ON f.node_id = n.id WHERE f.user_id = $1 AND f.workspace_id = $2 "
                     "AND n.trashed_at_ms IS NULL ORDER BY n.name, n.id LIMIT $3",
                     {user, ws, n});
}

Result<std::optional<Node>> node(db::Conn& c, const NodeId& id) {
  RUCHE_TRY(auto list, nodes_where(c, "WHERE n.id = $1" + std::string(c.for_update()), {id}));
  if (list.empty()) return std::optional<Node>{};
  return std::optional<Node>(std::move(list.front()));
}

Result<std::optional<Node>> child(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                  const std::string& name) {
  RUCHE_TRY(auto list, nodes_where(c,
                                   "WHERE n.workspace_id = $1 AND n.parent_id = $2 AND n.name = $3 "
                                   "AND n.trashed_at_ms IS NULL" +
                                       std::string(c.for_update()),
                                   {ws, parent, name}));
  if (list.empty()) return std::optional<Node>{};
  return std::optional<Node>(std::move(list.front()));
}

namespace {
std::string children_sql(const ListQuery& q) {
  std::string key = q.sort == "size" ? "n.size" : q.sort == "mtime" ? "n.mtime_ms" : "n.name";
  std::string dir = q.desc ? " DESC" : " ASC";
  std::string order = " ORDER BY n.is_folder DESC, " + key + dir;
  if (key != "n.name") order += ", n.name ASC";
  if (!q.ordered) order.clear();
  return std::string("SELECT ") + kNodeColumns +
         " FROM files_nodes n WHERE n.workspace_id = $1 AND n.parent_id = $2 AND n.trashed_at_ms IS NULL" + order +
         " LIMIT $3 OFFSET $4";
}
}  // namespace

Result<std::vector<Node>> children(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                   const ListQuery& q) {
  std::vector<Node> out;
  RUCHE_CHECK(each_child(c, ws, parent, q, [&](Node& n) { out.push_back(std::move(n)); }));
  return out;
}

Result<void> each_child(db::Conn& c, const WorkspaceId& ws, const std::string& parent, const ListQuery& q,
                        FunctionRef<void(Node&)> fn) {
  return c.each(children_sql(q), {ws, parent, static_cast<std::int64_t>(q.limit), q.offset}, [&](const db::Row& r) {
    Node n = node_from(r);
    fn(n);
    return true;
  });
}

// A search looks first among the newest live names, this many: a word many
// names hold is found there, without reading the others.
constexpr std::int64_t kRecentNames = 5000;

Result<std::vector<Node>> search_names(db::Conn& c, const std::vector<WorkspaceId>& workspaces,
                                       const std::vector<std::string>& words, int limit,
                                       const std::optional<NodeId>& after) {
  if (workspaces.empty() || words.empty()) return std::vector<Node>{};
  const bool sqlite = c.backend() == db::Backend::sqlite;
  std::vector<db::Param> params;
  const std::string workspace_list = db::placeholders(1, workspaces.size());
  const std::string in_workspaces = "n.workspace_id IN (" + workspace_list + ")";
  for (const auto& w : workspaces) params.emplace_back(w);
  // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE of
  // all, and answers it from a trigram index of the names (pg_trgm,
  // migrations 0025 and 0028) when its planner finds that faster than
  // reading them.
  std::string holds = "n.trashed_at_ms IS NULL";
  std::vector<std::string> patterns;  // the parameters view them: they live until the query ran
  patterns.reserve(words.size());
  for (const auto& word : words) {
    params.emplace_back(patterns.emplace_back("%" + db::like_escape(word) + "%"));
    holds += std::string(" AND n.name ") + (sqlite ? "LIKE $" : "ILIKE $") + std::to_string(params.size()) +
             " ESCAPE '\\'";
  }
  // A later page: both ways below still read newest first, and skip what
  // comes before `after` in their order (the first look may then find
  // none: the second reads on). Its key is looked up among the searched
  // workspaces' nodes only.
  if (after) {
    std::vector<db::Param> at_params(
        params.begin(), params.begin() + static_cast<std::ptrdiff_t>(workspaces.size()));
    at_params.emplace_back(*after);
    RUCHE_TRY(auto at,
              c.query_one(std::string("SELECT ") + (sqlite ? "n.rowid" : "0") +
                              ", n.created_at_ms FROM files_nodes n WHERE " + in_workspaces +
                              " AND n.id = $" + std::to_string(at_params.size()),
                          at_params));
    if (!at) return fail(Errc::invalid, "after is no longer there: search again", "invalid_field");
    if (sqlite) {
      params.emplace_back(at->i64(0));
      holds += " AND n.rowid < $" + std::to_string(params.size());
    } else {
      params.emplace_back(at->i64(1));
      params.emplace_back(*after);
      holds += " AND (n.created_at_ms, n.id) < ($" + std::to_string(params.size() - 1) + ", $" +
               std::to_string(params.size()) + ")";
    }
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  const std::string limit_at = " LIMIT $" + std::to_string(params.size());
  // Every name of the workspaces that holds the words, the newest first.
  // PostgreSQL, given an index of times for the order, would read names by
  // it until enough hold the words: all of them when few do (1.3 s at
  // 1,000,000 names); `+ 0` keeps it to its trigram index, or to reading
  // the workspaces' names. That index keeps each name's workspace: asked
  // for them, it leaves the others' names in the index (a word 50,000 names
  // of other workspaces hold: 430 ms when they were read and dropped).
  const std::string every =
      "WHERE " + in_workspaces + " AND " + holds +
      (sqlite ? " ORDER BY n.rowid DESC"
              : " AND ARRAY[n.workspace_id] && ARRAY[" + workspace_list +
                    "]::text[] ORDER BY n.created_at_ms + 0 DESC, n.id DESC") +
      limit_at;
  // PostgreSQL: whether the workspaces hold no more live names than the
  // first look reads — then it read every one. Counted only that far (a
  // row number on the newest, to see whether the last came, cost more:
  // PostgreSQL's window copies every row it numbers, 5 -> 10 ms to read
  // 5,000 names).
  auto within_first_look = [&]() -> Result<bool> {
    std::vector<db::Param> held_params(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(workspaces.size()));
    held_params.emplace_back(kRecentNames + 1);
    RUCHE_TRY(auto held, c.query_one("SELECT COUNT(*) FROM (SELECT 1 FROM files_nodes n WHERE " + in_workspaces +
                                         " AND n.trashed_at_ms IS NULL LIMIT $" +
                                         std::to_string(held_params.size()) + ") h",
                                     held_params));
    return held && held->i64(0) <= kRecentNames;
  };
  // From many workspaces that hold few names, the first look's arms cost
  // more than the trigram index, which reads only the names that hold the
  // words (db::kFewArms): asked at once — when every word has 3 characters
  // or more (a shorter one has no trigram to look up: the index would read
  // every name, where the newest hold a short word at once).
  const bool trigrams = std::all_of(words.begin(), words.end(), [](const std::string& w) {
    return std::count_if(w.begin(), w.end(), [](char ch) { return (ch & 0xC0) != 0x80; }) >= 3;  // UTF-8 characters
  });
  std::optional<bool> few;
  if (!sqlite && trigrams && workspaces.size() > db::kFewArms) {
    RUCHE_TRY(few, within_first_look());
    if (*few) return nodes_where(c, every, params);
  }
  // The newest first. SQLite: the instance's, by rowid (insertion order),
  // read backwards from the end (`+` keeps SQLite off the workspaces'
  // index, which would read all their names): a bounded read whatever the
  // instance holds, then the workspaces' names one by one. PostgreSQL: the
  // workspaces' own, by creation time then id, from an index of live nodes
  // by workspace, time and id (migrations 0028, 0056), several workspaces'
  // merged.
  params.emplace_back(kRecentNames);
  const std::string recent_at = "$" + std::to_string(params.size());
  const std::string recent =
      sqlite ? " FROM files_nodes n WHERE n.rowid > COALESCE((SELECT rowid FROM files_nodes ORDER "
               "BY rowid DESC "
               "LIMIT 1 OFFSET " +
                   recent_at + "), 0) AND +" + in_workspaces + " AND " + holds +
                   " ORDER BY n.rowid DESC"
             : " FROM " +
                   db::newest_of_each("files_nodes", "workspace_id", 1, workspaces.size(),
                                      "trashed_at_ms IS NULL", "created_at_ms DESC, id", recent_at) +
                   " n WHERE " + holds + " ORDER BY n.created_at_ms DESC, n.id DESC";
  std::vector<Node> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kNodeColumns + recent + limit_at, params, [&](const db::Row& r) {
    out.push_back(node_from(r));
    return true;
  }));
  if (static_cast<int>(out.size()) == limit) return out;
  if (!sqlite) {
    // Workspaces that hold no more live names than were read had every
    // one read: the search ends there (counted only now, for a few
    // workspaces).
    if (!few) {
      RUCHE_TRY(few, within_first_look());
    }
    if (*few) return out;
  }
  params.pop_back();
  return nodes_where(c, every, params);
}

Result<std::int64_t> count_children(db::Conn& c, const WorkspaceId& ws, const std::string& parent) {
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM files_nodes WHERE workspace_id = $1 AND "
                                  "parent_id = $2 AND trashed_at_ms IS NULL",
                                  {ws, parent}));
  return row ? row->i64(0) : 0;
}

Result<std::vector<Ancestor>> ancestry(db::Conn& c, const NodeId& id) {
  std::vector<Ancestor> out;
  RUCHE_CHECK(c.each(
      "WITH RECURSIVE up(id, parent_id, name, trashed, depth) AS ("
      " SELECT id, parent_id, name, CASE WHEN trashed_at_ms IS NULL THEN 0 ELSE 1 END, 0"
      " FROM files_nodes WHERE id = $1"
      " UNION ALL SELECT n.id, n.parent_id, n.name,"
      " CASE WHEN n.trashed_at_ms IS NULL THEN 0 ELSE 1 END, up.depth + 1"
      " FROM files_nodes n JOIN up ON n.id = up.parent_id WHERE up.depth < 100000)"
      " SELECT id, name, trashed FROM up ORDER BY depth DESC",
      {id}, [&](const db::Row& r) {
        out.push_back(Ancestor{r.text(0), r.text(1), r.i64(2) != 0});
        return true;
      }));
  return out;
}

Result<void> insert_node(db::Conn& c, const Node& n, const std::string& version_id) {
  if (n.folder != version_id.empty()) return fail(Errc::internal, "a file is inserted with its version");
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_nodes (id, workspace_id, parent_id, name, is_folder, size, etag, "
                   "content_type, mtime_ms, created_at_ms, created_by, updated_at_ms, updated_by, "
                   "version_id, last_version, sealed_name, sealed_name_by, sealed_content, sealed_content_by) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                   {n.id, n.workspace_id, n.parent_id, n.name, n.folder, n.size_bytes,
                    n.folder ? new_folder_etag() : n.etag, n.content_type, n.mtime_ms,
                    n.created_at_ms, n.created_by, n.updated_at_ms, n.updated_by,
                    n.folder ? db::Param(nullptr) : db::Param(version_id), n.folder ? 0 : n.version,
                    text_or_null(n.sealed_name), text_or_null(n.sealed_name_by), text_or_null(n.sealed_content),
                    text_or_null(n.sealed_content_by)}));
  return {};
}

Result<void> set_content(db::Conn& c, const NodeId& id, const std::string& version_id,
                         std::int64_t number, std::int64_t size, const std::string& etag,
                         const std::string& content_type, std::int64_t mtime_ms, std::int64_t now_ms,
                         const std::string& by, const std::string& sealed) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_nodes SET version_id = $2, last_version = $3, size = $4, etag = $5, "
                   "content_type = $6, mtime_ms = $7, updated_at_ms = $8, updated_by = $9, "
                   "sealed_content = $10, sealed_content_by = $11 WHERE id = $1",
                   {id, version_id, number, size, etag, content_type, mtime_ms, now_ms, by, text_or_null(sealed),
                    sealed.empty() ? db::Param(nullptr) : db::Param(by)}));
  return {};
}

Result<void> set_sealed_name(db::Conn& c, const NodeId& id, const std::string& sealed, const std::string& by,
                             std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_nodes SET sealed_name = $2, sealed_name_by = $3, updated_at_ms = $4, "
                   "updated_by = $3 WHERE id = $1",
                   {id, sealed, by, now_ms}));
  return {};
}

Result<void> set_mtime(db::Conn& c, const NodeId& id, std::int64_t mtime_ms) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_nodes SET mtime_ms = $2 WHERE id = $1", {id, mtime_ms}));
  RUCHE_TRY([[maybe_unused]] auto v,
            c.exec("UPDATE files_versions SET mtime_ms = $2 "
                   "WHERE id = (SELECT version_id FROM files_nodes WHERE id = $1)",
                   {id, mtime_ms}));
  return {};
}

Result<void> place(db::Conn& c, const NodeId& id, const std::string& parent, const std::string& name,
                   std::int64_t now_ms, const std::string& by) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_nodes SET parent_id = $2, name = $3, updated_at_ms = $4, updated_by = $5 "
                   "WHERE id = $1",
                   {id, parent, name, now_ms, by}));
  return {};
}

Result<void> touch_ancestors(db::Conn& c, const WorkspaceId& ws, std::string parent, std::int64_t now_ms) {
  int guard = 0;
  while (!parent.empty() && ++guard < 100000) {
    RUCHE_TRY(auto row, c.query_one("UPDATE files_nodes SET etag = $2, "
                                    "mtime_ms = CASE WHEN mtime_ms < $3 THEN $3 ELSE mtime_ms END "
                                    "WHERE id = $1 RETURNING parent_id",
                                    {parent, new_folder_etag(), now_ms}));
    if (!row) break;
    parent = row->text(0);
  }
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_usage (workspace_id, root_etag, root_mtime_ms) VALUES ($1, $2, $3) "
                   "ON CONFLICT (workspace_id) DO UPDATE SET root_etag = excluded.root_etag, "
                   "root_mtime_ms = CASE WHEN files_usage.root_mtime_ms < excluded.root_mtime_ms "
                   "THEN excluded.root_mtime_ms ELSE files_usage.root_mtime_ms END",
                   {ws, new_folder_etag(), now_ms}));
  return {};
}

Result<void> set_trashed(db::Conn& c, const NodeId& id, std::optional<std::int64_t> at_ms,
                         const std::string& by, const std::string& path) {
  if (at_ms) {
    RUCHE_TRY([[maybe_unused]] auto k,
              c.exec("UPDATE files_nodes SET trashed_at_ms = $2, trashed_by = $3, trashed_path = $4 "
                     "WHERE id = $1",
                     {id, *at_ms, by, path}));
  } else {
    RUCHE_TRY([[maybe_unused]] auto k,
              c.exec("UPDATE files_nodes SET trashed_at_ms = NULL, trashed_by = NULL, trashed_path = NULL "
                     "WHERE id = $1",
                     {id}));
  }
  return {};
}

Result<std::vector<Node>> trash(db::Conn& c, const WorkspaceId& ws, int limit,
                                const std::optional<TrashCursor>& before) {
  std::string sql = std::string("SELECT ") + kNodeColumns +
                    ", n.trashed_path FROM files_nodes n WHERE n.workspace_id = $1 AND "
                    "n.trashed_at_ms IS NOT NULL";
  std::vector<db::Param> params{db::Param(ws), db::Param(static_cast<std::int64_t>(limit))};
  if (before) {
    sql += " AND (n.trashed_at_ms < $3 OR (n.trashed_at_ms = $3 AND n.id < $4))";
    params.emplace_back(before->at_ms);
    params.emplace_back(before->id);
  }
  sql += " ORDER BY n.trashed_at_ms DESC, n.id DESC LIMIT $2";
  std::vector<Node> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(node_from(r));
    out.back().path = r.opt_text(20).value_or("");
    return true;
  }));
  return out;
}

Result<std::vector<NodeId>> trash_older_than(db::Conn& c, std::int64_t before_ms, int limit) {
  std::vector<NodeId> out;
  RUCHE_CHECK(c.each("SELECT id FROM files_nodes WHERE trashed_at_ms IS NOT NULL AND trashed_at_ms < $1 "
                     "ORDER BY trashed_at_ms LIMIT $2",
                     {before_ms, static_cast<std::int64_t>(limit)}, [&](const db::Row& r) {
                       out.emplace_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<std::string> trashed_path(db::Conn& c, const NodeId& id) {
  RUCHE_TRY(auto row, c.query_one("SELECT trashed_path FROM files_nodes WHERE id = $1", {id}));
  return row ? row->opt_text(0).value_or("") : std::string();
}

Result<std::vector<std::string>> subtree(db::Conn& c, const NodeId& id) {
  std::vector<std::string> out;
  RUCHE_CHECK(c.each("WITH RECURSIVE t(id, depth) AS (SELECT id, 0 FROM files_nodes WHERE id = $1"
                     " UNION ALL SELECT n.id, t.depth + 1 FROM files_nodes n JOIN t ON n.parent_id = t.id)"
                     " SELECT id FROM t ORDER BY depth",
                     {id}, [&](const db::Row& r) {
                       out.push_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<void> delete_nodes(db::Conn& c, const std::vector<std::string>& ids) {
  // Children first, so that no row ever points at a missing parent mid-way.
  for (std::size_t end = ids.size(); end > 0;) {
    std::size_t begin = end > 500 ? end - 500 : 0;
    std::vector<db::Param> params;
    for (std::size_t i = begin; i < end; ++i) params.emplace_back(ids[i]);
    RUCHE_TRY([[maybe_unused]] auto k,
              c.exec("DELETE FROM files_nodes WHERE id IN (" + db::placeholders(1, params.size()) + ")", params));
    end = begin;
  }
  return {};
}

// --- Versions -----------------------------------------------------------------

Result<std::int64_t> next_version(db::Conn& c, const NodeId& id) {
  RUCHE_TRY(auto row, c.query_one("UPDATE files_nodes SET last_version = last_version + 1 WHERE id = $1 "
                                  "RETURNING last_version",
                                  {id}));
  if (!row) return fail(Errc::not_found, "no such file");
  return row->i64(0);
}

Result<void> insert_version(db::Conn& c, const VersionRow& v) {
  db::Bytes packed{pack_chunks(v.chunks)};
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_versions (id, node_id, workspace_id, number, size, sha256, chunks, "
                   "created_at_ms, created_by, mtime_ms, sealed) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   {v.id, v.node_id, v.workspace_id, v.number, v.size_bytes, v.sha256, packed,
                    v.created_at_ms, v.created_by, v.mtime_ms, text_or_null(v.sealed)}));
  return {};
}

Result<std::vector<VersionRow>> versions(db::Conn& c, const NodeId& id) {
  return versions_where(c, "WHERE v.node_id = $1 ORDER BY v.number DESC", {id}, false);
}

Result<std::optional<VersionRow>> version(db::Conn& c, const NodeId& id, std::int64_t number) {
  RUCHE_TRY(auto list, versions_where(c, "WHERE v.node_id = $1 AND v.number = $2", {id, number}, true));
  if (list.empty()) return std::optional<VersionRow>{};
  return std::optional<VersionRow>(std::move(list.front()));
}

Result<std::optional<VersionRow>> version_by_id(db::Conn& c, const std::string& id) {
  RUCHE_TRY(auto list, versions_where(c, "WHERE v.id = $1", {id}, true));
  if (list.empty()) return std::optional<VersionRow>{};
  return std::optional<VersionRow>(std::move(list.front()));
}

Result<std::vector<VersionRow>> versions_of(db::Conn& c, const std::vector<std::string>& node_ids) {
  std::vector<VersionRow> out;
  for (std::size_t begin = 0; begin < node_ids.size(); begin += 500) {
    std::size_t end = std::min(node_ids.size(), begin + 500);
    std::vector<db::Param> params;
    for (std::size_t i = begin; i < end; ++i) params.emplace_back(node_ids[i]);
    RUCHE_TRY(auto part, versions_where(c, "WHERE v.node_id IN (" + db::placeholders(1, params.size()) + ")",
                                        params, true));
    for (auto& v : part) out.push_back(std::move(v));
  }
  return out;
}

Result<void> delete_version(db::Conn& c, const std::string& id) {
  RUCHE_TRY([[maybe_unused]] auto k, c.exec("DELETE FROM files_versions WHERE id = $1", {id}));
  return {};
}

Result<std::vector<VersionRow>> oldest_versions(db::Conn& c, const WorkspaceId& ws, int limit) {
  return versions_where(c,
                        "JOIN files_nodes n ON n.id = v.node_id WHERE v.workspace_id = $1 AND "
                        "(n.version_id IS NULL OR n.version_id <> v.id) ORDER BY v.created_at_ms LIMIT $2",
                        {ws, static_cast<std::int64_t>(limit)}, true);
}

// --- Dead properties ----------------------------------------------------------

Result<std::vector<Prop>> props(db::Conn& c, const NodeId& id) {
  std::vector<Prop> out;
  RUCHE_CHECK(c.each("SELECT ns, name, value FROM files_props WHERE node_id = $1 ORDER BY ns, name", {id},
                     [&](const db::Row& r) {
                       out.push_back({r.text(0), r.text(1), r.text(2)});
                       return true;
                     }));
  return out;
}

Result<void> set_prop(db::Conn& c, const NodeId& id, const Prop& p) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_props (node_id, ns, name, value) VALUES ($1, $2, $3, $4) "
                   "ON CONFLICT (node_id, ns, name) DO UPDATE SET value = excluded.value",
                   {id, p.ns, p.name, p.value}));
  return {};
}

Result<void> remove_prop(db::Conn& c, const NodeId& id, const std::string& ns, const std::string& name) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("DELETE FROM files_props WHERE node_id = $1 AND ns = $2 AND name = $3", {id, ns, name}));
  return {};
}

Result<void> copy_props(db::Conn& c, const NodeId& from, const NodeId& to) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_props (node_id, ns, name, value) SELECT $2, ns, name, value "
                   "FROM files_props WHERE node_id = $1",
                   {from, to}));
  return {};
}

Result<std::int64_t> count_props(db::Conn& c, const NodeId& id) {
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM files_props WHERE node_id = $1", {id}));
  return row ? row->i64(0) : 0;
}

Result<std::map<std::string, std::vector<Prop>>> child_props(db::Conn& c, const WorkspaceId& ws,
                                                             const std::string& parent) {
  std::map<std::string, std::vector<Prop>> out;
  RUCHE_CHECK(c.each("SELECT p.node_id, p.ns, p.name, p.value FROM files_props p JOIN files_nodes n "
                     "ON n.id = p.node_id WHERE n.workspace_id = $1 AND n.parent_id = $2 AND "
                     "n.trashed_at_ms IS NULL ORDER BY p.node_id, p.ns, p.name",
                     {ws, parent}, [&](const db::Row& r) {
                       out[r.text(0)].push_back({r.text(1), r.text(2), r.text(3)});
                       return true;
                     }));
  return out;
}

// --- Locks --------------------------------------------------------------------

Result<std::vector<dav::Lock>> locks(db::Conn& c, const WorkspaceId& ws, const std::string& path,
                                     Beneath beneath, std::int64_t now_ms) {
  // The path and each folder above it ("/", "/a", "/a/b" for "/a/b"), and
  // what is beneath it (after "/a/b/" up to "/a/b0", '0' following '/'),
  // each found by the index on (workspace_id, path) — compared byte by byte
  // on PostgreSQL too (migration 0049), whatever the database's collation.
  // Two reads, not one with an OR, which SQLite would answer by reading the
  // workspace's all; "+expires_at_ms" keeps it off the index by expiry.
  std::vector<std::string> above{"/"};
  for (std::size_t i = 1; i < path.size(); ++i)
    if (path[i] == '/') above.push_back(path.substr(0, i));
  if (path != "/") above.push_back(path);
  const std::string from = path == "/" ? path : path + "/";
  const std::string to = from.substr(0, from.size() - 1) + "0";
  const auto depth = static_cast<std::int64_t>(std::count(from.begin(), from.end(), '/'));
  const std::string column = c.backend() == db::Backend::postgres ? "path COLLATE \"C\"" : "path";
  const std::string select =
      "SELECT token, path, exclusive, infinite, owner_xml, user_id, timeout_s, expires_at_ms "
      "FROM files_locks WHERE workspace_id = $1 AND +expires_at_ms > $2 AND ";
  std::vector<db::Param> params{ws, now_ms};
  for (const auto& a : above) params.emplace_back(a);
  std::string sql = select + column + " IN (" + db::placeholders(3, above.size()) + ")";
  if (beneath != Beneath::none) {
    params.emplace_back(from);
    params.emplace_back(to);
    sql += " UNION ALL " + select + column + " > $" + std::to_string(params.size() - 1) + " AND " + column +
           " < $" + std::to_string(params.size());
    if (beneath == Beneath::children) {
      params.emplace_back(depth);
      sql += " AND length(path) - length(replace(path, '/', '')) = $" + std::to_string(params.size());
    }
  }
  std::vector<dav::Lock> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    dav::Lock l;
    l.token = r.text(0);
    l.root = r.text(1);
    l.exclusive = r.boolean(2);
    l.infinite = r.boolean(3);
    l.owner_xml = r.text(4);
    l.user_id = r.text(5);
    l.timeout_s = r.i64(6);
    l.expires_at_ms = r.i64(7);
    out.push_back(std::move(l));
    return true;
  }));
  return out;
}

Result<std::int64_t> count_locks(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT COUNT(*) FROM files_locks WHERE workspace_id = $1 AND expires_at_ms > $2",
                  {ws, now_ms}));
  return row->i64(0);
}

Result<void> insert_lock(db::Conn& c, const WorkspaceId& ws, const dav::Lock& l, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_locks (token, workspace_id, path, exclusive, infinite, owner_xml, "
                   "user_id, timeout_s, created_at_ms, expires_at_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   {l.token, ws, l.root, l.exclusive, l.infinite, l.owner_xml, l.user_id, l.timeout_s,
                    now_ms, l.expires_at_ms}));
  return {};
}

Result<void> refresh_lock(db::Conn& c, const std::string& token, std::int64_t timeout_s,
                          std::int64_t expires_at_ms) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_locks SET timeout_s = $2, expires_at_ms = $3 WHERE token = $1",
                   {token, timeout_s, expires_at_ms}));
  return {};
}

Result<bool> delete_lock(db::Conn& c, const WorkspaceId& ws, const std::string& token) {
  RUCHE_TRY(auto n, c.exec("DELETE FROM files_locks WHERE workspace_id = $1 AND token = $2", {ws, token}));
  return n > 0;
}

Result<void> delete_locks_under(db::Conn& c, const WorkspaceId& ws, const std::string& path) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("DELETE FROM files_locks WHERE workspace_id = $1 AND (path = $2 OR "
                   "substr(path, 1, length($3)) = $3)",
                   {ws, path, path == "/" ? std::string("/") : path + "/"}));
  return {};
}

Result<void> delete_expired_locks(db::Conn& c, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto k, c.exec("DELETE FROM files_locks WHERE expires_at_ms <= $1", {now_ms}));
  return {};
}

// --- Usage --------------------------------------------------------------------

Result<Usage> usage(db::Conn& c, const WorkspaceId& ws, std::int64_t default_quota) {
  Usage u;
  RUCHE_TRY(auto row, c.query_one("SELECT used_bytes, quota_bytes FROM files_usage WHERE workspace_id = $1",
                                  {ws}));
  std::int64_t q = default_quota;
  if (row) {
    u.used_bytes = row->i64(0);
    if (!row->is_null(1)) q = row->i64(1);
  }
  if (q >= 0) u.quota_bytes = q;
  return u;
}

Result<bool> add_used(db::Conn& c, const WorkspaceId& ws, std::int64_t delta, std::int64_t default_quota) {
  if (delta <= 0) {
    RUCHE_CHECK(ensure_usage(c, ws));
    RUCHE_TRY([[maybe_unused]] auto k,
              c.exec("UPDATE files_usage SET used_bytes = CASE WHEN used_bytes + $2 < 0 THEN 0 "
                     "ELSE used_bytes + $2 END WHERE workspace_id = $1",
                     {ws, delta}));
    return true;
  }
  auto add = [&]() -> Result<std::int64_t> {
    return c.exec("UPDATE files_usage SET used_bytes = used_bytes + $2 WHERE workspace_id = $1 "
                  "AND (COALESCE(quota_bytes, $3) < 0 OR used_bytes + $2 <= COALESCE(quota_bytes, $3))",
                  {ws, delta, default_quota});
  };
  RUCHE_TRY(auto n, add());
  if (n > 0) return true;
  // No row yet (the workspace's first file), or over quota.
  RUCHE_CHECK(ensure_usage(c, ws));
  RUCHE_TRY(n, add());
  return n > 0;
}

Result<void> set_quota(db::Conn& c, const WorkspaceId& ws, std::optional<std::int64_t> quota) {
  RUCHE_CHECK(ensure_usage(c, ws));
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_usage SET quota_bytes = $2 WHERE workspace_id = $1", {ws, quota}));
  return {};
}

Result<RootState> root_state(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY(auto row, c.query_one("SELECT u.root_etag, w.created_at_ms, u.root_mtime_ms FROM workspaces w "
                                  "LEFT JOIN files_usage u ON u.workspace_id = w.id WHERE w.id = $1",
                                  {ws}));
  RootState s;
  s.etag = "\"d0\"";
  if (!row) return s;
  if (!row->is_null(0) && !row->text(0).empty()) s.etag = row->text(0);
  s.created_at_ms = s.mtime_ms = row->i64(1);
  if (!row->is_null(2)) s.mtime_ms = std::max(s.mtime_ms, row->i64(2));
  return s;
}

// --- Shares -------------------------------------------------------------------

Result<void> insert_share(db::Conn& c, const Share& s, const std::string& token_hash,
                          const std::optional<std::string>& password_hash) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_shares (id, workspace_id, node_id, token_hash, mode, password_hash, "
                   "expires_at_ms, max_downloads, created_by, created_at_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   {s.id, s.workspace_id, s.node_id, token_hash, to_string(s.mode), password_hash,
                    s.expires_at_ms, s.max_downloads, s.created_by, s.created_at_ms}));
  return {};
}

Result<bool> restore_share(db::Conn& c, const ShareRow& r) {
  const Share& s = r.share;
  std::optional<std::string> password;
  if (!r.password_hash.empty()) password = r.password_hash;
  RUCHE_TRY(auto n, c.exec("INSERT INTO files_shares (id, workspace_id, node_id, token_hash, mode, password_hash, "
                           "expires_at_ms, max_downloads, downloads, created_by, created_at_ms, revoked_at_ms) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                           "ON CONFLICT (token_hash) DO NOTHING",
                           {s.id, s.workspace_id, s.node_id, r.token_hash, to_string(s.mode), password,
                            s.expires_at_ms, s.max_downloads, s.downloads, s.created_by, s.created_at_ms,
                            s.revoked_at_ms}));
  return n == 1;
}

Result<std::optional<ShareRow>> share_by_token(db::Conn& c, const std::string& token_hash) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kShareColumns +
                                      " FROM files_shares WHERE token_hash = $1",
                                  {token_hash}));
  if (!row) return std::optional<ShareRow>{};
  return std::optional<ShareRow>(share_from(*row));
}

Result<std::optional<ShareRow>> share(db::Conn& c, const ShareId& id) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kShareColumns + " FROM files_shares WHERE id = $1",
                                  {id}));
  if (!row) return std::optional<ShareRow>{};
  return std::optional<ShareRow>(share_from(*row));
}

Result<std::vector<Share>> shares_of(db::Conn& c, const NodeId& node) {
  std::vector<Share> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kShareColumns +
                         " FROM files_shares WHERE node_id = $1 AND revoked_at_ms IS NULL "
                         "ORDER BY created_at_ms DESC, id DESC LIMIT $2",
                     {node, kMaxSharesPerNode}, [&](const db::Row& r) {
                       out.push_back(share_from(r).share);
                       return true;
                     }));
  return out;
}

Result<std::int64_t> count_shares(db::Conn& c, const NodeId& node) {
  RUCHE_TRY(auto row, c.query_one("SELECT count(*) FROM files_shares WHERE node_id = $1 AND "
                                  "revoked_at_ms IS NULL",
                                  {node}));
  return row ? row->i64(0) : 0;
}

Result<void> revoke_share(db::Conn& c, const ShareId& id, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_shares SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL",
                   {id, now_ms}));
  return {};
}

Result<bool> count_download(db::Conn& c, const ShareId& id) {
  RUCHE_TRY(auto n, c.exec("UPDATE files_shares SET downloads = downloads + 1 WHERE id = $1 AND "
                           "(max_downloads IS NULL OR downloads < max_downloads)",
                           {id}));
  return n > 0;
}

// --- Uploads ------------------------------------------------------------------

namespace {
constexpr const char* kUploadColumns =
    "id, workspace_id, user_id, parent_id, name, length, offset_bytes, chunks, created_at_ms, expires_at_ms, node_id";

Result<UploadRow> upload_from(const db::Row& r) {
  UploadRow u;
  u.id = UploadId(r.text(0));
  u.workspace_id = WorkspaceId(r.text(1));
  u.user_id = r.text(2);
  u.parent_id = r.text(3);
  u.name = r.text(4);
  u.length = r.i64(5);
  u.offset = r.i64(6);
  RUCHE_TRY(u.chunks, unpack_chunks(r.bytes(7).data));
  u.created_at_ms = r.i64(8);
  u.expires_at_ms = r.i64(9);
  u.node_id = r.opt_text(10).value_or("");
  return u;
}
}  // namespace

Result<void> insert_upload(db::Conn& c, const UploadRow& u) {
  db::Bytes packed{pack_chunks(u.chunks)};
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("INSERT INTO files_uploads (id, workspace_id, user_id, parent_id, name, length, "
                   "offset_bytes, chunks, created_at_ms, expires_at_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   {u.id, u.workspace_id, u.user_id, u.parent_id, u.name, u.length, u.offset, packed,
                    u.created_at_ms, u.expires_at_ms}));
  return {};
}

Result<std::optional<UploadRow>> upload(db::Conn& c, const UploadId& id) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kUploadColumns + " FROM files_uploads WHERE id = $1",
                                  {id}));
  if (!row) return std::optional<UploadRow>{};
  RUCHE_TRY(auto u, upload_from(*row));
  return std::optional<UploadRow>(std::move(u));
}

Result<void> update_upload(db::Conn& c, const UploadId& id, std::int64_t offset,
                           const std::vector<blob::ChunkRef>& chunks, std::int64_t expires_at_ms) {
  db::Bytes packed{pack_chunks(chunks)};
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_uploads SET offset_bytes = $2, chunks = $3, expires_at_ms = $4 WHERE id = $1",
                   {id, offset, packed, expires_at_ms}));
  return {};
}

Result<void> complete_upload(db::Conn& c, const UploadId& id, const NodeId& node_id) {
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("UPDATE files_uploads SET node_id = $2, chunks = $3 WHERE id = $1",
                   {id, node_id, db::Bytes{pack_chunks({})}}));
  return {};
}

Result<void> delete_upload(db::Conn& c, const UploadId& id) {
  RUCHE_TRY([[maybe_unused]] auto k, c.exec("DELETE FROM files_uploads WHERE id = $1", {id}));
  return {};
}

Result<std::vector<UploadRow>> expired_uploads(db::Conn& c, std::int64_t now_ms, int limit) {
  std::vector<UploadRow> out;
  RUCHE_CHECK(c.try_each(std::string("SELECT ") + kUploadColumns +
                             " FROM files_uploads WHERE expires_at_ms <= $1 LIMIT $2",
                         {now_ms, static_cast<std::int64_t>(limit)},
                         [&](const db::Row& r) -> Result<void> {
                           RUCHE_TRY(auto u, upload_from(r));
                           out.push_back(std::move(u));
                           return {};
                         }));
  return out;
}

// --- Workspace ----------------------------------------------------------------

Result<void> purge_workspace(db::Conn& c, const WorkspaceId& ws) {
  for (const char* sql : {"DELETE FROM files_shares WHERE workspace_id = $1",
                          "DELETE FROM files_uploads WHERE workspace_id = $1",
                          "DELETE FROM files_locks WHERE workspace_id = $1",
                          "DELETE FROM files_props WHERE node_id IN (SELECT id FROM files_nodes WHERE workspace_id = $1)",
                          "DELETE FROM files_versions WHERE workspace_id = $1",
                          "DELETE FROM files_nodes WHERE workspace_id = $1",
                          "DELETE FROM files_usage WHERE workspace_id = $1"}) {
    RUCHE_TRY([[maybe_unused]] auto k, c.exec(sql, {ws}));
  }
  return {};
}

Result<bool> workspace_armoured(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY(auto row, c.query_one("SELECT armoured FROM workspaces WHERE id = $1", {ws}));
  return row && row->boolean(0);
}

Result<std::vector<Node>> children_after(db::Conn& c, const WorkspaceId& ws, const std::string& parent,
                                         const std::string& after_id, int limit) {
  return nodes_where(c, "WHERE n.parent_id = $1 AND n.workspace_id = $2 AND n.id > $3 ORDER BY n.id LIMIT " +
                            std::to_string(limit),
                     {parent, ws, after_id});
}

Result<std::map<std::string, NodeExtras>> extras_of(db::Conn& c, const std::vector<Node>& nodes) {
  std::map<std::string, NodeExtras> out;
  if (nodes.empty()) return out;
  std::vector<db::Param> ids;
  std::vector<std::string> file_ids;
  for (const auto& n : nodes) {
    ids.emplace_back(n.id.str());
    if (!n.folder) file_ids.push_back(n.id.str());
  }
  const std::string in = "(" + db::placeholders(1, ids.size()) + ")";
  RUCHE_TRY(auto versions, versions_of(c, file_ids));
  for (auto& v : versions) out[v.node_id.str()].versions.push_back(std::move(v));
  for (auto& [id, e] : out)
    std::sort(e.versions.begin(), e.versions.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
  RUCHE_CHECK(c.each("SELECT node_id, ns, name, value FROM files_props WHERE node_id IN " + in +
                         " ORDER BY node_id, ns, name",
                     ids, [&](const db::Row& r) {
                       out[r.text(0)].props.push_back(Prop{r.text(1), r.text(2), r.text(3)});
                       return true;
                     }));
  RUCHE_CHECK(c.each("SELECT node_id, user_id FROM files_favorites WHERE node_id IN " + in +
                         " ORDER BY node_id, user_id",
                     ids, [&](const db::Row& r) {
                       out[r.text(0)].favorite_of.push_back(r.text(1));
                       return true;
                     }));
  RUCHE_CHECK(c.each(std::string("SELECT ") + kShareColumns + ", token_hash FROM files_shares WHERE node_id IN " +
                         in + " ORDER BY node_id, created_at_ms, id",
                     ids, [&](const db::Row& r) {
                       ShareRow s = share_from(r);
                       s.token_hash = r.text(11);
                       out[s.share.node_id.str()].shares.push_back(std::move(s));
                       return true;
                     }));
  return out;
}

Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms) {
  json::object o;
  RUCHE_TRY(auto files, c.query_one("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM files_nodes WHERE "
                                    "workspace_id = $1 AND is_folder = 0 AND trashed_at_ms IS NULL",
                                    {ws}));
  RUCHE_TRY(auto recent, c.query_one("SELECT COUNT(*) FROM files_versions WHERE workspace_id = $1 AND "
                                     "created_at_ms >= $2",
                                     {ws, since_ms}));
  o["files"] = files ? files->i64(0) : 0;
  o["bytes"] = files ? files->i64(1) : 0;
  o["versions_since"] = recent ? recent->i64(0) : 0;
  return o;
}

}  // namespace ruche::files::store
