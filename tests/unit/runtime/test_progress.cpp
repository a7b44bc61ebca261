#include <gtest/gtest.h>

#include "snac/core/error.hpp"
#include "snac/runtime/global_search.hpp"
#include "snac/runtime/progress.hpp"

namespace snac::runtime {
namespace {

TEST(Progress, LineShowsCountsFrontRateAndEta) {
    ProgressCounts c;
    c.done = 10;
    c.budget = 40;
    c.done_this_run = 10;
    c.running = 3;
    c.failed = 1;
    c.pruned = 2;
    c.status = "front 4 | HV 0.5";
    const std::string line = format_progress(c, 60.0);
    EXPECT_EQ(line,
              "[global] done 10/40 | running 3 | failed 1 | pruned 2 | front 4 | HV 0.5 | "
              "10.0 trials/min | ETA 3m");
    c.done = c.budget;
    EXPECT_EQ(format_progress(c, 60.0).find("ETA"), std::string::npos);
}

TEST(Duration, AcceptsUnitsAndRejectsText) {
    EXPECT_DOUBLE_EQ(parse_duration("90"), 90.0);
    EXPECT_DOUBLE_EQ(parse_duration("90s"), 90.0);
    EXPECT_DOUBLE_EQ(parse_duration("30m"), 1800.0);
    EXPECT_DOUBLE_EQ(parse_duration("2h"), 7200.0);
    EXPECT_DOUBLE_EQ(parse_duration("1h30m"), 5400.0);
    EXPECT_THROW(parse_duration("soon"), UsageError);
    EXPECT_THROW(parse_duration("10x"), UsageError);
    EXPECT_THROW(parse_duration(""), UsageError);
}

}  // namespace
}  // namespace snac::runtime
