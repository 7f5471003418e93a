#include "platform/mentions.hpp"

#include <gtest/gtest.h>

namespace ruche::platform {
namespace {

TEST(Mentions, PeopleOnceAndChannel) {
  bool channel = false;
  auto m = parse_mentions(
      "hi <@0123456789abcdefghjkmnpqrs> and <@0123456789abcdefghjkmnpqrs>, <!channel> "
      "<@nope> <@0123456789abcdefghjkmnpqr>",
      channel);
  EXPECT_TRUE(channel);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], "0123456789abcdefghjkmnpqrs");
  EXPECT_TRUE(parse_mentions("nothing here <", channel).empty());
  EXPECT_FALSE(channel);
  EXPECT_TRUE(parse_mentions("<@0123456789abcdefghjkmnpqrs", channel).empty());
}

}  // namespace
}  // namespace ruche::platform
