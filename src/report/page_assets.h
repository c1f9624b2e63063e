#pragma once
// The report page's own script and style (src/report/report_page.js and report_page.css), compiled
// in by embed_report_assets.cmake so that the HTML report needs no file beside the program.
#include <string>

namespace rb::report {

const std::string& report_page_script();
const std::string& report_page_style();

}  // namespace rb::report
