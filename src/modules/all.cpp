#include "modules/all.hpp"

#include "modules/calendar/calendar.hpp"
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
  // Calls keep no contents; their media is encrypted hop by hop (DTLS-SRTP),
  // not end to end, as docs/armoured.md says.
  registry.add({.name = "calls",
                .read_means = "join calls",
                .write_means = "start calls and share the screen",
                .armoured = true});
  registry.add(files::module());
  registry.add(tasks::module());
  registry.add(calendar::module());
  registry.add(reports::module());
}

}  // namespace ruche::modules
