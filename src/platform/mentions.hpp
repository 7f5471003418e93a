// Mentions in a text a person wrote (chat messages, task comments): the web
// client writes "<@USER_ID>" for a person and "<!channel>" for everyone in a
// chat channel, and renders them as names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ruche::platform {

// The distinct user ids mentioned in `text`, in id order, and whether
// "<!channel>" appears.
std::vector<std::string> parse_mentions(std::string_view text, bool& channel);

}  // namespace ruche::platform
