#include "template/template_clock.h"

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <regex>

#include "common/error.h"

namespace rb::tmpl {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

std::int64_t parse_date_flag(const std::string& text) {
  static const std::regex pattern(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch match;
  if (!std::regex_match(text, match, pattern))
    throw InputError("--date \"" + text + "\": expected a date as YYYY-MM-DD");
  const int year = std::stoi(match[1]), month = std::stoi(match[2]), day = std::stoi(match[3]);
  static const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int last = (month >= 1 && month <= 12) ? days_in_month[month - 1] + (month == 2 && is_leap(year)) : 0;
  if (last == 0 || day < 1 || day > last) throw InputError("--date \"" + text + "\": no such day");
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
}

std::int64_t parse_epoch(const char* text) {
  const std::string value(text);
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
    throw InputError("SOURCE_DATE_EPOCH=\"" + value + "\": expected a non-negative integer (seconds since 1970, UTC)");
  errno = 0;
  const long long seconds = std::strtoll(value.c_str(), nullptr, 10);
  if (errno == ERANGE || seconds > 253402300799LL)  // 9999-12-31T23:59:59Z
    throw InputError("SOURCE_DATE_EPOCH=\"" + value + "\": beyond the year 9999");
  return seconds;
}

}  // namespace

TemplateClock resolve_template_clock(const std::string& date_flag, const char* source_date_epoch) {
  if (!date_flag.empty()) return {parse_date_flag(date_flag), "--date"};
  if (source_date_epoch && *source_date_epoch) return {parse_epoch(source_date_epoch), "SOURCE_DATE_EPOCH"};
  return {std::nullopt, "now"};
}

std::string describe(const TemplateClock& clock) {
  if (!clock.pinned_epoch_seconds) return "now (the machine's local time)";
  const std::time_t when = static_cast<std::time_t>(*clock.pinned_epoch_seconds);
  std::tm utc{};
  gmtime_r(&when, &utc);
  char buffer[64];
  const bool midnight = utc.tm_hour == 0 && utc.tm_min == 0 && utc.tm_sec == 0;
  std::strftime(buffer, sizeof buffer, midnight ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer) + " (" + clock.source + ")";
}

}  // namespace rb::tmpl
