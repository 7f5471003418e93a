#include "platform/mentions.hpp"

#include <set>

#include "base/id.hpp"

namespace ruche::platform {

std::vector<std::string> parse_mentions(std::string_view text, bool& channel) {
  channel = false;
  std::set<std::string> users;
  std::size_t pos = 0;
  while ((pos = text.find('<', pos)) != std::string_view::npos) {
    if (text.substr(pos, 10) == "<!channel>") {
      channel = true;
      pos += 10;
      continue;
    }
    if (text.substr(pos, 2) == "<@" && pos + 2 + kIdLength < text.size() &&
        text[pos + 2 + kIdLength] == '>' && is_id(text.substr(pos + 2, kIdLength))) {
      users.insert(std::string(text.substr(pos + 2, kIdLength)));
      pos += 3 + kIdLength;
      continue;
    }
    ++pos;
  }
  return {users.begin(), users.end()};
}

}  // namespace ruche::platform
