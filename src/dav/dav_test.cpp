#include <gtest/gtest.h>

#include <algorithm>

#include "dav/dav.hpp"
#include "dav/ical.hpp"
#include "dav/xml.hpp"

namespace ruche::dav {
namespace {

TEST(DavXml, RefusesDoctypesAndEntities) {
  EXPECT_FALSE(parse_xml("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>"));
  EXPECT_FALSE(parse_xml("<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>"));
  EXPECT_FALSE(parse_xml("<x>&undefined;</x>"));
  EXPECT_FALSE(parse_xml("<a:x xmlns:a=\"DAV:\"><b:y xmlns:b=\"\"/></a:x>"));
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_FALSE(parse_xml(deep));
  auto ok = parse_xml("<D:propfind xmlns:D=\"DAV:\"><D:prop><x:a xmlns:x=\"urn:x\">v</x:a></D:prop></D:propfind>");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->is("DAV:", "propfind"));
  EXPECT_EQ(ok->children.at(0).children.at(0).ns, "urn:x");
}

TEST(DavXml, SerializesValuesWithTheirNamespaces) {
  auto e = parse_xml("<a xmlns=\"urn:a\"><b xmlns=\"urn:b\" x=\"1&amp;\">t&lt;</b></a>");
  ASSERT_TRUE(e);
  std::string s = serialize_content(*e);
  auto back = parse_xml("<w>" + s + "</w>");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->children.at(0).ns, "urn:b");
  EXPECT_EQ(back->children.at(0).text, "t<");
}

// Found by fuzz_dav: dead property values must serialize to XML that parses
// back the same, whatever their namespaces.
TEST(DavXml, RoundTripsOddNamespaces) {
  for (const char* text : {
           "<a xmlns:p=\"u|n:p\" p:q=\"v\"/>",     // a URI containing the separator
           "<a xml:lang=\"fr\" xml:space=\"preserve\">t</a>",  // the predeclared xml prefix
       }) {
    auto e = parse_xml(text);
    ASSERT_TRUE(e) << text;
    std::string once = serialize_element(*e);
    auto again = parse_xml(once);
    ASSERT_TRUE(again) << once;
    EXPECT_EQ(serialize_element(*again), once);
    EXPECT_EQ(again->attrs, e->attrs) << once;
  }
}

TEST(Dav, ParsesIfHeaders) {
  auto l = parse_if("<http://h/a> (<urn:uuid:1> [\"e1\"]) (Not <DAV:no-lock>)");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].resource, "http://h/a");
  EXPECT_EQ((*l)[1].resource, "http://h/a");
  EXPECT_TRUE((*l)[0].conditions[1].is_etag);
  EXPECT_TRUE((*l)[1].conditions[0].negate);
  EXPECT_TRUE(parse_if("(<urn:x> [\"cut"));  // litmus truncates long headers
  EXPECT_FALSE(parse_if("(<urn:x"));
  EXPECT_FALSE(parse_if("garbage"));
  std::vector<std::string> submitted;
  auto state = [](const std::string&) {
    return ResourceState{true, "\"e1\"", {"urn:uuid:1"}};
  };
  EXPECT_TRUE(evaluate_if(*l, state, submitted));
  EXPECT_EQ(submitted, std::vector<std::string>{"urn:uuid:1"});
  submitted.clear();
  auto bad = parse_if("(<urn:uuid:2>) ([\"nope\"])");
  EXPECT_FALSE(evaluate_if(*bad, state, submitted));
}

TEST(Dav, LockCoverageAndConflicts) {
  Lock l{.token = "t", .root = "/a", .exclusive = true, .infinite = true};
  EXPECT_TRUE(covers(l, "/a/b/c"));
  EXPECT_FALSE(covers(l, "/ab"));
  l.infinite = false;
  EXPECT_FALSE(covers(l, "/a/b"));
  EXPECT_TRUE(conflicts(l, "/", true, true));
  EXPECT_FALSE(conflicts(l, "/", true, false));
  Lock shared{.token = "s", .root = "/x", .exclusive = false};
  EXPECT_FALSE(conflicts(shared, "/x", false, false));
  EXPECT_TRUE(conflicts(shared, "/x", true, false));
}

// If-Match compares strongly, If-None-Match weakly (RFC 9110, 8.8.3.2).
TEST(Dav, EntityTagLists) {
  const std::string_view tag = "\"abc\"";
  EXPECT_TRUE(etag_listed("\"abc\"", tag, false));
  EXPECT_TRUE(etag_listed(" \"x\" ,\t\"abc\" ", tag, false));
  EXPECT_TRUE(etag_listed("*", tag, false));
  EXPECT_FALSE(etag_listed("W/\"abc\"", tag, false));
  EXPECT_TRUE(etag_listed("W/\"abc\"", tag, true));
  EXPECT_TRUE(etag_listed("\"x\", W/\"abc\"", tag, true));
  EXPECT_FALSE(etag_listed("\"abcd\", \"ab\"", tag, false));  // a list is not a substring search
  EXPECT_FALSE(etag_listed("abc", tag, true));
  EXPECT_FALSE(etag_listed("", tag, true));
  EXPECT_FALSE(etag_listed(",,", tag, true));
}

TEST(Dav, Headers) {
  EXPECT_EQ(parse_timeout_s("Second-100", 600, 3600), 100);
  EXPECT_EQ(parse_timeout_s("Infinite, Second-4100000000", 600, 3600), 3600);
  EXPECT_EQ(parse_timeout_s("bogus", 600, 3600), 600);
  EXPECT_EQ(parse_depth("infinity", Depth::zero), Depth::infinity);
  EXPECT_FALSE(parse_depth("2", Depth::zero));
  EXPECT_EQ(*parse_http_date(http_date(784111777000)), 784111777000);
  EXPECT_EQ(http_date(784111777000), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(1'800'000'000'000), "Fri, 15 Jan 2027 08:00:00 GMT");
  EXPECT_EQ(parse_http_date("Thu, 29 Feb 2024 23:59:60 GMT\n"), 1'709'251'199'000);  // leap day, leap second
  // The obsolete forms a recipient must still accept (RFC 9110, 5.6.7).
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777000);
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-30 00:00:00 GMT"), 1'893'456'000'000);  // 2030
  for (const char* bad : {"Fri, 30 Feb 2024 10:00:00 GMT", "Thu, 29 Feb 2023 10:00:00 GMT",
                          "Thu, 31 Apr 2025 10:00:00 GMT", "Sun, 06 Nov 1994 -1:49:37 GMT",
                          "Sun, 06 Nov 1994 08:-4:37 GMT", "Fri, 31 Dec 99999 23:59:59 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT garbage", "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1969 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT", "garbage", "",
                          "Sundae, 06-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
                          "Sun Nov 31 08:49:37 1994", "Sun Nov  6 08:49:37 1994 GMT", "Sun Nov  6 08:49:37"}) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
  std::string iso;
  append_iso8601(iso, 951'782'400'000);  // a leap day
  EXPECT_EQ(iso, "2000-02-29T00:00:00Z");
  EXPECT_EQ(encode_path("/a b/é"), "/a%20b/%C3%A9");
  EXPECT_EQ(parent_path("/a/b"), "/a");
  EXPECT_EQ(parent_path("/a"), "/");
}

TEST(Dav, Bodies) {
  auto p = parse_propfind("");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, PropfindRequest::allprop);
  auto lock = parse_lockinfo(
      "<D:lockinfo xmlns:D='DAV:'><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype>"
      "<D:owner><D:href>me</D:href></D:owner></D:lockinfo>");
  ASSERT_TRUE(lock && *lock);
  EXPECT_FALSE((*lock)->exclusive);
  auto ops = parse_proppatch(
      "<D:propertyupdate xmlns:D='DAV:' xmlns:Z='urn:z'><D:set><D:prop><Z:a>1</Z:a></D:prop></D:set>"
      "<D:remove><D:prop><Z:b/></D:prop></D:remove></D:propertyupdate>");
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 2u);
  EXPECT_TRUE((*ops)[1].remove);
}

}  // namespace
// A listing of any size: what is built moves to a spool a MiB at a time,
// the answer is the same bytes (from memory, or streamed from a file), and a
// spool that cannot be written is an error, with nothing more kept.
TEST(Dav, MultistatusOutgrowsMemory) {
  auto build = [](Multistatus& ms, bool spill, std::size_t* most = nullptr) {
    for (int i = 0; i < 30'000; ++i) {
      ms.response("/dav/files/ws/dossier " + std::to_string(i) + "/",
                  {{200, "<D:getetag>\"" + std::string(40, 'a') + "\"</D:getetag>"}});
      if (spill) ms.spill();
      if (most) *most = std::max(*most, ms.size());
    }
  };
  Multistatus whole;
  build(whole, false);
  const std::string expected = whole.finish();
  ASSERT_GT(expected.size(), 3u << 20);

  struct Collect : http::BodyWriter {
    std::string got;
    Result<void> write(std::string_view d) override {
      got += d;
      return {};
    }
  };
  const std::string folder = ::testing::TempDir();
  for (std::size_t memory : {std::size_t{64} << 20, std::size_t{1} << 20}) {
    Multistatus ms;
    ms.spool_past_memory(folder, memory);
    std::size_t most = 0;
    build(ms, true, &most);
    EXPECT_LE(most, (1u << 20) + 4096);  // never much more than a MiB held
    auto answer = ms.answer();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 207);
    if (memory > expected.size()) {
      EXPECT_FALSE(answer->stream);
      EXPECT_EQ(answer->body, expected);
    } else {
      ASSERT_TRUE(answer->stream);
      EXPECT_EQ(answer->content_length.value_or(0), expected.size());
      Collect out;
      ASSERT_TRUE(answer->stream(out));
      EXPECT_EQ(out.got, expected);
    }
  }

  Multistatus failing;
  failing.spool_past_memory("/nonexistent/ruche-spool", 0);
  std::size_t most = 0;
  build(failing, true, &most);
  EXPECT_LE(most, (1u << 20) + 4096);
  EXPECT_FALSE(failing.answer());

  // Without spool_past_memory(), spill() keeps everything where it is.
  Multistatus plain;
  build(plain, true);
  EXPECT_EQ(plain.answer()->body, expected);
}

TEST(Ical, EscapesTextAndFoldsLongLinesBetweenCharacters) {
  EXPECT_EQ(ical_escape("a;b,c\\d\r\ne\nf\x01g"), "a\\;b\\,c\\\\d\\ne\\nfg");
  EXPECT_EQ(ical_utc(1'800'000'000'123), "20270115T080000Z");
  IcalWriter w;
  w.begin("VTODO");
  // 70 bytes of "é" (2 bytes each) after "SUMMARY:": folding must not cut one.
  std::string summary;
  for (int i = 0; i < 70; ++i) summary += "\xc3\xa9";
  w.text("SUMMARY", summary);
  w.texts("CATEGORIES", {"a,b", "c"});
  w.end("VTODO");
  const std::string& out = w.str();
  std::string unfolded;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t eol = out.find("\r\n", start);
    ASSERT_NE(eol, std::string::npos);
    std::string line = out.substr(start, eol - start);
    EXPECT_LE(line.size(), 75u) << line;
    // A continuation line never starts inside a character.
    if (line[0] == ' ') {
      EXPECT_NE(static_cast<unsigned char>(line[1]) & 0xC0, 0x80);
      unfolded += line.substr(1);
    } else {
      if (!unfolded.empty()) unfolded += "\n";
      unfolded += line;
    }
    start = eol + 2;
  }
  EXPECT_EQ(unfolded, "BEGIN:VTODO\nSUMMARY:" + summary + "\nCATEGORIES:a\\,b,c\nEND:VTODO");
}

}  // namespace ruche::dav
