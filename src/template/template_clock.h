#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace rb::tmpl {

// The moment strftime_now() formats. transformers renders with the machine's local time, so a
// Llama-3.2-style template's text (and so its scores) changes from one day to the next; a run pins
// the moment (--date, SOURCE_DATE_EPOCH), and a pinned moment is formatted in UTC so that it reads
// the same on every machine.
struct TemplateClock {
  std::optional<std::int64_t> pinned_epoch_seconds;  // unset: now, in local time
  std::string source;                                 // "--date", "SOURCE_DATE_EPOCH" or "now"
};

// A run's clock: `date_flag` (YYYY-MM-DD: that day's midnight UTC) when given, else
// `source_date_epoch` (the SOURCE_DATE_EPOCH convention of reproducible builds: seconds since
// 1970, UTC) when set, else now. Throws rb::InputError naming the flag or variable when malformed.
TemplateClock resolve_template_clock(const std::string& date_flag, const char* source_date_epoch);

// What run.json records: "2026-01-15 (--date)", "2026-01-15T08:00:00Z (SOURCE_DATE_EPOCH)" or
// "now (the machine's local time)".
std::string describe(const TemplateClock& clock);

}  // namespace rb::tmpl
