// UART endpoints (board file `type: uart`): parsing and its errors, and each endpoint kind on
// real MtkUart models: loopback between two UARTs, file output, a TCP client on 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "board/Board.h"
#include "board/BoardError.h"
#include "board/BoardFile.h"
#include "board/UartEndpoint.h"
#include "common/Log.h"
#include "machine/Scheduler.h"
#include "periph/MtkUart.h"
#include "periph/PinBank.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;

constexpr std::uint32_t THR = 0x00, RBR = 0x00, LSR = 0x14;
constexpr std::uint32_t kDr = 0x01;

std::string board(const std::string& devices) {
    return "board: t\nchip: mt3620\ndevices:\n" + devices;
}

BoardDescription parse(const std::string& devices) { return BoardFile::parse("t.yaml", board(devices)); }

std::string parseError(const std::string& devices) {
    try {
        parse(devices);
    } catch (const BoardError& e) {
        return e.what();
    }
    return "(no error)";
}

// --- Parsing ---------------------------------------------------------------------------------

TEST(UartEndpointParse, EveryEndpointKind) {
    BoardDescription d = BoardFile::parse("dir/t.yaml", board(R"(
  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: 5555}}
  - {name: log, type: uart, uart: ISU2, endpoint: {file: out.txt, append: true}}
  - {name: console, type: uart, uart: ISU2, endpoint: {terminal: true}}
  - {name: wire, type: uart, uart: ISU3, endpoint: {loopback: ISU4}}
  - {name: fast, type: uart, uart: ISU1, endpoint: {tcp: 0, realtime: false}}
)"), "dir");
    ASSERT_EQ(d.devices.size(), 5u);
    const auto& modem = std::get<UartSpec>(d.devices[0]);
    EXPECT_EQ(modem.uart, "ISU0");
    EXPECT_EQ(std::get<UartTcpEndpoint>(modem.endpoint).port, 5555u);
    EXPECT_TRUE(std::get<UartTcpEndpoint>(modem.endpoint).realtime);
    const auto& log = std::get<UartSpec>(d.devices[1]);
    EXPECT_EQ(std::get<UartFileEndpoint>(log.endpoint).path, "dir/out.txt");
    EXPECT_TRUE(std::get<UartFileEndpoint>(log.endpoint).append);
    EXPECT_TRUE(std::holds_alternative<UartTerminalEndpoint>(std::get<UartSpec>(d.devices[2]).endpoint));
    EXPECT_EQ(std::get<UartLoopbackEndpoint>(std::get<UartSpec>(d.devices[3]).endpoint).peer, "ISU4");
    EXPECT_FALSE(std::get<UartTcpEndpoint>(std::get<UartSpec>(d.devices[4]).endpoint).realtime);
}

TEST(UartEndpointParse, UnknownUartNameIsRefusedWithItsLine) {
    EXPECT_EQ(parseError("  - name: modem\n    type: uart\n    uart: ISU7\n    endpoint: {tcp: 5555}\n"),
              "t.yaml:6: device 'modem': unknown UART 'ISU7' (known: ISU0, ISU1, ISU2, ISU3, ISU4)");
    EXPECT_THAT(parseError("  - {name: w, type: uart, uart: ISU0, endpoint: {loopback: isu1}}\n"),
                HasSubstr("t.yaml:4: device 'w': unknown UART 'isu1'"));
}

TEST(UartEndpointParse, BadEndpoints) {
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {tcp: 1, file: x}}\n"),
                HasSubstr("endpoint must name exactly one of: tcp, file, terminal, loopback"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {}}\n"),
                HasSubstr("endpoint must name exactly one of"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {tcp: 70000}}\n"),
                HasSubstr("endpoint.tcp 70000 is out of range"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {tcp: 1, realtime: maybe}}\n"),
                HasSubstr("endpoint.realtime must be true or false"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {loopback: ISU0}}\n"),
                HasSubstr("cannot loop back to itself"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {file: x, port: 3}}\n"),
                HasSubstr("unknown field 'endpoint.port'"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, endpoint: {tcp: 1}}\n"), HasSubstr("missing required field 'uart'"));
}

TEST(UartEndpointParse, OnlyOneDeviceDrivesARxLine) {
    EXPECT_EQ(parseError("  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: 5555}}\n"
                         "  - {name: wire, type: uart, uart: ISU1, endpoint: {loopback: ISU0}}\n"),
              "t.yaml:5: device 'wire': ISU0's RX line is already used by device 'modem' (line 4)");
    EXPECT_THAT(parseError("  - {name: a, type: uart, uart: ISU0, endpoint: {tcp: 5555}}\n"
                           "  - {name: b, type: uart, uart: ISU1, endpoint: {tcp: 5555}}\n"),
                HasSubstr("TCP port 5555 is already used by device 'a'"));
    // Listeners may share a UART's TX.
    EXPECT_NO_THROW(parse("  - {name: a, type: uart, uart: ISU0, endpoint: {tcp: 5555}}\n"
                          "  - {name: b, type: uart, uart: ISU0, endpoint: {terminal: true}}\n"
                          "  - {name: c, type: uart, uart: ISU0, endpoint: {file: f.txt}}\n"));
}

// --- Live endpoints on MtkUart models --------------------------------------------------------

class UartEndpointTest : public ::testing::Test {
protected:
    UartEndpointTest() {
        log.setTimeSource(&scheduler);
        pins.setTimeSource(&scheduler);
        for (unsigned n = 0; n < uarts.size(); ++n)
            uarts[n] = std::make_unique<MtkUart>("ISU" + std::to_string(n), scheduler, log, 0x100);
    }

    std::unique_ptr<Board> build(const std::string& devices) {
        return std::make_unique<Board>(parse(devices), pins, log, scheduler, [this](std::string_view name) -> MtkUart* {
            for (auto& u : uarts)
                if (u->name() == name) return u.get();
            return nullptr;
        });
    }

    std::uint32_t rd(MtkUart& u, std::uint32_t offset) {
        std::uint32_t v = 0;
        EXPECT_TRUE(u.read(offset, 4, v));
        return v;
    }
    void wr(MtkUart& u, std::uint32_t offset, std::uint32_t v) { EXPECT_TRUE(u.write(offset, 4, v)); }
    void send(MtkUart& u, const std::string& text) {
        // Polled TX would wait for THRE; 17 bytes fit in the shifter plus the FIFO.
        for (char c : text) wr(u, THR, static_cast<std::uint8_t>(c));
    }
    std::string drain(MtkUart& u) {
        std::string out;
        while (rd(u, LSR) & kDr) out.push_back(static_cast<char>(rd(u, RBR)));
        return out;
    }
    void advance(Picos dt) { scheduler.advanceTo(scheduler.machineTime() + dt); }

    Scheduler scheduler;
    Log log;
    PinBank pins;
    std::array<std::unique_ptr<MtkUart>, 5> uarts;  // outlive the board, as in the Machine
};

TEST_F(UartEndpointTest, LoopbackCarriesBytesBothWays) {
    auto b = build("  - {name: wire, type: uart, uart: ISU0, endpoint: {loopback: ISU1}}\n");
    auto* ep = dynamic_cast<UartEndpoint*>(b->device("wire"));
    ASSERT_NE(ep, nullptr);
    EXPECT_EQ(ep->endpointKind(), "loopback");
    send(*uarts[0], "ping");
    send(*uarts[1], "pong!");
    advance(kPicosPerMilli);
    EXPECT_EQ(drain(*uarts[1]), "ping");
    EXPECT_EQ(drain(*uarts[0]), "pong!");
    EXPECT_EQ(ep->bytesFromUart(), 9u);
    EXPECT_EQ(ep->bytesToUart(), 9u);
}

TEST_F(UartEndpointTest, FileGetsTransmittedBytes) {
    std::filesystem::create_directories(TEST_TMP_DIR);
    std::string path = std::string(TEST_TMP_DIR) + "/uart-endpoint-file.txt";
    {
        std::ofstream(path) << "old\n";
    }
    auto b = build("  - {name: log, type: uart, uart: ISU2, endpoint: {file: '" + path + "'}}\n");
    send(*uarts[2], "hello\n");
    advance(kPicosPerMilli);
    std::stringstream ss;
    ss << std::ifstream(path).rdbuf();
    EXPECT_EQ(ss.str(), "hello\n");  // truncated at load, then written
}

TEST_F(UartEndpointTest, MissingUartAtBuildTime) {
    BoardDescription d = parse("  - {name: wire, type: uart, uart: ISU0, endpoint: {loopback: ISU1}}\n");
    EXPECT_THROW(Board(d, pins, log, scheduler), BoardError);  // no UART lookup
}

/// A blocking TCP client with a receive timeout.
struct Client {
    explicit Client(unsigned port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Client() { ::close(fd); }
    void sendText(const std::string& s) { ASSERT_EQ(::send(fd, s.data(), s.size(), 0), static_cast<ssize_t>(s.size())); }
    /// Whatever arrives within `ms` of real time.
    std::string receive(int ms) {
        std::string out;
        pollfd p{fd, POLLIN, 0};
        while (::poll(&p, 1, ms) > 0) {
            char buf[256];
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
            ms = 20;
        }
        return out;
    }
    int fd = -1;
    bool ok = false;
};

TEST_F(UartEndpointTest, TcpClientTalksToTheUart) {
    auto b = build("  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: 0, realtime: false}}\n");
    auto* ep = dynamic_cast<UartEndpoint*>(b->device("modem"));
    ASSERT_NE(ep, nullptr);
    ASSERT_NE(ep->port(), 0u);
    EXPECT_FALSE(ep->clientConnected());
    // Nothing connected: transmitted bytes are dropped, time runs without trouble.
    send(*uarts[0], "lost");
    advance(5 * kPicosPerMilli);

    Client c(ep->port());
    ASSERT_TRUE(c.ok);
    advance(2 * kPicosPerMilli);  // a poll accepts it
    EXPECT_TRUE(ep->clientConnected());

    c.sendText("abc");
    // The bytes reach the RX pin one character time (86.5 us at 115200) apart, after a poll.
    for (int i = 0; i < 200 && ep->bytesToUart() < 3; ++i) {
        ::usleep(1000);
        advance(kPicosPerMilli);
    }
    EXPECT_EQ(drain(*uarts[0]), "abc");
    EXPECT_EQ(ep->bytesToUart(), 3u);

    send(*uarts[0], "xyz\n");
    advance(kPicosPerMilli);
    EXPECT_EQ(c.receive(1000), "xyz\n");
    EXPECT_EQ(ep->bytesFromUart(), 8u);  // "lost" counted too
}

TEST_F(UartEndpointTest, TcpPortInUseIsABoardError) {
    auto first = build("  - {name: a, type: uart, uart: ISU0, endpoint: {tcp: 0, realtime: false}}\n");
    unsigned port = dynamic_cast<UartEndpoint*>(first->device("a"))->port();
    try {
        build("  - {name: b, type: uart, uart: ISU1, endpoint: {tcp: " + std::to_string(port) + "}}\n");
        FAIL() << "no error";
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("device 'b' (line 4): cannot listen on 127.0.0.1:" + std::to_string(port)));
    }
}

TEST_F(UartEndpointTest, RealtimeTcpKeepsVirtualTimeNearRealTime) {
    auto b = build("  - {name: modem, type: uart, uart: ISU0, endpoint: {tcp: 0}}\n");
    auto start = std::chrono::steady_clock::now();
    advance(50 * kPicosPerMilli);
    auto real = std::chrono::steady_clock::now() - start;
    EXPECT_GE(real, std::chrono::milliseconds(40));
}

}  // namespace
}  // namespace mt3620
