#include "modules/chat/store.hpp"

#include <algorithm>
#include <map>

#include "core/blob/content.hpp"

namespace ruche::chat::store {

namespace {

constexpr const char* kChannelColumns =
    "c.id, c.workspace_id, c.kind, c.name, c.topic, c.archived_at_ms, c.created_by, "
    "c.created_at_ms, c.last_seq, c.last_message_at_ms";

ChannelKind kind_of(const std::string& s) {
  if (s == "private") return ChannelKind::private_channel;
  if (s == "direct") return ChannelKind::direct;
  return ChannelKind::public_channel;
}

Channel channel_from(const db::Row& r) {
  Channel ch;
  ch.id = ChannelId(r.text(0));
  ch.workspace_id = WorkspaceId(r.text(1));
  ch.kind = kind_of(r.text(2));
  ch.name = r.text(3);
  ch.topic = r.text(4);
  ch.archived = !r.is_null(5);
  ch.created_by = r.text(6);
  ch.created_at_ms = r.i64(7);
  ch.last_seq = r.i64(8);
  ch.last_message_at_ms = r.opt_i64(9);
  return ch;
}

constexpr const char* kMessageColumns =
    "m.id, m.channel_id, m.workspace_id, m.seq, m.author_id, m.thread_id, m.in_channel, m.body, "
    "m.created_at_ms, m.edited_at_ms, m.deleted_at_ms, m.reply_count, m.last_reply_at_ms, "
    "m.pinned_at_ms, m.pinned_by";

Message message_from(const db::Row& r) {
  Message m;
  m.id = MessageId(r.text(0));
  m.channel_id = ChannelId(r.text(1));
  m.workspace_id = WorkspaceId(r.text(2));
  m.seq = r.i64(3);
  m.author_id = r.text(4);
  if (!r.is_null(5)) m.thread_id = MessageId(r.text(5));
  m.in_channel = r.boolean(6);
  m.body = r.text(7);
  m.created_at_ms = r.i64(8);
  m.edited_at_ms = r.opt_i64(9);
  m.deleted_at_ms = r.opt_i64(10);
  m.reply_count = r.i64(11);
  m.last_reply_at_ms = r.opt_i64(12);
  m.pinned_at_ms = r.opt_i64(13);
  m.pinned_by = r.opt_text(14).value_or("");
  return m;
}

constexpr const char* kAttachmentColumns =
    "a.id, a.workspace_id, a.channel_id, a.message_id, a.uploader_id, a.name, a.size, a.content_type, "
    "a.sha256, a.width, a.height, a.created_at_ms, a.origin_id";

Result<AttachmentRow> attachment_from(const db::Row& r, bool with_chunks) {
  AttachmentRow row;
  Attachment& a = row.a;
  a.id = AttachmentId(r.text(0));
  a.workspace_id = WorkspaceId(r.text(1));
  a.channel_id = ChannelId(r.text(2));
  if (!r.is_null(3)) a.message_id = MessageId(r.text(3));
  a.uploader_id = r.text(4);
  a.name = r.text(5);
  a.size_bytes = r.i64(6);
  a.content_type = r.text(7);
  a.sha256 = r.text(8);
  a.width = r.opt_i64(9);
  a.height = r.opt_i64(10);
  a.created_at_ms = r.i64(11);
  a.origin_id = r.opt_text(12).value_or("");
  if (with_chunks) {
    RUCHE_TRY(row.chunks, blob::unpack_chunks(r.bytes(13).data));
  }
  return row;
}

Result<std::vector<AttachmentRow>> attachments_where(db::Conn& c, const std::string& where, db::Params params) {
  std::vector<AttachmentRow> out;
  RUCHE_CHECK(c.try_each(
      std::string("SELECT ") + kAttachmentColumns + ", a.chunks FROM chat_attachments a " + where,
      params, [&](const db::Row& r) -> Result<void> {
        RUCHE_TRY(auto row, attachment_from(r, true));
        out.push_back(std::move(row));
        return {};
      }));
  return out;
}

Result<std::vector<Message>> messages_where(db::Conn& c, const std::string& where_and_order,
                                            db::Params params) {
  std::vector<Message> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kMessageColumns + " FROM chat_messages m " +
                         where_and_order,
                     params, [&](const db::Row& r) {
                       out.push_back(message_from(r));
                       return true;
                     }));
  return out;
}

}  // namespace

Result<std::optional<Channel>> channel(db::Conn& c, const ChannelId& id) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kChannelColumns +
                                      " FROM chat_channels c WHERE c.id = $1",
                                  {id}));
  if (!row) return std::optional<Channel>{};
  return std::optional<Channel>(channel_from(*row));
}

Result<std::optional<Channel>> direct_channel(db::Conn& c, const WorkspaceId& ws,
                                              const std::string& key) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kChannelColumns +
                                      " FROM chat_channels c WHERE c.workspace_id = $1 AND "
                                      "c.kind = 'direct' AND c.direct_key = $2",
                                  {ws, key}));
  if (!row) return std::optional<Channel>{};
  return std::optional<Channel>(channel_from(*row));
}

Result<void> insert_channel(db::Conn& c, const Channel& ch, const std::optional<std::string>& key) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_channels (id, workspace_id, kind, name, topic, direct_key, "
                   "created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   {ch.id, ch.workspace_id, to_string(ch.kind), ch.name, ch.topic, key,
                    ch.created_by, ch.created_at_ms}));
  return {};
}

Result<void> update_channel(db::Conn& c, const ChannelId& id, const std::optional<std::string>& name,
                            const std::optional<std::string>& topic,
                            std::optional<std::optional<std::int64_t>> archived_at_ms) {
  if (name) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE chat_channels SET name = $2 WHERE id = $1", {id, *name}));
  }
  if (topic) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE chat_channels SET topic = $2 WHERE id = $1", {id, *topic}));
  }
  if (archived_at_ms) {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE chat_channels SET archived_at_ms = $2 WHERE id = $1",
                                              {id, *archived_at_ms}));
  }
  return {};
}

Result<std::vector<Channel>> channels_for(db::Conn& c, const WorkspaceId& ws, const UserId& user,
                                          const ChannelId* only) {
  std::vector<Channel> out;
  std::vector<db::Param> params{ws, user};
  if (only) params.emplace_back(*only);
  // Unread counts stop at 100 ("99+"): a long-unread channel costs no more.
  RUCHE_CHECK(c.each(
      std::string("SELECT ") + kChannelColumns +
          ", cm.user_id, COALESCE(cm.last_read_seq, 0), "
          "(SELECT COUNT(*) FROM (SELECT 1 FROM chat_messages x WHERE x.channel_id = c.id AND "
          "x.seq > cm.last_read_seq AND x.author_id <> $2 AND x.deleted_at_ms IS NULL AND "
          "x.in_channel = 1 LIMIT 100) u), "
          "(SELECT COUNT(*) FROM (SELECT 1 FROM chat_mentions mm WHERE mm.channel_id = c.id AND "
          "mm.seq > cm.last_read_seq AND (mm.user_id = $2 OR (mm.user_id = '' AND cm.muted = 0)) "
          "LIMIT 100) v), COALESCE(cm.muted, 0) "
          "FROM chat_channels c LEFT JOIN chat_members cm ON cm.channel_id = c.id AND "
          "cm.user_id = $2 WHERE c.workspace_id = $1 AND (c.kind = 'public' OR cm.user_id IS NOT "
          "NULL)" +
          std::string(only ? " AND c.id = $3" : "") + " ORDER BY c.kind, c.name, c.id",
      params, [&](const db::Row& r) {
        Channel ch = channel_from(r);
        ch.joined = !r.is_null(10);
        ch.last_read_seq = r.i64(11);
        ch.unread = ch.joined ? r.i64(12) : 0;
        ch.mentions = ch.joined ? r.i64(13) : 0;
        ch.muted = r.i64(14) != 0;
        out.push_back(std::move(ch));
        return true;
      }));
  std::vector<std::size_t> direct;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].kind == ChannelKind::direct) direct.push_back(i);
  for (std::size_t i : direct) {
    RUCHE_TRY(out[i].member_ids, member_ids(c, out[i].id));
  }
  return out;
}

Result<std::int64_t> count_channels(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT COUNT(*) FROM chat_channels WHERE workspace_id = $1 AND kind <> 'direct'",
                  {ws}));
  return row ? row->i64(0) : 0;
}

Result<std::int64_t> count_direct(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT COUNT(*) FROM chat_members m JOIN chat_channels c ON c.id = m.channel_id "
                  "WHERE m.user_id = $1 AND c.workspace_id = $2 AND c.kind = 'direct'",
                  {user, ws}));
  return row ? row->i64(0) : 0;
}

Result<std::int64_t> next_seq(db::Conn& c, const ChannelId& id, std::int64_t now_ms) {
  // UPDATE then SELECT, not UPDATE ... RETURNING: SQLite buffers RETURNING
  // rows in an ephemeral table it creates and drops at every execution, which
  // cost more than the SELECT on the one thread all SQLite writes share.
  RUCHE_TRY(auto n, c.exec("UPDATE chat_channels SET last_seq = last_seq + 1, "
                           "last_message_at_ms = $2 WHERE id = $1 AND archived_at_ms IS NULL",
                           {id, now_ms}));
  if (n == 0) return fail(Errc::conflict, "the channel was archived", "archived");
  RUCHE_TRY(auto row, c.query_one("SELECT last_seq FROM chat_channels WHERE id = $1", {id}));
  if (!row) return fail(Errc::not_found, "no such channel");
  return row->i64(0);
}

Result<bool> is_member(db::Conn& c, const ChannelId& id, const UserId& user) {
  RUCHE_TRY(auto row,
            c.query_one("SELECT 1 FROM chat_members WHERE channel_id = $1 AND user_id = $2" +
                            std::string(c.for_update()),
                        {id, user}));
  return row.has_value();
}

Result<bool> add_member(db::Conn& c, const ChannelId& id, const std::string& user,
                        std::int64_t now_ms, std::int64_t last_read_seq) {
  RUCHE_TRY(auto n, c.exec("INSERT INTO chat_members (channel_id, user_id, joined_at_ms, "
                           "last_read_seq) VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id, "
                           "user_id) DO NOTHING",
                           {id, user, now_ms, last_read_seq}));
  return n == 1;
}

Result<bool> remove_member(db::Conn& c, const ChannelId& id, const std::string& user) {
  RUCHE_TRY(auto n, c.exec("DELETE FROM chat_members WHERE channel_id = $1 AND user_id = $2",
                           {id, user}));
  return n == 1;
}

Result<std::vector<std::string>> member_ids(db::Conn& c, const ChannelId& id) {
  std::vector<std::string> out;
  RUCHE_CHECK(c.each("SELECT user_id FROM chat_members WHERE channel_id = $1 ORDER BY user_id",
                     {id}, [&](const db::Row& r) {
                       out.push_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<bool> set_read(db::Conn& c, const ChannelId& id, const UserId& user, std::int64_t seq) {
  RUCHE_TRY(auto n, c.exec("UPDATE chat_members SET last_read_seq = $3 WHERE channel_id = $1 AND "
                           "user_id = $2 AND last_read_seq < $3",
                           {id, user, seq}));
  return n == 1;
}

Result<std::int64_t> read_position(db::Conn& c, const ChannelId& id, const UserId& user) {
  RUCHE_TRY(auto row, c.query_one("SELECT last_read_seq FROM chat_members WHERE channel_id = $1 AND user_id = $2",
                                  {id, user}));
  return row ? row->i64(0) : 0;
}

Result<bool> set_read_back(db::Conn& c, const ChannelId& id, const UserId& user, std::int64_t seq) {
  RUCHE_TRY(auto n, c.exec("UPDATE chat_members SET last_read_seq = $3 WHERE channel_id = $1 AND "
                           "user_id = $2 AND last_read_seq > $3",
                           {id, user, seq}));
  return n == 1;
}

Result<bool> set_muted(db::Conn& c, const ChannelId& id, const UserId& user, bool muted) {
  const std::int64_t value = muted ? 1 : 0;
  RUCHE_TRY(auto n, c.exec("UPDATE chat_members SET muted = $3 WHERE channel_id = $1 AND user_id = $2 AND "
                           "muted <> $3",
                           {id, user, value}));
  return n == 1;
}

Result<void> insert_message(db::Conn& c, const Message& m) {
  std::optional<std::string> thread;
  if (m.thread_id) thread = m.thread_id->str();
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, author_id, "
                   "thread_id, in_channel, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, "
                   "$7, $8, $9)",
                   {m.id, m.channel_id, m.workspace_id, m.seq, m.author_id, thread, m.in_channel,
                    m.body, m.created_at_ms}));
  return {};
}

Result<std::optional<Message>> message(db::Conn& c, const MessageId& id) {
  RUCHE_TRY(auto list, messages_where(c, "WHERE m.id = $1", {id}));
  if (list.empty()) return std::optional<Message>{};
  RUCHE_CHECK(decorate(c, list));
  return std::optional<Message>(std::move(list[0]));
}

Result<std::vector<Message>> timeline(db::Conn& c, const ChannelId& id, int limit,
                                      std::optional<std::int64_t> before_seq) {
  std::vector<Message> list;
  if (before_seq) {
    RUCHE_TRY(list, messages_where(c,
                                   "WHERE m.channel_id = $1 AND m.in_channel = 1 AND m.seq < $3 "
                                   "ORDER BY m.seq DESC LIMIT $2",
                                   {id, limit, *before_seq}));
  } else {
    RUCHE_TRY(list, messages_where(c,
                                   "WHERE m.channel_id = $1 AND m.in_channel = 1 "
                                   "ORDER BY m.seq DESC LIMIT $2",
                                   {id, limit}));
  }
  RUCHE_CHECK(decorate(c, list));
  return list;
}

Result<std::vector<Message>> timeline_after(db::Conn& c, const ChannelId& id, int limit,
                                            std::int64_t after_seq) {
  RUCHE_TRY(auto list, messages_where(c,
                                      "WHERE m.channel_id = $1 AND m.in_channel = 1 AND m.seq > $3 "
                                      "ORDER BY m.seq LIMIT $2",
                                      {id, limit, after_seq}));
  std::reverse(list.begin(), list.end());
  RUCHE_CHECK(decorate(c, list));
  return list;
}

Result<std::pair<std::int64_t, std::int64_t>> unread_totals(db::Conn& c, const WorkspaceId& ws,
                                                            const UserId& user) {
  RUCHE_TRY(auto list, channels_for(c, ws, user));
  std::int64_t unread = 0, mentions = 0;
  for (const auto& ch : list) {
    if (!ch.muted) unread += ch.unread;
    mentions += ch.mentions;
  }
  return std::make_pair(unread, mentions);
}

Result<std::vector<Message>> replies(db::Conn& c, const MessageId& root, int limit,
                                     std::optional<std::int64_t> before_seq) {
  std::vector<Message> list;
  if (before_seq) {
    RUCHE_TRY(list, messages_where(
                        c, "WHERE m.thread_id = $1 AND m.seq < $3 ORDER BY m.seq DESC LIMIT $2",
                        {root, limit, *before_seq}));
  } else {
    RUCHE_TRY(list, messages_where(c, "WHERE m.thread_id = $1 ORDER BY m.seq DESC LIMIT $2",
                                   {root, limit}));
  }
  std::reverse(list.begin(), list.end());
  RUCHE_CHECK(decorate(c, list));
  return list;
}

Result<std::vector<Message>> pinned(db::Conn& c, const ChannelId& id) {
  RUCHE_TRY(auto list,
            messages_where(c,
                           "WHERE m.channel_id = $1 AND m.pinned_at_ms IS NOT NULL AND "
                           "m.deleted_at_ms IS NULL ORDER BY m.pinned_at_ms DESC, m.id DESC LIMIT $2",
                           {id, kMaxPins}));
  RUCHE_CHECK(decorate(c, list));
  return list;
}

Result<void> decorate(db::Conn& c, std::vector<Message>& messages) {
  if (messages.empty()) return {};
  std::map<std::string, Message*> by_id;
  std::vector<db::Param> ids;
  ids.reserve(messages.size());
  for (auto& m : messages) {
    by_id[m.id.str()] = &m;
    ids.emplace_back(m.id.str());
  }
  std::string in = db::placeholders(1, ids.size());
  RUCHE_CHECK(c.each("SELECT message_id, emoji, user_id FROM chat_reactions WHERE message_id IN (" +
                         in + ") ORDER BY message_id, emoji, created_at_ms, user_id",
                     ids, [&](const db::Row& r) {
                       Message& m = *by_id[r.text(0)];
                       if (m.reactions.empty() || m.reactions.back().emoji != r.text(1))
                         m.reactions.push_back(Reaction{r.text(1), {}});
                       m.reactions.back().user_ids.push_back(r.text(2));
                       return true;
                     }));
  RUCHE_CHECK(c.each("SELECT message_id, user_id FROM chat_mentions WHERE message_id IN (" + in +
                         ") ORDER BY message_id, user_id",
                     ids, [&](const db::Row& r) {
                       by_id[r.text(0)]->mentions.push_back(r.text(1).empty() ? "channel" : r.text(1));
                       return true;
                     }));
  RUCHE_CHECK(c.each(std::string("SELECT ") + kAttachmentColumns + " FROM chat_attachments a WHERE a.message_id IN (" +
                         in + ") ORDER BY a.message_id, a.position",
                     ids, [&](const db::Row& r) {
                       auto row = attachment_from(r, false);
                       if (row) by_id[r.text(3)]->attachments.push_back(std::move(row->a));
                       return true;
                     }));
  return {};
}

Result<void> insert_attachment(db::Conn& c, const AttachmentRow& row) {
  const Attachment& a = row.a;
  db::Bytes packed{blob::pack_chunks(row.chunks)};
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_attachments (id, workspace_id, channel_id, message_id, uploader_id, name, "
                   "size, content_type, sha256, chunks, width, height, created_at_ms, origin_id) "
                   "VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                   {a.id, a.workspace_id, a.channel_id, a.uploader_id, a.name, a.size_bytes, a.content_type,
                    a.sha256, packed, a.width, a.height, a.created_at_ms,
                    a.origin_id.empty() ? db::Param(nullptr) : db::Param(a.origin_id)}));
  return {};
}

Result<std::optional<AttachmentRow>> attachment(db::Conn& c, const AttachmentId& id) {
  RUCHE_TRY(auto rows, attachments_where(c, "WHERE a.id = $1", {id}));
  if (rows.empty()) return std::optional<AttachmentRow>{};
  return std::optional<AttachmentRow>(std::move(rows.front()));
}

Result<bool> attach(db::Conn& c, const AttachmentId& id, const MessageId& mid, int position,
                    const std::string& uploader, const ChannelId& channel) {
  RUCHE_TRY(auto n, c.exec("UPDATE chat_attachments SET message_id = $2, position = $3 WHERE id = $1 AND "
                           "message_id IS NULL AND uploader_id = $4 AND channel_id = $5",
                           {id, mid, std::int64_t{position}, uploader, channel}));
  return n == 1;
}

Result<std::vector<AttachmentRow>> attachments_of(db::Conn& c, const MessageId& mid) {
  return attachments_where(c, "WHERE a.message_id = $1 ORDER BY a.position", {mid});
}

Result<std::vector<AttachmentRow>> unposted_before(db::Conn& c, std::int64_t cutoff_ms, int limit) {
  return attachments_where(c,
                           "WHERE a.message_id IS NULL AND a.created_at_ms < $1 ORDER BY a.created_at_ms "
                           "LIMIT " + std::to_string(limit),
                           {cutoff_ms});
}

Result<void> delete_attachment(db::Conn& c, const AttachmentId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM chat_attachments WHERE id = $1", {id}));
  return {};
}

Result<void> count_reply(db::Conn& c, const MessageId& root, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE chat_messages SET reply_count = reply_count + 1, last_reply_at_ms = $2 "
                   "WHERE id = $1",
                   {root, now_ms}));
  return {};
}

Result<void> set_body(db::Conn& c, const MessageId& id, const std::string& body, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE chat_messages SET body = $2, edited_at_ms = $3 WHERE id = $1",
                   {id, body, now_ms}));
  return {};
}

Result<void> mark_deleted(db::Conn& c, const MessageId& id, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE chat_messages SET body = '', attachments = '[]', deleted_at_ms = $2, "
                   "pinned_at_ms = NULL, pinned_by = NULL WHERE id = $1",
                   {id, now_ms}));
  RUCHE_TRY([[maybe_unused]] auto k, c.exec("DELETE FROM chat_reactions WHERE message_id = $1", {id}));
  return delete_mentions(c, id);
}

Result<void> set_pin(db::Conn& c, const MessageId& id, std::optional<std::int64_t> at_ms,
                     const std::string& by) {
  std::optional<std::string> who;
  if (at_ms) who = by;
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE chat_messages SET pinned_at_ms = $2, pinned_by = $3 WHERE id = $1",
                   {id, at_ms, who}));
  return {};
}

Result<std::int64_t> count_pins_locked(db::Conn& c, const ChannelId& id) {
  RUCHE_TRY(
      [[maybe_unused]] auto lock,
      c.query_one("SELECT 1 FROM chat_channels WHERE id = $1" + std::string(c.for_update()), {id}));
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM chat_messages WHERE channel_id = $1 AND "
                                  "pinned_at_ms IS NOT NULL AND deleted_at_ms IS NULL",
                                  {id}));
  return row ? row->i64(0) : 0;
}

Result<void> insert_mentions(db::Conn& c, const Message& m, const std::vector<std::string>& users,
                             bool channel) {
  for (const auto& u : users) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO chat_mentions (message_id, user_id, channel_id, seq) VALUES "
                     "($1, $2, $3, $4) ON CONFLICT (message_id, user_id) DO NOTHING",
                     {m.id, u, m.channel_id, m.seq}));
  }
  if (channel) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO chat_mentions (message_id, user_id, channel_id, seq) VALUES "
                     "($1, '', $2, $3) ON CONFLICT (message_id, user_id) DO NOTHING",
                     {m.id, m.channel_id, m.seq}));
  }
  return {};
}

Result<void> delete_mentions(db::Conn& c, const MessageId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM chat_mentions WHERE message_id = $1", {id}));
  return {};
}

Result<bool> add_reaction(db::Conn& c, const MessageId& id, const UserId& user,
                          const std::string& emoji, std::int64_t now_ms) {
  RUCHE_TRY(auto n, c.exec("INSERT INTO chat_reactions (message_id, user_id, emoji, created_at_ms) "
                           "VALUES ($1, $2, $3, $4) ON CONFLICT (message_id, emoji, user_id) DO "
                           "NOTHING",
                           {id, user, emoji, now_ms}));
  return n == 1;
}

Result<bool> remove_reaction(db::Conn& c, const MessageId& id, const UserId& user,
                             const std::string& emoji) {
  RUCHE_TRY(auto n, c.exec("DELETE FROM chat_reactions WHERE message_id = $1 AND user_id = $2 AND "
                           "emoji = $3",
                           {id, user, emoji}));
  return n == 1;
}

Result<std::int64_t> distinct_emoji(db::Conn& c, const MessageId& id) {
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(DISTINCT emoji) FROM chat_reactions WHERE "
                                  "message_id = $1",
                                  {id}));
  return row ? row->i64(0) : 0;
}

namespace {

// A search looks first among this many of the newest messages of the
// searcher's workspaces (PostgreSQL: see search()).
constexpr std::int64_t kRecentMessages = 5000;

// SQLite: words that match no more messages in the whole instance are
// looked for among all of them, not narrowed to the searcher's workspaces.
constexpr std::int64_t kFewMatches = 500;

// PostgreSQL: words estimated to match no more messages in the whole
// instance go to the full-text index at once (reading that many matches
// costs less than the first look's 5,000 messages).
constexpr std::int64_t kRareMatches = 2000;

SearchRow search_row(const db::Row& r) {
  SearchRow row;
  row.message_id = r.text(0);
  row.workspace_id = r.text(1);
  row.channel_id = r.text(2);
  row.author_id = r.text(3);
  row.created_at_ms = r.i64(4);
  row.thread_id = r.opt_text(5);
  row.in_channel = r.boolean(6);
  row.snippet = r.text(7);
  // Newest first on both backends. No relevance score: FTS5's bm25() reads
  // the whole posting list of every term to count documents, which made a
  // search for a common word cost its number of matches (p95 10.9 -> 2.8 ms
  // at 300,000 messages without it).
  row.rank = -static_cast<double>(row.created_at_ms);
  return row;
}

// How many messages the searcher's workspaces hold, at most, and the
// instance: their channels' last numbers (each message has its own number
// in its channel, so a channel holds no more than its last; summed by kind:
// each kind's channels have their own index by workspace, partial, which a
// sum over all kinds could not use, scanning the instance's channels); the
// table's last rowid on SQLite, its estimated rows on PostgreSQL (unknown,
// -1, on a table never analysed).
struct Sizes {
  std::int64_t mine = 0, all = -1;
  // Whether a search's full-text step should narrow to the searcher's
  // workspaces: when they hold a small part of the instance's messages, the
  // matches elsewhere are most of the index's; when they hold most, asking
  // for them too costs the index scan 2-4x (docs/benchmarks.md "Chat store").
  bool narrow() const { return all < 0 || mine * 4 < all; }
};

Result<Sizes> workspace_sizes(db::Conn& c, const std::vector<std::string>& workspaces) {
  const std::string instance = c.backend() == db::Backend::sqlite
                                   ? "SELECT MAX(rowid) FROM chat_messages"
                                   : "SELECT reltuples::bigint FROM pg_class WHERE oid = 'chat_messages'::regclass";
  const std::string channels = "SELECT COALESCE(SUM(last_seq), 0) FROM chat_channels WHERE workspace_id IN (" +
                               db::placeholders(1, workspaces.size()) + ") AND kind ";
  const std::string sql = "SELECT (" + channels + "<> 'direct') + (" + channels + "= 'direct'), (" + instance + ")";
  RUCHE_TRY(auto sizes, c.query_one(sql, std::vector<db::Param>(workspaces.begin(), workspaces.end())));
  // A SELECT without FROM answers one row; without it, "none" would end a
  // search among the newest.
  if (!sizes) return fail(Errc::internal, "no workspace sizes");
  Sizes out;
  out.mine = sizes->i64(0);
  if (!sizes->is_null(1)) out.all = sizes->i64(1);
  return out;
}

}  // namespace

Result<std::vector<SearchRow>> search(db::Conn& c, const UserId& user, const SearchQuery& q) {
  std::vector<SearchRow> out;
  if (q.workspaces.empty()) return out;
  std::vector<db::Param> params;
  bool sqlite = c.backend() == db::Backend::sqlite;
  std::string match;
  std::optional<double> share;  // PostgreSQL: of the instance's messages, estimated
  if (sqlite) {
    match = fts5_query(q.text);
  } else {
    // The words parsed once, here, and given to the search as a tsquery:
    // inside it, parsed from text, a cached generic plan parsed them again
    // for every message it read (docs/benchmarks.md, "Chat store").
    RUCHE_TRY(auto parsed,
              c.query_one(
                  "SELECT (f || e)::text, f::text, e::text FROM (SELECT "
                  "websearch_to_tsquery('french', $1) f, websearch_to_tsquery('english', $1) e) q",
                  {q.text}));
    if (parsed) {
      match = parsed->text(0);
      if (q.shares) share = estimated_share(*q.shares, parsed->text(1), parsed->text(2));
    }
  }
  if (match.empty()) return out;  // nothing but stop words or punctuation
  if (sqlite) {
    // The user's words match the body alone. Narrowed, the index itself
    // keeps the searcher's workspaces' messages (migration 0027): FTS5 walks
    // the workspaces' lists and the words' together.
    match = "body : (" + match + ")";
    RUCHE_TRY(const Sizes sizes, workspace_sizes(c, q.workspaces));
    // Narrowed, FTS5 walks the workspaces' lists beside the words' (each
    // workspace's at each match, and every entry of theirs): from many
    // workspaces holding many messages, when the words match few messages in
    // the whole instance, reading all of those costs less (from 40 workspaces
    // of 1,000 messages among 1,000,000: p95 23-26 -> 14-17 ms). Counted only
    // that far, newest first.
    bool rare = false;
    if (sizes.narrow() && q.workspaces.size() > db::kFewArms && sizes.mine > kRecentMessages) {
      RUCHE_TRY(auto past, c.query_one("SELECT rowid FROM chat_messages_fts WHERE chat_messages_fts MATCH $1 "
                                       "ORDER BY rowid DESC LIMIT 1 OFFSET $2",
                                       {match, kFewMatches - 1}));
      rare = !past;
    }
    if (sizes.narrow() && !rare) {
      std::string spaces;
      for (const auto& w : q.workspaces) {
        spaces += spaces.empty() ? "\"" : " OR \"";
        for (char ch : w) spaces += ch == '"' ? std::string("\"\"") : std::string(1, ch);  // an FTS5 string
        spaces += '"';
      }
      match = "workspace_id : (" + spaces + ") AND " + match;
    }
  }
  // Highlights between U+E000 and U+E001 (private use: never in real text).
  static const std::string kOpen = "\xee\x80\x80", kClose = "\xee\x80\x81";
  std::string headline_options = "StartSel=" + kOpen + ", StopSel=" + kClose +
                                 ", MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=…";
  params.emplace_back(match);            // $1
  params.emplace_back(user.str());       // $2
  params.emplace_back(q.limit);          // $3
  if (!sqlite) params.emplace_back(headline_options);  // $4
  std::size_t next = params.size() + 1;
  const std::size_t first_workspace = next;
  std::string ws_in = db::placeholders(next, q.workspaces.size());
  for (const auto& w : q.workspaces) params.emplace_back(w);
  next += q.workspaces.size();
  std::string filters;
  if (q.channel_id) {
    filters += " AND m.channel_id = $" + std::to_string(next++);
    params.emplace_back(*q.channel_id);
  }
  if (q.author_id) {
    filters += " AND m.author_id = $" + std::to_string(next++);
    params.emplace_back(*q.author_id);
  }
  if (q.from_ms) {
    filters += " AND m.created_at_ms >= $" + std::to_string(next++);
    params.emplace_back(*q.from_ms);
  }
  if (q.to_ms) {
    filters += " AND m.created_at_ms < $" + std::to_string(next++);
    params.emplace_back(*q.to_ms);
  }
  std::string visible =
      " JOIN chat_channels c ON c.id = m.channel_id LEFT JOIN chat_members cm ON cm.channel_id = "
      "c.id AND cm.user_id = $2 WHERE c.workspace_id IN (" +
      ws_in + ") AND (c.kind = 'public' OR cm.user_id IS NOT NULL) AND m.deleted_at_ms IS NULL";
  std::string sql;
  if (sqlite) {
    sql = "SELECT m.id, m.workspace_id, m.channel_id, m.author_id, m.created_at_ms, m.thread_id, "
          "m.in_channel, snippet(chat_messages_fts, 0, '" + kOpen +
          "', '" + kClose +
          "', '…', 16) FROM chat_messages_fts JOIN chat_messages m ON "
          "m.rowid = chat_messages_fts.rowid" +
          visible + " AND chat_messages_fts MATCH $1" + filters +
          // Newest first, as chat users expect: FTS5 walks its index in rowid
          // order and stops at the limit, whatever the number of matches.
          " ORDER BY chat_messages_fts.rowid DESC LIMIT $3";
  } else {
    // PostgreSQL looks first among the newest messages of the searcher's
    // workspaces (an index of live messages by workspace and time, migration
    // 0027; several workspaces' newest merged), where a common word is found
    // at once: its planner, given that index for the order, would otherwise
    // read every message by it when few match (1.2 s for a word found nowhere
    // at 1,000,000), and without it sort every match (0.6 s for a common
    // one). When fewer than the limit match there, its full-text index
    // answers (`+ 0`: not that index for the order) — unless the workspaces
    // hold no more messages than were read: then every one was.
    //
    // From many workspaces, that first look costs planning one arm each
    // (~0.15 ms an arm) and reads every message it merges, matching or not;
    // when they hold no more messages than it would read, the full-text
    // index, narrowed, reads only the matches (docs/benchmarks.md, "Chat
    // store": 200 workspaces of 25 messages).
    const std::string select =
        "SELECT m.id, m.workspace_id, m.channel_id, m.author_id, m.created_at_ms, m.thread_id, m.in_channel, "
        "ts_headline('french', m.body, $1::tsquery, $4) FROM ";
    std::optional<Sizes> sizes;
    if (q.workspaces.size() > db::kFewArms) {
      RUCHE_TRY(sizes, workspace_sizes(c, q.workspaces));
    }
    // Words that PostgreSQL's statistics say few messages of the whole
    // instance hold are not looked for among the newest, where they are
    // seldom found (the look then reads its 5,000 messages, ~15 ms, in
    // vain): the full-text index has them at once — when it would fetch
    // fewer messages than the first look would read (the limit's worth of
    // matches, at that share), and not many.
    bool first_look = !sizes || sizes->mine > kRecentMessages;
    if (share) {
      const double fetched = *share * q.shares->rows;
      const double read =
          std::min(static_cast<double>(kRecentMessages), q.limit / *share);  // a share of 0: all
      if (fetched <= static_cast<double>(kRareMatches) && fetched < read) {
        if (!sizes) {
          RUCHE_TRY(sizes, workspace_sizes(c, q.workspaces));
        }
        // Unless a few workspaces hold no more messages than it reads: it
        // reads them all, and the search ends there (1 ms for 400).
        first_look = sizes->mine <= kRecentMessages && q.workspaces.size() <= db::kFewArms;
      }
    }
    if (first_look) {
      params.emplace_back(kRecentMessages);
      const std::string newest_of = db::newest_of_each("chat_messages", "workspace_id", first_workspace,
                                                       q.workspaces.size(), "deleted_at_ms IS NULL", "created_at_ms",
                                                       "$" + std::to_string(params.size()));
      sql = select + newest_of + " m" + visible + " AND m.search @@ $1::tsquery" + filters +
            " ORDER BY m.created_at_ms DESC LIMIT $3";
      std::vector<SearchRow> newest;
      RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
        newest.push_back(search_row(r));
        return true;
      }));
      if (static_cast<int>(newest.size()) == q.limit) return newest;
      if (!sizes) {
        RUCHE_TRY(sizes, workspace_sizes(c, q.workspaces));
      }
      if (sizes->mine <= kRecentMessages) return newest;  // a small workspace's search ends here
      params.pop_back();
    }
    // Narrowed, the full-text index keeps the searcher's workspaces'
    // messages (its second column, migration 0027).
    sql = select + "chat_messages m" + visible + " AND m.search @@ $1::tsquery" +
          (sizes->narrow() ? " AND ARRAY[m.workspace_id] && ARRAY[" + ws_in + "]::text[]" : std::string()) + filters +
          " ORDER BY m.created_at_ms + 0 DESC LIMIT $3";
    // Planned for these words, not once for any: a generic plan expects a
    // few matches and joins each to its channel and membership one by one,
    // where a common word's thousands want hashing (3,408 matches in 200
    // workspaces: 51 -> 26 ms). Until the transaction ends.
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("SET LOCAL plan_cache_mode = force_custom_plan"));
  }
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(search_row(r));
    return true;
  }));
  return out;
}

Result<WordShares> word_shares(db::Conn& c) {
  WordShares out;
  if (c.backend() != db::Backend::postgres) return out;
  // The elements and their shares side by side; past the elements, the
  // shares array holds the least and the greatest share (their element
  // NULL). Each array read once: an element of pg_stats' arrays read per
  // row costs the whole array each time (270 ms against 3 ms).
  bool rarer_seen = false;
  RUCHE_CHECK(
      c.each("SELECT u.e, u.f::float8, (SELECT reltuples FROM pg_class WHERE oid = "
             "'chat_messages'::regclass)::float8 FROM pg_stats s CROSS JOIN LATERAL "
             "unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) WITH ORDINALITY "
             "u(e, f, i) "
             "WHERE s.schemaname = current_schema() AND s.tablename = 'chat_messages' AND "
             "s.attname = 'search' ORDER BY u.i",
             {}, [&](const db::Row& r) {
               if (r.is_null(1)) return true;
               out.rows = r.f64(2);
               if (!r.is_null(0)) {
                 out.common.emplace(r.text(0), r.f64(1));
               } else if (!rarer_seen) {
                 out.rarer = r.f64(1);
                 rarer_seen = true;
               }
               return true;
             }));
  if (!rarer_seen) out.common.clear();  // not statistics of this shape: none
  return out;
}

Result<int> index_pending(db::Conn& c, int limit) {
  if (c.backend() != db::Backend::sqlite) return 0;
  RUCHE_TRY(auto rows, c.query("SELECT message_rowid FROM chat_fts_queue ORDER BY message_rowid LIMIT $1",
                               {limit}));
  if (rows.empty()) return 0;
  std::int64_t first = rows.front().i64(0), last = rows.back().i64(0);
  // Deleted messages are skipped, and sealed ones (the triggers' predicate,
  // migration 0023); edited ones are indexed as they are now.
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_messages_fts (rowid, body, workspace_id) SELECT m.rowid, m.body, m.workspace_id FROM "
                   "chat_messages m JOIN chat_fts_queue q ON q.message_rowid = m.rowid WHERE "
                   "q.message_rowid BETWEEN $1 AND $2 AND m.deleted_at_ms IS NULL AND "
                   "substr(m.body, 1, 5) NOT IN ('e2e1:', 'e2e2:')",
                   {first, last}));
  RUCHE_TRY([[maybe_unused]] auto k,
            c.exec("DELETE FROM chat_fts_queue WHERE message_rowid BETWEEN $1 AND $2", {first, last}));
  return static_cast<int>(rows.size());
}

Result<int> search_segments(db::Conn& c) {
  if (c.backend() != db::Backend::sqlite) return 0;
  // FTS5's structure record (its row 10): a 4-byte cookie, then, from SQLite
  // 3.45 on, a 4-byte marker of its second version, then SQLite varints:
  // levels, segments, ... (fts5_index.c, "structure record").
  RUCHE_TRY(auto row, c.query_one("SELECT block FROM chat_messages_fts_data WHERE id = 10"));
  if (!row) return 0;
  const std::string& b = row->bytes(0).data;
  std::size_t i = 4;
  if (b.size() >= 8 && b.compare(4, 4, std::string("\xff\x00\x00\x01", 4)) == 0) i = 8;
  auto varint = [&]() -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    for (int k = 0; k < 9; ++k) {
      if (i >= b.size()) return std::nullopt;
      const auto byte = static_cast<unsigned char>(b[i++]);
      if (k == 8) return (v << 8) | byte;
      v = (v << 7) | (byte & 0x7f);
      if ((byte & 0x80) == 0) return v;
    }
    return std::nullopt;
  };
  const auto levels = varint(), segments = varint();
  if (!levels || !segments || *segments > 1'000'000) return fail(Errc::internal, "fts5: unreadable structure record");
  return static_cast<int>(*segments);
}

Result<int> tidy_search_index(db::Conn& c, int pages) {
  if (c.backend() != db::Backend::sqlite) return 0;
  // A negative count merges every segment, an incremental 'optimize'.
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_messages_fts (chat_messages_fts, rank) VALUES ('merge', $1)", {-pages}));
  return search_segments(c);
}

Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms) {
  json::object o;
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*), COUNT(DISTINCT author_id) FROM chat_messages "
                                  "WHERE workspace_id = $1 AND created_at_ms >= $2 AND "
                                  "deleted_at_ms IS NULL",
                                  {ws, since_ms}));
  o["messages"] = row ? row->i64(0) : 0;
  o["authors"] = row ? row->i64(1) : 0;
  RUCHE_TRY(auto ch, c.query_one("SELECT COUNT(*) FROM chat_channels WHERE workspace_id = $1 AND "
                                 "kind <> 'direct'",
                                 {ws}));
  o["channels"] = ch ? ch->i64(0) : 0;
  return o;
}

Result<void> import_message(db::Conn& c, const Message& m) {
  std::optional<std::string> thread;
  if (m.thread_id) thread = m.thread_id->str();
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, author_id, thread_id, in_channel, "
                   "body, created_at_ms, edited_at_ms, deleted_at_ms, reply_count, last_reply_at_ms, pinned_at_ms, "
                   "pinned_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                   {m.id, m.channel_id, m.workspace_id, m.seq, m.author_id, thread, m.in_channel, m.body,
                    m.created_at_ms, m.edited_at_ms, m.deleted_at_ms, m.reply_count, m.last_reply_at_ms,
                    m.pinned_at_ms, m.pinned_at_ms ? db::Param(m.pinned_by) : db::Param(nullptr)}));
  return {};
}

Result<void> set_counters(db::Conn& c, const ChannelId& id, std::int64_t last_seq,
                          std::optional<std::int64_t> last_message_at_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE chat_channels SET last_seq = $2, last_message_at_ms = $3 WHERE id = $1",
                   {id, last_seq, last_message_at_ms}));
  return {};
}

Result<json::array> export_channels(db::Conn& c, const WorkspaceId& ws) {
  json::array channels;
  std::map<std::string, std::size_t> index;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kChannelColumns +
                         " FROM chat_channels c WHERE c.workspace_id = $1 ORDER BY c.created_at_ms, c.id",
                     {ws}, [&](const db::Row& r) {
                       Channel ch = channel_from(r);
                       json::object o = to_json(ch);
                       o["members"] = json::array{};
                       index[ch.id.str()] = channels.size();
                       channels.push_back(std::move(o));
                       return true;
                     }));
  RUCHE_CHECK(c.each("SELECT m.channel_id, m.user_id, m.joined_at_ms, m.last_read_seq, m.muted FROM chat_members m "
                     "JOIN chat_channels c ON c.id = m.channel_id WHERE c.workspace_id = $1 ORDER BY m.user_id",
                     {ws}, [&](const db::Row& r) {
                       json::object m;
                       m["user_id"] = r.text(1);
                       m["joined_at"] = format_iso8601(r.i64(2));
                       m["last_read_seq"] = r.i64(3);
                       m["muted"] = r.i64(4) != 0;
                       channels[index[r.text(0)]].as_object()["members"].as_array().push_back(std::move(m));
                       return true;
                     }));
  return channels;
}

Result<std::vector<Message>> messages_after(db::Conn& c, const ChannelId& channel, std::int64_t after_seq, int limit) {
  RUCHE_TRY(auto page, messages_where(c, "WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT " +
                                             std::to_string(limit),
                                      {channel, after_seq}));
  RUCHE_CHECK(decorate(c, page));
  return page;
}

Result<std::vector<AttachmentRow>> attachments_of(db::Conn& c, const std::vector<Message>& messages) {
  if (messages.empty()) return std::vector<AttachmentRow>{};
  std::vector<db::Param> ids;
  ids.reserve(messages.size());
  for (const auto& m : messages) ids.emplace_back(m.id.str());
  return attachments_where(c, "WHERE a.message_id IN (" + db::placeholders(1, ids.size()) +
                                  ") ORDER BY a.message_id, a.position",
                           ids);
}

}  // namespace ruche::chat::store
