// Inter-core communication (reference §6.2, §6.3; docs/intercore.md): the emulated OS's side of
// Application_Connect (src/os/IntercoreLink) plays a high-level app against the intercore-echo
// RTApp built from firmware-samples: 1,000 messages each way, none lost, reordered or corrupted,
// the same on every run; connections refused unless both manifests allow them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>

#include "E2eSupport.h"
#include "image/AppManifest.h"
#include "machine/Machine.h"
#include "machine/RtAppLoader.h"
#include "os/IntercoreLink.h"
#include "periph/Watchdog.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;

const std::string kRtDir = std::string(SOURCE_DIR) + "/firmware-samples/intercore-echo";

AppManifest hlApp(const std::string& allowed) {
    return AppManifest::parse("hl.json", R"({"SchemaVersion":1,"Name":"IntercoreComms_HighLevelApp",
        "ComponentId":"25025d2c-66da-4448-bae1-ac26fcdd3627","EntryPoint":"/bin/app",
        "Capabilities":{"AllowedApplicationConnections":[)" + allowed + "]}}");
}

MachineConfig quiet() {
    MachineConfig c;
    c.logger = std::make_shared<spdlog::logger>("ic", std::make_shared<spdlog::sinks::null_sink_mt>());
    return c;
}

struct Exchange {
    std::vector<std::string> replies;
    std::string uart;
    Picos finished = 0;
    unsigned dropped = 0;
};

/// Sends `count` messages and collects the replies, the HL app's way: send while there is room,
/// read what arrived, let virtual time pass.
Exchange exchange(unsigned count, std::uint32_t buffer_size) {
    Machine machine(quiet());
    const AppManifest rt = AppManifest::load(kRtDir + "/app_manifest.json");
    machine.loadRtApp(CoreId::M4_0, RtAppImage::load(e2e::firmware("intercore-echo")), rt);
    machine.runFor(kPicosPerMilli);  // the RTApp starts and waits for the set-up

    IntercoreLink link(machine, CoreId::M4_0, hlApp(R"("005180bc-402f-4cb3-a662-72937dbcde47")"), rt,
                       IntercoreLink::Config{0x8010'0000, buffer_size});
    link.connect();
    Exchange ex;
    unsigned sent = 0;
    while (ex.replies.size() < count && machine.now() < 10 * kPicosPerSecond) {
        while (sent < count) {
            // Varying lengths (1..300 bytes) make blocks wrap around the ring at every offset.
            std::string msg = fmt::format("msg {:04} ", sent);
            msg.append((sent * 37) % 290, static_cast<char>('a' + sent % 26));
            if (!link.send(std::span(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()))) break;
            ++sent;
        }
        while (auto reply = link.receive()) ex.replies.emplace_back(reply->begin(), reply->end());
        machine.runFor(100 * kPicosPerMicro);
    }
    machine.runFor(20 * kPicosPerMilli);  // the RTApp's last UART line finishes
    ex.uart = machine.m4(CoreId::M4_0).debug_uart_capture.text();
    ex.finished = machine.now();
    ex.dropped = link.dropped();
    return ex;
}

TEST(IntercoreTest, ThousandMessagesEachWayArriveInOrderAndIntact) {
    const Exchange ex = exchange(1000, 4096);
    ASSERT_EQ(ex.replies.size(), 1000u) << ex.uart;
    for (unsigned i = 0; i < 1000; ++i) {
        std::string expected = fmt::format("echo:msg {:04} ", i);
        expected.append((i * 37) % 290, static_cast<char>('a' + i % 26));
        ASSERT_EQ(ex.replies[i], expected) << "message " << i;
    }
    EXPECT_EQ(ex.dropped, 0u);
    EXPECT_THAT(ex.uart, HasSubstr("intercore-echo: buffers 0x80100000 (out) 0x80101000 (in), 4032 bytes"));
    EXPECT_THAT(ex.uart, HasSubstr("intercore-echo: 1000 messages echoed"));
}

TEST(IntercoreTest, TheExchangeIsIdenticalOnEveryRun) {
    const Exchange a = exchange(300, 1024);
    const Exchange b = exchange(300, 1024);
    ASSERT_EQ(a.replies.size(), 300u);
    EXPECT_EQ(a.replies, b.replies);
    EXPECT_EQ(a.uart, b.uart);
    EXPECT_EQ(a.finished, b.finished);
}

TEST(IntercoreTest, ConnectionNeedsBothManifestsToAllowIt) {
    Machine machine(quiet());
    const AppManifest rt = AppManifest::load(kRtDir + "/app_manifest.json");
    try {
        IntercoreLink link(machine, CoreId::M4_0, hlApp(""), rt);
        FAIL();
    } catch (const IntercoreError& e) {
        EXPECT_STREQ(e.what(), "Application_Connect: 'IntercoreComms_HighLevelApp' (25025d2c-66da-4448-bae1-"
                               "ac26fcdd3627) does not list 'intercore-echo' (005180bc-402f-4cb3-a662-72937dbcde47) "
                               "in AllowedApplicationConnections");
    }
    AppManifest closed_rt = rt;
    closed_rt.capabilities.allowedApplicationConnections.clear();
    EXPECT_THROW(IntercoreLink(machine, CoreId::M4_0, hlApp(R"("005180bc-402f-4cb3-a662-72937dbcde47")"), closed_rt),
                 IntercoreError);
}

TEST(IntercoreTest, RtAppWithManifestReachesOnlyTheOpenedBuffers) {
    Machine machine(quiet());
    loadRtAppFromPath(machine, CoreId::M4_0, e2e::firmware("intercore-echo"), kRtDir + "/app_manifest.json");
    machine.runFor(kPicosPerMilli);
    // Descriptors that point outside the buffers the OS opened: the RTApp faults on first use.
    Mailbox::End& a7 = machine.a7Mailbox(CoreId::M4_0).a7End();
    a7.push(0xBA5E'0001, 0x8020'0000 | 12);
    a7.push(0xBA5E'0002, 0x8020'1000 | 12);
    a7.push(0xBA5E'0003, 0);
    machine.runFor(20 * kPicosPerMilli);  // it prints the buffer addresses, then reads them
    EXPECT_EQ(machine.m4(CoreId::M4_0).core.state(), CoreState::Halted);
    EXPECT_THAT(machine.m4(CoreId::M4_0).core.faultReport(),
                HasSubstr("firewall denied read of 0x80201000 (A7 RAM outside the intercore buffers"));
}

TEST(IntercoreTest, MessagesFlowAgainAfterTheRtAppIsResetByItsWatchdog) {
    Machine machine(quiet());
    const AppManifest rt = AppManifest::load(kRtDir + "/app_manifest.json");
    machine.loadRtApp(CoreId::M4_0, RtAppImage::load(e2e::firmware("intercore-echo")), rt);
    machine.runFor(kPicosPerMilli);
    IntercoreLink link(machine, CoreId::M4_0, hlApp(R"("005180bc-402f-4cb3-a662-72937dbcde47")"), rt);
    link.connect();
    // One message there and back, the HL app's way; "" when no reply came within 10 ms.
    auto roundTrip = [&](const std::string& msg) {
        if (!link.send(std::span(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()))) return std::string();
        for (int i = 0; i < 100; ++i) {
            machine.runFor(100 * kPicosPerMicro);
            if (auto reply = link.receive()) return std::string(reply->begin(), reply->end());
        }
        return std::string();
    };
    EXPECT_EQ(roundTrip("before"), "echo:before");
    // The watchdog (reference 4.9), enabled in reset mode with a 125 ms timeout behind the app's
    // back: intercore-echo never kicks it, so it resets the core, which starts again and waits
    // for the buffer descriptors.
    Watchdog& wdt = *machine.m4(CoreId::M4_0).watchdog;
    wdt.write(0x34, 4, (3u << 5) | 0x08u);  // WDT_LENGTH: 4 ticks of 1/32 s
    wdt.write(0x30, 4, 0x2200u | 1u);       // WDT_MODE: enable, reset mode
    machine.runFor(200 * kPicosPerMilli);
    wdt.write(0x30, 4, 0x2200u);  // off again: the restarted app must not be reset once more
    const std::string uart = machine.m4(CoreId::M4_0).debug_uart_capture.text();
    const std::string waiting = "intercore-echo: waiting for the HL app";
    const std::string buffers = "intercore-echo: buffers 0x80100000 (out) 0x80101000 (in), 4032 bytes";
    ASSERT_NE(uart.find(waiting, uart.find(waiting) + 1), std::string::npos) << "no restart:\n" << uart;
    EXPECT_NE(uart.find(buffers, uart.find(buffers) + 1), std::string::npos) << "no set-up after the restart:\n" << uart;
    for (int i = 0; i < 50; ++i) {
        const std::string msg = fmt::format("after {:02} ", i) + std::string(i * 7, 'x');
        ASSERT_EQ(roundTrip(msg), "echo:" + msg) << uart;
    }
    EXPECT_EQ(link.dropped(), 0u);
}

}  // namespace
}  // namespace mt3620
