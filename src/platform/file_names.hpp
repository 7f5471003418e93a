// Names and content types of user files (the Files module's documents, chat
// attachments). A name is metadata only: no on-disk name comes from it
// (SECURITY.md IO-4).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ruche::platform {

inline constexpr std::size_t kMaxFileNameBytes = 255;

// Normalizes a file name to NFC and checks it. Errors: invalid (reason
// "invalid_name") for empty names, "." and "..", '/', '\', NUL, control
// characters, malformed or overlong UTF-8, more than kMaxFileNameBytes.
Result<std::string> normalize_file_name(std::string_view name);

// A Content-Type for a file name (by extension), "application/octet-stream"
// when unknown.
std::string_view content_type_for(std::string_view name);

// Whether a type may be served as is: never types a browser would render as
// a document on the app's origin (HTML, SVG, XML, JavaScript...).
bool safe_to_serve(std::string_view content_type);

}  // namespace ruche::platform
