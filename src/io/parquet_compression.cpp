#include "io/parquet_compression.h"

#ifdef RB_HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef RB_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef RB_HAVE_ZSTD
#include <zstd.h>
#endif

#include <cstring>

#include "common/error.h"

namespace rb::io::parquet {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

#ifdef RB_HAVE_SNAPPY
std::vector<uint8_t> snappy_decompress(const uint8_t* data, size_t size, size_t expected_size,
                                       const std::string& context) {
  const char* input = reinterpret_cast<const char*>(data);
  size_t length = 0;
  // snappy_uncompress bounds-checks every copy itself (it is meant for untrusted input), so no
  // separate validation pass over the page is needed.
  if (snappy_uncompressed_length(input, size, &length) != SNAPPY_OK || length != expected_size) {
    fail(context, "corrupt SNAPPY data");
  }
  std::vector<uint8_t> out(expected_size);
  size_t written = expected_size;
  if (snappy_uncompress(input, size, reinterpret_cast<char*>(out.data()), &written) != SNAPPY_OK ||
      written != expected_size) {
    fail(context, "corrupt SNAPPY data");
  }
  return out;
}

#endif

#ifdef RB_HAVE_ZSTD
std::vector<uint8_t> zstd_decompress(const uint8_t* data, size_t size, size_t expected_size,
                                     const std::string& context) {
  std::vector<uint8_t> out(expected_size);
  size_t written = ZSTD_decompress(out.data(), out.size(), data, size);
  if (ZSTD_isError(written)) fail(context, std::string("corrupt ZSTD data: ") + ZSTD_getErrorName(written));
  if (written != expected_size) fail(context, "ZSTD data does not have the size its page header gives");
  return out;
}

#endif

#ifdef RB_HAVE_ZLIB
// GZIP pages may hold several concatenated gzip members; zlib's inflate is restarted per member.
std::vector<uint8_t> gzip_decompress(const uint8_t* data, size_t size, size_t expected_size,
                                     const std::string& context) {
  std::vector<uint8_t> out(expected_size);
  z_stream stream;
  std::memset(&stream, 0, sizeof stream);
  if (inflateInit2(&stream, 15 + 32) != Z_OK) fail(context, "zlib initialisation failed");
  stream.next_in = const_cast<Bytef*>(data);
  stream.avail_in = static_cast<uInt>(size);
  // zlib rejects a null output pointer even with no room, as an empty vector's may be (an
  // all-null page compresses an empty value section).
  Bytef empty_output = 0;
  stream.next_out = out.empty() ? &empty_output : out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  int status = Z_OK;
  while (true) {
    status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_STREAM_END && stream.avail_in > 0 && stream.avail_out > 0) {
      if (inflateReset(&stream) != Z_OK) break;
      continue;
    }
    break;
  }
  size_t written = out.size() - stream.avail_out;
  inflateEnd(&stream);
  if (status != Z_STREAM_END && !(status == Z_BUF_ERROR && written == expected_size)) {
    fail(context, "corrupt GZIP data");
  }
  if (written != expected_size) fail(context, "GZIP data does not have the size its page header gives");
  return out;
}
#endif

}  // namespace

bool codec_supported(int32_t codec) {
  switch (codec) {
    case codec::kUncompressed: return true;
#ifdef RB_HAVE_SNAPPY
    case codec::kSnappy: return true;
#endif
#ifdef RB_HAVE_ZLIB
    case codec::kGzip: return true;
#endif
#ifdef RB_HAVE_ZSTD
    case codec::kZstd: return true;
#endif
    default: return false;
  }
}

std::string codec_name(int32_t codec) {
  switch (codec) {
    case codec::kUncompressed: return "UNCOMPRESSED";
    case codec::kSnappy: return "SNAPPY";
    case codec::kGzip: return "GZIP";
    case codec::kLzo: return "LZO";
    case codec::kBrotli: return "BROTLI";
    case codec::kLz4: return "LZ4";
    case codec::kZstd: return "ZSTD";
    case codec::kLz4Raw: return "LZ4_RAW";
    default: return "codec " + std::to_string(codec);
  }
}

std::vector<uint8_t> decompress(int32_t codec, const uint8_t* data, size_t size, size_t expected_size,
                                const std::string& context) {
  switch (codec) {
    case codec::kUncompressed:
      if (size != expected_size) fail(context, "uncompressed page sizes disagree");
      return std::vector<uint8_t>(data, data + size);
#ifdef RB_HAVE_SNAPPY
    case codec::kSnappy: return snappy_decompress(data, size, expected_size, context);
#endif
#ifdef RB_HAVE_ZSTD
    case codec::kZstd: return zstd_decompress(data, size, expected_size, context);
#endif
#ifdef RB_HAVE_ZLIB
    case codec::kGzip: return gzip_decompress(data, size, expected_size, context);
#endif
    default: {
      std::string supported;
      for (int32_t known : {codec::kUncompressed, codec::kSnappy, codec::kGzip, codec::kZstd}) {
        if (codec_supported(known)) supported += (supported.empty() ? "" : ", ") + codec_name(known);
      }
      fail(context, "unsupported compression " + codec_name(codec) + " (this build reads: " + supported + ")");
    }
  }
}

}  // namespace rb::io::parquet
