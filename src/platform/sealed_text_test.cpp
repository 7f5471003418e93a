// The forms of armoured workspaces' texts, and the strings signed over them,
// checked against what the web client makes (web/src/armour/crypto.test.ts
// prints the same vectors): the browser and the server must agree byte for
// byte, or no signature would ever check.
#include "platform/sealed_text.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <optional>
#include <string>

#include "core/crypto/encoding.hpp"
#include "core/crypto/sign.hpp"

namespace ruche::platform {
namespace {

constexpr std::string_view kWs = "01HZWORKSPACE0000000000000";
constexpr std::string_view kChannel = "01HZCHANNEL000000000000000";
constexpr std::string_view kAlice = "01HZALICE0000000000000000A";
constexpr std::string_view kBob = "01HZBOB000000000000000000B";

// The browser's signing key of the vectors: seed 32 x 0x07.
std::string vector_public_key() {
  if (sodium_init() < 0) return {};
  unsigned char seed[32], pk[32], sk[64];
  std::fill(std::begin(seed), std::end(seed), 0x07);
  crypto_sign_seed_keypair(pk, sk, seed);
  return std::string(reinterpret_cast<char*>(pk), 32);
}

// The text of a vector sealed with the vectors' workspace key (32 x 0x2a;
// or 32 x `key_byte`) under additional data `ad`, or nullopt when it does
// not open.
std::optional<std::string> open_vector(const SealedText& t, const std::string& ad, unsigned char key_byte = 0x2a) {
  auto nonce = crypto::base64url_decode(t.nonce), ct = crypto::base64url_decode(t.ciphertext);
  unsigned char key[32];
  std::fill(std::begin(key), std::end(key), key_byte);
  std::string plain(ct->size() - 16, '\0');
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), nullptr, nullptr,
          reinterpret_cast<const unsigned char*>(ct->data()), ct->size(),
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          reinterpret_cast<const unsigned char*>(nonce->data()), key) != 0)
    return std::nullopt;
  return plain;
}

TEST(SealedText, BrowserEnvelopeSignatureChecksOnTheServer) {
  std::string pk = vector_public_key();
  EXPECT_EQ(crypto::base64url_encode(pk), "6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw");
  auto sig = crypto::base64url_decode(
      "k7hsh7AQqM7erZm0bAhoFLN_uH4EeVU0je8jxOKwTnGt091Cva_upmP_1YVMSfMGPHlBA7WRmb9BDcpMBZi-CA");
  ASSERT_TRUE(sig);
  EXPECT_TRUE(crypto::ed25519_verify(pk, envelope_signed_text(kWs, "", 1, kBob, "c2VhbGVk"), *sig));
  EXPECT_FALSE(crypto::ed25519_verify(pk, envelope_signed_text(kWs, "", 2, kBob, "c2VhbGVk"), *sig));
  EXPECT_FALSE(crypto::ed25519_verify(pk, envelope_signed_text(kWs, "", 1, kAlice, "c2VhbGVk"), *sig));
}

// web/src/armour/vectors.test.ts, "approval vector": the browser's signer
// (seed 7) approves keys from seeds 8 (X25519) and 9 (Ed25519).
TEST(SealedText, BrowserApprovalSignatureChecksOnTheServer) {
  constexpr std::string_view kWsV = "01J9ZQ3K4M5N6P7Q8R9S0T1V2W",
                             kRecipient = "01J9ZQ3K4M5N6P7Q8R9S0T1V31";
  constexpr std::string_view kBox = "iZq8th4gOowDYTyfdSTU789gnbDIDY6ND7q9k0MMUyM";
  constexpr std::string_view kSign = "_RckOFqgx1tk-3jNYC-h2ZH96_drE8WO1wLqyDXp9hg";
  std::string pk = vector_public_key();
  auto sig = crypto::base64url_decode(
      "DmdhsvKcnmSkxrlXoiQgcknMuXe5NDGEdOsQ-dsR6Ee1bZ9696V9lTxPQ6V78cC1VTiCbvZd8dBaJCMAGV31Aw");
  ASSERT_TRUE(sig);
  EXPECT_EQ(
      approval_signed_text(kWsV, kRecipient, kBox, kSign),
      "ruche-armour-approval-v1\n01J9ZQ3K4M5N6P7Q8R9S0T1V2W\n01J9ZQ3K4M5N6P7Q8R9S0T1V31\n"
      "iZq8th4gOowDYTyfdSTU789gnbDIDY6ND7q9k0MMUyM\n_RckOFqgx1tk-3jNYC-h2ZH96_drE8WO1wLqyDXp9hg");
  EXPECT_TRUE(
      crypto::ed25519_verify(pk, approval_signed_text(kWsV, kRecipient, kBox, kSign), *sig));
  EXPECT_FALSE(
      crypto::ed25519_verify(pk, approval_signed_text(kWs, kRecipient, kBox, kSign), *sig));
  EXPECT_FALSE(
      crypto::ed25519_verify(pk, approval_signed_text(kWsV, kRecipient, kSign, kBox), *sig));
}

TEST(SealedText, BrowserMessageParsesOpensAndChecksOnTheServer) {
  const std::string text =
      "e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:9WXBF1dDg-zBt0QdBMQteJTZzp4JSm8:"
      "Sm-XNaXGZHP4nZEtsjeyZ8lwAFm8nJl6ep_ACQkgFO9BPmJKGYWjV4mnBJri3tfUtz2xv84UruHd3rHEyg2CCw";
  auto t = parse_sealed_text(text);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->generation, 1);
  EXPECT_EQ(t->version, 1);
  std::string binding = std::string(kWs) + "\n" + std::string(kChannel) + "\n" + std::string(kAlice);
  EXPECT_TRUE(crypto::ed25519_verify(vector_public_key(), sealed_signed_text("ruche-chat", binding, *t),
                                     *crypto::base64url_decode(t->signature)));
  std::string moved = std::string(kWs) + "\n" + std::string(kAlice) + "\n" + std::string(kAlice);
  EXPECT_FALSE(crypto::ed25519_verify(vector_public_key(), sealed_signed_text("ruche-chat", moved, *t),
                                      *crypto::base64url_decode(t->signature)));
  // Passed off as the other version, it no longer checks: each version
  // signs its own domain.
  auto as_v2 = parse_sealed_text("e2e2" + text.substr(4));
  ASSERT_TRUE(as_v2);
  EXPECT_EQ(as_v2->version, 2);
  EXPECT_FALSE(crypto::ed25519_verify(vector_public_key(), sealed_signed_text("ruche-chat", binding, *as_v2),
                                      *crypto::base64url_decode(t->signature)));
  // The ciphertext opens with the vector's key (32 x 0x2a) to "Bonjour"
  // under the additional data the spec gives.
  std::string ad = "ruche-chat-v1\n" + binding + "\n1";
  std::optional<std::string> plain = open_vector(*t, ad);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "Bonjour");
}

TEST(SealedText, BrowserMessageWithAttachmentsChecksAsVersion2Only) {
  // web/src/armour/vectors.test.ts: workspace key 32 x 0x2a, one file.
  const std::string ws = "01J9ZQ3K4M5N6P7Q8R9S0T1V2W", channel = "01J9ZQ3K4M5N6P7Q8R9S0T1V2X",
                    author = "01J9ZQ3K4M5N6P7Q8R9S0T1V2Y";
  const std::string text =
      "e2e2:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:zCjbGEBC0wBlJK8qQF14sutVav-nLnU3o-IQRBE_motRc5jQRXWXNxKRddQ6lL1DTiE7"
      "dSydIl8UZF2wmGdwQTWQN2CqOGOQLGFSdSVb3UurmlqXESI8OSmOPYEQmKhlO5DD3pWjIQf2WxK3Z-0yr7UBHuUJjJsnQ9E8UfhyNTWif-n"
      "bC8jjdHUx8e49Ed2PTRkFM63dcBRB904KQ862_Wu068lTDrbmFi5corF9_cBuRly9fHQVOL0C1jlt1ragZExTJ58kJRsnGMXI7_kJtjQe6DL"
      "hEt9kjA:Rbitlt3I3d0Y9XXnJwPxqNaAXOtZayO2IW018ozzsAdNN4a-XIDp4oO79jvTohVluP7N2fh96hEZCVes0eRRAQ";
  auto t = parse_sealed_text(text);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->version, 2);
  const std::string binding = ws + "\n" + channel + "\n" + author;
  auto sig = crypto::base64url_decode(t->signature);
  EXPECT_TRUE(crypto::ed25519_verify(vector_public_key(), sealed_signed_text("ruche-chat", binding, *t), *sig));
  auto as_v1 = parse_sealed_text("e2e1" + text.substr(4));
  ASSERT_TRUE(as_v1);
  EXPECT_FALSE(crypto::ed25519_verify(vector_public_key(), sealed_signed_text("ruche-chat", binding, *as_v1), *sig));
  // It opens, under version 2's additional data, to the JSON of text and files.
  const std::string ad = "ruche-chat-v2\n" + binding + "\n1";
  std::optional<std::string> plain = open_vector(*t, ad);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain,
            "{\"text\":\"Le relev\u00e9 est joint \u2713\",\"files\":[{\"id\":\"01J9ZQ3K4M5N6P7Q8R9S0T1V2Z\","
            "\"name\":\"relev\u00e9.bin\",\"type\":\"application/octet-stream\",\"size\":70000,"
            "\"key\":\"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU\"}]}");
}

TEST(SealedText, BrowserFileRecordsCheckForTheirTokenAndVersionOnly) {
  // web/src/armour/vectors.test.ts: workspace "ws1", token 16 zero bytes,
  // author "u1", generation 1, version 1; the content record opens the
  // 70,000-byte attachment vector's sealed bytes.
  const std::string binding = "ws1\nAAAAAAAAAAAAAAAAAAAAAA\n";
  const std::string name =
      "e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:xW_DGE71WBojHeppXV5ypfi4t6e2kGkh-0RNurw1KvhcEkwumw:291GoQv1xN_e0iiQpqMdE"
      "N2SdVayzQbWza3Zx4GsLpwNJQ3f7rOjNFbqj7mINQ3xjybKYGBaPcA6h6__gWupAw";
  const std::string content =
      "e2e1:1:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:zCjEGEEUyxgFOZ9McGlBkd_HlpmADFRRi9wsbCdOLVGAAOG0YU2uFCPiGskD54FhLkpMZz"
      "H1aGw_MjS-4mIOR1WLRCyBcVWCQnJwIgcN3hmpml6cETQ8JjiLNZLxC7cwZMrUy4fjaEejSRjo_ZEKWl90NHbH2q96T_RTSA:YSdXApoTBAaQr"
      "6QtHMNQ0WixODP2-zM-ptnaFfN54aaKfBI2JZlcNtNLEJ3WziSoal_8sRY2aJCyE1Fz_T97AA";
  auto n = parse_sealed_text(name), c = parse_sealed_text(content);
  ASSERT_TRUE(n && c);
  auto checks = [](const SealedText& t, std::string_view domain, const std::string& b) {
    return crypto::ed25519_verify(vector_public_key(), sealed_signed_text(domain, b, t),
                                  *crypto::base64url_decode(t.signature));
  };
  // What Service::check_sealing() asks: the name for its token and author,
  // the content for its token, version number and author.
  EXPECT_TRUE(checks(*n, "ruche-files-name", binding + "u1"));
  EXPECT_TRUE(checks(*c, "ruche-files-content", binding + "1\nu1"));
  EXPECT_FALSE(checks(*c, "ruche-files-content", binding + "2\nu1"));  // another version
  EXPECT_FALSE(checks(*n, "ruche-files-name", "ws1\nAAAAAAAAAAAAAAAAAAAAAQ\nu1"));  // another file
  EXPECT_FALSE(checks(*n, "ruche-files-name", binding + "u2"));
  EXPECT_FALSE(checks(*n, "ruche-files-content", binding + "u1"));  // one record for the other
  EXPECT_EQ(open_vector(*n, "ruche-files-name-v1\n" + binding + "u1\n1"), "relev\u00e9 du coffre.txt");
  EXPECT_EQ(open_vector(*c, "ruche-files-content-v1\n" + binding + "1\nu1\n1"),
            "{\"key\":\"BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU\",\"size\":70000,\"type\":\"text/plain\","
            "\"mtime\":1764590400000}");
}

// web/src/armour/vectors.test.ts, "channel keys vectors": a channel's own
// key (docs/armoured.md, "Channel keys"), its envelope and a message sealed
// with it, made by the browser's code.
TEST(SealedText, BrowserChannelKeysCheckInTheirOwnDomainOnly) {
  constexpr std::string_view ws = "01J9ZQ3K4M5N6P7Q8R9S0T1V2W", channel = "01J9ZQ3K4M5N6P7Q8R9S0T1V2X",
                             author = "01J9ZQ3K4M5N6P7Q8R9S0T1V2Y", recipient = "01J9ZQ3K4M5N6P7Q8R9S0T1V31";
  const std::string pk = vector_public_key();
  const std::string sealed =
      "kOaL6HjHyuJgI08k-XRXlNFgXVoTwO7JcWleRFV7WADwVkqq0uzmFZJhlcaxZwr6nL9VSvjl9u_nBlsCKmmelNVIrZLA1lYUtORw455QWoo";
  auto channel_sig = crypto::base64url_decode(
      "DOg1QvyixkoxukC5oMAe-VwGex2UjfMqKtd0H_tnb9QyLk5jE0HTvsAO7onXlFYLOl7O7KzpFCrcONe-5-eLBA");
  auto workspace_sig = crypto::base64url_decode(
      "8b9h0ZXl2b1cYrSMuDLF_r8N5pdZxqLOuMPyugKk3nh0sviyTJHgg4xPp8OH_brKRsoEbFNjbgf_am_kNbZMCA");
  ASSERT_TRUE(channel_sig && workspace_sig);
  const std::string as_channel = envelope_signed_text(ws, channel, 2, recipient, sealed);
  const std::string as_workspace = envelope_signed_text(ws, "", 2, recipient, sealed);
  EXPECT_EQ(as_channel, "ruche-armour-channel-envelope-v1\n" + std::string(ws) + "\n" + std::string(channel) +
                            "\n2\n" + std::string(recipient) + "\n" + sealed);
  EXPECT_TRUE(crypto::ed25519_verify(pk, as_channel, *channel_sig));
  EXPECT_TRUE(crypto::ed25519_verify(pk, as_workspace, *workspace_sig));
  // Neither passes for the other kind, nor for another channel.
  EXPECT_FALSE(crypto::ed25519_verify(pk, as_workspace, *channel_sig));
  EXPECT_FALSE(crypto::ed25519_verify(pk, as_channel, *workspace_sig));
  EXPECT_FALSE(crypto::ed25519_verify(pk, envelope_signed_text(ws, author, 2, recipient, sealed), *channel_sig));

  const std::string text =
      "e2e1:c2:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ:wLhCslUn7YfzEBM70QHeqD-sbTMP9hirce9YO-RJ:"
      "qYuLHt_oBexRUgCI-Jh2PPIHXxWQSHbhhBFHWk8iW9T_s-8OamkQWFMLoqrwYYK5XnseGq0tJ4bervMO4GDwCA";
  auto t = parse_sealed_text(text);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->channel_key);
  EXPECT_EQ(t->generation, 2);
  const std::string binding = std::string(ws) + "\n" + std::string(channel) + "\n" + std::string(author);
  EXPECT_TRUE(crypto::ed25519_verify(pk, sealed_signed_text("ruche-chat", binding, *t),
                                     *crypto::base64url_decode(t->signature)));
  // The reference rewritten to the workspace's generation 2: the signature
  // no longer checks, and the channel's key no longer opens it.
  auto as_ws = parse_sealed_text("e2e1:2:" + text.substr(8));
  ASSERT_TRUE(as_ws);
  EXPECT_FALSE(as_ws->channel_key);
  EXPECT_FALSE(crypto::ed25519_verify(pk, sealed_signed_text("ruche-chat", binding, *as_ws),
                                      *crypto::base64url_decode(t->signature)));
  EXPECT_FALSE(open_vector(*t, "ruche-chat-v1\n" + binding + "\n2", 0x21));
  std::optional<std::string> plain = open_vector(*t, "ruche-chat-v1\n" + binding + "\nc2", 0x21);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "Entre nous \u2713");
}

TEST(SealedText, RefusesAnythingButTheForm) {
  const std::string nonce(32, 'A'), tag(22, 'A'), sig = std::string(85, 'C') + "A";
  EXPECT_TRUE(parse_sealed_text("e2e1:7:" + nonce + ":" + tag + ":" + sig));
  EXPECT_TRUE(parse_sealed_text("e2e2:7:" + nonce + ":" + tag + ":" + sig));
  // A channel's own key: "c" then the generation.
  auto own = parse_sealed_text("e2e1:c12:" + nonce + ":" + tag + ":" + sig);
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->channel_key);
  EXPECT_EQ(own->generation, 12);
  EXPECT_FALSE(parse_sealed_text("e2e1:12:" + nonce + ":" + tag + ":" + sig)->channel_key);
  for (const std::string& bad :
       {std::string(), std::string("e2e1:"), "e2e3:7:" + nonce + ":" + tag + ":" + sig,
        "e2e0:7:" + nonce + ":" + tag + ":" + sig, "E2E1:7:" + nonce + ":" + tag + ":" + sig,
        "e2e1:0:" + nonce + ":" + tag + ":" + sig, "e2e1:07:" + nonce + ":" + tag + ":" + sig,
        "e2e1:-1:" + nonce + ":" + tag + ":" + sig, "e2e1:7:" + nonce + "A:" + tag + ":" + sig,
        "e2e1:c:" + nonce + ":" + tag + ":" + sig, "e2e1:c0:" + nonce + ":" + tag + ":" + sig,
        "e2e1:c07:" + nonce + ":" + tag + ":" + sig, "e2e1:cc7:" + nonce + ":" + tag + ":" + sig,
        "e2e1:C7:" + nonce + ":" + tag + ":" + sig, "e2e1:7c:" + nonce + ":" + tag + ":" + sig,
        "e2e1:c-7:" + nonce + ":" + tag + ":" + sig,
        "e2e1:7:" + nonce + ":" + tag.substr(1) + ":" + sig,  // shorter than a tag
        "e2e1:7:" + nonce + ":" + tag + ":" + sig + ":x", "e2e1:7:" + nonce + ":" + tag + "=:" + sig,
        "e2e1:7:" + nonce + ":" + tag + "+/:" + sig, "e2e1:7:" + nonce + ":" + std::string(70000, 'A') + ":" + sig}) {
    auto r = parse_sealed_text(bad);
    EXPECT_FALSE(r) << bad.substr(0, 80);
    if (!r) {
      EXPECT_EQ(r.error().api_code(), "invalid_sealed_text");
    }
  }
}

TEST(SealedText, SealedSecretsHaveArgon2BoundsAndTheirSizes) {
  const std::string salt(22, 'A'), nonce(32, 'A'), sealed = std::string(150, 'A') + "A";  // 112 bytes
  auto secret = [&](std::string ops, std::string mem) {
    return "id1:" + ops + ":" + mem + ":" + salt + ":" + nonce + ":" + sealed.substr(0, 150);
  };
  EXPECT_TRUE(is_sealed_secret(secret("2", "67108864")));
  EXPECT_FALSE(is_sealed_secret(secret("0", "67108864")));
  EXPECT_FALSE(is_sealed_secret(secret("11", "67108864")));
  EXPECT_FALSE(is_sealed_secret(secret("2", "1024")));
  EXPECT_FALSE(is_sealed_secret(secret("2", "2147483648")));
  EXPECT_FALSE(is_sealed_secret("id2" + secret("2", "67108864").substr(3)));
  EXPECT_FALSE(is_sealed_secret(secret("2", "67108864") + "AA"));
  EXPECT_FALSE(is_sealed_secret(secret("2", "67108864") + ":"));
}

}  // namespace
}  // namespace ruche::platform
