// UART endpoints (board file `type: uart`): parsing and its errors, and each endpoint kind on
// real MtkUart models: loopback between two UARTs, file output, a TCP client on 127.0.0.1, a
// program on a host pseudo-terminal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
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

TEST(UartEndpointParse, PtyWithAndWithoutALink) {
    BoardDescription d = BoardFile::parse("dir/t.yaml", board(R"(
  - {name: a, type: uart, uart: ISU0, endpoint: {pty: true}}
  - {name: b, type: uart, uart: ISU1, endpoint: {pty: links/isu1, realtime: false}}
  - {name: c, type: uart, uart: ISU2, endpoint: {pty: /tmp/isu2}}
)"), "dir");
    ASSERT_EQ(d.devices.size(), 3u);
    const auto& a = std::get<UartPtyEndpoint>(std::get<UartSpec>(d.devices[0]).endpoint);
    EXPECT_EQ(a.link, "");
    EXPECT_TRUE(a.realtime);
    const auto& b = std::get<UartPtyEndpoint>(std::get<UartSpec>(d.devices[1]).endpoint);
    EXPECT_EQ(b.link, "dir/links/isu1");  // relative to the board file's folder
    EXPECT_FALSE(b.realtime);
    EXPECT_EQ(std::get<UartPtyEndpoint>(std::get<UartSpec>(d.devices[2]).endpoint).link, "/tmp/isu2");
}

TEST(UartEndpointParse, BadPtyEndpoints) {
    EXPECT_EQ(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: false}}\n"),
              "t.yaml:4: device 'm': endpoint.pty: false connects nothing; give true, or a path for a link to the "
              "pseudo-terminal");
    EXPECT_EQ(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: ''}}\n"),
              "t.yaml:4: device 'm': endpoint.pty must not be empty");
    EXPECT_EQ(parseError("  - name: m\n    type: uart\n    uart: ISU0\n    endpoint:\n      pty: true\n"
                         "      realtime: sometimes\n"),
              "t.yaml:9: device 'm': endpoint.realtime must be true or false, not 'sometimes'");
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: true, append: true}}\n"),
                HasSubstr("t.yaml:4: device 'm': unknown field 'endpoint.append'"));
    EXPECT_THAT(parseError("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: true, tcp: 5555}}\n"),
                HasSubstr("endpoint must name exactly one of: tcp, file, terminal, loopback, pty"));
    // A pty drives the RX line, and its link is a file no other device may use.
    EXPECT_EQ(parseError("  - {name: a, type: uart, uart: ISU0, endpoint: {tcp: 5555}}\n"
                         "  - {name: b, type: uart, uart: ISU0, endpoint: {pty: true}}\n"),
              "t.yaml:5: device 'b': ISU0's RX line is already used by device 'a' (line 4)");
    EXPECT_THAT(parseError("  - {name: a, type: uart, uart: ISU0, endpoint: {pty: /tmp/x}}\n"
                           "  - {name: b, type: uart, uart: ISU1, endpoint: {file: /tmp/x}}\n"),
                HasSubstr("t.yaml:5: device 'b': file '/tmp/x' is already used by device 'a' (line 4)"));
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
    /// Runs virtual time in 1 ms steps (1 ms of real time apart, for the host's bytes to come)
    /// until the endpoint has delivered `n` bytes to the UART's RX, for at most 200 steps.
    void waitUntilDelivered(const UartEndpoint& ep, std::uint64_t n) {
        for (int i = 0; i < 200 && ep.bytesToUart() < n; ++i) {
            ::usleep(1000);
            advance(kPicosPerMilli);
        }
    }

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
    waitUntilDelivered(*ep, 3);
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

// --- The pty endpoint ------------------------------------------------------------------------

/// A program on the slave side of a pty: opened without becoming its controlling terminal.
struct PtyUser {
    explicit PtyUser(const std::string& path) : fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~PtyUser() { close(); }
    void close() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    void write(const std::string& s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }
    /// Whatever arrives within `ms` of real time.
    std::string read(int ms) {
        std::string out;
        pollfd p{fd, POLLIN, 0};
        while (::poll(&p, 1, ms) > 0 && (p.revents & POLLIN)) {
            char buf[256];
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
            ms = 20;
        }
        return out;
    }
    int fd;
};

std::string ptyTmp(const std::string& name) {
    std::filesystem::create_directories(TEST_TMP_DIR);
    std::string path = std::string(TEST_TMP_DIR) + "/" + name + "-" + std::to_string(::getpid());
    std::filesystem::remove(path);
    return path;
}

TEST_F(UartEndpointTest, PtyCarriesBytesUnchangedAndOutlivesItsUsers) {
    auto b = build("  - {name: modem, type: uart, uart: ISU0, endpoint: {pty: true, realtime: false}}\n");
    auto* ep = dynamic_cast<UartEndpoint*>(b->device("modem"));
    ASSERT_NE(ep, nullptr);
    EXPECT_EQ(ep->endpointKind(), "pty");
    ASSERT_THAT(ep->ptyName(), ::testing::StartsWith("/dev/pts/"));
    EXPECT_FALSE(ep->clientConnected());
    // Nobody has it open: transmitted bytes are dropped, not kept for a later reader.
    send(*uarts[0], "lost");
    advance(5 * kPicosPerMilli);

    PtyUser user(ep->ptyName());
    ASSERT_GE(user.fd, 0) << std::strerror(errno);
    termios tio{};
    ASSERT_EQ(::tcgetattr(user.fd, &tio), 0);
    EXPECT_EQ(tio.c_lflag & (ICANON | ECHO | ISIG), 0u);  // raw: no line editing, no echo
    EXPECT_EQ(tio.c_oflag & OPOST, 0u);
    advance(2 * kPicosPerMilli);  // a poll notices the program
    EXPECT_TRUE(ep->clientConnected());

    // Raw in both directions: a cooked pty would turn "\n" into "\r\n" on the way in and "\r"
    // into "\n" on the way out.
    user.write("ab\nc\x03");
    waitUntilDelivered(*ep, 5);
    EXPECT_EQ(drain(*uarts[0]), "ab\nc\x03");
    send(*uarts[0], "x\ry\n");
    advance(kPicosPerMilli);
    EXPECT_EQ(user.read(1000), "x\ry\n");

    // The program closes the pty: the endpoint notices, the machine runs on, bytes are dropped.
    user.close();
    advance(2 * kPicosPerMilli);
    EXPECT_FALSE(ep->clientConnected());
    send(*uarts[0], "gone");
    advance(2 * kPicosPerMilli);

    // Another program opens it and sees only what was sent after it came.
    PtyUser next(ep->ptyName());
    ASSERT_GE(next.fd, 0);
    advance(2 * kPicosPerMilli);
    EXPECT_TRUE(ep->clientConnected());
    send(*uarts[0], "back");
    advance(kPicosPerMilli);
    EXPECT_EQ(next.read(1000), "back");
    EXPECT_EQ(ep->bytesFromUart(), 4u + 4u + 4u + 4u);  // "lost" and "gone" counted, not delivered
    EXPECT_EQ(ep->bytesToUart(), 5u);
}

TEST_F(UartEndpointTest, PtyLinkIsMadeAndRemovedWithTheBoard) {
    const std::string link = ptyTmp("pty-link");
    std::string target;
    {
        auto b = build("  - {name: modem, type: uart, uart: ISU1, endpoint: {pty: '" + link + "', realtime: false}}\n");
        target = dynamic_cast<UartEndpoint*>(b->device("modem"))->ptyName();
        ASSERT_TRUE(std::filesystem::is_symlink(link));
        EXPECT_EQ(std::filesystem::read_symlink(link).string(), target);
        PtyUser user(link);  // through the link
        ASSERT_GE(user.fd, 0);
        advance(2 * kPicosPerMilli);
        send(*uarts[1], "via link");
        advance(kPicosPerMilli);
        EXPECT_EQ(user.read(1000), "via link");
    }
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link)));
}

TEST_F(UartEndpointTest, PtyReplacesAStaleLinkButNoOtherFile) {
    const std::string link = ptyTmp("pty-stale");
    std::filesystem::create_symlink("/dev/pts/nowhere", link);
    {
        auto b = build("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: '" + link + "', realtime: false}}\n");
        EXPECT_EQ(std::filesystem::read_symlink(link).string(),
                  dynamic_cast<UartEndpoint*>(b->device("m"))->ptyName());
    }
    std::ofstream(link) << "precious\n";
    try {
        build("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: '" + link + "'}}\n");
        FAIL() << "no error";
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("device 'm' (line 4): cannot make the link '" + link));
        EXPECT_THAT(e.what(), HasSubstr("a file that is not a symbolic link is there (not replaced)"));
    }
    std::stringstream kept;
    kept << std::ifstream(link).rdbuf();
    EXPECT_EQ(kept.str(), "precious\n");
    std::filesystem::remove(link);
    try {
        build("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: '" + link + "/no/such/dir'}}\n");
        FAIL() << "no error";
    } catch (const BoardError& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot make the link '" + link + "/no/such/dir' to /dev/pts/"));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
}

TEST_F(UartEndpointTest, PtyThatCannotBeAllocatedIsABoardError) {
    // Out of file descriptors: posix_openpt fails as it would on a host without ptys to give.
#ifdef __SANITIZE_ADDRESS__
    // The sanitizer build (-DMT3620_SANITIZE=ON, ASan with UBSan) cannot run this: UBSan's vptr
    // check opens a pipe to probe the object it checks, and with no descriptor left it reports
    // valid objects (the YAML nodes, PtyLink) as having an invalid vptr and aborts.
    GTEST_SKIP() << "needs free file descriptors for the UBSan runtime";
#endif
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit low = saved;
    low.rlim_cur = 256;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.push_back(fd);
    std::string error = "(no error)";
    try {
        build("  - {name: m, type: uart, uart: ISU0, endpoint: {pty: true}}\n");
    } catch (const BoardError& e) {
        error = e.what();
    }
    for (int fd : fillers) ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &saved);
    EXPECT_THAT(error, HasSubstr("device 'm' (line 4): cannot allocate a pseudo-terminal (posix_openpt: Too many open files)"));
}

TEST_F(UartEndpointTest, RealtimePtyKeepsVirtualTimeNearRealTime) {
    auto b = build("  - {name: modem, type: uart, uart: ISU0, endpoint: {pty: true}}\n");
    auto start = std::chrono::steady_clock::now();
    advance(50 * kPicosPerMilli);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
}

}  // namespace
}  // namespace mt3620
