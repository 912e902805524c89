// Events of a running machine become error reports (pluton/BootSession.h): equal events are
// counted into one report written when the session ends, with the virtual time of the first.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "PlutonTestSupport.h"
#include "pluton/BootSession.h"

using namespace mt3620::pluton;

TEST(ErrorEvents, EqualEventsAreOneReportWithACount) {
    pluton_test::freshDataHome();
    const auto dir = pluton_test::freshDir("device");
    auto log = std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>());
    {
        BootSession session(DeviceOptions{dir.string(), std::string("events"), false}, log);
        for (int i = 0; i < 3; ++i)
            session.noteEvent(ErrorEvent::WatchdogReset, "m4-0", "watchdog timeout", 2'000'000'000'000ull * (i + 1));
        session.noteEvent(ErrorEvent::FirewallDenial, "m4-1", "access to 0x38030014 denied", 1'500'000'000ull);
        session.reportHlAppEnd("app", false, "exited with code 3");
        EXPECT_EQ(session.device().errors().list().size(), 1u) << "counted events wait for the end of the run";
    }
    auto reports = Device::open({dir.string(), std::string("events"), false}).errors().list();
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports[0].event, ErrorEvent::AppExit);
    EXPECT_EQ(reports[0].detail, "exited with code 3");
    EXPECT_EQ(reports[0].count, 1u);
    // The counted ones follow, in the order of their kind.
    EXPECT_EQ(reports[1].event, ErrorEvent::FirewallDenial);
    EXPECT_EQ(reports[1].core, "m4-1");
    EXPECT_EQ(reports[1].count, 1u);
    EXPECT_EQ(reports[1].detail, "access to 0x38030014 denied (first at 0.001500 s virtual time)");
    EXPECT_EQ(reports[2].event, ErrorEvent::WatchdogReset);
    EXPECT_EQ(reports[2].core, "m4-0");
    EXPECT_EQ(reports[2].count, 3u);
    EXPECT_EQ(reports[2].detail, "watchdog timeout (first at 2.000000 s virtual time)");
}
