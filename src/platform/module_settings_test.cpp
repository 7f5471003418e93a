#include "platform/module_settings.hpp"

#include <gtest/gtest.h>

namespace ruche::platform {
namespace {

// A module's integer setting: read when it is one, the fallback otherwise
// (absent, another type, a section that is not a table, too large).
TEST(ModuleSettings, AnIntegerIsReadWhereItIsOne) {
  auto settings = json::parse(
                      R"({"files": {"trash_days": 7, "quota": "ten", "big": 18446744073709551615,
                                    "zero": 0, "negative": -3},
                          "chat": 12})")
                      ->as_object();
  EXPECT_EQ(module_int(settings, "files", "trash_days", 30), 7);
  EXPECT_EQ(module_int(settings, "files", "zero", 30), 0);
  EXPECT_EQ(module_int(settings, "files", "negative", 30), -3);
  EXPECT_EQ(module_int(settings, "files", "missing", 30), 30);
  EXPECT_EQ(module_int(settings, "files", "quota", 30), 30);
  EXPECT_EQ(module_int(settings, "files", "big", 30), 30);
  EXPECT_EQ(module_int(settings, "chat", "max_channels", 5), 5);
  EXPECT_EQ(module_int(settings, "calendar", "x", -1), -1);
}

}  // namespace
}  // namespace ruche::platform
