#include "modules/all.hpp"

#include "modules/calendar/calendar.hpp"
#include "modules/calls/calls.hpp"
#include "modules/chat/chat.hpp"
#include "modules/files/files.hpp"
#include "modules/reports/reports.hpp"
#include "modules/tasks/tasks.hpp"

namespace ruche::modules {

// Each module's issue replaces its declaration here by `<name>::module()`
// from src/modules/<name>/, which adds routes and hooks. Until then a module
// can be activated in a workspace (its rights are managed, its events flow)
// and the web client shows its placeholder.
void register_all(platform::ModuleRegistry& registry) {
  registry.add(chat::module());
  registry.add(calls::module());
  registry.add(files::module());
  registry.add(tasks::module());
  registry.add(calendar::module());
  registry.add(reports::module());
}

}  // namespace ruche::modules
