#pragma once
// Walks the syntax tree with jinja2's runtime rules: per-iteration scopes for loops (so `set`
// inside a loop does not leak, which is why templates use namespace()), macros that see the
// scope they were defined in, for-else, loop.* and break/continue. Safety limits bound the
// work a hostile template can cause.
#include <cstddef>
#include <string>

#include "template/ast.h"
#include "template/template_clock.h"
#include "template/value.h"

namespace rb::tmpl {

struct RenderLimits {
  std::size_t max_output_bytes = std::size_t{256} << 20;
  std::size_t max_loop_iterations = 1000000;   // summed over all loops of one render
  int max_call_depth = 200;                       // macro calls and recursive loops
};

// Renders `body` with `context` as the top-level variables. Errors are rb::TemplateError
// whose message starts with "<origin>:<line>:<column>:".
std::string render_template(const Body& body, const Dict& context, const std::string& origin, const RenderLimits& limits,
                            const TemplateClock& clock = {});

}  // namespace rb::tmpl
