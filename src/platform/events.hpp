// Live events over WebSocket (GET /api/v1/events, API.md "Real-time events").
//
// Each connection belongs to one authenticated caller and follows every
// workspace they are a member of. Events come from the bus after commit;
// a client that sends {"type":"resume","workspace_id":W,"since":N} first
// gets every event of W after N from the outbox, then the live stream, with
// no gap and no duplicate. Only events the caller may see are sent: module
// right, event audience. Membership changes apply at once: removal stops a
// workspace's events (a last "member.removed" tells the client), revoked
// credentials close the connection.
//
// Fan-out runs on one dispatcher thread, each workspace's events in sequence
// order (EventOrder: one that overtook its predecessor waits for it a few
// milliseconds, then the hub reads the missing ones once, rather than every
// stream reading the outbox); database reads run
// on the worker pool; sends never block (a slow client is disconnected by
// the server's send-queue bound).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/http/message.hpp"
#include "platform/event_order.hpp"
#include "platform/remote_presence.hpp"
#include "platform/platform.hpp"

namespace ruche::platform {

// Whether `user_id`, with `access` to the event's workspace, may see `e`:
// the module right, the event's audience, the members of its scope. The one
// visibility rule of live events, resume and GET .../events.
bool can_see(const ModuleRegistry& registry, const bus::Event& e, const std::string& user_id,
             const WorkspaceAccess& access);

class EventHub {
 public:
  explicit EventHub(Platform& platform);
  ~EventHub();

  // Answers the upgrade request for `caller`: 101 with the connection's
  // handler, or an error response.
  http::Response accept(const http::Request& req, const Caller& caller);

  std::size_t connections() const;
  // Times a live stream found a gap in a workspace's sequence (an event lost
  // on the way, or later than EventOrder waits) and read the outbox for it.
  std::uint64_t gap_reads() const { return gap_reads_.load(std::memory_order_relaxed); }
  // Times the hub read the outbox for events that did not come in time
  // (EventOrder's wait ran out), once for all the streams of a workspace.
  std::uint64_t gap_fills() const { return gap_fills_.load(std::memory_order_relaxed); }

  // Presence of `users`: user id -> "online" or "away" (absent: offline),
  // the best of this node's connections and of what the other nodes say
  // (RemotePresence); with `ws`, only as members of it.
  std::vector<std::pair<std::string, std::string>> presence(const std::vector<std::string>& users,
                                                            const std::string& ws = {}) const;

  // Tells the other nodes that this one's connections are gone (before the
  // bus stops), so that they need not wait for its presence to expire.
  void leave();

  // Stops the dispatcher thread: no event is delivered, and no task is
  // handed to the workers, after it returns. Idempotent; the destructor
  // calls it. Stopping the server waits for the tasks already handed out
  // before destroying the hub, for they reach it.
  void stop();

  class Connection;

 private:
  void dispatch_loop();
  void dispatch(const bus::Event& e);
  void attach(const std::shared_ptr<Connection>& c);
  void index_workspace(const std::shared_ptr<Connection>& c, const std::string& ws);
  // Whether every sequence number in [from, to] of `ws` is a scoped event
  // this hub has already dispatched. Called from the dispatcher thread for a
  // connection that is live in `ws` and did not get them: events are
  // dispatched one at a time in order, so each of them went to its scope's
  // members, and this connection's user was not one — it may step over them
  // without reading the outbox. O(to - from) integer compares.
  bool skippable(const std::string& ws, std::int64_t from, std::int64_t to);

  // Presence: a user is online while one of their connections is open and
  // not away. Changes are announced as ephemeral "presence.changed" events
  // in the workspaces they belong to, on first connect, last disconnect and
  // explicit away/back (never per keystroke), and delivered only to the
  // connections that subscribed to that user ("presence.subscribe").
  struct Presence {
    int connections = 0;
    int away = 0;  // connections that said they are away
    std::string announced;  // the last status sent
    std::vector<std::string> workspaces;
  };
  void presence_changed(const std::string& user, int connections_delta, int away_delta,
                        const std::vector<std::string>* workspaces);
  mutable std::mutex presence_mu_;
  std::unordered_map<std::string, Presence> presence_;
  // This node's status of `user` ("" offline), as a member of `ws` if given.
  std::string local_presence(const std::string& user, const std::string& ws) const;
  std::string effective_presence(const std::string& user, const std::string& ws) const;
  // presence.changed for `user` in `ws`, with that status ("offline" when none).
  std::shared_ptr<const std::string> presence_frame(const std::string& user, const std::string& ws) const;
  // Across nodes: this node's id on the bus, the others' views, and the
  // snapshot of its own view it repeats (dispatcher thread).
  static constexpr auto kSnapshotEvery = std::chrono::seconds(10);
  static constexpr auto kPresenceTtl = std::chrono::seconds(35);
  std::string node_id_;       // set once by the constructor
  bool spans_nodes_ = false;  // likewise
  RemotePresence remote_{kPresenceTtl};
  std::chrono::steady_clock::time_point next_snapshot_{};
  void presence_tick(std::chrono::steady_clock::time_point now);
  void publish_snapshot();
  // A user's status changed for a reason other than one announcement (a
  // snapshot, a node gone, views expired): every watcher is told its
  // status in the workspace it watches.
  void tell_watchers(const std::string& user);

  // Scoped events go to their scope's members only; the others learn of
  // their sequence numbers here: the last kRing dispatched, per workspace.
  static constexpr std::size_t kRing = 8192;
  std::mutex ring_mu_;
  std::unordered_map<std::string, std::vector<std::int64_t>> rings_;
  void detach(Connection* c, const std::vector<std::string>& watching);
  // Moves `c` from following the presence of `before` to `after`.
  void watch(const std::shared_ptr<Connection>& c, const std::vector<std::string>& before,
             const std::vector<std::string>& after);
  void unwatch_locked(Connection* c, const std::vector<std::string>& users);

  Platform& platform_;
  std::uint64_t subscription_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<bus::Event> queue_;
  EventOrder order_;  // the dispatcher thread's own
  std::atomic<std::uint64_t> gap_reads_{0};
  std::atomic<std::uint64_t> gap_fills_{0};
  bool stopping_ = false;
  // Connections by a key: removing one is O(1).
  using Index = std::unordered_map<std::string, std::unordered_map<const Connection*, std::weak_ptr<Connection>>>;
  Index by_user_;       // by user id
  Index by_workspace_;  // by the workspaces they follow
  Index by_watched_;    // by the users whose presence they follow
  // The live connections under `key` in `map` (mu_ taken here).
  std::vector<std::shared_ptr<Connection>> collect(const Index& map, const std::string& key);
  std::size_t count_ = 0;
  // The connections of a scope's members, as the last event of the scope
  // found them: valid while its member list (the same list object) and the
  // connections (connections_generation_, moved by attach and detach) are
  // unchanged. Read and written by the dispatcher thread under mu_.
  struct ScopeTarget {
    std::weak_ptr<Connection> connection;
    const std::string* member;  // its entry in `members`
  };
  struct ScopeTargets {
    std::shared_ptr<const std::vector<std::string>> members;
    std::uint64_t generation = 0;
    std::vector<ScopeTarget> targets;
  };
  static constexpr std::size_t kScopeTargetsKept = 4096;
  std::unordered_map<std::string, ScopeTargets> scope_targets_;
  std::uint64_t connections_generation_ = 0;
  std::thread dispatcher_;
};

}  // namespace ruche::platform
