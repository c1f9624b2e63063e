# What `rewardbench report` inlines into its HTML, compiled into a target:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/embed_report_assets.cmake)
#   rb_embed_chart_library(<target>)   Vega and Vega-Lite (BSD-3-Clause) from npm, never vendored here
#   rb_embed_page_assets(<target> <script.js> <style.css>)   the page's own script and style
# Chart library:
# At configure time the pinned npm tarballs are fetched once (`npm pack`) into
# <build>/npm-packages/<name>_<version>/package (the layout tests/support/fetch_npm_package.sh
# uses, under the same lock file), checked against their SHA-256, and their minified UMD builds
# and LICENSE files are written as string data into <build>/generated/rb_report/chart_library_data.cpp,
# which defines report/chart_library.h's chart_library(). Without npm or the registry configure
# still succeeds: the generated file then says why the library is missing, and `rewardbench
# report` tells the user to make npm reachable and re-run cmake.

# name, version, SHA-256 of the registry tarball (the dist.integrity npm publishes, in hex), the
# file inside the package. Load order: vega-lite's UMD build needs the global `vega`.
set(RB_CHART_PACKAGES
    "vega|6.4.0|3521fb6ff68a94a40323954f0ba4484ba4014b157bfd37f89a3b063082320c42|build/vega.min.js"
    "vega-lite|6.5.0|811230a6bfd2cdbfc359d0c38f624a90df86657b7f251b67be88bcc4eee32b7f|build/vega-lite.min.js")

# Raw string literals of this size compile fast and stay under every compiler's per-literal limit.
set(RB_CHART_CHUNK_BYTES 60000)
set(RB_CHART_RAW_DELIMITER "rbjs")

# Sets <out_dir> to the unpacked package folder, or <out_problem> to why it could not be fetched.
function(rb_fetch_chart_package name version sha256 out_dir out_problem)
  set(cache "${CMAKE_BINARY_DIR}/npm-packages")
  set(root "${cache}/${name}_${version}")
  set(${out_dir} "${root}/package" PARENT_SCOPE)
  set(${out_problem} "" PARENT_SCOPE)
  file(MAKE_DIRECTORY "${cache}")
  file(LOCK "${cache}/.lock" GUARD FUNCTION TIMEOUT 600)
  if(EXISTS "${root}/.complete")
    return()
  endif()
  find_program(RB_NPM_PROGRAM npm)
  if(NOT RB_NPM_PROGRAM)
    set(${out_problem} "npm was not found" PARENT_SCOPE)
    return()
  endif()
  message(STATUS "rewardbench report: fetching ${name}@${version} with npm")
  set(download "${cache}/.${name}_${version}.download")
  file(REMOVE_RECURSE "${download}" "${root}")
  file(MAKE_DIRECTORY "${download}")
  execute_process(COMMAND "${RB_NPM_PROGRAM}" pack --silent "${name}@${version}"
                  WORKING_DIRECTORY "${download}" RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE error
                  TIMEOUT 300)
  file(GLOB tarball "${download}/*.tgz")
  if(NOT status EQUAL 0 OR NOT tarball)
    string(REGEX REPLACE "\n.*" "" error "${error}")
    set(${out_problem} "`npm pack ${name}@${version}` failed (${status}): ${error}" PARENT_SCOPE)
    file(REMOVE_RECURSE "${download}")
    return()
  endif()
  file(SHA256 "${tarball}" actual)
  if(NOT actual STREQUAL sha256)
    set(${out_problem} "${name}@${version} from npm has SHA-256 ${actual}, expected ${sha256}" PARENT_SCOPE)
    file(REMOVE_RECURSE "${download}")
    return()
  endif()
  file(ARCHIVE_EXTRACT INPUT "${tarball}" DESTINATION "${root}")
  file(TOUCH "${root}/.complete")
  file(REMOVE_RECURSE "${download}")
endfunction()

# Appends to <out_var> a C++ braced list of raw string literals holding <text>. Chunks end on a
# UTF-8 character boundary, so every literal is valid UTF-8 on its own.
function(rb_raw_string_chunks text out_var)
  string(LENGTH "${text}" length)
  set(code "{\n")
  set(begin 0)
  while(begin LESS length)
    math(EXPR end "${begin} + ${RB_CHART_CHUNK_BYTES}")
    if(end GREATER_EQUAL length)
      set(end ${length})
    else()
      # Step back while the next chunk would start on a continuation byte (10xxxxxx).
      while(TRUE)
        string(SUBSTRING "${text}" ${end} 1 next)
        string(HEX "${next}" next_hex)
        if(NOT next_hex MATCHES "^[89ab]")
          break()
        endif()
        math(EXPR end "${end} - 1")
      endwhile()
    endif()
    math(EXPR count "${end} - ${begin}")
    string(SUBSTRING "${text}" ${begin} ${count} chunk)
    string(APPEND code "R\"${RB_CHART_RAW_DELIMITER}(${chunk})${RB_CHART_RAW_DELIMITER}\",\n")
    set(begin ${end})
  endwhile()
  string(APPEND code "}")
  set(${out_var} "${code}" PARENT_SCOPE)
endfunction()

# Reads one fetched package: sets <out_entry> to its ChartScript initializer, or <out_problem>.
function(rb_chart_script_entry name version folder script out_entry out_problem)
  set(${out_problem} "" PARENT_SCOPE)
  foreach(file "${folder}/${script}" "${folder}/LICENSE")
    if(NOT EXISTS "${file}")
      set(${out_problem} "${file} is missing from the npm package" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  file(READ "${folder}/${script}" code)
  file(READ "${folder}/LICENSE" license)
  # The source map is not shipped; without the comment no browser tool asks for it.
  string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*" "" code "${code}")
  string(FIND "${code}${license}" ")${RB_CHART_RAW_DELIMITER}\"" clash)
  if(NOT clash EQUAL -1)
    set(${out_problem} "${name}@${version} contains the raw string delimiter used to embed it" PARENT_SCOPE)
    return()
  endif()
  rb_raw_string_chunks("${code}" code_chunks)
  rb_raw_string_chunks("${license}" license_chunks)
  set(${out_entry} "{\"${name}\", \"${version}\",\n join_chunks(${license_chunks}),\n join_chunks(${code_chunks})}"
      PARENT_SCOPE)
endfunction()

function(rb_embed_chart_library target)
  set(problem "")
  set(entries "")
  set(names "")
  foreach(package IN LISTS RB_CHART_PACKAGES)
    string(REPLACE "|" ";" fields "${package}")
    list(GET fields 0 name)
    list(GET fields 1 version)
    list(GET fields 2 sha256)
    list(GET fields 3 script)
    list(APPEND names "${name}@${version}")
    if(problem STREQUAL "")
      rb_fetch_chart_package("${name}" "${version}" "${sha256}" folder problem)
    endif()
    if(problem STREQUAL "")
      rb_chart_script_entry("${name}" "${version}" "${folder}" "${script}" entry problem)
      string(APPEND entries "    library.scripts.push_back(ChartScript${entry});\n")
    endif()
  endforeach()
  list(JOIN names " and " names)

  set(dir "${CMAKE_BINARY_DIR}/generated/rb_report")
  set(source "${dir}/chart_library_data.cpp")
  set(text "// Generated by src/report/embed_chart_library.cmake from the npm packages ${names}; do not edit.\n")
  string(APPEND text "#include \"report/chart_library.h\"\n\nnamespace rb::report {\n\n")
  string(APPEND text "const ChartLibrary& chart_library() {\n  static const ChartLibrary built = [] {\n")
  string(APPEND text "    ChartLibrary library;\n")
  if(problem STREQUAL "")
    message(STATUS "rewardbench report: chart library ${names} embedded")
    string(APPEND text "    library.available = true;\n${entries}")
  else()
    message(WARNING "rewardbench report will be unavailable in this build: ${problem}. "
                    "Make npm and its registry reachable and re-run cmake.")
    string(APPEND text "    library.problem = R\"${RB_CHART_RAW_DELIMITER}(${problem})${RB_CHART_RAW_DELIMITER}\";\n")
  endif()
  string(APPEND text "    return library;\n  }();\n  return built;\n}\n\n}  // namespace rb::report\n")
  # Only touch the file when its content changes, so unrelated re-configures do not rebuild it.
  file(WRITE "${source}.new" "${text}")
  configure_file("${source}.new" "${source}" COPYONLY)
  file(REMOVE "${source}.new")
  target_sources(${target} PRIVATE "${source}")
endfunction()

# The page's own script and style (files of this folder) as report/page_assets.h's functions.
# Editing either file re-runs cmake, which regenerates the source.
function(rb_embed_page_assets target script style)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${script}" "${style}")
  file(READ "${script}" script_text)
  file(READ "${style}" style_text)
  foreach(text IN ITEMS "${script_text}" "${style_text}")
    string(FIND "${text}" ")${RB_CHART_RAW_DELIMITER}\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${script} or ${style} contains the raw string delimiter used to embed it")
    endif()
  endforeach()
  rb_raw_string_chunks("${script_text}" script_chunks)
  rb_raw_string_chunks("${style_text}" style_chunks)
  set(dir "${CMAKE_BINARY_DIR}/generated/rb_report")
  set(source "${dir}/page_assets_data.cpp")
  set(text "// Generated by src/report/embed_report_assets.cmake from report_page.js and report_page.css; do not edit.\n")
  string(APPEND text "#include \"report/chart_library.h\"\n#include \"report/page_assets.h\"\n\nnamespace rb::report {\n\n")
  string(APPEND text "const std::string& report_page_script() {\n  static const std::string text = join_chunks(${script_chunks});\n  return text;\n}\n\n")
  string(APPEND text "const std::string& report_page_style() {\n  static const std::string text = join_chunks(${style_chunks});\n  return text;\n}\n\n")
  string(APPEND text "}  // namespace rb::report\n")
  file(WRITE "${source}.new" "${text}")
  configure_file("${source}.new" "${source}" COPYONLY)
  file(REMOVE "${source}.new")
  target_sources(${target} PRIVATE "${source}")
endfunction()
