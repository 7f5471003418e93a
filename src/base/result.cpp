#include "base/result.hpp"

namespace ruche {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid: return "invalid";
    case Errc::unauthenticated: return "unauthenticated";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::method_not_allowed: return "method_not_allowed";
    case Errc::conflict: return "conflict";
    case Errc::gone: return "gone";
    case Errc::precondition_failed: return "precondition_failed";
    case Errc::too_large: return "too_large";
    case Errc::unsupported_media: return "unsupported_media_type";
    case Errc::locked: return "locked";
    case Errc::rate_limited: return "rate_limited";
    case Errc::insufficient_storage: return "insufficient_storage";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace ruche
