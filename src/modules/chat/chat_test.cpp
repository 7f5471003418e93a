#include <gtest/gtest.h>

#include "modules/chat/chat.hpp"
#include "modules/chat/image.hpp"
#include "modules/chat/query.hpp"
#include "modules/chat/store.hpp"

namespace ruche::chat {
namespace {

TEST(Chat, Fts5QueriesQuoteEveryWord) {
  EXPECT_EQ(store::fts5_query("budget réunion"), "\"budget\" \"réunion\"");
  EXPECT_EQ(store::fts5_query("budg* OR body:x \"quoted\" (NEAR)"),
            "\"budg\"* \"OR\" \"body\" \"x\" \"quoted\" \"NEAR\"");
  EXPECT_EQ(store::fts5_query("  --  "), "");
  // A prefix of three bytes or more; each word once; sixteen words at most.
  EXPECT_EQ(store::fts5_query("a* bu* bud* réu*"), "\"a\" \"bu\" \"bud\"* \"réu\"*");
  EXPECT_EQ(store::fts5_query("bud* bud* bud bud"), "\"bud\"* \"bud\"");
  std::string many;
  for (char ch = 'a'; ch <= 'z'; ++ch) many += std::string(3, ch) + "* ";
  EXPECT_EQ(store::fts5_query(many),
            "\"aaa\"* \"bbb\"* \"ccc\"* \"ddd\"* \"eee\"* \"fff\"* \"ggg\"* \"hhh\"* \"iii\"* "
            "\"jjj\"* \"kkk\"* \"lll\"* \"mmm\"* \"nnn\"* \"ooo\"* \"ppp\"*");
}

// PostgreSQL's parsed words (both languages), read against what ANALYZE
// keeps: AND multiplies, either language adds, words it does not list count
// as its rarest; anything but ANDed words is not estimated.
TEST(Chat, EstimatesTheShareOfMessagesAQueryMatches) {
  store::WordShares s;
  EXPECT_FALSE(store::estimated_share(s, "'budget'", "'budget'"));  // never analysed
  s.common = {{"budget", 0.5}, {"reunion", 0.2}, {"réunion", 0.1}, {"l'école", 0.25}};
  s.rarer = 0.001;
  s.rows = 1000;
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'budget'", "'budget'"), 0.5);
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'budget' & 'réunion'", "'budget' & 'reunion'"),
                   0.05 + 0.1);
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'budget' & 'mot747'", "'budget' & 'mot747'"),
                   0.0005);
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'l''école'", "'l''école'"), 0.25);  // quotes doubled
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'budget'", "'budget' & 'budget' & 'budget'"),
                   0.5 + 0.125);
  EXPECT_DOUBLE_EQ(*store::estimated_share(s, "'réunion' & 'reunion'", "'réunion' & 'reunion'"),
                   0.02);
  for (const char* not_and : {"'budget' | 'mot747'", "!'budget'", "'budget' <-> 'reunion'",
                              "'budg':*", "( 'budget' & 'reunion' )", "'budget' &", "'budget", ""})
    EXPECT_FALSE(store::estimated_share(s, not_and, "'budget'")) << not_and;
  EXPECT_FALSE(store::estimated_share(s, "'budget'", "'budget' | 'reunion'"));
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s += static_cast<char>(x);
  return s;
}

TEST(Image, PngGifAndWebpHeaders) {
  std::string png = bytes({0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                           0, 0, 0x01, 0x40, 0, 0, 0, 0xf0, 8, 6, 0, 0, 0});
  auto p = sniff_image(png);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content_type, "image/png");
  EXPECT_EQ(p->width, 320u);
  EXPECT_EQ(p->height, 240u);
  EXPECT_FALSE(sniff_image(png.substr(0, 20)));  // cut before the height

  auto g = sniff_image("GIF89a" + bytes({0x10, 0x00, 0x20, 0x00}) + "rest");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->content_type, "image/gif");
  EXPECT_EQ(g->width, 16u);
  EXPECT_EQ(g->height, 32u);
  EXPECT_FALSE(sniff_image("GIF89a" + bytes({0, 0, 0x20, 0})));  // zero width

  std::string lossy = "RIFF" + bytes({0, 0, 0, 0}) + "WEBPVP8 " + bytes({0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a,
                                                                          0x80, 0x02, 0xe0, 0x01});
  auto w = sniff_image(lossy);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->content_type, "image/webp");
  EXPECT_EQ(w->width, 640u);
  EXPECT_EQ(w->height, 480u);
  // Lossless 3 x 5: width - 1 = 2, height - 1 = 4 on 14 bits each.
  std::string lossless = "RIFF" + bytes({0, 0, 0, 0}) + "WEBPVP8L" + bytes({0, 0, 0, 0, 0x2f, 0x02, 0x00, 0x01, 0x00,
                                                                            0, 0, 0, 0, 0});
  auto l = sniff_image(lossless);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->width, 3u);
  EXPECT_EQ(l->height, 5u);
  std::string extended = "RIFF" + bytes({0, 0, 0, 0}) + "WEBPVP8X" + bytes({10, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x07, 0x00,
                                                                            0x37, 0x04, 0x00});
  auto x = sniff_image(extended);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->width, 1920u);
  EXPECT_EQ(x->height, 1080u);
}

TEST(Image, JpegFrameAfterMetadataSegments) {
  std::string exif = bytes({0xff, 0xe1, 0x00, 0x10}) + std::string(14, 'x');
  std::string sof = bytes({0xff, 0xc2, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03});
  std::string jpg = bytes({0xff, 0xd8}) + exif + bytes({0xff, 0xff}) + sof + std::string(20, '\0');
  auto j = sniff_image(jpg);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->content_type, "image/jpeg");
  EXPECT_EQ(j->width, 800u);
  EXPECT_EQ(j->height, 600u);
  EXPECT_FALSE(sniff_image(bytes({0xff, 0xd8}) + exif));             // no frame within the head
  EXPECT_FALSE(sniff_image(bytes({0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01})));  // bad segment length
  EXPECT_FALSE(sniff_image(bytes({0xff, 0xd8, 0xff, 0xda, 0x00, 0x08})));  // scan before any frame
}

TEST(Image, WhatIsNotAnImage) {
  EXPECT_FALSE(sniff_image(""));
  EXPECT_FALSE(sniff_image("<html><script>alert(1)</script></html>"));
  EXPECT_FALSE(sniff_image("<svg xmlns='http://www.w3.org/2000/svg'/>"));
  EXPECT_FALSE(sniff_image("RIFF\0\0\0\0WAVEfmt "));
  EXPECT_FALSE(sniff_image(std::string_view("\x89PNG\r\n\x1a\n", 8)));
}

}  // namespace
}  // namespace ruche::chat
