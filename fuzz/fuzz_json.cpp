// JSON request bodies: parsing and every typed accessor on arbitrary input.
#include <cstdint>
#include <string_view>

#include "base/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto in = ruche::json::In::parse(text, size % 2 == 0);
  if (!in) return 0;
  (void)in->string("name", {.min = 1, .max = 100});
  (void)in->opt_string("topic", {.max = 500, .single_line = false});
  (void)in->integer("seq", 0, INT64_MAX, ruche::json::kOptional);
  (void)in->opt_boolean("private");
  (void)in->string_list("modules", {.max_items = 32}, ruche::json::kOptional);
  (void)in->raw("rights");
  (void)in->ok();
  return 0;
}
