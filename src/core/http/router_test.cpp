#include <gtest/gtest.h>

#include "core/http/router.hpp"

namespace ruche::http {
namespace {

Handler tag(std::string name) {
  return [name](Request&) {
    Response r;
    r.body = name;
    return r;
  };
}

std::string run(const Match& m) {
  Request req;
  return m.route ? m.route->handler(req).body : "";
}

TEST(Router, MatchesLiteralsBeforeParametersBeforeTails) {
  Router r;
  r.add("GET", "/api/v1/workspaces", tag("list"));
  r.add("GET", "/api/v1/workspaces/{id}", tag("get"));
  r.add("GET", "/api/v1/workspaces/mine", tag("mine"));
  r.add("GET", "/api/v1/workspaces/{id}/members/{user_id}", tag("member"));
  r.add("*", "/dav/files/{ws}/{*path}", tag("dav"));
  EXPECT_EQ(run(r.match("GET", "/api/v1/workspaces")), "list");
  EXPECT_EQ(run(r.match("GET", "/api/v1/workspaces/mine")), "mine");
  auto m = r.match("GET", "/api/v1/workspaces/abc");
  EXPECT_EQ(run(m), "get");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "abc");
  m = r.match("GET", "/api/v1/workspaces/a%20b/members/u1");
  EXPECT_EQ(run(m), "member");
  EXPECT_EQ(m.params[0].second, "a b");
  EXPECT_EQ(m.params[1].second, "u1");
  m = r.match("PROPFIND", "/dav/files/w1/docs/a%20file.txt");
  EXPECT_EQ(run(m), "dav");
  EXPECT_EQ(m.params[1].first, "path");
  EXPECT_EQ(m.params[1].second, "docs/a%20file.txt");  // tails stay encoded
  m = r.match("OPTIONS", "/dav/files/w1/");
  EXPECT_EQ(run(m), "dav");
  EXPECT_EQ(m.params[1].second, "");
}

TEST(Router, ReportsMethodNotAllowedWithAllow) {
  Router r;
  r.add("GET", "/a/{x}", tag("get"));
  r.add("DELETE", "/a/{x}", tag("del"));
  auto m = r.match("POST", "/a/1");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched);
  EXPECT_NE(m.allow.find("DELETE"), std::string::npos);
  EXPECT_EQ(run(r.match("HEAD", "/a/1")), "get");  // HEAD falls back to GET
}

TEST(Router, UnknownPathsDoNotMatch) {
  Router r;
  r.add("GET", "/a/{x}", tag("get"));
  auto m = r.match("GET", "/a/1/2");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_matched);
  EXPECT_EQ(r.match("GET", "/a/").route, nullptr);  // empty segment is not a parameter
  EXPECT_EQ(r.match("GET", "/b").route, nullptr);
}

TEST(Router, RefusesDotSegmentsAndBadEscapes) {
  Router r;
  r.add("*", "/dav/{*p}", tag("dav"));
  for (const char* bad : {"/dav/../etc/passwd", "/dav/a/./b", "/dav/%2e%2e/x", "/dav/%2E./x",
                          "/dav/a%zz", "/dav/a%0", "/dav/a%00b", "relative"}) {
    EXPECT_TRUE(r.match("GET", bad).bad_path) << bad;
  }
  EXPECT_FALSE(r.match("GET", "/dav/a..b/c.").bad_path);
}

TEST(Router, RejectsDuplicateAndMalformedPatterns) {
  Router r;
  r.add("GET", "/a/{x}", tag("1"));
  EXPECT_THROW(r.add("GET", "/a/{x}", tag("2")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a/{y}/z", tag("3")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/t/{*rest}/x", tag("4")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "nope", tag("5")), std::invalid_argument);
}

TEST(Message, QueryParametersArePercentDecoded) {
  Request req;
  req.query = "q=caf%C3%A9+au+lait&limit=10&flag&bad=%zz";
  EXPECT_EQ(req.query_param("q"), "café au lait");
  EXPECT_EQ(req.query_param("limit"), "10");
  EXPECT_EQ(req.query_param("flag"), "");
  EXPECT_FALSE(req.query_param("bad").has_value());
  EXPECT_FALSE(req.query_param("absent").has_value());
}

TEST(Message, ErrorResponsesAreJsonWithTheMappedStatus) {
  auto r = error_response(Errc::not_found, "no \"such\" thing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"no \"such\" thing"}})");
  auto internal = error_response(Error{Errc::internal, "sqlite said secret things", ""});
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
  EXPECT_EQ(status_for(Errc::rate_limited), 429);
  EXPECT_EQ(status_for(Errc::insufficient_storage), 507);
}

TEST(Message, PercentEncodingRoundTrips) {
  std::string s = "a b/é?&=%";
  EXPECT_EQ(percent_decode(percent_encode(s)), s);
  EXPECT_EQ(percent_encode("a/b c", true), "a/b%20c");
}

// One byte range, as RFC 9110 section 14 reads; what is not one gets the
// whole representation, what selects nothing a 416.
TEST(Message, ByteRanges) {
  auto range = [](std::string_view h, std::uint64_t size) { return byte_range(h, size); };
  auto is = [](const Result<ByteRange>& r, std::uint64_t offset, std::uint64_t length, bool partial) {
    return r && r->offset == offset && r->length == length && r->partial == partial;
  };
  EXPECT_TRUE(is(range("bytes=0-0", 100), 0, 1, true));
  EXPECT_TRUE(is(range("bytes= 10-19 ", 100), 10, 10, true));
  EXPECT_TRUE(is(range("bytes=90-", 100), 90, 10, true));
  EXPECT_TRUE(is(range("bytes=-5", 100), 95, 5, true));
  EXPECT_TRUE(is(range("bytes=-500", 100), 0, 100, true));
  EXPECT_TRUE(is(range("bytes=0-99999999999999999999999", 100), 0, 100, true));  // past 2^64: to the end
  EXPECT_TRUE(is(range("bytes=-99999999999999999999999", 100), 0, 100, true));
  for (std::string_view h : {"bytes=100-", "bytes=99999999999999999999999-", "bytes=-0"})
    EXPECT_EQ(range(h, 100).error().code, Errc::invalid) << h;
  for (std::string_view h : {"bytes=5-2", "bytes=0-1,5-6", "bytes=abc", "items=0-5", "bytes=1-x", "bytes=-", "bytes=5"})
    EXPECT_TRUE(is(range(h, 100), 0, 100, false)) << h;
  EXPECT_TRUE(is(byte_range(std::nullopt, 100), 0, 100, false));
}

// RFC 6265's "name=value; name=value" in every Cookie field, blanks around
// pairs ignored, pairs without '=' skipped.
TEST(Message, CookiesOfEveryCookieField) {
  Headers h;
  h.add("Cookie", "a=1; ruche_share=x ;b=2;broken; ruche_share=y");
  h.add("cookie", " ruche_share=z;=empty-name");
  std::vector<std::string> shares, names;
  each_cookie(h, [&](std::string_view name, std::string_view value) {
    names.emplace_back(name);
    if (name == "ruche_share") shares.emplace_back(value);
    return true;
  });
  EXPECT_EQ(shares, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(names,
            (std::vector<std::string>{"a", "ruche_share", "b", "ruche_share", "ruche_share", ""}));
  EXPECT_EQ(cookie(h, "b"), "2");
  EXPECT_EQ(cookie(h, "ruche_share"), "x");
  EXPECT_FALSE(cookie(h, "broken"));
  EXPECT_FALSE(cookie(h, "A"));  // names compare exactly
  int seen = 0;
  each_cookie(h, [&](std::string_view, std::string_view) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);  // false stops
  EXPECT_FALSE(cookie(Headers{}, "a"));
}

// The ASCII fallback name is a quoted string that nothing in it can end
// early or leave the header by.
TEST(Message, ContentDispositionKeepsItsNamesInside) {
  EXPECT_EQ(content_disposition("attachment", "été.txt", "ete.txt"),
            "attachment; filename=\"ete.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt");
  EXPECT_EQ(content_disposition("inline", "a\"b\r\nSet-Cookie: x", "a\"b\\\r\nX: y\x80"),
            "inline; filename=\"a_b___X: y_\"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x");
}

}  // namespace
}  // namespace ruche::http
