#pragma once
// A command's flags, each declared once: its names (the reference's underscore spelling first,
// then aliases), help, check, default (the field's initial value) and its key in run.json. The CLI
// binds a table to its parser (cli/option_binding.h); run.json's invocation.options is the same
// table's to_json, so a flag cannot be parsed one way and recorded another. Tables of flags that
// several commands share are written once as functions over the options base struct
// (app/run_options.h). No dependency on the parser library.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::app {

struct OptionInfo {
  std::string names;  // parser syntax: "--batch_size,--batch-size", "--quiet,-q", or a positional "inputs"
  std::string key;    // run.json key; empty: not recorded (a flag that sets another option, e.g. --debug)
  std::string help;
  std::vector<std::string> choices;  // non-empty: the value must be one of these
  bool required = false;
  bool positive = false;      // numbers must be > 0
  bool show_default = true;   // --help shows the default value
  bool one_or_more = false;   // lists: at least one value, as many as given
};

// What a parser implements to take a table's options (cli/option_binding.cpp).
class OptionBinder {
 public:
  virtual ~OptionBinder() = default;
  virtual void bind(const OptionInfo& info, std::string& value) = 0;
  virtual void bind(const OptionInfo& info, std::optional<std::string>& value) = 0;
  virtual void bind(const OptionInfo& info, std::vector<std::string>& values) = 0;
  virtual void bind(const OptionInfo& info, size_t& value) = 0;
  virtual void bind(const OptionInfo& info, std::optional<size_t>& value) = 0;
  virtual void bind(const OptionInfo& info, int& value) = 0;
  virtual void bind(const OptionInfo& info, double& value) = 0;
  virtual void bind_flag(const OptionInfo& info, bool& value) = 0;
  // A flag whose presence runs `action` (e.g. --debug: limit = 10).
  virtual void bind_action(const OptionInfo& info, std::function<void()> action) = 0;
};

template <class T>
nlohmann::ordered_json option_json(const T& value) {
  return nlohmann::ordered_json(value);
}
template <class T>
nlohmann::ordered_json option_json(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

template <class Options>
class OptionTable {
 public:
  // A value option stored in `field`, a member of Options or of one of its bases, or any field
  // reached by an accessor `T& (Options&)`.
  template <class T, class Owner>
  OptionTable& value(OptionInfo info, T Owner::*field) {
    static_assert(std::is_base_of_v<Owner, Options>, "the field must belong to the options or a base of them");
    return value(std::move(info), [field](Options& options) -> T& { return options.*field; });
  }
  template <class Accessor, class = std::enable_if_t<std::is_invocable_v<Accessor, Options&>>>
  OptionTable& value(OptionInfo info, Accessor field) {
    Entry entry;
    entry.info = std::move(info);
    entry.bind = [field](OptionBinder& binder, const OptionInfo& option, Options& options) {
      binder.bind(option, field(options));
    };
    // The accessor only reads here.
    entry.record = [field](const Options& options) { return option_json(field(const_cast<Options&>(options))); };
    entries_.push_back(std::move(entry));
    return *this;
  }

  template <class Owner>
  OptionTable& flag(OptionInfo info, bool Owner::*field) {
    static_assert(std::is_base_of_v<Owner, Options>, "the field must belong to the options or a base of them");
    return flag(std::move(info), [field](Options& options) -> bool& { return options.*field; });
  }
  template <class Accessor, class = std::enable_if_t<std::is_invocable_v<Accessor, Options&>>>
  OptionTable& flag(OptionInfo info, Accessor field) {
    Entry entry;
    entry.info = std::move(info);
    entry.info.show_default = false;
    entry.bind = [field](OptionBinder& binder, const OptionInfo& option, Options& options) {
      binder.bind_flag(option, field(options));
    };
    entry.record = [field](const Options& options) { return nlohmann::ordered_json(field(const_cast<Options&>(options))); };
    entries_.push_back(std::move(entry));
    return *this;
  }

  // A flag that changes other options when given (recorded through those options, not itself).
  OptionTable& action(OptionInfo info, std::function<void(Options&)> apply) {
    Entry entry;
    entry.info = std::move(info);
    entry.info.key.clear();
    entry.bind = [apply](OptionBinder& binder, const OptionInfo& option, Options& options) {
      binder.bind_action(option, [apply, &options] { apply(options); });
    };
    entries_.push_back(std::move(entry));
    return *this;
  }

  void bind(OptionBinder& binder, Options& options) const {
    for (const Entry& entry : entries_) entry.bind(binder, entry.info, options);
  }

  // Every recorded option after defaults, in declaration order: run.json's invocation.options.
  nlohmann::ordered_json to_json(const Options& options) const {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const Entry& entry : entries_)
      if (!entry.info.key.empty() && entry.record) json[entry.info.key] = entry.record(options);
    return json;
  }

 private:
  struct Entry {
    OptionInfo info;
    std::function<void(OptionBinder&, const OptionInfo&, Options&)> bind;
    std::function<nlohmann::ordered_json(const Options&)> record;
  };
  std::vector<Entry> entries_;
};

}  // namespace rb::app
