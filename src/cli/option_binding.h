#pragma once
// The option tables of src/app bound to CLI11: each OptionInfo becomes one CLI11 option or flag,
// with its aliases, help, check and default shown in --help.
#include <CLI/CLI.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/option_table.h"

namespace rb::cli {

// Each bound option with its run.json key, to tell after parsing which flags were typed.
using BoundOptions = std::vector<std::pair<CLI::Option*, std::string>>;

class Cli11Binder final : public app::OptionBinder {
 public:
  explicit Cli11Binder(CLI::App& command, BoundOptions* bound = nullptr) : command_(command), bound_(bound) {}
  void bind(const app::OptionInfo& info, std::string& value) override;
  void bind(const app::OptionInfo& info, std::optional<std::string>& value) override;
  void bind(const app::OptionInfo& info, std::vector<std::string>& values) override;
  void bind(const app::OptionInfo& info, size_t& value) override;
  void bind(const app::OptionInfo& info, std::optional<size_t>& value) override;
  void bind(const app::OptionInfo& info, int& value) override;
  void bind(const app::OptionInfo& info, double& value) override;
  void bind_flag(const app::OptionInfo& info, bool& value) override;
  void bind_action(const app::OptionInfo& info, std::function<void()> action) override;

 private:
  CLI::Option* checked(const app::OptionInfo& info, CLI::Option* option) const;

  CLI::App& command_;
  BoundOptions* bound_;
};

// Declares every option of `table` on `command`, parsed into `options`; `bound` (optional)
// receives each option with its run.json key.
template <class Options>
void bind_options(CLI::App& command, const app::OptionTable<Options>& table, Options& options,
                  BoundOptions* bound = nullptr) {
  Cli11Binder binder(command, bound);
  table.bind(binder, options);
}

// The run.json keys of the options that were given on the command line.
std::set<std::string> given_keys(const BoundOptions& bound);

}  // namespace rb::cli
