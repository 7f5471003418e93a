#include "modules/chat/service.hpp"

#include <algorithm>
#include <set>

#include "base/log.hpp"
#include "core/crypto/random.hpp"
#include "modules/chat/image.hpp"
#include "platform/export.hpp"
#include "platform/file_names.hpp"
#include "platform/maintenance.hpp"
#include "platform/mentions.hpp"
#include "platform/module_settings.hpp"
#include "platform/write_order.hpp"

namespace ruche::chat {

using platform::Access;
using platform::AuditEntry;
using platform::Caller;

namespace {

constexpr std::int64_t kTypingEveryMs = 3000;

Result<std::string> check_body(std::string_view body) {
  std::string why = json::check_string(body, {.min = 1, .max = kMaxBodyBytes, .single_line = false});
  if (!why.empty()) return fail(Errc::invalid, "body " + why, "invalid_body");
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return fail(Errc::invalid, "body must not be blank", "invalid_body");
  return std::string(body);
}

// The raster types sniff_image() recognises: a name claiming one of them
// is believed only when the bytes agree.
bool sniffed_type(std::string_view t) {
  return t == "image/png" || t == "image/jpeg" || t == "image/gif" || t == "image/webp";
}

}  // namespace

Result<std::string> check_channel_name(std::string_view name) {
  std::string why = json::check_string(name, {.min = 1, .max = kMaxNameBytes});
  if (!why.empty()) return fail(Errc::invalid, "name " + why, "invalid_name");
  if (name.find_first_not_of(" \t") == std::string_view::npos)
    return fail(Errc::invalid, "name must not be blank", "invalid_name");
  return std::string(name);
}

Result<std::string> check_emoji(std::string_view e) {
  // From a path too (a reaction taken back), decoded from %XX: any bytes.
  if (std::string why = json::check_string(e, {.min = 1, .max = 32}); !why.empty())
    return fail(Errc::invalid, "emoji " + why, "invalid_emoji");
  if (e.find(' ') != std::string_view::npos)
    return fail(Errc::invalid, "emoji has spaces", "invalid_emoji");
  return std::string(e);
}

Settings settings_from(const platform::PlatformConfig& config) {
  Settings s;
  auto setting = [&](std::string_view key, std::int64_t fallback) {
    return platform::module_int(config.module_settings, "chat", key, fallback);
  };
  if (const std::int64_t mb = setting("max_attachment_mb", 0); mb > 0)
    s.max_attachment_bytes = mb << 20;
  s.maintenance_every_ms = setting("maintenance_minutes", 10) * 60'000;
  s.search_tidy_every_ms = setting("search_tidy_minutes", 60) * 60'000;
  s.max_channels = std::max<std::int64_t>(1, setting("max_channels", s.max_channels));
  s.max_direct_per_person =
      std::max<std::int64_t>(1, setting("max_direct_per_person", s.max_direct_per_person));
  return s;
}

std::string_view to_string(ChannelKind k) {
  switch (k) {
    case ChannelKind::public_channel: return "public";
    case ChannelKind::private_channel: return "private";
    case ChannelKind::direct: return "direct";
  }
  return "public";
}

json::object to_json(const Channel& c) {
  json::object o;
  o["id"] = c.id.str();
  o["workspace_id"] = c.workspace_id.str();
  o["kind"] = to_string(c.kind);
  o["name"] = c.name;
  o["topic"] = c.topic;
  o["archived"] = c.archived;
  o["created_by"] = c.created_by;
  o["created_at"] = format_iso8601(c.created_at_ms);
  o["last_seq"] = c.last_seq;
  o["last_message_at"] = c.last_message_at_ms ? json::value(format_iso8601(*c.last_message_at_ms)) : nullptr;
  o["joined"] = c.joined;
  o["last_read_seq"] = c.last_read_seq;
  o["unread"] = c.unread;
  o["mentions"] = c.mentions;
  o["muted"] = c.muted;
  if (c.kind == ChannelKind::direct) {
    json::array m;
    for (const auto& u : c.member_ids) m.emplace_back(u);
    o["member_ids"] = std::move(m);
  }
  return o;
}

json::object to_json(const Message& m) {
  json::object o;
  o["id"] = m.id.str();
  o["channel_id"] = m.channel_id.str();
  o["workspace_id"] = m.workspace_id.str();
  o["seq"] = m.seq;
  o["author_id"] = m.author_id;
  o["thread_id"] = m.thread_id ? json::value(m.thread_id->str()) : nullptr;
  o["in_channel"] = m.in_channel;
  o["body"] = m.body;
  o["created_at"] = format_iso8601(m.created_at_ms);
  o["edited_at"] = m.edited_at_ms ? json::value(format_iso8601(*m.edited_at_ms)) : nullptr;
  o["deleted"] = m.deleted_at_ms.has_value();
  o["reply_count"] = m.reply_count;
  o["last_reply_at"] = m.last_reply_at_ms ? json::value(format_iso8601(*m.last_reply_at_ms)) : nullptr;
  o["pinned"] = m.pinned_at_ms.has_value();
  json::array reactions;
  for (const auto& r : m.reactions) {
    json::object ro;
    ro["emoji"] = r.emoji;
    json::array users;
    for (const auto& u : r.user_ids) users.emplace_back(u);
    ro["user_ids"] = std::move(users);
    reactions.push_back(std::move(ro));
  }
  o["reactions"] = std::move(reactions);
  json::array mentions;
  for (const auto& u : m.mentions) mentions.emplace_back(u);
  o["mentions"] = std::move(mentions);
  json::array attachments;
  for (const auto& a : m.attachments) attachments.push_back(to_json(a));
  o["attachments"] = std::move(attachments);
  return o;
}

json::object to_json(const Attachment& a) {
  json::object o;
  o["id"] = a.id.str();
  o["name"] = a.name;
  o["size"] = a.size_bytes;
  o["content_type"] = a.content_type;
  o["width"] = a.width ? json::value(*a.width) : nullptr;
  o["height"] = a.height ? json::value(*a.height) : nullptr;
  if (a.is_image()) o["image"] = json::object{{"width", *a.width}, {"height", a.height.value_or(0)}};
  if (!a.origin_id.empty()) o["origin_id"] = a.origin_id;
  return o;
}

Service::Service(platform::Platform& p, Settings settings) : p_(p), settings_(settings), bus_(p.bus) {
  if (p_.db.backend() == db::Backend::sqlite) indexer_ = std::thread([this] { index_loop(); });
  // Membership caches follow member events from every node.
  subscription_ = bus_.subscribe([this](const bus::Event& e) {
    if (e.type == bus::kReset) {
      forget_members({});
      return;
    }
    if (e.module == "chat" &&
        (e.type == "channel.member_added" || e.type == "channel.member_removed")) {
      auto data = json::parse(e.data);
      if (data && data->is_object())
        if (auto* ch = data->as_object().if_contains("channel_id"); ch && ch->is_string())
          forget_members(std::string(ch->as_string()));
    }
  });
  // One node per period runs it (the others' timers find it claimed).
  if (settings_.maintenance_every_ms > 0)
    maintenance_ = std::make_unique<platform::PeriodicTask>(
        p_.db, p_.clock, "chat.maintenance", settings_.maintenance_every_ms,
        [this]() -> Result<void> { return maintain().map([](std::int64_t) {}); });
}

Service::~Service() {
  maintenance_.reset();
  bus_.unsubscribe(subscription_);
  {
    std::lock_guard lock(index_mu_);
    stopping_ = true;
  }
  index_cv_.notify_all();
  if (indexer_.joinable()) indexer_.join();
}

void Service::index_loop() {
  while (true) {
    {
      std::unique_lock lock(index_mu_);
      index_cv_.wait(lock, [&] { return stopping_ || index_wanted_; });
      if (stopping_) return;
    }
    // Let a burst of posts gather: one transaction indexes them all.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    {
      std::lock_guard lock(index_mu_);
      index_wanted_ = false;
    }
    // The index is tidied when idle after indexing: not after a pass that
    // found nothing (the one at start, when no previous run left a queue).
    if (auto r = index_queued(); !r)
      log::warn("chat.index_failed", {{"error", r.error().message}});
    else if (*r == 0)
      continue;
    else if (auto t = tidy_when_due(); !t)
      log::warn("chat.search_tidy_failed", {{"error", t.error().message}});
  }
}

namespace {
// A segment count worth merging (FTS5 itself merges 4 of a size), and the
// pages each step writes (10-15 ms of the writer from 200,000 to 1,000,000
// messages: docs/benchmarks.md, "Chat store").
constexpr int kTidySegments = 4;
constexpr int kTidyPages = 100;
// Steps of one run at most (a run over 1,000,000 messages took 202): past
// it, the next run goes on where this one stopped.
constexpr int kTidySteps = 5000;
}  // namespace

Result<void> Service::tidy_when_due() {
  if (settings_.search_tidy_every_ms <= 0) return {};
  const auto now = std::chrono::steady_clock::now();
  if (tidied_at_ && now - *tidied_at_ < std::chrono::milliseconds(settings_.search_tidy_every_ms)) return {};
  RUCHE_TRY(auto state, p_.db.read([](db::Conn& c) -> Result<std::pair<int, std::int64_t>> {
    RUCHE_TRY(int segments, store::search_segments(c));
    RUCHE_TRY(auto last, c.query_one("SELECT COALESCE(MAX(rowid), 0) FROM chat_messages"));
    return std::make_pair(segments, last ? last->i64(0) : 0);
  }));
  const auto [segments, last] = state;
  if (segments < kTidySegments || (last - tidied_rowid_) * 100 < last) return {};
  tidied_at_ = now;  // a failing run too waits for the next period
  RUCHE_CHECK(tidy_search_index());
  tidied_rowid_ = last;
  return {};
}

Result<void> Service::tidy_search_index() {
  if (p_.db.backend() != db::Backend::sqlite) return {};
  for (int step = 0; step < kTidySteps; ++step) {
    bool queued = false;
    {
      std::lock_guard lock(index_mu_);
      if (stopping_) return {};
      queued = std::exchange(index_wanted_, false);
    }
    if (queued) {  // posts first
      RUCHE_TRY([[maybe_unused]] std::int64_t n, index_queued());
    }
    const auto start = std::chrono::steady_clock::now();
    RUCHE_TRY(int left, p_.db.write([](db::Conn& c) { return store::tidy_search_index(c, kTidyPages); }));
    if (left <= 1) return {};
    std::unique_lock lock(index_mu_);
    index_cv_.wait_for(lock, 4 * (std::chrono::steady_clock::now() - start), [&] { return stopping_; });
  }
  return {};
}

Result<std::int64_t> Service::flush_search_index() {
  std::int64_t total = 0;
  if (p_.db.backend() != db::Backend::sqlite) return total;
  while (true) {
    RUCHE_TRY(int n, p_.db.write([](db::Conn& c) { return store::index_pending(c, 2000); }));
    total += n;
    if (n < 2000) return total;
  }
}

Result<std::int64_t> Service::index_queued() {
  std::uint64_t queued = posts_queued_.load();
  if (posts_indexed_.load() >= queued) return std::int64_t{0};
  RUCHE_TRY(std::int64_t indexed, flush_search_index());
  std::uint64_t seen = posts_indexed_.load();
  while (seen < queued && !posts_indexed_.compare_exchange_weak(seen, queued)) {
  }
  return indexed;
}

void Service::forget_members(const std::string& channel_id) {
  std::lock_guard lock(mu_);
  ++members_generation_;
  if (channel_id.empty()) members_.clear();
  else members_.erase(channel_id);
}

std::shared_ptr<const std::vector<std::string>> Service::scope_members(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    auto it = members_.find(id);
    if (it != members_.end()) return it->second;
  }
  if (!is_id(id)) return nullptr;
  std::uint64_t generation;
  {
    std::lock_guard lock(mu_);
    generation = members_generation_;
  }
  auto list = p_.db.read([&](db::Conn& c) -> Result<std::optional<std::vector<std::string>>> {
    RUCHE_TRY(auto ch, store::channel(c, ChannelId(id)));
    if (!ch) return std::optional<std::vector<std::string>>{};
    RUCHE_TRY(auto ids, store::member_ids(c, ChannelId(id)));
    return std::optional<std::vector<std::string>>(std::move(ids));
  });
  if (!list || !*list) return nullptr;
  auto shared = std::make_shared<const std::vector<std::string>>(std::move(**list));
  std::lock_guard lock(mu_);
  // A member change committed while we read may not be in the list: it is
  // used this once, not kept.
  if (generation != members_generation_) return shared;
  if (members_.size() > 100'000) members_.clear();
  members_[id] = shared;
  return shared;
}

Result<Service::Access> Service::reach(db::Conn& c, const Caller& caller, const ChannelId& id,
                                       platform::Access need) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such channel");
  RUCHE_TRY(auto ch, store::channel(c, id));
  if (!ch) return fail(Errc::not_found, "no such channel");
  auto ws = p_.authz.access_in(c, caller.user_id, ch->workspace_id);
  if (!ws) return platform::refused(Errc::not_found, "no such channel", ch->workspace_id);
  RUCHE_CHECK(platform::Authz::check(*ws, "chat", need));
  RUCHE_TRY(bool member, store::is_member(c, id, caller.user_id));
  if (ch->kind != ChannelKind::public_channel && !member)
    return platform::refused(Errc::not_found, "no such channel", ch->workspace_id);
  if (need == platform::Access::write && ch->archived)
    return fail(Errc::conflict, "the channel is archived", "archived");
  ch->joined = member;
  return Access{std::move(*ch), std::move(*ws), member};
}

namespace {
// Who holds a channel's own key: its members who are active members of the
// workspace (platform::KeyScope::holders).
constexpr std::string_view kChannelKeyHolders =
    "SELECT cm.user_id FROM chat_members cm JOIN memberships m ON m.workspace_id = $1 AND m.user_id = cm.user_id "
    "AND " RUCHE_ACTIVE_MEMBERSHIP("m") " WHERE cm.channel_id = $3";

// Whose key seals a channel's messages in an armoured workspace
// (docs/armoured.md, "Channel keys"): the workspace's for a public channel,
// the channel's own for a private or direct one.
platform::KeyScope own_key_scope(const WorkspaceId& ws, const ChannelId& id) {
  return platform::KeyScope{ws, id.str(), "chat", kChannelKeyHolders};
}
platform::KeyScope key_scope(const Channel& ch) {
  if (ch.kind == ChannelKind::public_channel) return platform::KeyScope::of(ch.workspace_id);
  return own_key_scope(ch.workspace_id, ch.id);
}

// A channel as its events carry it: nothing about whoever caused the event
// (joined, unread), and the members of private and direct ones.
Result<json::object> channel_event(db::Conn& c, const Channel& ch) {
  json::object o = to_json(ch);
  for (const char* key : {"joined", "last_read_seq", "unread", "mentions", "muted"}) o.erase(key);
  if (ch.kind != ChannelKind::public_channel) {
    RUCHE_TRY(auto ids, store::member_ids(c, ch.id));
    json::array m;
    for (const auto& u : ids) m.emplace_back(u);
    o["member_ids"] = std::move(m);
  }
  return o;
}
}  // namespace

Result<std::int64_t> Service::emit(db::Conn& c, const Channel& ch, std::string_view type,
                                   const json::value& data) {
  // Public channels' own changes reach every chat reader of the workspace;
  // everything else only the channel's members.
  bool open = ch.kind == ChannelKind::public_channel &&
              (type == "channel.created" || type == "channel.updated");
  return p_.outbox.append(c, ch.workspace_id, type, "chat", data, {}, open ? "" : ch.id.str());
}

Result<Channel> Service::create_channel(const Caller& caller, const WorkspaceId& ws,
                                        const NewChannel& spec) {
  RUCHE_TRY(std::string name, check_channel_name(spec.name));
  std::string why = json::check_string(spec.topic, {.max = 500});
  if (!why.empty()) return fail(Errc::invalid, "topic " + why, "invalid_topic");
  if (spec.member_ids.size() > 500) return fail(Errc::invalid, "too many members", "invalid_members");
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Channel> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "chat", platform::Access::write));
    // Two creations at once do not both take the last place.
    RUCHE_CHECK(platform::order_workspace_writes(c, ws));
    RUCHE_TRY(std::int64_t held, store::count_channels(c, ws));
    if (held >= settings_.max_channels)
      return fail(Errc::conflict,
                  "this workspace has " + std::to_string(held) +
                      " channels, as many as it may: archive some instead",
                  "too_many_channels");
    Channel ch;
    ch.id = crypto::new_id_of<ChannelId>();
    ch.workspace_id = ws;
    ch.kind = spec.is_private ? ChannelKind::private_channel : ChannelKind::public_channel;
    ch.name = name;
    ch.topic = spec.topic;
    ch.created_by = caller.user_id.str();
    ch.created_at_ms = now;
    ch.joined = true;
    auto inserted = store::insert_channel(c, ch, std::nullopt);
    if (!inserted) {
      if (inserted.error().code == Errc::conflict)
        return fail(Errc::conflict, "a channel with this name exists", "name_taken");
      return tl::unexpected<Error>(inserted.error());
    }
    std::set<std::string> members(spec.member_ids.begin(), spec.member_ids.end());
    members.insert(caller.user_id.str());
    for (const auto& u : members) {
      if (!is_id(u)) return fail(Errc::invalid, "member_ids must be user ids", "invalid_members");
      if (u != caller.user_id.str()) {
        auto theirs = p_.authz.access_in(c, UserId(u), ws);
        if (!theirs || theirs->right("chat") == platform::Access::none)
          return fail(Errc::invalid, "every member must be able to read chat in this workspace",
                      "invalid_members");
      }
      RUCHE_TRY([[maybe_unused]] bool added, store::add_member(c, ch.id, u, now, 0));
    }
    std::string cid = ch.id.str();
    c.on_commit([this, cid] { forget_members(cid); });
    RUCHE_TRY(json::object event, channel_event(c, ch));
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, ch, "channel.created", event));
    return ch;
  });
}

Result<std::vector<Channel>> Service::channels(const Caller& caller, const WorkspaceId& ws) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Channel>> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "chat", platform::Access::read));
    return store::channels_for(c, ws, caller.user_id);
  });
}

Result<Channel> Service::channel(const Caller& caller, const ChannelId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<Channel> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    RUCHE_TRY(auto list, store::channels_for(c, a.channel.workspace_id, caller.user_id, &id));
    if (!list.empty()) return std::move(list.front());
    return a.channel;
  });
}

Result<Channel> Service::change_channel(const Caller& caller, const ChannelId& id,
                                        const ChannelChange& change) {
  std::optional<std::string> name;
  if (change.name) {
    RUCHE_TRY(name, check_channel_name(*change.name));
  }
  if (change.topic) {
    std::string why = json::check_string(*change.topic, {.max = 500});
    if (!why.empty()) return fail(Errc::invalid, "topic " + why, "invalid_topic");
  }
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Channel> {
    // Unarchiving must be possible on an archived channel: check as a reader.
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    RUCHE_CHECK(platform::Authz::check(a.workspace, "chat", platform::Access::write));
    if (a.channel.kind == ChannelKind::direct && (name || change.topic))
      return fail(Errc::invalid, "direct conversations have no name or topic", "direct");
    bool manager = a.workspace.can_manage() || a.channel.created_by == caller.user_id.str();
    if (change.archived && !manager)
      return fail(Errc::forbidden, "only the channel's creator or workspace admins archive it");
    if (a.channel.archived && !(change.archived && !*change.archived))
      return fail(Errc::conflict, "the channel is archived", "archived");
    std::optional<std::optional<std::int64_t>> archived;
    if (change.archived) archived = *change.archived ? std::optional<std::int64_t>(now) : std::nullopt;
    auto updated = store::update_channel(c, id, name, change.topic, archived);
    if (!updated) {
      if (updated.error().code == Errc::conflict)
        return fail(Errc::conflict, "a channel with this name exists", "name_taken");
      return tl::unexpected<Error>(updated.error());
    }
    RUCHE_TRY(auto ch, store::channel(c, id));
    ch->joined = a.member;
    RUCHE_TRY(json::object event, channel_event(c, *ch));
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, *ch, "channel.updated", event));
    return *ch;
  });
}

Result<Channel> Service::open_direct(const Caller& caller, const WorkspaceId& ws,
                                     std::vector<std::string> users) {
  std::set<std::string> set(users.begin(), users.end());
  set.insert(caller.user_id.str());
  if (set.size() < 2 || set.size() > kMaxDirectMembers)
    return fail(Errc::invalid, "a direct conversation has 2 to 8 people", "invalid_members");
  std::string key;
  for (const auto& u : set) {
    if (!is_id(u)) return fail(Errc::invalid, "user_ids must be user ids", "invalid_members");
    if (!key.empty()) key += ',';
    key += u;
  }
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Channel> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "chat", platform::Access::write));
    for (const auto& u : set) {
      if (u == caller.user_id.str()) continue;
      auto theirs = p_.authz.access_in(c, UserId(u), ws);
      if (!theirs || theirs->right("chat") == platform::Access::none)
        return fail(Errc::invalid, "everyone must be a member who can read chat here", "invalid_members");
    }
    RUCHE_TRY(auto existing, store::direct_channel(c, ws, key));
    if (!existing) {
      // Openings at once take turns: the second finds the conversation the
      // first made, and the bounds below count what the others made.
      RUCHE_CHECK(platform::order_workspace_writes(c, ws));
      RUCHE_TRY(existing, store::direct_channel(c, ws, key));
    }
    if (existing) {
      existing->joined = true;
      RUCHE_TRY(existing->member_ids, store::member_ids(c, existing->id));
      return *existing;
    }
    // Nobody's list of conversations grows past its bound, whoever opens them.
    for (const auto& u : set) {
      RUCHE_TRY(std::int64_t held, store::count_direct(c, ws, UserId(u)));
      if (held >= settings_.max_direct_per_person)
        return fail(Errc::conflict,
                    u == caller.user_id.str()
                        ? "you have as many direct conversations here as one may"
                        : "someone of them has as many direct conversations here as one may",
                    "too_many_channels");
    }
    Channel ch;
    ch.id = crypto::new_id_of<ChannelId>();
    ch.workspace_id = ws;
    ch.kind = ChannelKind::direct;
    ch.created_by = caller.user_id.str();
    ch.created_at_ms = now;
    ch.joined = true;
    ch.member_ids.assign(set.begin(), set.end());
    RUCHE_CHECK(store::insert_channel(c, ch, key));
    for (const auto& u : set) {
      RUCHE_TRY([[maybe_unused]] bool added, store::add_member(c, ch.id, u, now, 0));
    }
    std::string cid = ch.id.str();
    c.on_commit([this, cid] { forget_members(cid); });
    RUCHE_TRY(json::object event, channel_event(c, ch));
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, ch, "channel.created", event));
    return ch;
  });
}

Result<void> Service::join(const Caller& caller, const ChannelId& id) {
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    if (a.member) return {};
    RUCHE_TRY(bool added, store::add_member(c, id, caller.user_id.str(), now, a.channel.last_seq));
    if (!added) return {};
    std::string cid = id.str();
    c.on_commit([this, cid] { forget_members(cid); });
    json::object data;
    data["channel_id"] = cid;
    data["user_id"] = caller.user_id.str();
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, a.channel, "channel.member_added", data));
    return {};
  });
}

Result<void> Service::leave(const Caller& caller, const ChannelId& id) {
  return remove_member(caller, id, caller.user_id);
}

Result<void> Service::add_member(const Caller& caller, const ChannelId& id, const UserId& user) {
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::write));
    if (a.channel.kind == ChannelKind::direct)
      return fail(Errc::invalid, "open a new direct conversation instead", "direct");
    if (!a.member) return fail(Errc::forbidden, "join the channel first");
    auto theirs = p_.authz.access_in(c, user, a.channel.workspace_id);
    if (!theirs || theirs->right("chat") == platform::Access::none)
      return fail(Errc::not_found, "no such member");
    RUCHE_TRY(bool added, store::add_member(c, id, user.str(), now, 0));
    if (!added) return {};
    std::string cid = id.str();
    c.on_commit([this, cid] { forget_members(cid); });
    json::object data;
    data["channel_id"] = cid;
    data["user_id"] = user.str();
    data["by"] = caller.user_id.str();
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, a.channel, "channel.member_added", data));
    // The channel's own key: its members' browsers seal it for the newcomer.
    if (a.workspace.armoured && a.channel.kind != ChannelKind::public_channel)
      RUCHE_CHECK(platform::announce_armour(c, p_.outbox, own_key_scope(a.channel.workspace_id, id), now));
    return {};
  });
}

Result<void> Service::remove_member(const Caller& caller, const ChannelId& id, const UserId& user) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    // Anyone may leave (a reader, an archived channel); removing another
    // is a change of the channel, as adding one is.
    const bool self = user == caller.user_id;
    RUCHE_TRY(Access a,
              reach(c, caller, id, self ? platform::Access::read : platform::Access::write));
    if (a.channel.kind == ChannelKind::direct && !self)
      return fail(Errc::invalid, "people leave direct conversations themselves", "direct");
    if (!self && !a.workspace.can_manage() && a.channel.created_by != caller.user_id.str())
      return fail(Errc::forbidden, "only the channel's creator or workspace admins remove members");
    RUCHE_TRY(bool removed, drop_member(c, a.channel.workspace_id, id, user));
    if (!removed) return fail(Errc::not_found, "not a member of this channel");
    return {};
  });
}

Result<bool> Service::drop_member(db::Conn& c, const WorkspaceId& ws, const ChannelId& id, const UserId& user) {
  RUCHE_TRY(auto before, store::member_ids(c, id));
  RUCHE_TRY(bool removed, store::remove_member(c, id, user.str()));
  if (!removed) return false;
  // Addressed to the members as they were, so that the removed person
  // gets this last event about themself (the scope no longer has them).
  json::object data;
  data["channel_id"] = id.str();
  data["user_id"] = user.str();
  RUCHE_TRY([[maybe_unused]] auto seq,
            p_.outbox.append(c, ws, "channel.member_removed", "chat", data, std::move(before)));
  std::string cid = id.str();
  c.on_commit([this, cid] { forget_members(cid); });
  // They held the channel's own key: its members' browsers make the next.
  RUCHE_TRY(auto own_key, c.query_one("SELECT 1 FROM chat_channels c JOIN workspaces w ON w.id = c.workspace_id "
                                      "WHERE c.id = $1 AND w.armoured = $2 AND c.kind <> 'public'",
                                      {id, true}));
  if (own_key) RUCHE_CHECK(platform::announce_armour(c, p_.outbox, own_key_scope(ws, id), p_.clock.now_ms()));
  return true;
}

Result<platform::ArmourState> Service::channel_keys(const Caller& caller, const ChannelId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<platform::ArmourState> {
    RUCHE_TRY(Access a, reach_keys(c, caller, id));
    return p_.armour.state_in(c, key_scope(a.channel), caller.user_id);
  });
}

Result<platform::ArmourState> Service::add_channel_envelopes(const Caller& caller, const ChannelId& id,
                                                             const platform::EnvelopesIn& in) {
  // Signatures checked on a reader, the envelopes added on the writer.
  RUCHE_TRY(platform::CheckedEnvelopes checked, p_.db.read([&](db::Conn& c) -> Result<platform::CheckedEnvelopes> {
    RUCHE_TRY(Access a, reach_keys(c, caller, id));
    return p_.armour.check_envelopes(c, caller, key_scope(a.channel), in);
  }));
  return p_.db.write([&](db::Conn& c) -> Result<platform::ArmourState> {
    RUCHE_TRY(Access a, reach_keys(c, caller, id));
    return p_.armour.add_envelopes_in(c, caller, key_scope(a.channel), checked);
  });
}

Result<Service::Access> Service::reach_keys(db::Conn& c, const Caller& caller, const ChannelId& id) {
  RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
  RUCHE_CHECK(platform::require_armoured(a.workspace));
  if (a.channel.kind == ChannelKind::public_channel)
    return fail(Errc::conflict, "a public channel is sealed with the workspace's key", "workspace_key");
  return a;
}

Result<void> Service::member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  std::vector<ChannelId> joined;
  RUCHE_CHECK(c.each("SELECT c.id FROM chat_channels c JOIN chat_members m ON m.channel_id = c.id "
                     "WHERE c.workspace_id = $1 AND m.user_id = $2 AND c.kind <> 'direct'",
                     {ws, user}, [&](const db::Row& r) {
                       joined.emplace_back(r.text(0));
                       return true;
                     }));
  for (const auto& id : joined) RUCHE_CHECK(drop_member(c, ws, id, user).map([](bool) {}));
  return {};
}

Result<std::vector<std::string>> Service::members(const Caller& caller, const ChannelId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<std::string>> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    (void)a;
    return store::member_ids(c, id);
  });
}

Result<Message> Service::load_message(db::Conn& c, const MessageId& id) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such message");
  RUCHE_TRY(auto m, store::message(c, id));
  if (!m) return fail(Errc::not_found, "no such message");
  return std::move(*m);
}

Result<std::pair<Message, Service::Access>> Service::reach_message(db::Conn& c, const Caller& caller,
                                                                   const MessageId& id,
                                                                   platform::Access need) {
  RUCHE_TRY(Message m, load_message(c, id));
  auto a = reach(c, caller, m.channel_id, need);
  if (!a) {
    // The same answer as for a message that does not exist.
    if (a.error().code == Errc::not_found) return fail(Errc::not_found, "no such message");
    return tl::unexpected<Error>(a.error());
  }
  return std::make_pair(std::move(m), std::move(*a));
}

Result<Service::Body> Service::check_text(db::Conn& c, const Access& a, const UserId& author,
                                          const std::string& body,
                                          const std::optional<SealedMentions>& sealed) {
  Body out;
  if (!a.workspace.armoured) {
    if (sealed) return fail(Errc::invalid, "mentions are for armoured workspaces", "invalid_mentions");
    RUCHE_TRY(out.text, check_body(body));
    out.mentioned = platform::parse_mentions(out.text, out.at_channel);
    // Each is looked up and notified: bounded as a sealed message's list.
    if (out.mentioned.size() > kMaxMentions)
      return fail(Errc::invalid, "at most 50 people are mentioned in one message",
                  "invalid_mentions");
    return out;
  }
  // Bound to the workspace, the channel and its author (docs/armoured.md).
  std::string binding = a.channel.workspace_id.str();
  binding += '\n';
  binding += a.channel.id.str();
  binding += '\n';
  binding += author.str();
  RUCHE_TRY(platform::SealedText t, p_.armour.verify_sealed(c, author, "ruche-chat", binding, body,
                                                            a.channel.kind != ChannelKind::public_channel));
  out.generation = t.generation;
  out.version = t.version;
  out.text = body;
  if (sealed) {
    for (const auto& u : sealed->users)
      if (!is_id(u)) return fail(Errc::invalid, "mentions are user ids", "invalid_mentions");
    out.mentioned = sealed->users;
    out.at_channel = sealed->channel;
  }
  return out;
}

Result<void> Service::opens_attachments(const Access& a, const Body& body) {
  if (a.workspace.armoured && body.version != 2)
    return fail(Errc::invalid, "a sealed message with attachments is e2e2: their keys travel in it",
                "invalid_attachments");
  return {};
}

Result<Message> Service::post(const Caller& caller, const ChannelId& id, const Post& post) {
  if (post.attachment_ids.size() > kMaxAttachments)
    return fail(Errc::invalid, "at most " + std::to_string(kMaxAttachments) + " attachments", "invalid_attachments");
  std::int64_t now = p_.clock.now_ms();
  // Everything that only reads (rights, the channel, the thread, who may be
  // mentioned) runs first on a reader connection, in parallel with other
  // posts; the write transaction, which all posts share one thread for, is
  // left with the writes alone.
  struct Prepared {
    Access access;
    Body body;
    std::optional<MessageId> root;
    std::vector<std::string> mentions;
    std::vector<Attachment> attachments;
  };
  RUCHE_TRY(Prepared prep, p_.db.read([&](db::Conn& c) -> Result<Prepared> {
    Prepared out;
    RUCHE_TRY(out.access, reach(c, caller, id, platform::Access::write));
    if (!out.access.workspace.armoured && !post.attachment_ids.empty() &&
        post.body.find_first_not_of(" \t\r\n") == std::string::npos) {
      // A message may be its attachments alone (sealed, it always has a
      // text: their keys are in it).
      if (post.mentions) return fail(Errc::invalid, "mentions are for armoured workspaces", "invalid_mentions");
    } else {
      RUCHE_TRY(out.body, check_text(c, out.access, caller.user_id, post.body, post.mentions));
      if (!post.attachment_ids.empty()) RUCHE_CHECK(opens_attachments(out.access, out.body));
    }
    const std::vector<std::string>& mentioned = out.body.mentioned;
    if (post.thread_id) {
      RUCHE_TRY(Message root, load_message(c, *post.thread_id));
      if (root.channel_id != id) return fail(Errc::not_found, "no such message");
      if (root.thread_id) return fail(Errc::invalid, "reply to the thread's first message", "nested_thread");
      if (root.deleted_at_ms) return fail(Errc::conflict, "the message was deleted", "deleted");
      out.root = root.id;
    }
    // Mentions count only for people of the workspace who can read chat.
    for (const auto& u : mentioned) {
      auto theirs = p_.authz.access_in(c, UserId(u), out.access.channel.workspace_id);
      if (theirs && theirs->right("chat") != platform::Access::none) out.mentions.push_back(u);
    }
    // Only the poster's own uploads to this channel, not posted yet; the
    // same answer whatever else an id is (another's, unknown, posted).
    for (const auto& aid : post.attachment_ids) {
      auto bad = [] { return fail(Errc::invalid, "attachments must be your own uploads to this channel, not posted yet",
                                  "invalid_attachments"); };
      if (!is_id(aid.str())) return bad();
      for (const auto& seen : out.attachments)
        if (seen.id == aid) return bad();
      RUCHE_TRY(auto row, store::attachment(c, aid));
      if (!row || row->a.channel_id != id || row->a.uploader_id != caller.user_id.str() || row->a.message_id)
        return bad();
      out.attachments.push_back(std::move(row->a));
    }
    return out;
  }));
  const Channel& ch = prep.access.channel;
  // The message and its event are built here, on the caller's thread: the
  // write transaction only adds the channel's number (the writer thread is
  // shared by every post; JSON and date formatting were a tenth of its time).
  Message draft;
  // Time-ordered: the message id index then grows at its end (on SQLite it
  // was the page each post dirtied at random, the most written of all).
  draft.id = crypto::new_ordered_id_of<MessageId>(now);
  draft.channel_id = id;
  draft.workspace_id = ch.workspace_id;
  draft.author_id = caller.user_id.str();
  draft.body = prep.body.text;
  draft.created_at_ms = now;
  if (prep.root) {
    draft.thread_id = prep.root;
    draft.in_channel = post.also_in_channel;
  }
  draft.mentions = prep.mentions;
  const bool at_channel = prep.body.at_channel;
  if (at_channel) draft.mentions.push_back("channel");
  for (auto& a : prep.attachments) {
    a.message_id = draft.id;
    draft.attachments.push_back(a);
  }
  // A value, not an object: emit() takes a json::value (no copy per call).
  json::value event = to_json(draft);  // "seq" is set in the transaction
  return p_.db.write([&](db::Conn& c) -> Result<Message> {
    // Still a member of the workspace who may write in its chat (and of a
    // channel that is not public): a message racing its author's removal,
    // or their becoming a reader, does not land after it.
    RUCHE_TRY(platform::Access right,
              p_.authz.still_allowed(c, caller.user_id, ch.workspace_id, "chat"));
    bool still = right != platform::Access::none;
    if (still && ch.kind != ChannelKind::public_channel) {
      RUCHE_TRY(still, store::is_member(c, id, caller.user_id));
    }
    if (!still) return platform::refused(Errc::not_found, "no such channel", ch.workspace_id);
    if (right != platform::Access::write)
      return platform::refused(Errc::forbidden, "read-only access to this module", ch.workspace_id,
                               "read_only");
    // The key generation a sealed text used is still the one to use.
    if (prep.access.workspace.armoured)
      RUCHE_CHECK(p_.armour.require_current(c, key_scope(ch), prep.body.generation));
    if (!prep.access.member) {
      // Writing in a public channel joins it.
      RUCHE_TRY(bool added, store::add_member(c, id, caller.user_id.str(), now, ch.last_seq));
      if (added) {
        std::string cid = id.str();
        c.on_commit([this, cid] { forget_members(cid); });
        json::object data;
        data["channel_id"] = cid;
        data["user_id"] = caller.user_id.str();
        RUCHE_TRY([[maybe_unused]] auto s, emit(c, ch, "channel.member_added", data));
      }
    }
    Message m = draft;
    if (prep.root) RUCHE_CHECK(store::count_reply(c, *prep.root, now));
    RUCHE_TRY(m.seq, store::next_seq(c, id, now));
    RUCHE_CHECK(store::insert_message(c, m));
    RUCHE_CHECK(store::insert_mentions(c, m, prep.mentions, at_channel));
    for (std::size_t i = 0; i < m.attachments.size(); ++i) {
      RUCHE_TRY(bool attached, store::attach(c, m.attachments[i].id, m.id, static_cast<int>(i),
                                             caller.user_id.str(), id));
      if (!attached)
        return fail(Errc::conflict, "an attachment was posted or removed meanwhile",
                    "invalid_attachments");
    }
    event.as_object()["seq"] = m.seq;
    // The author's read position is not moved: one's own messages never
    // count as unread, and the posting path stays one write shorter.
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, ch, "message.created", event));
    c.on_commit([this] {
      posts_queued_.fetch_add(1);
      {
        std::lock_guard lock(index_mu_);
        index_wanted_ = true;
      }
      index_cv_.notify_one();
    });
    return m;
  });
}

Result<void> Service::drop_attachments(db::Conn& c, const WorkspaceId& ws,
                                       const std::vector<store::AttachmentRow>& rows) {
  std::int64_t bytes = 0;
  for (const auto& row : rows) {
    RUCHE_TRY([[maybe_unused]] auto freed, p_.blobs.release(c, ws, row.chunks));
    RUCHE_CHECK(store::delete_attachment(c, row.a.id));
    bytes += row.a.size_bytes;
  }
  return p_.registry.charge_storage(c, ws, -bytes);
}

Result<Attachment> Service::upload(const Caller& caller, const ChannelId& id, std::string_view raw_name,
                                   const Source& body, std::optional<std::uint64_t> expected_bytes) {
  const auto limit = static_cast<std::uint64_t>(settings_.max_attachment_bytes);
  auto too_large = [&] {
    return fail(Errc::too_large, "attachments are limited to " + std::to_string(limit) + " bytes",
                "attachment_too_large");
  };
  if (expected_bytes && *expected_bytes > limit) return too_large();
  RUCHE_TRY(Access where, p_.db.read([&](db::Conn& c) -> Result<Access> {
    return reach(c, caller, id, platform::Access::write);
  }));
  const Channel& ch = where.channel;
  // Sealed in the browser (docs/armoured.md): opaque bytes, whose name and
  // type are inside the message; nothing here may tell them.
  const bool sealed = where.workspace.armoured;
  std::string name = "attachment";
  if (!sealed) {
    RUCHE_TRY(name, platform::normalize_file_name(raw_name));
  }
  RUCHE_TRY(auto keys, p_.blobs.keys(ch.workspace_id));
  std::uint64_t total = 0;
  blob::ContentWriter writer(p_.blobs.store(), keys, p_.blobs.pool(), [&](std::uint64_t n) -> Result<void> {
    total += n;
    if (total > limit) return too_large();
    return {};
  });
  std::string head;  // what sniff_image() needs
  std::string buf(1 << 20, '\0');
  while (true) {
    RUCHE_TRY(std::size_t n, body(buf.data(), buf.size()));
    if (n == 0) break;
    std::string_view data(buf.data(), n);
    if (!sealed && head.size() < kImageSniffBytes) head.append(data.substr(0, kImageSniffBytes - head.size()));
    RUCHE_CHECK(writer.write(data));
  }
  RUCHE_TRY(blob::BlobRef ref, writer.finish());
  if (expected_bytes && ref.size_bytes != *expected_bytes)
    return fail(Errc::invalid, "the body is shorter than its Content-Length", "incomplete_body");

  store::AttachmentRow row;
  Attachment& a = row.a;
  a.id = crypto::new_id_of<AttachmentId>();
  a.workspace_id = ch.workspace_id;
  a.channel_id = id;
  a.uploader_id = caller.user_id.str();
  a.name = std::move(name);
  a.size_bytes = static_cast<std::int64_t>(ref.size_bytes);
  a.sha256 = ref.content_hash;
  a.created_at_ms = p_.clock.now_ms();
  if (sealed) {
    a.content_type = "application/octet-stream";
  } else if (auto img = sniff_image(head)) {
    a.content_type = std::string(img->content_type);
    a.width = img->width;
    a.height = img->height;
  } else {
    std::string_view by_name = platform::content_type_for(a.name);
    a.content_type = sniffed_type(by_name) ? "application/octet-stream" : std::string(by_name);
  }
  row.chunks = std::move(ref.chunks);
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
    // Rights may have changed while the bytes arrived.
    RUCHE_TRY([[maybe_unused]] Access again, reach(c, caller, id, platform::Access::write));
    // Within the workspace's storage quota, like its files.
    RUCHE_CHECK(p_.registry.charge_storage(c, ch.workspace_id, a.size_bytes));
    RUCHE_CHECK(store::insert_attachment(c, row));
    RUCHE_TRY([[maybe_unused]] auto added, p_.blobs.add_refs(c, ch.workspace_id, row.chunks));
    return {};
  }));
  return std::move(row.a);
}

Result<Service::OpenedAttachment> Service::open_attachment(const Caller& caller, const AttachmentId& id) {
  RUCHE_TRY(auto row, p_.db.read([&](db::Conn& c) -> Result<store::AttachmentRow> {
    auto none = [] { return fail(Errc::not_found, "no such attachment"); };
    if (!is_id(id.str())) return none();
    RUCHE_TRY(auto found, store::attachment(c, id));
    if (!found) return none();
    if (!reach(c, caller, found->a.channel_id, platform::Access::read)) return none();
    if (!found->a.message_id && found->a.uploader_id != caller.user_id.str()) return none();
    return std::move(*found);
  }));
  OpenedAttachment o;
  RUCHE_TRY(o.keys, p_.blobs.keys(row.a.workspace_id));
  o.attachment = std::move(row.a);
  o.chunks = std::move(row.chunks);
  return o;
}

Result<std::uint64_t> Service::read_attachment(const OpenedAttachment& o, std::uint64_t offset,
                                               std::uint64_t length,
                                               FunctionRef<Result<void>(std::string_view)> sink) {
  return p_.blobs.read(o.keys, o.chunks, offset, length, sink);
}

SharedBytes Service::cached_attachment(const OpenedAttachment& o, std::uint64_t offset, std::uint64_t length) {
  return p_.blobs.cached(o.keys, o.chunks, offset, length);
}

Result<void> Service::discard_attachment(const Caller& caller, const AttachmentId& id) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    auto none = [] { return fail(Errc::not_found, "no such attachment"); };
    if (!is_id(id.str())) return none();
    RUCHE_TRY(auto found, store::attachment(c, id));
    if (!found) return none();
    if (!reach(c, caller, found->a.channel_id, platform::Access::read)) return none();
    if (found->a.uploader_id != caller.user_id.str()) return none();
    if (found->a.message_id) return fail(Errc::conflict, "posted attachments go with their message", "posted");
    return drop_attachments(c, found->a.workspace_id, {*found});
  });
}

namespace {

constexpr std::string_view kExportReadme =
    "Chat\n"
    "\n"
    "channels.json                  every channel (public, private, direct), oldest\n"
    "                               first, with its members, where each had read to\n"
    "                               (last_read_seq) and whether they muted it\n"
    "messages/<channel_id>/*.jsonl  the channel's messages in order (seq), thread\n"
    "                               replies included (thread_id: their first message),\n"
    "                               with reactions, mentions, attachments, edits and\n"
    "                               deletions; bodies are Markdown, mentions written\n"
    "                               <@USER_ID> and <!channel>\n"
    "attachments/<id>/<name>        the bytes of each posted attachment\n";

// A message as exported: what the API shows, and what an import needs to
// restore it whole (when it was deleted and pinned, by whom; each
// attachment's uploader, date and SHA-256).
json::object export_json(const Message& m, const std::map<std::string, const Attachment*>& attachments) {
  json::object o = to_json(m);
  auto time = [](const std::optional<std::int64_t>& t) { return t ? json::value(format_iso8601(*t)) : nullptr; };
  o["deleted_at"] = time(m.deleted_at_ms);
  o["pinned_at"] = time(m.pinned_at_ms);
  o["pinned_by"] = m.pinned_at_ms ? json::value(m.pinned_by) : nullptr;
  for (auto& a : o["attachments"].as_array()) {
    auto it = attachments.find(std::string(a.at("id").as_string()));
    if (it == attachments.end()) continue;
    a.as_object()["sha256"] = it->second->sha256;
    a.as_object()["uploader_id"] = it->second->uploader_id;
    a.as_object()["created_at"] = format_iso8601(it->second->created_at_ms);
  }
  return o;
}

}  // namespace

Result<void> Service::export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                       std::int64_t now_ms) {
  constexpr int kPage = 500;
  RUCHE_TRY(json::array channels, store::export_channels(c, ws));
  RUCHE_CHECK(out.add("chat/README.txt", kExportReadme, now_ms));
  RUCHE_CHECK(out.add_json("chat/channels.json", channels, now_ms));
  for (const auto& ch : channels) {
    const ChannelId id(std::string(ch.at("id").as_string()));
    platform::JsonLinesPages lines(out, "chat/messages/" + id.str(), now_ms);
    for (std::int64_t after = 0;;) {
      RUCHE_TRY(std::vector<Message> page, store::messages_after(c, id, after, kPage));
      RUCHE_TRY(std::vector<store::AttachmentRow> files, store::attachments_of(c, page));
      // Contents before the records that name them (an import reads in one pass).
      std::map<std::string, const Attachment*> by_id;
      for (const auto& f : files) {
        RUCHE_CHECK(out.add_content("chat/attachments/" + f.a.id.str() + "/" + f.a.name, f.a.size_bytes,
                                    f.a.created_at_ms, f.chunks));
        by_id[f.a.id.str()] = &f.a;
      }
      for (const auto& m : page) RUCHE_CHECK(lines.add(export_json(m, by_id)));
      if (page.size() < static_cast<std::size_t>(kPage)) break;
      after = page.back().seq;
    }
    RUCHE_CHECK(lines.finish());
  }
  return {};
}

Result<std::int64_t> Service::maintain() {
  const std::int64_t cutoff = p_.clock.now_ms() - kUnpostedTtlMs;
  constexpr int kBatch = 200;
  std::int64_t purged = 0;
  while (true) {
    RUCHE_TRY(int n, p_.db.write([&](db::Conn& c) -> Result<int> {
      RUCHE_TRY(auto rows, store::unposted_before(c, cutoff, kBatch));
      for (const auto& row : rows) RUCHE_CHECK(drop_attachments(c, row.a.workspace_id, {row}));
      return static_cast<int>(rows.size());
    }));
    purged += n;
    if (n < kBatch) break;
  }
  if (purged > 0) log::info("chat.unposted_purged", {{"attachments", purged}});
  RUCHE_CHECK(p_.blobs.collect_garbage_if_due());
  return purged;
}

Result<std::vector<Message>> Service::messages(const Caller& caller, const ChannelId& id, int limit,
                                               const Page& page) {
  if (limit < 1 || limit > kMaxPageSize)
    return fail(Errc::invalid, "limit must be 1.." + std::to_string(kMaxPageSize), "invalid_field");
  if ((page.before ? 1 : 0) + (page.after ? 1 : 0) + (page.around ? 1 : 0) > 1)
    return fail(Errc::invalid, "use one of before, after, around", "invalid_field");
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Message>> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    (void)a;
    auto seq_of = [&](const MessageId& m) -> Result<std::int64_t> {
      RUCHE_TRY(Message b, load_message(c, m));
      if (b.channel_id != id) return fail(Errc::not_found, "no such message");
      return b.seq;
    };
    if (page.before) {
      RUCHE_TRY(auto seq, seq_of(*page.before));
      return store::timeline(c, id, limit, seq);
    }
    if (page.after) {
      RUCHE_TRY(auto seq, seq_of(*page.after));
      return store::timeline_after(c, id, limit, seq);
    }
    if (page.around) {
      RUCHE_TRY(auto seq, seq_of(*page.around));
      int newer = limit / 2;
      RUCHE_TRY(auto after, store::timeline_after(c, id, newer, seq));
      RUCHE_TRY(auto rest, store::timeline(c, id, limit - static_cast<int>(after.size()), seq + 1));
      after.insert(after.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
      return after;
    }
    return store::timeline(c, id, limit, std::nullopt);
  });
}

Result<std::pair<std::int64_t, std::int64_t>> Service::unread(const Caller& caller, const WorkspaceId& ws) {
  return p_.db.read([&](db::Conn& c) -> Result<std::pair<std::int64_t, std::int64_t>> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "chat", platform::Access::read));
    return store::unread_totals(c, ws, caller.user_id);
  });
}

Result<Message> Service::message(const Caller& caller, const MessageId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<Message> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::read));
    return std::move(found.first);
  });
}

Result<std::vector<Message>> Service::thread(const Caller& caller, const MessageId& root, int limit,
                                             const std::optional<MessageId>& before) {
  if (limit < 1 || limit > kMaxPageSize)
    return fail(Errc::invalid, "limit must be 1.." + std::to_string(kMaxPageSize), "invalid_field");
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Message>> {
    RUCHE_TRY(auto found, reach_message(c, caller, root, platform::Access::read));
    Message m = std::move(found.first);
    if (m.thread_id) return fail(Errc::not_found, "not a thread's first message");
    std::optional<std::int64_t> before_seq;
    if (before) {
      RUCHE_TRY(Message b, load_message(c, *before));
      if (b.thread_id != root) return fail(Errc::not_found, "no such reply in this thread");
      before_seq = b.seq;
    }
    RUCHE_TRY(auto replies, store::replies(c, root, limit, before_seq));
    replies.insert(replies.begin(), std::move(m));
    return replies;
  });
}

Result<Message> Service::edit(const Caller& caller, const MessageId& id, const std::string& body_in,
                             const std::optional<SealedMentions>& sealed) {
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Message> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::write));
    Message& m = found.first;
    Access& a = found.second;
    if (m.author_id != caller.user_id.str())
      return fail(Errc::forbidden, "only the author edits a message");
    if (m.deleted_at_ms) return fail(Errc::conflict, "the message was deleted", "deleted");
    RUCHE_TRY(Body body, check_text(c, a, caller.user_id, body_in, sealed));
    if (!m.attachments.empty()) RUCHE_CHECK(opens_attachments(a, body));
    if (a.workspace.armoured) RUCHE_CHECK(p_.armour.require_current(c, key_scope(a.channel), body.generation));
    const bool at_channel = body.at_channel;
    RUCHE_CHECK(store::set_body(c, id, body.text, now));
    RUCHE_CHECK(store::delete_mentions(c, id));
    std::vector<std::string> valid;
    for (const auto& u : body.mentioned) {
      auto theirs = p_.authz.access_in(c, UserId(u), a.channel.workspace_id);
      if (theirs && theirs->right("chat") != platform::Access::none) valid.push_back(u);
    }
    RUCHE_CHECK(store::insert_mentions(c, m, valid, at_channel));
    AuditEntry e = AuditEntry::by(caller, "chat.message_edited");
    e.workspace_id = a.channel.workspace_id.str();
    e.object = id.str();
    RUCHE_CHECK(p_.audit.append(c, e));
    RUCHE_TRY(Message after, load_message(c, id));
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, a.channel, "message.updated", to_json(after)));
    return after;
  });
}

Result<void> Service::remove(const Caller& caller, const MessageId& id) {
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::write));
    Message& m = found.first;
    Access& a = found.second;
    bool author = m.author_id == caller.user_id.str();
    if (!author && !a.workspace.can_manage())
      return fail(Errc::forbidden, "only the author or workspace admins delete a message");
    if (m.deleted_at_ms) return {};
    RUCHE_CHECK(store::mark_deleted(c, id, now));
    RUCHE_TRY(auto attached, store::attachments_of(c, id));
    RUCHE_CHECK(drop_attachments(c, a.channel.workspace_id, attached));
    AuditEntry e = AuditEntry::by(caller, "chat.message_deleted");
    e.workspace_id = a.channel.workspace_id.str();
    e.object = id.str();
    e.details["author_id"] = m.author_id;
    RUCHE_CHECK(p_.audit.append(c, e));
    json::object data;
    data["id"] = id.str();
    data["channel_id"] = m.channel_id.str();
    data["thread_id"] = m.thread_id ? json::value(m.thread_id->str()) : nullptr;
    RUCHE_TRY([[maybe_unused]] auto seq, emit(c, a.channel, "message.deleted", data));
    return {};
  });
}

Result<Message> Service::react(const Caller& caller, const MessageId& id, const std::string& emoji_in,
                               bool add) {
  RUCHE_TRY(std::string emoji, check_emoji(emoji_in));
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Message> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::write));
    Message& m = found.first;
    Access& a = found.second;
    if (m.deleted_at_ms) return fail(Errc::conflict, "the message was deleted", "deleted");
    bool changed;
    if (add) {
      RUCHE_TRY(std::int64_t kinds, store::distinct_emoji(c, id));
      if (kinds >= static_cast<std::int64_t>(kMaxReactionKinds))
        return fail(Errc::conflict, "too many different reactions", "too_many_reactions");
      RUCHE_TRY(changed, store::add_reaction(c, id, caller.user_id, emoji, now));
    } else {
      RUCHE_TRY(changed, store::remove_reaction(c, id, caller.user_id, emoji));
    }
    RUCHE_TRY(Message after, load_message(c, id));
    if (changed) {
      json::object data;
      data["message_id"] = id.str();
      data["channel_id"] = m.channel_id.str();
      data["emoji"] = emoji;
      data["user_id"] = caller.user_id.str();
      RUCHE_TRY([[maybe_unused]] auto seq,
                emit(c, a.channel, add ? "reaction.added" : "reaction.removed", data));
    }
    return after;
  });
}

Result<Message> Service::pin(const Caller& caller, const MessageId& id, bool pinned) {
  std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Message> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::write));
    Message& m = found.first;
    Access& a = found.second;
    if (m.deleted_at_ms) return fail(Errc::conflict, "the message was deleted", "deleted");
    if (m.pinned_at_ms.has_value() == pinned) return m;
    if (pinned) {
      // Past the bound, the oldest pin would leave the channel's list unseen.
      RUCHE_TRY(auto pins, store::count_pins_locked(c, a.channel.id));
      if (pins >= kMaxPins)
        return fail(Errc::conflict,
                    "a channel holds at most " + std::to_string(kMaxPins) +
                        " pinned messages: unpin one first",
                    "too_many_pins");
    }
    RUCHE_CHECK(store::set_pin(c, id, pinned ? std::optional<std::int64_t>(now) : std::nullopt,
                               caller.user_id.str()));
    RUCHE_TRY(Message after, load_message(c, id));
    RUCHE_TRY([[maybe_unused]] auto seq,
              emit(c, a.channel, pinned ? "message.pinned" : "message.unpinned", to_json(after)));
    return after;
  });
}

Result<std::vector<Message>> Service::pins(const Caller& caller, const ChannelId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Message>> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    (void)a;
    return store::pinned(c, id);
  });
}

Result<std::int64_t> Service::mark_read(const Caller& caller, const ChannelId& id,
                                        std::optional<std::int64_t> seq) {
  return p_.db.write([&](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    if (!a.member) return fail(Errc::conflict, "join the channel first", "not_joined");
    std::int64_t target = seq.value_or(a.channel.last_seq);
    if (target < 0 || target > a.channel.last_seq)
      return fail(Errc::invalid, "seq is past the channel's last message", "invalid_field");
    RUCHE_TRY(bool moved, store::set_read(c, id, caller.user_id, target));
    if (moved) RUCHE_CHECK(read_moved(c, caller, a.channel, target, false));
    return target;
  });
}

// Tells the reader's own clients (other tabs, phone) where they now are.
Result<void> Service::read_moved(db::Conn& c, const Caller& caller, const Channel& ch, std::int64_t seq,
                                 bool back) {
  json::object data;
  data["channel_id"] = ch.id.str();
  data["last_read_seq"] = seq;
  // Marked unread: a client takes this lower position instead of ignoring it
  // as an older read than the one it knows.
  if (back) data["marked_unread"] = true;
  RUCHE_TRY([[maybe_unused]] auto s,
            p_.outbox.append(c, ch.workspace_id, "channel.read", "chat", data, {caller.user_id.str()}));
  return {};
}

Result<std::pair<ChannelId, std::int64_t>> Service::mark_unread(const Caller& caller, const MessageId& id) {
  return p_.db.write([&](db::Conn& c) -> Result<std::pair<ChannelId, std::int64_t>> {
    RUCHE_TRY(auto found, reach_message(c, caller, id, platform::Access::read));
    const auto& [m, a] = found;
    if (!a.member) return fail(Errc::conflict, "join the channel first", "not_joined");
    const std::int64_t target = m.seq - 1;
    RUCHE_TRY(bool moved, store::set_read_back(c, a.channel.id, caller.user_id, target));
    if (moved) RUCHE_CHECK(read_moved(c, caller, a.channel, target, true));
    RUCHE_TRY(auto at, store::read_position(c, a.channel.id, caller.user_id));
    return std::make_pair(a.channel.id, at);
  });
}

Result<void> Service::set_muted(const Caller& caller, const ChannelId& id, bool muted) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Access a, reach(c, caller, id, platform::Access::read));
    if (!a.member) return fail(Errc::conflict, "join the channel first", "not_joined");
    RUCHE_TRY(bool changed, store::set_muted(c, id, caller.user_id, muted));
    if (changed) {
      json::object data;
      data["channel_id"] = id.str();
      data["muted"] = muted;
      // A member's own choice: only their clients hear of it.
      RUCHE_TRY([[maybe_unused]] auto s, p_.outbox.append(c, a.channel.workspace_id, "channel.muted", "chat", data,
                                                          {caller.user_id.str()}));
    }
    return {};
  });
}

Result<std::shared_ptr<const store::WordShares>> Service::word_shares(db::Conn& c) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (shares_ && now - shares_at_ < std::chrono::minutes(10)) return shares_;
  }
  RUCHE_TRY(auto read, store::word_shares(c));
  auto fresh = std::make_shared<const store::WordShares>(std::move(read));
  std::lock_guard lock(mu_);
  shares_ = fresh;
  shares_at_ = now;
  return fresh;
}

Result<std::vector<platform::SearchHit>> Service::search(
    db::Conn& c, const Caller& caller, const std::vector<WorkspaceId>& readable,
    std::string_view query, const std::map<std::string, std::string>& filters, int limit) {
  store::SearchQuery q;
  q.text = std::string(query);
  for (const auto& w : readable) q.workspaces.push_back(w.str());
  q.limit = limit;
  auto filter = [&](const char* key) -> std::optional<std::string> {
    auto it = filters.find(key);
    return it == filters.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  q.channel_id = filter("channel");
  q.author_id = filter("author");
  if (auto f = filter("from")) {
    std::int64_t t;
    if (!parse_iso8601(*f, t)) return fail(Errc::invalid, "from must be an ISO 8601 date", "invalid_field");
    q.from_ms = t;
  }
  if (auto f = filter("to")) {
    std::int64_t t;
    if (!parse_iso8601(*f, t)) return fail(Errc::invalid, "to must be an ISO 8601 date", "invalid_field");
    q.to_ms = t;
  }
  if (c.backend() == db::Backend::postgres) {
    RUCHE_TRY(q.shares, word_shares(c));
  }
  RUCHE_TRY(auto rows, store::search(c, caller.user_id, q));
  std::vector<platform::SearchHit> hits;
  for (auto& r : rows) {
    platform::SearchHit h;
    h.type = "message";
    h.id = r.message_id;
    h.workspace_id = WorkspaceId(r.workspace_id);
    h.snippet = std::move(r.snippet);
    h.rank = r.rank;
    h.extra["channel_id"] = r.channel_id;
    h.extra["author_id"] = r.author_id;
    h.extra["created_at"] = format_iso8601(r.created_at_ms);
    h.extra["thread_id"] = r.thread_id ? json::value(*r.thread_id) : nullptr;
    h.extra["in_channel"] = r.in_channel;
    hits.push_back(std::move(h));
  }
  return hits;
}

void Service::client_message(const Caller& caller, const platform::WorkspaceAccess& access,
                             std::string_view type, const json::object& message) {
  if (type != "chat.typing") return;
  auto* ch = message.if_contains("channel_id");
  if (!ch || !ch->is_string() || !is_id(ch->as_string())) return;
  std::string cid(ch->as_string());
  std::int64_t now = p_.clock.now_ms();
  {
    std::lock_guard lock(mu_);
    std::string key = caller.user_id.str() + ":" + cid;
    auto& at = typing_at_[key];
    if (now - at < kTypingEveryMs) return;
    at = now;
    if (typing_at_.size() > 100'000) typing_at_.clear();
  }
  auto ok = p_.db.read([&](db::Conn& c) -> Result<Channel> {
    RUCHE_TRY(Access a, reach(c, caller, ChannelId(cid), platform::Access::write));
    return a.channel;
  });
  if (!ok || ok->workspace_id != access.workspace_id) return;
  json::object data;
  data["channel_id"] = cid;
  data["user_id"] = caller.user_id.str();
  p_.outbox.publish_ephemeral(ok->workspace_id, "chat.typing", "chat", data, cid);
}

}  // namespace ruche::chat
