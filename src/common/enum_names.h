#pragma once
// The names users write for enum values (flags, config.json), one table per enum instead of a
// switch for printing and an if-chain for parsing. The first entry of a value is its name; later
// entries with the same value are accepted aliases.
#include <optional>
#include <string>
#include <string_view>

namespace rb {

template <class Enum>
struct EnumName {
  Enum value;
  const char* name;
};

template <class Enum, size_t N>
std::string name_of(const EnumName<Enum> (&names)[N], Enum value) {
  for (const auto& entry : names)
    if (entry.value == value) return entry.name;
  return "?";
}

template <class Enum, size_t N>
std::optional<Enum> enum_named(const EnumName<Enum> (&names)[N], std::string_view name) {
  for (const auto& entry : names)
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

}  // namespace rb
