// UTF-8 as RFC 3629 has it, for text that came as bytes (a path, a query
// parameter, a WebSocket frame): what is not is refused, not stored.
#pragma once

#include <string_view>

namespace ruche {

// Whether `s` is valid UTF-8: no overlong forms, no surrogates, nothing
// above U+10FFFF, no sequence cut short.
bool valid_utf8(std::string_view s);

}  // namespace ruche
