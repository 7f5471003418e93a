#include "base/id.hpp"

namespace ruche {

bool is_id(std::string_view s) {
  if (s.size() != kIdLength) return false;
  for (char c : s) {
    // Crockford base32, lowercase: digits and letters without i, l, o, u.
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u');
    if (!ok) return false;
  }
  return true;
}

}  // namespace ruche
