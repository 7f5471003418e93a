// Signature Version 4 against AWS's published example, and the client's
// checks of its configuration. Requests against a real server:
// s3_chunk_store_test.cpp.
#include <gtest/gtest.h>

#include "core/blob/s3_client.hpp"

namespace ruche::blob {
namespace {

// "Example: GET Object" of the Amazon S3 API reference (Signature Version 4,
// Authorization header): the first 10 bytes of examplebucket/test.txt.
TEST(SigV4, MatchesAwsExampleGetObject) {
  SigV4Request r;
  r.method = "GET";
  r.canonical_uri = "/test.txt";
  r.headers = {
      {"Host", "examplebucket.s3.amazonaws.com"},
      {"Range", "bytes=0-9"},
      {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"x-amz-date", "20130524T000000Z"}};
  r.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  r.amz_date = "20130524T000000Z";
  EXPECT_EQ(sigv4_authorization(r, "us-east-1", "AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // Any change to what is signed changes the signature.
  r.headers[1].second = "bytes=0-10";
  EXPECT_EQ(sigv4_authorization(r, "us-east-1", "AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .find("f0e8bdb87c96"),
            std::string::npos);
}

// "get-vanilla-query-order-key-case" of AWS's Signature Version 4 test
// suite: query parameters are signed in sorted order.
TEST(SigV4, MatchesAwsTestSuiteQueryOrder) {
  SigV4Request r;
  r.service = "service";
  r.method = "GET";
  r.canonical_uri = "/";
  r.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  r.amz_date = "20150830T123600Z";
  EXPECT_EQ(sigv4_authorization(r, "us-east-1", "AKIDEXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
            "SignedHeaders=host;x-amz-date,"
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(s3_uri_encode("a-b_c.d~e/f", true), "a-b_c.d~e/f");
  EXPECT_EQ(s3_uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(s3_uri_encode("x y+z=\xC3\xA9", false), "x%20y%2Bz%3D%C3%A9");
}

TEST(S3Client, RefusesBadConfigurations) {
  S3Config ok{"http://127.0.0.1:9000", "bucket", "us-east-1", "key", "secret", "ruche/"};
  EXPECT_TRUE(S3Client::create(ok));
  auto with = [&](auto change) {
    S3Config c = ok;
    change(c);
    auto r = S3Client::create(c);
    return r ? Errc::internal : r.error().code;
  };
  EXPECT_EQ(with([](S3Config& c) { c.endpoint = "ftp://host"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.endpoint = "https://host/path"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.endpoint = "https://user@host"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.bucket = "Upper"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.bucket = "ab"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.prefix = "a b/"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.prefix = "../"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.prefix = "a//b/"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.prefix = "a/./"; }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.prefix = "ruche.v1/"; }), Errc::internal);  // accepted
  EXPECT_EQ(with([](S3Config& c) { c.secret_key.clear(); }), Errc::invalid);
  EXPECT_EQ(with([](S3Config& c) { c.region = "EU WEST"; }), Errc::invalid);
}

}  // namespace
}  // namespace ruche::blob
