# Embeds data/demo/preference_pairs.jsonl into a target as a byte array, so `rewardbench demo`
# works from any folder. Usage (in the CMakeLists.txt that builds demo_assets.cpp):
#   include(${CMAKE_SOURCE_DIR}/data/demo/embed_demo_pairs.cmake)
#   rb_embed_demo_pairs(<target>)
# It writes <build>/generated/rb_demo/demo_preference_pairs_data.h (namespace rb::app::generated,
# array kDemoPreferencePairs) and adds that folder to the target's include path; the header is
# regenerated whenever the .jsonl changes (it is a configure dependency).
set(RB_DEMO_PAIRS_FILE "${CMAKE_CURRENT_LIST_DIR}/preference_pairs.jsonl")

function(rb_embed_demo_pairs target)
  set(header_dir "${CMAKE_BINARY_DIR}/generated/rb_demo")
  set(header "${header_dir}/demo_preference_pairs_data.h")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${RB_DEMO_PAIRS_FILE}")
  file(READ "${RB_DEMO_PAIRS_FILE}" hex HEX)
  # 32 bytes per line keeps the generated header readable in an editor.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
  set(text "// Generated from data/demo/preference_pairs.jsonl by data/demo/embed_demo_pairs.cmake; do not edit.\n")
  string(APPEND text "#pragma once\nnamespace rb::app::generated {\n")
  string(APPEND text "inline constexpr unsigned char kDemoPreferencePairs[] = {\n${bytes}\n};\n}  // namespace rb::app::generated\n")
  # Only touch the header when its content changes, so unrelated re-configures do not rebuild.
  file(WRITE "${header}.new" "${text}")
  configure_file("${header}.new" "${header}" COPYONLY)
  file(REMOVE "${header}.new")
  target_include_directories(${target} PRIVATE "${header_dir}")
endfunction()
