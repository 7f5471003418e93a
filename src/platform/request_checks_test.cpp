#include "platform/request_checks.hpp"

#include <gtest/gtest.h>

#include "core/crypto/encoding.hpp"

namespace ruche::platform {
namespace {

std::string basic(std::string_view user_password) {
  return "Basic " + crypto::base64_encode(user_password);
}

TEST(RequestChecks, BasicCredentialsSplitAtTheFirstColon) {
  auto c = basic_credentials(basic("ana@example.org:pass:word"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "ana@example.org");
  EXPECT_EQ(c->password, "pass:word");
  // The scheme in any case; an empty password is a password.
  c = basic_credentials("bAsIc " + crypto::base64_encode("ana:"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "ana");
  EXPECT_EQ(c->password, "");
}

TEST(RequestChecks, BasicCredentialsAreUtf8OrReadAsLatin1) {
  auto c = basic_credentials(basic("ana@example.org:H\xc3\xa9risson"));  // UTF-8, as RFC 7617 asks
  ASSERT_TRUE(c);
  EXPECT_EQ(c->password, "H\xc3\xa9risson");
  c = basic_credentials(basic("ana@example.org:H\xe9risson"));  // ISO-8859-1 (aiohttp)
  ASSERT_TRUE(c);
  EXPECT_EQ(c->password, "H\xc3\xa9risson");
}

TEST(RequestChecks, BasicCredentialsRefuseWhatIsNotThem) {
  for (std::string h :
       {std::string("Bearer abc"), std::string("Basic "), std::string("Basic"),
        std::string("Basic !!!!"), basic("no colon here"), std::string("Basicx ") + "YTpi"})
    EXPECT_FALSE(basic_credentials(h)) << h;
  // At the bound and past it.
  std::string user_password = "u:" + std::string(kMaxBasicCredentialBytes - 2, 'p');
  EXPECT_TRUE(basic_credentials(basic(user_password)));
  EXPECT_FALSE(basic_credentials(basic(user_password + "p")));
  EXPECT_FALSE(basic_credentials("Basic " + std::string(100'000, 'A')));
}

http::Headers headers(std::initializer_list<std::pair<const char*, const char*>> items) {
  http::Headers h;
  for (const auto& [name, value] : items) h.add(name, value);
  return h;
}

TEST(RequestChecks, UploadMetadataIsReadByKey) {
  const std::string header = "filename " + crypto::base64_encode("Rapport été 2026.pdf") +
                             ", is_confidential,parent_id " +
                             crypto::base64_encode("01J9ZQ3K4M5N6P7Q8R9S0T1V2W");
  EXPECT_EQ(upload_metadata(header, "filename"), "Rapport été 2026.pdf");
  EXPECT_EQ(upload_metadata(header, "parent_id"), "01J9ZQ3K4M5N6P7Q8R9S0T1V2W");
  EXPECT_EQ(upload_metadata(header, "is_confidential"), "");  // a key without a value
  EXPECT_EQ(upload_metadata(header, "file"), std::nullopt);   // keys match whole
  EXPECT_EQ(upload_metadata(header, "name"), std::nullopt);
  EXPECT_EQ(upload_metadata("", "filename"), std::nullopt);
  EXPECT_EQ(upload_metadata("filename not*base64", "filename"), std::nullopt);
  // The first of a key given twice.
  EXPECT_EQ(upload_metadata("filename " + crypto::base64_encode("a") + ",filename " +
                                crypto::base64_encode("b"),
                            "filename"),
            "a");
}

TEST(RequestChecks, SameOriginByFetchSiteThenOrigin) {
  const std::string url = "https://ruche.example.org/base/";
  EXPECT_EQ(origin_of(url), "https://ruche.example.org");
  EXPECT_EQ(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("no-scheme"), "no-scheme");
  auto reason = [&](const http::Headers& h) -> std::string {
    auto r = check_same_origin(h, url);
    return r ? "ok" : r.error().reason;
  };
  EXPECT_EQ(reason(headers({})), "ok");  // a typed URL, a non-browser client
  EXPECT_EQ(reason(headers({{"Sec-Fetch-Site", "same-origin"}})), "ok");
  EXPECT_EQ(reason(headers({{"Sec-Fetch-Site", "none"}})), "ok");
  EXPECT_EQ(reason(headers({{"Sec-Fetch-Site", "same-site"}})), "cross_site");
  EXPECT_EQ(
      reason(headers({{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://ruche.example.org"}})),
      "cross_site");
  EXPECT_EQ(reason(headers({{"Origin", "https://ruche.example.org"}})), "ok");
  EXPECT_EQ(reason(headers({{"Origin", "http://127.0.0.1:8080"}, {"Host", "127.0.0.1:8080"}})),
            "ok");
  EXPECT_EQ(reason(headers({{"Origin", "https://127.0.0.1:8080"}, {"Host", "127.0.0.1:8080"}})),
            "ok");
  EXPECT_EQ(reason(headers({{"Origin", "https://evil.example"}, {"Host", "127.0.0.1:8080"}})),
            "cross_origin");
  EXPECT_EQ(reason(headers({{"Origin", "https://ruche.example.org.evil"}})), "cross_origin");
  EXPECT_EQ(reason(headers({{"Origin", "null"}})), "cross_origin");
  EXPECT_EQ(reason(headers({{"Origin", "ftp://127.0.0.1:8080"}, {"Host", "127.0.0.1:8080"}})),
            "cross_origin");
  EXPECT_EQ(reason(headers({{"Origin", "http://127.0.0.1:8080x"}, {"Host", "127.0.0.1:8080"}})),
            "cross_origin");
}

TEST(RequestChecks, OnlyBearersAndSameOriginPagesAreTheirOwnClients) {
  EXPECT_TRUE(sent_by_own_client(headers({{"Authorization", "Bearer abc"}})));
  EXPECT_TRUE(sent_by_own_client(headers({{"Authorization", "bearer abc"}})));
  EXPECT_TRUE(sent_by_own_client(headers({{"Sec-Fetch-Site", "same-origin"}, {"Cookie", "s=1"}})));
  // What any page could have made a browser send.
  EXPECT_FALSE(sent_by_own_client(headers({})));
  EXPECT_FALSE(sent_by_own_client(headers({{"Cookie", "s=1"}})));
  EXPECT_FALSE(sent_by_own_client(headers({{"Authorization", "Basic YTpi"}})));
  EXPECT_FALSE(sent_by_own_client(headers({{"Authorization", "Bearer "}})));
  for (const char* site : {"none", "same-site", "cross-site", "Same-Origin", ""})
    EXPECT_FALSE(sent_by_own_client(headers({{"Sec-Fetch-Site", site}}))) << site;
}

TEST(RequestChecks, QueryIntegersAreWholeAndInRange) {
  http::Request req;
  req.query = "limit=20&offset=-1&big=99999999999999999999&junk=12x&empty=&sign=%2B5";
  auto limit = query_integer(req, "limit", 1, 100);
  ASSERT_TRUE(limit);
  EXPECT_EQ(*limit, std::optional<std::int64_t>(20));
  auto absent = query_integer(req, "missing", 1, 100);
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
  for (const char* key : {"offset", "big", "junk", "empty", "sign"}) {
    auto r = query_integer(req, key, 0, 1000);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().reason, "invalid_field");
    EXPECT_NE(r.error().message.find(key), std::string::npos);
  }
  EXPECT_FALSE(query_integer(req, "limit", 1, 19));
}

TEST(RequestChecks, QueryListsAreCommaSeparatedAndBounded) {
  http::Request req;
  req.query = "users=a,b%2Cc,d&one=x&empty=&gap=a,,b&tail=a,";
  auto users = query_list(req, "users", 4);
  ASSERT_TRUE(users);
  EXPECT_EQ(*users, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(*query_list(req, "one", 1), std::vector<std::string>{"x"});
  EXPECT_TRUE(query_list(req, "missing", 1)->empty());
  EXPECT_FALSE(query_list(req, "users", 3));
  for (const char* key : {"empty", "gap", "tail"}) {
    auto r = query_list(req, key, 10);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().reason, "invalid_field");
  }
}

}  // namespace
}  // namespace ruche::platform
