#include "report/chart_library.h"

#include "common/error.h"

namespace rb::report {

std::string join_chunks(std::initializer_list<std::string_view> chunks) {
  size_t size = 0;
  for (std::string_view chunk : chunks) size += chunk.size();
  std::string text;
  text.reserve(size);
  for (std::string_view chunk : chunks) text += chunk;
  return text;
}

const ChartLibrary& require_chart_library() {
  const ChartLibrary& library = chart_library();
  if (!library.available) {
    throw Error(
        "this rewardbench was built without the chart library the HTML report inlines (Vega and Vega-Lite from "
        "npm, fetched when cmake configures the build): " +
        library.problem +
        ". Make npm and its registry reachable, re-run cmake (cmake -S . -B build) and rebuild "
        "(cmake --build build --target rewardbench).");
  }
  return library;
}

}  // namespace rb::report
