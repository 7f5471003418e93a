#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "base/id.hpp"
#include "base/uninitialized.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/sign.hpp"
#include "core/crypto/totp.hpp"

namespace ruche::crypto {
namespace {

constexpr std::string_view kBase64Chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64UrlChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// True when every character of `s` is in `alphabet`.
bool only(std::string_view s, std::string_view alphabet) {
  return s.find_first_not_of(alphabet) == std::string_view::npos;
}

std::string unhex(std::string_view hex) {
  auto bytes = hex_decode(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

// ------------------------------------------------------------- randomness

TEST(Random, InitIsIdempotent) {
  ASSERT_TRUE(init());
  ASSERT_TRUE(init());
}

TEST(Random, BytesHaveTheRequestedSizeAndDiffer) {
  EXPECT_EQ(random_bytes(0), "");
  EXPECT_EQ(random_bytes(33).size(), 33u);
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(Random, IdsHaveTheIdShapeAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = new_id();
    ASSERT_EQ(id.size(), kIdLength);
    ASSERT_TRUE(is_id(id)) << id;
    ASSERT_LE(id[0], '7') << id;  // two leading zero bits
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(Random, IdsUseTheWholeAlphabet) {
  std::set<char> chars;
  for (int i = 0; i < 200; ++i) {
    for (char c : new_id().substr(1)) chars.insert(c);
  }
  EXPECT_EQ(chars.size(), 32u);
}

TEST(Random, StrongIdsWrapNewIds) {
  const UserId a = new_id_of<UserId>();
  const UserId b = new_id_of<UserId>();
  EXPECT_TRUE(is_id(a.str()));
  EXPECT_NE(a, b);
}

TEST(Random, OrderedIdsHaveTheIdShapeAndSortByTime) {
  std::set<std::string> seen;
  std::string previous;
  for (std::int64_t ms = 1'764'000'000'000; ms < 1'764'000'000'000 + 2'000; ++ms) {
    for (int i = 0; i < 5; ++i) {
      const std::string id = new_ordered_id(ms);
      ASSERT_TRUE(is_id(id)) << id;
      ASSERT_LE(id[0], '7') << id;
      // The first 10 characters hold 48 bits of time (plus the 2 zero bits).
      if (i == 0) {
        ASSERT_LT(previous.substr(0, 10), id.substr(0, 10)) << ms;
        ASSERT_LT(previous, id) << ms;
      } else {
        ASSERT_EQ(previous.substr(0, 10), id.substr(0, 10)) << ms;
      }
      previous = id;
      seen.insert(id);
    }
  }
  EXPECT_EQ(seen.size(), 10'000u);
  EXPECT_LT(new_ordered_id(1), new_ordered_id(2));
  EXPECT_LT(new_ordered_id(0xffff'ffff'fffe), new_ordered_id(0xffff'ffff'ffff));
  EXPECT_TRUE(is_id(new_ordered_id_of<UserId>(5).str()));
}

TEST(Random, TokensAre256BitBase64Url) {
  const std::string t = new_token();
  ASSERT_EQ(t.size(), 43u);
  EXPECT_TRUE(only(t, kBase64UrlChars)) << t;
  auto raw = base64url_decode(t);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 32u);
  EXPECT_NE(new_token(), t);
}

TEST(Random, DigitsAreDigits) {
  EXPECT_EQ(random_digits(0), "");
  const std::string d = random_digits(64);
  EXPECT_EQ(d.size(), 64u);
  EXPECT_TRUE(only(d, "0123456789")) << d;
}

// --------------------------------------------------------------- encoding

TEST(Encoding, HexRoundTripsAndRejectsBadInput) {
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(hex_decode("0001ABff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(hex_decode(""), "");
  for (const char* bad : {"0", "abc", "zz", "0g", "00 11", "0x00"}) {
    EXPECT_FALSE(hex_decode(bad).has_value()) << bad;
  }
  for (std::size_t n = 0; n < 40; ++n) {
    const std::string b = random_bytes(n);
    EXPECT_EQ(hex_decode(hex_encode(b)), b);
  }
}

TEST(Encoding, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(base64_encode(plain), enc);
    EXPECT_EQ(base64_decode(enc), plain);
  }
  EXPECT_EQ(base64_decode("Zm9vYg"), "foob");  // unpadded is accepted
}

TEST(Encoding, Base64UrlUsesTheUrlAlphabetWithoutPadding) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zg=="), "f");
  EXPECT_EQ(base64url_decode("-_-_"), bytes);
}

TEST(Encoding, Base64RejectsBadInput) {
  for (const char* bad :
       {"Z", "Zg=", "Zg===", "Zm9v!", "Zh==", "Zm9=v", " Zm9v", "Zm9v\n", "-_-_"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
  for (const char* bad : {"Z", "Zg=", "+/+/", "Zh", "Zm9v.", "Zm 9v"}) {
    EXPECT_FALSE(base64url_decode(bad).has_value()) << bad;
  }
}

TEST(Encoding, Base64RoundTrips) {
  for (std::size_t n = 0; n < 70; ++n) {
    const std::string b = random_bytes(n);
    EXPECT_EQ(base64_decode(base64_encode(b)), b);
    EXPECT_EQ(base64url_decode(base64url_encode(b)), b);
  }
}

TEST(Encoding, Base32MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(base32_encode(plain), enc);
    EXPECT_EQ(base32_decode(enc), plain);
  }
}

TEST(Encoding, Base32DecodingToleratesPaddingAndLowercase) {
  EXPECT_EQ(base32_decode("MY======"), "f");
  EXPECT_EQ(base32_decode("MZXW6YQ="), "foob");
  EXPECT_EQ(base32_decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(base32_decode("MzXw6YtBoI"), "foobar");
}

TEST(Encoding, Base32RejectsBadInput) {
  // "M": no whole byte; "MZ": non-zero trailing bits; 0, 1, 8, 9 are not base32.
  for (const char* bad :
       {"M", "MZX", "MZXW6Y", "MZ", "MZXW1", "MZXW0", "MZX=W6", "MZ XW6", "MY=A"}) {
    EXPECT_FALSE(base32_decode(bad).has_value()) << bad;
  }
}

TEST(Encoding, Base32RoundTrips) {
  for (std::size_t n = 0; n < 70; ++n) {
    const std::string b = random_bytes(n);
    const std::string e = base32_encode(b);
    EXPECT_TRUE(only(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")) << e;
    EXPECT_EQ(base32_decode(e), b);
  }
}

// ---------------------------------------------------------------- hashing

TEST(Hash, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc"),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

TEST(Hash, StreamingSha256MatchesTheOneShotAndResets) {
  Sha256 h;
  h.update("a");
  h.update("");
  h.update("bc");
  EXPECT_EQ(h.finish_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(h.finish_hex(), sha256_hex("")) << "finish_hex starts a new message";
  std::string big(3 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 65537)
    h.update(std::string_view(big).substr(i, 65537));
  EXPECT_EQ(h.finish_hex(), sha256_hex(big));
}

TEST(Hash, HmacSha1MatchesRfc2202Vectors) {
  EXPECT_EQ(hex_encode(hmac_sha1(std::string(20, '\x0b'), "Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(hex_encode(hmac_sha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Hash, HmacSha256MatchesRfc4231Vectors) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size.
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                   "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hash, Blake2bMatchesRfc7693Vector) {
  EXPECT_EQ(hex_encode(blake2b("abc", 64)),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(blake2b("abc").size(), 32u);
  EXPECT_EQ(blake2b("abc", 16).size(), 16u);
  EXPECT_NE(blake2b("abc", 32), blake2b("abd", 32));
}

TEST(HashDeathTest, Blake2bRefusesAnOutLenOutOfRange) {
  EXPECT_DEATH((void)blake2b("abc", 8), "out_len");
}

TEST(Hash, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(Hash, TokenHashIsSha256Hex) {
  const std::string t = new_token();
  EXPECT_EQ(token_hash(t), sha256_hex(t));
  EXPECT_EQ(token_hash(t).size(), 64u);
}

// ------------------------------------------------------------------- TOTP

const std::string kRfcSecret = "12345678901234567890";

TEST(Totp, HotpMatchesRfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp(kRfcSecret, i), expected[i]) << i;
}

TEST(Totp, MatchesRfc6238AppendixBSha1) {
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [t, code] : vectors) {
    EXPECT_EQ(totp_code(kRfcSecret, t, 30, 8), code) << t;
    EXPECT_EQ(totp_verify(kRfcSecret, code, t, std::nullopt, 0, 30, 8), totp_step(t)) << t;
  }
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(-1), -1);
}

TEST(Totp, VerifyAcceptsTheWindowOnly) {
  const std::int64_t now = 1'800'000'000;
  const std::int64_t step = totp_step(now);
  const std::string prev = totp_code(kRfcSecret, now - 30);
  const std::string next = totp_code(kRfcSecret, now + 30);
  const std::string old = totp_code(kRfcSecret, now - 60);
  EXPECT_EQ(totp_verify(kRfcSecret, totp_code(kRfcSecret, now), now, std::nullopt), step);
  EXPECT_EQ(totp_verify(kRfcSecret, prev, now, std::nullopt), step - 1);
  EXPECT_EQ(totp_verify(kRfcSecret, next, now, std::nullopt), step + 1);
  EXPECT_EQ(totp_verify(kRfcSecret, old, now, std::nullopt), std::nullopt);
  EXPECT_EQ(totp_verify(kRfcSecret, old, now, std::nullopt, 2), step - 2);
  EXPECT_EQ(totp_verify(kRfcSecret, prev, now, std::nullopt, 0), std::nullopt);
}

TEST(Totp, CodesAreSingleUse) {
  const std::int64_t now = 1'800'000'000;
  const std::string code = totp_code(kRfcSecret, now);
  auto used = totp_verify(kRfcSecret, code, now, std::nullopt);
  ASSERT_TRUE(used);
  EXPECT_EQ(totp_verify(kRfcSecret, code, now, used), std::nullopt);
  EXPECT_EQ(totp_verify(kRfcSecret, code, now + 10, used), std::nullopt);
  // An earlier code is refused once a later step was used...
  EXPECT_EQ(totp_verify(kRfcSecret, totp_code(kRfcSecret, now - 30), now, used), std::nullopt);
  // ...and the next step's code is still good.
  EXPECT_EQ(totp_verify(kRfcSecret, totp_code(kRfcSecret, now + 30), now + 30, used), *used + 1);
}

TEST(Totp, VerifyRejectsMalformedCodes) {
  const std::int64_t now = 1'800'000'000;
  const std::string code = totp_code(kRfcSecret, now);
  EXPECT_EQ(totp_verify(kRfcSecret, code.substr(0, 3) + " " + code.substr(3), now, std::nullopt),
            totp_step(now));
  for (const std::string& bad :
       {std::string(), code.substr(0, 5), code + "0", std::string("abcdef"),
        code.substr(0, 5) + "x", "-" + code.substr(1)}) {
    EXPECT_EQ(totp_verify(kRfcSecret, bad, now, std::nullopt), std::nullopt) << bad;
  }
}

TEST(Totp, SecretsAndProvisioningUri) {
  const std::string secret = new_totp_secret();
  ASSERT_EQ(secret.size(), 20u);
  EXPECT_NE(new_totp_secret(), secret);
  EXPECT_EQ(otpauth_uri("Ruche Démo", "jean.dupont+x@example.fr", kRfcSecret),
            "otpauth://totp/Ruche%20D%C3%A9mo:jean.dupont%2Bx%40example.fr"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ruche%20D%C3%A9mo"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(Totp, RecoveryCodes) {
  const auto codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), 10u);
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 14u) << c;
    EXPECT_EQ(c[4], '-');
    EXPECT_EQ(c[9], '-');
    const std::string chars = c.substr(0, 4) + c.substr(5, 4) + c.substr(10, 4);
    EXPECT_TRUE(only(chars, "23456789abcdefghjkmnpqrstuvwxyz")) << c;
  }
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
  EXPECT_EQ(new_recovery_codes(3).size(), 3u);
  EXPECT_EQ(normalize_recovery_code(" ABCD-efgh 2345\n"), "abcdefgh2345");
  EXPECT_EQ(normalize_recovery_code(codes[0]),
            codes[0].substr(0, 4) + codes[0].substr(5, 4) + codes[0].substr(10, 4));
}

// ------------------------------------------------------------------- AEAD

TEST(Aead, RoundTrips) {
  const std::string key = new_key();
  ASSERT_EQ(key.size(), kKeyBytes);
  for (const std::string& pt : {std::string(), std::string("hello"), random_bytes(100'000)}) {
    const std::string sealed = seal(key, pt, "blob:1");
    EXPECT_EQ(sealed.size(), pt.size() + kSealOverhead);
    auto opened = open(key, sealed, "blob:1");
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, pt);
    std::string buffer = sealed;
    auto in_place = open_in_place(key, buffer, "blob:1");
    ASSERT_TRUE(in_place) << in_place.error().message;
    EXPECT_EQ(*in_place, pt);
    EXPECT_EQ(in_place->data(), buffer.data() + kNonceBytes);  // no copy
  }
  EXPECT_NE(seal(key, "same"), seal(key, "same"));  // fresh nonce each time
}

// The sealed format is libsodium's XChaCha20-Poly1305-IETF byte for byte
// (what is already on disk stays readable), though computed through OpenSSL.
TEST(Aead, SameBytesAsLibsodium) {
  ASSERT_GE(sodium_init(), 0);
  const std::string key = new_key();
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  for (std::size_t size : {0u, 1u, 63u, 64u, 65u, 1000u, (1u << 20) + 7}) {
    for (const std::string ad : {"", "ns:0123456789abcdef"}) {
      const std::string pt = random_bytes(size);
      const auto* a = reinterpret_cast<const unsigned char*>(ad.data());
      // Ours -> libsodium.
      const std::string sealed = seal(key, pt, ad);
      const auto* s = reinterpret_cast<const unsigned char*>(sealed.data());
      std::string plain(size, '\0');
      unsigned long long n = 0;
      ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(
                    reinterpret_cast<unsigned char*>(plain.data()), &n, nullptr, s + kNonceBytes,
                    sealed.size() - kNonceBytes, a, ad.size(), s, k),
                0)
          << size;
      EXPECT_EQ(plain, pt);
      // libsodium -> ours, and the same bytes for the same nonce.
      std::string theirs(sealed.substr(0, kNonceBytes));
      theirs.resize(sealed.size());
      auto* t = reinterpret_cast<unsigned char*>(theirs.data());
      crypto_aead_xchacha20poly1305_ietf_encrypt(t + kNonceBytes, &n,
                                                 reinterpret_cast<const unsigned char*>(pt.data()),
                                                 size, a, ad.size(), nullptr, t, k);
      EXPECT_EQ(theirs, sealed) << size;
      auto opened = open(key, theirs, ad);
      ASSERT_TRUE(opened) << size;
      EXPECT_EQ(*opened, pt);
      auto in_place = open_in_place(key, theirs, ad);
      ASSERT_TRUE(in_place) << size;
      EXPECT_EQ(*in_place, pt);
    }
  }
}

TEST(Aead, DetectsTampering) {
  const std::string key = new_key();
  const std::string sealed = seal(key, "attack at dawn", "ad");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = open(key, bad, "ad");
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, Errc::invalid);
    auto in_place = open_in_place(key, bad, "ad");
    ASSERT_FALSE(in_place) << i;
    EXPECT_EQ(in_place.error().code, Errc::invalid);
    // Nothing of the unauthenticated plaintext is left behind.
    EXPECT_EQ(bad.substr(kNonceBytes, bad.size() - kSealOverhead),
              std::string(bad.size() - kSealOverhead, '\0')) << i;
  }
  EXPECT_FALSE(open(key, sealed.substr(0, sealed.size() - 1), "ad"));
  EXPECT_FALSE(open(key, sealed + "x", "ad"));
  EXPECT_FALSE(open(key, sealed.substr(0, kSealOverhead - 1), "ad"));
  EXPECT_FALSE(open(key, "", "ad"));
}

TEST(Aead, RefusesWrongKeyOrAssociatedData) {
  const std::string key = new_key();
  const std::string sealed = seal(key, "attack at dawn", "workspace:a");
  EXPECT_FALSE(open(key, sealed, "workspace:b"));
  EXPECT_FALSE(open(key, sealed, ""));
  EXPECT_FALSE(open(new_key(), sealed, "workspace:a"));
  auto short_key = open(key.substr(0, 31), sealed, "workspace:a");
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().code, Errc::invalid);
}

TEST(AeadDeathTest, SealRefusesAKeyOfTheWrongSize) {
  EXPECT_DEATH((void)seal(std::string(31, 'k'), "x"), "32 bytes");
}

// seal_into() writes what seal() returns, into a buffer the caller owns.
TEST(Aead, SealsIntoACallersBuffer) {
  const std::string key = new_key();
  for (std::size_t size : {0u, 1u, 4096u, (1u << 20) + 7}) {
    const std::string pt(size, 'p');
    AlignedBuffer out(size + kSealOverhead);
    seal_into(key, pt, "ns:id", out.span());
    auto opened = open(key, out.view(), "ns:id");
    ASSERT_TRUE(opened) << size;
    EXPECT_EQ(*opened, pt);
    EXPECT_FALSE(open(key, out.view(), "ns:other")) << size;
  }
}

TEST(AeadDeathTest, SealIntoRefusesAWrongSizeOrAnOverlap) {
  const std::string key = new_key();
  std::string buffer(64, 'x');
  std::string small(10 + kSealOverhead - 1, '\0');
  EXPECT_DEATH(seal_into(key, std::string(10, 'p'), {}, small), "wrong output size");
  EXPECT_DEATH(seal_into(key, std::string_view(buffer).substr(0, 10), {},
                         std::span<char>(buffer.data() + 5, 10 + kSealOverhead)),
               "overlaps");
}

TEST(Aead, WrapsKeys) {
  const std::string kek = new_key();
  const std::string key = new_key();
  const std::string wrapped = wrap_key(kek, key, "workspace:w1");
  auto unwrapped = unwrap_key(kek, wrapped, "workspace:w1");
  ASSERT_TRUE(unwrapped);
  EXPECT_EQ(*unwrapped, key);
  EXPECT_FALSE(unwrap_key(kek, wrapped, "workspace:w2"));
  EXPECT_FALSE(unwrap_key(new_key(), wrapped, "workspace:w1"));
  // Authentic, but not a key.
  auto not_a_key = unwrap_key(kek, seal(kek, "short", "workspace:w1"), "workspace:w1");
  ASSERT_FALSE(not_a_key);
  EXPECT_EQ(not_a_key.error().code, Errc::invalid);
}

// -------------------------------------------------------- password hashing

constexpr PasswordParams kFloor{
    .memory_kib = 19456, .iterations = 2, .parallelism = 1, .max_concurrent = 2};

PasswordHasher floor_hasher(std::uint32_t max_concurrent = 2) {
  PasswordParams p = kFloor;
  p.max_concurrent = max_concurrent;
  auto h = PasswordHasher::create(p);
  EXPECT_TRUE(h);
  return std::move(h).value();
}

TEST(Password, RefusesParamsBelowTheFloor) {
  EXPECT_TRUE(PasswordHasher::create(kFloor));
  EXPECT_TRUE(PasswordHasher::create());
  const PasswordParams bad[] = {
      {.memory_kib = 19455, .iterations = 2, .parallelism = 1, .max_concurrent = 1},
      {.memory_kib = 65536, .iterations = 1, .parallelism = 4, .max_concurrent = 1},
      {.memory_kib = 65536, .iterations = 3, .parallelism = 0, .max_concurrent = 1},
      {.memory_kib = 65536, .iterations = 3, .parallelism = 4, .max_concurrent = 0},
      {.memory_kib = kMaxPasswordMemoryKib + 1,
       .iterations = 3,
       .parallelism = 4,
       .max_concurrent = 1},
  };
  for (const auto& p : bad) {
    auto h = PasswordHasher::create(p);
    ASSERT_FALSE(h) << p.memory_kib << " " << p.iterations;
    EXPECT_EQ(h.error().code, Errc::invalid);
  }
}

TEST(Password, HashesToPhcStringsThatVerify) {
  const PasswordHasher h = floor_hasher();
  auto encoded = h.hash("tartine de confiture");
  ASSERT_TRUE(encoded) << encoded.error().message;
  const std::string prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
  ASSERT_TRUE(encoded->starts_with(prefix)) << *encoded;
  const std::string salt_and_hash = encoded->substr(prefix.size());
  ASSERT_EQ(salt_and_hash.size(), 22u + 1 + 43) << *encoded;  // 16 and 32 bytes, unpadded
  EXPECT_EQ(salt_and_hash[22], '$');
  EXPECT_TRUE(only(salt_and_hash.substr(0, 22) + salt_and_hash.substr(23), kBase64Chars));
  EXPECT_TRUE(h.verify(*encoded, "tartine de confiture"));
  EXPECT_FALSE(h.verify(*encoded, "tartine de confiturE"));
  EXPECT_FALSE(h.verify(*encoded, "tartine de confiture "));
  EXPECT_FALSE(h.verify(*encoded, ""));
  auto again = h.hash("tartine de confiture");
  ASSERT_TRUE(again);
  EXPECT_NE(*again, *encoded);  // fresh salt
  EXPECT_TRUE(h.verify(*again, "tartine de confiture"));
}

TEST(Password, DefaultParamsAreRfc9106SecondOption) {
  auto h = PasswordHasher::create();
  ASSERT_TRUE(h);
  auto encoded = h->hash("a long enough passphrase");
  ASSERT_TRUE(encoded);
  EXPECT_TRUE(encoded->starts_with("$argon2id$v=19$m=65536,t=3,p=4$")) << *encoded;
  EXPECT_TRUE(h->verify(*encoded, "a long enough passphrase"));
  EXPECT_FALSE(h->needs_rehash(*encoded));
}

TEST(Password, VerifiesReferenceImplementationVectors) {
  // From the Argon2 reference implementation's test.c (password "password",
  // salt "somesalt", m=2^16, t=2, p=1, version 0x13).
  const PasswordHasher h = floor_hasher();
  const std::string id =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  const std::string i =
      "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA";
  EXPECT_TRUE(h.verify(id, "password"));
  EXPECT_TRUE(h.verify(i, "password"));
  EXPECT_FALSE(h.verify(id, "Password"));
  EXPECT_TRUE(h.needs_rehash(i));   // not argon2id
  EXPECT_TRUE(h.needs_rehash(id));  // 8-byte salt
}

TEST(Password, MalformedEncodedStringsNeverVerify) {
  const PasswordHasher h = floor_hasher();
  auto good = h.hash("correct password");
  ASSERT_TRUE(good);
  const std::string g = *good;
  const std::size_t last = g.rfind('$');
  std::string flipped = g;
  flipped[last + 1] = flipped[last + 1] == 'A' ? 'B' : 'A';
  const std::string bad[] = {
      "",
      "$",
      "$argon2id$",
      "$argon2id$v=19$m=19456,t=2,p=1$",
      "$argon2id$v=19$m=19456,t=2,p=1$$",
      g.substr(0, g.size() - 1),
      g.substr(0, last),
      g + "A",
      g + "$",
      g + "=",
      flipped,
      "$argon2id$v=16$m=19456,t=2,p=1" + g.substr(g.find("$", 30)),
      "$argon2d$" + g.substr(10),
      "$argon2id$v=19$m=4294967295,t=2,p=1" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=19456,t=0,p=1" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=19456,t=2,p=0" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=19456,t=2,p=99999" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=019456,t=2,p=1" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=99999999999,t=2,p=1" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$m=-1,t=2,p=1" + g.substr(g.find("$", 30)),
      "$argon2id$v=19$t=2,m=19456,p=1" + g.substr(g.find("$", 30)),
      std::string(g).insert(20, 1, '\0'),
      std::string(g).replace(last - 3, 1, "!"),
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
      "plain text password",
      std::string(10'000, '$'),
  };
  for (const std::string& b : bad) EXPECT_FALSE(h.verify(b, "correct password")) << b;
  EXPECT_TRUE(h.verify(g, "correct password"));
  for (const std::string& b : {bad[0], bad[2], bad[11], bad[12], bad[23], bad[24]}) {
    EXPECT_TRUE(h.needs_rehash(b)) << b;
  }
}

TEST(Password, NeedsRehashWhenParamsGrow) {
  const PasswordHasher weak = floor_hasher();
  auto encoded = weak.hash("correct password");
  ASSERT_TRUE(encoded);
  EXPECT_FALSE(weak.needs_rehash(*encoded));
  for (const PasswordParams& p :
       {PasswordParams{.memory_kib = 19457, .iterations = 2, .parallelism = 1},
        PasswordParams{.memory_kib = 19456, .iterations = 3, .parallelism = 1},
        PasswordParams{.memory_kib = 19456, .iterations = 2, .parallelism = 2}}) {
    auto stronger = PasswordHasher::create(p);
    ASSERT_TRUE(stronger);
    EXPECT_TRUE(stronger->needs_rehash(*encoded));
    // The old hash still verifies, so the login can go on and re-hash.
    EXPECT_TRUE(stronger->verify(*encoded, "correct password"));
  }
  // Stronger stored parameters are kept.
  auto strong = PasswordHasher::create({.memory_kib = 19456, .iterations = 3, .parallelism = 2});
  ASSERT_TRUE(strong);
  auto strong_hash = strong->hash("correct password");
  ASSERT_TRUE(strong_hash);
  EXPECT_FALSE(weak.needs_rehash(*strong_hash));
}

TEST(Password, DummyVerifyDoesTheWork) {
  // The same work as a real verify, told without a clock: the hash it
  // checks against is one hash() could have made — argon2id at the current
  // parameters, full-length salt and hash (needs_rehash() says so), so
  // verify() computes it rather than refusing it as malformed — and no
  // password matches it.
  const PasswordHasher h = floor_hasher();
  const std::string& dummy = h.dummy_encoded();
  EXPECT_TRUE(dummy.starts_with("$argon2id$v=19$m=")) << dummy;
  EXPECT_FALSE(h.needs_rehash(dummy)) << dummy;
  auto real = h.hash("correct password");
  ASSERT_TRUE(real);
  EXPECT_EQ(real->substr(0, real->find('$', 20)), dummy.substr(0, dummy.find('$', 20)));
  EXPECT_EQ(real->size(), dummy.size());
  EXPECT_FALSE(h.verify(dummy, "correct password"));
  h.dummy_verify("correct password");
}

void run_concurrently(const PasswordHasher& h, const std::string& encoded, int threads) {
  std::latch start(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      start.arrive_and_wait();
      for (int j = 0; j < 2; ++j) {
        if ((i + j) % 2 == 0) {
          EXPECT_TRUE(h.verify(encoded, "correct password"));
        } else {
          EXPECT_TRUE(h.hash("correct password"));
        }
      }
      h.dummy_verify("anything");
    });
  }
  for (auto& t : pool) t.join();
}

TEST(Password, ConcurrencyIsBounded) {
  const PasswordHasher h = floor_hasher(2);
  auto encoded = h.hash("correct password");
  ASSERT_TRUE(encoded);
  run_concurrently(h, *encoded, 6);
  EXPECT_EQ(h.peak_concurrency(), 2u);

  const PasswordHasher one = floor_hasher(1);
  run_concurrently(one, *encoded, 4);
  EXPECT_EQ(one.peak_concurrency(), 1u);
}

TEST(Password, CopiesShareTheBound) {
  const PasswordHasher h = floor_hasher(1);
  const PasswordHasher copy = h;  // NOLINT(performance-unnecessary-copy-initialization)
  auto encoded = h.hash("correct password");
  ASSERT_TRUE(encoded);
  std::thread a([&] { run_concurrently(h, *encoded, 2); });
  std::thread b([&] { run_concurrently(copy, *encoded, 2); });
  a.join();
  b.join();
  EXPECT_EQ(h.peak_concurrency(), 1u);
  EXPECT_EQ(copy.peak_concurrency(), 1u);
}

TEST(Password, TheCounterSeesConcurrency) {
  // Guards the test above: with room for 6, six threads do overlap.
  const PasswordHasher h = floor_hasher(6);
  auto encoded = h.hash("correct password");
  ASSERT_TRUE(encoded);
  run_concurrently(h, *encoded, 6);
  EXPECT_GT(h.peak_concurrency(), 2u);
}

// --------------------------------------------------------- password policy

void expect_weak(std::string_view password, const std::vector<std::string_view>& context = {},
                 std::string_view why = {}) {
  auto r = check_password_policy(password, context);
  ASSERT_FALSE(r) << "accepted: " << password;
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().reason, "weak_password");
  if (!password.empty()) {
    EXPECT_EQ(r.error().message.find(password), std::string::npos) << "message quotes it";
  }
  if (!why.empty()) {
    EXPECT_NE(r.error().message.find(why), std::string::npos)
        << password << ": " << r.error().message;
  }
}

void expect_ok(std::string_view password, const std::vector<std::string_view>& context = {}) {
  auto r = check_password_policy(password, context);
  EXPECT_TRUE(r) << password << ": " << (r ? "" : r.error().message);
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  expect_weak("", {}, "at least 12");
  expect_weak("abcdefghijk", {}, "at least 12");
  // 11 letters in 22 bytes: too short.
  expect_weak("àéèùâêîôûçë", {}, "at least 12");
  expect_ok("àéèùâêîôûçëï");
  expect_ok("bl3u-marée-7");
}

TEST(PasswordPolicy, AllowsLongPasswordsUpTo256) {
  const std::string hundred =
      "Le vieux phare de la pointe du Raz veille sur les barques qui rentrent au port avant "
      "l'orage";
  std::string p100 = hundred + std::string(100 - hundred.size(), '!');
  ASSERT_EQ(p100.size(), 100u);
  expect_ok(p100);
  std::string p256;
  while (p256.size() < 256) p256 += "Marée haute à Saint-Malo, " + std::to_string(p256.size());
  // Trim to exactly 256 code points (the text mixes 1- and 2-byte characters).
  std::string trimmed;
  std::size_t count = 0;
  for (std::size_t i = 0; i < p256.size() && count < 256; ++count) {
    std::size_t len = (static_cast<unsigned char>(p256[i]) < 0x80) ? 1 : 2;
    trimmed += p256.substr(i, len);
    i += len;
  }
  ASSERT_EQ(count, 256u);
  expect_ok(trimmed);
  expect_weak(trimmed + "x", {}, "at most 256");
}

TEST(PasswordPolicy, RefusesInvalidUtf8) {
  expect_weak("abcdefghijklm\xff", {}, "UTF-8");
  expect_weak("abcdefghijklm\xc0\xaf", {}, "UTF-8");      // overlong '/'
  expect_weak("abcdefghijklm\xed\xa0\x80", {}, "UTF-8");  // surrogate
  expect_weak("abcdefghijklm\xe2\x82", {}, "UTF-8");      // truncated
}

TEST(PasswordPolicy, RefusesRepeatedCharactersAndPatterns) {
  expect_weak("aaaaaaaaaaaa", {}, "single character");
  expect_weak("AaAaAaAaAaAaAa", {}, "single character");
  expect_weak("éééééééééééééé", {}, "single character");
  expect_weak("abcabcabcabc", {}, "repeated");
  expect_weak("1234123412341234", {}, "repeated");
}

TEST(PasswordPolicy, RefusesCommonPasswordsCaseInsensitively) {
  for (const char* p :
       {"password1234", "PASSWORD1234", "Password1234", "123456789012", "qwertyuiopas",
        "QwertyuiopAS", "azertyuiop12", "motdepasse123", "Soleil2024!!", "P@ssw0rd2024!",
        "Pa$$w0rd1234", "I love you 2024", "azertyazerty", "passwordpassword",
        "Correct Horse Battery Staple", "!!Marseille13!!", "jetaime-jetaime", "1q2w3e4r5t6y"}) {
    expect_weak(p, {}, "too common");
  }
}

TEST(PasswordPolicy, RefusesContextWords) {
  const std::vector<std::string_view> ctx = {"jean.dupont@example.fr", "Jean Dupont", "Ruche"};
  expect_weak("dupontlemeilleur", ctx, "personal details");
  expect_weak("mon nom est DUPONT!", ctx, "personal details");
  expect_weak("Jean-is-the-best-2024", ctx, "personal details");
  expect_weak("ma ruche préférée", ctx, "personal details");
  expect_weak("J3an est le meilleur", ctx, "personal details");
  expect_weak("hello from example land", ctx, "personal details");
  expect_weak("ÉMILIE aime les tartes", {"Émilie"}, "personal details");
  // Words under 4 characters are not checked ("fr", "al").
  expect_ok("albatros du large", {"Al", "x@y.fr"});
  expect_ok("tartine de confiture au grenier", ctx);
}

TEST(PasswordPolicy, AcceptsGoodPassphrases) {
  expect_ok("tartine de confiture au grenier");
  expect_ok("correct horse battery");
  expect_ok("Quatre chats gris dorment");
  expect_ok("x7#Lq9!vR2@m");
  expect_ok("123456789013");  // 12 digits, not a listed sequence
}

}  // namespace
TEST(Ed25519, VerifiesOnlyTheSignersSignatureOfTheSameMessage) {
  SignKeyPair a = ed25519_keypair(), b = ed25519_keypair();
  std::string sig = ed25519_sign(a.secret_key, "ruche-chat-v1\nws\nch");
  EXPECT_TRUE(ed25519_verify(a.public_key, "ruche-chat-v1\nws\nch", sig));
  EXPECT_FALSE(ed25519_verify(b.public_key, "ruche-chat-v1\nws\nch", sig));
  EXPECT_FALSE(ed25519_verify(a.public_key, "ruche-chat-v1\nws\nci", sig));
  std::string flipped = sig;
  flipped[10] ^= 1;
  EXPECT_FALSE(ed25519_verify(a.public_key, "ruche-chat-v1\nws\nch", flipped));
  EXPECT_FALSE(ed25519_verify(a.public_key.substr(1), "ruche-chat-v1\nws\nch", sig));
  EXPECT_FALSE(ed25519_verify(a.public_key, "ruche-chat-v1\nws\nch", sig.substr(1)));
}

TEST(Ed25519, MatchesRfc8032TestVector1) {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  auto pk = hex_decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = hex_decode(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  ASSERT_TRUE(pk && sig);
  EXPECT_TRUE(ed25519_verify(*pk, "", *sig));
}

}  // namespace ruche::crypto
