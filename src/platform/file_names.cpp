// File names and content types, shared by the modules that store user files.
#include "platform/file_names.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <array>
#include <utility>

#include "base/utf8.hpp"

namespace ruche::platform {

namespace {

// Valid UTF-8 (base/utf8.hpp) without C0 or C1 controls, nor DEL.
bool valid_utf8_no_controls(std::string_view s) {
  if (!valid_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    // U+0080 to U+009F: 0xC2 is a lead byte here, never a continuation.
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) return false;
  }
  return true;
}

Error bad_name(std::string why) { return Error{Errc::invalid, "invalid name: " + why, "invalid_name"}; }

}  // namespace

Result<std::string> normalize_file_name(std::string_view name) {
  if (name.empty()) return bad_name("empty");
  if (name.size() > kMaxFileNameBytes * 4) return bad_name("too long");
  if (!valid_utf8_no_controls(name)) return bad_name("control characters or malformed UTF-8");
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    return bad_name("'/' and '\\' are not allowed");
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err) || !nfc) return fail(Errc::internal, "Unicode normalization is unavailable");
  icu::StringPiece piece(name.data(), static_cast<std::int32_t>(name.size()));
  std::string out;
  if (nfc->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) {
    out.assign(name);
  } else {
    err = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&out);
    nfc->normalizeUTF8(0, piece, sink, nullptr, err);
    if (U_FAILURE(err)) return bad_name("cannot be normalized");
  }
  if (out.size() > kMaxFileNameBytes) return bad_name("longer than 255 bytes");
  if (out == "." || out == "..") return bad_name("'.' and '..' are not allowed");
  return out;
}

std::string_view content_type_for(std::string_view name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 40> kTypes = {{
      {"txt", "text/plain; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"}, {"pdf", "application/pdf"},
      {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
      {"gif", "image/gif"}, {"webp", "image/webp"}, {"svg", "image/svg+xml"},
      {"html", "text/html"}, {"htm", "text/html"}, {"xml", "application/xml"},
      {"js", "text/javascript"}, {"css", "text/css"}, {"json", "application/json"},
      {"zip", "application/zip"}, {"gz", "application/gzip"}, {"tar", "application/x-tar"},
      {"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"}, {"wav", "audio/wav"},
      {"mp4", "video/mp4"}, {"webm", "video/webm"}, {"mov", "video/quicktime"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"odp", "application/vnd.oasis.opendocument.presentation"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"ics", "text/calendar; charset=utf-8"}, {"vcf", "text/vcard; charset=utf-8"},
      {"epub", "application/epub+zip"}, {"7z", "application/x-7z-compressed"},
      {"rtf", "application/rtf"}, {"xhtml", "application/xhtml+xml"},
  }};
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size() || name.size() - dot > 8)
    return "application/octet-stream";
  std::string ext(name.substr(dot + 1));
  for (auto& ch : ext)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  for (const auto& [e, t] : kTypes)
    if (e == ext) return t;
  return "application/octet-stream";
}

bool safe_to_serve(std::string_view t) {
  auto semi = t.find(';');
  std::string_view base = t.substr(0, semi);
  return !(base == "text/html" || base == "image/svg+xml" || base == "application/xml" ||
           base == "text/xml" || base == "application/xhtml+xml" || base == "text/javascript" ||
           base == "application/javascript" || base == "text/css" || base.find("xml") != std::string_view::npos);
}

}  // namespace ruche::platform
