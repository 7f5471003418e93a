#include "platform/write_order.hpp"

namespace ruche::platform {

Result<void> order_workspace_writes(db::Conn& c, const WorkspaceId& ws) {
  if (c.backend() != db::Backend::postgres) return {};
  RUCHE_TRY([[maybe_unused]] auto row,
            c.query_one("SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE", {ws}));
  return {};
}

}  // namespace ruche::platform
