// Events of a running machine become error reports (pluton/BootSession.h,
// pluton/LiveErrorReports.h): each is on disk soon after it happens, without the session ending;
// equal events are one report whose count is rewritten at most once per interval and at the end,
// with the virtual time of the first.
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <thread>

#include "PlutonTestSupport.h"
#include "pluton/BootSession.h"
#include "pluton/LiveErrorReports.h"

using namespace mt3620::pluton;
using namespace std::chrono_literals;

namespace {

/// Polls the reports on disk until `done` holds for them (the writer thread is asynchronous);
/// gives up after 10 s of real time.
template <class Done>
std::vector<ErrorReport> waitFor(const ErrorReports& store, Done done) {
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        auto list = store.list();
        if (done(list) || std::chrono::steady_clock::now() > give_up) return list;
        std::this_thread::sleep_for(5ms);
    }
}

ErrorReport denial(const std::string& detail) { return {0, {}, ErrorEvent::FirewallDenial, "app", "m4-1", detail}; }

}  // namespace

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
        // Each kind of event is on disk while the session still runs.
        auto early = waitFor(session.device().errors(), [](const auto& l) { return l.size() == 3; });
        EXPECT_EQ(early.size(), 3u) << "the reports are written as the events happen";
    }
    auto reports = Device::open({dir.string(), std::string("events"), false}).errors().list();
    ASSERT_EQ(reports.size(), 3u);
    // In the order the events first happened.
    EXPECT_EQ(reports[0].event, ErrorEvent::WatchdogReset);
    EXPECT_EQ(reports[0].core, "m4-0");
    EXPECT_EQ(reports[0].count, 3u);
    EXPECT_EQ(reports[0].detail, "watchdog timeout (first at 2.000000 s virtual time)");
    EXPECT_EQ(reports[1].event, ErrorEvent::FirewallDenial);
    EXPECT_EQ(reports[1].core, "m4-1");
    EXPECT_EQ(reports[1].count, 1u);
    EXPECT_EQ(reports[1].detail, "access to 0x38030014 denied (first at 0.001500 s virtual time)");
    EXPECT_EQ(reports[2].event, ErrorEvent::AppExit);
    EXPECT_EQ(reports[2].detail, "exited with code 3");
    EXPECT_EQ(reports[2].count, 1u);
}

TEST(ErrorEvents, RepeatsAreCoalescedUntilTheIntervalOrAFlush) {
    const auto dir = pluton_test::freshDir("device");
    const ErrorReports store(dir);
    LiveErrorReports live(store, std::chrono::hours(1));
    live.note(denial("access to 0x38030014 denied"), "0x38030014");
    auto first = waitFor(store, [](const auto& l) { return !l.empty(); });
    ASSERT_EQ(first.size(), 1u) << "the first event is written without a flush";
    EXPECT_EQ(first[0].count, 1u);
    for (int i = 0; i < 1000; ++i) live.note(denial("access to 0x38030014 denied"), "0x38030014");
    std::this_thread::sleep_for(100ms);
    auto meanwhile = store.list();
    ASSERT_EQ(meanwhile.size(), 1u) << "repeats never make a file of their own";
    EXPECT_EQ(meanwhile[0].count, 1u) << "within the interval the count is not rewritten";
    live.flush();
    auto flushed = store.list();
    ASSERT_EQ(flushed.size(), 1u);
    EXPECT_EQ(flushed[0].count, 1001u);
    EXPECT_EQ(flushed[0].time, first[0].time) << "a count update keeps the report's time";
}

TEST(ErrorEvents, CountsReachTheDiskWithinAnIntervalWithoutAFlush) {
    const auto dir = pluton_test::freshDir("device");
    const ErrorReports store(dir);
    LiveErrorReports live(store, 20ms);
    live.note(denial("a"), "a");
    live.note(denial("b"), "b");
    ASSERT_EQ(waitFor(store, [](const auto& l) { return l.size() == 2; }).size(), 2u);
    for (int i = 1; i < 500; ++i) {
        live.note(denial("a"), "a");
        live.note(denial("b"), "b");
    }
    auto list = waitFor(store, [](const auto& l) { return l.size() == 2 && l[0].count == 500 && l[1].count == 500; });
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].detail, "a");
    EXPECT_EQ(list[0].count, 500u);
    EXPECT_EQ(list[1].detail, "b");
    EXPECT_EQ(list[1].count, 500u);
}

TEST(ErrorEvents, UpdateCountOfAMissingReportFails) {
    const auto dir = pluton_test::freshDir("device");
    const ErrorReports store(dir);
    EXPECT_FALSE(store.updateCount(7, 2));
    ASSERT_EQ(store.record(denial("x")), 1u);
    EXPECT_TRUE(store.updateCount(1, 9));
    EXPECT_EQ(store.list().at(0).count, 9u);
}
