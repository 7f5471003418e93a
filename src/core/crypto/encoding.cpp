#include "core/crypto/encoding.hpp"

#include <sodium.h>

#include <cstdint>

#include "core/crypto/internal.hpp"

namespace ruche::crypto {
namespace {

std::string b64_encode(std::string_view bytes, int variant) {
  detail::ensure_sodium();
  // sodium_base64_ENCODED_LEN counts the terminating NUL.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

std::optional<std::string> b64_decode(std::string_view text, int padded, int unpadded) {
  detail::ensure_sodium();
  // With a NULL end pointer libsodium refuses any unconsumed character, and
  // it refuses non-zero trailing bits: only canonical encodings decode.
  const int variant = text.find('=') == std::string_view::npos ? unpadded : padded;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, variant) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  detail::ensure_sodium();
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  detail::ensure_sodium();
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                     text.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return b64_encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> base64_decode(std::string_view text) {
  return b64_decode(text, sodium_base64_VARIANT_ORIGINAL,
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

std::string base64url_encode(std::string_view bytes) {
  return b64_encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  return b64_decode(text, sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string base32_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = ((acc << 8) | c) & 0xfffu;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 31u]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 31u]);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  // A final group of 1, 3 or 6 characters cannot come from whole bytes.
  switch (text.size() % 8) {
    case 1:
    case 3:
    case 6:
      return std::nullopt;
    default:
      break;
  }
  std::string out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : text) {
    std::uint32_t v;
    if (ch >= 'A' && ch <= 'Z') {
      v = static_cast<std::uint32_t>(ch - 'A');
    } else if (ch >= 'a' && ch <= 'z') {
      v = static_cast<std::uint32_t>(ch - 'a');
    } else if (ch >= '2' && ch <= '7') {
      v = static_cast<std::uint32_t>(ch - '2' + 26);
    } else {
      return std::nullopt;
    }
    acc = ((acc << 5) | v) & 0xfffu;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xffu));
    }
  }
  // Leftover bits are padding and must be zero (one encoding per value).
  if ((acc & ((1u << bits) - 1u)) != 0) return std::nullopt;
  return out;
}

}  // namespace ruche::crypto
