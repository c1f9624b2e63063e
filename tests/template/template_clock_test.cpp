// The clock a chat template's strftime_now() reads: pinned by --date or SOURCE_DATE_EPOCH
// (formatted in UTC), else now.
#include <gtest/gtest.h>

#include "common/error.h"
#include "template/chat_template.h"
#include "template/template_clock.h"

namespace rb::tmpl {
namespace {

std::string today_as(const std::string& format, const TemplateClock& clock) {
  return ChatTemplate("{{ strftime_now('" + format + "') }}", "<test>", clock).render(Json::object());
}

TEST(TemplateClock, DateFlagIsThatDaysMidnightUtc) {
  const TemplateClock clock = resolve_template_clock("2026-01-15", "1");
  EXPECT_EQ(clock.pinned_epoch_seconds, 1768435200);
  EXPECT_EQ(clock.source, "--date");
  EXPECT_EQ(describe(clock), "2026-01-15 (--date)");
  EXPECT_EQ(today_as("%d %B %Y %H:%M", clock), "15 January 2026 00:00");
  EXPECT_EQ(resolve_template_clock("1970-01-01", nullptr).pinned_epoch_seconds, 0);
  EXPECT_EQ(resolve_template_clock("2000-02-29", nullptr).pinned_epoch_seconds, 951782400);
  EXPECT_EQ(resolve_template_clock("1969-12-31", nullptr).pinned_epoch_seconds, -86400);
}

TEST(TemplateClock, SourceDateEpochWhenNoFlag) {
  const TemplateClock clock = resolve_template_clock("", "1768464000");  // 2026-01-15T08:00:00Z
  EXPECT_EQ(clock.source, "SOURCE_DATE_EPOCH");
  EXPECT_EQ(describe(clock), "2026-01-15T08:00:00Z (SOURCE_DATE_EPOCH)");
  EXPECT_EQ(today_as("%d %b %Y", clock), "15 Jan 2026");
}

TEST(TemplateClock, NowWhenNeither) {
  const TemplateClock clock = resolve_template_clock("", nullptr);
  EXPECT_FALSE(clock.pinned_epoch_seconds.has_value());
  EXPECT_EQ(resolve_template_clock("", "").source, "now");
  EXPECT_EQ(describe(clock), "now (the machine's local time)");
  EXPECT_EQ(today_as("%Y", clock).size(), 4u);
}

TEST(TemplateClock, MalformedValuesAreInputErrors) {
  for (const char* bad : {"2026-1-15", "15-01-2026", "2026-13-01", "2026-00-10", "2026-02-30", "2023-02-29",
                          "2026-01-15T00:00", "today", ""}) {
    if (*bad == '\0') continue;  // empty: the flag is absent
    EXPECT_THROW(resolve_template_clock(bad, nullptr), InputError) << bad;
  }
  for (const char* bad : {"-1", "1.5", "abc", " 1", "99999999999999999999", "253402300800"})
    EXPECT_THROW(resolve_template_clock("", bad), InputError) << bad;
  EXPECT_NO_THROW(resolve_template_clock("", "253402300799"));
}

}  // namespace
}  // namespace rb::tmpl
