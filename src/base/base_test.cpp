#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/fnv.hpp"
#include "base/id.hpp"
#include "base/json.hpp"
#include "base/log.hpp"
#include "base/result.hpp"
#include "base/sendable_arena.hpp"
#include "base/spool.hpp"
#include "base/tar.hpp"
#include "base/text.hpp"
#include "base/uninitialized.hpp"
#include "base/utf8.hpp"

namespace ruche {
namespace {

TEST(Clock, FormatsAndParsesIso8601) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1'798'761'600'123), "2027-01-01T00:00:00.123Z");
  std::int64_t t = 0;
  ASSERT_TRUE(parse_iso8601("2027-01-01T00:00:00.123Z", t));
  EXPECT_EQ(t, 1'798'761'600'123);
  ASSERT_TRUE(parse_iso8601("2027-01-01", t));
  EXPECT_EQ(t, 1'798'761'600'000);
  ASSERT_TRUE(parse_iso8601("2027-01-01T02:00:00+02:00", t));
  EXPECT_EQ(t, 1'798'761'600'000);
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Clock, RejectsMalformedTimestamps) {
  std::int64_t t = 0;
  for (const char* bad : {"", "2027", "2027-13-01", "2027-02-30", "2027-01-01T10:00",
                          "2027-01-01T25:00:00Z", "2027-01-01T10:00:00Zjunk", "abcd-ef-gh"}) {
    EXPECT_FALSE(parse_iso8601(bad, t)) << bad;
  }
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(1000);
  EXPECT_EQ(c.now_ms(), 1000);
  c.advance_ms(500);
  EXPECT_EQ(c.now_ms(), 1500);
}

// RFC 3629: what WebSocket text frames, JSON strings, query parameters and
// file names are checked with.
TEST(Utf8, ValidOnlyWithoutOverlongsSurrogatesOrTruncation) {
  EXPECT_TRUE(valid_utf8("héllo €𝄞"));
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_FALSE(valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xff"));
}

TEST(Id, ValidatesShape) {
  EXPECT_TRUE(is_id("0123456789abcdefghjkmnpqrs"));
  EXPECT_FALSE(is_id("0123456789abcdefghjkmnpqr"));     // too short
  EXPECT_FALSE(is_id("0123456789abcdefghjkmnpqrI"));    // upper case
  EXPECT_FALSE(is_id("0123456789abcdefghjkmnpq/."));    // punctuation
  EXPECT_FALSE(is_id("0123456789abcdefghjkmnpqru"));    // 'u' not in the alphabet
  UserId a("x"), b("x");
  EXPECT_EQ(a, b);
}

TEST(Json, ReadsTypedFieldsWithBounds) {
  auto in = json::In::parse(R"({"name":"Équipe","n":5,"on":true,"mods":["chat","files"]})");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->string("name", {.min = 1, .max = 50}), "Équipe");
  EXPECT_EQ(in->integer("n", 0, 10), 5);
  EXPECT_TRUE(in->boolean("on"));
  EXPECT_EQ(in->string_list("mods").size(), 2u);
  EXPECT_FALSE(in->opt_string("absent").has_value());
  EXPECT_TRUE(in->ok());
}

TEST(Json, FirstErrorNamesTheField) {
  auto in = json::In::parse(R"({"name":12,"n":"x"})");
  ASSERT_TRUE(in);
  (void)in->string("name");
  (void)in->integer("n", 0, 10);
  ASSERT_FALSE(in->ok());
  EXPECT_EQ(in->error().code, Errc::invalid);
  EXPECT_NE(in->error().message.find("name"), std::string::npos);
}

TEST(Json, RejectsBadDocuments) {
  EXPECT_FALSE(json::In::parse("[1,2]"));
  EXPECT_FALSE(json::In::parse("{"));
  EXPECT_FALSE(json::In::parse("{} trailing"));
  EXPECT_FALSE(json::In::parse(""));
  EXPECT_TRUE(json::In::parse("", /*empty_ok=*/true));
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(json::parse(deep));
  EXPECT_FALSE(json::In::parse("{\"a\":\"\xff\xfe\"}"));  // invalid UTF-8
}

TEST(Json, EnforcesStringAndListBounds) {
  auto in = json::In::parse(R"({"s":"a\nb","l":["a","b","c"],"e":""})");
  ASSERT_TRUE(in);
  (void)in->string("s");
  EXPECT_FALSE(in->ok());  // control character in a single-line field
  auto in2 = json::In::parse(R"({"l":["a","b","c"]})");
  (void)in2->string_list("l", {.max_items = 2});
  EXPECT_FALSE(in2->ok());
  auto in3 = json::In::parse(R"({"e":""})");
  (void)in3->string("e", {.min = 1});
  EXPECT_FALSE(in3->ok());
  // A query parameter, decoded from %XX, may hold any bytes.
  EXPECT_EQ(json::check_string("réunion 𝄞", {}), "");
  for (const char* bad : {"\xff", "r\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"})
    EXPECT_EQ(json::check_string(bad, {}), "is not valid UTF-8") << bad;
}

TEST(Log, EscapesControlCharacters) {
  std::string out;
  log::append_json_escaped(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001");
}

TEST(Log, WritesOneJsonLine) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  log::set_fd(fds[1]);
  log::info("hello", {{"n", 3}, {"s", "x\"y"}, {"b", true}});
  log::set_fd(2);
  close(fds[1]);
  char buf[512];
  ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  ASSERT_GT(n, 0);
  std::string line(buf, static_cast<std::size_t>(n));
  auto v = json::parse(line.substr(0, line.size() - 1));
  ASSERT_TRUE(v) << line;
  EXPECT_EQ(v->at("msg").as_string(), "hello");
  EXPECT_EQ(v->at("n").as_int64(), 3);
  EXPECT_EQ(v->at("s").as_string(), "x\"y");
}

Result<int> twice(Result<int> r) {
  RUCHE_TRY(int v, std::move(r));
  return v * 2;
}

TEST(Result, TryPropagatesErrors) {
  EXPECT_EQ(*twice(21), 42);
  auto e = twice(fail(Errc::not_found, "gone"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::not_found);
  EXPECT_EQ(e.error().api_code(), "not_found");
}

// --- SendableArena -------------------------------------------------------------

std::string read_fd(const SharedBytes& b) {
  std::string out(b.bytes.size(), '\0');
  const ssize_t n = ::pread(b.fd, out.data(), out.size(), static_cast<off_t>(b.fd_offset));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

TEST(SendableArena, CopiesAreTheSameBytesInMemoryAndInTheFile) {
  auto arena = SendableArena::create(1 << 20, "test");
  ASSERT_TRUE(arena);
  const std::string a(10000, 'a'), b(5000, 'b');
  SharedBytes ca = arena->copy(a), cb = arena->copy(b);
  ASSERT_TRUE(ca);
  ASSERT_TRUE(cb);
  EXPECT_EQ(ca.bytes, a);
  EXPECT_EQ(cb.bytes, b);
  EXPECT_EQ(read_fd(ca), a);
  EXPECT_EQ(read_fd(cb), b);
  // Whole pages each: no page shared between two regions.
  EXPECT_EQ(ca.fd_offset % 4096, 0u);
  EXPECT_EQ(cb.fd_offset % 4096, 0u);
  EXPECT_EQ(arena->used_bytes(), 12288u + 8192u);
  // A slice names the same file at the right place.
  SharedBytes s = cb.slice(100, 50);
  EXPECT_EQ(s.bytes, b.substr(100, 50));
  EXPECT_EQ(read_fd(s), b.substr(100, 50));
  EXPECT_FALSE(arena->copy(""));
}

TEST(SendableArena, FreedRangesAreReusedAndLiveRegionsNeverChange) {
  auto arena = SendableArena::create(64 << 10, "test");  // 16 pages
  ASSERT_TRUE(arena);
  std::vector<SharedBytes> held;
  for (char c = 'a'; c < 'a' + 4; ++c) held.push_back(arena->copy(std::string(16 << 10, c)));
  for (const auto& h : held) ASSERT_TRUE(h);
  EXPECT_FALSE(arena->copy("x"));  // full
  // Freeing two neighbours makes one range large enough for both.
  const std::uint64_t at = held[1].fd_offset;
  held[1] = {};
  held[2] = {};
  EXPECT_EQ(arena->used_bytes(), 32u << 10);
  SharedBytes big = arena->copy(std::string(32 << 10, 'z'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big.fd_offset, at);
  EXPECT_EQ(read_fd(big), std::string(32 << 10, 'z'));
  // The others kept their bytes through all of it.
  EXPECT_EQ(held[0].bytes, std::string(16 << 10, 'a'));
  EXPECT_EQ(read_fd(held[3]), std::string(16 << 10, 'd'));
  // A region outlives every other handle on the arena.
  SharedBytes last = held[3];
  held.clear();
  big = {};
  arena.reset();
  EXPECT_EQ(last.bytes, std::string(16 << 10, 'd'));
}

// Every length, across the inline buffer's edge (15) where libstdc++ 12
// grows the buffer past the length asked for, and well beyond it.
TEST(UninitializedString, HasExactlyTheLengthAskedFor) {
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 29u, 30u, 31u, 100u, 4096u, (1u << 20) + 3}) {
    std::string s = uninitialized_string(n);
    ASSERT_EQ(s.size(), n);
    EXPECT_GE(s.capacity(), n);
    EXPECT_EQ(s.c_str()[n], '\0') << n;
    std::fill(s.begin(), s.end(), 'x');
    EXPECT_EQ(s, std::string(n, 'x'));
  }
}

TEST(AlignedBuffer, StartsOnItsAlignmentWithTheSizeAskedFor) {
  for (std::size_t n : {0u, 1u, 4095u, 4096u, 4097u, (1u << 20) + 40}) {
    AlignedBuffer b(n);
    ASSERT_NE(b.data(), nullptr) << n;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % AlignedBuffer::kAlignment, 0u) << n;
    EXPECT_EQ(b.size(), n);
    std::fill(b.span().begin(), b.span().end(), 'y');
    EXPECT_EQ(b.view(), std::string(n, 'y'));
    AlignedBuffer moved = std::move(b);
    EXPECT_EQ(moved.view(), std::string(n, 'y'));
  }
}

// Archives are read by GNU tar, the way whoever gets an export opens it:
// plain names, names only pax can hold (long, not ASCII), folders, empty
// files, dates, and bytes across the block padding.
TEST(Tar, GnuTarExtractsWhatWeWrite) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ruche-tar-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "out");
  const std::string long_name = "dossier/" + std::string(120, 'n') + "-\xc3\xa9t\xc3\xa9 \xf0\x9d\x84\x9e.txt";
  struct File {
    std::string path;
    std::string bytes;
    std::int64_t mtime_s;
  };
  const std::vector<File> files = {
      {"a.txt", "hello", 1'700'000'000},
      {"dossier/empty", "", 1'600'000'000},
      {long_name, std::string(1000, 'x') + "end", 1'750'000'000},
      {"dossier/block", std::string(tar::kBlock, 'b'), 86'400},
  };
  std::string archive;
  auto add = [&](const tar::Entry& e, std::string_view bytes) {
    auto h = tar::header(e);
    ASSERT_TRUE(h) << e.path;
    EXPECT_EQ(h->size() % tar::kBlock, 0u);
    archive += *h;
    archive += bytes;
    archive.append(tar::padding(bytes.size()), '\0');
  };
  add({.path = "dossier", .folder = true, .mtime_s = 1'500'000'000}, "");
  for (const auto& f : files) add({.path = f.path, .size = f.bytes.size(), .mtime_s = f.mtime_s}, f.bytes);
  archive += tar::end();
  ASSERT_EQ(archive.size() % tar::kBlock, 0u);
  std::ofstream(dir / "a.tar", std::ios::binary) << archive;

  const std::string cmd = "tar -x -f '" + (dir / "a.tar").string() + "' -C '" + (dir / "out").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const auto& f : files) {
    std::ifstream in(dir / "out" / f.path, std::ios::binary);
    ASSERT_TRUE(in) << f.path;
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), f.bytes) << f.path;
    struct stat st {};
    ASSERT_EQ(::stat((dir / "out" / f.path).c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, f.mtime_s) << f.path;
  }
  EXPECT_TRUE(fs::is_directory(dir / "out" / "dossier"));
  fs::remove_all(dir);
}

TEST(Tar, RefusesPathsThatEscapeAndSaysWhatUstarCannot) {
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a/"})
    EXPECT_FALSE(tar::header({.path = bad})) << bad;
  EXPECT_FALSE(tar::header({.path = std::string("a\0b", 3)}));
  // 8 GiB and more: the size goes in a pax record; ustar's field holds 11 octal digits.
  auto big = tar::header({.path = "big", .size = 10ULL << 30, .mtime_s = 0});
  ASSERT_TRUE(big);
  EXPECT_EQ(big->size(), 3 * tar::kBlock);
  EXPECT_NE(big->find(" size=10737418240\n"), std::string::npos);
  auto small = tar::header({.path = "small", .size = 10, .mtime_s = 0});
  ASSERT_TRUE(small);
  EXPECT_EQ(small->size(), tar::kBlock);
  EXPECT_EQ(small->substr(124, 12), std::string("00000000012") + '\0');
  EXPECT_EQ(tar::padding(0), 0u);
  EXPECT_EQ(tar::padding(1), 511u);
  EXPECT_EQ(tar::padding(512), 0u);
}

namespace tar_reading {

// A tar::Reader over bytes in memory, handed out in small uneven pieces.
tar::Reader reader_of(const std::string& bytes) {
  auto pos = std::make_shared<std::size_t>(0);
  return tar::Reader([&bytes, pos](char* buf, std::size_t size) -> Result<std::size_t> {
    const std::size_t n = std::min({size, bytes.size() - *pos, std::size_t{777}});
    std::memcpy(buf, bytes.data() + *pos, n);
    *pos += n;
    return n;
  });
}

struct Read {
  tar::Entry entry;
  std::string bytes;
};

Result<std::vector<Read>> read_everything(const std::string& archive) {
  tar::Reader r = reader_of(archive);
  std::vector<Read> out;
  for (;;) {
    RUCHE_TRY(auto e, r.next());
    if (!e) return out;
    Read item{*e, {}};
    if (out.size() % 2 == 0) {
      RUCHE_TRY(item.bytes, r.read_all(1 << 30));
    } else {
      char buf[1000];
      for (;;) {
        RUCHE_TRY(std::size_t n, r.read(buf, sizeof buf));
        if (n == 0) break;
        item.bytes.append(buf, n);
      }
    }
    out.push_back(std::move(item));
  }
}

}  // namespace tar_reading

TEST(Tar, ReadsBackWhatItWrites) {
  const std::string long_name = "d/" + std::string(150, 'n') + " \xc3\xa9t\xc3\xa9.txt";
  std::vector<std::pair<tar::Entry, std::string>> entries = {
      {{.path = "d", .folder = true, .mtime_s = 5}, ""},
      {{.path = "d/a.txt", .size = 5, .mtime_s = 1'700'000'000}, "hello"},
      {{.path = long_name, .size = 1300, .mtime_s = -86'400}, std::string(1300, 'z')},
      {{.path = "d/empty", .size = 0, .mtime_s = 7}, ""},
  };
  std::string archive;
  for (const auto& [e, bytes] : entries) {
    archive += *tar::header(e);
    archive += bytes;
    archive.append(tar::padding(bytes.size()), '\0');
  }
  archive += tar::end();
  auto got = tar_reading::read_everything(archive);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*got)[i].entry.path, entries[i].first.path);
    EXPECT_EQ((*got)[i].entry.folder, entries[i].first.folder);
    EXPECT_EQ((*got)[i].entry.size, entries[i].first.size);
    EXPECT_EQ((*got)[i].entry.mtime_s, entries[i].first.mtime_s);
    EXPECT_EQ((*got)[i].bytes, entries[i].second);
  }
}

// Archives made by GNU tar in its pax and gnu formats read the same; a
// symbolic link is refused, not followed.
TEST(Tar, ReadsGnuTarArchivesAndRefusesLinks) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ruche-tar-read-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "src/dossier");
  const std::string long_name = std::string(130, 'l') + "-\xc3\xa9.txt";
  std::ofstream(dir / "src/dossier" / long_name, std::ios::binary) << std::string(3000, 'q');
  std::ofstream(dir / "src/top.txt", std::ios::binary) << "top";
  for (const char* format : {"pax", "gnu"}) {
    const fs::path file = dir / (std::string(format) + ".tar");
    const std::string cmd = "tar --format=" + std::string(format) + " -c -f '" + file.string() + "' -C '" +
                            (dir / "src").string() + "' dossier top.txt";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string archive = bytes.str();
    auto got = tar_reading::read_everything(archive);
    ASSERT_TRUE(got) << format << ": " << got.error().message;
    std::map<std::string, std::string> files;
    for (const auto& r : *got)
      if (!r.entry.folder) files[r.entry.path] = r.bytes;
    EXPECT_EQ(files["dossier/" + long_name], std::string(3000, 'q')) << format;
    EXPECT_EQ(files["top.txt"], "top") << format;
    EXPECT_TRUE(got->front().entry.folder) << format;
    EXPECT_EQ(got->front().entry.path, "dossier") << format;
  }
  fs::create_symlink("/etc/passwd", dir / "src/link");
  const std::string cmd = "tar -c -f '" + (dir / "link.tar").string() + "' -C '" + (dir / "src").string() + "' link";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir / "link.tar", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string archive = bytes.str();
  EXPECT_FALSE(tar_reading::read_everything(archive));
  fs::remove_all(dir);
}

TEST(Tar, RefusesEscapingPathsBadChecksumsAndTruncation) {
  std::string good = *tar::header({.path = "a.txt", .size = 3});
  good += "abc";
  good.append(tar::padding(3), '\0');
  // A header written for "../x" (by hand: header() refuses it), checksum right.
  std::string escaping = good.substr(0, tar::kBlock);
  std::memcpy(escaping.data(), "../x\0", 5);
  std::memset(escaping.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : escaping) sum += static_cast<unsigned char>(c);
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06o", sum);
  std::memcpy(escaping.data() + 148, digits, 7);
  escaping += good.substr(tar::kBlock);
  auto r1 = tar_reading::read_everything(escaping + std::string(tar::end()));
  EXPECT_FALSE(r1);
  // One bit flipped in the name: the checksum no longer matches.
  std::string flipped = good;
  flipped[0] ^= 1;
  EXPECT_FALSE(tar_reading::read_everything(flipped + std::string(tar::end())));
  // The archive stops inside the content, or inside a header.
  EXPECT_FALSE(tar_reading::read_everything(good.substr(0, tar::kBlock + 2)));
  EXPECT_FALSE(tar_reading::read_everything(good.substr(0, 100)));
  // The well-formed one reads.
  auto ok = tar_reading::read_everything(good + std::string(tar::end()));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at(0).bytes, "abc");
  // A limit on read_all().
  tar::Reader r = tar_reading::reader_of(good);
  ASSERT_TRUE(r.next());
  EXPECT_FALSE(r.read_all(2));
}


// A spool hands back what it was given, in order and in any pieces: from
// memory while small, from a file without a name once it outgrew its limit.
TEST(Spool, HandsBackItsBytesFromMemoryThenFromAFileWithoutAName) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ruche-spool-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string expected;
  for (int i = 0; expected.size() < (3u << 20); ++i) expected += "ligne " + std::to_string(i * 7919) + "\n";

  for (const std::size_t limit : {std::size_t{64} << 20, std::size_t{1000}}) {
    Spool spool(dir.string(), limit);
    for (std::size_t at = 0, piece = 1; at < expected.size(); at += piece, piece = piece * 3 % 70'001 + 1)
      ASSERT_TRUE(spool.write(std::string_view(expected).substr(at, piece)));
    EXPECT_EQ(spool.on_disk(), limit < expected.size());
    EXPECT_EQ(spool.size(), expected.size());
    EXPECT_TRUE(fs::is_empty(dir));  // on disk or not, nothing has a name
    std::string got, piece;
    EXPECT_FALSE(spool.read(1, piece));  // not rewound yet
    ASSERT_TRUE(spool.rewind());
    EXPECT_FALSE(spool.write("late"));
    for (std::size_t n = 1; spool.left() > 0; n = n * 5 % 300'007 + 1) {
      ASSERT_TRUE(spool.read(std::min<std::uint64_t>(n, spool.left()), piece));
      got += piece;
    }
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(spool.read(1, piece));  // past its end
  }
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);

  // No folder to spill into: the write that outgrows memory says so.
  Spool nowhere((dir / "absent").string(), 10);
  EXPECT_TRUE(nowhere.write("0123456789"));
  auto r = nowhere.write("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

// FNV-1a's published 64-bit vectors; a digest goes on from a previous one.
TEST(Fnv, GivesTheReferenceDigests) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(fnv1a("bar", fnv1a("foo")), fnv1a("foobar"));
  EXPECT_EQ(fnv_hex(fnv1a("a")), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv_hex(1), "0000000000000001");
}

// Spaces and tabs go at both ends, nothing else: line ends, other blanks
// and what is inside stay.
TEST(Text, TrimBlanksTakesSpacesAndTabsAtTheEndsOnly) {
  static_assert(trim_blanks(" \t a b \t") == "a b");
  EXPECT_EQ(trim_blanks(""), "");
  EXPECT_EQ(trim_blanks(" \t "), "");
  EXPECT_EQ(trim_blanks("\r\nx\n"), "\r\nx\n");
  EXPECT_EQ(trim_blanks("\xc2\xa0x"), "\xc2\xa0x");  // a no-break space is text
  EXPECT_EQ(trim_blanks("x"), "x");
}

}  // namespace
}  // namespace ruche
