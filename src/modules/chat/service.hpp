// Chat's rules: who may see and do what, validation, events, audit.
// No HTTP, no SQL (store.hpp). Thread-safe; every call blocks (database):
// worker threads only.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/function_ref.hpp"
#include "modules/chat/chat.hpp"
#include "modules/chat/store.hpp"
#include "platform/maintenance.hpp"
#include "platform/platform.hpp"

namespace ruche::chat {

struct NewChannel {
  std::string name;
  std::string topic;
  bool is_private = false;
  std::vector<std::string> member_ids;  // private channels: the first members
};

struct ChannelChange {
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<bool> archived;
};

struct Settings {
  std::int64_t max_attachment_bytes = kDefaultMaxAttachmentBytes;  // per upload; 413 beyond
  std::int64_t maintenance_every_ms = 600'000;  // unposted uploads purged; 0: only maintain()
  // SQLite: the search index's segments merged into one when the indexer is
  // idle, at most this often (tidy_search_index()); 0: never.
  std::int64_t search_tidy_every_ms = 3'600'000;
  // Channels (public and private) per workspace, and direct conversations
  // per person and workspace: what a channel list holds, at most. 409
  // "too_many_channels" beyond.
  std::int64_t max_channels = 10'000;
  std::int64_t max_direct_per_person = 2'000;
};

// Reads the module's settings from the platform configuration ("chat").
Settings settings_from(const platform::PlatformConfig& config);

// Pulls an upload's body: fills `buf` with up to `size` bytes, 0 at the end.
using Source = std::function<Result<std::size_t>(char* buf, std::size_t size)>;

// Who a sealed message mentions, which the server cannot read in its body:
// armoured workspaces only (docs/armoured.md); elsewhere the body says it.
struct SealedMentions {
  std::vector<std::string> users;
  bool channel = false;  // @channel
};

struct Post {
  // Markdown; may be empty when there are attachments. In an armoured
  // workspace, a sealed text ("e2e1:…", platform/armour.hpp).
  std::string body;
  std::vector<AttachmentId> attachment_ids;  // the poster's own unposted uploads in the channel
  std::optional<MessageId> thread_id;
  bool also_in_channel = false;  // a reply that also shows in the channel
  std::optional<SealedMentions> mentions;
};

// The rules every channel name (1-80 bytes, not blank) and reaction emoji
// (1-32 bytes, no spaces or controls) follow, wherever they come from.
Result<std::string> check_channel_name(std::string_view name);
Result<std::string> check_emoji(std::string_view e);

class Service {
 public:
  explicit Service(platform::Platform& p, Settings settings = {});
  ~Service();

  // Errors everywhere: not_found for anything the caller may not see (a
  // private channel they are not in, a workspace without chat for them),
  // forbidden for read-only members who write, conflict for archived
  // channels and duplicate names, invalid for bad input.
  Result<Channel> create_channel(const platform::Caller& caller, const WorkspaceId& ws,
                                 const NewChannel& spec);
  Result<std::vector<Channel>> channels(const platform::Caller& caller, const WorkspaceId& ws);
  Result<Channel> channel(const platform::Caller& caller, const ChannelId& id);
  Result<Channel> change_channel(const platform::Caller& caller, const ChannelId& id,
                                 const ChannelChange& change);
  // Opens (or finds) the direct conversation between the caller and `users`
  // (1 to 7 other members of the workspace).
  Result<Channel> open_direct(const platform::Caller& caller, const WorkspaceId& ws,
                              std::vector<std::string> users);

  Result<void> join(const platform::Caller& caller, const ChannelId& id);
  Result<void> leave(const platform::Caller& caller, const ChannelId& id);
  // Private channels: members add members; the creator, workspace managers or
  // the person themself remove.
  Result<void> add_member(const platform::Caller& caller, const ChannelId& id, const UserId& user);
  Result<void> remove_member(const platform::Caller& caller, const ChannelId& id, const UserId& user);
  Result<std::vector<std::string>> members(const platform::Caller& caller, const ChannelId& id);
  // The own key of a private channel or direct conversation in an armoured
  // workspace (docs/armoured.md, "Channel keys"), for its members: its
  // state, and envelopes they add (platform::Armour). Errors: not_found for
  // whoever may not see the channel; conflict "not_armoured",
  // "workspace_key" (a public channel), and Armour's.
  Result<platform::ArmourState> channel_keys(const platform::Caller& caller, const ChannelId& id);
  Result<platform::ArmourState> add_channel_envelopes(const platform::Caller& caller, const ChannelId& id,
                                                      const platform::EnvelopesIn& in);

  // A message, with up to kMaxAttachments of the caller's unposted uploads
  // in this channel (invalid "invalid_attachments" for anything else: an
  // unknown id, someone else's upload, one posted already or elsewhere).
  Result<Message> post(const platform::Caller& caller, const ChannelId& id, const Post& post);

  // Streams an upload into the workspace's blobs (write right on the channel),
  // then records it, unposted. `name` is validated like a file name. Images
  // are recognised from their bytes. Errors: too_large
  // ("attachment_too_large") past max_attachment_bytes; invalid
  // ("incomplete_body") when fewer bytes than `expected_bytes` arrived; the
  // body's and the store's errors.
  Result<Attachment> upload(const platform::Caller& caller, const ChannelId& id, std::string_view name,
                            const Source& body, std::optional<std::uint64_t> expected_bytes);
  struct OpenedAttachment {
    Attachment attachment;
    std::vector<blob::ChunkRef> chunks;
    blob::KeysPtr keys;
  };
  // A posted attachment for whoever may read its channel; an unposted one
  // for its uploader only; not_found otherwise.
  Result<OpenedAttachment> open_attachment(const platform::Caller& caller, const AttachmentId& id);
  Result<std::uint64_t> read_attachment(const OpenedAttachment& o, std::uint64_t offset, std::uint64_t length,
                                        FunctionRef<Result<void>(std::string_view)> sink);
  // The same bytes when the chunk cache holds them (Blobs::cached); never blocks.
  SharedBytes cached_attachment(const OpenedAttachment& o, std::uint64_t offset, std::uint64_t length);
  // The uploader drops an upload not posted yet (conflict once posted).
  Result<void> discard_attachment(const platform::Caller& caller, const AttachmentId& id);
  // Purges uploads not posted within kUnpostedTtlMs, then asks the platform
  // to collect unreferenced chunks. Returns how many uploads went.
  Result<std::int64_t> maintain();
  // The workspace's chat in its export (platform/export.hpp), read in the
  // export's transaction `c`: channels, messages page by page, posted
  // attachments' bytes.
  Result<void> export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                std::int64_t now_ms);
  // Reads it back into a new workspace (import.cpp; platform/import.hpp).
  Result<std::unique_ptr<platform::ModuleImport>> importer(const platform::ImportContext& ctx);
  const Settings& settings() const { return settings_; }
  // The channel's timeline, newest first: the latest `limit` messages, or
  // those before `before`, or after `after`, or around `around` (half older,
  // half newer, the message itself included).
  struct Page {
    std::optional<MessageId> before, after, around;
  };
  Result<std::vector<Message>> messages(const platform::Caller& caller, const ChannelId& id, int limit,
                                        const Page& page);
  // Unread messages and mentions over the caller's channels in `ws`.
  Result<std::pair<std::int64_t, std::int64_t>> unread(const platform::Caller& caller,
                                                       const WorkspaceId& ws);
  // A thread: its first message, then replies oldest first — the latest
  // `limit`, or the `limit` before the reply `before`.
  Result<std::vector<Message>> thread(const platform::Caller& caller, const MessageId& root,
                                      int limit, const std::optional<MessageId>& before);
  Result<Message> message(const platform::Caller& caller, const MessageId& id);
  // The author edits; the author or a workspace owner/admin deletes.
  Result<Message> edit(const platform::Caller& caller, const MessageId& id, const std::string& body,
                       const std::optional<SealedMentions>& mentions = std::nullopt);
  Result<void> remove(const platform::Caller& caller, const MessageId& id);
  Result<Message> react(const platform::Caller& caller, const MessageId& id, const std::string& emoji,
                        bool add);
  Result<Message> pin(const platform::Caller& caller, const MessageId& id, bool pinned);
  Result<std::vector<Message>> pins(const platform::Caller& caller, const ChannelId& id);
  // Marks the channel read up to `seq` (default: its last message).
  Result<std::int64_t> mark_read(const platform::Caller& caller, const ChannelId& id,
                                 std::optional<std::int64_t> seq);
  // Marks a message and what follows it unread for the caller (a member of
  // its channel): the read position moves back to just before it, never
  // forward. Returns the channel and the new position.
  Result<std::pair<ChannelId, std::int64_t>> mark_unread(const platform::Caller& caller, const MessageId& id);
  // Mutes the channel for the caller (a member) or unmutes it.
  Result<void> set_muted(const platform::Caller& caller, const ChannelId& id, bool muted);

  Result<std::vector<platform::SearchHit>> search(db::Conn& c, const platform::Caller& caller,
                                                  const std::vector<WorkspaceId>& readable,
                                                  std::string_view query,
                                                  const std::map<std::string, std::string>& filters,
                                                  int limit);
  // "chat.typing" from a client: an ephemeral event to the channel's members.
  void client_message(const platform::Caller& caller, const platform::WorkspaceAccess& access,
                      std::string_view type, const json::object& message);
  // Indexes every message still waiting for full-text search (tests, and
  // the background indexer, which runs it ~100 ms after posts); returns how
  // many it indexed.
  Result<std::int64_t> flush_search_index();
  // Indexes what posts have queued, unless known done (cheap then): a search
  // calls it first, so one finds what one just posted. Returns how many.
  Result<std::int64_t> index_queued();
  // Merges the search index's segments into one (SQLite; PostgreSQL's needs
  // nothing), in steps of 10-15 ms on the writer, each followed by four times
  // its length of pause, and what posts queue meanwhile indexed first.
  // FTS5 leaves about ten segments as the index grows, and a search looks
  // each of its words (and workspaces) up in every one (docs/benchmarks.md,
  // "Chat store"). The indexer runs it when idle, at most every
  // settings_.search_tidy_every_ms, once at least 4 segments and 1 % more
  // messages than at the last run make it worth rewriting the index.
  Result<void> tidy_search_index();

  // Members of a channel (sorted), cached; null for unknown channels.
  std::shared_ptr<const std::vector<std::string>> scope_members(const std::string& channel_id);
  // `user` is no longer a member of `ws` (platform::ModuleDef::member_left),
  // in that transaction: they leave its public and private channels, as if
  // they had left each (channel.member_removed), so that being invited
  // again later does not reopen a private channel. Direct conversations are
  // theirs and stay.
  Result<void> member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user);

 private:
  struct Access {
    Channel channel;
    platform::WorkspaceAccess workspace;
    bool member = false;
  };
  // The channel as `caller` may reach it with `need`, or not_found/forbidden.
  Result<Access> reach(db::Conn& c, const platform::Caller& caller, const ChannelId& id,
                       platform::Access need);
  // A private or direct channel of an armoured workspace, for its members.
  Result<Access> reach_keys(db::Conn& c, const platform::Caller& caller, const ChannelId& id);
  Result<Message> load_message(db::Conn& c, const MessageId& id);
  // A message's body and who it mentions, as stored: in a plain workspace
  // the body checked and its mentions parsed (`sealed` must be empty); in an
  // armoured one the sealed text's form and author signature checked
  // (platform::Armour::verify_sealed; the key generation is the write
  // transaction's to check) and `sealed` taken as the mentions.
  struct Body {
    std::string text;
    std::vector<std::string> mentioned;
    bool at_channel = false;
    std::int64_t generation = 0;  // of a sealed text
    int version = 0;              // of a sealed text: 2 carries what opens attachments
  };
  Result<Body> check_text(db::Conn& c, const Access& a, const UserId& author, const std::string& body,
                          const std::optional<SealedMentions>& sealed);
  // A message with attachments in an armoured workspace is sealed as
  // version 2, which carries their keys. Errors: invalid "invalid_attachments".
  static Result<void> opens_attachments(const Access& a, const Body& body);
  // The message and its channel as `caller` may reach them; a message in a
  // channel they may not see is "no such message", like a missing one.
  Result<std::pair<Message, Access>> reach_message(db::Conn& c, const platform::Caller& caller,
                                                   const MessageId& id, platform::Access need);
  Result<std::int64_t> emit(db::Conn& c, const Channel& ch, std::string_view type,
                            const json::value& data);
  // channel.read to the caller's own clients: their read position is `seq`.
  Result<void> read_moved(db::Conn& c, const platform::Caller& caller, const Channel& ch, std::int64_t seq,
                          bool back);
  void forget_members(const std::string& channel_id);
  // Takes `user` out of channel `id` in `c`'s transaction, with its event;
  // false when they were not in it.
  Result<bool> drop_member(db::Conn& c, const WorkspaceId& ws, const ChannelId& id, const UserId& user);

  // Releases attachments' chunks and deletes their rows.
  Result<void> drop_attachments(db::Conn& c, const WorkspaceId& ws, const std::vector<store::AttachmentRow>& rows);

  platform::Platform& p_;
  Settings settings_;
  // The module's hooks may outlive the platform object (the registry owns
  // them): the destructor only touches the bus, which outlives both.
  bus::Bus& bus_;
  std::uint64_t subscription_ = 0;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<std::string>>> members_;
  std::uint64_t members_generation_ = 0;  // bumped by every forget_members()
  // Typing indicators: at most one per user and channel every 3 s.
  std::unordered_map<std::string, std::int64_t> typing_at_;
  // PostgreSQL's statistics of the messages' words (store::word_shares()),
  // read again every 10 minutes; ANALYZE changes them that slowly at most.
  Result<std::shared_ptr<const store::WordShares>> word_shares(db::Conn& c);
  std::shared_ptr<const store::WordShares> shares_;
  std::chrono::steady_clock::time_point shares_at_{};

  // The search indexer: woken after posts, indexes in batches.
  void index_loop();
  std::mutex index_mu_;
  std::condition_variable index_cv_;
  bool index_wanted_ = true;  // index what a previous run queued
  bool stopping_ = false;
  std::thread indexer_;
  // Posts committed, and how many of them are known indexed: a search first
  // indexes what is still queued, so one finds what one just posted.
  std::atomic<std::uint64_t> posts_queued_{1};  // 1: what a previous run queued
  std::atomic<std::uint64_t> posts_indexed_{0};
  // The indexer's last tidy_search_index(): when, and the messages' last
  // rowid then.
  Result<void> tidy_when_due();
  std::optional<std::chrono::steady_clock::time_point> tidied_at_;
  std::int64_t tidied_rowid_ = 0;

  // Maintenance (unposted uploads), every settings_.maintenance_every_ms.
  std::unique_ptr<platform::PeriodicTask> maintenance_;
};

}  // namespace ruche::chat
