// Host networking for high-level apps (docs/networking.md): the hl-tcp-client sample
// (firmware-samples/hl-tcp-client) under `run --network` talks to an echo server this test runs on
// 127.0.0.1, through the public API and the CLI; without --network it finds no network; the
// manifest's AllowedConnections and a closed port refuse the connection with the documented errno.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <mt3620emu/Machine.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "E2eSupport.h"

namespace {

using ::testing::HasSubstr;

std::string appDir() { return std::string(HL_APPS_DIR) + "/apps/hl-tcp-client"; }
std::string applibs() { return std::string(HL_APPS_DIR) + "/lib/libapplibs.so.0"; }

/// A socket bound to 127.0.0.1 on a free port (`port`), listening if asked.
int loopbackSocket(bool listening, std::uint16_t& port, int type = SOCK_STREAM) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || (listening && ::listen(fd, 4) != 0))
        ADD_FAILURE() << "cannot make a socket on 127.0.0.1: " << std::strerror(errno);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

/// A TCP echo server on 127.0.0.1 (an ephemeral port) for one connection at a time: it sends back
/// what it receives and closes when the client has shut down its side.
class EchoServer {
public:
    EchoServer() : fd_(loopbackSocket(true, port_)) { thread_ = std::thread([this] { serve(); }); }
    ~EchoServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string port() const { return std::to_string(port_); }
    std::string received() {
        std::lock_guard<std::mutex> lock(mutex_);
        return received_;
    }
    int connections() const { return connections_; }

private:
    /// Waits for `fd` to be readable, giving up when the test ends.
    bool readable(int fd) {
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) == 1) return true;
        }
        return false;
    }
    void serve() {
        while (readable(fd_)) {
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            ++connections_;
            char buf[512];
            while (readable(c)) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    received_.append(buf, static_cast<std::size_t>(n));
                }
                ::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
            }
            ::close(c);
        }
    }
    std::uint16_t port_ = 0;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::mutex mutex_;
    std::string received_;
    std::thread thread_;
};

/// A UDP echo server on 127.0.0.1: each datagram goes back to its sender.
class UdpEcho {
public:
    UdpEcho() : fd_(loopbackSocket(false, port_, SOCK_DGRAM)) {
        thread_ = std::thread([this] {
            char buf[512];
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 50) != 1) continue;
                sockaddr_in from{};
                socklen_t len = sizeof from;
                const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
                if (n > 0) ::sendto(fd_, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
            }
        });
    }
    ~UdpEcho() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string port() const { return std::to_string(port_); }

private:
    std::uint16_t port_ = 0;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// A port bound on 127.0.0.1 with nobody listening: connections to it are refused. Held while
/// it lives, so no one else takes it.
class ClosedPort {
public:
    ClosedPort() : fd_(loopbackSocket(false, port_)) {}
    ~ClosedPort() { ::close(fd_); }
    std::string port() const { return std::to_string(port_); }

private:
    std::uint16_t port_ = 0;
    int fd_ = -1;
};

TEST(HlNetwork, TcpClientGetsItsLineEchoedByAHostServer) {
    REQUIRE_HL_APPS();
    EchoServer server;
    mt3620emu::Options o;
    o.log_level = "off";
    mt3620emu::Machine m(o);
    mt3620emu::Machine::HlAppOptions h;
    h.args = {server.port()};
    h.applibs = applibs();
    h.network = true;
    m.loadHlApp(appDir(), h);
    m.runUntil([&] { return m.hlAppExitStatus().has_value(); }, mt3620emu::seconds(30));
    const std::string out = m.serialOutput("a7");
    EXPECT_EQ(m.hlAppExitStatus(), 0) << out;
    EXPECT_THAT(out, HasSubstr("Networking_IsNetworkingReady: yes\n"));
    EXPECT_THAT(out, HasSubstr("localhost is 127.0.0.1\n"));  // through the app's /etc/hosts
    EXPECT_THAT(out, HasSubstr("connected to 127.0.0.1:" + server.port() + "\n"));
    EXPECT_THAT(out, HasSubstr("echo: hello from the A7\nserver closed the connection\n"));
    EXPECT_EQ(server.received(), "hello from the A7\n");
}

TEST(HlNetwork, CliRunWithNetworkEchoesTheLineGivenAfterDashDash) {
    REQUIRE_HL_APPS();
    EchoServer server;
    const auto r = e2e::runEmu("run --a7 " + appDir() + " --applibs " + applibs() + " --network --time-limit 30s -- " +
                               server.port() + " localhost 'line from the CLI'");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("echo: line from the CLI\n"));
    EXPECT_THAT(r.err, HasSubstr("virtual time is paced to real time"));
    EXPECT_EQ(server.received(), "line from the CLI\n");
}

TEST(HlNetwork, WithoutNetworkTheAppFindsNoneAndConnectIsUnreachable) {
    REQUIRE_HL_APPS();
    EchoServer server;
    const auto r = e2e::runEmu("run --a7 " + appDir() + " --applibs " + applibs() + " --time-limit 5s -- " + server.port());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("Networking_IsNetworkingReady: no\n"));
    EXPECT_THAT(r.out, HasSubstr("connect: Network unreachable (101)\n"));
    EXPECT_THAT(r.err, HasSubstr("the emulator runs without --network"));
    EXPECT_EQ(server.connections(), 0);
    EXPECT_EQ(r.out, e2e::runEmu("run --a7 " + appDir() + " --applibs " + applibs() + " --time-limit 5s -- " +
                                 server.port()).out);  // deterministic
}

TEST(HlNetwork, AllowedConnectionsRefusesAnAddressItDoesNotList) {
    REQUIRE_HL_APPS();
    EchoServer server;
    const std::string manifest = e2e::tmpPath("hl-tcp-client-elsewhere.json");
    std::ofstream(manifest) << R"({"SchemaVersion":1,"Name":"hl-tcp-client","ComponentId":)"
                               R"("3b9e6f0a-52c4-4d7e-9a1b-6c2f8e0d4a13","EntryPoint":"/bin/app",)"
                               R"("Capabilities":{"AllowedConnections":["192.0.2.1"]},"ApplicationType":"Default"})";
    const auto r = e2e::runEmu("run --a7 " + appDir() + " --manifest " + manifest + " --applibs " + applibs() +
                               " --network --time-limit 5s -- " + server.port() + " 127.0.0.1");
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("connect: Operation not permitted (1)\n"));
    EXPECT_THAT(r.err, HasSubstr("connect to 127.0.0.1:" + server.port() +
                                 ": 127.0.0.1 is not in the app manifest's AllowedConnections: EPERM"));
    EXPECT_EQ(server.connections(), 0);
}

TEST(HlNetwork, ClosedPortIsRefused) {
    REQUIRE_HL_APPS();
    ClosedPort closed;
    const auto r = e2e::runEmu("run --a7 " + appDir() + " --applibs " + applibs() + " --network --time-limit 10s -- " +
                               closed.port());
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("connect: Connection refused (111)\n"));
}

TEST(HlNetwork, SocketCallsAnswerAsTheHostsOwnSockets) {
    const std::string program = std::string(HL_DIR) + "/inet-socket";
    if (!std::filesystem::exists(program)) GTEST_SKIP() << "tests/hl-programs not built";
    const std::string manifest = e2e::tmpPath("inet-socket.json");
    std::ofstream(manifest) << R"({"SchemaVersion":1,"Name":"inet-socket","ComponentId":)"
                               R"("0c7d3e55-1f2a-4b6c-9d8e-7f6a5b4c3d2e","EntryPoint":"/bin/app",)"
                               R"("Capabilities":{"AllowedConnections":["127.0.0.1"]},"ApplicationType":"Default"})";
    ClosedPort closed;
    UdpEcho udp;
    std::string emu_out;
    {
        EchoServer server;
        const auto r = e2e::runEmu("run --log-level error --a7 " + program + " --manifest " + manifest +
                                   " --network --time-limit 30s -- " + server.port() + " " + closed.port() + " " +
                                   udp.port());
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        emu_out = r.out;
        EXPECT_EQ(server.received(), "hello\nabc\n");
    }
    // What the emulated OS must answer (these are Linux's answers).
    EXPECT_THAT(emu_out, HasSubstr("send before connect: -1 errno 32\nrecv before connect: -1 errno 107\n"));
    EXPECT_THAT(emu_out, HasSubstr("blocking connect to a closed port: -1 errno 111\n"));
    EXPECT_THAT(emu_out, HasSubstr("blocking connect: 0\nconnect again: -1 errno 106\n"));
    EXPECT_THAT(emu_out, HasSubstr("recv MSG_PEEK into 3 bytes: 3\nrecv: 6\ngot: hello\n"));
    EXPECT_THAT(emu_out, HasSubstr("it waited at least 100 ms: 1\n"));
    EXPECT_THAT(emu_out, HasSubstr("event: data 7 events 0x4\n"));
    EXPECT_THAT(emu_out, HasSubstr("SIGPIPE: 1\nrecv after the server closed: 0\n"));
    EXPECT_THAT(emu_out, HasSubstr("SO_ERROR: 0\nnon-blocking connect to a closed port: SO_ERROR 111\n"));
    EXPECT_THAT(emu_out, HasSubstr("UDP send without a destination: -1 errno 89\nUDP sendto: 8\n"));
    EXPECT_THAT(emu_out, HasSubstr("UDP recvfrom into 4 bytes, MSG_TRUNC: 8\nfrom: len 16, the UDP echo 1\n"));
    if (std::system("command -v qemu-arm >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "qemu-arm not installed (scripts/setup.sh installs qemu-user): no reference run";
    EchoServer server;
    EXPECT_EQ(emu_out, e2e::shellOutput("qemu-arm " + program + " " + server.port() + " " + closed.port() + " " + udp.port() + " 2>&1"));
}

}  // namespace
