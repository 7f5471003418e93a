// StaticFiles: gzip variants of text files, chosen by Accept-Encoding.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/http/static_files.hpp"

namespace ruche::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ruche-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    for (int i = 0; i < 400; ++i) script_ += "export const value" + std::to_string(i) + " = 'ruche';\n";
    write("assets/app.js", script_);
    write("index.html", "<!doctype html><title>Ruche</title>");  // too small to compress
    std::string noise(4096, '\0');
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
    write("assets/logo.png", noise);  // not text
    auto loaded = StaticFiles::load(root_.string());
    ASSERT_TRUE(loaded);
    files_ = std::move(*loaded);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& data) {
    std::ofstream(root_ / rel, std::ios::binary) << data;
  }
  Response get(const std::string& path, std::optional<std::string> accept = std::nullopt,
               std::optional<std::string> inm = std::nullopt) {
    Request req;
    req.method = "GET";
    req.path = req.target = path;
    if (accept) req.headers.set("Accept-Encoding", *accept);
    if (inm) req.headers.set("If-None-Match", *inm);
    return files_->serve(req);
  }

  fs::path root_;
  std::string script_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, TextGoesGzippedToClientsThatAcceptIt) {
  Response plain = get("/assets/app.js");
  EXPECT_EQ(plain.body_bytes(), script_);
  EXPECT_FALSE(plain.headers.has("Content-Encoding"));
  EXPECT_EQ(plain.headers.get("Vary").value_or(""), "Accept-Encoding");

  Response packed = get("/assets/app.js", "gzip, deflate, br");
  EXPECT_EQ(packed.headers.get("Content-Encoding").value_or(""), "gzip");
  EXPECT_EQ(packed.headers.get("Vary").value_or(""), "Accept-Encoding");
  EXPECT_LT(packed.body_bytes().size(), script_.size() / 4);
  EXPECT_EQ(*gunzip(packed.body_bytes(), 1 << 20), script_);
  // Each variant has its own validator, and revalidates as itself.
  const std::string plain_etag(plain.headers.get("ETag").value_or(""));
  const std::string packed_etag(packed.headers.get("ETag").value_or(""));
  EXPECT_NE(plain_etag, packed_etag);
  EXPECT_EQ(get("/assets/app.js", "gzip", packed_etag).status, 304);
  EXPECT_EQ(get("/assets/app.js", std::nullopt, plain_etag).status, 304);
  EXPECT_EQ(get("/assets/app.js", "gzip", plain_etag).status, 200);
}

TEST_F(StaticFilesTest, RefusalsSmallFilesAndBinariesStayAsTheyAre) {
  for (const char* refuse : {"gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0.000, br"}) {
    Response r = get("/assets/app.js", refuse);
    EXPECT_FALSE(r.headers.has("Content-Encoding")) << refuse;
    EXPECT_EQ(r.body_bytes(), script_) << refuse;
  }
  for (const char* accept : {"*", "GZIP", "br;q=1, gzip;q=0.5", "x-gzip"})
    EXPECT_EQ(get("/assets/app.js", accept).headers.get("Content-Encoding").value_or(""), "gzip") << accept;
  Response page = get("/index.html", "gzip");
  EXPECT_FALSE(page.headers.has("Content-Encoding"));
  EXPECT_FALSE(page.headers.has("Vary"));
  Response logo = get("/assets/logo.png", "gzip");
  EXPECT_FALSE(logo.headers.has("Content-Encoding"));
  EXPECT_EQ(logo.body_bytes().size(), 4096u);
}

}  // namespace
}  // namespace ruche::http
