// Armoured workspaces through the real server (docs/armoured.md): identities,
// key generations and envelopes, sealed chat messages, rotation when a member
// leaves, and what stays refused. The test plays the browsers with libsodium,
// the same primitives the web client uses, so every key, envelope and
// message here is real and opened again on the other side.
// Run on SQLite (label integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <set>
#include <thread>

#include "base/tar.hpp"
#include "core/crypto/encoding.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

using crypto::base64url_decode;
using crypto::base64url_encode;

const unsigned char* u8(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* u8(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

// One person's browser: their identity, the workspace keys they opened,
// and channels' own keys. Every key call takes a scope: "" for the
// workspace's key, a channel id for that channel's own.
struct Browser {
  TestServer& s;
  Account who;
  std::string box_pk, box_sk, sign_pk, sign_sk;  // raw
  std::map<std::int64_t, std::string> keys;      // generation -> workspace key
  std::map<std::string, std::map<std::int64_t, std::string>> channel_keys;  // channel -> generation -> key

  std::map<std::int64_t, std::string>& ring(const std::string& channel) {
    return channel.empty() ? keys : channel_keys[channel];
  }
  const std::string& key(const std::string& channel, std::int64_t g) const {
    return channel.empty() ? keys.at(g) : channel_keys.at(channel).at(g);
  }
  bool holds(const std::string& channel, std::int64_t g) const {
    if (channel.empty()) return keys.contains(g);
    auto it = channel_keys.find(channel);
    return it != channel_keys.end() && it->second.contains(g);
  }

  explicit Browser(TestServer& server, Account a) : s(server), who(std::move(a)) { fresh_keys(); }

  void fresh_keys() {
    box_pk.resize(crypto_box_PUBLICKEYBYTES);
    box_sk.resize(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(u8(box_pk), u8(box_sk));
    sign_pk.resize(crypto_sign_PUBLICKEYBYTES);
    sign_sk.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(u8(sign_pk), u8(sign_sk));
    keys.clear();
  }

  // The identity document, its secrets sealed under `passphrase` as the
  // spec says (Argon2id at libsodium's smallest accepted cost: a test).
  json::object identity(std::string_view passphrase, bool replace = false) const {
    std::string salt = random_bytes(crypto_pwhash_SALTBYTES), nonce = random_bytes(24);
    const unsigned long long ops = 1;
    const std::size_t mem = 8u << 20;
    std::string key(32, '\0');
    EXPECT_EQ(crypto_pwhash(u8(key), key.size(), passphrase.data(), passphrase.size(), u8(salt), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13),
              0);
    std::string plain = box_sk + sign_sk;
    std::string ad = "ruche-armour-identity-v1\n" + who.id.str() + "\n" + base64url_encode(box_pk) + "\n" +
                     base64url_encode(sign_pk);
    std::string sealed(plain.size() + 16, '\0');
    crypto_aead_xchacha20poly1305_ietf_encrypt(u8(sealed), nullptr, u8(plain), plain.size(), u8(ad), ad.size(),
                                               nullptr, u8(nonce), u8(key));
    json::object o{{"box_public", base64url_encode(box_pk)},
                   {"sign_public", base64url_encode(sign_pk)},
                   {"sealed_secret", "id1:" + std::to_string(ops) + ":" + std::to_string(mem) + ":" +
                                         base64url_encode(salt) + ":" + base64url_encode(nonce) + ":" +
                                         base64url_encode(sealed)}};
    if (replace) o["replace"] = true;
    return o;
  }
  Reply set_identity(bool replace = false) {
    return s.call("PUT", "/api/v1/me/armour", who.token, body(identity("une phrase de passe", replace)));
  }

  Reply state(const std::string& ws, const std::string& channel = "") {
    return s.call("GET", channel.empty() ? "/api/v1/workspaces/" + ws + "/armour" : "/api/v1/channels/" + channel + "/armour",
                  who.token);
  }

  json::object envelope(const std::string& ws, std::int64_t g, const std::string& key, const json::value& member,
                        const std::string& channel = "") const {
    std::string to(std::string(member.at("user_id").as_string()));
    auto pk = base64url_decode(member.at("box_public").as_string());
    std::string sealed(key.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(u8(sealed), u8(key), key.size(), u8(*pk));
    std::string msg = channel.empty() ? "ruche-armour-envelope-v1\n" + ws + "\n"
                                      : "ruche-armour-channel-envelope-v1\n" + ws + "\n" + channel + "\n";
    msg += std::to_string(g) + "\n" + to + "\n" + base64url_encode(sealed);
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(u8(sig), nullptr, u8(msg), msg.size(), u8(sign_sk));
    return {{"user_id", to}, {"sealed", base64url_encode(sealed)}, {"signature", base64url_encode(sig)}};
  }

  // This person's approval of `member`'s keys as the server lists them
  // (docs/armoured.md, "Approvals"), signed with `signer` (theirs unless
  // another secret key is given).
  json::object approval(const std::string& ws, const json::value& member,
                        const std::string* signer = nullptr) const {
    std::string to(member.at("user_id").as_string());
    std::string box(member.at("box_public").as_string()),
        sign(member.at("sign_public").as_string());
    std::string msg = "ruche-armour-approval-v1\n" + ws + "\n" + to + "\n" + box + "\n" + sign;
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(u8(sig), nullptr, u8(msg), msg.size(), u8(signer ? *signer : sign_sk));
    return {{"user_id", to},
            {"box_public", box},
            {"sign_public", sign},
            {"signature", base64url_encode(sig)}};
  }
  Reply approve(const std::string& ws, const json::array& approvals) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/armour/approvals", who.token,
                  body({{"approvals", approvals}}));
  }
  // Approves `people` by their keys as the server lists them now.
  Reply approve_people(const std::string& ws, std::initializer_list<const Account*> people) {
    auto st = state(ws);
    json::array list;
    for (const auto* a : people)
      for (const auto& m : st.body.at("members").as_array())
        if (m.at("user_id").as_string() == a->id.str()) list.push_back(approval(ws, m));
    return approve(ws, list);
  }

  Reply add_envelopes(const std::string& ws, std::int64_t g, const json::array& envs, const std::string& channel = "") {
    return s.call("POST",
                  channel.empty() ? "/api/v1/workspaces/" + ws + "/armour/envelopes"
                                  : "/api/v1/channels/" + channel + "/armour/envelopes",
                  who.token, body({{"generation", g}, {"envelopes", envs}}));
  }

  // Makes generation g of the scope's key, sealed for `members` (default:
  // every member with an identity, as the server lists them).
  Reply new_generation(const std::string& ws, std::int64_t g, std::optional<json::array> members = std::nullopt,
                       const std::string& channel = "") {
    if (!members) members = state(ws, channel).body.at("members").as_array();
    std::string key = random_bytes(32);
    json::array envs;
    for (const auto& m : *members) envs.push_back(envelope(ws, g, key, m, channel));
    auto r = add_envelopes(ws, g, envs, channel);
    if (r.status == 200) ring(channel)[g] = key;
    return r;
  }

  // Opens every envelope the server holds for this person in the scope.
  void open_envelopes(const std::string& ws, const std::string& channel = "") {
    auto st = state(ws, channel);
    for (const auto& e : st.body.at("envelopes").as_array()) {
      auto sealed = base64url_decode(e.at("sealed").as_string());
      std::string key(32, '\0');
      ASSERT_EQ(crypto_box_seal_open(u8(key), u8(*sealed), sealed->size(), u8(box_pk), u8(box_sk)), 0);
      ring(channel)[e.at("generation").as_int64()] = key;
    }
  }

  // "e2e1:…" of `text` in channel `cid` of `ws`, with generation g, signed
  // with `signer`'s key (this person's unless a forger's is given);
  // "e2e2:…" for `version` 2 (`text` is then the JSON of text and files);
  // with the channel's own key ("c<g>") when `own_key`.
  std::string seal(const std::string& ws, const std::string& cid, std::int64_t g, std::string_view text,
                   const std::string* signer = nullptr, std::string author = "", int version = 1,
                   bool own_key = false) const {
    if (author.empty()) author = who.id.str();
    return seal_in("ruche-chat", ws + "\n" + cid + "\n" + author, g, text, signer, version, own_key ? cid : "");
  }
  // Any module's sealed text: ad = `domain` "-v" version "\n" `binding` "\n"
  // k, k the key reference: g, or "c" g with channel `own`'s key.
  std::string seal_in(std::string_view domain, const std::string& binding, std::int64_t g, std::string_view text,
                      const std::string* signer = nullptr, int version = 1, const std::string& own = "") const {
    std::string v = std::to_string(version);
    std::string k = (own.empty() ? "" : "c") + std::to_string(g);
    std::string ad = std::string(domain) + "-v" + v + "\n" + binding + "\n" + k;
    std::string nonce = random_bytes(24), ct(text.size() + 16, '\0');
    crypto_aead_xchacha20poly1305_ietf_encrypt(u8(ct), nullptr, reinterpret_cast<const unsigned char*>(text.data()),
                                               text.size(), u8(ad), ad.size(), nullptr, u8(nonce),
                                               u8(key(own, g)));
    std::string to_sign = ad + "\n" + base64url_encode(nonce) + "\n" + base64url_encode(ct);
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(u8(sig), nullptr, u8(to_sign), to_sign.size(), u8(signer ? *signer : sign_sk));
    return "e2e" + v + ":" + k + ":" + base64url_encode(nonce) + ":" + base64url_encode(ct) + ":" +
           base64url_encode(sig);
  }

  // The text of a sealed message as this person's browser reads it, or
  // nullopt when it does not open.
  std::optional<std::string> open(const std::string& ws, const json::value& m) const {
    std::string cid(m.at("channel_id").as_string());
    return open_in("ruche-chat", ws + "\n" + cid + "\n" + std::string(m.at("author_id").as_string()),
                   std::string(m.at("body").as_string()), cid);
  }
  // Any module's sealed text `b` (seal_in()), or nullopt when it does not
  // open; a "c" key reference opens with channel `cid`'s own key.
  std::optional<std::string> open_in(std::string_view domain, const std::string& binding, const std::string& b,
                                     const std::string& cid = "") const {
    std::vector<std::string> p;
    for (std::size_t i = 0, j; (j = b.find(':', i)), true; i = j + 1) {
      p.push_back(b.substr(i, j == std::string::npos ? j : j - i));
      if (j == std::string::npos) break;
    }
    if (p.size() != 5 || (p[0] != "e2e1" && p[0] != "e2e2")) return std::nullopt;
    const bool own = p[1].starts_with('c');
    if (own && cid.empty()) return std::nullopt;
    std::int64_t g = std::stoll(own ? p[1].substr(1) : p[1]);
    const std::string scope = own ? cid : "";
    if (!holds(scope, g)) return std::nullopt;
    std::string ad = std::string(domain) + "-v" + p[0].substr(3) + "\n" + binding + "\n" + p[1];
    auto nonce = base64url_decode(p[2]), ct = base64url_decode(p[3]);
    std::string plain(ct->size() - 16, '\0');
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(u8(plain), nullptr, nullptr, u8(*ct), ct->size(), u8(ad),
                                                   ad.size(), u8(*nonce), u8(key(scope, g))) != 0)
      return std::nullopt;
    return plain;
  }
};

// A file sealed as the browser seals an attachment: header, then 64 KiB
// pieces under crypto_secretstream_xchacha20poly1305, the last one FINAL.
// The header is random unless one is given (a push starts from the state a
// pull of the same header starts from), for the browser's vector.
std::string seal_file(std::string_view plain, const std::string& key, std::string header = "") {
  constexpr std::size_t kPiece = 64 * 1024;
  crypto_secretstream_xchacha20poly1305_state st;
  std::string out(crypto_secretstream_xchacha20poly1305_HEADERBYTES, '\0');
  if (header.empty()) {
    crypto_secretstream_xchacha20poly1305_init_push(&st, u8(out), u8(key));
  } else {
    out = header;
    EXPECT_EQ(crypto_secretstream_xchacha20poly1305_init_pull(&st, u8(header), u8(key)), 0);
  }
  std::size_t at = 0;
  do {
    std::size_t n = std::min(kPiece, plain.size() - at);
    bool last = at + n == plain.size();
    std::string piece(n + crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
    crypto_secretstream_xchacha20poly1305_push(
        &st, u8(piece), nullptr, reinterpret_cast<const unsigned char*>(plain.data() + at), n, nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    out += piece;
    at += n;
  } while (at < plain.size());
  return out;
}

// The file back, or nullopt when a piece fails, the order is wrong or the
// end is missing or followed by more.
std::optional<std::string> open_file(const std::string& sealed, const std::string& key) {
  constexpr std::size_t kPiece = 64 * 1024 + crypto_secretstream_xchacha20poly1305_ABYTES;
  crypto_secretstream_xchacha20poly1305_state st;
  if (sealed.size() < crypto_secretstream_xchacha20poly1305_HEADERBYTES ||
      crypto_secretstream_xchacha20poly1305_init_pull(&st, u8(sealed), u8(key)) != 0)
    return std::nullopt;
  std::string out;
  std::size_t at = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
  unsigned char tag = 0;
  while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    std::size_t n = std::min(kPiece, sealed.size() - at);
    if (n < crypto_secretstream_xchacha20poly1305_ABYTES) return std::nullopt;
    std::string piece(n - crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
    if (crypto_secretstream_xchacha20poly1305_pull(&st, u8(piece), nullptr, &tag, u8(sealed) + at, n, nullptr, 0) != 0)
      return std::nullopt;
    out += piece;
    at += n;
  }
  if (at != sealed.size()) return std::nullopt;
  return out;
}

std::string create_armoured(TestServer& s, const Account& owner, json::array modules = {"chat"}) {
  auto r = s.call("POST", "/api/v1/workspaces", owner.token,
                  body({{"name", "Cabinet"}, {"modules", modules}, {"armoured", true}}));
  if (r.status != 201) throw std::runtime_error("armoured workspace: " + r.raw.body);
  return std::string(r.body.at("id").as_string());
}

// The files of `ws`'s export, by path.
std::map<std::string, std::string> export_files(TestServer& s, const Account& a, const std::string& ws) {
  std::map<std::string, std::string> out;
  auto exported = s.call("GET", "/api/v1/workspaces/" + ws + "/export", a.token);
  EXPECT_EQ(exported.status, 200);
  std::string_view rest = exported.raw.body;
  tar::Reader reader([&](char* buf, std::size_t n) -> Result<std::size_t> {
    n = std::min(n, rest.size());
    std::memcpy(buf, rest.data(), n);
    rest.remove_prefix(n);
    return n;
  });
  for (;;) {
    auto entry = reader.next();
    EXPECT_TRUE(entry) << entry.error().message;
    if (!entry || !*entry) break;
    std::string path = (*entry)->path;
    auto bytes = reader.read_all(1 << 20);
    EXPECT_TRUE(bytes) << path;
    if (bytes) out[path] = std::move(*bytes);
  }
  return out;
}

// Whether `signer_pk` (raw) signed envelope `e` of `ws` for `to`.
bool envelope_signed_by(const std::string& ws, const std::string& to, const json::value& e, const std::string& signer_pk) {
  std::string msg = "ruche-armour-envelope-v1\n" + ws + "\n" + std::to_string(e.at("generation").as_int64()) + "\n" +
                    to + "\n" + std::string(e.at("sealed").as_string());
  auto sig = base64url_decode(e.at("signature").as_string());
  return sig && crypto_sign_verify_detached(u8(*sig), u8(msg), msg.size(), u8(signer_pk)) == 0;
}

// How many full-text index terms the messages of `ws` have (a search
// indexes what is queued first); -1 when it cannot be read.
std::int64_t indexed_terms(TestServer& s, const std::string& ws) {
  auto indexed = s.platform().db.write([&](db::Conn& c) -> Result<std::int64_t> {
    if (c.backend() == db::Backend::sqlite) {
      RUCHE_CHECK(c.exec_script("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING "
                                "fts5vocab(main, chat_messages_fts, 'instance')"));
      auto row = c.query_one("SELECT COUNT(*) FROM temp.fts_terms WHERE doc IN (SELECT rowid FROM chat_messages "
                             "WHERE workspace_id = $1)",
                             {ws});
      if (!row) return tl::unexpected(row.error());
      return (*row)->i64(0);
    }
    auto row = c.query_one("SELECT COUNT(*) FROM chat_messages WHERE workspace_id = $1 AND search <> ''::tsvector",
                           {ws});
    if (!row) return tl::unexpected(row.error());
    return (*row)->i64(0);
  });
  EXPECT_TRUE(indexed) << indexed.error().message;
  return indexed ? *indexed : -1;
}

Reply post(TestServer& s, const Account& a, const std::string& cid, const std::string& text,
           std::optional<json::array> mentions = std::nullopt) {
  json::object b{{"body", text}};
  if (mentions) b["mentions"] = *mentions;
  return s.call("POST", "/api/v1/channels/" + cid + "/messages", a.token, body(b));
}

TEST(Armour, IdentityIsSetChangedAndReplacedOnlyOnPurpose) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice"));
  EXPECT_EQ(s.call("GET", "/api/v1/me/armour", alice.who.token).error_code(), "no_identity");
  EXPECT_EQ(s.call("GET", "/api/v1/me/armour").status, 401);

  // Malformed documents change nothing.
  json::object bad = alice.identity("x");
  bad["box_public"] = "AAAA";
  EXPECT_EQ(s.call("PUT", "/api/v1/me/armour", alice.who.token, body(bad)).error_code(), "invalid_identity");
  bad = alice.identity("x");
  bad["sealed_secret"] = "id1:99:8388608:AAAA:BBBB:CCCC";
  EXPECT_EQ(s.call("PUT", "/api/v1/me/armour", alice.who.token, body(bad)).error_code(), "invalid_identity");
  bad = alice.identity("x");
  bad["sign_public"] = bad["box_public"];
  EXPECT_EQ(s.call("PUT", "/api/v1/me/armour", alice.who.token, body(bad)).status, 400);
  EXPECT_EQ(s.call("GET", "/api/v1/me/armour", alice.who.token).status, 404);

  auto set = alice.set_identity();
  ASSERT_EQ(set.status, 200) << set.raw.body;
  auto got = s.call("GET", "/api/v1/me/armour", alice.who.token);
  EXPECT_EQ(got.body.at("box_public").as_string(), base64url_encode(alice.box_pk));
  EXPECT_EQ(got.body.at("sealed_secret"), set.body.at("sealed_secret"));

  // A new passphrase: same keys, another sealed secret.
  auto again = s.call("PUT", "/api/v1/me/armour", alice.who.token, body(alice.identity("une autre phrase")));
  ASSERT_EQ(again.status, 200);
  EXPECT_NE(again.body.at("sealed_secret"), set.body.at("sealed_secret"));

  // New keys only on purpose.
  std::string ws = create_armoured(s, alice.who);
  ASSERT_EQ(alice.new_generation(ws, 1).status, 200);
  Browser kept = alice;  // her keys, saved to a file
  alice.fresh_keys();
  EXPECT_EQ(alice.set_identity().error_code(), "identity_exists");
  ASSERT_EQ(alice.set_identity(true).status, 200);
  auto st = alice.state(ws);
  EXPECT_TRUE(st.body.at("envelopes").as_array().empty());  // sealed to the keys she lost
  EXPECT_EQ(st.body.at("missing").as_array(), json::array{json::value(alice.who.id.str())});
  EXPECT_EQ(s.audit_count("armour.identity_set"), 2);
  EXPECT_EQ(s.audit_count("armour.identity_replaced"), 1);

  // She finds her saved keys and brings them back: what was sealed to them
  // is hers again, and opens with them.
  ASSERT_EQ(kept.set_identity(true).status, 200);
  auto back = kept.state(ws);
  ASSERT_EQ(back.body.at("envelopes").as_array().size(), 1u) << back.raw.body;
  EXPECT_TRUE(back.body.at("missing").as_array().empty());
  Browser reopened = kept;
  reopened.keys.clear();
  reopened.open_envelopes(ws);
  EXPECT_EQ(reopened.keys, kept.keys);
  EXPECT_EQ(s.audit_count("armour.identity_replaced"), 2);
}

TEST(Armour, GenerationsAreSealedForEveryMemberAndSignedByTheirMaker) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice")), bob(s, s.user("Bob")), carol(s, s.user("Carol"));
  Account outsider = s.user("Outsider");
  std::string ws = create_armoured(s, alice.who);
  std::string plain = s.workspace(alice.who, "Plain", {"chat"});
  s.join(alice.who, ws, bob.who);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/armour", outsider.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + plain + "/armour", alice.who.token).error_code(), "not_armoured");

  auto st = alice.state(ws);
  EXPECT_EQ(st.body.at("generation").as_int64(), 0);
  EXPECT_TRUE(st.body.at("members").as_array().empty());
  // No identity, no key making.
  EXPECT_EQ(alice.new_generation(ws, 1, json::array{}).error_code(), "no_identity");
  ASSERT_EQ(alice.set_identity().status, 200);
  ASSERT_EQ(bob.set_identity().status, 200);

  // Generation 1 must be sealed for Bob too.
  json::array only_alice;
  auto before = alice.state(ws);
  for (const auto& m : before.body.at("members").as_array())
    if (m.at("user_id").as_string() == alice.who.id.str()) only_alice.push_back(m);
  EXPECT_EQ(alice.new_generation(ws, 1, only_alice).error_code(), "envelopes_incomplete");
  EXPECT_EQ(alice.new_generation(ws, 2).error_code(), "generation_conflict");
  ASSERT_EQ(alice.new_generation(ws, 1).status, 200);
  EXPECT_EQ(s.audit_count("armour.generation_created"), 1);

  // Bob opens the key Alice made.
  bob.open_envelopes(ws);
  ASSERT_TRUE(bob.keys.contains(1));
  EXPECT_EQ(bob.keys[1], alice.keys[1]);
  auto bob_state = bob.state(ws);
  EXPECT_EQ(bob_state.body.at("envelopes").as_array().size(), 1u);
  EXPECT_EQ(bob_state.body.at("envelopes").as_array()[0].at("created_by").as_string(), alice.who.id.str());
  EXPECT_TRUE(bob_state.body.at("missing").as_array().empty());

  // Carol joins and makes her identity: she is missing; Bob, who holds
  // generation 1, seals it for her. His browser hears of it live.
  auto bob_events = connect_events(s, bob.who);
  ASSERT_FALSE(until(*bob_events, "hello").is_null());  // following the workspace before anything happens
  s.join(alice.who, ws, carol.who);
  json::value joined = until(*bob_events, "armour.changed");
  ASSERT_FALSE(joined.is_null());
  ASSERT_EQ(carol.set_identity().status, 200);
  json::value identity = until(*bob_events, "armour.changed");
  ASSERT_FALSE(identity.is_null());
  EXPECT_EQ(identity.at("data").at("generation").as_int64(), 1);
  st = bob.state(ws);
  ASSERT_EQ(st.body.at("missing").as_array(), json::array{json::value(carol.who.id.str())});
  json::value carol_member;
  for (const auto& m : st.body.at("members").as_array())
    if (m.at("user_id").as_string() == carol.who.id.str()) carol_member = m;
  auto url = "/api/v1/workspaces/" + ws + "/armour/envelopes";
  // Carol cannot seal what she does not hold; a forged signature is refused.
  auto from_carol = s.call("POST", url, carol.who.token,
                           body({{"generation", 1}, {"envelopes", json::array{carol.envelope(ws, 1, random_bytes(32), carol_member)}}}));
  EXPECT_EQ(from_carol.error_code(), "key_not_held");
  json::object forged = bob.envelope(ws, 1, bob.keys[1], carol_member);
  forged["signature"] = carol.envelope(ws, 1, bob.keys[1], carol_member).at("signature");
  EXPECT_EQ(s.call("POST", url, bob.who.token, body({{"generation", 1}, {"envelopes", json::array{forged}}})).error_code(),
            "bad_signature");
  json::value outsider_member = json::object{{"user_id", outsider.id.str()}, {"box_public", base64url_encode(carol.box_pk)}};
  EXPECT_EQ(s.call("POST", url, bob.who.token,
                   body({{"generation", 1}, {"envelopes", json::array{bob.envelope(ws, 1, bob.keys[1], outsider_member)}}}))
                .error_code(),
            "invalid_envelope");
  EXPECT_EQ(s.call("POST", url, bob.who.token, body({{"generation", 1}, {"envelopes", "x"}})).status, 400);
  auto sealed = s.call("POST", url, bob.who.token,
                       body({{"generation", 1}, {"envelopes", json::array{bob.envelope(ws, 1, bob.keys[1], carol_member)}}}));
  ASSERT_EQ(sealed.status, 200) << sealed.raw.body;
  EXPECT_TRUE(sealed.body.at("missing").as_array().empty());
  ASSERT_FALSE(until(*bob_events, "armour.changed").is_null());  // that envelope's
  carol.open_envelopes(ws);
  EXPECT_EQ(carol.keys[1], alice.keys[1]);

  // Someone who already has keys joins: the members hear of it at once.
  Browser dave(s, s.user("Dave"));
  ASSERT_EQ(dave.set_identity().status, 200);
  s.join(alice.who, ws, dave.who);
  json::value dave_joined = until(*bob_events, "armour.changed");
  ASSERT_FALSE(dave_joined.is_null());
  EXPECT_EQ(bob.state(ws).body.at("missing"), json::array{json::value(dave.who.id.str())});
  ASSERT_EQ(s.call("POST", url, bob.who.token,
                   body({{"generation", 1}, {"envelopes", json::array{bob.envelope(ws, 1, bob.keys[1], [&] {
                           auto st2 = bob.state(ws);
                           for (const auto& m : st2.body.at("members").as_array())
                             if (m.at("user_id").as_string() == dave.who.id.str()) return json::value(m);
                           return json::value();
                         }())}}}))
                .status,
            200);

  // Two browsers make generation 2 at once: one wins.
  Reply r1, r2;
  std::thread t1([&] { r1 = alice.new_generation(ws, 2); });
  std::thread t2([&] { r2 = bob.new_generation(ws, 2); });
  t1.join();
  t2.join();
  EXPECT_EQ((r1.status == 200) + (r2.status == 200), 1) << r1.raw.body << r2.raw.body;
  EXPECT_EQ(r1.status == 200 ? r2.error_code() : r1.error_code(), "generation_conflict");
  EXPECT_EQ(alice.state(ws).body.at("generation").as_int64(), 2);
}

TEST(Armour, ChatKeepsSealedMessagesOnlyAndRotatesWhenAMemberLeaves) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice")), bob(s, s.user("Bob")), carol(s, s.user("Carol"));
  std::string ws = create_armoured(s, alice.who);
  s.join(alice.who, ws, bob.who);
  s.join(alice.who, ws, carol.who);
  std::string cid = make_channel(s, alice.who, ws, "direction");
  std::string other = make_channel(s, alice.who, ws, "autre");
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/join", bob.who.token).status, 204);
  ASSERT_EQ(alice.set_identity().status, 200);
  ASSERT_EQ(bob.set_identity().status, 200);
  ASSERT_EQ(carol.set_identity().status, 200);

  // No key yet; then plain text is refused.
  alice.keys[1] = random_bytes(32);
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "trop tôt")).error_code(), "no_workspace_key");
  ASSERT_EQ(alice.new_generation(ws, 1).status, 200);
  bob.open_envelopes(ws);
  carol.open_envelopes(ws);
  EXPECT_EQ(post(s, alice.who, cid, "Bonjour en clair").error_code(), "invalid_sealed_text");
  EXPECT_EQ(post(s, alice.who, cid, "e2e1:1:AAAA:BBBB:CCCC").error_code(), "invalid_sealed_text");

  // A sealed message with a mention: stored as sealed, opened by Bob.
  std::string text = "Bonjour secret 42, @Bob";
  auto posted = post(s, alice.who, cid, alice.seal(ws, cid, 1, text), json::array{bob.who.id.str()});
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  std::string mid(posted.body.at("id").as_string());
  auto list = s.call("GET", "/api/v1/channels/" + cid + "/messages", bob.who.token);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  const json::value& stored = list.body.as_array()[0];
  EXPECT_TRUE(stored.at("body").as_string().starts_with("e2e1:1:"));
  EXPECT_EQ(std::string(stored.at("body").as_string()).find("secret"), std::string::npos);
  EXPECT_EQ(bob.open(ws, stored), text);
  auto unread = s.call("GET", "/api/v1/workspaces/" + ws + "/channels", bob.who.token);
  for (const auto& ch : unread.body.as_array())
    if (ch.at("id").as_string() == cid) {
      EXPECT_EQ(ch.at("mentions").as_int64(), 1) << ch;
    }

  // Bound to its channel and author: Bob cannot pass Alice's text off as his,
  // nor can it be moved to another channel; a forged signature is refused.
  std::string alices = alice.seal(ws, cid, 1, "à moi");
  EXPECT_EQ(post(s, bob.who, cid, alices).error_code(), "bad_signature");
  EXPECT_EQ(post(s, alice.who, other, alices).error_code(), "bad_signature");
  EXPECT_EQ(post(s, bob.who, cid, bob.seal(ws, cid, 1, "signé par Carol", &carol.sign_sk)).error_code(),
            "bad_signature");
  // Mentions beside the text only in armoured workspaces.
  std::string plain_ws = s.workspace(alice.who, "Plain", {"chat"});
  std::string plain_cid = make_channel(s, alice.who, plain_ws, "g");
  EXPECT_EQ(post(s, alice.who, plain_cid, "salut", json::array{bob.who.id.str()}).error_code(), "invalid_mentions");
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "x"), json::array{"../etc"}).status, 400);

  // Edits are sealed too.
  EXPECT_EQ(s.call("PATCH", "/api/v1/messages/" + mid, alice.who.token, body({{"body", "en clair"}})).error_code(),
            "invalid_sealed_text");
  auto edited = s.call("PATCH", "/api/v1/messages/" + mid, alice.who.token,
                       body({{"body", alice.seal(ws, cid, 1, "Bonjour secret 43")}}));
  ASSERT_EQ(edited.status, 200) << edited.raw.body;
  EXPECT_EQ(bob.open(ws, edited.body), "Bonjour secret 43");

  // The server search never returns an armoured message, not even for a
  // piece of its ciphertext.
  std::string stored_body(edited.body.at("body").as_string());
  std::string piece = stored_body.substr(stored_body.find(':', 8) + 1, 12);
  for (const std::string& q : {std::string("secret"), piece, std::string("e2e1")}) {
    auto found = s.call("GET", "/api/v1/search?q=" + q, alice.who.token);
    ASSERT_EQ(found.status, 200);
    EXPECT_TRUE(found.body.at("results").as_array().empty()) << q << ": " << found.raw.body;
  }

  // Ciphertext stays out of the full-text index (nothing to find, and its
  // random words only bloat it); the searches above indexed every message.
  EXPECT_EQ(indexed_terms(s, ws), 0);

  // Carol is removed: nothing more under generation 1, the next generation
  // leaves her out and what was said before stays readable.
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + carol.who.id.str(), alice.who.token).status, 204);
  auto st = bob.state(ws);
  EXPECT_TRUE(st.body.at("rotation_required").as_bool());
  EXPECT_EQ(post(s, bob.who, cid, bob.seal(ws, cid, 1, "encore")).error_code(), "key_rotation_required");
  for (const auto& m : st.body.at("members").as_array()) EXPECT_NE(m.at("user_id").as_string(), carol.who.id.str());
  // She is listed among those who held a key, so her signatures still check.
  ASSERT_EQ(st.body.at("former").as_array().size(), 1u);
  EXPECT_EQ(st.body.at("former").as_array()[0].at("sign_public").as_string(), base64url_encode(carol.sign_pk));
  ASSERT_EQ(bob.new_generation(ws, 2).status, 200);
  alice.open_envelopes(ws);
  EXPECT_EQ(alice.keys[2], bob.keys[2]);
  EXPECT_FALSE(bob.state(ws).body.at("rotation_required").as_bool());
  EXPECT_EQ(post(s, bob.who, cid, bob.seal(ws, cid, 1, "ancienne clé")).error_code(), "stale_key");
  auto after = post(s, bob.who, cid, bob.seal(ws, cid, 2, "nouvelle clé"));
  ASSERT_EQ(after.status, 201) << after.raw.body;
  EXPECT_EQ(alice.open(ws, after.body), "nouvelle clé");
  // She is not a member: no envelope of hers was made, and she cannot ask.
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/armour", carol.who.token).status, 404);
  EXPECT_EQ(s.platform().db.read([&](db::Conn& c) -> Result<std::int64_t> {
              auto row = c.query_one("SELECT COUNT(*) FROM armour_envelopes WHERE user_id = $1 AND generation = 2",
                                     {carol.who.id});
              if (!row) return tl::unexpected(row.error());
              return (*row)->i64(0);
            }).value_or(-1),
            0);
  EXPECT_EQ(alice.open(ws, s.call("GET", "/api/v1/messages/" + mid, alice.who.token).body), "Bonjour secret 43");

  // The export carries the ciphertext and what opens it for each member:
  // Bob opens his envelopes from the archive alone (Carol's stay there too).
  auto archive = export_files(s, alice.who, ws);
  std::optional<json::value> keys;
  std::string pages;
  for (const auto& [path, bytes] : archive) {
    if (path == "armour.json") keys = *json::parse(bytes);
    if (path.starts_with("chat/messages/")) pages += bytes;
  }
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->at("generation").as_int64(), 2);
  EXPECT_EQ(keys->at("identities").as_array().size(), 3u);  // Carol, who wrote nothing, held a key
  Browser offline(s, bob.who);
  offline.box_pk = bob.box_pk;
  offline.box_sk = bob.box_sk;
  for (const auto& e : keys->at("envelopes").as_array()) {
    if (e.at("user_id").as_string() != bob.who.id.str()) continue;
    auto sealed = base64url_decode(e.at("sealed").as_string());
    std::string key(32, '\0');
    ASSERT_EQ(crypto_box_seal_open(u8(key), u8(*sealed), sealed->size(), u8(offline.box_pk), u8(offline.box_sk)), 0);
    offline.keys[e.at("generation").as_int64()] = key;
  }
  EXPECT_EQ(offline.keys, bob.keys);
  EXPECT_NE(pages.find(std::string(after.body.at("body").as_string())), std::string::npos);
  EXPECT_EQ(pages.find("nouvelle"), std::string::npos);
}

// The member of `state` (a GET …/armour answer) whose id is `user`.
json::value member_in(const Reply& state, const Account& user) {
  for (const auto& m : state.body.at("members").as_array())
    if (m.at("user_id").as_string() == user.id.str()) return m;
  return nullptr;
}

// Three people of an armoured workspace with `modules`, each with an
// identity, all holding the workspace's key generation 1 (made by Alice).
struct ArmouredTrio {
  TestServer s;
  Browser alice{s, s.user("Alice")}, bob{s, s.user("Bob")}, carol{s, s.user("Carol")};
  std::string ws;

  explicit ArmouredTrio(json::array modules = {"chat"}) {
    EXPECT_GE(sodium_init(), 0);
    ws = create_armoured(s, alice.who, std::move(modules));
    s.join(alice.who, ws, bob.who);
    s.join(alice.who, ws, carol.who);
    EXPECT_EQ(alice.set_identity().status, 200);
    EXPECT_EQ(bob.set_identity().status, 200);
    EXPECT_EQ(carol.set_identity().status, 200);
    EXPECT_EQ(alice.new_generation(ws, 1).status, 200);
    bob.open_envelopes(ws);
    carol.open_envelopes(ws);
  }

  // What a task's or an event's sealed texts are bound to: the item's token.
  std::string bound(const std::string& token, const Browser& author) const {
    return ws + "\n" + token + "\n" + author.who.id.str();
  }
};

json::array ids_of(const Reply& state, std::string_view field) {
  json::array out;
  for (const auto& v : state.body.at(field).as_array()) out.push_back(v);
  return out;
}

// Once a member anchors the workspace (approves their own keys), its keys
// go to members whose keys an approved member approved, and to them only:
// an account the server adds, or new keys the server says someone has,
// wait for a member's approval.
TEST(Armour, ApprovedMembersOnlyReceiveTheKeysOnceTheWorkspaceIsAnchored) {
  ArmouredTrio trio;
  auto& [s, alice, bob, carol, ws] = trio;
  const std::string url = "/api/v1/workspaces/" + ws + "/armour/approvals";
  auto st = alice.state(ws);
  EXPECT_TRUE(st.body.at("approvals").as_array().empty());
  EXPECT_TRUE(st.body.at("pending").as_array().empty());  // not anchored: as before

  // The first approval is someone's of their own keys; then theirs only.
  EXPECT_EQ(bob.approve_people(ws, {&alice.who}).error_code(), "not_approved");
  json::object forged = alice.approval(ws, member_in(st, alice.who), &bob.sign_sk);
  EXPECT_EQ(alice.approve(ws, json::array{forged}).error_code(), "bad_signature");
  json::value stranger = json::object{{"user_id", s.user("Stranger").id.str()},
                                      {"box_public", base64url_encode(bob.box_pk)},
                                      {"sign_public", base64url_encode(bob.sign_pk)}};
  EXPECT_EQ(alice
                .approve(ws, json::array{alice.approval(ws, member_in(st, alice.who)),
                                         alice.approval(ws, stranger)})
                .error_code(),
            "invalid_approval");
  json::value bob_other_keys = member_in(st, bob.who);
  bob_other_keys.as_object()["sign_public"] = base64url_encode(carol.sign_pk);
  EXPECT_EQ(alice
                .approve(ws, json::array{alice.approval(ws, member_in(st, alice.who)),
                                         alice.approval(ws, bob_other_keys)})
                .error_code(),
            "keys_changed");
  EXPECT_EQ(s.call("POST", url, alice.who.token, body({{"approvals", json::array{}}})).status, 400);
  EXPECT_EQ(s.call("POST", url, alice.who.token, body({{"approvals", "x"}})).status, 400);
  EXPECT_EQ(s.audit_count("armour.keys_approved"), 0);

  auto bob_events = connect_events(s, bob.who);
  ASSERT_FALSE(until(*bob_events, "hello").is_null());
  auto anchored = alice.approve_people(ws, {&alice.who, &bob.who});
  ASSERT_EQ(anchored.status, 200) << anchored.raw.body;
  ASSERT_FALSE(until(*bob_events, "armour.changed").is_null());
  auto approvals = anchored.body.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 2u);
  for (const auto& a : approvals) EXPECT_EQ(a.at("approved_by").as_string(), alice.who.id.str());
  // Carol holds generation 1 from before, but her keys are not approved.
  EXPECT_EQ(ids_of(anchored, "pending"), json::array{json::value(carol.who.id.str())});
  EXPECT_TRUE(anchored.body.at("missing").as_array().empty());
  EXPECT_EQ(s.audit_count("armour.keys_approved"), 1);
  // Again: nothing new, nothing written.
  EXPECT_EQ(alice.approve_people(ws, {&bob.who}).status, 200);
  EXPECT_EQ(s.audit_count("armour.keys_approved"), 1);
  // Carol may not approve anyone, herself included, now that approved members exist.
  EXPECT_EQ(carol.approve_people(ws, {&carol.who}).error_code(), "not_approved");

  // Dave joins with keys: pending, not missing; no member may seal him a key,
  // and a new generation leaves him (and Carol) out.
  Browser dave(s, s.user("Dave"));
  ASSERT_EQ(dave.set_identity().status, 200);
  s.join(alice.who, ws, dave.who);
  st = bob.state(ws);
  EXPECT_EQ(st.body.at("pending").as_array().size(), 2u);
  EXPECT_TRUE(st.body.at("missing").as_array().empty());
  auto to_dave = bob.add_envelopes(
      ws, 1, json::array{bob.envelope(ws, 1, bob.keys[1], member_in(st, dave.who))});
  EXPECT_EQ(to_dave.error_code(), "not_approved");
  EXPECT_EQ(bob.new_generation(ws, 2).error_code(), "not_approved");  // every member, Dave included
  json::array approved_only{member_in(st, alice.who), member_in(st, bob.who)};
  ASSERT_EQ(bob.new_generation(ws, 2, approved_only).status, 200);
  alice.open_envelopes(ws);
  EXPECT_EQ(alice.keys[2], bob.keys[2]);

  // Bob, approved by Alice, approves Dave: Dave is missing now, and sealed for.
  auto approved = bob.approve_people(ws, {&dave.who});
  ASSERT_EQ(approved.status, 200) << approved.raw.body;
  EXPECT_EQ(ids_of(approved, "pending"), json::array{json::value(carol.who.id.str())});
  EXPECT_EQ(ids_of(approved, "missing"), json::array{json::value(dave.who.id.str())});
  st = bob.state(ws);
  ASSERT_EQ(bob.add_envelopes(
                   ws, 2, json::array{bob.envelope(ws, 2, bob.keys[2], member_in(st, dave.who))})
                .status,
            200);
  dave.open_envelopes(ws);
  EXPECT_EQ(dave.keys[2], alice.keys[2]);

  // New keys for Dave (the server's word) are pending again until approved.
  dave.fresh_keys();
  ASSERT_EQ(dave.set_identity(true).status, 200);
  st = alice.state(ws);
  EXPECT_EQ(st.body.at("pending").as_array().size(), 2u);
  EXPECT_EQ(st.body.at("approvals").as_array().size(),
            3u);  // the old keys' approval stays: it chains

  // A private channel's key follows the workspace's approvals.
  std::string cid =
      make_channel(s, alice.who, ws, "direction", true, {dave.who.id.str(), bob.who.id.str()});
  auto ch = alice.state(ws, cid);
  ASSERT_EQ(ch.status, 200) << ch.raw.body;
  EXPECT_EQ(ids_of(ch, "pending"), json::array{json::value(dave.who.id.str())});
  EXPECT_FALSE(ch.body.as_object().contains("approvals"));
  EXPECT_EQ(alice.new_generation(ws, 1, std::nullopt, cid).error_code(), "not_approved");
  ASSERT_EQ(
      alice
          .new_generation(ws, 1, json::array{member_in(ch, alice.who), member_in(ch, bob.who)}, cid)
          .status,
      200);
  ASSERT_EQ(alice.approve_people(ws, {&dave.who}).status, 200);
  EXPECT_EQ(ids_of(alice.state(ws, cid), "missing"), json::array{json::value(dave.who.id.str())});

  // The export carries the approvals, and the approvers' keys.
  auto files = export_files(s, alice.who, ws);
  auto keys = json::parse(files.at("armour.json"));
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->at("approvals").as_array().size(), 4u);
}

// Where no member's keys are approved any more, someone anchors anew.
TEST(Armour, AWorkspaceWhoseApprovedKeysAreAllGoneIsAnchoredAgain) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice")), bob(s, s.user("Bob"));
  std::string ws = create_armoured(s, alice.who);
  s.join(alice.who, ws, bob.who);
  ASSERT_EQ(alice.set_identity().status, 200);
  ASSERT_EQ(bob.set_identity().status, 200);
  // Both anchor at once: one does, the other's keys wait for approval.
  Reply r1, r2;
  std::thread t1([&] { r1 = alice.approve_people(ws, {&alice.who}); });
  std::thread t2([&] { r2 = bob.approve_people(ws, {&bob.who}); });
  t1.join();
  t2.join();
  ASSERT_EQ((r1.status == 200) + (r2.status == 200), 1) << r1.raw.body << r2.raw.body;
  EXPECT_EQ(r1.status == 200 ? r2.error_code() : r1.error_code(), "not_approved");
  Browser& first = r1.status == 200 ? alice : bob;
  Browser& second = r1.status == 200 ? bob : alice;
  auto anchored = first.state(ws);
  EXPECT_EQ(ids_of(anchored, "pending"), json::array{json::value(second.who.id.str())});
  ASSERT_EQ(first.new_generation(ws, 1, json::array{member_in(anchored, first.who)}).status, 200);
  // The anchor forgets their passphrase: nobody's current keys are approved,
  // and nobody holds generation 1 any more: the next one is due.
  first.fresh_keys();
  ASSERT_EQ(first.set_identity(true).status, 200);
  auto orphaned = first.state(ws);
  EXPECT_EQ(orphaned.body.at("pending").as_array().size(), 2u);
  EXPECT_TRUE(orphaned.body.at("rotation_required").as_bool());
  auto again = second.approve_people(ws, {&second.who, &first.who});
  ASSERT_EQ(again.status, 200) << again.raw.body;
  EXPECT_TRUE(again.body.at("pending").as_array().empty());
  EXPECT_EQ(again.body.at("approvals").as_array().size(), 3u);
  EXPECT_EQ(s.audit_count("armour.keys_approved"), 2);
}

TEST(Armour, PrivateChannelsAndDirectMessagesHaveKeysOfTheirOwn) {
  ArmouredTrio trio;
  auto& [s, alice, bob, carol, ws] = trio;
  std::string open_cid = make_channel(s, alice.who, ws, "général");
  std::string cid = make_channel(s, alice.who, ws, "direction", true, {bob.who.id.str()});

  // The channel's key is its members' business only.
  auto st = alice.state(ws, cid);
  ASSERT_EQ(st.status, 200) << st.raw.body;
  EXPECT_EQ(st.body.at("generation").as_int64(), 0);
  EXPECT_EQ(st.body.at("members").as_array().size(), 2u);
  EXPECT_TRUE(member_in(st, carol.who).is_null());
  EXPECT_EQ(carol.state(ws, cid).status, 404);
  EXPECT_EQ(alice.state(ws, open_cid).error_code(), "workspace_key");
  std::string plain_ws = s.workspace(alice.who, "Plain", {"chat"});
  std::string plain_cid = make_channel(s, alice.who, plain_ws, "p", true);
  EXPECT_EQ(alice.state(plain_ws, plain_cid).error_code(), "not_armoured");

  // Its messages take its own key: not the workspace's, and not before it exists.
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "clé commune")).error_code(), "channel_key_required");
  alice.channel_keys[cid][1] = random_bytes(32);
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "trop tôt", nullptr, "", 1, true)).error_code(),
            "no_channel_key");
  alice.channel_keys.erase(cid);

  // Generation 1 goes to every member of the channel with an identity, and
  // to them only, signed over the channel's own envelope text.
  json::array members = st.body.at("members").as_array();
  json::array alone{member_in(st, alice.who)};
  EXPECT_EQ(alice.new_generation(ws, 1, alone, cid).error_code(), "envelopes_incomplete");
  json::array with_carol = members;
  with_carol.push_back(member_in(alice.state(ws), carol.who));
  EXPECT_EQ(alice.new_generation(ws, 1, with_carol, cid).error_code(), "invalid_envelope");
  std::string k = random_bytes(32);
  json::array as_workspace;
  for (const auto& m : members) as_workspace.push_back(alice.envelope(ws, 1, k, m));  // the workspace's text
  EXPECT_EQ(alice.add_envelopes(ws, 1, as_workspace, cid).error_code(), "bad_signature");
  ASSERT_EQ(alice.new_generation(ws, 1, std::nullopt, cid).status, 200);
  bob.open_envelopes(ws, cid);
  EXPECT_EQ(bob.channel_keys[cid], alice.channel_keys[cid]);
  // A channel's envelopes do not pass for the workspace's either.
  EXPECT_EQ(alice.state(ws).body.at("envelopes").as_array().size(), 1u);

  std::string text = "Réorganisation confidentielle";
  auto posted = post(s, alice.who, cid, alice.seal(ws, cid, 1, text, nullptr, "", 1, true));
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  EXPECT_TRUE(posted.body.at("body").as_string().starts_with("e2e1:c1:"));
  EXPECT_EQ(bob.open(ws, posted.body), text);
  // Handed over by the server, Carol's workspace key does not open it; nor can
  // the server turn the reference into the workspace's (the tag binds it).
  EXPECT_EQ(carol.open(ws, posted.body), std::nullopt);
  json::value as_ws = posted.body;
  std::string sealed(posted.body.at("body").as_string());
  as_ws.as_object()["body"] = "e2e1:1:" + sealed.substr(8);
  EXPECT_EQ(carol.open(ws, as_ws), std::nullopt);
  EXPECT_EQ(post(s, alice.who, cid, std::string(as_ws.at("body").as_string())).error_code(), "channel_key_required");
  // A channel's key is not for public channels, nor for files.
  alice.channel_keys[open_cid] = alice.channel_keys[cid];
  EXPECT_EQ(post(s, alice.who, open_cid, alice.seal(ws, open_cid, 1, "x", nullptr, "", 1, true)).error_code(),
            "invalid_sealed_text");
  // Edits take the channel's key too.
  std::string mid(posted.body.at("id").as_string());
  EXPECT_EQ(s.call("PATCH", "/api/v1/messages/" + mid, alice.who.token, body({{"body", alice.seal(ws, cid, 1, "y")}}))
                .error_code(),
            "channel_key_required");

  // Carol is added: she is missing the channel's key, and the members hear
  // of it; Bob seals it for her, and she reads what follows.
  auto bob_events = connect_events(s, bob.who);
  auto carol_events = connect_events(s, carol.who);
  ASSERT_FALSE(until(*bob_events, "hello").is_null());
  ASSERT_FALSE(until(*carol_events, "hello").is_null());
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/members", alice.who.token,
                   body({{"user_id", carol.who.id.str()}}))
                .status,
            204);
  json::value heard = until(*bob_events, "armour.changed");
  ASSERT_FALSE(heard.is_null());
  EXPECT_EQ(heard.at("data").at("channel_id").as_string(), cid);
  st = bob.state(ws, cid);
  ASSERT_EQ(st.body.at("missing").as_array(), json::array{json::value(carol.who.id.str())});
  EXPECT_EQ(carol.add_envelopes(ws, 1, {carol.envelope(ws, 1, random_bytes(32), member_in(st, carol.who), cid)}, cid)
                .error_code(),
            "key_not_held");
  ASSERT_EQ(bob.add_envelopes(ws, 1, {bob.envelope(ws, 1, bob.channel_keys[cid][1], member_in(st, carol.who), cid)},
                              cid)
                .status,
            200);
  carol.open_envelopes(ws, cid);
  EXPECT_EQ(carol.channel_keys[cid], alice.channel_keys[cid]);
  EXPECT_EQ(carol.open(ws, posted.body), text);
  // The channel's events are its members': only now did Carol hear of its key.
  json::value carols = until(*carol_events, "armour.changed");
  ASSERT_FALSE(carols.is_null());
  EXPECT_EQ(carols.at("data").at("channel_id").as_string(), cid);

  // Bob is removed from the channel (not from the workspace): nothing more
  // under its generation 1; the next leaves him out, and he cannot ask.
  ASSERT_EQ(s.call("DELETE", "/api/v1/channels/" + cid + "/members/" + bob.who.id.str(), alice.who.token).status, 204);
  st = alice.state(ws, cid);
  EXPECT_TRUE(st.body.at("rotation_required").as_bool());
  ASSERT_EQ(st.body.at("former").as_array().size(), 1u);
  EXPECT_EQ(st.body.at("former").as_array()[0].at("user_id").as_string(), bob.who.id.str());
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "encore", nullptr, "", 1, true)).error_code(),
            "key_rotation_required");
  EXPECT_FALSE(alice.state(ws).body.at("rotation_required").as_bool());  // the workspace's key is not concerned
  EXPECT_EQ(bob.state(ws, cid).status, 404);
  ASSERT_EQ(carol.new_generation(ws, 2, std::nullopt, cid).status, 200);
  alice.open_envelopes(ws, cid);
  auto after = post(s, alice.who, cid, alice.seal(ws, cid, 2, "sans Bob", nullptr, "", 1, true));
  ASSERT_EQ(after.status, 201) << after.raw.body;
  EXPECT_EQ(carol.open(ws, after.body), "sans Bob");
  EXPECT_EQ(bob.open(ws, after.body), std::nullopt);

  // A direct conversation has its own key too; a member who leaves the
  // workspace makes it stale.
  auto dm = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", bob.who.token,
                   body({{"user_ids", json::array{carol.who.id.str()}}}));
  ASSERT_EQ(dm.status, 200) << dm.raw.body;
  std::string dm_id(dm.body.at("id").as_string());
  EXPECT_EQ(post(s, bob.who, dm_id, bob.seal(ws, dm_id, 1, "salut")).error_code(), "channel_key_required");
  ASSERT_EQ(bob.new_generation(ws, 1, std::nullopt, dm_id).status, 200);
  auto said = post(s, bob.who, dm_id, bob.seal(ws, dm_id, 1, "entre nous", nullptr, "", 1, true));
  ASSERT_EQ(said.status, 201) << said.raw.body;
  carol.open_envelopes(ws, dm_id);
  EXPECT_EQ(carol.open(ws, said.body), "entre nous");
  EXPECT_EQ(alice.open(ws, said.body), std::nullopt);
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + bob.who.id.str(), alice.who.token).status, 204);
  EXPECT_TRUE(carol.state(ws, dm_id).body.at("rotation_required").as_bool());

  // The export carries each channel's envelopes beside the workspace's.
  auto archive = export_files(s, alice.who, ws);
  auto keys = json::parse(archive.at("armour.json"));
  ASSERT_TRUE(keys);
  std::map<std::string, std::int64_t> generations;
  std::size_t channel_envelopes = 0;
  for (const auto& c : keys->at("channels").as_array()) {
    generations[std::string(c.at("channel_id").as_string())] = c.at("generation").as_int64();
    for (const auto& e : c.at("envelopes").as_array()) {
      EXPECT_EQ(e.at("generation").as_int64() <= c.at("generation").as_int64(), true);
      ++channel_envelopes;
    }
  }
  EXPECT_EQ(generations, (std::map<std::string, std::int64_t>{{cid, 2}, {dm_id, 1}}));
  EXPECT_EQ(channel_envelopes, 2u + 1u + 2u + 2u);  // direction: g1 Alice, Bob, Carol; g2 Alice, Carol; the DM's two
  EXPECT_EQ(keys->at("envelopes").as_array().size(), 3u);  // the workspace's generation 1
}

TEST(Armour, ReplacedKeysStillCheckWhatTheySignedAndRetireTheGenerationTheySealed) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice")), bob(s, s.user("Bob")), carol(s, s.user("Carol"));
  std::string ws = create_armoured(s, alice.who);
  s.join(alice.who, ws, bob.who);
  s.join(alice.who, ws, carol.who);
  std::string cid = make_channel(s, alice.who, ws, "suivi");
  for (Browser* b : {&alice, &bob, &carol}) ASSERT_EQ(b->set_identity().status, 200);
  for (Browser* b : {&bob, &carol})
    ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/join", b->who.token).status, 204);
  // Bob makes generation 1 and writes under it.
  ASSERT_EQ(bob.new_generation(ws, 1).status, 200);
  alice.open_envelopes(ws);
  ASSERT_EQ(post(s, bob.who, cid, bob.seal(ws, cid, 1, "avant")).status, 201);
  EXPECT_TRUE(alice.state(ws).body.at("members").at(0).at("previous").as_array().empty());
  const std::string old_sign = bob.sign_pk, old_box = bob.box_pk;

  // He forgets his passphrase and makes new keys.
  bob.fresh_keys();
  ASSERT_EQ(bob.set_identity(true).status, 200);

  // Carol's browser, opening the workspace afresh, still checks the
  // envelope and the message he signed with the keys he had: the server
  // lists them, oldest first, beside his current ones.
  auto st = carol.state(ws);
  json::value bobs;
  for (const auto& m : st.body.at("members").as_array())
    if (m.at("user_id").as_string() == bob.who.id.str()) bobs = m;
  ASSERT_FALSE(bobs.is_null());
  EXPECT_EQ(bobs.at("sign_public").as_string(), base64url_encode(bob.sign_pk));
  ASSERT_EQ(bobs.at("previous").as_array().size(), 1u);
  EXPECT_EQ(bobs.at("previous").at(0).at("sign_public").as_string(), base64url_encode(old_sign));
  EXPECT_EQ(bobs.at("previous").at(0).at("box_public").as_string(), base64url_encode(old_box));
  const json::value& env = st.body.at("envelopes").at(0);
  EXPECT_EQ(env.at("created_by").as_string(), bob.who.id.str());
  EXPECT_FALSE(envelope_signed_by(ws, carol.who.id.str(), env, bob.sign_pk));
  EXPECT_TRUE(envelope_signed_by(ws, carol.who.id.str(), env, old_sign));
  carol.open_envelopes(ws);
  auto list = s.call("GET", "/api/v1/channels/" + cid + "/messages", carol.who.token);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  EXPECT_EQ(carol.open(ws, list.body.as_array()[0]), "avant");

  // A browser takes a key for writing only from a member's current keys:
  // the generation his old keys sealed needs the next one.
  EXPECT_TRUE(st.body.at("rotation_required").as_bool());
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, "encore")).error_code(), "key_rotation_required");
  ASSERT_EQ(alice.new_generation(ws, 2).status, 200);
  EXPECT_FALSE(carol.state(ws).body.at("rotation_required").as_bool());
  bob.open_envelopes(ws);
  ASSERT_TRUE(bob.keys.contains(2));
  ASSERT_EQ(post(s, bob.who, cid, bob.seal(ws, cid, 2, "après")).status, 201);

  // A new passphrase for the same keys is not a replacement.
  ASSERT_EQ(s.call("PUT", "/api/v1/me/armour", bob.who.token, body(bob.identity("une autre phrase"))).status, 200);
  EXPECT_EQ(carol.state(ws).body.at("members").as_array().size(), 3u);
  EXPECT_FALSE(carol.state(ws).body.at("rotation_required").as_bool());

  // Once he left, he is among the former holders, old keys included; and
  // the export carries them too.
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + bob.who.id.str(), alice.who.token).status,
            204);
  auto after = carol.state(ws);
  ASSERT_EQ(after.body.at("former").as_array().size(), 1u);
  EXPECT_EQ(after.body.at("former").at(0).at("previous").at(0).at("sign_public").as_string(),
            base64url_encode(old_sign));
  auto keys = json::parse(export_files(s, alice.who, ws)["armour.json"]);
  ASSERT_TRUE(keys);
  bool exported = false;
  for (const auto& id : keys->at("identities").as_array())
    if (id.at("user_id").as_string() == bob.who.id.str())
      exported = id.at("previous").at(0).at("sign_public").as_string() == base64url_encode(old_sign);
  EXPECT_TRUE(exported);
}

TEST(Armour, AttachmentsAreSealedInTheBrowserAndOpenedWithTheKeyTheirMessageCarries) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Browser alice(s, s.user("Alice")), bob(s, s.user("Bob"));
  std::string ws = create_armoured(s, alice.who);
  s.join(alice.who, ws, bob.who);
  std::string cid = make_channel(s, alice.who, ws, "plans");
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/join", bob.who.token).status, 204);
  ASSERT_EQ(alice.set_identity().status, 200);
  ASSERT_EQ(bob.set_identity().status, 200);
  ASSERT_EQ(alice.new_generation(ws, 1).status, 200);
  bob.open_envelopes(ws);
  auto upload = [&](const std::string& name, const std::string& bytes) {
    return s.call("POST", "/api/v1/channels/" + cid + "/attachments?name=" + name, alice.who.token, bytes);
  };

  // The server tells nothing of what it stores: whatever name and bytes
  // come (here a client that forgot to seal a PNG, under a name a plain
  // workspace would refuse), it keeps "attachment", application/octet-stream,
  // no image size.
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x08\x08\x02\0\0\0", 29);
  auto careless = upload("plan%2Fsecret.png", png);
  ASSERT_EQ(careless.status, 201) << careless.raw.body;
  EXPECT_EQ(careless.body.at("name").as_string(), "attachment");
  EXPECT_EQ(careless.body.at("content_type").as_string(), "application/octet-stream");
  EXPECT_TRUE(careless.body.at("width").is_null()) << careless.raw.body;

  // A sealed file of two pieces: 24 + 70,000 + 2 x 17 bytes on the server.
  std::string plan(70000, '\0');
  for (std::size_t i = 0; i < plan.size(); ++i) plan[i] = static_cast<char>(i % 251);
  std::string key = random_bytes(32);
  std::string sealed = seal_file(plan, key);
  ASSERT_EQ(open_file(sealed, key), plan);
  auto up = upload("attachment", sealed);
  ASSERT_EQ(up.status, 201) << up.raw.body;
  EXPECT_EQ(up.body.at("size").as_int64(), 24 + 70000 + 2 * 17);
  std::string aid(up.body.at("id").as_string());

  // Its key travels in the message, which must then be e2e2.
  json::object payload{{"text", "Le plan, en pièce jointe"},
                       {"files", json::array{json::object{{"id", aid},
                                                          {"name", "plan-secret.bin"},
                                                          {"type", "application/octet-stream"},
                                                          {"size", plan.size()},
                                                          {"key", base64url_encode(key)}}}}};
  std::string text = json::serialize(payload);
  auto with = [&](const std::string& sealed_body) {
    return s.call("POST", "/api/v1/channels/" + cid + "/messages", alice.who.token,
                  body({{"body", sealed_body}, {"attachment_ids", json::array{json::value(aid)}}}));
  };
  EXPECT_EQ(with(alice.seal(ws, cid, 1, text)).error_code(), "invalid_attachments");
  // A version 1 text passed off as version 2 breaks its signature.
  std::string v1 = alice.seal(ws, cid, 1, text);
  EXPECT_EQ(with("e2e2" + v1.substr(4)).error_code(), "bad_signature");
  std::string v2 = alice.seal(ws, cid, 1, text, nullptr, "", 2);
  auto posted = with(v2);
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  std::string mid(posted.body.at("id").as_string());
  // A refused post left the upload unposted: it went with the one that passed.
  ASSERT_EQ(posted.body.at("attachments").as_array().size(), 1u);
  EXPECT_EQ(posted.body.at("attachments").as_array()[0].at("name").as_string(), "attachment");

  // Bob's browser: the message opens to the file's name and key, the bytes
  // the server hands out are the sealed ones, and they open to the file.
  auto list = s.call("GET", "/api/v1/channels/" + cid + "/messages", bob.who.token);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  auto opened = bob.open(ws, list.body.as_array()[0]);
  ASSERT_TRUE(opened);
  json::value files = json::parse(*opened)->at("files");
  EXPECT_EQ(files.at(0).at("name").as_string(), "plan-secret.bin");
  auto got = s.call("GET", "/api/v1/attachments/" + aid, bob.who.token);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.raw.body, sealed);
  EXPECT_EQ(open_file(got.raw.body, *base64url_decode(files.at(0).at("key").as_string())), plan);
  // The browser seals the same way (web/src/armour/vectors.test.ts: key
  // 32 x 0x05, header 24 x 0x03, the same 70,000 bytes).
  std::string browsers = seal_file(plan, std::string(32, '\x05'), std::string(24, '\x03'));
  std::string digest(32, '\0');
  crypto_generichash(u8(digest), digest.size(), u8(browsers), browsers.size(), nullptr, 0);
  EXPECT_EQ(base64url_encode(digest), "ke97nWKU_UB2knSDxlEG0t0Img9wCxQ3Z27ZxISwK3o");
  // Cut short, reordered or extended, the bytes no longer open.
  EXPECT_FALSE(open_file(sealed.substr(0, sealed.size() - 17), key));
  EXPECT_FALSE(open_file(sealed.substr(0, 24 + 65536 + 17), key));
  EXPECT_FALSE(open_file(sealed.substr(0, 24) + sealed.substr(24 + 65536 + 17) + sealed.substr(24, 65536 + 17), key));
  EXPECT_FALSE(open_file(sealed + sealed.substr(24, 17), key));

  // Edits keep the files, so they stay version 2.
  auto edit = [&](const std::string& b) {
    return s.call("PATCH", "/api/v1/messages/" + mid, alice.who.token, body({{"body", b}}));
  };
  payload["text"] = "Le plan, corrigé";
  EXPECT_EQ(edit(alice.seal(ws, cid, 1, "Le plan, corrigé")).error_code(), "invalid_attachments");
  auto edited = edit(alice.seal(ws, cid, 1, json::serialize(payload), nullptr, "", 2));
  ASSERT_EQ(edited.status, 200) << edited.raw.body;
  EXPECT_EQ(json::parse(*bob.open(ws, edited.body))->at("text").as_string(), "Le plan, corrigé");
  // Without attachments, either version is a message.
  EXPECT_EQ(post(s, alice.who, cid, alice.seal(ws, cid, 1, R"({"text":"v2 sans fichier","files":[]})", nullptr,
                                                  "", 2)).status,
            201);
  // Version 2 is ciphertext too: out of the full-text index, as version 1.
  ASSERT_EQ(s.call("GET", "/api/v1/search?q=fichier", alice.who.token).status, 200);
  EXPECT_EQ(indexed_terms(s, ws), 0);

  // The export carries the sealed bytes under the neutral name; the message
  // beside them carries their key: a member opens the file from the archive.
  auto archive = export_files(s, alice.who, ws);
  ASSERT_TRUE(archive.contains("chat/attachments/" + aid + "/attachment"));
  EXPECT_EQ(archive["chat/attachments/" + aid + "/attachment"], sealed);
  std::string pages;
  for (const auto& [path, bytes] : archive)
    if (path.starts_with("chat/messages/")) pages += bytes;
  EXPECT_NE(pages.find(std::string(edited.body.at("body").as_string())), std::string::npos);
  EXPECT_EQ(pages.find("plan-secret"), std::string::npos);
}

// A name token, as the browser makes one: 16 random bytes.
std::string name_token() { return base64url_encode(random_bytes(16)); }

// An armoured workspace with files: Alice (its owner), Bob and Carol, each
// with an identity and generation 1 opened, and what their browsers send.
struct ArmouredFiles : ArmouredTrio {
  ArmouredFiles() : ArmouredTrio({"chat", "files"}) {}

  std::string name_record(const Browser& b, const std::string& token, std::string_view name, std::int64_t g = 1) const {
    return b.seal_in("ruche-files-name", ws + "\n" + token + "\n" + b.who.id.str(), g, name);
  }
  std::string content_record(const Browser& b, const std::string& token, std::int64_t number, const std::string& key,
                             std::size_t size) const {
    json::object o{{"key", base64url_encode(key)}, {"size", static_cast<std::int64_t>(size)}, {"type", "text/plain"}};
    return b.seal_in("ruche-files-content", ws + "\n" + token + "\n" + std::to_string(number) + "\n" + b.who.id.str(),
                     1, json::serialize(o));
  }
  // What `reader` opens of a record `author` sealed: the name, or the
  // content record of version `number` (its JSON).
  std::optional<std::string> open_name(const Browser& reader, const std::string& token, const std::string& author,
                                       const json::value& record) const {
    return reader.open_in("ruche-files-name", ws + "\n" + token + "\n" + author, std::string(record.as_string()));
  }
  std::optional<std::string> open_content(const Browser& reader, const std::string& token, std::int64_t number,
                                          const std::string& author, const json::value& record) const {
    return reader.open_in("ruche-files-content", ws + "\n" + token + "\n" + std::to_string(number) + "\n" + author,
                          std::string(record.as_string()));
  }
  Reply folder(const Browser& b, const std::string& name, const std::optional<std::string>& record) {
    json::object o{{"name", name}};
    if (record) o["sealed_name"] = *record;
    return s.call("POST", "/api/v1/workspaces/" + ws + "/files/folders", b.who.token, body(o));
  }
  Reply put(const Browser& b, const std::string& path, const std::string& bytes, Headers h) {
    return s.call("PUT", path, b.who.token, bytes, std::move(h));
  }

  // A file `b` uploads at the root: `plain` sealed under a key of its own,
  // its name record and the content record of version 1.
  struct File {
    std::string id, token, key, bytes, name_record, content_record;
  };
  File upload(const Browser& b, std::string_view name, const std::string& plain) {
    File f{{}, name_token(), random_bytes(32), {}, {}, {}};
    f.bytes = seal_file(plain, f.key);
    f.name_record = name_record(b, f.token, name);
    f.content_record = content_record(b, f.token, 1, f.key, plain.size());
    auto r = put(b, "/api/v1/workspaces/" + ws + "/files/children/" + f.token, f.bytes,
                 {{"X-Sealed-Name", f.name_record}, {"X-Sealed-Content", f.content_record}});
    EXPECT_EQ(r.status, 201) << r.raw.body;
    if (r.status == 201) f.id = std::string(r.body.at("id").as_string());
    return f;
  }
};

TEST(Armour, FilesAreNamedByTokensAndOpenOnlyWithTheirSignedRecords) {
  ArmouredFiles a;
  auto& [s, alice, bob, carol, ws] = a;

  // Folders: a real name is refused (it would stay in clear), so is a token
  // without its record, or a record someone else signed.
  EXPECT_EQ(a.folder(alice, "Rapports", a.name_record(alice, "Rapports", "Rapports")).error_code(), "invalid_name");
  std::string dir = name_token();
  EXPECT_EQ(a.folder(alice, dir, std::nullopt).error_code(), "sealed_required");
  std::string forged = alice.seal_in("ruche-files-name", ws + "\n" + dir + "\n" + alice.who.id.str(), 1, "Rapports",
                                     &bob.sign_sk);
  EXPECT_EQ(a.folder(alice, dir, forged).error_code(), "bad_signature");
  EXPECT_EQ(a.folder(alice, dir, "Rapports").error_code(), "invalid_sealed_text");
  auto made = a.folder(alice, dir, a.name_record(alice, dir, "Rapports"));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  std::string dir_id(made.body.at("id").as_string());
  EXPECT_EQ(made.body.at("name").as_string(), dir);
  EXPECT_EQ(made.body.at("sealed_name_by").as_string(), alice.who.id.str());
  EXPECT_FALSE(made.body.as_object().contains("sealed_content"));

  // A file: sealed bytes, the content record of version 1, the name record.
  // Bob's browser hears of it live, records included.
  auto bob_events = connect_events(s, bob.who);
  ASSERT_FALSE(until(*bob_events, "hello").is_null());
  const std::string plan = "Plan de continuité : salle B, code 4471.";
  const std::string token = name_token(), key = random_bytes(32), bytes = seal_file(plan, key);
  const std::string name = a.name_record(alice, token, "plan secret.txt");
  const std::string content = a.content_record(alice, token, 1, key, plan.size());
  const std::string into = "/api/v1/files/" + dir_id + "/children/" + token;
  EXPECT_EQ(a.put(alice, into, bytes, {{"X-Sealed-Name", name}}).error_code(), "sealed_required");
  EXPECT_EQ(a.put(alice, into, bytes, {{"X-Sealed-Content", content}}).error_code(), "sealed_required");
  EXPECT_EQ(a.put(alice, "/api/v1/files/" + dir_id + "/children/plan.txt", bytes,
                  {{"X-Sealed-Name", name}, {"X-Sealed-Content", content}})
                .error_code(),
            "invalid_name");
  // Bound to its token: records made for another file do not pass.
  std::string other = name_token();
  EXPECT_EQ(a.put(alice, "/api/v1/files/" + dir_id + "/children/" + other, bytes,
                  {{"X-Sealed-Name", a.name_record(alice, other, "x")}, {"X-Sealed-Content", content}})
                .error_code(),
            "bad_signature");
  auto created = a.put(alice, into, bytes, {{"X-Sealed-Name", name}, {"X-Sealed-Content", content}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  std::string fid(created.body.at("id").as_string());
  EXPECT_EQ(created.body.at("content_type").as_string(), "application/octet-stream");
  EXPECT_EQ(created.body.at("size").as_int64(), static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(created.body.at("sealed_content").as_string(), content);
  json::value heard = until(*bob_events, "file.created");
  ASSERT_FALSE(heard.is_null());
  EXPECT_EQ(heard.at("data").at("name").as_string(), token);
  EXPECT_EQ(heard.at("data").at("sealed_name").as_string(), name);
  EXPECT_EQ(heard.at("data").at("sealed_content").as_string(), content);

  // Bob's browser: the listing gives tokens and records; he opens the
  // name, the record, and with its key the bytes.
  auto listed = s.call("GET", "/api/v1/files/" + dir_id + "/children", bob.who.token);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body.at("items").as_array().size(), 1u);
  const json::value& item = listed.body.at("items").as_array()[0];
  EXPECT_EQ(item.at("name").as_string(), token);
  EXPECT_EQ(a.open_name(bob, token, alice.who.id.str(), item.at("sealed_name")), "plan secret.txt");
  auto opened = a.open_content(bob, token, 1, alice.who.id.str(), item.at("sealed_content"));
  ASSERT_TRUE(opened);
  auto record = json::parse(*opened);
  ASSERT_TRUE(record);
  auto stored = s.call("GET", "/api/v1/files/" + fid + "/content", bob.who.token);
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.raw.body, bytes);
  EXPECT_EQ(stored.raw.body.find("continuité"), std::string::npos);
  EXPECT_EQ(open_file(stored.raw.body, *base64url_decode(record->at("key").as_string())), plan);
  // The same record does not open as version 2's.
  EXPECT_FALSE(a.open_content(bob, token, 2, alice.who.id.str(), item.at("sealed_content")));

  // Renaming seals a new record: the token stays, a new name is refused,
  // and Bob's browser hears the new record.
  auto renamed = s.call("PATCH", "/api/v1/files/" + fid, bob.who.token,
                        body({{"sealed_name", a.name_record(bob, token, "plan 2027.txt")}}));
  ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
  EXPECT_EQ(renamed.body.at("name").as_string(), token);
  EXPECT_EQ(a.open_name(bob, token, bob.who.id.str(), renamed.body.at("sealed_name")), "plan 2027.txt");
  json::value updated = until(*bob_events, "file.updated");
  ASSERT_FALSE(updated.is_null());
  EXPECT_EQ(updated.at("data").at("sealed_name"), renamed.body.at("sealed_name"));
  EXPECT_EQ(s.call("PATCH", "/api/v1/files/" + fid, bob.who.token, body({{"name", "plan.txt"}})).error_code(),
            "invalid_name");
  auto moved = s.call("PATCH", "/api/v1/files/" + fid, bob.who.token, body({{"parent_id", nullptr}}));
  ASSERT_EQ(moved.status, 200) << moved.raw.body;
  EXPECT_EQ(moved.body.at("path").as_string(), "/" + token);

  // A token is never renamed "token (2)" (its records are bound to it): a
  // restore from the trash onto an entry that reused its token is refused,
  // and the file stays in the trash.
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + fid, bob.who.token).status, 204);
  auto reused = a.put(alice, "/api/v1/workspaces/" + ws + "/files/children/" + token, bytes,
                      {{"X-Sealed-Name", name}, {"X-Sealed-Content", content}});
  ASSERT_EQ(reused.status, 201) << reused.raw.body;
  EXPECT_EQ(s.call("POST", "/api/v1/files/" + fid + "/restore", bob.who.token).error_code(), "destination_exists");
  ASSERT_EQ(s.call("DELETE", "/api/v1/files/" + std::string(reused.body.at("id").as_string()), alice.who.token).status,
            204);
  auto restored = s.call("POST", "/api/v1/files/" + fid + "/restore", bob.who.token);
  ASSERT_EQ(restored.status, 200) << restored.raw.body;
  EXPECT_EQ(restored.body.at("name").as_string(), token);

  // Records belong to armoured workspaces only.
  std::string plain_ws = s.workspace(alice.who, "Plain", {"files"});
  EXPECT_EQ(a.put(alice, "/api/v1/workspaces/" + plain_ws + "/files/children/a.txt", "abc",
                  {{"X-Sealed-Content", content}})
                .error_code(),
            "not_armoured");
}

TEST(Armour, FileVersionsAreSealedForTheirNumberAndRestoredWithTheirKey) {
  ArmouredFiles a;
  auto& [s, alice, bob, carol, ws] = a;
  const std::string plan = "Plan de continuité : salle B.";
  auto f = a.upload(alice, "plan.txt", plan);
  ASSERT_FALSE(f.id.empty());

  // A new version by Bob (an hour later: kept beside the first), sealed
  // for version 2, not 1.
  s.clock().advance_ms(3'600'000);
  const std::string plan2 = "Plan de continuité, version 2 : salle C.";
  std::string key2 = random_bytes(32), bytes2 = seal_file(plan2, key2);
  const std::string content = "/api/v1/files/" + f.id + "/content";
  EXPECT_EQ(a.put(bob, content, bytes2, {{"X-Sealed-Content", a.content_record(bob, f.token, 1, key2, plan2.size())}})
                .error_code(),
            "version_conflict");
  EXPECT_EQ(a.put(bob, content, bytes2, {}).error_code(), "sealed_required");
  auto v2 = a.put(bob, content, bytes2, {{"X-Sealed-Content", a.content_record(bob, f.token, 2, key2, plan2.size())}});
  ASSERT_EQ(v2.status, 200) << v2.raw.body;
  EXPECT_EQ(v2.body.at("version").as_int64(), 2);
  EXPECT_EQ(v2.body.at("sealed_content_by").as_string(), bob.who.id.str());
  EXPECT_EQ(v2.body.at("sealed_name_by").as_string(), alice.who.id.str());
  auto versions = s.call("GET", "/api/v1/files/" + f.id + "/versions", carol.who.token);
  ASSERT_EQ(versions.body.as_array().size(), 2u);
  EXPECT_EQ(versions.body.as_array()[1].at("sealed").as_string(), f.content_record);
  EXPECT_EQ(versions.body.as_array()[0].at("created_by").as_string(), bob.who.id.str());
  EXPECT_TRUE(a.open_content(carol, f.token, 2, bob.who.id.str(), versions.body.as_array()[0].at("sealed")));

  // Restoring version 1: its key, sealed again for version 3.
  const std::string restore = "/api/v1/files/" + f.id + "/versions/1/restore";
  EXPECT_EQ(s.call("POST", restore, carol.who.token).error_code(), "sealed_required");
  EXPECT_EQ(s.call("POST", restore, carol.who.token,
                   body({{"sealed_content", a.content_record(carol, f.token, 2, f.key, plan.size())}}))
                .error_code(),
            "version_conflict");
  auto v3 = s.call("POST", restore, carol.who.token,
                   body({{"sealed_content", a.content_record(carol, f.token, 3, f.key, plan.size())}}));
  ASSERT_EQ(v3.status, 200) << v3.raw.body;
  EXPECT_EQ(v3.body.at("version").as_int64(), 3);
  EXPECT_EQ(open_file(s.call("GET", content, carol.who.token).raw.body, f.key), plan);

  // Carol leaves: nothing new is sealed under the key she held.
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + carol.who.id.str(), alice.who.token).status,
            204);
  EXPECT_EQ(a.put(bob, content, bytes2, {{"X-Sealed-Content", a.content_record(bob, f.token, 4, key2, plan2.size())}})
                .error_code(),
            "key_rotation_required");
  ASSERT_EQ(bob.new_generation(ws, 2).status, 200);
  std::string late = name_token();
  EXPECT_EQ(a.folder(bob, late, a.name_record(bob, late, "Archives", 1)).error_code(), "stale_key");
  EXPECT_EQ(a.folder(bob, late, a.name_record(bob, late, "Archives", 2)).status, 201);
}

TEST(Armour, ResumableUploadsTakeTheirRecordsWhenTheyComplete) {
  ArmouredFiles a;
  auto& [s, alice, bob, carol, ws] = a;
  // Created under a token (a real name refused); the records come on the
  // PATCH that completes it. Refused there, the bytes stay and an empty
  // PATCH at the end brings the records again.
  auto create = [&](const std::string& filename, std::size_t length) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/files/uploads", bob.who.token, std::nullopt,
                  {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", std::to_string(length)},
                   {"Upload-Metadata", "filename " + crypto::base64_encode(filename)}});
  };
  const std::string big(200'000, 'R');
  const std::string key = random_bytes(32), sealed = seal_file(big, key);
  EXPECT_EQ(create("rapport.pdf", sealed.size()).error_code(), "invalid_name");
  const std::string token = name_token();
  auto upload = create(token, sealed.size());
  ASSERT_EQ(upload.status, 201) << upload.raw.body;
  const std::string location = *upload.raw.header("Location");
  const std::string at = location.substr(location.find("/api/"));
  auto patch = [&](std::size_t offset, const std::string& bytes, Headers h) {
    h.emplace_back("Tus-Resumable", "1.0.0");
    h.emplace_back("Upload-Offset", std::to_string(offset));
    h.emplace_back("Content-Type", "application/offset+octet-stream");
    return s.call("PATCH", at, bob.who.token, bytes, std::move(h));
  };
  const std::string name = a.name_record(bob, token, "annexe.bin");
  ASSERT_EQ(patch(0, sealed.substr(0, 100'000), {{"X-Sealed-Name", name}}).status, 204);
  EXPECT_EQ(patch(100'000, sealed.substr(100'000), {}).error_code(), "sealed_required");
  auto head = s.call("HEAD", at, bob.who.token, std::nullopt, {{"Tus-Resumable", "1.0.0"}});
  EXPECT_EQ(head.raw.header("Upload-Offset"), std::to_string(sealed.size()));
  EXPECT_EQ(patch(sealed.size(), "",
                  {{"X-Sealed-Name", name}, {"X-Sealed-Content", a.content_record(bob, token, 2, key, big.size())}})
                .error_code(),
            "bad_signature");  // sealed for another version: a new file is version 1
  auto completed = patch(sealed.size(), "",
                         {{"X-Sealed-Name", name}, {"X-Sealed-Content", a.content_record(bob, token, 1, key, big.size())}});
  ASSERT_EQ(completed.status, 204) << completed.raw.body;
  const std::string id(*completed.raw.header("Ruche-File-Id"));
  auto node = s.call("GET", "/api/v1/files/" + id, alice.who.token);
  EXPECT_EQ(node.body.at("name").as_string(), token);
  EXPECT_EQ(node.body.at("sealed_name").as_string(), name);
  EXPECT_EQ(open_file(s.call("GET", "/api/v1/files/" + id + "/content", alice.who.token).raw.body, key), big);
}

TEST(Armour, FilesRefuseWhatTheServerWouldHaveToOpenAndLeaveAsCiphertext) {
  ArmouredFiles a;
  auto& [s, alice, bob, carol, ws] = a;
  const std::string plan = "Plan de continuité : salle B, code 4471.";
  auto f = a.upload(alice, "plan secret.txt", plan);
  ASSERT_FALSE(f.id.empty());

  // What would need the server to open or write contents is refused.
  EXPECT_EQ(s.call("POST", "/api/v1/files/" + f.id + "/copy", bob.who.token).error_code(), "armoured_unsupported");
  EXPECT_EQ(s.call("POST", "/api/v1/files/" + f.id + "/shares", bob.who.token, body({{"mode", "read"}})).error_code(),
            "armoured_unsupported");
  EXPECT_EQ(s.call("PROPFIND", "/dav/files/" + ws + "/", bob.who.token, std::nullopt, {{"Depth", "1"}}).status, 403);
  EXPECT_EQ(s.call("GET", "/dav/files/" + ws + "/" + f.token, bob.who.token).status, 403);
  EXPECT_EQ(s.call("PUT", "/dav/files/" + ws + "/" + name_token(), bob.who.token, f.bytes).status, 403);
  auto mounts = s.call("PROPFIND", "/dav/files/", bob.who.token, std::nullopt, {{"Depth", "1"}});
  EXPECT_EQ(mounts.status, 207);
  EXPECT_EQ(mounts.raw.body.find(ws), std::string::npos);
  auto found = s.call("GET", "/api/v1/search?q=" + f.token.substr(0, 10) + "&type=file", bob.who.token);
  ASSERT_EQ(found.status, 200) << found.raw.body;
  EXPECT_TRUE(found.body.at("results").as_array().empty()) << found.raw.body;

  // The export carries the records and the sealed bytes, under tokens.
  auto files = export_files(s, alice.who, ws);
  ASSERT_TRUE(files.contains("files/tree/" + f.token));
  EXPECT_EQ(open_file(files["files/tree/" + f.token], f.key), plan);
  bool found_record = false;
  for (const auto& [path, text] : files)
    if (path.starts_with("files/nodes") && text.find(f.content_record) != std::string::npos) found_record = true;
  EXPECT_TRUE(found_record);
  for (const auto& [path, text] : files) EXPECT_EQ(text.find("continuité"), std::string::npos) << path;
}

TEST(Armour, ModulesThatDoNotSealStayOut) {
  TestServer s;
  ASSERT_GE(sodium_init(), 0);
  Account alice = s.user("Alice");
  auto r = s.call(
      "POST", "/api/v1/workspaces", alice.token,
      body({{"name", "C"}, {"modules", json::array{"chat", "reports"}}, {"armoured", true}}));
  EXPECT_EQ(r.error_code(), "armoured_unsupported");
  std::string ws = create_armoured(s, alice, {"chat", "calls"});
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, alice.token,
                   body({{"modules", json::array{"chat", "reports"}}}))
                .error_code(),
            "armoured_unsupported");
  auto w = s.call("GET", "/api/v1/workspaces/" + ws, alice.token);
  EXPECT_EQ(w.body.at("modules"), (json::array{"calls", "chat"}));
  EXPECT_TRUE(w.body.at("armoured").as_bool());
  // Its archive imports back into an armoured workspace with the same modules.
  auto exported = s.call("GET", "/api/v1/workspaces/" + ws + "/export", alice.token);
  ASSERT_EQ(exported.status, 200);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  EXPECT_TRUE(imported.body.at("workspace").at("armoured").as_bool());
  EXPECT_EQ(imported.body.at("workspace").at("modules"), (json::array{"calls", "chat"}));
}

// An armoured workspace with tasks: what each browser seals for a task.
struct ArmouredTasks : ArmouredTrio {
  ArmouredTasks() : ArmouredTrio({"chat", "tasks"}) {}

  std::string card(const Browser& b, const std::string& token, const json::object& fields,
                   std::int64_t g = 1) const {
    return b.seal_in("ruche-tasks-card", bound(token, b), g, json::serialize(fields));
  }
  std::string item(const Browser& b, const std::string& token, std::string_view text,
                   std::int64_t g = 1) const {
    return b.seal_in("ruche-tasks-item", bound(token, b), g, text);
  }
  std::string comment(const Browser& b, const std::string& token, std::string_view text,
                      std::int64_t g = 1) const {
    return b.seal_in("ruche-tasks-comment", bound(token, b), g, text);
  }
  Reply create(const Browser& b, json::object fields) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", b.who.token, body(fields));
  }
};

TEST(Armour, TasksKeepTheirCardsChecklistsAndCommentsSealed) {
  ArmouredTasks k;
  TestServer& s = k.s;
  const std::string token = name_token();
  const json::object fields{{"title", "Budget confidentiel"},
                            {"description", "les **chiffres**"},
                            {"labels", json::array{"direction"}}};
  const std::string card = k.card(k.alice, token, fields);
  auto made = k.create(
      k.alice,
      {{"token", token},
       {"sealed", card},
       {"status", "doing"},
       {"due", "2027-03-01"},
       {"assignee_ids", json::array{k.bob.who.id.str()}},
       {"checklist", json::array{json::object{{"text", k.item(k.alice, token, "chiffrer")}}}}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id(made.body.at("id").as_string());
  // The server keeps the card as sent and knows only the board's shape.
  EXPECT_EQ(made.body.at("title"), "");
  EXPECT_EQ(made.body.at("description"), "");
  EXPECT_TRUE(made.body.at("labels").as_array().empty());
  EXPECT_EQ(made.body.at("sealed"), json::value(card));
  EXPECT_EQ(made.body.at("sealed_by"), json::value(k.alice.who.id.str()));
  EXPECT_EQ(made.body.at("token"), json::value(token));
  EXPECT_EQ(made.body.at("status"), "doing");
  const json::value& first = made.body.at("checklist").as_array().at(0);
  EXPECT_EQ(first.at("text_by"), json::value(k.alice.who.id.str()));
  // Bob's browser opens it; bound to its token, it opens for no other.
  auto opened = k.bob.open_in("ruche-tasks-card", k.bound(token, k.alice), card);
  ASSERT_TRUE(opened);
  EXPECT_EQ(json::parse(*opened)->as_object(), fields);
  EXPECT_FALSE(k.bob.open_in("ruche-tasks-card", k.bound(name_token(), k.alice), card));
  EXPECT_EQ(k.bob.open_in("ruche-tasks-item", k.bound(token, k.alice),
                          std::string(first.at("text").as_string())),
            "chiffrer");

  // Nothing in clear, nothing unsigned, nothing for another task or by another hand.
  const std::string other = name_token();
  for (auto [fields_in, code] : std::vector<std::pair<json::object, std::string>>{
           {{{"title", "en clair"}}, "sealed_required"},
           {{{"token", other},
             {"sealed", k.card(k.alice, other, fields)},
             {"labels", json::array{"x"}}},
            "sealed_required"},
           {{{"sealed", k.card(k.alice, other, fields)}}, "sealed_required"},
           {{{"token", "court"}, {"sealed", k.card(k.alice, "court", fields)}}, "invalid_token"},
           {{{"token", other}, {"sealed", k.card(k.alice, token, fields)}}, "bad_signature"},
           {{{"token", other}, {"sealed", k.card(k.bob, other, fields)}}, "bad_signature"},
           {{{"token", other}, {"sealed", "e2e1:1:pas du tout"}}, "invalid_sealed_text"},
           {{{"token", other},
             {"sealed", k.card(k.alice, other, fields)},
             {"checklist", json::array{json::object{{"text", "en clair"}}}}},
            "invalid_sealed_text"}}) {
    auto r = k.create(k.alice, fields_in);
    EXPECT_EQ(r.error_code(), code) << json::serialize(fields_in) << " " << r.raw.body;
  }
  auto twice = k.create(k.alice, {{"token", token}, {"sealed", card}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "token_taken");

  // Bob seals a new card; the token stays.
  const std::string bobs = k.card(k.bob, token, {{"title", "Budget 2027"}});
  auto changed = s.call("PATCH", "/api/v1/tasks/" + id, k.bob.who.token, body({{"sealed", bobs}}));
  ASSERT_EQ(changed.status, 200) << changed.raw.body;
  EXPECT_EQ(changed.body.at("sealed_by"), json::value(k.bob.who.id.str()));
  EXPECT_EQ(s.call("PATCH", "/api/v1/tasks/" + id, k.bob.who.token, body({{"title", "Budget"}}))
                .error_code(),
            "sealed_required");
  EXPECT_EQ(s.call("PATCH", "/api/v1/tasks/" + id, k.bob.who.token, body({{"token", other}}))
                .error_code(),
            "invalid_token");
  EXPECT_EQ(s.call("PATCH", "/api/v1/tasks/" + id, k.bob.who.token,
                   body({{"sealed", k.card(k.alice, token, fields)}}))
                .error_code(),
            "bad_signature");  // Alice's card, sent by Bob

  // Checklist texts and comments: sealed for this task, by their author.
  const std::string base = "/api/v1/tasks/" + id;
  auto item = s.call("POST", base + "/checklist", k.carol.who.token,
                     body({{"text", k.item(k.carol, token, "relire")}}));
  ASSERT_EQ(item.status, 201) << item.raw.body;
  EXPECT_EQ(item.body.at("text_by"), json::value(k.carol.who.id.str()));
  EXPECT_EQ(s.call("POST", base + "/checklist", k.carol.who.token, body({{"text", "relire"}}))
                .error_code(),
            "invalid_sealed_text");
  EXPECT_EQ(s.call("POST", base + "/checklist", k.carol.who.token,
                   body({{"text", k.item(k.carol, other, "relire")}}))
                .error_code(),
            "bad_signature");
  const std::string bobs_note = k.comment(k.bob, token, "Je m'en occupe");
  auto note = s.call("POST", base + "/comments", k.bob.who.token, body({{"body", bobs_note}}));
  ASSERT_EQ(note.status, 201) << note.raw.body;
  EXPECT_EQ(s.call("POST", base + "/comments", k.bob.who.token, body({{"body", "en clair"}}))
                .error_code(),
            "invalid_sealed_text");
  EXPECT_EQ(s.call("POST", base + "/comments", k.bob.who.token,
                   body({{"body", k.item(k.bob, token, "x")}}))
                .error_code(),
            "bad_signature");  // an item's text is not a comment

  // The server's search finds nothing in them, not even the sealed texts' letters.
  for (const std::string& q : std::vector<std::string>{"e2e1", bobs_note.substr(10, 8)}) {
    auto found = s.call("GET", "/api/v1/search?type=task&q=" + q, k.alice.who.token);
    ASSERT_EQ(found.status, 200) << found.raw.body;
    EXPECT_TRUE(found.body.at("results").as_array().empty()) << q;
  }
  // Its tasks are not a CalDAV collection (the server cannot write them as VTODOs).
  EXPECT_EQ(s.call("PROPFIND", "/dav/calendars/" + k.alice.who.id.str() + "/" + k.ws + ".tasks/",
                   k.alice.who.token)
                .status,
            404);

  // Carol leaves: nothing more under generation 1 until the next one.
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.carol.who.id.str(),
                   k.alice.who.token)
                .status,
            204);
  EXPECT_EQ(s.call("POST", base + "/comments", k.bob.who.token,
                   body({{"body", k.comment(k.bob, token, "encore")}}))
                .error_code(),
            "key_rotation_required");
  ASSERT_EQ(k.alice.new_generation(k.ws, 2).status, 200);
  k.bob.open_envelopes(k.ws);
  EXPECT_EQ(s.call("POST", base + "/comments", k.bob.who.token,
                   body({{"body", k.comment(k.bob, token, "encore", 2)}}))
                .status,
            201);

  // Its archive keeps the sealed texts and imports back, checked.
  auto files = export_files(s, k.alice.who, k.ws);
  ASSERT_TRUE(files.contains("tasks/tasks/000001.jsonl"));
  EXPECT_NE(files["tasks/tasks/000001.jsonl"].find(bobs), std::string::npos);
  EXPECT_NE(files["tasks/comments/000001.jsonl"].find(bobs_note), std::string::npos);
  EXPECT_EQ(files["tasks/calendar/000001.ics"].find("VTODO"), std::string::npos);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.alice.who.token);
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  const std::string copy(imported.body.at("workspace").at("id").as_string());
  auto list = s.call("GET", "/api/v1/workspaces/" + copy + "/tasks", k.alice.who.token);
  ASSERT_EQ(list.status, 200) << list.raw.body;
  ASSERT_EQ(list.body.as_array().size(), 1u);
  const json::value& t = list.body.as_array()[0];
  EXPECT_EQ(t.at("sealed"), json::value(bobs));
  EXPECT_EQ(t.at("token"), json::value(token));
  EXPECT_EQ(t.at("sealed_by"), json::value(k.bob.who.id.str()));
  EXPECT_EQ(t.at("checklist").as_array().size(), 2u);
  EXPECT_EQ(t.at("comment_count").as_int64(), 2);

  // A tampered archive does not import: a card is checked with its author's keys.
  std::string tampered = exported.raw.body;
  const std::string said = "\"sealed_by\":\"" + k.bob.who.id.str() + "\"";
  const std::size_t at = tampered.find(said);
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, said.size(), "\"sealed_by\":\"" + k.alice.who.id.str() + "\"");
  auto refused = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, tampered);
  EXPECT_EQ(refused.status, 400) << refused.raw.body;
  EXPECT_EQ(refused.error_code(), "bad_export");
}

// An armoured workspace with a calendar: each event one sealed card.
struct ArmouredCalendar : ArmouredTrio {
  ArmouredCalendar() : ArmouredTrio({"chat", "calendar"}) {}

  std::string card(const Browser& b, const std::string& token, const json::object& fields,
                   std::int64_t g = 1) const {
    return b.seal_in("ruche-calendar-event", bound(token, b), g, json::serialize(fields));
  }
  Reply create(const Browser& b, const json::object& fields) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/calendar/events", b.who.token,
                  body(fields));
  }
  Reply feed(const Browser& b, std::int64_t after, int limit = 500) {
    return s.call("GET",
                  "/api/v1/workspaces/" + ws + "/calendar/sealed?after=" + std::to_string(after) +
                      "&limit=" + std::to_string(limit),
                  b.who.token);
  }
};

std::vector<std::string> event_ids(const Reply& feed) {
  std::vector<std::string> out;
  for (const auto& e : feed.body.at("events").as_array()) out.emplace_back(e.at("id").as_string());
  return out;
}

TEST(Armour, CalendarEventsAreSealedCardsTheServerCannotPlaceInTime) {
  ArmouredCalendar k;
  TestServer& s = k.s;
  auto live = connect_events(s, k.bob.who);
  ASSERT_FALSE(until(*live, "hello").is_null());
  const std::string token = name_token();
  const json::object fields{{"title", "Conseil de défense"},
                            {"description", ""},
                            {"location", "Salle 3"},
                            {"start", "2027-01-04T08:00:00.000Z"},
                            {"end", "2027-01-04T09:00:00.000Z"},
                            {"all_day", false},
                            {"timezone", "Europe/Paris"},
                            {"rrule", "FREQ=WEEKLY;COUNT=10"}};
  const std::string card = k.card(k.alice, token, fields);
  auto made = k.create(k.alice, {{"token", token}, {"sealed", card}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id(made.body.at("id").as_string());
  // The server keeps the card as sent and knows nothing of when or what.
  EXPECT_EQ(made.body.at("sealed"), json::value(card));
  EXPECT_EQ(made.body.at("sealed_by"), json::value(k.alice.who.id.str()));
  EXPECT_EQ(made.body.at("token"), json::value(token));
  for (const char* clear : {"title", "start", "end", "rrule", "location"})
    EXPECT_FALSE(made.body.as_object().contains(clear)) << clear;
  EXPECT_TRUE(made.body.at("organizer").is_null());  // nobody invited
  EXPECT_TRUE(made.body.at("attendees").as_array().empty());
  json::value e = until(*live, "calendar.event_created");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("data").at("sealed"), json::value(card));
  // Bob's browser opens it; bound to its token, it opens for no other.
  auto opened = k.bob.open_in("ruche-calendar-event", k.bound(token, k.alice), card);
  ASSERT_TRUE(opened);
  EXPECT_EQ(json::parse(*opened)->as_object(), fields);
  EXPECT_FALSE(k.bob.open_in("ruche-calendar-event", k.bound(name_token(), k.alice), card));

  // Nothing in clear, no address invited, nothing unsigned or for another event.
  const std::string other = name_token();
  for (auto [fields_in, code] : std::vector<std::pair<json::object, std::string>>{
           {{{"title", "en clair"},
             {"start", "2027-01-04T08:00:00Z"},
             {"end", "2027-01-04T09:00:00Z"}},
            "sealed_required"},
           {{{"token", other},
             {"sealed", k.card(k.alice, other, fields)},
             {"start", "2027-01-04T08:00:00Z"}},
            "sealed_required"},
           {{{"sealed", k.card(k.alice, other, fields)}}, "sealed_required"},
           {{{"token", other},
             {"sealed", k.card(k.alice, other, fields)},
             {"attendees", json::array{json::object{{"email", "x@example.org"}}}}},
            "invalid_attendees"},
           {{{"token", "court"}, {"sealed", k.card(k.alice, "court", fields)}}, "invalid_token"},
           {{{"token", other}, {"sealed", card}}, "bad_signature"},
           {{{"token", other}, {"sealed", k.card(k.bob, other, fields)}}, "bad_signature"},
           {{{"token", other},
             {"sealed", k.alice.seal_in("ruche-tasks-card", k.bound(other, k.alice), 1, "{}")}},
            "bad_signature"},
           {{{"token", other}, {"sealed", "e2e1:1:pas du tout"}}, "invalid_sealed_text"}}) {
    auto r = k.create(k.alice, fields_in);
    EXPECT_EQ(r.error_code(), code) << json::serialize(fields_in) << " " << r.raw.body;
  }
  auto twice = k.create(k.alice, {{"token", token}, {"sealed", card}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "token_taken");
  // Reminders would need its times: the browsers' alone (none made, none set).
  const std::string later = name_token();
  EXPECT_EQ(k.create(k.alice, {{"token", later},
                               {"sealed", k.card(k.alice, later, fields)},
                               {"reminders", json::array{15}}})
                .error_code(),
            "armoured_unsupported");
  EXPECT_EQ(s.call("PUT", "/api/v1/calendar/events/" + id + "/reminders", k.bob.who.token,
                   body({{"minutes", json::array{15}}}))
                .error_code(),
            "armoured_unsupported");
  EXPECT_EQ(s.call("PATCH", "/api/v1/calendar/events/" + id, k.alice.who.token,
                   body({{"sealed", card}, {"reminders", json::array{15}}}))
                .error_code(),
            "armoured_unsupported");
  EXPECT_FALSE(s.call("GET", "/api/v1/calendar/events/" + id, k.bob.who.token)
                   .body.as_object()
                   .contains("reminders"));
  // Its times are sealed: no occurrences from the server, none in the person's view.
  EXPECT_EQ(s.call("GET",
                   "/api/v1/workspaces/" + k.ws +
                       "/calendar/events?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z",
                   k.bob.who.token)
                .error_code(),
            "armoured_unsupported");
  auto mine =
      s.call("GET", "/api/v1/me/calendar/events?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z",
             k.bob.who.token);
  ASSERT_EQ(mine.status, 200) << mine.raw.body;
  EXPECT_TRUE(mine.body.as_array().empty());

  // The browsers read the calendar whole, then what changed.
  auto all = k.feed(k.bob, 0);
  ASSERT_EQ(all.status, 200) << all.raw.body;
  EXPECT_EQ(event_ids(all), std::vector<std::string>{id});
  EXPECT_FALSE(all.body.at("more").as_bool());
  const std::int64_t v1 = all.body.at("version").as_int64();
  EXPECT_EQ(v1, made.body.at("version").as_int64());

  // Bob seals a new card, at the version he saw; the token stays.
  const std::string bobs = k.card(k.bob, token, {{"title", "Conseil"}});
  const std::string path = "/api/v1/calendar/events/" + id;
  auto stale =
      s.call("PATCH", path, k.bob.who.token, body({{"sealed", bobs}}), {{"If-Match", "\"999\""}});
  EXPECT_EQ(stale.status, 412);
  auto changed = s.call("PATCH", path, k.bob.who.token, body({{"sealed", bobs}}),
                        {{"If-Match", "\"" + std::to_string(v1) + "\""}});
  ASSERT_EQ(changed.status, 200) << changed.raw.body;
  EXPECT_EQ(changed.body.at("sealed_by"), json::value(k.bob.who.id.str()));
  EXPECT_EQ(changed.body.at("created_by"), json::value(k.alice.who.id.str()));
  EXPECT_EQ(s.call("PATCH", path, k.bob.who.token, body({{"title", "Conseil"}})).error_code(),
            "sealed_required");
  EXPECT_EQ(s.call("PATCH", path, k.bob.who.token, body({{"token", other}, {"sealed", bobs}}))
                .error_code(),
            "invalid_token");
  EXPECT_EQ(s.call("PATCH", path, k.bob.who.token, body({{"sealed", card}})).error_code(),
            "bad_signature");  // Alice's card, sent by Bob
  EXPECT_EQ(s.call("POST", path + "/reply", k.bob.who.token, body({{"partstat", "accepted"}}))
                .error_code(),
            "not_invited");

  const std::string second_token = name_token();
  auto second = k.create(
      k.carol, {{"token", second_token}, {"sealed", k.card(k.carol, second_token, fields)}});
  ASSERT_EQ(second.status, 201) << second.raw.body;
  const std::string second_id(second.body.at("id").as_string());
  ASSERT_EQ(s.call("DELETE", path, k.alice.who.token).status, 204);
  EXPECT_EQ(s.call("GET", path, k.alice.who.token).status, 404);
  // Since v1: the second event, and the first one's deletion; page by page too.
  auto since = k.feed(k.bob, v1);
  ASSERT_EQ(since.status, 200) << since.raw.body;
  EXPECT_EQ(event_ids(since), std::vector<std::string>{second_id});
  EXPECT_EQ(since.body.at("deleted"), (json::array{json::value(id)}));
  const std::int64_t v2 = since.body.at("version").as_int64();
  auto page = k.feed(k.bob, v1, 1);
  EXPECT_EQ(event_ids(page), std::vector<std::string>{second_id});
  EXPECT_TRUE(page.body.at("deleted").as_array().empty());
  EXPECT_TRUE(page.body.at("more").as_bool());
  auto rest = k.feed(k.bob, page.body.at("version").as_int64(), 1);
  EXPECT_EQ(rest.body.at("deleted"), (json::array{json::value(id)}));
  EXPECT_FALSE(rest.body.at("more").as_bool());
  EXPECT_EQ(rest.body.at("version").as_int64(), v2);
  EXPECT_TRUE(k.feed(k.bob, v2).body.at("events").as_array().empty());
  EXPECT_EQ(k.feed(k.bob, v2 + 1).error_code(), "invalid_range");

  // Not a CalDAV calendar, and not found by the server's search.
  const std::string home = "/dav/calendars/" + k.alice.who.id.str() + "/";
  EXPECT_EQ(s.call("PROPFIND", home + k.ws + "/", k.alice.who.token).status, 404);
  auto listed = s.call("PROPFIND", home, k.alice.who.token, "", {{"Depth", "1"}});
  EXPECT_EQ(listed.raw.body.find(k.ws), std::string::npos);
  auto found = s.call("GET", "/api/v1/search?type=event&q=e2e1", k.alice.who.token);
  ASSERT_EQ(found.status, 200) << found.raw.body;
  EXPECT_TRUE(found.body.at("results").as_array().empty());

  // Carol leaves: nothing more under generation 1 until the next one.
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.carol.who.id.str(),
                   k.alice.who.token)
                .status,
            204);
  const std::string third = name_token();
  EXPECT_EQ(
      k.create(k.bob, {{"token", third}, {"sealed", k.card(k.bob, third, fields)}}).error_code(),
      "key_rotation_required");
  ASSERT_EQ(k.alice.new_generation(k.ws, 2).status, 200);
  k.bob.open_envelopes(k.ws);
  EXPECT_EQ(k.create(k.bob, {{"token", third}, {"sealed", k.card(k.bob, third, fields, 2)}}).status,
            201);

  // Its archive keeps the cards (no iCalendar) and imports back, checked.
  auto files = export_files(s, k.alice.who, k.ws);
  ASSERT_TRUE(files.contains("calendar/records/000001.jsonl"));
  EXPECT_NE(files["calendar/records/000001.jsonl"].find(second_token), std::string::npos);
  for (const auto& [name, text] : files) EXPECT_FALSE(name.ends_with(".ics")) << name;
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.alice.who.token);
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  const std::string copy(imported.body.at("workspace").at("id").as_string());
  auto copied = s.call("GET", "/api/v1/workspaces/" + copy + "/calendar/sealed", k.alice.who.token);
  ASSERT_EQ(copied.status, 200) << copied.raw.body;
  ASSERT_EQ(copied.body.at("events").as_array().size(), 2u);
  bool kept = false;
  for (const auto& e : copied.body.at("events").as_array())
    if (e.at("token") == json::value(second_token)) {
      kept = true;
      EXPECT_EQ(e.at("sealed_by"), json::value(k.carol.who.id.str()));
      EXPECT_EQ(e.at("sealed"), second.body.at("sealed"));
    }
  EXPECT_TRUE(kept);
  // A tampered archive does not import: a card is checked with its author's keys.
  std::string tampered = exported.raw.body;
  const std::string said = "\"sealed_by\":\"" + k.carol.who.id.str() + "\"";
  const std::size_t at = tampered.find(said);
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, said.size(), "\"sealed_by\":\"" + k.bob.who.id.str() + "\"");
  auto refused = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, tampered);
  EXPECT_EQ(refused.status, 400) << refused.raw.body;
  EXPECT_EQ(refused.error_code(), "bad_export");

  // A plain workspace's calendar takes no cards.
  const std::string plain = s.workspace(k.alice.who, "Plain", {"calendar"});
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + plain + "/calendar/sealed", k.alice.who.token)
                .error_code(),
            "not_armoured");
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces/" + plain + "/calendar/events", k.alice.who.token,
                   body({{"token", token}, {"sealed", card}}))
                .error_code(),
            "not_armoured");
}

// `user`'s notices kept, by type (GET /me/notices), newest first.
std::vector<json::value> notices_of(TestServer& s, const Account& user, std::string_view type) {
  std::vector<json::value> out;
  auto kept = s.call("GET", "/api/v1/me/notices", user.token);
  EXPECT_EQ(kept.status, 200) << kept.raw.body;
  for (const auto& n : kept.body.at("notices").as_array())
    if (n.at("type").as_string() == type) out.push_back(n.at("data"));
  return out;
}

// "<user id>:<partstat>" for each attendee of an event, in the order given.
std::vector<std::string> answers_of(const json::value& event) {
  std::vector<std::string> out;
  for (const auto& a : event.at("attendees").as_array())
    out.push_back(std::string(a.at("user_id").as_string()) + ":" +
                  std::string(a.at("partstat").as_string()));
  return out;
}

// An armoured event invites members of its workspace, by id: the server
// learns who is invited and their answers, never what or when; each hears
// of it in notices that carry no title.
TEST(Armour, CalendarEventsInviteMembersAndHearTheirAnswersWithoutTheirCards) {
  ArmouredCalendar k;
  TestServer& s = k.s;
  const std::string alice = k.alice.who.id.str(), bob = k.bob.who.id.str(),
                    carol = k.carol.who.id.str();
  auto person = [](const std::string& id) { return json::object{{"user_id", id}}; };
  const json::object fields{{"title", "Comité secret"},
                            {"start", "2027-03-01T09:00:00.000Z"},
                            {"end", "2027-03-01T10:00:00.000Z"},
                            {"all_day", false}};
  const std::string token = name_token();
  const std::string card = k.card(k.alice, token, fields);
  auto made = k.create(
      k.alice, {{"token", token}, {"sealed", card}, {"attendees", json::array{person(bob)}}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id(made.body.at("id").as_string());
  const std::string path = "/api/v1/calendar/events/" + id;
  EXPECT_EQ(made.body.at("organizer").at("user_id"), json::value(alice));
  EXPECT_EQ(made.body.at("organizer").at("name"), json::value("Alice"));
  EXPECT_EQ(answers_of(made.body), std::vector<std::string>{bob + ":needs-action"});
  EXPECT_EQ(made.body.at("attendees").at(0).at("email"), json::value(k.bob.who.email));
  EXPECT_EQ(made.body.at("sealed"), json::value(card));
  // Bob hears of it: the event and its workspace, nothing of the card.
  auto invited = notices_of(s, k.bob.who, "calendar.invited");
  ASSERT_EQ(invited.size(), 1u);
  EXPECT_EQ(invited[0].at("id"), json::value(id));
  EXPECT_EQ(invited[0].at("workspace_id"), json::value(k.ws));
  EXPECT_EQ(invited[0].at("armoured"), json::value(true));
  EXPECT_TRUE(invited[0].at("title").is_null());
  EXPECT_TRUE(invited[0].at("start").is_null());
  EXPECT_EQ(invited[0].at("organizer").at("user_id"), json::value(alice));
  EXPECT_EQ(json::serialize(invited[0]).find("Comit"), std::string::npos);
  EXPECT_TRUE(notices_of(s, k.carol.who, "calendar.invited").empty());

  // Members who read the calendar, by id only; not the organizer, not twice.
  Account dave = s.user("Dave");
  const std::string elsewhere = s.workspace(k.alice.who, "Ailleurs", {"chat"});
  s.join(k.alice.who, elsewhere, dave);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws + "/members/" + carol, k.alice.who.token,
                   body({{"rights", json::object{{"calendar", "none"}}}}))
                .status,
            200);
  const std::string other = name_token();
  for (const json::array& list :
       {json::array{json::object{{"email", k.bob.who.email}}}, json::array{person(alice)},
        json::array{person(bob), person(bob)}, json::array{person(dave.id.str())},
        json::array{person(carol)}, json::array{person("u_nobody")}}) {
    auto r = k.create(
        k.alice,
        {{"token", other}, {"sealed", k.card(k.alice, other, fields)}, {"attendees", list}});
    EXPECT_EQ(r.error_code(), "invalid_attendees") << json::serialize(list) << " " << r.raw.body;
    EXPECT_EQ(s.call("PATCH", path, k.alice.who.token, body({{"attendees", list}})).error_code(),
              "invalid_attendees")
        << json::serialize(list);
  }
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws + "/members/" + carol, k.alice.who.token,
                   body({{"rights", json::object{{"calendar", "write"}}}}))
                .status,
            200);

  // Bob answers the whole event: a new version, the card as it was; the
  // organizer hears it. Not one occurrence of it, and not Carol.
  const std::int64_t v1 = made.body.at("version").as_int64();
  EXPECT_EQ(s.call("POST", path + "/reply", k.bob.who.token,
                   body({{"partstat", "accepted"}, {"recurrence_id", "2027-03-01T09:00:00Z"}}))
                .error_code(),
            "armoured_unsupported");
  EXPECT_EQ(s.call("POST", path + "/reply", k.carol.who.token, body({{"partstat", "accepted"}}))
                .error_code(),
            "not_invited");
  auto yes = s.call("POST", path + "/reply", k.bob.who.token, body({{"partstat", "accepted"}}));
  ASSERT_EQ(yes.status, 200) << yes.raw.body;
  EXPECT_EQ(answers_of(yes.body), std::vector<std::string>{bob + ":accepted"});
  EXPECT_GT(yes.body.at("version").as_int64(), v1);
  EXPECT_EQ(yes.body.at("sealed"), json::value(card));
  EXPECT_EQ(yes.body.at("sealed_by"), json::value(alice));
  auto answered = notices_of(s, k.alice.who, "calendar.answered");
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0].at("attendee").at("user_id"), json::value(bob));
  EXPECT_EQ(answered[0].at("attendee").at("partstat"), json::value("accepted"));
  EXPECT_TRUE(answered[0].at("title").is_null());
  // Every member's browser reads the answer with the event.
  auto page = k.feed(k.carol, v1);
  ASSERT_EQ(page.status, 200) << page.raw.body;
  ASSERT_EQ(event_ids(page), std::vector<std::string>{id});
  EXPECT_EQ(answers_of(page.body.at("events").at(0)), std::vector<std::string>{bob + ":accepted"});
  EXPECT_EQ(page.body.at("events").at(0).at("organizer").at("user_id"), json::value(alice));

  // Bob answers single occurrences apart, sealed by him (their starts would
  // say when the event is); the series' answer stays, the organizer hears
  // that occurrences were answered. An answer to the series takes them away.
  auto answers_card = [&](const Browser& by, const std::string& for_token) {
    return by.seal_in(
        "ruche-calendar-answers", k.bound(for_token, by), 1,
        R"({"answers":[{"recurrence_id":"2027-03-08T09:00:00.000Z","partstat":"declined"}]})");
  };
  auto answer = [&](const json::object& b) {
    return s.call("POST", path + "/reply", k.bob.who.token, body(b));
  };
  const std::string bobs_answers = answers_card(k.bob, token);
  auto apart = answer({{"sealed_answers", bobs_answers}});
  ASSERT_EQ(apart.status, 200) << apart.raw.body;
  EXPECT_EQ(answers_of(apart.body), std::vector<std::string>{bob + ":accepted"});
  EXPECT_EQ(apart.body.at("attendees").at(0).at("sealed_answers"), json::value(bobs_answers));
  // (Notices come newest first by id: two made in the same millisecond in
  // either order.)
  answered = notices_of(s, k.alice.who, "calendar.answered");
  ASSERT_EQ(answered.size(), 2u);
  const auto occurrences = std::find_if(answered.begin(), answered.end(), [](const json::value& n) {
    return n.as_object().contains("occurrences");
  });
  ASSERT_NE(occurrences, answered.end());
  EXPECT_EQ(occurrences->at("occurrences"), json::value(true));
  EXPECT_EQ(json::serialize(*occurrences).find("2027"), std::string::npos);
  for (auto [bad, code] : std::vector<std::pair<std::string, std::string>>{
           {answers_card(k.bob, other), "bad_signature"},    // another event's
           {answers_card(k.carol, token), "bad_signature"},  // sealed by Carol, sent by Bob
           {k.bob.seal_in("ruche-calendar-event", k.bound(token, k.bob), 1, "{}"), "bad_signature"},
           {"e2e1:1:pas du tout", "invalid_sealed_text"}})
    EXPECT_EQ(answer({{"sealed_answers", bad}}).error_code(), code) << bad;
  EXPECT_EQ(answer({{"sealed_answers", 3}}).error_code(), "invalid_sealed_text");
  auto series = answer({{"partstat", "tentative"}});
  ASSERT_EQ(series.status, 200) << series.raw.body;
  EXPECT_FALSE(series.body.at("attendees").at(0).as_object().contains("sealed_answers"));
  auto again = answer({{"partstat", "accepted"}, {"sealed_answers", bobs_answers}});
  EXPECT_EQ(answers_of(again.body), std::vector<std::string>{bob + ":accepted"});
  EXPECT_EQ(again.body.at("attendees").at(0).at("sealed_answers"), json::value(bobs_answers));
  auto none = answer({{"sealed_answers", nullptr}});
  EXPECT_FALSE(none.body.at("attendees").at(0).as_object().contains("sealed_answers"));
  ASSERT_EQ(answer({{"sealed_answers", bobs_answers}}).status, 200);

  // Carol is added (people alone: the card stays); Bob's answer stands.
  auto more = s.call("PATCH", path, k.alice.who.token,
                     body({{"attendees", json::array{person(carol), person(bob)}}}));
  ASSERT_EQ(more.status, 200) << more.raw.body;
  std::vector<std::string> both{bob + ":accepted", carol + ":needs-action"};
  std::sort(both.begin(), both.end());
  auto listed = answers_of(more.body);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, both);
  EXPECT_EQ(more.body.at("sealed"), json::value(card));
  EXPECT_EQ(notices_of(s, k.carol.who, "calendar.invited").size(), 1u);
  EXPECT_EQ(notices_of(s, k.bob.who, "calendar.invited").size(), 1u);  // not again

  // Bob seals a new card: the others invited hear of a change, not him.
  const std::string bobs = k.card(k.bob, token, {{"title", "Comité déplacé"}});
  ASSERT_EQ(s.call("PATCH", path, k.bob.who.token, body({{"sealed", bobs}})).status, 200);
  EXPECT_EQ(notices_of(s, k.carol.who, "calendar.invitation_updated").size(), 1u);
  EXPECT_TRUE(notices_of(s, k.bob.who, "calendar.invitation_updated").empty());
  // A people-only change is not one: no notice to those who stay.
  ASSERT_EQ(s.call("PATCH", path, k.bob.who.token,
                   body({{"attendees", json::array{person(carol), person(alice)}}}))
                .status,
            200);  // Bob is the organizer now, Alice invited
  auto now = s.call("GET", path, k.carol.who.token);
  ASSERT_EQ(now.status, 200) << now.raw.body;
  EXPECT_EQ(now.body.at("organizer").at("user_id"), json::value(bob));
  EXPECT_EQ(notices_of(s, k.carol.who, "calendar.invitation_updated").size(), 1u);
  EXPECT_EQ(notices_of(s, k.bob.who, "calendar.invitation_cancelled").size(), 1u);
  EXPECT_EQ(notices_of(s, k.alice.who, "calendar.invited").size(), 1u);

  // Not in anyone's agenda from the server, nor their free/busy: the server
  // does not know when it is.
  auto agenda =
      s.call("GET", "/api/v1/me/calendar/events?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z",
             k.carol.who.token);
  ASSERT_EQ(agenda.status, 200) << agenda.raw.body;
  EXPECT_TRUE(agenda.body.as_array().empty());
  auto busy = s.call("GET",
                     "/api/v1/calendar/freebusy?users=" + carol +
                         "&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z",
                     k.alice.who.token);
  ASSERT_EQ(busy.status, 200) << busy.raw.body;
  EXPECT_TRUE(busy.body.at(0).at("busy").as_array().empty()) << busy.raw.body;

  // The archive keeps who is invited and their answers, and so does its import.
  const std::string carols_answers =
      k.carol.seal_in("ruche-calendar-answers", k.bound(token, k.carol), 1, R"({"answers":[]})");
  ASSERT_EQ(s.call("POST", path + "/reply", k.carol.who.token,
                   body({{"partstat", "tentative"}, {"sealed_answers", carols_answers}}))
                .status,
            200);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.alice.who.token);
  ASSERT_EQ(exported.status, 200) << exported.raw.body;
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  const std::string copy(imported.body.at("workspace").at("id").as_string());
  auto copied = s.call("GET", "/api/v1/workspaces/" + copy + "/calendar/sealed", k.carol.who.token);
  ASSERT_EQ(copied.status, 200) << copied.raw.body;
  ASSERT_EQ(copied.body.at("events").as_array().size(), 1u);
  const json::value& copied_event = copied.body.at("events").at(0);
  EXPECT_EQ(copied_event.at("organizer").at("user_id"), json::value(bob));
  std::vector<std::string> kept{alice + ":needs-action", carol + ":tentative"};
  std::sort(kept.begin(), kept.end());
  auto copied_answers = answers_of(copied_event);
  std::sort(copied_answers.begin(), copied_answers.end());
  EXPECT_EQ(copied_answers, kept);
  for (const auto& a : copied_event.at("attendees").as_array()) {
    if (a.at("user_id") == json::value(carol)) {
      EXPECT_EQ(a.at("sealed_answers"), json::value(carols_answers));
    }
  }

  // Carol leaves the workspace: the event no longer invites her (a new
  // version, which every member's browser reads).
  const std::int64_t before_leaving =
      s.call("GET", path, k.alice.who.token).body.at("version").as_int64();
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + carol, k.carol.who.token)
                .status,
            204);
  auto left = s.call("GET", path, k.alice.who.token);
  ASSERT_EQ(left.status, 200) << left.raw.body;
  EXPECT_EQ(answers_of(left.body), std::vector<std::string>{alice + ":needs-action"});
  EXPECT_GT(left.body.at("version").as_int64(), before_leaving);
  EXPECT_EQ(notices_of(s, k.carol.who, "calendar.invitation_cancelled").size(), 1u);

  // Bob, its organizer, leaves too: answers are no longer told to him (he
  // is no one's colleague there now), though he stays its organizer until
  // someone sets its people.
  const std::size_t told = notices_of(s, k.bob.who, "calendar.answered").size();
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + bob, k.bob.who.token)
                .status,
            204);
  auto after_bob = s.call("POST", path + "/reply", k.alice.who.token, body({{"partstat", "declined"}}));
  ASSERT_EQ(after_bob.status, 200) << after_bob.raw.body;
  EXPECT_EQ(answers_of(after_bob.body), std::vector<std::string>{alice + ":declined"});
  EXPECT_EQ(notices_of(s, k.bob.who, "calendar.answered").size(), told);

  // The event deleted: those invited hear it is cancelled.
  ASSERT_EQ(s.call("DELETE", path, k.alice.who.token).status, 204);
  EXPECT_EQ(notices_of(s, k.carol.who, "calendar.invitation_cancelled").size(), 1u);  // not again
  EXPECT_EQ(notices_of(s, k.alice.who, "calendar.invitation_cancelled").size(), 1u);
}

// The first `items` entry of a folder listing (GET …/files) whose name is `token`.
json::value entry_named(const Reply& listing, const std::string& token) {
  for (const auto& n : listing.body.at("items").as_array())
    if (n.at("name").as_string() == token) return n;
  return nullptr;
}

TEST(Armour, ASeriesCutInTwoKeepsItsPeopleAndTheirAnswersInOneWrite) {
  ArmouredCalendar k;
  TestServer& s = k.s;
  const std::string alice = k.alice.who.id.str(), bob = k.bob.who.id.str(),
                    carol = k.carol.who.id.str();
  auto person = [](const std::string& id) { return json::object{{"user_id", id}}; };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const std::string token = name_token();
  auto made = k.create(k.alice, {{"token", token},
                                 {"sealed", k.card(k.alice, token, {{"title", "Point hebdo"}})},
                                 {"attendees", json::array{person(bob), person(carol)}}});
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id(made.body.at("id").as_string());
  const std::string path = "/api/v1/calendar/events/" + id;
  ASSERT_EQ(
      s.call("POST", path + "/reply", k.bob.who.token, body({{"partstat", "accepted"}})).status,
      200);
  ASSERT_EQ(
      s.call("POST", path + "/reply", k.carol.who.token, body({{"partstat", "declined"}})).status,
      200);
  // Bob's answers to single occurrences are sealed for the series' token.
  const std::string bobs_apart =
      k.bob.seal_in("ruche-calendar-answers", k.bound(token, k.bob), 1, R"({"answers":[]})");
  auto apart =
      s.call("POST", path + "/reply", k.bob.who.token, body({{"sealed_answers", bobs_apart}}));
  ASSERT_EQ(apart.status, 200) << apart.raw.body;
  const std::int64_t v = apart.body.at("version").as_int64();
  const std::string ended = k.card(k.alice, token, {{"title", "Point hebdo"}, {"until", 1}});
  auto feed_size = [&] { return k.feed(k.alice, 0).body.at("events").as_array().size(); };
  auto cut = [&](const json::object& b, const std::optional<std::int64_t>& at = std::nullopt) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (at) headers.emplace_back("If-Match", "\"" + std::to_string(*at) + "\"");
    return s.call("PATCH", path, k.alice.who.token, body(b), headers);
  };

  // What does not cut: refused whole, the series as it was, no new event.
  const std::string rest = name_token();
  const std::string rests = k.card(k.alice, rest, {{"title", "Point tardif"}});
  for (auto [b, code] : std::vector<std::pair<json::object, std::string>>{
           {{{"following", json::object{{"token", rest}, {"sealed", rests}}}}, "sealed_required"},
           {{{"sealed", ended},
             {"attendees", json::array{person(bob)}},
             {"following", json::object{{"token", rest}, {"sealed", rests}}}},
            "invalid_field"},
           {{{"sealed", ended}, {"following", "plus tard"}}, "invalid_field"},
           {{{"sealed", ended},
             {"following",
              json::object{{"token", rest}, {"sealed", rests}, {"scope", "following"}}}},
            "invalid_field"},
           {{{"sealed", ended}, {"following", json::object{{"token", rest}}}}, "sealed_required"},
           {{{"sealed", ended},
             {"following",
              json::object{{"token", rest}, {"sealed", rests}, {"title", "en clair"}}}},
            "sealed_required"},
           // The new card sealed for another event, or for the series' token itself.
           {{{"sealed", ended},
             {"following",
              json::object{{"token", rest}, {"sealed", k.card(k.alice, name_token(), {})}}}},
            "bad_signature"},
           {{{"sealed", ended}, {"following", json::object{{"token", token}, {"sealed", ended}}}},
            "token_taken"},
           {{{"sealed", ended},
             {"following", json::object{{"token", rest},
                                        {"sealed", rests},
                                        {"attendees", json::array{person("u_nobody")}}}}},
            "invalid_attendees"}}) {
    auto r = cut(b);
    EXPECT_EQ(r.error_code(), code) << json::serialize(b) << " " << r.raw.body;
  }
  EXPECT_EQ(
      cut({{"sealed", ended}, {"following", json::object{{"token", rest}, {"sealed", rests}}}},
          v - 1)
          .status,
      412);
  auto still = s.call("GET", path, k.alice.who.token);
  EXPECT_EQ(still.body.at("version").as_int64(), v);
  EXPECT_EQ(still.body.at("sealed"), made.body.at("sealed"));
  EXPECT_EQ(feed_size(), 1u);
  EXPECT_TRUE(notices_of(s, k.bob.who, "calendar.invitation_updated").empty());

  // Cut: the series ended and the rest, in one write. The new event has the
  // series' people with their answers to it, Bob's answers apart too: sealed
  // for the series' token, which they keep beside them (the new card names it).
  auto both =
      cut({{"sealed", ended}, {"following", json::object{{"token", rest}, {"sealed", rests}}}}, v);
  ASSERT_EQ(both.status, 200) << both.raw.body;
  const std::string id2(both.body.at("id").as_string());
  EXPECT_NE(id2, id);
  EXPECT_EQ(both.body.at("token"), json::value(rest));
  EXPECT_EQ(both.body.at("sealed"), json::value(rests));
  EXPECT_EQ(both.body.at("organizer").at("user_id"), json::value(alice));
  EXPECT_EQ(sorted(answers_of(both.body)), sorted({bob + ":accepted", carol + ":declined"}));
  // Bob's answers apart came with him, sealed for the series' token.
  auto apart_of = [&](const json::value& event, const std::string& who) {
    for (const auto& a : event.at("attendees").as_array())
      if (a.at("user_id") == json::value(who)) {
        const json::object& o = a.as_object();
        return std::string(o.contains("sealed_answers") ? o.at("sealed_answers").as_string() : "") +
               "|" +
               std::string(o.contains("answers_token") ? o.at("answers_token").as_string() : "");
      }
    return std::string("not invited");
  };
  EXPECT_EQ(apart_of(both.body, bob), bobs_apart + "|" + token);
  EXPECT_EQ(apart_of(both.body, carol), "|");
  const json::value& series = both.body.at("series");
  EXPECT_EQ(series.at("id"), json::value(id));
  EXPECT_EQ(series.at("sealed"), json::value(ended));
  EXPECT_GT(series.at("version").as_int64(), v);
  EXPECT_EQ(sorted(answers_of(series)), sorted({bob + ":accepted", carol + ":declined"}));
  bool bobs_kept = false;
  for (const auto& a : series.at("attendees").as_array())
    if (a.at("user_id") == json::value(bob))
      bobs_kept = a.at("sealed_answers") == json::value(bobs_apart);
  EXPECT_TRUE(bobs_kept) << json::serialize(series);
  EXPECT_EQ(feed_size(), 2u);
  // Each hears of both: the series changed, the rest theirs.
  for (const Account* who : {&k.bob.who, &k.carol.who}) {
    auto updated = notices_of(s, *who, "calendar.invitation_updated");
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(updated[0].at("id"), json::value(id));
    auto invited = notices_of(s, *who, "calendar.invited");
    ASSERT_EQ(invited.size(), 2u);
    EXPECT_TRUE(invited[0].at("id") == json::value(id2) || invited[1].at("id") == json::value(id2));
  }

  // Cut again, the new event naming its people: Carol and Bob, their
  // answers kept; Bob's apart still for the first series' token.
  const std::string later = name_token();
  auto again = s.call(
      "PATCH", "/api/v1/calendar/events/" + id2, k.alice.who.token,
      body({{"sealed", k.card(k.alice, rest, {{"title", "Point tardif"}, {"until", 2}})},
            {"following", json::object{{"token", later},
                                       {"sealed", k.card(k.alice, later, {{"title", "Dernier"}})},
                                       {"attendees", json::array{person(carol), person(bob)}}}}}));
  ASSERT_EQ(again.status, 200) << again.raw.body;
  EXPECT_EQ(sorted(answers_of(again.body)), sorted({bob + ":accepted", carol + ":declined"}));
  EXPECT_EQ(again.body.at("series").at("id"), json::value(id2));
  EXPECT_EQ(apart_of(again.body, bob), bobs_apart + "|" + token);
  const std::string id3(again.body.at("id").as_string());

  // Its archive keeps where each was sealed, and imports back checked
  // (answers said sealed for another token do not).
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.alice.who.token);
  ASSERT_EQ(exported.status, 200);
  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  const std::string copy(imported.body.at("workspace").at("id").as_string());
  auto copied = s.call("GET", "/api/v1/workspaces/" + copy + "/calendar/sealed", k.alice.who.token);
  ASSERT_EQ(copied.status, 200) << copied.raw.body;
  int with_bobs = 0;
  for (const auto& e : copied.body.at("events").as_array())
    if (e.at("token") != json::value(token)) {
      EXPECT_EQ(apart_of(e, bob), bobs_apart + "|" + token) << json::serialize(e);
      ++with_bobs;
    }
  EXPECT_EQ(with_bobs, 2);
  std::string tampered = exported.raw.body;
  const std::string said = "\"answers_token\":\"" + token + "\"";
  const std::size_t at = tampered.find(said);
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, said.size(), "\"answers_token\":\"" + rest + "\"");
  auto refused = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, tampered);
  EXPECT_EQ(refused.error_code(), "bad_export") << refused.raw.body;

  // Bob answers the last part's occurrences: sealed for its own token now;
  // an answer to the whole event takes them away.
  const std::string path3 = "/api/v1/calendar/events/" + id3;
  const std::string bobs_later =
      k.bob.seal_in("ruche-calendar-answers", k.bound(later, k.bob), 1, R"({"answers":[]})");
  auto resealed =
      s.call("POST", path3 + "/reply", k.bob.who.token, body({{"sealed_answers", bobs_later}}));
  ASSERT_EQ(resealed.status, 200) << resealed.raw.body;
  EXPECT_EQ(apart_of(resealed.body, bob), bobs_later + "|");
  EXPECT_EQ(
      s.call("POST", path3 + "/reply", k.bob.who.token, body({{"sealed_answers", bobs_apart}}))
          .error_code(),
      "bad_signature");  // sealed for the first series, not this event
  auto whole = s.call("POST", "/api/v1/calendar/events/" + id2 + "/reply", k.bob.who.token,
                      body({{"partstat", "tentative"}}));
  ASSERT_EQ(whole.status, 200) << whole.raw.body;
  EXPECT_EQ(apart_of(whole.body, bob), "|");

  // A plain calendar cuts its series with recurrence_id and scope.
  auto plain = s.call("POST", "/api/v1/me/calendar/events", k.alice.who.token,
                      body({{"title", "Perso"},
                            {"start", "2027-03-01T09:00:00Z"},
                            {"end", "2027-03-01T10:00:00Z"},
                            {"rrule", "FREQ=WEEKLY"}}));
  ASSERT_EQ(plain.status, 201) << plain.raw.body;
  EXPECT_EQ(
      s.call("PATCH", "/api/v1/calendar/events/" + std::string(plain.body.at("id").as_string()),
             k.alice.who.token,
             body({{"title", "Perso 2"},
                   {"following", json::object{{"token", rest}, {"sealed", rests}}}}))
          .error_code(),
      "invalid_field");
}

TEST(Armour, AnImportedArchiveKeepsItsTextsBoundToWhereTheyWereSealed) {
  ArmouredFiles f;
  TestServer& s = f.s;
  const std::string pub = make_channel(s, f.alice.who, f.ws, "général");
  const std::string priv = make_channel(s, f.alice.who, f.ws, "direction", true, {f.bob.who.id.str()});
  ASSERT_EQ(f.alice.new_generation(f.ws, 1, std::nullopt, priv).status, 200);
  f.bob.open_envelopes(f.ws, priv);
  ASSERT_EQ(post(s, f.bob.who, pub, f.bob.seal(f.ws, pub, 1, "bonjour")).status, 201);
  // A sealed attachment: its message names it by its id (here, there).
  const std::string plan_key = random_bytes(32), plan_bytes = seal_file("le plan", plan_key);
  auto plan = s.call("POST", "/api/v1/channels/" + pub + "/attachments?name=x", f.bob.who.token, plan_bytes);
  ASSERT_EQ(plan.status, 201) << plan.raw.body;
  const std::string plan_id(plan.body.at("id").as_string());
  json::object plan_text{{"text", "le plan"},
                         {"files", json::array{json::object{{"id", plan_id}, {"name", "plan.txt"},
                                                            {"type", "text/plain"}, {"size", 7},
                                                            {"key", base64url_encode(plan_key)}}}}};
  auto with_plan = s.call("POST", "/api/v1/channels/" + pub + "/messages", f.bob.who.token,
                          body({{"body", f.bob.seal(f.ws, pub, 1, json::serialize(plan_text), nullptr, "", 2)},
                                {"attachment_ids", json::array{plan_id}}}));
  ASSERT_EQ(with_plan.status, 201) << with_plan.raw.body;
  ASSERT_EQ(post(s, f.alice.who, priv, f.alice.seal(f.ws, priv, 1, "entre nous", nullptr, "", 1, true)).status, 201);
  auto file = f.upload(f.carol, "rapport.txt", "le contenu du rapport");
  ASSERT_EQ(f.alice.new_generation(f.ws, 2).status, 200);
  f.bob.open_envelopes(f.ws);
  f.carol.open_envelopes(f.ws);
  ASSERT_EQ(post(s, f.bob.who, pub, f.bob.seal(f.ws, pub, 2, "encore")).status, 201);

  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string archive = s.call("GET", "/api/v1/workspaces/" + f.ws + "/export", f.alice.who.token).raw.body;

  // An archive whose keys or texts were tampered with is refused, and
  // leaves nothing (tar does not check contents: the bytes are changed in
  // place).
  auto tampered = [&](const std::string& before, std::size_t offset, char to) {
    std::string edited = archive;
    const auto at = edited.find(before);
    EXPECT_NE(at, std::string::npos) << before;
    if (at == std::string::npos) return std::string();
    char& c = edited[at + before.size() + offset];
    c = c == to ? 'B' : to;
    auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, edited);
    return r.error_code() + ": " + std::string(r.body.at("error").at("message").as_string());
  };
  EXPECT_EQ(tampered("\"signature\":\"", 3, 'A'),  // an envelope's signature
            "bad_export: armour.json: an envelope's signature does not check with its maker's keys");
  EXPECT_EQ(tampered("\"body\":\"e2e1:", 0, '9'),
            "bad_export: a sealed text of the archive is under a key generation it does not have");
  EXPECT_EQ(tampered("\"body\":\"e2e1:1:", 3, 'A'),  // its nonce: the author's signature no longer checks
            "bad_export: a sealed text of the archive is not signed by its author's keys");
  EXPECT_EQ(tampered("\"sealed_name\":\"e2e1:1:", 3, 'A'),  // a file's name record
            "bad_export: a sealed text of the archive is not signed by its author's keys");
  EXPECT_EQ(tampered("\"sealed\":\"e2e1:1:", 3, 'A'),  // a version's content record
            "bad_export: a sealed text of the archive is not signed by its author's keys");
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces", admin.token).body.as_array().size(), 0u);

  auto imported = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, archive);
  ASSERT_EQ(imported.status, 201) << imported.raw.body;
  const std::string copy(imported.body.at("workspace").at("id").as_string());
  EXPECT_TRUE(imported.body.at("workspace").at("armoured").as_bool());
  std::string pub_here, priv_here;
  const Reply copied = s.call("GET", "/api/v1/workspaces/" + copy + "/channels", f.bob.who.token);
  for (const auto& ch : copied.body.as_array())
    (ch.at("name").as_string() == "général" ? pub_here : priv_here) = std::string(ch.at("id").as_string());
  ASSERT_FALSE(pub_here.empty());
  ASSERT_FALSE(priv_here.empty());

  // One era: the ids there, every channel with its id there, the people
  // with the keys they had there; the current generation is the era's last,
  // never written under again.
  auto st = f.bob.state(copy);
  ASSERT_EQ(st.status, 200) << st.raw.body;
  EXPECT_EQ(st.body.at("generation").as_int64(), 2);
  EXPECT_TRUE(st.body.at("rotation_required").as_bool());
  ASSERT_EQ(st.body.at("eras").as_array().size(), 1u);
  const json::value& era = st.body.at("eras").as_array()[0];
  EXPECT_EQ(era.at("workspace_id").as_string(), f.ws);
  EXPECT_EQ(era.at("generation").as_int64(), 2);
  std::map<std::string, std::pair<std::string, std::int64_t>> channels;
  for (const auto& c : era.at("channels").as_array())
    channels[std::string(c.at("channel_id").as_string())] = {std::string(c.at("origin_channel_id").as_string()),
                                                             c.at("generation").as_int64()};
  EXPECT_EQ(channels[pub_here], std::make_pair(pub, std::int64_t{0}));
  EXPECT_EQ(channels[priv_here], std::make_pair(priv, std::int64_t{1}));
  ASSERT_EQ(era.at("people").as_array().size(), 3u);
  for (const auto& p : era.at("people").as_array()) {
    EXPECT_EQ(p.at("origin_user_id"), p.at("user_id"));  // the same instance: the same accounts
    if (p.at("user_id").as_string() == f.bob.who.id.str()) {
      EXPECT_EQ(p.at("sign_public").as_string(), base64url_encode(f.bob.sign_pk));
    }
  }
  // Carol does not see the private channel: the era does not name it for her.
  auto carols = f.carol.state(copy);
  ASSERT_EQ(carols.body.at("eras").as_array().size(), 1u);
  EXPECT_EQ(carols.body.at("eras").as_array()[0].at("channels").as_array().size(), 1u);

  // The envelopes, opened with the keys people have: the same keys as there.
  Browser bob2{s, f.bob.who};
  bob2.box_pk = f.bob.box_pk;
  bob2.box_sk = f.bob.box_sk;
  bob2.open_envelopes(copy);
  EXPECT_EQ(bob2.keys, f.bob.keys);
  bob2.open_envelopes(copy, priv_here);
  EXPECT_EQ(bob2.channel_keys[priv_here], f.bob.channel_keys[priv]);
  auto channel_state = f.bob.state(copy, priv_here);
  ASSERT_EQ(channel_state.body.at("eras").as_array().size(), 1u);
  EXPECT_EQ(channel_state.body.at("eras").as_array()[0].at("channel_id").as_string(), priv);
  EXPECT_EQ(channel_state.body.at("eras").as_array()[0].at("generation").as_int64(), 1);
  EXPECT_TRUE(channel_state.body.at("rotation_required").as_bool());

  // The texts as they were, opened with the ids they were sealed with.
  auto in_pub = s.call("GET", "/api/v1/channels/" + pub_here + "/messages", f.bob.who.token).body.as_array();
  ASSERT_EQ(in_pub.size(), 3u);
  std::set<std::string> read;
  for (const auto& m : in_pub) {
    if (!m.at("attachments").as_array().empty()) {
      // Listed under its id here with the id its sealed message names.
      const json::value& a = m.at("attachments").as_array()[0];
      EXPECT_NE(a.at("id").as_string(), plan_id);
      EXPECT_EQ(a.at("origin_id").as_string(), plan_id);
      auto bytes = s.call("GET", "/api/v1/attachments/" + std::string(a.at("id").as_string()), f.bob.who.token);
      EXPECT_EQ(open_file(bytes.raw.body, plan_key), "le plan");
      continue;
    }
    const std::string author(m.at("author_id").as_string());
    EXPECT_FALSE(bob2.open_in("ruche-chat", copy + "\n" + pub_here + "\n" + author, std::string(m.at("body").as_string())));
    auto text = bob2.open_in("ruche-chat", f.ws + "\n" + pub + "\n" + author, std::string(m.at("body").as_string()));
    ASSERT_TRUE(text);
    read.insert(*text);
  }
  EXPECT_EQ(read, (std::set<std::string>{"bonjour", "encore"}));
  auto in_priv = s.call("GET", "/api/v1/channels/" + priv_here + "/messages", f.bob.who.token).body.as_array();
  ASSERT_EQ(in_priv.size(), 1u);
  EXPECT_EQ(bob2.open_in("ruche-chat", f.ws + "\n" + priv + "\n" + f.alice.who.id.str(),
                         std::string(in_priv[0].at("body").as_string()), priv_here),
            "entre nous");
  auto node = entry_named(s.call("GET", "/api/v1/workspaces/" + copy + "/files", f.bob.who.token), file.token);
  ASSERT_TRUE(node.is_object());
  EXPECT_EQ(node.at("sealed_name_by").as_string(), f.carol.who.id.str());
  EXPECT_EQ(node.at("sealed_name").as_string(), file.name_record);
  EXPECT_EQ(node.at("sealed_content").as_string(), file.content_record);
  EXPECT_EQ(f.open_name(f.bob, file.token, f.carol.who.id.str(), node.at("sealed_name")), "rapport.txt");
  const std::string fid(node.at("id").as_string());
  EXPECT_EQ(open_file(s.call("GET", "/api/v1/files/" + fid + "/content", f.bob.who.token).raw.body, file.key),
            "le contenu du rapport");

  // Nothing new under an era's key: the next generation, with the ids here.
  EXPECT_EQ(post(s, f.bob.who, pub_here, f.bob.seal(copy, pub_here, 2, "sous l'ancienne clé")).error_code(),
            "key_rotation_required");
  EXPECT_EQ(f.bob.add_envelopes(copy, 2, json::array{f.bob.envelope(copy, 2, f.bob.keys.at(2), member_in(st, f.bob.who))})
                .error_code(),
            "key_not_held");
  ASSERT_EQ(f.bob.new_generation(copy, 3).status, 200);
  auto fresh = post(s, f.bob.who, pub_here, f.bob.seal(copy, pub_here, 3, "ici"));
  ASSERT_EQ(fresh.status, 201) << fresh.raw.body;
  EXPECT_FALSE(f.bob.state(copy).body.at("rotation_required").as_bool());
  ASSERT_EQ(f.alice.new_generation(copy, 2, std::nullopt, priv_here).status, 200);
  EXPECT_FALSE(f.bob.state(copy, priv_here).body.at("rotation_required").as_bool());

  // The archive of the copy brings its era along: imported again, two eras,
  // oldest first, each with the ids of its own workspace.
  auto again = s.call("POST", "/api/v1/admin/workspaces/import", admin.token,
                      s.call("GET", "/api/v1/workspaces/" + copy + "/export", admin.token).raw.body);
  ASSERT_EQ(again.status, 201) << again.raw.body;
  const std::string third(again.body.at("workspace").at("id").as_string());
  auto eras = f.bob.state(third).body.at("eras").as_array();
  ASSERT_EQ(eras.size(), 2u);
  EXPECT_EQ(eras[0].at("workspace_id").as_string(), f.ws);
  EXPECT_EQ(eras[0].at("generation").as_int64(), 2);
  EXPECT_EQ(eras[1].at("workspace_id").as_string(), copy);
  EXPECT_EQ(eras[1].at("generation").as_int64(), 3);
  std::string pub_third;
  const Reply thirds = s.call("GET", "/api/v1/workspaces/" + third + "/channels", f.bob.who.token);
  for (const auto& ch : thirds.body.as_array())
    if (ch.at("name").as_string() == "général") pub_third = std::string(ch.at("id").as_string());
  for (const auto& e : eras) {
    bool named = false;
    for (const auto& c : e.at("channels").as_array()) {
      if (c.at("channel_id").as_string() == pub_third)
        named = c.at("origin_channel_id").as_string() == (&e == &eras[0] ? pub : pub_here);
    }
    EXPECT_TRUE(named) << json::serialize(e);
  }
  Browser bob3{s, f.bob.who};
  bob3.box_pk = f.bob.box_pk;
  bob3.box_sk = f.bob.box_sk;
  bob3.open_envelopes(third);
  EXPECT_EQ(bob3.keys.size(), 3u);
  EXPECT_EQ(bob3.keys, f.bob.keys);

  // Someone who replaced their keys since no longer gets the era's envelopes.
  auto era_envelopes = [&] {
    std::vector<std::int64_t> out;
    const Reply st = f.carol.state(copy);
    for (const auto& e : st.body.at("envelopes").as_array())
      if (e.at("generation").as_int64() <= 2) out.push_back(e.at("generation").as_int64());
    return out;
  };
  EXPECT_EQ(era_envelopes(), (std::vector<std::int64_t>{1, 2}));
  f.carol.fresh_keys();
  ASSERT_EQ(f.carol.set_identity(true).status, 200);
  EXPECT_TRUE(era_envelopes().empty());
}

}  // namespace
}  // namespace ruche::testing
