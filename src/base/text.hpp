// Small text helpers every layer shares.
#pragma once

#include <string_view>

namespace ruche {

// `s` without spaces and tabs at either end (HTTP's optional whitespace,
// and what people type around a title or an address).
constexpr std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace ruche
