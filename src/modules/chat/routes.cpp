// Chat's HTTP routes: JSON in, Service call, JSON out. Nothing else.
#include "modules/chat/routes.hpp"

#include "platform/api.hpp"
#include "platform/content_response.hpp"
#include "platform/file_names.hpp"
#include "platform/request_checks.hpp"

namespace ruche::chat {

using platform::Access;
using platform::Api;
using platform::ApiOptions;
using platform::Caller;
using platform::json_reply;
using platform::WorkspaceAccess;

namespace {

json::array channels_json(const std::vector<Channel>& list) {
  json::array a;
  for (const auto& c : list) a.push_back(to_json(c));
  return a;
}

// `mentions` and `mention_channel`: who a sealed message mentions (armoured
// workspaces; the service refuses them elsewhere).
std::optional<SealedMentions> sealed_mentions(json::In& in) {
  auto users = in.opt_string_list("mentions", {.max_items = kMaxMentions, .item = {.max = 26}});
  auto channel = in.opt_boolean("mention_channel");
  if (!users && !channel) return std::nullopt;
  return SealedMentions{users.value_or(std::vector<std::string>{}), channel.value_or(false)};
}

json::array messages_json(const std::vector<Message>& list) {
  json::array a;
  for (const auto& m : list) a.push_back(to_json(m));
  return a;
}

ChannelId channel_param(const http::Request& req) { return ChannelId(std::string(req.param("cid"))); }
MessageId message_param(const http::Request& req) { return MessageId(std::string(req.param("mid"))); }
WorkspaceId workspace_param(const http::Request& req) { return WorkspaceId(std::string(req.param("id"))); }
AttachmentId attachment_param(const http::Request& req) { return AttachmentId(std::string(req.param("aid"))); }

// An error before or while a streamed body arrives: the rest of the body is
// not read, so the connection cannot carry another request.
http::Response closing(const Error& e) {
  http::Response r = http::error_response(e);
  r.close = true;
  return r;
}

http::Response download(Service& chat, const http::Request& req, Service::OpenedAttachment o) {
  const Attachment& a = o.attachment;
  platform::ContentHead head;
  head.size_bytes = static_cast<std::uint64_t>(a.size_bytes);
  head.sha256 = a.sha256;
  head.content_type = a.content_type;
  // Inline only for images recognised from their bytes, so that an <img>
  // can show them; everything else is a download, never rendered here.
  head.inline_disposition = head.type_trusted = req.query_param("inline") == "1" && a.is_image();
  head.file_name = a.name;
  head.cache_control = "private, max-age=86400";
  auto opened = std::make_shared<const Service::OpenedAttachment>(std::move(o));
  return platform::content_response(
      req, head,
      [&chat, opened](std::uint64_t from, std::uint64_t len, auto sink) {
        return chat.read_attachment(*opened, from, len, sink);
      },
      [&chat, opened](std::uint64_t from, std::uint64_t len) {
        return chat.cached_attachment(*opened, from, len);
      });
}

}  // namespace

void register_routes(Api& api, Service& chat) {
  api.add_workspace("GET", "/api/v1/workspaces/{id}/channels", "chat", Access::read,
                    [&chat](http::Request& req, const Caller& caller,
                            const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(auto list, chat.channels(caller, workspace_param(req)));
                      return json_reply(channels_json(list));
                    });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/channels", "chat", Access::write,
                    [&chat](http::Request& req, const Caller& caller,
                            const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      NewChannel spec;
                      spec.name = in.string("name", {.min = 1, .max = kMaxNameBytes});
                      spec.topic = in.string("topic", {.max = 500}, json::kOptional);
                      spec.is_private = in.boolean("private", json::kOptional, false);
                      spec.member_ids = in.string_list("member_ids", {.max_items = 500, .item = {.max = 26}},
                                                       json::kOptional);
                      if (!in.ok()) return tl::unexpected<Error>(in.error());
                      RUCHE_TRY(Channel c, chat.create_channel(caller, workspace_param(req), spec));
                      return json_reply(to_json(c), 201);
                    });

  api.add_workspace("GET", "/api/v1/workspaces/{id}/chat/unread", "chat", Access::read,
                    [&chat](http::Request& req, const Caller& caller,
                            const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(auto totals, chat.unread(caller, workspace_param(req)));
                      json::object o;
                      o["unread"] = totals.first;
                      o["mentions"] = totals.second;
                      return json_reply(o);
                    });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/direct", "chat", Access::write,
                    [&chat](http::Request& req, const Caller& caller,
                            const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      auto users = in.string_list("user_ids", {.max_items = kMaxDirectMembers, .item = {.max = 26}});
                      if (!in.ok()) return tl::unexpected<Error>(in.error());
                      RUCHE_TRY(Channel c, chat.open_direct(caller, workspace_param(req), users));
                      return json_reply(to_json(c));
                    });

  api.add_object("GET", "/api/v1/channels/{cid}", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Channel c, chat.channel(caller, channel_param(req)));
                   return json_reply(to_json(c));
                 });

  api.add_object("PATCH", "/api/v1/channels/{cid}", "chat", Access::write, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   ChannelChange change;
                   change.name = in.opt_string("name", {.min = 1, .max = kMaxNameBytes});
                   change.topic = in.opt_string("topic", {.max = 500});
                   change.archived = in.opt_boolean("archived");
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(Channel c, chat.change_channel(caller, channel_param(req), change));
                   return json_reply(to_json(c));
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/join", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(chat.join(caller, channel_param(req)));
                   return http::no_content();
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/leave", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(chat.leave(caller, channel_param(req)));
                   return http::no_content();
                 });

  api.add_object("GET", "/api/v1/channels/{cid}/members", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto ids, chat.members(caller, channel_param(req)));
                   json::array a;
                   for (const auto& u : ids) a.emplace_back(u);
                   return json_reply(a);
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/members", "chat", Access::write, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string user = in.string("user_id", {.min = 1, .max = 26});
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   if (!is_id(user)) return fail(Errc::not_found, "no such member");
                   RUCHE_CHECK(chat.add_member(caller, channel_param(req), UserId(user)));
                   return http::no_content();
                 });

  api.add_object("DELETE", "/api/v1/channels/{cid}/members/{user_id}", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   std::string_view user = req.param("user_id");
                   if (!is_id(user)) return fail(Errc::not_found, "no such member");
                   RUCHE_CHECK(chat.remove_member(caller, channel_param(req), UserId(std::string(user))));
                   return http::no_content();
                 });

  // A private or direct channel's own key in an armoured workspace
  // (docs/armoured.md, "Channel keys").
  api.add_object("GET", "/api/v1/channels/{cid}/armour", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(platform::ArmourState s, chat.channel_keys(caller, channel_param(req)));
                   return json_reply(to_json(s));
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/armour/envelopes", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(platform::EnvelopesIn in, platform::parse_envelopes(req.body));
                   RUCHE_TRY(platform::ArmourState s, chat.add_channel_envelopes(caller, channel_param(req), in));
                   return json_reply(to_json(s));
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/messages", "chat", Access::write, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   Post post;
                   // Plain bodies are held to kMaxBodyBytes by the service; sealed
                   // ones (armoured workspaces) are longer.
                   post.body = in.string("body", {.max = platform::kMaxSealedTextBytes, .single_line = false},
                                         json::kOptional);
                   post.mentions = sealed_mentions(in);
                   auto thread = in.opt_string("thread_id", {.max = 26});
                   post.also_in_channel = in.boolean("also_in_channel", json::kOptional, false);
                   auto attachments = in.string_list("attachment_ids",
                                                     {.max_items = kMaxAttachments, .item = {.max = 26}},
                                                     json::kOptional);
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   for (auto& a : attachments) post.attachment_ids.emplace_back(std::move(a));
                   if (thread) post.thread_id = MessageId(*thread);
                   RUCHE_TRY(Message m, chat.post(caller, channel_param(req), post));
                   return json_reply(to_json(m), 201);
                 });

  api.add_object("GET", "/api/v1/channels/{cid}/messages", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto limit_param,
                             platform::query_integer(req, "limit", INT32_MIN, INT32_MAX));
                   const int limit = static_cast<int>(limit_param.value_or(50));
                   Service::Page page;
                   if (auto b = req.query_param("before")) page.before = MessageId(*b);
                   if (auto b = req.query_param("after")) page.after = MessageId(*b);
                   if (auto b = req.query_param("around")) page.around = MessageId(*b);
                   RUCHE_TRY(auto list, chat.messages(caller, channel_param(req), limit, page));
                   return json_reply(messages_json(list));
                 },
                 {.compress = true});

  api.add_object("GET", "/api/v1/channels/{cid}/pins", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto list, chat.pins(caller, channel_param(req)));
                   return json_reply(messages_json(list));
                 });

  api.add_object("POST", "/api/v1/channels/{cid}/read", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body, /*empty_ok=*/true));
                   auto seq = in.opt_integer("seq", 0, INT64_MAX);
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(std::int64_t at, chat.mark_read(caller, channel_param(req), seq));
                   json::object o;
                   o["last_read_seq"] = at;
                   return json_reply(o);
                 });

  // Mark as unread: the caller's read position goes back to just before it.
  api.add_object("POST", "/api/v1/messages/{mid}/unread", "chat", Access::read, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto at, chat.mark_unread(caller, message_param(req)));
                   json::object o;
                   o["channel_id"] = at.first.str();
                   o["last_read_seq"] = at.second;
                   return json_reply(o);
                 });

  // The caller's own settings for a channel they are a member of.
  api.add_object("PUT", "/api/v1/channels/{cid}/preferences", "chat", Access::read, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   const bool muted = in.boolean("muted");
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_CHECK(chat.set_muted(caller, channel_param(req), muted));
                   json::object o;
                   o["muted"] = muted;
                   return json_reply(o);
                 });

  api.add_object("GET", "/api/v1/messages/{mid}", "chat", Access::read, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Message m, chat.message(caller, message_param(req)));
                   return json_reply(to_json(m));
                 });

  api.add_object(
      "GET", "/api/v1/messages/{mid}/thread", "chat", Access::read, "mid",
      [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
        RUCHE_TRY(auto limit_param, platform::query_integer(req, "limit", INT32_MIN, INT32_MAX));
        std::optional<MessageId> before;
        if (auto b = req.query_param("before")) before = MessageId(*b);
        RUCHE_TRY(auto list,
                  chat.thread(caller, message_param(req),
                              static_cast<int>(limit_param.value_or(kThreadPageSize)), before));
        return json_reply(messages_json(list));
      });

  api.add_object("PATCH", "/api/v1/messages/{mid}", "chat", Access::write, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string body =
                       in.string("body", {.min = 1, .max = platform::kMaxSealedTextBytes, .single_line = false});
                   auto mentions = sealed_mentions(in);
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(Message m, chat.edit(caller, message_param(req), body, mentions));
                   return json_reply(to_json(m));
                 });

  api.add_object("DELETE", "/api/v1/messages/{mid}", "chat", Access::write, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(chat.remove(caller, message_param(req)));
                   return http::no_content();
                 });

  api.add_object("POST", "/api/v1/messages/{mid}/reactions", "chat", Access::write, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string emoji = in.string("emoji", {.min = 1, .max = 32});
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(Message m, chat.react(caller, message_param(req), emoji, true));
                   return json_reply(to_json(m));
                 });

  api.add_object("DELETE", "/api/v1/messages/{mid}/reactions/{emoji}", "chat", Access::write, "mid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Message m, chat.react(caller, message_param(req),
                                                   std::string(req.param("emoji")), false));
                   return json_reply(to_json(m));
                 });

  // Attachments: raw bytes in, streamed to the platform's blobs.
  ApiOptions stream;
  stream.http.body = http::BodyMode::stream;
  stream.http.max_body_bytes = static_cast<std::uint64_t>(chat.settings().max_attachment_bytes);
  api.add_object("POST", "/api/v1/channels/{cid}/attachments", "chat", Access::write, "cid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   std::optional<std::string> name = req.query_param("name");
                   if (!name)
                     if (auto h = req.headers.get("X-File-Name")) name = http::percent_decode(*h);
                   if (!name) return closing(Error{Errc::invalid, "name the file (?name=)", "invalid_name"});
                   std::optional<std::uint64_t> expected;
                   if (req.body_reader) expected = req.body_reader->content_length();
                   Source body = [&req](char* buf, std::size_t n) -> Result<std::size_t> {
                     if (!req.body_reader) return std::size_t{0};
                     return req.body_reader->read(buf, n);
                   };
                   auto a = chat.upload(caller, channel_param(req), *name, body, expected);
                   if (!a) return closing(a.error());
                   return json_reply(to_json(*a), 201);
                 },
                 stream);

  api.add_object("GET", "/api/v1/attachments/{aid}", "chat", Access::read, "aid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto o, chat.open_attachment(caller, attachment_param(req)));
                   return download(chat, req, std::move(o));
                 });

  api.add_object("DELETE", "/api/v1/attachments/{aid}", "chat", Access::write, "aid",
                 [&chat](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(chat.discard_attachment(caller, attachment_param(req)));
                   return http::no_content();
                 });

  api.add_admin("POST", "/api/v1/admin/chat/maintenance",
                [&chat](http::Request&, const Caller&) -> Result<http::Response> {
                  RUCHE_TRY(std::int64_t purged, chat.maintain());
                  json::object o;
                  o["purged_attachments"] = purged;
                  return json_reply(o);
                });

  for (bool pin : {true, false}) {
    api.add_object(pin ? "POST" : "DELETE", "/api/v1/messages/{mid}/pin", "chat", Access::write, "mid",
                   [&chat, pin](http::Request& req, const Caller& caller) -> Result<http::Response> {
                     RUCHE_TRY(Message m, chat.pin(caller, message_param(req), pin));
                     return json_reply(to_json(m));
                   });
  }
}

}  // namespace ruche::chat
