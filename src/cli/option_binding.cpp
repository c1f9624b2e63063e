#include "cli/option_binding.h"

#include <stdexcept>
#include <string>

namespace rb::cli {
namespace {

// CLI::PositiveNumber's message quotes the whole double range; this one says what is wanted.
const CLI::Validator& positive_number() {
  static const CLI::Validator validator(
      [](std::string& input) -> std::string {
        try {
          size_t used = 0;
          if (std::stod(input, &used) > 0 && used == input.size()) return "";
        } catch (const std::exception&) {
        }
        return "expected a number greater than 0, got " + input;
      },
      "POSITIVE");
  return validator;
}

}  // namespace

std::set<std::string> given_keys(const BoundOptions& bound) {
  std::set<std::string> keys;
  for (const auto& [option, key] : bound)
    if (!key.empty() && option->count() > 0) keys.insert(key);
  return keys;
}

CLI::Option* Cli11Binder::checked(const app::OptionInfo& info, CLI::Option* option) const {
  if (bound_) bound_->emplace_back(option, info.key);
  if (info.required) option->required();
  if (!info.choices.empty()) option->check(CLI::IsMember(info.choices));
  if (info.positive) option->check(positive_number());
  if (info.one_or_more) option->expected(1, -1);
  return option;
}

void Cli11Binder::bind(const app::OptionInfo& info, std::string& value) {
  CLI::Option* option = checked(info, command_.add_option(info.names, value, info.help));
  // An empty default ("use the model folder", ...) says nothing; the help text tells it.
  if (info.show_default && !value.empty()) option->capture_default_str();
}

void Cli11Binder::bind(const app::OptionInfo& info, std::optional<std::string>& value) {
  checked(info, command_.add_option(info.names, value, info.help));
}

void Cli11Binder::bind(const app::OptionInfo& info, std::vector<std::string>& values) {
  checked(info, command_.add_option(info.names, values, info.help));
}

void Cli11Binder::bind(const app::OptionInfo& info, size_t& value) {
  CLI::Option* option = checked(info, command_.add_option(info.names, value, info.help));
  if (info.show_default) option->capture_default_str();
}

void Cli11Binder::bind(const app::OptionInfo& info, std::optional<size_t>& value) {
  checked(info, command_.add_option(info.names, value, info.help));
}

void Cli11Binder::bind(const app::OptionInfo& info, int& value) {
  CLI::Option* option = checked(info, command_.add_option(info.names, value, info.help));
  if (info.show_default) option->capture_default_str();
}

void Cli11Binder::bind(const app::OptionInfo& info, double& value) {
  CLI::Option* option = checked(info, command_.add_option(info.names, value, info.help));
  if (info.show_default) option->capture_default_str();
}

void Cli11Binder::bind_flag(const app::OptionInfo& info, bool& value) {
  CLI::Option* option = command_.add_flag(info.names, value, info.help);
  if (bound_) bound_->emplace_back(option, info.key);
}

void Cli11Binder::bind_action(const app::OptionInfo& info, std::function<void()> action) {
  command_.add_flag_callback(info.names, std::move(action), info.help);
}

}  // namespace rb::cli
