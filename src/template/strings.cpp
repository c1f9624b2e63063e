#include "template/strings.h"

#include "common/utf8.h"
#include "template/unicode_chars.h"

namespace rb::tmpl::pystr {

std::string strip(const std::string& text, const std::optional<std::string>& chars, bool left, bool right) {
  auto cps = utf8::decode(text);
  std::vector<char32_t> set;
  if (chars) set = utf8::decode(*chars);
  auto strippable = [&](char32_t c) {
    if (!chars) return unicode::is_space(c);
    for (char32_t s : set) {
      if (s == c) return true;
    }
    return false;
  };
  std::size_t begin = 0, end = cps.size();
  if (left) {
    while (begin < end && strippable(cps[begin])) ++begin;
  }
  if (right) {
    while (end > begin && strippable(cps[end - 1])) --end;
  }
  return utf8::encode(std::vector<char32_t>(cps.begin() + static_cast<long>(begin), cps.begin() + static_cast<long>(end)));
}

std::vector<std::string> split(const std::string& text, const std::optional<std::string>& sep, long maxsplit) {
  std::vector<std::string> parts;
  if (sep) {
    std::size_t start = 0;
    while (maxsplit < 0 || static_cast<long>(parts.size()) < maxsplit) {
      std::size_t found = text.find(*sep, start);
      if (found == std::string::npos) break;
      parts.push_back(text.substr(start, found - start));
      start = found + sep->size();
    }
    parts.push_back(text.substr(start));
    return parts;
  }
  auto cps = utf8::decode(text);
  std::size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && unicode::is_space(cps[i])) ++i;
    if (i >= cps.size()) break;
    if (maxsplit >= 0 && static_cast<long>(parts.size()) >= maxsplit) {
      std::size_t end = cps.size();
      while (end > i && unicode::is_space(cps[end - 1])) --end;
      parts.push_back(utf8::encode(std::vector<char32_t>(cps.begin() + static_cast<long>(i), cps.begin() + static_cast<long>(end))));
      break;
    }
    std::size_t j = i;
    while (j < cps.size() && !unicode::is_space(cps[j])) ++j;
    parts.push_back(utf8::encode(std::vector<char32_t>(cps.begin() + static_cast<long>(i), cps.begin() + static_cast<long>(j))));
    i = j;
  }
  return parts;
}

std::vector<std::string> rsplit(const std::string& text, const std::optional<std::string>& sep, long maxsplit) {
  if (maxsplit < 0) return split(text, sep, maxsplit);
  std::vector<std::string> parts;
  if (sep) {
    std::size_t end = text.size();
    while (static_cast<long>(parts.size()) < maxsplit) {
      if (end < sep->size()) break;
      std::size_t found = text.rfind(*sep, end - sep->size());
      if (found == std::string::npos) break;
      parts.insert(parts.begin(), text.substr(found + sep->size(), end - found - sep->size()));
      end = found;
    }
    parts.insert(parts.begin(), text.substr(0, end));
    return parts;
  }
  auto cps = utf8::decode(text);
  std::size_t end = cps.size();
  while (end > 0) {
    while (end > 0 && unicode::is_space(cps[end - 1])) --end;
    if (end == 0) break;
    if (static_cast<long>(parts.size()) >= maxsplit) {
      std::size_t begin = 0;
      while (begin < end && unicode::is_space(cps[begin])) ++begin;
      parts.insert(parts.begin(), utf8::encode(std::vector<char32_t>(cps.begin() + static_cast<long>(begin), cps.begin() + static_cast<long>(end))));
      break;
    }
    std::size_t begin = end;
    while (begin > 0 && !unicode::is_space(cps[begin - 1])) --begin;
    parts.insert(parts.begin(), utf8::encode(std::vector<char32_t>(cps.begin() + static_cast<long>(begin), cps.begin() + static_cast<long>(end))));
    end = begin;
  }
  return parts;
}

std::vector<std::string> splitlines(const std::string& text, bool keepends) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    std::size_t end = i;
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    lines.push_back(text.substr(start, (keepends ? i + 1 : end) - start));
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string upper(const std::string& text) {
  auto cps = utf8::decode(text);
  std::string out;
  for (char32_t c : cps) {
    if (c == 0xDF) {
      out += "SS";
    } else {
      utf8::append(out, unicode::to_upper(c));
    }
  }
  return out;
}

std::string lower(const std::string& text) {
  auto cps = utf8::decode(text);
  for (auto& c : cps) c = unicode::to_lower(c);
  return utf8::encode(cps);
}

static bool is_cased(char32_t c) { return unicode::to_upper(c) != c || unicode::to_lower(c) != c; }

std::string title(const std::string& text) {
  auto cps = utf8::decode(text);
  bool previous_cased = false;
  for (auto& c : cps) {
    if (is_cased(c)) {
      c = previous_cased ? unicode::to_lower(c) : unicode::to_upper(c);
      previous_cased = true;
    } else {
      previous_cased = false;
    }
  }
  return utf8::encode(cps);
}

std::string capitalize(const std::string& text) {
  auto cps = utf8::decode(text);
  for (std::size_t i = 0; i < cps.size(); ++i) cps[i] = i == 0 ? unicode::to_upper(cps[i]) : unicode::to_lower(cps[i]);
  return utf8::encode(cps);
}

std::string replace(const std::string& text, const std::string& old, const std::string& replacement, long count) {
  std::string out;
  if (old.empty()) {
    // Python inserts the replacement between every character (and at both ends).
    auto cps = utf8::decode(text);
    long done = 0;
    for (std::size_t i = 0; i <= cps.size(); ++i) {
      if (count < 0 || done < count) {
        out += replacement;
        ++done;
      }
      if (i < cps.size()) utf8::append(out, cps[i]);
    }
    return out;
  }
  std::size_t start = 0;
  long done = 0;
  while (count < 0 || done < count) {
    std::size_t found = text.find(old, start);
    if (found == std::string::npos) break;
    out += text.substr(start, found - start) + replacement;
    start = found + old.size();
    ++done;
  }
  return out + text.substr(start);
}

long count(const std::string& text, const std::string& sub) {
  if (sub.empty()) return static_cast<long>(utf8::length(text)) + 1;
  long n = 0;
  for (std::size_t pos = text.find(sub); pos != std::string::npos; pos = text.find(sub, pos + sub.size())) ++n;
  return n;
}

long find(const std::string& text, const std::string& sub, bool from_right) {
  std::size_t pos = from_right ? text.rfind(sub) : text.find(sub);
  if (pos == std::string::npos) return -1;
  return static_cast<long>(utf8::length(text.substr(0, pos)));
}

}  // namespace rb::tmpl::pystr
