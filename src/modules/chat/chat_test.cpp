#include <gtest/gtest.h>

#include "modules/chat/chat.hpp"
#include "modules/chat/store.hpp"

namespace ruche::chat {
namespace {

TEST(Chat, ParsesMentions) {
  bool channel = false;
  auto m = parse_mentions("hi <@0123456789abcdefghjkmnpqrs> and <@0123456789abcdefghjkmnpqrs>, <!channel> "
                          "<@nope> <@0123456789abcdefghjkmnpqr>",
                          channel);
  EXPECT_TRUE(channel);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], "0123456789abcdefghjkmnpqrs");
  parse_mentions("nothing here <", channel);
  EXPECT_FALSE(channel);
}

TEST(Chat, Fts5QueriesQuoteEveryWord) {
  EXPECT_EQ(store::fts5_query("budget réunion"), "\"budget\" \"réunion\"");
  EXPECT_EQ(store::fts5_query("budg* OR body:x \"quoted\" (NEAR)"),
            "\"budg\"* \"OR\" \"body\" \"x\" \"quoted\" \"NEAR\"");
  EXPECT_EQ(store::fts5_query("  --  "), "");
}

}  // namespace
}  // namespace ruche::chat
