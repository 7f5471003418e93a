// Chat: channels, direct conversations, threads, mentions, reactions, pins,
// read state and search. What other modules may include.
//
// Attachments: uploaded to a channel first (raw bytes, streamed into the
// platform's Blobs), then posted with a message by their uploader; deleting
// the message releases them; uploads not posted within a day are purged.
//
// Events (module "chat", scoped to the channel: only its members see them):
//   channel.created, channel.updated, channel.member_added, channel.member_removed,
//   message.created, message.updated, message.deleted,
//   reaction.added, reaction.removed, message.pinned, message.unpinned,
//   channel.read (audience: the reader only), chat.typing (ephemeral).
// Public channels' creation and changes are seen by every member with a
// read right on chat; their messages by the channel's members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/id.hpp"
#include "base/json.hpp"
#include "platform/registry.hpp"

namespace ruche::chat {

using ChannelId = Id<struct ChannelIdTag>;
using MessageId = Id<struct MessageIdTag>;
using AttachmentId = Id<struct AttachmentIdTag>;

enum class ChannelKind { public_channel, private_channel, direct };

struct Channel {
  ChannelId id;
  WorkspaceId workspace_id;
  ChannelKind kind = ChannelKind::public_channel;
  std::string name;
  std::string topic;
  bool archived = false;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t last_seq = 0;
  std::optional<std::int64_t> last_message_at_ms;
  // For the caller:
  bool joined = false;
  std::int64_t last_read_seq = 0;
  std::int64_t unread = 0;     // messages from others after last_read_seq (capped at 100)
  std::int64_t mentions = 0;   // of the caller (or @channel, unless muted) after last_read_seq
  bool muted = false;          // left out of the workspace's unread total
  std::vector<std::string> member_ids;  // direct conversations: who is in it
};

struct Reaction {
  std::string emoji;
  std::vector<std::string> user_ids;
};

// A file uploaded to a channel, then posted with a message. Images (PNG,
// JPEG, GIF, WebP recognised from their bytes) have a width and a height.
struct Attachment {
  AttachmentId id;
  WorkspaceId workspace_id;
  ChannelId channel_id;
  std::optional<MessageId> message_id;  // none until posted
  std::string uploader_id;
  std::string name;                     // NFC, validated like a file name
  std::int64_t size_bytes = 0;
  std::string content_type;
  std::string sha256;                   // hex, of the content
  std::optional<std::int64_t> width, height;
  std::int64_t created_at_ms = 0;
  // Imported into an armoured workspace: the id its sealed message names it
  // by, its id where it was sealed (docs/armoured.md); empty otherwise.
  std::string origin_id;
  bool is_image() const { return width.has_value(); }
};

struct Message {
  MessageId id;
  ChannelId channel_id;
  WorkspaceId workspace_id;
  std::int64_t seq = 0;
  std::string author_id;
  std::optional<MessageId> thread_id;
  bool in_channel = true;
  std::string body;            // Markdown; "" once deleted
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> edited_at_ms;
  std::optional<std::int64_t> deleted_at_ms;
  std::int64_t reply_count = 0;
  std::optional<std::int64_t> last_reply_at_ms;
  std::optional<std::int64_t> pinned_at_ms;
  std::string pinned_by;
  std::vector<Reaction> reactions;
  std::vector<std::string> mentions;  // user ids; "channel" for @channel
  std::vector<Attachment> attachments;  // in the order they were posted
};

std::string_view to_string(ChannelKind k);
json::object to_json(const Channel& c);
json::object to_json(const Message& m);
// {id, name, size, content_type, width, height, image?: {width, height}}.
json::object to_json(const Attachment& a);

// Bounds.
inline constexpr std::size_t kMaxBodyBytes = 16 * 1024;
inline constexpr std::size_t kMaxNameBytes = 80;
inline constexpr std::size_t kMaxDirectMembers = 8;
inline constexpr int kMaxPageSize = 200;
// Replies a thread's page holds when the request does not say.
inline constexpr int kThreadPageSize = 100;
inline constexpr std::size_t kMaxAttachments = 10;  // per message
inline constexpr std::size_t kMaxMentions = 50;     // people, per message
inline constexpr std::size_t kMaxReactionKinds = 50;  // different emoji, per message
inline constexpr std::int64_t kMaxPins = 100;         // pinned messages, per channel
inline constexpr std::int64_t kDefaultMaxAttachmentBytes = 100LL << 20;
inline constexpr std::int64_t kUnpostedTtlMs = 24LL * 3'600'000;  // then an upload is purged

// The module's declaration (name, routes, hooks) for the registry.
platform::ModuleDef module();

}  // namespace ruche::chat
