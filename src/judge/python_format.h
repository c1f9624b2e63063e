#pragma once
// Python's str.format for the judge templates: "{name}" is replaced by the named field, "{{" and
// "}}" become literal braces. The reference fills its prompts this way, so the escapes in the
// Con-J example JSON must be honoured exactly.
#include <map>
#include <string>
#include <string_view>

namespace rb::judge {

// Throws rb::InputError for a field the map lacks or an unbalanced brace (a template bug).
std::string python_format(std::string_view text, const std::map<std::string, std::string>& fields);

}  // namespace rb::judge
