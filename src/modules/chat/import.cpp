// Chat's side of a workspace import (platform/import.hpp): reads back what
// Service::export_workspace wrote. chat/channels.json comes first (channels
// and their members' read state), then per channel its attachments' bytes
// (stored as they come) and its pages of messages, each page one
// transaction: messages with their threads, edits, deletions, pins,
// reactions, mentions and attachments (checked against their records).
#include <algorithm>
#include <map>
#include <set>

#include "core/crypto/random.hpp"
#include "modules/chat/service.hpp"
#include "platform/file_names.hpp"
#include "platform/import.hpp"

namespace ruche::chat {
namespace {

Result<void> bad(std::string message) { return fail(Errc::invalid, "chat: " + std::move(message), "bad_export"); }

using platform::record::flag;
using platform::record::list;
using platform::record::text;
using platform::record::time;

std::int64_t integer(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  return platform::record::integer(o, key).value_or(fallback);
}

class ChatImport final : public platform::ModuleImport {
 public:
  ChatImport(Service& service, platform::Platform& p, const platform::ImportContext& ctx)
      : service_(service), p_(p), ctx_(ctx) {}

  Result<void> entry(platform::ImportEntry& e) override {
    const std::string& path = e.entry().path;
    if (e.entry().folder) return {};
    if (path == "chat/channels.json") {
      RUCHE_TRY(std::string doc, e.text());
      return channels(doc);
    }
    if (path.starts_with("chat/attachments/")) {
      const std::string rest = path.substr(std::string_view("chat/attachments/").size());
      return e.store_content(content_key(rest.substr(0, rest.find('/'))));
    }
    if (path.starts_with("chat/messages/") && path.ends_with(".jsonl")) {
      const std::string rest = path.substr(std::string_view("chat/messages/").size());
      auto channel = channels_.find(rest.substr(0, rest.find('/')));
      if (channel == channels_.end()) return bad("messages of a channel not in channels.json");
      RUCHE_TRY(auto lines, e.lines());
      return messages(channel->first, channel->second, lines);
    }
    return {};  // README.txt
  }

  Result<json::object> finish() override {
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& [old, ch] : channels_) RUCHE_CHECK(store::set_counters(c, ch.id, ch.last_seq, ch.last_message_at));
      return {};
    }));
    RUCHE_TRY([[maybe_unused]] std::int64_t indexed, service_.flush_search_index());
    json::object o;
    o["channels"] = static_cast<std::int64_t>(channels_.size());
    o["messages"] = messages_;
    o["attachments"] = attachments_used_;
    return o;
  }

 private:
  struct Imported {
    ChannelId id;
    std::int64_t last_seq = 0;
    std::optional<std::int64_t> last_message_at;
  };

  // Each transaction keeps what it did apart until it commits: the database
  // may run it again (a retry, or SQLite running a group of writes again),
  // which must find the importer as it was.
  Result<void> channels(const std::string& doc) {
    auto v = json::parse(doc);
    if (!v || !v->is_array()) return bad("channels.json is not a list");
    // The live bound: a workspace's channel list holds at most this many.
    const auto channels =
        std::count_if(v->as_array().begin(), v->as_array().end(), [](const json::value& cv) {
          return cv.is_object() && text(cv.as_object(), "kind") != "direct";
        });
    if (channels > service_.settings().max_channels)
      return bad("more than " + std::to_string(service_.settings().max_channels) + " channels");
    // And each person's direct conversations, who will be in them here.
    std::map<std::string, std::int64_t> direct;
    for (const auto& cv : v->as_array()) {
      if (!cv.is_object() || text(cv.as_object(), "kind") != "direct") continue;
      std::set<std::string> people;
      for (const auto& m : list(cv.as_object(), "members"))
        if (m.is_object() && ctx_.known_user(text(m.as_object(), "user_id")))
          people.insert(text(m.as_object(), "user_id"));
      for (const auto& u : people)
        if (++direct[u] > service_.settings().max_direct_per_person)
          return bad("someone in more than " +
                     std::to_string(service_.settings().max_direct_per_person) +
                     " direct conversations");
    }
    std::map<std::string, Imported> made;
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      made.clear();
      for (const auto& cv : v->as_array()) {
        if (!cv.is_object()) return bad("a channel is not an object");
        const json::object& o = cv.as_object();
        const std::string old_id = text(o, "id"), kind = text(o, "kind");
        if (old_id.empty() || channels_.count(old_id) || made.count(old_id))
          return bad("a channel without an id, or twice the same");
        Channel ch;
        ch.id = crypto::new_id_of<ChannelId>();
        ch.workspace_id = ctx_.workspace;
        if (kind == "public") ch.kind = ChannelKind::public_channel;
        else if (kind == "private") ch.kind = ChannelKind::private_channel;
        else if (kind == "direct") ch.kind = ChannelKind::direct;
        else return bad("a channel of an unknown kind");
        if (ch.kind != ChannelKind::direct) {
          RUCHE_TRY(ch.name, check_channel_name(text(o, "name")));
        }
        ch.topic = text(o, "topic");
        if (!json::check_string(ch.topic, {.max = 500}).empty()) return bad("a channel topic longer than 500 bytes");
        ch.created_by = ctx_.user(text(o, "created_by"));
        ch.created_at_ms = time(o, "created_at").value_or(ctx_.now_ms);
        std::optional<std::string> key;
        if (ch.kind == ChannelKind::direct) {
          // Everyone who was in it, matched or not: two conversations stay two.
          std::vector<std::string> ids;
          for (const auto& m : list(o, "members"))
            if (m.is_object()) ids.push_back(ctx_.user(text(m.as_object(), "user_id")));
          std::sort(ids.begin(), ids.end());
          std::string joined;
          for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
          key = joined;
        }
        RUCHE_CHECK(store::insert_channel(c, ch, key));
        if (flag(o, "archived")) {
          RUCHE_CHECK(store::update_channel(c, ch.id, std::nullopt, std::nullopt,
                                            std::optional<std::optional<std::int64_t>>(ctx_.now_ms)));
        }
        for (const auto& mv : list(o, "members")) {
          if (!mv.is_object()) return bad("a channel member is not an object");
          const json::object& m = mv.as_object();
          const std::string user = text(m, "user_id");
          if (!ctx_.known_user(user)) continue;  // no account here: not a member
          RUCHE_TRY([[maybe_unused]] bool added,
                    store::add_member(c, ch.id, ctx_.user(user), time(m, "joined_at").value_or(ctx_.now_ms),
                                      integer(m, "last_read_seq")));
          if (flag(m, "muted")) {
            RUCHE_TRY([[maybe_unused]] bool muted, store::set_muted(c, ch.id, UserId(ctx_.user(user)), true));
          }
        }
        made[old_id] = Imported{ch.id, integer(o, "last_seq"), time(o, "last_message_at")};
      }
      return {};
    }));
    if (ctx_.armour)
      for (const auto& [old_id, ch] : made) ctx_.armour->add_scope(old_id, ch.id.str());
    channels_.merge(made);
    return {};
  }

  Result<void> messages(const std::string& old_id, Imported& ch, const std::vector<json::object>& lines) {
    if (ch.id != current_) {  // threads stay in their channel: one channel's ids at a time
      current_old_ = old_id;
      messages_ids_.clear();
      last_seq_ = 0;
      pins_ = 0;
      current_ = ch.id;
    }
    // An armoured workspace's bodies are the sealed texts, bound to the
    // archive's ids (docs/armoured.md, "Importing an armoured archive"):
    // checked before the page's transaction, on every core.
    if (ctx_.armour)
      RUCHE_CHECK(ctx_.armour->check_each(lines.size(), [&](std::size_t i) -> Result<void> {
        const json::object& o = lines[i];
        const std::string body = text(o, "body");
        if (body.empty() || body.size() > platform::kMaxSealedTextBytes) return {};  // refused below
        RUCHE_TRY([[maybe_unused]] auto t,
                  ctx_.armour->check(body, current_old_, "ruche-chat", text(o, "author_id"), [](const auto& b) {
                    return std::string(b.workspace) + "\n" + std::string(b.channel) + "\n" + std::string(b.author);
                  }));
        return {};
      }));
    Page page;
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      page = Page{};
      page.last_seq = last_seq_;
      page.pins = pins_;
      for (const auto& o : lines) {
        const std::string old_id = text(o, "id");
        auto created = time(o, "created_at");
        if (old_id.empty() || new_id(page, old_id) || !created) return bad("a message without an id or a date");
        Message m;
        m.id = crypto::new_ordered_id_of<MessageId>(*created);
        m.channel_id = ch.id;
        m.workspace_id = ctx_.workspace;
        m.seq = integer(o, "seq");
        if (m.seq < 1) return bad("a message without its number");
        // In their order, each once (the export writes them so).
        if (m.seq <= page.last_seq) return bad("messages out of order, or twice the same");
        page.last_seq = m.seq;
        m.author_id = ctx_.user(text(o, "author_id"));
        if (auto t = o.find("thread_id"); t != o.end() && !t->value().is_null()) {
          const std::string* root = t->value().is_string() ? new_id(page, std::string(t->value().as_string())) : nullptr;
          if (!root) return bad("a reply before its thread's first message");
          m.thread_id = MessageId(*root);
        }
        m.in_channel = !o.contains("in_channel") || flag(o, "in_channel");
        m.body = text(o, "body");  // sealed: checked above
        const std::size_t max = ctx_.armour ? platform::kMaxSealedTextBytes : kMaxBodyBytes;
        if (!json::check_string(m.body, {.max = max, .single_line = false}).empty())
          return bad("a message longer than " + std::to_string(max) + " bytes, or not text");
        m.created_at_ms = *created;
        m.edited_at_ms = time(o, "edited_at");
        if (flag(o, "deleted")) m.deleted_at_ms = time(o, "deleted_at").value_or(*created);
        m.reply_count = integer(o, "reply_count");
        m.last_reply_at_ms = time(o, "last_reply_at");
        if (flag(o, "pinned")) {
          m.pinned_at_ms = time(o, "pinned_at").value_or(*created);
          m.pinned_by = ctx_.user(text(o, "pinned_by"));
          if (!m.deleted_at_ms && ++page.pins > kMaxPins)
            return bad("a channel with more than " + std::to_string(kMaxPins) + " pinned messages");
        }
        // Only a thread's first message is looked up again (by its replies,
        // which come after it): the others are not remembered, so that a
        // channel of millions of messages does not hold them all in memory.
        if (m.reply_count > 0) page.ids[old_id] = m.id.str();
        // What a message may hold live (kMax*): its JSON stays bounded.
        const json::array& reactions = list(o, "reactions");
        const json::array& mentions = list(o, "mentions");
        const json::array& attachments = list(o, "attachments");
        if (reactions.size() > kMaxReactionKinds || attachments.size() > kMaxAttachments ||
            std::count_if(mentions.begin(), mentions.end(), [](const json::value& u) {
              return u.is_string() && u.as_string() != "channel";
            }) > static_cast<std::ptrdiff_t>(kMaxMentions))
          return bad("a message with more than " + std::to_string(kMaxReactionKinds) +
                     " different reactions, " + std::to_string(kMaxAttachments) +
                     " attachments or " + std::to_string(kMaxMentions) + " people mentioned");
        RUCHE_CHECK(store::import_message(c, m));
        for (const auto& rv : reactions) {
          if (!rv.is_object()) return bad("a reaction is not an object");
          RUCHE_TRY(const std::string emoji, check_emoji(text(rv.as_object(), "emoji")));
          for (const auto& u : list(rv.as_object(), "user_ids"))
            if (u.is_string()) {
              RUCHE_TRY([[maybe_unused]] bool added,
                        store::add_reaction(c, m.id, UserId(ctx_.user(std::string(u.as_string()))), emoji, *created));
            }
        }
        std::vector<std::string> mentioned;
        bool everyone = false;
        for (const auto& u : mentions) {
          if (!u.is_string()) continue;
          if (u.as_string() == "channel") everyone = true;
          else mentioned.push_back(ctx_.user(std::string(u.as_string())));
        }
        RUCHE_CHECK(store::insert_mentions(c, m, mentioned, everyone));
        int position = 0;
        for (const auto& av : attachments) {
          if (!av.is_object()) return bad("an attachment is not an object");
          RUCHE_CHECK(attachment(c, m, av.as_object(), position++, page));
        }
        ++page.messages;
      }
      return {};
    }));
    messages_ids_.merge(page.ids);
    last_seq_ = page.last_seq;
    pins_ = page.pins;
    // The channel's last number is the archive's, but never below its
    // messages': the next post takes the one after (a lower one would make
    // every post in the channel collide with an imported message).
    ch.last_seq = std::max(ch.last_seq, last_seq_);
    messages_ += page.messages;
    attachments_used_ += page.attachments;
    return {};
  }

  struct Page {
    std::map<std::string, std::string> ids;  // exported thread root id -> new
    std::int64_t attachments = 0;            // exported attachments posted again
    std::int64_t messages = 0;
    std::int64_t last_seq = 0;               // the number of its last message
    std::int64_t pins = 0;                   // the channel's pinned messages so far
  };

  const std::string* new_id(const Page& page, const std::string& old) const {
    if (auto it = messages_ids_.find(old); it != messages_ids_.end()) return &it->second;
    if (auto it = page.ids.find(old); it != page.ids.end()) return &it->second;
    return nullptr;
  }

  // An exported attachment's content, as kept until its message comes.
  static std::string content_key(std::string_view attachment_id) { return "chat:" + std::string(attachment_id); }

  Result<void> attachment(db::Conn& c, const Message& m, const json::object& o, int position, Page& page) {
    // Each attachment is one message's: taken, no other message finds it.
    RUCHE_TRY(auto content, platform::take_content(c, ctx_.workspace, content_key(text(o, "id"))));
    if (!content) return bad("an attachment whose bytes are not in the archive, or another message's");
    const blob::BlobRef& ref = *content;
    if (static_cast<std::int64_t>(ref.size_bytes) != integer(o, "size", -1) || ref.content_hash != text(o, "sha256"))
      return bad("the bytes of attachment " + text(o, "name") + " differ from its record (size or SHA-256)");
    store::AttachmentRow row;
    Attachment& a = row.a;
    a.id = crypto::new_id_of<AttachmentId>();
    a.workspace_id = ctx_.workspace;
    a.channel_id = m.channel_id;
    a.uploader_id = ctx_.user(text(o, "uploader_id"));
    if (a.uploader_id.empty()) a.uploader_id = m.author_id;
    RUCHE_TRY(a.name, platform::normalize_file_name(text(o, "name")));
    a.size_bytes = static_cast<std::int64_t>(ref.size_bytes);
    a.content_type = text(o, "content_type");
    a.sha256 = ref.content_hash;
    if (auto w = o.find("width"); w != o.end() && w->value().is_int64()) a.width = w->value().as_int64();
    if (auto h = o.find("height"); h != o.end() && h->value().is_int64()) a.height = h->value().as_int64();
    a.created_at_ms = time(o, "created_at").value_or(m.created_at_ms);
    // Its sealed message names it by its id where it was sealed (docs/armoured.md).
    if (ctx_.armour) a.origin_id = text(o, "origin_id").empty() ? text(o, "id") : text(o, "origin_id");
    row.chunks = ref.chunks;
    RUCHE_CHECK(p_.registry.charge_storage(c, ctx_.workspace, a.size_bytes));
    RUCHE_CHECK(store::insert_attachment(c, row));
    RUCHE_TRY(bool attached, store::attach(c, a.id, m.id, position, a.uploader_id, m.channel_id));
    if (!attached) return bad("an attachment could not be attached");
    RUCHE_TRY([[maybe_unused]] auto refs, p_.blobs.add_refs(c, ctx_.workspace, row.chunks));
    ++page.attachments;
    return {};
  }

  Service& service_;
  platform::Platform& p_;
  const platform::ImportContext& ctx_;
  std::map<std::string, Imported> channels_;          // exported channel id -> new
  ChannelId current_;                                 // the channel whose messages come now
  std::string current_old_;                           // its id in the archive
  std::map<std::string, std::string> messages_ids_;   // its threads' exported first message ids -> new
  std::int64_t last_seq_ = 0;                         // its last message's number
  std::int64_t pins_ = 0;                             // its pinned messages so far
  std::int64_t messages_ = 0, attachments_used_ = 0;
};

}  // namespace

Result<std::unique_ptr<platform::ModuleImport>> Service::importer(const platform::ImportContext& ctx) {
  return std::make_unique<ChatImport>(*this, p_, ctx);
}

}  // namespace ruche::chat
