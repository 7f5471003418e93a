// The transactional outbox: the durable, ordered stream of a workspace's
// changes, and the source every live event comes from.
//
// A service appends inside its own write transaction; the event gets the
// workspace's next sequence number in that transaction and is published on
// the bus only after the commit. A client that lost its connection reads
// what it missed with since().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/id.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "core/bus/bus.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {

// The control event that carries Outbox::notify()'s notices and tell()'s
// frames between nodes.
inline constexpr std::string_view kUserNotice = "user.notice";

class Outbox {
 public:
  Outbox(bus::Bus& bus, const Clock& clock) : bus_(bus), clock_(clock) {}

  // Appends an event to `ws`'s stream in the transaction of `c` (a write()
  // connection) and schedules its publication after commit. `module` is the
  // module whose read right a recipient needs ("" for workspace-level
  // events); a non-empty `audience` restricts it to those users, a
  // non-empty `scope` to the members of that module object.
  // Returns the sequence number. Errors: not_found when the workspace is gone.
  Result<std::int64_t> append(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                              std::string_view module, const json::value& data,
                              std::vector<std::string> audience = {},
                              std::string_view scope = {});
  // Many events of one module at once, in order (a change that touches
  // many objects): their sequence numbers are taken together. One by one,
  // PostgreSQL walks every version of the workspace's row the transaction
  // made so far at each (a removal touching 66,000 tasks took minutes).
  // Returns the last one's (0 when none). Errors: append()'s.
  struct Draft {
    std::string type;
    json::value data;
  };
  Result<std::int64_t> append_all(db::Conn& c, const WorkspaceId& ws, std::string_view module,
                                  const std::vector<Draft>& events);
  // An ephemeral workspace event (typing, presence): published at once, never
  // stored, no sequence number (seq 0), never replayed by resume.
  void publish_ephemeral(const WorkspaceId& ws, std::string_view type, std::string_view module,
                         const json::value& data, std::string_view scope = {});

  // Publishes an instance-level control event (not persisted, no sequence):
  // session revocations, user disabled. Call after the commit.
  void publish_control(std::string_view type, const json::value& data);
  // A notice to one person, in the transaction of `c` (a write()
  // connection): kept for them 90 days (platform/notices.hpp) — when
  // `within` names a workspace, listed only while they are a member of it
  // and deleted with it —, and once it commits an unsequenced frame `type`
  // with `data` and its "notice_id" to their open connections, on any node.
  // `email`: its line in the email digest of what they leave unread, in
  // the person's locale, and where in the app it leads (none: never
  // emailed).
  struct NoticeEmail {
    std::string en;    // one line, English
    std::string fr;    // the same in French ("": the English one)
    std::string path;  // "/w/<ws>/tasks/<id>": after the instance's public URL
    std::string topic;  // one of kNoticeTopics (platform/notices.hpp)
  };
  Result<void> notify(db::Conn& c, const UserId& user, std::string_view type, json::object data,
                      const std::optional<WorkspaceId>& within = std::nullopt,
                      const NoticeEmail& email = {});

  // A frame `type` with `data` to one person's open connections, on any
  // node, once `c` (a write() connection) commits: neither kept nor
  // sequenced (what is not in a workspace, the person's own calendar: a
  // connection back after a drop reads again what it shows).
  void tell(db::Conn& c, const UserId& user, std::string_view type, json::object data);

  // Up to `limit` events of `ws` with seq > `since`, in order.
  Result<std::vector<bus::Event>> since(db::Database& db, const WorkspaceId& ws,
                                        std::int64_t since, int limit) const;
  // The workspace's last sequence number.
  Result<std::int64_t> head(db::Database& db, const WorkspaceId& ws) const;

  bus::Bus& bus() { return bus_; }

 private:
  // Stores one event under `seq` (taken) and publishes it once `c` commits.
  Result<void> store(db::Conn& c, const WorkspaceId& ws, std::int64_t seq, std::string_view type,
                     std::string_view module, const json::value& data,
                     std::vector<std::string> audience, std::string_view scope);

  bus::Bus& bus_;
  const Clock& clock_;
};

// Serializes an event as the frame clients receive:
// {"type":...,"workspace_id":...,"seq":N,"module":...,"at":"ISO 8601","data":{...}}
// ("module" only for module events, "at" when known).
std::string event_frame(const bus::Event& e);

}  // namespace ruche::platform
