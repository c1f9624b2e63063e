#include "hub/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <vector>

#include "hub/hub_error.h"

namespace rb::hub {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext start_digest() {
  DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    throw HubError("sha256: OpenSSL could not start a digest");
  return context;
}

std::string finish_digest_hex(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest, &length) != 1) throw HubError("sha256: OpenSSL could not finish a digest");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  DigestContext context = start_digest();
  EVP_DigestUpdate(context.get(), data.data(), data.size());
  return finish_digest_hex(context.get());
}

std::string sha256_file_hex(const std::string& path) {
  Sha256Stream digest;
  digest.update_from_file(path);
  return digest.finish_hex();
}

struct Sha256Stream::Context {
  DigestContext digest = start_digest();
};

Sha256Stream::Sha256Stream() : context_(std::make_unique<Context>()) {}
Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(const char* data, size_t size) {
  if (EVP_DigestUpdate(context_->digest.get(), data, size) != 1) throw HubError("sha256: OpenSSL digest update failed");
}

void Sha256Stream::update_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HubError(path + ": cannot open the file to check its sha256");
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw HubError(path + ": read error while checking its sha256");
}

void Sha256Stream::reset() { context_->digest = start_digest(); }

std::string Sha256Stream::finish_hex() { return finish_digest_hex(context_->digest.get()); }

}  // namespace rb::hub
