#include "core/http/egress.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "core/testing/origin.hpp"

namespace ruche::http {
namespace {

std::array<std::uint8_t, 16> address(const std::string& text) {
  sockaddr_in6 six{};
  sockaddr_in four{};
  if (inet_pton(AF_INET, text.c_str(), &four.sin_addr) == 1) {
    four.sin_family = AF_INET;
    return *address_bytes(reinterpret_cast<sockaddr*>(&four));
  }
  if (inet_pton(AF_INET6, text.c_str(), &six.sin6_addr) != 1)
    throw std::runtime_error("not an address: " + text);
  six.sin6_family = AF_INET6;
  return *address_bytes(reinterpret_cast<sockaddr*>(&six));
}

bool allowed(const std::string& text, const std::vector<Cidr>& allow = {}) {
  return egress_allowed(address(text), allow);
}

Cidr cidr(std::string_view text) {
  auto c = parse_cidr(text);
  if (!c) throw std::runtime_error(c.error().message);
  return *c;
}

TEST(Egress, PublicAddressesOnly) {
  for (const char* ok :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "192.167.255.255", "198.17.255.255", "223.255.255.255",
        "2a00:1450:4007:80c::200e", "2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8",
        "64:ff9b::808:808", "2002:808:808::1"})
    EXPECT_TRUE(allowed(ok)) << ok;
  for (const char* refused :
       {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
        "127.0.0.1", "127.255.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
        "192.0.2.10", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
        "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        // IPv6: unspecified, loopback, IPv4-compatible, unique local,
        // link-local, site-local, multicast, discard, NAT64 local use,
        // Teredo, benchmarking, ORCHID, documentation (both).
        "::", "::1", "::127.0.0.1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1",
        "100::1", "64:ff9b:1::1", "2001::1", "2001:2::1", "2001:10::1", "2001:db8::1", "3fff::1",
        // Refused IPv4 addresses inside IPv6: mapped, NAT64, 6to4.
        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:c0a8:101::1"})
    EXPECT_FALSE(allowed(refused)) << refused;
}

TEST(Egress, TheOperatorAllowsRanges) {
  const std::vector<Cidr> intranet{cidr("10.20.0.0/16"), cidr("fd00:1::/32"), cidr("127.0.0.1")};
  EXPECT_TRUE(allowed("10.20.3.4", intranet));
  EXPECT_TRUE(allowed("::ffff:10.20.3.4", intranet));
  EXPECT_TRUE(allowed("fd00:1:2::3", intranet));
  EXPECT_TRUE(allowed("127.0.0.1", intranet));
  EXPECT_TRUE(allowed("64:ff9b::7f00:1", intranet));  // 127.0.0.1 through NAT64
  EXPECT_FALSE(allowed("10.21.0.1", intranet));
  EXPECT_FALSE(allowed("127.0.0.2", intranet));
  EXPECT_FALSE(allowed("fd00:2::1", intranet));
  EXPECT_FALSE(allowed("::1", intranet));
  EXPECT_TRUE(allowed("8.8.8.8", intranet));

  // Bits past the prefix do not count; bad ranges are refused.
  EXPECT_TRUE(allowed("10.255.0.1", {cidr("10.1.2.3/8")}));
  EXPECT_TRUE(allowed("172.20.0.1", {cidr("172.16.0.0/13")}));
  EXPECT_FALSE(allowed("172.24.0.1", {cidr("172.16.0.0/13")}));
  EXPECT_TRUE(allowed("::1", {cidr("::1/128")}));
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "10.0.0/8",
                          "localhost", "10.0.0.0/8x", "10.0.0.0/ 8"})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(Egress, UrlsAreHttpOrHttps) {
  for (const char* ok : {"http://example.org/feed.ics", "https://example.org:8443/a?b=c",
                         "HTTPS://Example.org/x", "https://user:secret@example.org/cal"})
    EXPECT_TRUE(valid_egress_url(ok)) << ok;
  for (const char* bad : {"", "example.org/feed.ics", "ftp://example.org/x", "file:///etc/passwd",
                          "gopher://example.org/", "webcal://example.org/x", "http://",
                          "http://exa mple.org/", "http://example.org/\x01", "dict://x:11211/"})
    EXPECT_FALSE(valid_egress_url(bad)) << bad;
  EXPECT_FALSE(valid_egress_url("http://example.org/" + std::string(2040, 'a')));
}

struct Fetch : ::testing::Test {
  testing::Origin origin;
  EgressConfig config(std::vector<Cidr> allow = {}) {
    EgressConfig c;
    c.enabled = true;
    c.allow = std::move(allow);
    c.timeout_ms = 1'000;
    c.max_bytes = 4096;
    return c;
  }
};

TEST_F(Fetch, RefusedAddressesAreNeverAsked) {
  origin.set("/feed.ics", {.body = "BEGIN:VCALENDAR"});
  // Off: nothing fetched.
  EXPECT_EQ(Egress(EgressConfig{}).get(origin.url("/feed.ics")).error().reason, "egress_disabled");
  // Loopback, by address and by name, unless allowed.
  Egress closed(config());
  for (const std::string& url :
       {origin.url("/feed.ics"), "http://localhost:" + std::to_string(origin.port()) + "/feed.ics",
        "http://[::1]:" + std::to_string(origin.port()) + "/feed.ics",
        "http://[::ffff:127.0.0.1]:" + std::to_string(origin.port()) + "/feed.ics"}) {
    auto r = closed.get(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().reason, "address_refused") << url;
    EXPECT_EQ(r.error().message.find("feed"), std::string::npos) << "no URL in messages";
  }
  EXPECT_EQ(origin.hits("/feed.ics"), 0);

  Egress open(config({cidr("127.0.0.1/32")}));
  auto ok = open.get(origin.url("/feed.ics"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "BEGIN:VCALENDAR");
  // By name too, though "localhost" also names ::1, which stays refused.
  auto by_name = open.get("http://localhost:" + std::to_string(origin.port()) + "/feed.ics");
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ(by_name->body, "BEGIN:VCALENDAR");
  EXPECT_EQ(origin.hits("/feed.ics"), 2);
  EXPECT_EQ(open.get("ftp://127.0.0.1/x").error().reason, "invalid_url");
}

TEST_F(Fetch, RedirectsAreCheckedAsTheFirstRequest) {
  const std::string port = std::to_string(origin.port());
  origin.set("/feed.ics", {.body = "here"});
  origin.set("/moved", {.status = 301, .headers = {{"Location", "/feed.ics"}}});
  origin.set("/away",
             {.status = 302, .headers = {{"Location", "http://127.0.0.2:" + port + "/feed.ics"}}});
  origin.set("/metadata",
             {.status = 302, .headers = {{"Location", "http://169.254.169.254/latest"}}});
  origin.set("/file", {.status = 302, .headers = {{"Location", "file:///etc/passwd"}}});
  origin.set("/loop", {.status = 302, .headers = {{"Location", "/loop"}}});
  Egress egress(config({cidr("127.0.0.1/32")}));
  auto moved = egress.get(origin.url("/moved"));
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->body, "here");
  for (const char* path : {"/away", "/metadata", "/file"}) {
    auto r = egress.get(origin.url(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().reason, "address_refused") << path;
  }
  EXPECT_EQ(origin.hits("/feed.ics"), 1);
  auto loop = egress.get(origin.url("/loop"));
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().reason, "unreachable");
  EXPECT_EQ(origin.hits("/loop"), 6);  // the first request and 5 redirects
}

TEST_F(Fetch, AnswersAreBoundedInSizeAndTime) {
  origin.set("/big", {.body = std::string(5000, 'x')});
  origin.set("/fits", {.body = std::string(4096, 'x')});
  origin.set("/slow", {.body = "late", .delay_ms = 1'500});
  Egress egress(config({cidr("127.0.0.1/32")}));
  EXPECT_EQ(egress.get(origin.url("/big")).error().code, Errc::too_large);
  EXPECT_EQ(egress.get(origin.url("/fits"))->body.size(), 4096u);
  auto slow = egress.get(origin.url("/slow"));
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().reason, "unreachable");
}

TEST_F(Fetch, AConditionalFetchSendsWhatTheLastAnswerSaid) {
  origin.set("/feed.ics",
             {.body = "v1",
              .headers = {{"ETag", "\"7\""}, {"Last-Modified", "Mon, 07 Dec 2026 08:00:00 GMT"}}});
  Egress egress(config({cidr("127.0.0.1/32")}));
  auto first = egress.get(origin.url("/feed.ics"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->etag, "\"7\"");
  EXPECT_EQ(first->last_modified, "Mon, 07 Dec 2026 08:00:00 GMT");
  origin.set("/feed.ics", {.status = 304});
  auto again = egress.get(origin.url("/feed.ics"), first->etag, first->last_modified);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(origin.last_header("/feed.ics", "If-None-Match"), "\"7\"");
  EXPECT_EQ(origin.last_header("/feed.ics", "If-Modified-Since"), "Mon, 07 Dec 2026 08:00:00 GMT");
}

}  // namespace
}  // namespace ruche::http
