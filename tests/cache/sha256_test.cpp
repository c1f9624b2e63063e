// SHA-256 against the FIPS 180-4 / NIST example vectors, fed whole and in odd-sized pieces.
#include "common/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace {

using rb::Sha256;
using rb::sha256_hex;
using rb::to_hex;

TEST(Sha256, NistVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecewiseEqualsWhole) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>(i * 31 + 7);
  for (size_t piece : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha256 hash;
    for (size_t at = 0; at < text.size(); at += piece) hash.update(text.substr(at, piece));
    EXPECT_EQ(to_hex(hash.finish()), sha256_hex(text)) << piece;
  }
}

TEST(Sha256, IntegersAreLittleEndianBytes) {
  Sha256 hash;
  hash.update_u64(0x0807060504030201ull);
  EXPECT_EQ(to_hex(hash.finish()), sha256_hex(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
}

// The streaming hasher (OpenSSL's in builds that have it) gives Sha256's digests, and reset() /
// finish_hex() start it over.
TEST(Sha256Stream, MatchesSha256AndStartsOver) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>(i * 131 + 5);
  rb::Sha256Stream stream;
  for (size_t at = 0; at < text.size(); at += 4099) stream.update(text.data() + at, std::min<size_t>(4099, text.size() - at));
  EXPECT_EQ(stream.finish_hex(), sha256_hex(text));
  EXPECT_EQ(stream.finish_hex(), sha256_hex(""));
  stream.update("junk", 4);
  stream.reset();
  stream.update("abc", 3);
  EXPECT_EQ(stream.finish_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
