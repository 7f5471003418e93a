// Chat's SQL: the only file that knows chat's tables. Every function runs
// inside the caller's read() or write() transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/blob/blob.hpp"
#include "core/db/database.hpp"
#include "modules/chat/chat.hpp"
#include "modules/chat/query.hpp"

namespace ruche::chat::store {

// Channels.
Result<std::optional<Channel>> channel(db::Conn& c, const ChannelId& id);
Result<std::optional<Channel>> direct_channel(db::Conn& c, const WorkspaceId& ws,
                                              const std::string& key);
Result<void> insert_channel(db::Conn& c, const Channel& ch, const std::optional<std::string>& direct_key);
Result<void> update_channel(db::Conn& c, const ChannelId& id, const std::optional<std::string>& name,
                            const std::optional<std::string>& topic,
                            std::optional<std::optional<std::int64_t>> archived_at_ms);
// The channels `user` sees in `ws` (public ones, and those they belong to),
// with their read state.
// `only`: that channel alone (none when the user may not see it).
Result<std::vector<Channel>> channels_for(db::Conn& c, const WorkspaceId& ws, const UserId& user,
                                          const ChannelId* only = nullptr);
// How many channels (public and private) `ws` has; how many direct
// conversations `user` is in there.
Result<std::int64_t> count_channels(db::Conn& c, const WorkspaceId& ws);
Result<std::int64_t> count_direct(db::Conn& c, const WorkspaceId& ws, const UserId& user);
// Takes the channel's next message number. Errors: conflict "archived" (an
// archived channel takes no message).
Result<std::int64_t> next_seq(db::Conn& c, const ChannelId& id, std::int64_t now_ms);

// Members.
// Inside a write, the member's row is locked until the write ends
// (Conn::for_update): a removal waits for the write, or the write sees it.
Result<bool> is_member(db::Conn& c, const ChannelId& id, const UserId& user);
// Adds `user` (no-op when already there); true when added.
Result<bool> add_member(db::Conn& c, const ChannelId& id, const std::string& user,
                        std::int64_t now_ms, std::int64_t last_read_seq);
Result<bool> remove_member(db::Conn& c, const ChannelId& id, const std::string& user);
// Sorted user ids.
Result<std::vector<std::string>> member_ids(db::Conn& c, const ChannelId& id);
// Moves the read position forward only; true when it moved.
Result<bool> set_read(db::Conn& c, const ChannelId& id, const UserId& user, std::int64_t seq);
// A member's read position (0 when not a member).
Result<std::int64_t> read_position(db::Conn& c, const ChannelId& id, const UserId& user);
// Moves the read position back to `seq` (mark as unread); true when it moved.
Result<bool> set_read_back(db::Conn& c, const ChannelId& id, const UserId& user, std::int64_t seq);
// Mutes or unmutes the channel for a member; true when that changed it.
Result<bool> set_muted(db::Conn& c, const ChannelId& id, const UserId& user, bool muted);

// Messages.
Result<void> insert_message(db::Conn& c, const Message& m);
Result<std::optional<Message>> message(db::Conn& c, const MessageId& id);
// The channel's timeline (roots and replies sent to the channel), newest
// first, before `before_seq` when given.
Result<std::vector<Message>> timeline(db::Conn& c, const ChannelId& id, int limit,
                                      std::optional<std::int64_t> before_seq);
// The timeline after `after_seq` (the `limit` oldest of them), newest first.
Result<std::vector<Message>> timeline_after(db::Conn& c, const ChannelId& id, int limit,
                                            std::int64_t after_seq);
// A thread's replies, oldest first: the latest `limit` of them, or the
// `limit` before `before_seq` when given.
Result<std::vector<Message>> replies(db::Conn& c, const MessageId& root, int limit,
                                     std::optional<std::int64_t> before_seq);
Result<std::vector<Message>> pinned(db::Conn& c, const ChannelId& id);
// Fills reactions and mentions of `messages` (two queries, whatever their number).
Result<void> decorate(db::Conn& c, std::vector<Message>& messages);
Result<void> count_reply(db::Conn& c, const MessageId& root, std::int64_t now_ms);
Result<void> set_body(db::Conn& c, const MessageId& id, const std::string& body, std::int64_t now_ms);
Result<void> mark_deleted(db::Conn& c, const MessageId& id, std::int64_t now_ms);
Result<void> set_pin(db::Conn& c, const MessageId& id, std::optional<std::int64_t> at_ms,
                     const std::string& by);
// How many messages of the channel are pinned (not deleted), the channel
// locked to the end of the transaction: two pins at once count each other.
Result<std::int64_t> count_pins_locked(db::Conn& c, const ChannelId& id);
Result<void> insert_mentions(db::Conn& c, const Message& m, const std::vector<std::string>& users,
                             bool channel);
Result<void> delete_mentions(db::Conn& c, const MessageId& id);

// Attachments (decorate() fills messages' ones).
struct AttachmentRow {
  Attachment a;
  std::vector<blob::ChunkRef> chunks;
};
Result<void> insert_attachment(db::Conn& c, const AttachmentRow& row);
Result<std::optional<AttachmentRow>> attachment(db::Conn& c, const AttachmentId& id);
// Posts an unposted upload of `uploader` in `channel` with message `mid`, at
// `position`; false when it is not such an upload (any more).
Result<bool> attach(db::Conn& c, const AttachmentId& id, const MessageId& mid, int position,
                    const std::string& uploader, const ChannelId& channel);
Result<std::vector<AttachmentRow>> attachments_of(db::Conn& c, const MessageId& mid);
// Uploads never posted, created before `cutoff_ms`, oldest first.
Result<std::vector<AttachmentRow>> unposted_before(db::Conn& c, std::int64_t cutoff_ms, int limit);
Result<void> delete_attachment(db::Conn& c, const AttachmentId& id);

// Reactions. add: false when it was already there.
Result<bool> add_reaction(db::Conn& c, const MessageId& id, const UserId& user,
                          const std::string& emoji, std::int64_t now_ms);
Result<bool> remove_reaction(db::Conn& c, const MessageId& id, const UserId& user,
                             const std::string& emoji);
Result<std::int64_t> distinct_emoji(db::Conn& c, const MessageId& id);

struct SearchRow {
  std::string message_id;
  std::string workspace_id;
  std::string channel_id;
  std::string author_id;
  std::int64_t created_at_ms = 0;
  std::optional<std::string> thread_id;
  bool in_channel = true;
  std::string snippet;  // matches between U+E000 and U+E001
  double rank = 0;      // lower is better: minus the time, newest first
};

struct SearchQuery {
  std::string text;                        // the user's words
  std::vector<std::string> workspaces;     // where chat is readable
  std::optional<std::string> channel_id;
  std::optional<std::string> author_id;
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;
  int limit = 20;
  // PostgreSQL: its statistics of the words (word_shares()), when known.
  std::shared_ptr<const WordShares> shares;
};

// Messages matching `q` in channels `user` may see.
Result<std::vector<SearchRow>> search(db::Conn& c, const UserId& user, const SearchQuery& q);

// PostgreSQL's statistics of the messages' words, as its last ANALYZE left
// them (empty before any, and on SQLite).
Result<WordShares> word_shares(db::Conn& c);

// Indexes up to `limit` queued messages for full-text search (SQLite; a
// no-op on PostgreSQL, whose index is maintained by the row itself).
// Returns how many queued messages were handled.
Result<int> index_pending(db::Conn& c, int limit);

// The full-text index's segments (SQLite's FTS5 b-trees, which a search
// looks each word up in; 0 on PostgreSQL). Each indexing transaction adds
// one, and FTS5 merges them by size, leaving about ten as the index grows.
Result<int> search_segments(db::Conn& c);

// One step of merging the full-text index's segments into one (SQLite):
// about `pages` pages of it written (FTS5's incremental 'merge'). Returns the
// segments left.
Result<int> tidy_search_index(db::Conn& c, int pages);

// Unread messages and mentions over the channels `user` has joined in `ws`
// (each channel capped at 100, like channels_for()).
Result<std::pair<std::int64_t, std::int64_t>> unread_totals(db::Conn& c, const WorkspaceId& ws,
                                                            const UserId& user);

// Activity since a time (reports).
Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms);
// Exports (reversibility): the workspace's channels, oldest first, each with
// `members` [{user_id, joined_at, last_read_seq, muted}]; up to `limit`
// messages of a channel after `after_seq`, by seq, decorated; the posted
// attachments of these messages, with their chunks.
Result<json::array> export_channels(db::Conn& c, const WorkspaceId& ws);
Result<std::vector<Message>> messages_after(db::Conn& c, const ChannelId& channel, std::int64_t after_seq, int limit);
Result<std::vector<AttachmentRow>> attachments_of(db::Conn& c, const std::vector<Message>& messages);
// Imports: a message with every stored field as exported (edits, deletion,
// replies, pin); a channel's numbering and last activity.
Result<void> import_message(db::Conn& c, const Message& m);
Result<void> set_counters(db::Conn& c, const ChannelId& id, std::int64_t last_seq,
                          std::optional<std::int64_t> last_message_at_ms);

}  // namespace ruche::chat::store
