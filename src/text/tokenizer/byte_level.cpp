#include "text/tokenizer/byte_level.h"

#include "common/utf8.h"

namespace rb::text {

ByteLevelAlphabet::ByteLevelAlphabet() {
  // Printable Latin-1 bytes map to themselves; the rest take 256, 257, ... in byte order.
  auto keeps_identity = [](int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  };
  char32_t next_extra = 256;
  for (int b = 0; b < 256; ++b) {
    code_points_[static_cast<size_t>(b)] =
        keeps_identity(b) ? static_cast<char32_t>(b) : next_extra++;
    utf8::append(utf8_[static_cast<size_t>(b)], code_points_[static_cast<size_t>(b)]);
  }
}

void ByteLevelAlphabet::encode(std::string_view bytes, std::string& out) const {
  for (char c : bytes) out += utf8_[static_cast<unsigned char>(c)];
}

}  // namespace rb::text
