#include "modules/chat/query.hpp"

#include <set>
#include <vector>

#include "base/id.hpp"
#include "modules/chat/chat.hpp"

namespace ruche::chat::store {

std::string fts5_query(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  auto is_word = [](unsigned char ch) {
    return ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z') || ch == '_';
  };
  while (i < text.size()) {
    while (i < text.size() && !is_word(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && is_word(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    bool prefix = i < text.size() && text[i] == '*';
    if (!out.empty()) out += ' ';
    out += '"';
    out.append(text.substr(start, i - start));
    out += '"';
    if (prefix) out += '*';
  }
  return out;
}

}  // namespace ruche::chat::store

namespace ruche::chat {

std::vector<std::string> parse_mentions(std::string_view body, bool& channel) {
  channel = false;
  std::set<std::string> users;
  std::size_t pos = 0;
  while ((pos = body.find('<', pos)) != std::string_view::npos) {
    if (body.substr(pos, 10) == "<!channel>") {
      channel = true;
      pos += 10;
      continue;
    }
    if (body.substr(pos, 2) == "<@" && pos + 2 + kIdLength < body.size() &&
        body[pos + 2 + kIdLength] == '>' && is_id(body.substr(pos + 2, kIdLength))) {
      users.insert(std::string(body.substr(pos + 2, kIdLength)));
      pos += 3 + kIdLength;
      continue;
    }
    ++pos;
  }
  return {users.begin(), users.end()};
}

}  // namespace ruche::chat
