// Application_Connect end to end (docs/intercore.md): the hl-intercore high-level app
// (firmware-samples/hl-intercore, built against the project's sysroot) and the intercore-echo
// RTApp run together, through the public API and the CLI, and exchange 1,000 messages each way;
// connections the manifests do not allow are refused with the documented errno; the socket calls
// behave as on Linux (tests/hl-programs/intercore_socket.c).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <mt3620emu/Machine.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "E2eSupport.h"

namespace {

using ::testing::HasSubstr;
using mt3620emu::Core;
using mt3620emu::Picoseconds;

std::string appDir(const std::string& name) { return std::string(HL_APPS_DIR) + "/apps/" + name; }
std::string applibs() { return std::string(HL_APPS_DIR) + "/lib/libapplibs.so.0"; }
const std::string kRtManifest = std::string(SOURCE_DIR) + "/firmware-samples/intercore-echo/app_manifest.json";
const std::string kRtId = "005180bc-402f-4cb3-a662-72937dbcde47";
const std::string kHlId = "7c0b4d2e-9a61-4f3c-b8d5-2e6f1a9c4b70";

/// A manifest file in the test's temporary directory.
std::string writeManifest(const std::string& name, const std::string& type, const std::string& id,
                          const std::string& allowed) {
    const std::string path = e2e::tmpPath(name + ".json");
    std::ofstream(path) << R"({"SchemaVersion":1,"Name":")" << name << R"(","ComponentId":")" << id
                        << R"(","EntryPoint":"/bin/app","Capabilities":{"AllowedApplicationConnections":[)" << allowed
                        << R"(]},"ApplicationType":")" << type << R"("})";
    return path;
}

struct PairRun {
    std::string a7, m4;
    Picoseconds end = 0;
    std::optional<int> exit;
};

/// intercore-echo on M4 core 0 (with `rt_manifest`, or none), `hl` on the A7, until the HL app ends.
PairRun runPair(const std::string& hl, const std::vector<std::string>& args, const std::string& rt_manifest,
                const std::string& hl_manifest = "") {
    mt3620emu::Options o;
    o.log_level = "off";
    mt3620emu::Machine m(o);
    m.loadRtApp(Core::M4_0, e2e::firmware("intercore-echo"), rt_manifest);
    mt3620emu::Machine::HlAppOptions h;
    h.args = args;
    h.applibs = applibs();
    h.manifest = hl_manifest;
    m.loadHlApp(hl, h);
    m.runUntil([&] { return m.hlAppExitStatus().has_value(); }, mt3620emu::seconds(30));
    m.runFor(mt3620emu::ms(5));  // the RTApp's last UART line
    return PairRun{m.serialOutput("a7"), m.serialOutput("m4-0"), m.now(), m.hlAppExitStatus()};
}

/// What hl-intercore prints for `count` replies, all right.
std::string expectedReplies(unsigned count) {
    std::string out;
    for (unsigned i = 0; i < count; ++i) {
        std::string msg = fmt::format("msg {:04} ", i);
        msg.append((i * 37) % 290, static_cast<char>('a' + i % 26));
        out += fmt::format("reply {:04} ({} bytes): echo:{}\n", i, msg.size() + 5, msg);
    }
    return out;
}

TEST(HlIntercore, ThousandMessagesEachWayThroughApplicationConnect) {
    REQUIRE_HL_APPS();
    const PairRun r = runPair(appDir("hl-intercore"), {"1000", "4", "1"}, kRtManifest);
    ASSERT_EQ(r.exit, 0) << r.a7.substr(r.a7.size() > 2000 ? r.a7.size() - 2000 : 0);
    // Every reply, in order and intact (the app checks them too and counts the wrong ones).
    const std::string head = "hl-intercore: 1000 messages to " + kRtId + ", 4 at a time, every 1 ms\n";
    EXPECT_EQ(r.a7, head + expectedReplies(1000) + "hl-intercore: 1000 sent, 1000 replies, 0 wrong\n");
    EXPECT_THAT(r.m4, HasSubstr("intercore-echo: buffers 0x80100000 (out) 0x80101000 (in), 4032 bytes"));
    EXPECT_THAT(r.m4, HasSubstr("intercore-echo: 1000 messages echoed"));
}

TEST(HlIntercore, MessagesFlowAgainAfterTheRtAppIsResetByItsWatchdog) {
    REQUIRE_HL_APPS();
    mt3620emu::Options o;
    o.log_level = "off";
    mt3620emu::Machine m(o);
    m.loadRtApp(Core::M4_0, e2e::firmware("intercore-echo"), kRtManifest);
    mt3620emu::Machine::HlAppOptions h;
    h.args = {"40", "1", "20"};  // 40 messages, one at a time, every 20 ms
    h.applibs = applibs();
    m.loadHlApp(appDir("hl-intercore"), h);
    ASSERT_TRUE(m.runUntilSerial("a7", "reply 0009", mt3620emu::seconds(5))) << m.serialOutput("a7");
    // The RTApp's watchdog (reference 4.9) in reset mode with a 125 ms timeout, behind its back:
    // intercore-echo never kicks it, so the watchdog resets the core while the HL app stays
    // connected; the restarted RTApp waits for the buffer descriptors again.
    m.writeWord(Core::M4_0, 0x2102'0034, (3u << 5) | 0x08u);  // WDT_LENGTH: 4 ticks of 1/32 s
    m.writeWord(Core::M4_0, 0x2102'0030, 0x2200u | 1u);       // WDT_MODE: enabled, reset mode
    ASSERT_TRUE(m.runUntilSerial("m4-0", "waiting for the HL app[^]*waiting for the HL app", mt3620emu::seconds(1)))
        << m.serialOutput("m4-0");
    m.writeWord(Core::M4_0, 0x2102'0030, 0x2200u);  // off: the restarted app is left alone
    m.runUntil([&] { return m.hlAppExitStatus().has_value(); }, mt3620emu::seconds(10));
    EXPECT_EQ(m.hlAppExitStatus(), 0) << m.serialOutput("a7");
    const std::string head = "hl-intercore: 40 messages to " + kRtId + ", 1 at a time, every 20 ms\n";
    EXPECT_EQ(m.serialOutput("a7"), head + expectedReplies(40) + "hl-intercore: 40 sent, 40 replies, 0 wrong\n");
}

TEST(HlIntercore, TheExchangeIsIdenticalOnEveryRun) {
    REQUIRE_HL_APPS();
    const PairRun a = runPair(appDir("hl-intercore"), {"1000", "4", "1"}, kRtManifest);
    const PairRun b = runPair(appDir("hl-intercore"), {"1000", "4", "1"}, kRtManifest);
    ASSERT_EQ(a.exit, 0);
    EXPECT_EQ(a.a7, b.a7);
    EXPECT_EQ(a.m4, b.m4);
    EXPECT_EQ(a.end, b.end);
}

TEST(HlIntercore, RefusedWithEaccesWhenTheHlManifestDoesNotListTheRtApp) {
    REQUIRE_HL_APPS();
    const std::string hl = writeManifest("hl-no-rt", "Default", kHlId, "");
    const PairRun r = runPair(appDir("hl-intercore"), {"3"}, kRtManifest, hl);
    EXPECT_EQ(r.exit, 7);
    EXPECT_THAT(r.a7, HasSubstr("ERROR: Application_Connect: Permission denied (13)\n"));
}

TEST(HlIntercore, RefusedWithEaccesWhenTheRtManifestDoesNotListTheHlApp) {
    REQUIRE_HL_APPS();
    // Microsoft's HL sample's ID only: not hl-intercore's.
    const std::string rt = writeManifest("rt-no-hl", "RealTimeCapable", kRtId, R"("25025d2c-66da-4448-bae1-ac26fcdd3627")");
    const PairRun r = runPair(appDir("hl-intercore"), {"3"}, rt);
    EXPECT_EQ(r.exit, 7);
    EXPECT_THAT(r.a7, HasSubstr("ERROR: Application_Connect: Permission denied (13)\n"));
    EXPECT_THAT(r.m4, HasSubstr("intercore-echo: waiting for the HL app"));
    EXPECT_THAT(r.m4, ::testing::Not(HasSubstr("buffers")));  // nothing was set up
}

TEST(HlIntercore, RefusedWithEconnrefusedWhenNoSuchRtAppRuns) {
    REQUIRE_HL_APPS();
    // The RTApp runs without its manifest: the OS does not know its component ID.
    const PairRun r = runPair(appDir("hl-intercore"), {"3"}, "");
    EXPECT_EQ(r.exit, 7);
    EXPECT_THAT(r.a7, HasSubstr("ERROR: Application_Connect: Connection refused (111)\n"));
}

TEST(HlIntercore, ComponentIdIsParsedAsApplibsDocumentsIt) {
    REQUIRE_HL_APPS();
    // Any letter case, optionally in braces.
    const PairRun ok = runPair(appDir("hl-intercore"), {"2", "1", "10", "{005180BC-402F-4CB3-A662-72937DBCDE47}"},
                               kRtManifest);
    EXPECT_EQ(ok.exit, 0) << ok.a7;
    EXPECT_THAT(ok.a7, HasSubstr("hl-intercore: 2 sent, 2 replies, 0 wrong\n"));
    // Malformed: EINVAL, as Microsoft documents.
    for (const char* bad : {"005180bc-402f-4cb3-a662-72937dbcde4", "005180bc-402f-4cb3-a662-72937dbcde4g",
                            "005180bc+402f-4cb3-a662-72937dbcde47", ""}) {
        const PairRun r = runPair(appDir("hl-intercore"), {"2", "1", "10", bad}, kRtManifest);
        EXPECT_EQ(r.exit, 7) << bad;
        EXPECT_THAT(r.a7, HasSubstr("ERROR: Application_Connect: Invalid argument (22)\n")) << bad;
    }
}

TEST(HlIntercore, CliRunsThePairAndPrintsBothStreams) {
    REQUIRE_HL_APPS();
    const std::string args = "run --a7 " + appDir("hl-intercore") + " --applibs " + applibs() + " --m4-0 " +
                             e2e::firmware("intercore-echo") + " --manifest-m4-0 " + kRtManifest +
                             " --time-limit 10s -- 1000 4 1";
    const e2e::CommandResult a = e2e::runEmu(args);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_THAT(a.out, HasSubstr("a7| reply 0999 (" ));
    EXPECT_THAT(a.out, HasSubstr("a7| hl-intercore: 1000 sent, 1000 replies, 0 wrong\n"));
    EXPECT_THAT(a.out, HasSubstr("m4-0| intercore-echo: 1000 messages echoed"));
    EXPECT_EQ(a.out, e2e::runEmu(args).out);  // identical on a second run
}

TEST(HlIntercore, SocketCallsBehaveAsOnLinux) {
    REQUIRE_HL_APPS();
    const std::string program = std::string(HL_DIR) + "/intercore-socket";
    if (!std::filesystem::exists(program)) GTEST_SKIP() << "tests/hl-programs not built";
    const std::string hl = writeManifest("intercore-socket", "Default", kHlId, "\"" + kRtId + "\"");
    const PairRun r = runPair(program, {}, kRtManifest, hl);
    ASSERT_EQ(r.exit, 0) << r.a7;
    EXPECT_EQ(r.a7, R"(socket(AF_INET6): -1 errno 97
socket(intercore, SOCK_STREAM): -1 errno 94
socket(intercore, protocol 1): -1 errno 93
send on stdout: -1 errno 88
socket: ok
send before connect: -1 errno 107
getpeername before connect: -1 errno 107
connect to an app the manifest does not list: -1 errno 13
connect with a short address: -1 errno 22
connect to intercore-echo: 0
connect again: -1 errno 106
SO_TYPE: 5 (len 4)
SO_RCVBUF after setting 1000: 2304
getsockopt(SOL_IP): -1 errno 92
getpeername: len 20, family 0x3620, same ID 1
send 1025 bytes: -1 errno 90
sent 59 until full: errno 11
poll: in 1 out 0
first reply: 109 bytes: echo:message 000
send MSG_DONTWAIT: -1 errno 11
blocking send: 104
it waited at least 1 us: 1
replies 60 of 60, 0 wrong, then errno 11
SO_RCVTIMEO: 0.100000 s
recv with nothing sent: -1 errno 11
it waited 50 ms
recv MSG_PEEK into 4 bytes: 4
recv MSG_TRUNC into 4 bytes: 14
got: echo
recv MSG_DONTWAIT after it: -1 errno 11
sendmsg: 10
recvmsg: 15
recvmsg: ech|o:two pieces flags 0
epoll_wait with nothing to read: 0
epoll_wait after a send: 1
event: data 7 in 1
shutdown(SHUT_WR): 0
send after SHUT_WR: -1 errno 32
send after SHUT_WR without MSG_NOSIGNAL: -1 errno 32
SIGPIPE handled: 1
shutdown(SHUT_RD): 0
recv after SHUT_RD: 0
close: 0
)");
}

}  // namespace
