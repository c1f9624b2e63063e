#pragma once
// The chart library inlined into `rewardbench report`'s HTML: the minified UMD builds of Vega and
// Vega-Lite with their licences. They are not vendored here: CMake fetches the pinned npm
// packages at configure time and compiles them in (src/report/embed_chart_library.cmake, which
// generates chart_library()'s definition). A build configured without npm or the registry has
// none; the report command then says how to get it.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace rb::report {

struct ChartScript {
  std::string package;  // npm name: "vega", "vega-lite"
  std::string version;
  std::string license;  // the package's LICENSE file
  std::string code;     // its minified UMD build, defining a global (vega, vegaLite)
};

struct ChartLibrary {
  bool available = false;
  std::string problem;               // why it is missing, when !available
  std::vector<ChartScript> scripts;  // in load order
};

// Defined in the generated <build>/generated/rb_report/chart_library_data.cpp.
const ChartLibrary& chart_library();

// The library, or rb::Error explaining that this build has none and how to fix that.
const ChartLibrary& require_chart_library();

// The generated file holds each text as several literals (compilers limit one literal's size).
std::string join_chunks(std::initializer_list<std::string_view> chunks);

}  // namespace rb::report
