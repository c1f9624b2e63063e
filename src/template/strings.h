#pragma once
// Python str methods on UTF-8 text, shared by the string methods and the filters.
#include <optional>
#include <string>
#include <vector>

namespace rb::tmpl::pystr {

// str.strip/lstrip/rstrip: whitespace when `chars` is empty-optional, else any of `chars`.
std::string strip(const std::string& text, const std::optional<std::string>& chars, bool left, bool right);
// str.split(sep, maxsplit) / str.rsplit; no separator splits on whitespace runs.
std::vector<std::string> split(const std::string& text, const std::optional<std::string>& sep, long maxsplit);
std::vector<std::string> rsplit(const std::string& text, const std::optional<std::string>& sep, long maxsplit);
std::vector<std::string> splitlines(const std::string& text, bool keepends);
std::string upper(const std::string& text);
std::string lower(const std::string& text);
std::string title(const std::string& text);       // str.title()
std::string capitalize(const std::string& text);  // str.capitalize()
std::string replace(const std::string& text, const std::string& old, const std::string& replacement, long count);
long count(const std::string& text, const std::string& sub);
// str.find in code points (-1 when absent).
long find(const std::string& text, const std::string& sub, bool from_right);

}  // namespace rb::tmpl::pystr
