// AF_INET sockets of the A7 app (src/os/HostInetSocket.*, src/os/HostNetwork.*, docs/networking.md)
// against real host sockets on 127.0.0.1 that the tests make: connecting with and without
// blocking, SO_ERROR, data both ways, refusals (a closed port, AllowedConnections), the poller
// waking the app, and the no-network answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "machine/Scheduler.h"
#include "os/HostInetSocket.h"
#include "os/HostNetwork.h"

namespace mt3620::os {
namespace {

std::shared_ptr<spdlog::logger> quiet() {
    return std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
}

/// A host socket bound to 127.0.0.1 on a free port; listening unless told otherwise.
struct HostPeer {
    int fd = -1;
    std::uint16_t port = 0;
    explicit HostPeer(int type = SOCK_STREAM, bool listening = true) {
        fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "bind: " << errno;
        if (listening && ::listen(fd, 4) != 0) ADD_FAILURE() << "listen: " << errno;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~HostPeer() { ::close(fd); }
    /// The next connection (waits up to 2 s), or -1.
    int accept() const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 2000) == 1 ? ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC) : -1;
    }
    /// UDP: waits for a datagram (up to 2 s), answers `reply` to its sender, returns what came.
    std::string answerDatagram(const std::string& reply) const {
        sockaddr_in from{};
        socklen_t len = sizeof from;
        char buf[64];
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) != 1) return "nothing";
        const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    bool pendingConnection(int wait_ms) const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, wait_ms) == 1;
    }
};

std::vector<std::uint8_t> addressOf(std::uint16_t port, const char* ip = "127.0.0.1") {
    in_addr a{};
    ::inet_pton(AF_INET, ip, &a);
    return inetAddress(a.s_addr, htons(port));
}

/// Until `done` holds or 2 s of real time have passed: host sockets answer in real time.
bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 2000; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
}

struct Rig {
    Scheduler scheduler;
    Log log{quiet()};
    bool app_running = true;
    std::shared_ptr<HostNetwork> network;
    explicit Rig(std::vector<std::string> allowed = {"127.0.0.1"}, bool enabled = true)
        : network(std::make_shared<HostNetwork>(scheduler, log, allowed, enabled, [this] { return app_running; })) {}

    std::shared_ptr<HostInetSocket> socket(int type = kSockStream, bool non_blocking = true) {
        auto r = HostInetSocket::create(network, type, 0, 7);
        EXPECT_TRUE(std::holds_alternative<std::shared_ptr<GuestSocket>>(r));
        auto s = std::static_pointer_cast<HostInetSocket>(std::get<std::shared_ptr<GuestSocket>>(r));
        s->setStatusFlags(kORdWr | (non_blocking ? kONonBlock : 0));
        return s;
    }
    /// A connected TCP socket and the host's end of it.
    std::pair<std::shared_ptr<HostInetSocket>, int> connected(const HostPeer& server) {
        auto s = socket();
        const std::int64_t r = s->connect(addressOf(server.port));
        EXPECT_TRUE(r == 0 || r == -EINPROGRESS) << r;
        const int peer = server.accept();
        EXPECT_GE(peer, 0);
        EXPECT_TRUE(eventually([&] { return (s->pollEvents() & kPollOut) != 0; }));
        EXPECT_EQ(s->takeError(), 0);
        return {s, peer};
    }
};

std::string received(HostInetSocket& s, std::size_t room, std::uint32_t flags = 0) {
    std::vector<std::uint8_t> buf(room);
    std::size_t full = 0;
    const std::int64_t n = s.receiveMessage(buf, flags, full);
    return n < 0 ? "error " + std::to_string(-n) : std::string(buf.begin(), buf.begin() + n);
}

TEST(HostInetSocket, NonBlockingConnectBecomesWritableWithSoErrorZero) {
    Rig rig;
    HostPeer server;
    auto [s, peer] = rig.connected(server);
    EXPECT_EQ(s->family(), 2);
    EXPECT_GE(s->hostFd(), 0);
    EXPECT_EQ(s->connect(addressOf(server.port)), -EISCONN);
    std::vector<std::uint8_t> a;
    ASSERT_EQ(s->peerAddress(a), 0);
    EXPECT_EQ(a, addressOf(server.port));
    ASSERT_EQ(s->localAddress(a), 0);
    EXPECT_EQ(a[0], 2);                          // AF_INET
    EXPECT_NE(a[2] | a[3], 0);                   // an ephemeral port
    EXPECT_EQ(std::vector<std::uint8_t>(a.begin() + 4, a.begin() + 8), (std::vector<std::uint8_t>{127, 0, 0, 1}));
    ::close(peer);
}

TEST(HostInetSocket, SendsAndReceivesThroughTheHostSocket) {
    Rig rig;
    HostPeer server;
    auto [s, peer] = rig.connected(server);
    const std::string ping = "ping\n";
    EXPECT_EQ(s->sendMessage({reinterpret_cast<const std::uint8_t*>(ping.data()), ping.size()}, kMsgNoSignal), 5);
    char buf[16] = {};
    ASSERT_TRUE(eventually([&] { return ::recv(peer, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK) == 5; }));
    EXPECT_EQ(::recv(peer, buf, sizeof buf, 0), 5);
    EXPECT_EQ(std::string(buf, 5), ping);

    EXPECT_EQ(received(*s, 16), "error " + std::to_string(EAGAIN));
    EXPECT_EQ(s->pollEvents() & kPollIn, 0u);
    ASSERT_EQ(::send(peer, "pong", 4, 0), 4);
    ASSERT_TRUE(eventually([&] { return (s->pollEvents() & kPollIn) != 0; }));
    EXPECT_EQ(received(*s, 16, kMsgPeek), "pong");  // MSG_PEEK leaves it there
    EXPECT_EQ(received(*s, 3), "pon");
    EXPECT_EQ(received(*s, 16), "g");

    EXPECT_EQ(s->shutdown(kShutWr), 0);
    ASSERT_TRUE(eventually([&] { return ::recv(peer, buf, sizeof buf, MSG_DONTWAIT) == 0; }));  // the server sees EOF
    ::close(peer);
    ASSERT_TRUE(eventually([&] { return received(*s, 16) == ""; }));  // and we see its close
}

TEST(HostInetSocket, ConnectToAClosedPortIsRefused) {
    Rig rig;
    HostPeer closed(SOCK_STREAM, false);  // bound, not listening: the host answers with a reset
    auto s = rig.socket();
    const std::int64_t r = s->connect(addressOf(closed.port));
    if (r == -EINPROGRESS) {
        ASSERT_TRUE(eventually([&] { return (s->pollEvents() & (kPollOut | kPollErr | kPollHup)) != 0; }));
        EXPECT_EQ(s->takeError(), ECONNREFUSED);
        EXPECT_EQ(s->takeError(), 0);  // SO_ERROR clears it
    } else {
        EXPECT_EQ(r, -ECONNREFUSED);
    }
}

TEST(HostInetSocket, BlockingConnectIsAskedAgainForItsResult) {
    Rig rig;
    HostPeer server;
    auto s = rig.socket(kSockStream, false);
    const auto to = addressOf(server.port);
    const std::int64_t r = s->connect(to);
    ASSERT_TRUE(r == 0 || r == -EINPROGRESS) << r;
    const int peer = server.accept();
    ASSERT_GE(peer, 0);
    if (r == -EINPROGRESS) {
        // What the syscall layer does after its wait: the same connect, which gives the result.
        ASSERT_TRUE(eventually([&] { return (s->pollEvents() & kPollOut) != 0; }));
        EXPECT_EQ(s->connect(to), 0);
    }
    EXPECT_EQ(s->connect(to), -EISCONN);
    ::close(peer);
}

TEST(HostInetSocket, AllowedConnectionsRefusesUnlistedAddressesWithEperm) {
    Rig rig({"127.0.0.2", "*.example.net"});
    HostPeer server;
    auto s = rig.socket();
    EXPECT_EQ(s->connect(addressOf(server.port)), -EPERM);
    EXPECT_FALSE(server.pendingConnection(50));  // nothing reached the host
    EXPECT_EQ(rig.network->admit(htonl(0x7f000002), htons(80)), 0);

    // A host name is allowed by the addresses it resolves to on the host.
    Rig by_name({"localhost"});
    EXPECT_EQ(by_name.network->admit(htonl(INADDR_LOOPBACK), htons(80)), 0);
    auto t = by_name.socket();
    const std::int64_t r = t->connect(addressOf(server.port));
    EXPECT_TRUE(r == 0 || r == -EINPROGRESS) << r;
    EXPECT_TRUE(server.pendingConnection(2000));
}

TEST(HostNetwork, HostsFileListsLocalhostAndTheAllowedHostNames) {
    Rig rig({"localhost", "10.1.2.3"});
    EXPECT_EQ(rig.network->hostsFile(), "127.0.0.1\tlocalhost\n");  // localhost once; literals need no line
    Rig off({"localhost"}, false);
    EXPECT_EQ(off.network->hostsFile(), "127.0.0.1\tlocalhost\n");
    EXPECT_EQ(off.network->admit(htonl(INADDR_LOOPBACK), 0), -EPERM);  // nothing resolved without the network
}

TEST(HostNetwork, WithoutTheNetworkConnectIsUnreachableAndNothingTouchesTheHost) {
    Rig rig({"127.0.0.1"}, false);
    auto s = rig.socket();
    EXPECT_EQ(s->hostFd(), -1);
    EXPECT_EQ(s->connect(addressOf(9)), -ENETUNREACH);
    EXPECT_EQ(s->pollEvents(), kPollOut | kPollWrNorm | kPollHup);
    EXPECT_EQ(s->sendMessage({}, 0), -EPIPE);
    EXPECT_EQ(received(*s, 4), "error " + std::to_string(ENOTCONN));
    EXPECT_EQ(s->setOption(IPPROTO_TCP, TCP_NODELAY, 1), 0);
    int v = -1;
    EXPECT_EQ(s->option(IPPROTO_TCP, TCP_NODELAY, v), 0);
    EXPECT_EQ(v, 1);
    EXPECT_EQ(rig.scheduler.nextDeadline(), kNever);  // no poller: the run stays deterministic
}

TEST(HostNetwork, PollerWakesTheAppWhenDataArrivesAndClosesSocketsWhenItEnds) {
    Rig rig;
    HostPeer server;
    auto [s, peer] = rig.connected(server);
    int wakes = 0;
    s->setReadinessListener([&] { ++wakes; });
    EXPECT_EQ(received(*s, 4), "error " + std::to_string(EAGAIN));  // the app has seen "nothing to read"
    ASSERT_NE(rig.scheduler.nextDeadline(), kNever);
    auto tick = [&] { rig.scheduler.advanceTo(rig.scheduler.nextDeadline()); };
    for (int i = 0; i < 5; ++i) tick();
    EXPECT_EQ(wakes, 0);  // nothing new on the host socket
    ASSERT_EQ(::send(peer, "x", 1, 0), 1);
    for (int i = 0; i < 2000 && wakes == 0; ++i) tick();
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(received(*s, 4), "x");

    rig.app_running = false;
    tick();
    EXPECT_EQ(s->hostFd(), -1);
    char c;
    EXPECT_TRUE(eventually([&] { return ::recv(peer, &c, 1, MSG_DONTWAIT) == 0; }));  // the server sees the close
    EXPECT_EQ(rig.scheduler.nextDeadline(), kNever);
    ::close(peer);
}

TEST(HostInetSocket, OptionsReachTheHostSocket) {
    Rig rig;
    auto s = rig.socket();
    EXPECT_EQ(s->setOption(IPPROTO_TCP, TCP_NODELAY, 1), 0);
    EXPECT_EQ(s->setOption(SOL_SOCKET, SO_KEEPALIVE, 1), 0);
    EXPECT_EQ(s->setOption(SOL_SOCKET, SO_REUSEADDR, 1), 0);
    int host = 0;
    socklen_t len = sizeof host;
    ::getsockopt(s->hostFd(), IPPROTO_TCP, TCP_NODELAY, &host, &len);
    EXPECT_EQ(host, 1);
    int v = 0;
    EXPECT_EQ(s->option(SOL_SOCKET, SO_KEEPALIVE, v), 0);
    EXPECT_EQ(v, 1);
    EXPECT_EQ(s->setOption(SOL_SOCKET, 12345, 1), -ENOPROTOOPT);
    auto u = rig.socket(kSockDgram);
    EXPECT_EQ(u->setOption(IPPROTO_TCP, TCP_NODELAY, 1), -ENOPROTOOPT);
}

TEST(HostInetSocket, ConnectedUdpCarriesDatagrams) {
    Rig rig;
    HostPeer server(SOCK_DGRAM, false);
    auto s = rig.socket(kSockDgram);
    ASSERT_EQ(s->connect(addressOf(server.port)), 0);
    const std::uint8_t abc[] = {'a', 'b', 'c'};
    EXPECT_EQ(s->sendMessage(abc, 0), 3);
    EXPECT_EQ(server.answerDatagram("hello"), "abc");
    ASSERT_TRUE(eventually([&] { return (s->pollEvents() & kPollIn) != 0; }));
    std::vector<std::uint8_t> out(3);
    std::size_t full = 0;
    EXPECT_EQ(s->receiveMessage(out, 0, full), 3);  // cut to the room given
    EXPECT_EQ(full, 5u);                            // the datagram's size, for MSG_TRUNC
}

TEST(HostInetSocket, UnconnectedUdpSendsToAndReceivesFromAddresses) {
    Rig rig;
    HostPeer server(SOCK_DGRAM, false);
    auto s = rig.socket(kSockDgram);
    const std::uint8_t ping[] = {'p', 'i', 'n', 'g'};
    EXPECT_EQ(s->sendMessage(ping, 0), -EDESTADDRREQ);  // no destination
    EXPECT_EQ(s->sendMessageTo(ping, 0, addressOf(server.port)), 4);
    EXPECT_EQ(s->sendMessageTo(ping, 0, addressOf(server.port, "127.0.0.2")), -EPERM);  // not in AllowedConnections
    EXPECT_EQ(server.answerDatagram("pong"), "ping");
    ASSERT_TRUE(eventually([&] { return (s->pollEvents() & kPollIn) != 0; }));
    std::vector<std::uint8_t> out(8), sender;
    std::size_t full = 0;
    EXPECT_EQ(s->receiveMessageFrom(out, 0, full, sender), 4);
    EXPECT_EQ(sender, addressOf(server.port));  // recvfrom's source address

    Rig off({"127.0.0.1"}, false);
    EXPECT_EQ(off.socket(kSockDgram)->sendMessageTo(ping, 0, addressOf(server.port)), -ENETUNREACH);
}

}  // namespace
}  // namespace mt3620::os
