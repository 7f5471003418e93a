#include <gtest/gtest.h>

#include "modules/files/files.hpp"
#include "modules/files/store.hpp"

namespace ruche::files {
namespace {

TEST(Files, NamesAreNfcAndSafe) {
  EXPECT_EQ(*normalize_name("e\xCC\x81t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // NFD -> NFC
  EXPECT_EQ(*normalize_name("Été 2026.odt"), "Été 2026.odt");
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                          std::string("a\\b"), std::string("a\0b", 3), std::string("a\nb"), std::string("\x7f"),
                          std::string("\xC2\x85"),          // C1 control
                          std::string("\xC0\xAE\xC0\xAE"),  // overlong ".."
                          std::string("\xE0\x80\xAF"),      // overlong '/'
                          std::string("\xED\xA0\x80"),      // surrogate
                          std::string("\xFF"), std::string(256, 'a')}) {
    auto r = normalize_name(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().reason, "invalid_name");
    }
  }
  EXPECT_TRUE(normalize_name(std::string(255, 'a')));
  EXPECT_TRUE(normalize_name("Case.TXT"));
}

TEST(Files, SplitsPaths) {
  auto p = split_path("/a/b/");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_path("/")->empty());
  EXPECT_FALSE(split_path("/a//b"));
  EXPECT_FALSE(split_path("/a/../b"));
}

TEST(Files, DangerousTypesAreNeverServedAsIs) {
  EXPECT_FALSE(safe_to_serve(content_type_for("x.svg")));
  EXPECT_FALSE(safe_to_serve(content_type_for("x.HTML")));
  EXPECT_FALSE(safe_to_serve(content_type_for("x.xhtml")));
  EXPECT_TRUE(safe_to_serve(content_type_for("x.pdf")));
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
}

TEST(Files, ChunkListsRoundTrip) {
  std::vector<blob::ChunkRef> chunks = {{std::string(64, 'a'), 1}, {std::string(64, '0'), 5ull << 32}};
  auto back = store::unpack_chunks(store::pack_chunks(chunks));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, chunks);
  EXPECT_FALSE(store::unpack_chunks("short"));
}

}  // namespace
}  // namespace ruche::files
