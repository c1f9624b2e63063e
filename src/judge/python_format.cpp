#include "judge/python_format.h"

#include "common/error.h"

namespace rb::judge {

std::string python_format(std::string_view text, const std::map<std::string, std::string>& fields) {
  std::string out;
  out.reserve(text.size() + 256);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool doubled = i + 1 < text.size() && text[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') throw InputError("judge prompt template: single '}' at offset " + std::to_string(i));
    if (c != '{') {
      out += c;
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos)
      throw InputError("judge prompt template: unclosed '{' at offset " + std::to_string(i));
    const std::string name(text.substr(i + 1, close - i - 1));
    const auto field = fields.find(name);
    if (field == fields.end()) throw InputError("judge prompt template: no value for field {" + name + "}");
    out += field->second;
    i = close;
  }
  return out;
}

}  // namespace rb::judge
