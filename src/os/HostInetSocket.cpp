#include "os/HostInetSocket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "os/HostNetwork.h"

namespace mt3620::os {

namespace {

// Linux's numbers, the same on ARM EABI and on the host (asm-generic): the guest's values are
// passed through unchanged.
constexpr int kAfInet = 2;
static_assert(AF_INET == kAfInet && SOCK_STREAM == kSockStream && SOCK_DGRAM == kSockDgram);
static_assert(MSG_OOB == kMsgOob && MSG_PEEK == kMsgPeek && MSG_TRUNC == kMsgTrunc && MSG_DONTWAIT == kMsgDontWait &&
              MSG_EOR == kMsgEor && MSG_NOSIGNAL == kMsgNoSignal);
static_assert(POLLIN == kPollIn && POLLOUT == kPollOut && POLLERR == kPollErr && POLLHUP == kPollHup);

/// The int-valued options an AF_INET socket takes, with what getsockopt answers before any is
/// set when there is no host socket.
struct IntOption {
    int level, name, initial;
    bool stream_only;
};
constexpr IntOption kOptions[] = {
    {SOL_SOCKET, SO_REUSEADDR, 0, false}, {SOL_SOCKET, SO_DONTROUTE, 0, false},
    {SOL_SOCKET, SO_BROADCAST, 0, false}, {SOL_SOCKET, SO_KEEPALIVE, 0, false},
    {SOL_SOCKET, SO_OOBINLINE, 0, false}, {SOL_SOCKET, SO_REUSEPORT, 0, false},
    {IPPROTO_TCP, TCP_NODELAY, 0, true},  {IPPROTO_TCP, TCP_MAXSEG, 536, true},
    {IPPROTO_TCP, TCP_KEEPIDLE, 7200, true}, {IPPROTO_TCP, TCP_KEEPINTVL, 75, true},
    {IPPROTO_TCP, TCP_KEEPCNT, 9, true},  {IPPROTO_IP, IP_TOS, 0, false},
    {IPPROTO_IP, IP_TTL, 64, false},
};
static_assert(SOL_SOCKET == 1 && SO_REUSEADDR == 2 && SO_KEEPALIVE == 9 && IPPROTO_TCP == 6 && TCP_NODELAY == 1,
              "the host's socket option numbers differ from Linux ARM's");

const IntOption* findOption(int level, int name, int type) {
    for (const IntOption& o : kOptions)
        if (o.level == level && o.name == name) return (o.stream_only && type != kSockStream) ? nullptr : &o;
    return nullptr;
}

int hostError() { return errno == EWOULDBLOCK ? EAGAIN : errno; }

}  // namespace

std::variant<std::shared_ptr<GuestSocket>, int> HostInetSocket::create(std::shared_ptr<HostNetwork> network, int type,
                                                                       int protocol, std::uint64_t id) {
    if (type != kSockStream && type != kSockDgram) return -ESOCKTNOSUPPORT;
    const int native = type == kSockStream ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol != 0 && protocol != native) return -EPROTONOSUPPORT;
    int fd = -1;
    if (network->enabled()) {
        fd = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, native);
        if (fd < 0) return -errno;
    }
    auto socket = std::make_shared<HostInetSocket>(network, type, fd, id);
    if (fd >= 0) network->watch(socket);
    return socket;
}

HostInetSocket::HostInetSocket(std::shared_ptr<HostNetwork> network, int type, int host_fd, std::uint64_t id)
    : GuestSocket(id), network_(std::move(network)), type_(type), fd_(host_fd) {}

HostInetSocket::~HostInetSocket() { closeHost(); }

int HostInetSocket::family() const { return kAfInet; }

void HostInetSocket::closeHost() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    state_ = State::Unconnected;
}

std::uint32_t HostInetSocket::hostEvents() const {
    if (fd_ < 0) return 0;
    pollfd p{fd_, static_cast<short>(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLWRNORM | POLLRDHUP), 0};
    if (::poll(&p, 1, 0) < 0) return 0;
    return static_cast<std::uint16_t>(p.revents);
}

void HostInetSocket::settleConnect() const {
    if (state_ != State::Connecting || fd_ < 0) return;
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);  // reading it clears the host's copy
    if (err == 0 && (p.revents & POLLOUT)) {
        state_ = State::Connected;
    } else {
        state_ = State::Unconnected;
        pending_error_ = err ? err : ECONNREFUSED;
    }
}

std::int64_t HostInetSocket::connect(std::span<const std::uint8_t> address) {
    if (address.size() < 2) return -EINVAL;
    std::uint16_t family;
    std::memcpy(&family, address.data(), 2);
    if (family != kAfInet) return -EAFNOSUPPORT;
    if (address.size() < sizeof(sockaddr_in)) return -EINVAL;
    std::uint16_t port;
    std::uint32_t ip;
    std::memcpy(&port, address.data() + 2, 2);
    std::memcpy(&ip, address.data() + 4, 4);
    const std::vector<std::uint8_t> target = inetAddress(ip, port);
    if (fd_ < 0) return network_->unreachable(ip, port);

    settleConnect();
    if (state_ == State::Connecting) return -EALREADY;
    if (!connecting_to_.empty() && target == connecting_to_ && !nonBlocking() && blocking_wait_) {
        // A blocking connect's wait has ended: the syscall layer asks again for its result.
        blocking_wait_ = false;
        if (state_ == State::Connected) return 0;
        const int err = takeError();
        return err ? -err : -ECONNREFUSED;
    }
    if (pending_error_ && target == connecting_to_) {
        // A non-blocking connect that failed, asked again: its error (as BSD sockets answer).
        return -std::exchange(pending_error_, 0);
    }
    if (state_ == State::Connected && type_ == kSockStream) return -EISCONN;
    if (const int refused = network_->admit(ip, port)) return refused;

    sockaddr_in sin{};
    std::memcpy(&sin, target.data(), sizeof sin);
    connecting_to_ = target;
    pending_error_ = 0;
    seen_ = 0;  // the app learns the outcome from new events
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof sin) == 0) {
        state_ = State::Connected;
        return 0;
    }
    const int err = errno;
    if (err == EINPROGRESS) {
        state_ = State::Connecting;
        blocking_wait_ = !nonBlocking();
        return -EINPROGRESS;
    }
    if (err == EISCONN) state_ = State::Connected;
    return -err;
}

std::int64_t HostInetSocket::sendMessage(std::span<const std::uint8_t> data, std::uint32_t flags) {
    if (fd_ < 0) return type_ == kSockStream ? -EPIPE : -EDESTADDRREQ;  // never connected
    return transmit(data, flags, nullptr);
}

std::int64_t HostInetSocket::sendMessageTo(std::span<const std::uint8_t> data, std::uint32_t flags,
                                           std::span<const std::uint8_t> to) {
    if (to.empty() || type_ == kSockStream) return sendMessage(data, flags);
    if (to.size() < 2) return -EINVAL;
    std::uint16_t family;
    std::memcpy(&family, to.data(), 2);
    if (family != kAfInet) return -EAFNOSUPPORT;
    if (to.size() < sizeof(sockaddr_in)) return -EINVAL;
    sockaddr_in sin{};
    std::memcpy(&sin, to.data(), sizeof sin);
    if (fd_ < 0) return network_->unreachable(sin.sin_addr.s_addr, sin.sin_port);
    if (const int refused = network_->admit(sin.sin_addr.s_addr, sin.sin_port)) return refused;
    return transmit(data, flags, &sin);
}

std::int64_t HostInetSocket::transmit(std::span<const std::uint8_t> data, std::uint32_t flags, const void* to) {
    settleConnect();
    const int host_flags = static_cast<int>(flags & (MSG_OOB | MSG_EOR | MSG_MORE)) | MSG_DONTWAIT | MSG_NOSIGNAL;
    const ssize_t n = ::sendto(fd_, data.data(), data.size(), host_flags, static_cast<const sockaddr*>(to),
                               to ? sizeof(sockaddr_in) : 0);
    if (n >= 0) return n;
    const int err = hostError();
    if (err == EAGAIN) seen_ &= ~kPollOut;
    return -err;
}

std::int64_t HostInetSocket::receiveMessage(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size) {
    if (fd_ < 0) return type_ == kSockStream ? -ENOTCONN : -EAGAIN;
    return receive(out, flags, full_size, nullptr);
}

std::int64_t HostInetSocket::receiveMessageFrom(std::span<std::uint8_t> out, std::uint32_t flags,
                                                std::size_t& full_size, std::vector<std::uint8_t>& from) {
    if (fd_ < 0 || type_ == kSockStream) return GuestSocket::receiveMessageFrom(out, flags, full_size, from);
    sockaddr_in sin{};
    const std::int64_t n = receive(out, flags, full_size, &sin);
    if (n >= 0) from = inetAddress(sin.sin_addr.s_addr, sin.sin_port);
    return n;
}

std::int64_t HostInetSocket::receive(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size,
                                     void* from) {
    settleConnect();
    int host_flags = static_cast<int>(flags & (MSG_OOB | MSG_PEEK | MSG_TRUNC)) | MSG_DONTWAIT;
    if (type_ == kSockDgram) host_flags |= MSG_TRUNC;  // the host answers the datagram's whole size
    socklen_t len = sizeof(sockaddr_in);
    const ssize_t n = ::recvfrom(fd_, out.data(), out.size(), host_flags, static_cast<sockaddr*>(from),
                                 from ? &len : nullptr);
    if (n < 0) {
        const int err = hostError();
        if (err == EAGAIN) seen_ &= ~(kPollIn | kPollRdNorm);
        return -err;
    }
    full_size = static_cast<std::size_t>(n);
    return static_cast<std::int64_t>(std::min<std::size_t>(static_cast<std::size_t>(n), out.size()));
}

std::int64_t HostInetSocket::shutdown(int how) {
    if (how < kShutRd || how > kShutRdWr) return -EINVAL;
    if (fd_ < 0) return -ENOTCONN;
    if (::shutdown(fd_, how) != 0) return -errno;
    notifyReadiness();
    return 0;
}

std::int64_t HostInetSocket::localAddress(std::vector<std::uint8_t>& out) const {
    sockaddr_in sin{};
    socklen_t len = sizeof sin;
    if (fd_ < 0) {
        out = inetAddress(0, 0);  // unbound
        return 0;
    }
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len) != 0) return -errno;
    out = inetAddress(sin.sin_addr.s_addr, sin.sin_port);
    return 0;
}

std::int64_t HostInetSocket::peerAddress(std::vector<std::uint8_t>& out) const {
    sockaddr_in sin{};
    socklen_t len = sizeof sin;
    if (fd_ < 0) return -ENOTCONN;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&sin), &len) != 0) return -errno;
    out = inetAddress(sin.sin_addr.s_addr, sin.sin_port);
    return 0;
}

std::uint32_t HostInetSocket::pollEvents() const {
    if (fd_ < 0) {
        // Linux's answer for a socket that never connected: writable; a TCP one also hung up.
        return kPollOut | kPollWrNorm | (type_ == kSockStream ? kPollHup : 0);
    }
    settleConnect();
    seen_ = hostEvents();
    return seen_;
}

std::int64_t HostInetSocket::setOption(int level, int name, int value) {
    const IntOption* o = findOption(level, name, type_);
    if (!o) return -ENOPROTOOPT;
    if (fd_ >= 0 && ::setsockopt(fd_, level, name, &value, sizeof value) != 0) return -errno;
    options_[{level, name}] = value;
    return 0;
}

std::int64_t HostInetSocket::option(int level, int name, int& value) const {
    const IntOption* o = findOption(level, name, type_);
    if (!o) return -ENOPROTOOPT;
    if (fd_ >= 0) {
        socklen_t len = sizeof value;
        return ::getsockopt(fd_, level, name, &value, &len) == 0 ? 0 : -errno;
    }
    auto it = options_.find({level, name});
    value = it == options_.end() ? o->initial : it->second;
    return 0;
}

int HostInetSocket::takeError() {
    settleConnect();
    if (pending_error_) return std::exchange(pending_error_, 0);
    if (fd_ < 0) return 0;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    return err;
}

short HostInetSocket::awaitedEvents() const {
    if (fd_ < 0 || (seen_ & (kPollErr | kPollHup))) return 0;  // nothing more can arrive
    return static_cast<short>((kPollIn | kPollOut) & ~seen_);
}

void HostInetSocket::hostPolled() {
    if (fd_ < 0) return;
    settleConnect();
    const std::uint32_t now = hostEvents();
    const bool fresh = (now & ~seen_) != 0;
    seen_ = now;
    if (fresh) notifyReadiness();
}

}  // namespace mt3620::os
