#include "hub/sha256.h"

#include <fstream>
#include <vector>

#include "hub/hub_error.h"

namespace rb::hub {

void update_from_file(Sha256Stream& digest, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HubError(path + ": cannot open the file to check its sha256");
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) digest.update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw HubError(path + ": read error while checking its sha256");
}

std::string sha256_file_hex(const std::string& path) {
  Sha256Stream digest;
  update_from_file(digest, path);
  return digest.finish_hex();
}

}  // namespace rb::hub
