// gzip for answers: what is compressed, and what never is.
#include <gtest/gtest.h>

#include <random>

#include "core/http/compress.hpp"

namespace ruche::http {
namespace {

std::string json_list(int n) {
  std::string s = "[";
  for (int i = 0; i < n; ++i)
    s += (i ? "," : "") + std::string(R"({"name":"Person )") + std::to_string(i) +
         R"(","role":"member"})";
  return s + "]";
}

Response json_answer(std::string body, int status = 200) {
  Response r = json_response(status, std::move(body));
  r.headers.set("ETag", "\"v7\"");
  return r;
}

TEST(AcceptEncoding, ParsesCodingsAndWeights) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip(" deflate , gzip ;q=0.8"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzipped"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
}

TEST(Gzip, RoundTripsAndBoundsWhatItInflates) {
  const std::string data = json_list(2000);
  for (int level : {kGzipFastest, kGzipDefault, 9}) {
    auto packed = gzip(data, level);
    ASSERT_TRUE(packed) << level;
    EXPECT_LT(packed->size(), data.size() / 5) << level;
    EXPECT_EQ(gunzip(*packed, data.size()).value_or("?"), data) << level;
    // One byte short of room, cut short, or with bytes after it: refused.
    EXPECT_FALSE(gunzip(*packed, data.size() - 1)) << level;
    EXPECT_FALSE(gunzip(std::string_view(*packed).substr(0, packed->size() - 9), data.size()));
    EXPECT_FALSE(gunzip(*packed + "x", data.size()));
  }
  EXPECT_FALSE(gunzip("not gzip at all", 1 << 20));
  EXPECT_EQ(gunzip(gzip("").value(), 0).value_or("?"), "");
}

TEST(Gzip, OnlyTextThatShrinks) {
  const std::string text = json_list(100);
  EXPECT_TRUE(gzip_if_worth(text, "application/json"));
  EXPECT_TRUE(gzip_if_worth(text, "text/calendar; charset=utf-8"));
  EXPECT_FALSE(gzip_if_worth(text, "image/png"));
  EXPECT_FALSE(gzip_if_worth(text, "application/octet-stream"));
  EXPECT_FALSE(gzip_if_worth(text.substr(0, 1000), "application/json"));  // under 1 KiB
  std::mt19937 random(7);
  std::string noise(8192, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  EXPECT_FALSE(gzip_if_worth(noise, "text/plain"));  // saves less than a tenth
}

TEST(Gzip, EntityTagsOfTheVariant) {
  EXPECT_EQ(gzip_etag("\"abc\""), "\"abc-gz\"");
  EXPECT_EQ(gzip_etag("W/\"abc\""), "W/\"abc-gz\"");
  EXPECT_EQ(gzip_etag("junk"), "junk");
}

TEST(GzipResponse, CompressesSuccessfulTextForClientsThatTakeIt) {
  const std::string body = json_list(500);
  Response r = json_answer(body);
  gzip_response(r, "gzip, deflate, br");
  EXPECT_EQ(r.headers.get("Content-Encoding").value_or(""), "gzip");
  EXPECT_EQ(r.headers.get("Vary").value_or(""), "Accept-Encoding");
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"v7-gz\"");
  EXPECT_EQ(gunzip(r.body_bytes(), 1 << 20).value_or("?"), body);

  // Shared bytes (a cache's) are compressed too, and let go of.
  Response shared = json_answer("");
  shared.shared_body = SharedBytes::of(body);
  gzip_response(shared, "gzip");
  EXPECT_FALSE(shared.shared_body);
  EXPECT_EQ(gunzip(shared.body_bytes(), 1 << 20).value_or("?"), body);
}

TEST(GzipResponse, LeavesTheRestAsItIsButVaries) {
  const std::string body = json_list(500);
  auto unchanged = [&](Response r, std::string_view accept) {
    gzip_response(r, accept);
    EXPECT_FALSE(r.headers.has("Content-Encoding")) << accept;
    EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"v7\"");
    return r;
  };
  for (const char* refusing : {"", "identity", "gzip;q=0", "br"}) {
    Response r = unchanged(json_answer(body), refusing);
    EXPECT_EQ(r.body_bytes(), body);
    EXPECT_EQ(r.headers.get("Vary").value_or(""), "Accept-Encoding");
  }
  // Errors, partial content, already encoded.
  unchanged(json_answer(body, 404), "gzip");
  unchanged(json_answer(body, 206), "gzip");
  Response encoded = json_answer(body);
  encoded.headers.set("Content-Encoding", "br");
  gzip_response(encoded, "gzip");
  EXPECT_EQ(encoded.headers.get("Content-Encoding").value_or(""), "br");
  EXPECT_EQ(encoded.body_bytes(), body);
  // A streamed body is not held: left alone.
  Response streamed = json_answer("");
  streamed.stream = [](BodyWriter&) -> Result<void> { return {}; };
  unchanged(std::move(streamed), "gzip");

  // Vary keeps what the route said, once.
  Response listed = json_answer(body);
  listed.headers.set("Vary", "Accept, Sec-Fetch-Mode");
  gzip_response(listed, "gzip");
  EXPECT_EQ(listed.headers.get("Vary").value_or(""), "Accept, Sec-Fetch-Mode, Accept-Encoding");
  gzip_response(listed, "gzip");
  EXPECT_EQ(listed.headers.get("Vary").value_or(""), "Accept, Sec-Fetch-Mode, Accept-Encoding");
}

}  // namespace
}  // namespace ruche::http
