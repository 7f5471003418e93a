// The export's archive writer, read back by GNU tar: documents, folders,
// contents larger than the write buffer, JSON Lines split into pages, and a
// content that does not match its recorded size failing the export.
#include "platform/export.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ruche::platform {
namespace {

namespace fs = std::filesystem;

struct Capture : http::BodyWriter {
  std::string bytes;
  int writes = 0;
  Result<void> write(std::string_view d) override {
    bytes += d;
    ++writes;
    return {};
  }
};

// Contents whose bytes follow from their size: `size` times the letter of
// the first chunk's size modulo 26, given in pieces of at most 100 KiB.
ExportWriter::ContentSource fake_contents(std::uint64_t actual_size_delta = 0) {
  return [actual_size_delta](const std::vector<blob::ChunkRef>& chunks, std::uint64_t size,
                             FunctionRef<Result<void>(std::string_view)> sink) -> Result<std::uint64_t> {
    const char letter = static_cast<char>('a' + (chunks.empty() ? 0 : chunks[0].size_bytes % 26));
    const std::uint64_t total = size + actual_size_delta;
    for (std::uint64_t done = 0; done < total;) {
      const std::uint64_t n = std::min<std::uint64_t>(total - done, 100u << 10);
      RUCHE_CHECK(sink(std::string(n, letter)));
      done += n;
    }
    return total;
  };
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Records first, into the spool (in memory, or on disk past its limit);
// the contents are read by send() only, once the records are all kept.
TEST(ExportWriter, GnuTarReadsTheArchive) {
  for (const std::size_t spool_memory : {ExportWriter::kSpoolMemory, std::size_t{1000}}) {
    SCOPED_TRACE(spool_memory);
    const fs::path dir = fs::temp_directory_path() / ("ruche-export-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "out");
    fs::create_directories(dir / "spool");
    Capture body;
    int reads = 0;
    ExportWriter out(
        [&reads, contents = fake_contents()](const std::vector<blob::ChunkRef>& chunks, std::uint64_t size,
                                             FunctionRef<Result<void>(std::string_view)> sink) {
          ++reads;
          return contents(chunks, size, sink);
        },
        (dir / "spool").string(), spool_memory);
    const std::int64_t t = 1'700'000'000'000;
    ASSERT_TRUE(out.add("README.txt", "hello\n", t));
    ASSERT_TRUE(out.add_json("workspace.json", json::object{{"name", "Équipe"}}, t));
    ASSERT_TRUE(out.add_folder("files/tree/Docs", t));
    blob::ChunkRef chunk{};
    chunk.id = std::string(64, 'f');
    chunk.size_bytes = 2;  // 'c'
    ASSERT_TRUE(out.add_content("files/tree/Docs/big.bin", 700'000, t + 5'000, {chunk}));
    ASSERT_TRUE(out.add_content("files/tree/empty", 0, t, {}));
    JsonLinesPages lines(out, "chat/messages/c1", t);
    for (int i = 0; i < 2500; ++i) ASSERT_TRUE(lines.add(json::object{{"seq", i + 1}}));
    ASSERT_TRUE(lines.finish());
    JsonLinesPages none(out, "chat/messages/c2", t);
    ASSERT_TRUE(none.finish());
    ASSERT_TRUE(out.finish());
    EXPECT_FALSE(out.add("late.txt", "", t));
    EXPECT_EQ(reads, 0);
    EXPECT_TRUE(body.bytes.empty());
    EXPECT_LT(out.spooled_bytes(), 100'000u);  // the contents as references
    EXPECT_TRUE(fs::is_empty(dir / "spool"));  // on disk or not, nothing with a name
    ASSERT_TRUE(out.send(body));
    EXPECT_EQ(reads, 2);
    EXPECT_EQ(out.content_bytes(), 700'000u);
    EXPECT_LT(body.writes, 20);  // gathered, not a write per header
    std::ofstream(dir / "a.tar", std::ios::binary) << body.bytes;

    const std::string cmd = "tar -x -f '" + (dir / "a.tar").string() + "' -C '" + (dir / "out").string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(slurp(dir / "out/README.txt"), "hello\n");
    EXPECT_EQ(slurp(dir / "out/workspace.json"), "{\"name\":\"Équipe\"}\n");
    EXPECT_EQ(slurp(dir / "out/files/tree/Docs/big.bin"), std::string(700'000, 'c'));
    EXPECT_EQ(fs::last_write_time(dir / "out/files/tree/Docs/big.bin").time_since_epoch(),
              fs::file_time_type::clock::from_sys(std::chrono::sys_seconds(std::chrono::seconds(1'700'000'005)))
                  .time_since_epoch());
    EXPECT_EQ(slurp(dir / "out/files/tree/empty"), "");
    // 2,500 lines: pages of 1,000, 1,000 and 500, in order.
    std::vector<std::string> pages;
    for (const auto& e : fs::directory_iterator(dir / "out/chat/messages/c1")) pages.push_back(e.path().filename());
    std::sort(pages.begin(), pages.end());
    ASSERT_EQ(pages, (std::vector<std::string>{"000001.jsonl", "000002.jsonl", "000003.jsonl"}));
    int expected = 1;
    for (const auto& p : pages) {
      std::istringstream in(slurp(dir / "out/chat/messages/c1" / p));
      int count = 0;
      for (std::string line; std::getline(in, line); ++count) {
        auto v = json::parse(line);
        ASSERT_TRUE(v) << line;
        EXPECT_EQ(v->at("seq").as_int64(), expected++);
      }
      EXPECT_EQ(count, p == "000003.jsonl" ? 500 : 1000);
    }
    EXPECT_FALSE(fs::exists(dir / "out/chat/messages/c2"));  // nothing, not an empty page
    fs::remove_all(dir);
  }
}

// A content is checked against its recorded size as it is sent: the
// archive stops there, after the bytes that fitted.
TEST(ExportWriter, AContentOfAnotherSizeFailsTheExport) {
  const std::string spool = fs::temp_directory_path().string();
  Capture body;
  ExportWriter longer(fake_contents(1), spool);
  ASSERT_TRUE(longer.add_content("x", 10, 0, {}));
  ASSERT_TRUE(longer.finish());
  EXPECT_FALSE(longer.send(body));
  ExportWriter shorter([](const std::vector<blob::ChunkRef>&, std::uint64_t,
                          FunctionRef<Result<void>(std::string_view)> sink) -> Result<std::uint64_t> {
    RUCHE_CHECK(sink("abc"));
    return 3;
  },
                       spool);
  ASSERT_TRUE(shorter.add_content("x", 10, 0, {}));
  // Paths that would escape the extraction folder are refused.
  EXPECT_FALSE(shorter.add("../x", "y", 0));
  EXPECT_FALSE(shorter.add_folder("/etc", 0));
  ASSERT_TRUE(shorter.finish());
  auto sent = shorter.send(body);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("shorter than recorded: x"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace ruche::platform
