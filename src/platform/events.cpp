#include "platform/events.hpp"

#include <algorithm>
#include <chrono>

#include "base/log.hpp"
#include "core/crypto/random.hpp"
#include "core/http/websocket.hpp"
#include "platform/authz.hpp"
#include "platform/request_checks.hpp"

namespace ruche::platform {

namespace {

constexpr int kPageSize = 500;
constexpr std::size_t kMaxHeld = 10'000;
constexpr double kMessagesPerSecond = 20;
constexpr double kMessageBurst = 40;
constexpr std::size_t kMaxWatched = 500;  // users one connection follows the presence of

// `at_ms`: when it happened, for a frame's "at" (0: none).
std::shared_ptr<const std::string> frame_of(std::string_view type, std::string_view ws,
                                            const json::object& data, std::int64_t at_ms = 0) {
  bus::Event e;
  e.type = std::string(type);
  e.workspace_id = std::string(ws);
  e.data = json::serialize(data);
  e.created_at_ms = at_ms;
  return std::make_shared<const std::string>(event_frame(e));
}

std::string string_field(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  auto* f = v.as_object().if_contains(key);
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

}  // namespace

bool can_see(const ModuleRegistry& registry, const bus::Event& e, const std::string& user_id,
             const WorkspaceAccess& access) {
  if (!e.module.empty() && access.right(e.module) == Access::none) return false;
  if (!e.audience.empty() &&
      std::find(e.audience.begin(), e.audience.end(), user_id) == e.audience.end())
    return false;
  if (!e.scope.empty()) {
    const ModuleDef* m = registry.find(e.module);
    if (!m || !m->scope_members) return false;
    auto members = m->scope_members(e.scope);
    if (!members || !std::binary_search(members->begin(), members->end(), user_id)) return false;
  }
  return true;
}

class EventHub::Connection final : public http::WebSocketHandler,
                                   public std::enable_shared_from_this<Connection> {
 public:
  Connection(EventHub& hub, Caller caller) : hub_(hub), caller_(std::move(caller)) {}

  const Caller& caller() const { return caller_; }

  void on_open(std::shared_ptr<http::WebSocket> ws) override {
    {
      std::lock_guard lock(mu_);
      ws_ = std::move(ws);
    }
    hub_.attach(shared_from_this());
    auto self = shared_from_this();
    hub_.platform_.workers.submit([self] { self->load_all(); });
  }

  void on_message(std::string_view text) override {
    if (!take_token()) {
      close(1008, "too many messages");
      return;
    }
    auto v = json::parse(text, 8);
    if (!v || !v->is_object()) {
      send_error("invalid_json", "", "messages are JSON objects");
      return;
    }
    std::string type = string_field(*v, "type");
    if (type == "ping") {
      send(std::make_shared<const std::string>("{\"type\":\"pong\"}"));
    } else if (type == "resume") {
      std::string ws = string_field(*v, "workspace_id");
      const json::value* since_v = v->as_object().if_contains("since");
      std::int64_t since = 0;
      if (since_v && since_v->is_int64()) since = since_v->as_int64();
      else if (since_v && since_v->is_uint64()) since = static_cast<std::int64_t>(since_v->as_uint64());
      else {
        send_error("invalid_field", ws, "since must be a sequence number");
        return;
      }
      if (since < 0) since = 0;
      resume(ws, since);
    } else if (type == "presence") {
      std::string status = string_field(*v, "status");
      if (status != "away" && status != "online") {
        send_error("invalid_field", "", "status must be online or away");
        return;
      }
      bool away = status == "away";
      bool counted;
      {
        std::lock_guard lock(mu_);
        counted = counted_;
      }
      if (!counted || away == away_) return;
      away_ = away;
      hub_.presence_changed(caller_.user_id.str(), 0, away ? +1 : -1, nullptr);
    } else if (type == "presence.subscribe") {
      subscribe_presence(*v);
    } else if (auto dot = type.find('.'); dot != std::string::npos) {
      route_to_module(type.substr(0, dot), type, v->as_object());
    } else {
      send_error("unknown_type", "", "unknown message type");
    }
  }

  // The users whose presence this connection follows (those a screen
  // shows), in one workspace it follows; replaces the previous set.
  void subscribe_presence(const json::value& v) {
    std::string ws = string_field(v, "workspace_id");
    const json::value* ids_v = v.as_object().if_contains("user_ids");
    if (!ids_v || !ids_v->is_array() || ids_v->as_array().size() > kMaxWatched) {
      send_error("invalid_field", ws, "user_ids must be a list of at most 500 user ids");
      return;
    }
    std::vector<std::string> ids;
    for (const auto& id : ids_v->as_array()) {
      if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 64) {
        send_error("invalid_field", ws, "user_ids must be a list of at most 500 user ids");
        return;
      }
      ids.emplace_back(id.as_string());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<std::string> before;
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      if (!follows_.count(ws)) {
        json::object data;
        data["code"] = "not_found";
        data["message"] = "no such workspace";
        send_locked(frame_of("error", ws, data));
        return;
      }
      before.swap(watching_);
      watching_ = ids;
      watch_ws_ = ws;
    }
    hub_.watch(shared_from_this(), before, ids);
    json::object users;
    for (const auto& [user, status] : hub_.presence(ids, ws)) users[user] = status;
    send(frame_of("presence.state", ws, json::object{{"users", std::move(users)}}));
  }

  // Dispatcher thread: a presence change of a user this connection may
  // follow, announced in `ws`.
  void presence_event(const std::string& ws, const std::shared_ptr<const std::string>& frame) {
    std::lock_guard lock(mu_);
    if (watch_ws_ == ws && follows_.count(ws)) send_locked(frame);
  }

  // The workspace whose users' presence this connection follows.
  std::string watched_workspace() {
    std::lock_guard lock(mu_);
    return watch_ws_;
  }

  // A client message for a module ("chat.typing"), checked for membership
  // and the module right, handled on a worker.
  void route_to_module(const std::string& module, const std::string& type, const json::object& msg) {
    const ModuleDef* m = hub_.platform_.registry.find(module);
    std::string ws;
    if (auto* w = msg.if_contains("workspace_id"); w && w->is_string()) ws = std::string(w->as_string());
    if (!m || !m->client_message) {
      send_error("unknown_type", ws, "unknown message type");
      return;
    }
    WorkspaceAccess access;
    {
      std::lock_guard lock(mu_);
      auto it = follows_.find(ws);
      if (it == follows_.end() || !it->second.have_access ||
          it->second.access.right(module) == Access::none) {
        json::object data;
        data["code"] = "not_found";
        data["message"] = "no such workspace";
        send_locked(frame_of("error", ws, data));
        return;
      }
      access = it->second.access;
    }
    auto self = shared_from_this();
    hub_.platform_.workers.submit([self, m, access = std::move(access), type, msg] {
      m->client_message(self->caller_, access, type, msg);
    });
  }

  void on_close() override {
    bool was_counted;
    std::vector<std::string> watching;
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      ws_.reset();
      follows_.clear();
      was_counted = counted_;
      watching.swap(watching_);
    }
    hub_.detach(this, watching);
    if (was_counted) hub_.presence_changed(caller_.user_id.str(), -1, away_ ? -1 : 0, nullptr);
  }

  // Dispatcher thread: one workspace event, already serialized. `subject`:
  // the user the event is about (its data's user_id). `member`: for a
  // scoped event, the entry of its scope's member list the dispatcher found
  // this connection under (null when unscoped).
  void deliver(const bus::Event& e, const json::value& data,
               const std::shared_ptr<const std::string>& frame, std::string_view subject,
               const std::string* member) {
    std::unique_lock lock(mu_);
    auto it = follows_.find(e.workspace_id);
    if (it == follows_.end()) return;
    Follow& f = it->second;
    if (e.seq == 0) {
      // Ephemeral (typing, presence): now or never, outside the sequence.
      if (visible(f, e, member)) send_locked(frame);
      return;
    }
    bool about_me = subject == caller_.user_id.str();
    if (f.catching_up) {
      if (f.held.size() < kMaxHeld) f.held.push_back(e);
      else f.held_overflow = true;
      // Removal must apply at once even while catching up.
      if (about_me && e.type == "member.removed") {
        send_locked(frame);
        unfollow_locked(e.workspace_id);
      }
      return;
    }
    if (e.seq <= f.last_seq) return;  // already sent (resume overlap)
    if (e.seq > f.last_seq + 1 &&
        hub_.skippable(e.workspace_id, f.last_seq + 1, e.seq - 1)) {
      f.last_seq = e.seq - 1;  // events of scopes this user is not in
    }
    if (e.seq > f.last_seq + 1) {
      // A gap: an event committed elsewhere has not reached us yet, or was
      // lost. The outbox has it: catch up from there.
      f.catching_up = true;
      f.held.push_back(e);
      std::int64_t from = f.last_seq;
      std::uint64_t gen = ++f.generation;
      lock.unlock();
      hub_.gap_reads_.fetch_add(1, std::memory_order_relaxed);
      schedule_catch_up(e.workspace_id, from, gen);
      return;
    }
    apply_locked(f, e, data, frame, about_me, member);
  }

  // Dispatcher thread: this user was added to a workspace.
  void follow_new(const std::string& ws, std::int64_t seq_before) {
    std::unique_lock lock(mu_);
    if (closed_ || follows_.count(ws)) return;
    Follow& f = follows_[ws];
    f.catching_up = true;
    f.last_seq = seq_before;
    std::uint64_t gen = ++f.generation;
    lock.unlock();
    hub_.index_workspace(shared_from_this(), ws);
    auto self = shared_from_this();
    hub_.platform_.workers.submit([self, ws, seq_before, gen] {
      if (!self->reload_access(ws)) return;
      self->catch_up(ws, seq_before, gen);
    });
  }

  // Dispatcher thread: the workspace was deleted.
  void workspace_deleted(const std::string& ws) {
    std::lock_guard lock(mu_);
    if (!follows_.count(ws)) return;
    json::object data;
    data["workspace_id"] = ws;
    send_locked(frame_of("workspace.deleted", ws, data));
    unfollow_locked(ws);
  }

  // Dispatcher thread: some credential of this user was revoked.
  void revalidate() {
    auto self = shared_from_this();
    hub_.platform_.workers.submit([self] {
      auto& db = self->hub_.platform_.db;
      std::int64_t now = self->hub_.platform_.clock.now_ms();
      auto valid = db.read([&](db::Conn& c) -> Result<bool> {
        RUCHE_TRY(auto row, c.query_one(
                                "SELECT c.revoked_at_ms, c.expires_at_ms, u.disabled FROM "
                                "credentials c JOIN users u ON u.id = c.user_id WHERE c.id = $1",
                                {self->caller_.session_id}));
        return row && row->is_null(0) && row->i64(1) > now && !row->boolean(2);
      });
      if (!valid || !*valid) self->close(4001, "credentials revoked");
    });
  }

  void close(std::uint16_t code, std::string_view reason) {
    std::lock_guard lock(mu_);
    if (ws_) ws_->close(code, reason);
  }

  void send(std::shared_ptr<const std::string> frame) {
    std::lock_guard lock(mu_);
    send_locked(std::move(frame));
  }

 private:
  struct Follow {
    WorkspaceAccess access;
    bool have_access = false;
    std::int64_t last_seq = 0;
    bool catching_up = true;
    std::vector<bus::Event> held;
    bool held_overflow = false;
    std::uint64_t generation = 0;
    std::optional<std::int64_t> requested_since;  // a resume that came before the access
  };

  bool visible(const Follow& f, const bus::Event& e, const std::string* member = nullptr) const {
    if (!f.have_access) return false;
    if (member) {
      // The scope was resolved by the dispatcher, which found this
      // connection under `member`, an entry of the scope's member list: it
      // must be this connection's user. The rest is the common rule's.
      if (*member != caller_.user_id.str()) return false;
      if (!e.module.empty() && f.access.right(e.module) == Access::none) return false;
      return e.audience.empty() || std::find(e.audience.begin(), e.audience.end(),
                                             caller_.user_id.str()) != e.audience.end();
    }
    return can_see(hub_.platform_.registry, e, caller_.user_id.str(), f.access);
  }

  void send_locked(std::shared_ptr<const std::string> frame) {
    if (ws_ && !closed_) ws_->send(std::move(frame));
  }
  void send_error(std::string_view code, std::string_view ws, std::string_view message) {
    json::object data;
    data["code"] = code;
    data["message"] = message;
    send(frame_of("error", ws, data));
  }

  void unfollow_locked(const std::string& ws) {
    follows_.erase(ws);
    // The hub index keeps a weak entry; deliver() ignores unknown workspaces.
  }

  // Applies membership and module changes that concern this connection,
  // then sends the event if visible. mu_ held.
  void apply_locked(Follow& f, const bus::Event& e, const json::value& data,
                    const std::shared_ptr<const std::string>& frame, bool about_me,
                    const std::string* member = nullptr) {
    f.last_seq = e.seq;
    if (about_me && e.type == "member.removed") {
      send_locked(frame);
      unfollow_locked(e.workspace_id);
      return;
    }
    if (about_me && e.type == "member.updated" && data.is_object()) {
      // The event carries the new role and rights: apply them before anything
      // else is sent, so a right taken away stops events at once.
      auto role = parse_workspace_role(string_field(data, "role"));
      if (role) f.access.role = *role;
      if (auto* rights = data.as_object().if_contains("rights"); rights && rights->is_object()) {
        f.access.modules.clear();
        for (const auto& [mod, a] : rights->as_object())
          if (a.is_string())
            f.access.modules.emplace_back(std::string(mod),
                                          parse_access(a.as_string()).value_or(Access::none));
      }
    }
    if (e.type == "workspace.updated" && data.is_object()) {
      if (auto* mods = data.as_object().if_contains("modules"); mods && mods->is_array()) {
        std::vector<std::string> active;
        for (const auto& m : mods->as_array())
          if (m.is_string()) active.emplace_back(m.as_string());
        bool added = false;
        for (const auto& m : active)
          if (!f.access.module_active(m)) added = true;
        std::erase_if(f.access.modules, [&](const auto& p) {
          return std::find(active.begin(), active.end(), p.first) == active.end();
        });
        if (added) {
          auto self = shared_from_this();
          std::string ws = e.workspace_id;
          hub_.platform_.workers.submit([self, ws] { self->reload_access(ws); });
        }
      }
      if (auto* arch = data.as_object().if_contains("archived"); arch && arch->is_bool())
        f.access.archived = arch->as_bool();
    }
    if (visible(f, e, member)) send_locked(frame);
  }

  // Worker thread: every workspace of the user, then a hello frame.
  void load_all() {
    auto& p = hub_.platform_;
    std::int64_t now = p.clock.now_ms();
    auto ids = p.db.read([&](db::Conn& c) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      RUCHE_CHECK(c.each("SELECT workspace_id FROM memberships WHERE user_id = $1 AND "
                         RUCHE_ACTIVE_MEMBERSHIP("memberships"),
                         {caller_.user_id, now}, [&](const db::Row& r) {
                           out.push_back(r.text(0));
                           return true;
                         }));
      return out;
    });
    if (!ids) {
      close(1011, "internal error");
      return;
    }
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      for (const auto& ws : *ids) follows_[ws];  // catching_up until its head is known
      for (const auto& [ws, since] : early_resumes_) {
        auto it = follows_.find(ws);
        if (it != follows_.end()) it->second.requested_since = since;
      }
      early_resumes_.clear();
      loaded_ = true;
    }
    for (const auto& ws : *ids) hub_.index_workspace(shared_from_this(), ws);
    json::array heads;
    for (const auto& ws : *ids) {
      auto head = p.db.read([&](db::Conn& c) -> Result<std::pair<WorkspaceAccess, std::int64_t>> {
        RUCHE_TRY(WorkspaceAccess a, p.authz.access_in(c, caller_.user_id, WorkspaceId(ws)));
        RUCHE_TRY(auto row, c.query_one("SELECT seq FROM workspaces WHERE id = $1", {ws}));
        return std::make_pair(std::move(a), row ? row->i64(0) : 0);
      });
      std::uint64_t gen;
      {
        std::lock_guard lock(mu_);
        auto it = follows_.find(ws);
        if (it == follows_.end()) continue;
        if (!head) {
          follows_.erase(it);
          continue;
        }
        it->second.access = head->first;
        it->second.have_access = true;
        it->second.last_seq = it->second.requested_since.value_or(head->second);
        it->second.requested_since.reset();
        gen = it->second.generation;
      }
      json::object h;
      h["workspace_id"] = ws;
      h["seq"] = head->second;
      heads.push_back(std::move(h));
      // Events that arrived while loading are delivered from the outbox.
      std::int64_t from;
      {
        std::lock_guard lock(mu_);
        auto it = follows_.find(ws);
        if (it == follows_.end()) continue;
        from = it->second.last_seq;
      }
      catch_up(ws, from, gen);
    }
    json::object data;
    data["user_id"] = caller_.user_id.str();
    data["workspaces"] = std::move(heads);
    // Counted before the hello goes out: a client may say "away" as soon as
    // it has the hello, and that must not be ignored.
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      counted_ = true;
    }
    hub_.presence_changed(caller_.user_id.str(), +1, 0, &*ids);
    send(frame_of("hello", "", data));
  }

  // Worker thread. Returns false when the caller is no longer a member.
  bool reload_access(const std::string& ws) {
    auto& p = hub_.platform_;
    auto a = p.db.read([&](db::Conn& c) { return p.authz.access_in(c, caller_.user_id, WorkspaceId(ws)); });
    std::lock_guard lock(mu_);
    auto it = follows_.find(ws);
    if (it == follows_.end()) return false;
    if (!a) {
      if (a.error().code == Errc::not_found) unfollow_locked(ws);
      return false;
    }
    it->second.access = std::move(*a);
    it->second.have_access = true;
    return true;
  }

  void resume(const std::string& ws, std::int64_t since) {
    std::uint64_t gen;
    {
      std::lock_guard lock(mu_);
      if (!loaded_) {
        if (early_resumes_.size() < 1000) early_resumes_.emplace_back(ws, since);
        return;
      }
      auto it = follows_.find(ws);
      if (it == follows_.end()) {
        if (ws_) {
          json::object data;
          data["code"] = "not_found";
          data["message"] = "no such workspace";
          ws_->send(frame_of("error", ws, data));
        }
        return;
      }
      Follow& f = it->second;
      if (!f.have_access) {
        f.requested_since = since;  // load_all() starts from there
        return;
      }
      f.catching_up = true;
      f.last_seq = since;
      gen = ++f.generation;
    }
    schedule_catch_up(ws, since, gen);
  }

  void schedule_catch_up(const std::string& ws, std::int64_t from, std::uint64_t gen) {
    auto self = shared_from_this();
    hub_.platform_.workers.submit([self, ws, from, gen] { self->catch_up(ws, from, gen); });
  }

  // Worker thread: sends what the outbox has after `from`, then what was held
  // meanwhile, then goes live. Stops if a newer resume superseded it.
  void catch_up(const std::string& ws, std::int64_t from, std::uint64_t gen) {
    auto& p = hub_.platform_;
    std::int64_t cursor = from;
    for (int rounds = 0; rounds < 100'000; ++rounds) {
      auto page = p.outbox.since(p.db, WorkspaceId(ws), cursor, kPageSize);
      if (!page) {
        close(1011, "internal error");
        return;
      }
      std::lock_guard lock(mu_);
      auto it = follows_.find(ws);
      if (it == follows_.end() || it->second.generation != gen || closed_) return;
      Follow& f = it->second;
      for (const auto& e : *page) {
        if (e.seq != f.last_seq + 1) continue;
        auto data = json::parse(e.data).value_or(json::value());
        bool about_me = string_field(data, "user_id") == caller_.user_id.str();
        apply_locked(f, e, data, std::make_shared<const std::string>(event_frame(e)), about_me);
        if (!follows_.count(ws)) return;  // removed
      }
      cursor = f.last_seq;
      if (static_cast<int>(page->size()) == kPageSize) continue;
      // The outbox is drained up to what was committed when we read it; the
      // held events are newer. Deliver them in order if they follow on.
      if (f.held_overflow) {
        f.held.clear();
        f.held_overflow = false;
        continue;  // read them from the outbox instead
      }
      std::sort(f.held.begin(), f.held.end(),
                [](const bus::Event& a, const bus::Event& b) { return a.seq < b.seq; });
      bool gap = false;
      std::size_t i = 0;
      for (; i < f.held.size(); ++i) {
        const bus::Event& e = f.held[i];
        if (e.seq <= f.last_seq) continue;
        if (e.seq != f.last_seq + 1) {
          gap = true;
          break;
        }
        auto data = json::parse(e.data).value_or(json::value());
        bool about_me = string_field(data, "user_id") == caller_.user_id.str();
        apply_locked(f, e, data, std::make_shared<const std::string>(event_frame(e)), about_me);
        if (!follows_.count(ws)) return;
      }
      if (gap) {
        f.held.erase(f.held.begin(), f.held.begin() + static_cast<std::ptrdiff_t>(i));
        cursor = f.last_seq;
        continue;
      }
      f.held.clear();
      f.held.shrink_to_fit();
      f.catching_up = false;
      return;
    }
  }

  bool take_token() {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    last_refill_ = now;
    tokens_ = std::min(kMessageBurst, tokens_ + elapsed * kMessagesPerSecond);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  EventHub& hub_;
  Caller caller_;
  std::mutex mu_;
  std::shared_ptr<http::WebSocket> ws_;
  bool closed_ = false;
  bool loaded_ = false;
  bool counted_ = false;  // counted in the hub's presence
  bool away_ = false;     // I/O thread only
  std::vector<std::pair<std::string, std::int64_t>> early_resumes_;
  std::unordered_map<std::string, Follow> follows_;
  std::string watch_ws_;               // presence subscription: its workspace
  std::vector<std::string> watching_;  // and its users, sorted
  // Client message rate (I/O thread only).
  double tokens_ = kMessageBurst;
  std::chrono::steady_clock::time_point last_refill_ = std::chrono::steady_clock::now();

  friend class EventHub;
};

EventHub::EventHub(Platform& platform) : platform_(platform) {
  node_id_ = crypto::new_id();
  spans_nodes_ = platform_.bus.spans_nodes();
  subscription_ = platform_.bus.subscribe([this](const bus::Event& e) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      queue_.push_back(e);
    }
    cv_.notify_one();
  });
  dispatcher_ = std::thread([this] { dispatch_loop(); });
  if (spans_nodes_) {
    // The other nodes answer with their snapshots.
    platform_.outbox.publish_control("presence.hello", json::object{{"node", node_id_}});
  }
}

void EventHub::leave() {
  if (spans_nodes_) platform_.outbox.publish_control("presence.gone", json::object{{"node", node_id_}});
}

void EventHub::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  platform_.bus.unsubscribe(subscription_);
  cv_.notify_all();
  dispatcher_.join();
}

EventHub::~EventHub() {
  stop();
}

std::size_t EventHub::connections() const {
  std::lock_guard lock(mu_);
  return count_;
}

http::Response EventHub::accept(const http::Request& req, const Caller& caller) {
  auto upgrade = req.headers.get("Upgrade");
  if (!upgrade || !http::iequals(*upgrade, "websocket"))
    return http::error_response(Errc::invalid, "this endpoint is a WebSocket", "upgrade_required");
  // A browser page from another site must not open a connection with the
  // user's credentials (CSRF-1).
  if (auto same = check_same_origin(req.headers, platform_.config.public_url); !same)
    return http::error_response(same.error());
  http::Response r;
  r.status = 101;
  r.websocket = std::make_shared<Connection>(*this, caller);
  return r;
}

void EventHub::attach(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  by_user_[c->caller().user_id.str()].emplace(c.get(), c);
  ++connections_generation_;
  ++count_;
}

void EventHub::index_workspace(const std::shared_ptr<Connection>& c, const std::string& ws) {
  std::lock_guard lock(mu_);
  by_workspace_[ws].emplace(c.get(), c);
}

void EventHub::watch(const std::shared_ptr<Connection>& c, const std::vector<std::string>& before,
                     const std::vector<std::string>& after) {
  std::lock_guard lock(mu_);
  unwatch_locked(c.get(), before);
  for (const auto& u : after) by_watched_[u].emplace(c.get(), c);
}

void EventHub::unwatch_locked(Connection* c, const std::vector<std::string>& users) {
  for (const auto& u : users) {
    auto it = by_watched_.find(u);
    if (it == by_watched_.end()) continue;
    it->second.erase(c);
    if (it->second.empty()) by_watched_.erase(it);
  }
}

void EventHub::detach(Connection* c, const std::vector<std::string>& watching) {
  std::lock_guard lock(mu_);
  --count_;
  ++connections_generation_;
  unwatch_locked(c, watching);
  // O(1) per index: 10,000 clients leaving at once must not cost 10,000².
  auto user = by_user_.find(c->caller().user_id.str());
  if (user != by_user_.end()) {
    user->second.erase(c);
    if (user->second.empty()) by_user_.erase(user);
  }
  for (auto it = by_workspace_.begin(); it != by_workspace_.end();) {
    it->second.erase(c);
    it = it->second.empty() ? by_workspace_.erase(it) : std::next(it);
  }
}

void EventHub::dispatch_loop() {
  std::deque<bus::Event> batch;
  std::vector<bus::Event> ready;
  std::unique_lock lock(mu_);
  while (true) {
    auto has_work = [&] { return stopping_ || !queue_.empty(); };
    auto deadline = order_.next_deadline();
    if (spans_nodes_ && (!deadline || next_snapshot_ < *deadline)) deadline = next_snapshot_;
    if (deadline) cv_.wait_until(lock, *deadline, has_work);
    else cv_.wait(lock, has_work);
    if (stopping_) return;
    batch.swap(queue_);
    lock.unlock();
    const auto now = EventOrder::Clock::now();
    if (spans_nodes_ && now >= next_snapshot_) presence_tick(now);
    for (auto& e : batch) order_.push(std::move(e), now, ready);
    batch.clear();
    order_.expire(now, ready, [&](const std::string& ws, std::int64_t from, std::int64_t to) {
      // An event that did not come in time (lost on the bus, or slow): read
      // once here rather than by every stream of the workspace.
      gap_fills_.fetch_add(1, std::memory_order_relaxed);
      auto page = platform_.outbox.since(platform_.db, WorkspaceId(ws), from - 1,
                                         static_cast<int>(std::min<std::int64_t>(to - from + 1, kPageSize)));
      return page ? std::move(*page) : std::vector<bus::Event>{};
    });
    for (const auto& e : ready) {
      try {
        dispatch(e);
      } catch (const std::exception& ex) {
        log::error("events.dispatch_failed", {{"error", ex.what()}, {"type", e.type}});
      }
    }
    ready.clear();
    lock.lock();
  }
}

std::vector<std::shared_ptr<EventHub::Connection>> EventHub::collect(const Index& map, const std::string& key) {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu_);
  auto it = map.find(key);
  if (it == map.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [ptr, w] : it->second)
    if (auto s = w.lock()) out.push_back(std::move(s));
  return out;
}

void EventHub::dispatch(const bus::Event& e) {
  if (e.workspace_id.empty()) {
    auto every_connection = [&] {
      std::vector<std::shared_ptr<Connection>> all;
      std::lock_guard lock(mu_);
      for (const auto& [user, list] : by_user_)
        for (const auto& [ptr, w] : list)
          if (auto c = w.lock()) all.push_back(std::move(c));
      return all;
    };
    auto data = json::parse(e.data).value_or(json::value());
    if (e.type == "credentials.revoked") {
      for (auto& c : collect(by_user_, string_field(data, "user_id"))) c->revalidate();
    } else if (e.type == "workspace.deleted") {
      std::string ws = string_field(data, "workspace_id");
      for (auto& c : collect(by_workspace_, ws)) c->workspace_deleted(ws);
    } else if (e.type == "presence.snapshot" || e.type == "presence.hello" || e.type == "presence.gone") {
      std::string node = string_field(data, "node");
      if (node.empty() || node == node_id_ || !data.is_object()) return;
      if (e.type == "presence.hello") {
        next_snapshot_ = {};  // a new node: tell it now
      } else if (e.type == "presence.gone") {
        for (const auto& user : remote_.forget_node(node)) tell_watchers(user);
      } else if (auto* users = data.as_object().if_contains("users"); users && users->is_object()) {
        const auto now = std::chrono::steady_clock::now();
        for (const auto& [user, view] : users->as_object()) {
          if (!view.is_object()) continue;
          std::vector<std::string> in;
          if (auto* w = view.as_object().if_contains("w"); w && w->is_array())
            for (const auto& ws : w->as_array())
              if (ws.is_string()) in.emplace_back(ws.as_string());
          std::string id(user);
          if (remote_.update(node, id, string_field(view, "s"), in, now)) tell_watchers(id);
        }
      }
    } else if (e.type == bus::kReset && string_field(data, "reason") != "disconnected") {
      if (spans_nodes_) {
        // Announcements may have been lost both ways: repeat ours, ask for theirs.
        next_snapshot_ = {};
        platform_.outbox.publish_control("presence.hello", json::object{{"node", node_id_}});
      }
      // Events from other nodes may have been lost while the bus was down:
      // every client reconnects and resumes from the outbox (the path any
      // dropped connection takes), which also brings workspaces joined and
      // credentials revoked meanwhile. Their retries are spread by jitter.
      for (auto& c : every_connection()) c->close(1012, "events resync");
    } else if (e.type == kUserNotice) {
      // One person's notice (Outbox::notify) or frame (tell), to each of their connections here.
      const auto* d = data.if_object();
      const auto* inner = d ? d->if_contains("data") : nullptr;
      const std::string type = string_field(data, "type");
      if (!inner || !inner->is_object() || type.empty()) return;
      const auto* at = d->if_contains("at_ms");
      auto frame =
          frame_of(type, "", inner->as_object(), at && at->is_int64() ? at->as_int64() : 0);
      for (auto& c : collect(by_user_, string_field(data, "user_id"))) c->send(frame);
    } else if (e.type == "settings.updated") {
      // Branding changed: every open client reloads it.
      auto frame = frame_of("settings.updated", "", json::object{});
      for (auto& c : every_connection()) c->send(frame);
    }
    return;
  }
  // The event's data is parsed and its frame built only once someone here
  // is to receive it: most events of a busy server (an upload by WebDAV, a
  // message in a channel nobody has open) reach no connection of this node.
  json::value data;
  std::shared_ptr<const std::string> frame;
  auto prepare = [&] {
    if (frame) return;
    data = json::parse(e.data).value_or(json::value());
    frame = std::make_shared<const std::string>(event_frame(e));
  };
  const bool joined = e.type == "member.added" || e.type == "workspace.created";
  const bool presence = e.type == "presence.changed" && e.module.empty();
  if (joined) prepare();
  if (joined) {
    for (auto& c : collect(by_user_, string_field(data, "user_id")))
      c->follow_new(e.workspace_id, e.seq - 1);
  }
  if (presence) {
    // Only to the connections following this user: the work is theirs, not
    // the workspace's size (10,000 people connecting would otherwise mean
    // 100 million frames). The status sent is the best of every node's.
    data = json::parse(e.data).value_or(json::value());
    std::string user = string_field(data, "user_id");
    std::string node = string_field(data, "node");
    if (!node.empty() && node != node_id_)
      remote_.update(node, user, string_field(data, "status"), {e.workspace_id}, std::chrono::steady_clock::now());
    auto watchers = collect(by_watched_, user);
    if (watchers.empty()) return;
    auto merged = presence_frame(user, e.workspace_id);
    for (auto& c : watchers) c->presence_event(e.workspace_id, merged);
    return;
  }
  if (e.scope.empty()) {
    auto targets = collect(by_workspace_, e.workspace_id);
    if (targets.empty()) return;
    prepare();
    const std::string subject = string_field(data, "user_id");
    for (auto& c : targets) c->deliver(e, data, frame, subject, nullptr);
    return;
  }
  // A scoped event (a channel's message) goes to the scope's members only:
  // the work is the channel's size, not the workspace's. Everyone else can
  // step over its sequence number through the ring.
  std::shared_ptr<const std::vector<std::string>> members;
  const ModuleDef* m = platform_.registry.find(e.module);
  if (m && m->scope_members) members = m->scope_members(e.scope);
  if (!members) members = std::make_shared<const std::vector<std::string>>();
  if (e.seq > 0) {
    std::lock_guard lock(ring_mu_);
    auto& ring = rings_[e.workspace_id];
    if (ring.empty()) ring.resize(kRing);
    ring[static_cast<std::size_t>(e.seq) % kRing] = e.seq;
  }
  // The scope's connections, from the last event of the scope while neither
  // its member list nor the connections changed (a busy channel's members
  // are not looked up one by one for every message).
  const std::vector<ScopeTarget>* targets;
  {
    std::lock_guard lock(mu_);
    auto at = scope_targets_.find(e.scope);
    if (at == scope_targets_.end()) {
      if (scope_targets_.size() > kScopeTargetsKept) scope_targets_.clear();
      at = scope_targets_.emplace(e.scope, ScopeTargets{}).first;
    }
    ScopeTargets& cached = at->second;
    if (cached.members != members || cached.generation != connections_generation_) {
      cached.members = members;
      cached.generation = connections_generation_;
      cached.targets.clear();
      for (const auto& user : *members) {
        auto it = by_user_.find(user);
        if (it == by_user_.end()) continue;
        for (const auto& [ptr, w] : it->second) cached.targets.push_back({w, &user});
      }
    }
    targets = &cached.targets;  // the dispatcher's own: it alone changes it
  }
  if (targets->empty()) return;
  prepare();
  const std::string subject = string_field(data, "user_id");
  for (const auto& t : *targets)
    if (auto c = t.connection.lock()) c->deliver(e, data, frame, subject, t.member);
}

void EventHub::presence_changed(const std::string& user, int connections_delta, int away_delta,
                                const std::vector<std::string>* workspaces) {
  std::string status;
  std::vector<std::string> targets;
  {
    std::lock_guard lock(presence_mu_);
    Presence& p = presence_[user];
    p.connections += connections_delta;
    p.away += away_delta;
    if (workspaces) p.workspaces = *workspaces;
    status = p.connections <= 0 ? "offline" : (p.away >= p.connections ? "away" : "online");
    if (status == p.announced) {
      if (p.connections <= 0) presence_.erase(user);
      return;
    }
    p.announced = status;
    targets = p.workspaces;
    if (p.connections <= 0) presence_.erase(user);
  }
  json::object data;
  data["user_id"] = user;
  data["status"] = status;
  data["node"] = node_id_;
  for (const auto& ws : targets) platform_.outbox.publish_ephemeral(WorkspaceId(ws), "presence.changed", "", data);
}

std::string EventHub::local_presence(const std::string& user, const std::string& ws) const {
  std::lock_guard lock(presence_mu_);
  auto it = presence_.find(user);
  if (it == presence_.end() || it->second.connections <= 0 || it->second.announced.empty()) return {};
  const auto& in = it->second.workspaces;
  if (!ws.empty() && std::find(in.begin(), in.end(), ws) == in.end()) return {};
  return it->second.announced;
}

std::string EventHub::effective_presence(const std::string& user, const std::string& ws) const {
  return std::string(best_presence(local_presence(user, ws), remote_.status(user, ws)));
}

std::vector<std::pair<std::string, std::string>> EventHub::presence(const std::vector<std::string>& users,
                                                                   const std::string& ws) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& u : users)
    if (std::string status = effective_presence(u, ws); !status.empty()) out.emplace_back(u, std::move(status));
  return out;
}

void EventHub::presence_tick(std::chrono::steady_clock::time_point now) {
  next_snapshot_ = now + kSnapshotEvery;
  publish_snapshot();
  for (const auto& user : remote_.prune(now)) tell_watchers(user);
}

void EventHub::publish_snapshot() {
  // This node's view, in events of at most 1,000 users (well under NATS'
  // 1 MB payload); an empty one still says the node is there.
  constexpr std::size_t kPerEvent = 1000;
  std::vector<json::object> parts(1);
  {
    std::lock_guard lock(presence_mu_);
    for (const auto& [user, p] : presence_) {
      if (p.connections <= 0 || p.announced.empty()) continue;
      if (parts.back().size() == kPerEvent) parts.emplace_back();
      json::array in;
      for (const auto& ws : p.workspaces) in.emplace_back(ws);
      parts.back()[user] = json::object{{"s", p.announced}, {"w", std::move(in)}};
    }
  }
  for (auto& users : parts)
    platform_.outbox.publish_control("presence.snapshot", json::object{{"node", node_id_}, {"users", std::move(users)}});
}

std::shared_ptr<const std::string> EventHub::presence_frame(const std::string& user, const std::string& ws) const {
  std::string status = effective_presence(user, ws);
  return frame_of("presence.changed", ws, json::object{{"user_id", user}, {"status", status.empty() ? "offline" : status}});
}

void EventHub::tell_watchers(const std::string& user) {
  std::unordered_map<std::string, std::shared_ptr<const std::string>> frames;  // by workspace
  for (auto& c : collect(by_watched_, user)) {
    std::string ws = c->watched_workspace();
    auto& frame = frames[ws];
    if (!frame) frame = presence_frame(user, ws);
    c->presence_event(ws, frame);
  }
}

bool EventHub::skippable(const std::string& ws, std::int64_t from, std::int64_t to) {
  if (to - from + 1 > static_cast<std::int64_t>(kRing)) return false;
  std::lock_guard lock(ring_mu_);
  auto it = rings_.find(ws);
  if (it == rings_.end()) return false;
  for (std::int64_t s = from; s <= to; ++s)
    if (it->second[static_cast<std::size_t>(s) % kRing] != s) return false;
  return true;
}

}  // namespace ruche::platform
