// Socket system calls of the emulated OS (see Syscalls.h, GuestSocket.h). The families a
// process can create are the ones registered in HlProcess::sockets() (Application_Connect's
// intercore family, docs/intercore.md); any other family is EAFNOSUPPORT.
#include <cstring>

#include "os/GuestSocket.h"
#include "os/HlProcess.h"
#include "os/Syscalls.h"

namespace mt3620::os {

namespace nr {  // Linux ARM EABI numbers (arch/arm/tools/syscall.tbl)
enum : std::uint32_t {
    kSocket = 281, kBind = 282, kConnect = 283, kListen = 284, kAccept = 285, kGetsockname = 286,
    kGetpeername = 287, kSocketpair = 288, kSend = 289, kSendto = 290, kRecv = 291, kRecvfrom = 292,
    kShutdown = 293, kSetsockopt = 294, kGetsockopt = 295, kSendmsg = 296, kRecvmsg = 297, kRecvmmsg = 365,
    kAccept4 = 366, kSendmmsg = 374, kRecvmmsgTime64 = 417,
};
}  // namespace nr

namespace {
constexpr int kSolSocket = 1;
constexpr int kSoType = 3, kSoError = 4, kSoSndbuf = 7, kSoRcvbuf = 8, kSoRcvtimeoOld = 20, kSoSndtimeoOld = 21,
              kSoAcceptconn = 30, kSoProtocol = 38, kSoDomain = 39, kSoRcvtimeoNew = 66, kSoSndtimeoNew = 67;
constexpr int kSigPipe = 13;
constexpr std::uint32_t kMaxMessage = 1u << 16;  // one call moves at most 64 KiB (no socket here takes more)
constexpr std::uint32_t kMsghdrSize = 28;        // struct msghdr on ARM EABI
constexpr std::uint32_t kMaxIov = 1024;          // UIO_MAXIOV
// Linux's floor for SO_RCVBUF / SO_SNDBUF after doubling (SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF).
constexpr int kMinRcvbuf = 2304, kMinSndbuf = 4608;
}  // namespace

std::optional<std::int64_t> Syscalls::dispatchSocket(std::uint32_t n, const Args& a) {
    const auto i = [&](int k) { return static_cast<std::int32_t>(a[k]); };
    switch (n) {
        case nr::kSocket: return sysSocket(i(0), a[1], i(2));
        case nr::kSocketpair: {
            // No family here offers pairs (AF_UNIX is not emulated).
            auto s = p_.sockets_.create(i(0), static_cast<int>(a[1] & kSockTypeMask), i(2), 0);
            return std::holds_alternative<int>(s) ? std::get<int>(s) : -EOPNOTSUPP;
        }
        case nr::kConnect: return sysConnect(i(0), a[1], a[2]);
        case nr::kBind:
        case nr::kListen:
        case nr::kAccept:
        case nr::kAccept4: {
            std::int64_t err = 0;
            return socketOf(i(0), err) ? -EOPNOTSUPP : err;  // no socket here accepts connections
        }
        case nr::kGetsockname: return sysSocketName(i(0), a[1], a[2], false);
        case nr::kGetpeername: return sysSocketName(i(0), a[1], a[2], true);
        case nr::kSend: return sysSendto(i(0), a[1], a[2], a[3], 0, 0);
        case nr::kSendto: return sysSendto(i(0), a[1], a[2], a[3], a[4], a[5]);
        case nr::kRecv: return sysRecvfrom(i(0), a[1], a[2], a[3], 0, 0);
        case nr::kRecvfrom: return sysRecvfrom(i(0), a[1], a[2], a[3], a[4], a[5]);
        case nr::kSendmsg: return sysSendmsg(i(0), a[1], a[2]);
        case nr::kRecvmsg: return sysRecvmsg(i(0), a[1], a[2]);
        case nr::kShutdown: {
            std::int64_t err = 0;
            GuestSocket* s = socketOf(i(0), err);
            return s ? s->shutdown(i(1)) : err;
        }
        case nr::kSetsockopt: return sysSetsockopt(i(0), i(1), i(2), a[3], a[4]);
        case nr::kGetsockopt: return sysGetsockopt(i(0), i(1), i(2), a[3], a[4]);
        case nr::kRecvmmsg:
        case nr::kRecvmmsgTime64:
        case nr::kSendmmsg: return -ENOSYS;
        default: return std::nullopt;
    }
}

GuestSocket* Syscalls::socketOf(int fd, std::int64_t& err) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) {
        err = -EBADF;
        return nullptr;
    }
    auto* s = dynamic_cast<GuestSocket*>(f);
    if (!s) err = -ENOTSOCK;
    return s;
}

std::int64_t Syscalls::sysSocket(int family, std::uint32_t type, int protocol) {
    if (type & ~(kSockTypeMask | kSockNonBlock | kSockCloExec)) return -EINVAL;
    auto r = p_.sockets_.create(family, static_cast<int>(type & kSockTypeMask), protocol, nextAnonId());
    if (auto* e = std::get_if<int>(&r)) {
        if (*e == -EAFNOSUPPORT)
            p_.log_.warnOnce("a7.socket." + std::to_string(family), "a7",
                             "socket(family {}): the emulated OS has no such socket family (it has AF_INET, not "
                             "AF_INET6 or AF_UNIX): EAFNOSUPPORT", family);
        return *e;
    }
    std::shared_ptr<GuestSocket> s = std::get<std::shared_ptr<GuestSocket>>(r);
    // socket() flags use the O_ values: SOCK_NONBLOCK == O_NONBLOCK, SOCK_CLOEXEC == O_CLOEXEC.
    return installFile(std::move(s), type & (kSockNonBlock | kSockCloExec));
}

std::int64_t Syscalls::sysConnect(int fd, std::uint32_t addr, std::uint32_t len) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    std::vector<std::uint8_t> address;
    if (auto e = readSocketAddress(addr, len, address)) return e;
    const std::int64_t r = s->connect(address);
    // A blocking connect waits for its connection (SO_SNDTIMEO bounds the wait, as on Linux);
    // restarted, the call asks the socket again (wait_deadline_ is set while restarting).
    const bool restarted = wait_deadline_.has_value();
    if (s->nonBlocking() || !(r == -EINPROGRESS || (r == -EALREADY && restarted))) return r;
    const std::int64_t w = waitForIo(s->send_timeout ? deadlineAfter(s->send_timeout) : kNever);
    return w == 0 ? -EINPROGRESS : w;
}

std::int64_t Syscalls::socketWait(GuestSocket& s, std::uint32_t flags, Picos timeout) {
    if (s.nonBlocking() || (flags & kMsgDontWait) || timedOut()) return -EAGAIN;
    const std::int64_t w = waitForIo(timeout ? deadlineAfter(timeout) : kNever);
    return w == 0 ? -EAGAIN : w;  // 0: the timeout passed (Linux answers EAGAIN)
}

std::int64_t Syscalls::readSocketAddress(std::uint32_t addr, std::uint32_t len, std::vector<std::uint8_t>& out) {
    if (len > 128) return -EINVAL;  // sizeof(struct sockaddr_storage)
    out.resize(len);
    return len && !p_.mem_.read(addr, out.data(), len) ? -EFAULT : 0;
}

std::int64_t Syscalls::socketSend(GuestSocket& s, std::span<const std::uint8_t> data, std::uint32_t flags,
                                  std::span<const std::uint8_t> to) {
    const std::int64_t n = s.sendMessageTo(data, flags, to);
    if (n == -EAGAIN) return socketWait(s, flags, s.send_timeout);
    if (n == -EPIPE && !(flags & kMsgNoSignal)) {
        sigpending_ |= 1ull << (kSigPipe - 1);  // acts as the call returns, as on Linux
        sigwhy_[kSigPipe] = "send on a socket shut down for writing";
    }
    return n;
}

std::int64_t Syscalls::socketReceive(GuestSocket& s, std::span<std::uint8_t> out, std::uint32_t flags,
                                     std::size_t& full_size, std::vector<std::uint8_t>& from) {
    const std::int64_t n = s.receiveMessageFrom(out, flags, full_size, from);
    if (n == -EAGAIN) return socketWait(s, flags, s.receive_timeout);
    return n;
}

std::int64_t Syscalls::sysSendto(int fd, std::uint32_t buf, std::uint32_t len, std::uint32_t flags, std::uint32_t to,
                                 std::uint32_t to_len) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    if (len > kMaxMessage) return -EMSGSIZE;
    std::vector<std::uint8_t> data(len), address;
    if (len && !p_.mem_.read(buf, data.data(), len)) return -EFAULT;
    if (to)
        if (auto e = readSocketAddress(to, to_len, address)) return e;
    return socketSend(*s, data, flags, address);
}

std::int64_t Syscalls::sysRecvfrom(int fd, std::uint32_t buf, std::uint32_t len, std::uint32_t flags,
                                   std::uint32_t src, std::uint32_t src_len) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    len = std::min(len, kMaxMessage);
    if (len && !p_.mem_.isMapped(buf, len, kProtWrite)) return -EFAULT;
    std::vector<std::uint8_t> data(len), from;
    std::size_t full = 0;
    const std::int64_t n = socketReceive(*s, data, flags, full, from);
    if (n < 0) return n;
    p_.mem_.write(buf, data.data(), static_cast<std::size_t>(n));
    if (src && src_len && !from.empty() && writeSocketAddress(src, src_len, from) < 0) return -EFAULT;
    return (flags & kMsgTrunc) ? static_cast<std::int64_t>(full) : n;
}

std::int64_t Syscalls::writeSocketAddress(std::uint32_t addr, std::uint32_t len_addr, const std::vector<std::uint8_t>& a) {
    auto room = p_.mem_.readValue<std::uint32_t>(len_addr);
    if (!room) return -EFAULT;
    if (static_cast<std::int32_t>(*room) < 0) return -EINVAL;
    const std::uint32_t n = std::min<std::uint32_t>(*room, static_cast<std::uint32_t>(a.size()));
    if (n && !p_.mem_.write(addr, a.data(), n)) return -EFAULT;
    // The real size, even when it was truncated (as Linux reports it).
    return p_.mem_.writeValue<std::uint32_t>(len_addr, static_cast<std::uint32_t>(a.size())) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sysSocketName(int fd, std::uint32_t addr, std::uint32_t len_addr, bool peer) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    std::vector<std::uint8_t> a;
    if (auto e = peer ? s->peerAddress(a) : s->localAddress(a)) return e;
    return writeSocketAddress(addr, len_addr, a);
}

std::int64_t Syscalls::readMsghdr(int fd, std::uint32_t msg, GuestSocket*& s, MsgHeader& m) {
    std::int64_t err = 0;
    s = socketOf(fd, err);
    if (!s) return err;
    // struct msghdr: name, namelen, iov, iovlen, control, controllen, flags (all 32-bit).
    std::array<std::uint32_t, 7>& h = m.raw;
    if (!p_.mem_.read(msg, h.data(), kMsghdrSize)) return -EFAULT;
    if (h[3] > kMaxIov) return -EMSGSIZE;
    m.iov.resize(h[3] * 2);
    if (h[3] && !p_.mem_.read(h[2], m.iov.data(), h[3] * 8)) return -EFAULT;
    m.total = 0;
    for (std::uint32_t k = 0; k < h[3]; ++k) m.total += m.iov[2 * k + 1];
    return 0;
}

std::int64_t Syscalls::sysSendmsg(int fd, std::uint32_t msg, std::uint32_t flags) {
    GuestSocket* s = nullptr;
    MsgHeader m;
    if (auto e = readMsghdr(fd, msg, s, m)) return e;
    if (m.total > kMaxMessage) return -EMSGSIZE;
    if (m.raw[5]) return -EINVAL;  // no socket here takes control messages (SCM_RIGHTS ...)
    std::vector<std::uint8_t> data(static_cast<std::size_t>(m.total));
    std::size_t off = 0;
    for (std::uint32_t k = 0; k < m.raw[3]; ++k) {
        if (m.iov[2 * k + 1] && !p_.mem_.read(m.iov[2 * k], data.data() + off, m.iov[2 * k + 1])) return -EFAULT;
        off += m.iov[2 * k + 1];
    }
    std::vector<std::uint8_t> address;
    if (m.raw[0])
        if (auto e = readSocketAddress(m.raw[0], m.raw[1], address)) return e;
    return socketSend(*s, data, flags, address);
}

std::int64_t Syscalls::sysRecvmsg(int fd, std::uint32_t msg, std::uint32_t flags) {
    GuestSocket* s = nullptr;
    MsgHeader m;
    if (auto e = readMsghdr(fd, msg, s, m)) return e;
    const std::array<std::uint32_t, 7>& h = m.raw;
    const std::vector<std::uint32_t>& iov = m.iov;
    const std::uint64_t total = m.total;
    for (std::uint32_t k = 0; k < h[3]; ++k)
        if (iov[2 * k + 1] && !p_.mem_.isMapped(iov[2 * k], iov[2 * k + 1], kProtWrite)) return -EFAULT;
    std::vector<std::uint8_t> data(static_cast<std::size_t>(std::min<std::uint64_t>(total, kMaxMessage)));
    std::size_t full = 0;
    std::vector<std::uint8_t> from;
    const std::int64_t n = socketReceive(*s, data, flags, full, from);
    if (n < 0) return n;
    std::size_t off = 0;
    for (std::uint32_t k = 0; k < h[3] && off < static_cast<std::size_t>(n); ++k) {
        const std::size_t m = std::min<std::size_t>(iov[2 * k + 1], static_cast<std::size_t>(n) - off);
        p_.mem_.write(iov[2 * k], data.data() + off, m);
        off += m;
    }
    // msg_namelen: the sender's address when asked; msg_controllen 0; msg_flags MSG_TRUNC if cut.
    std::uint32_t namelen = 0;
    if (h[0] && h[1] && !from.empty()) {
        namelen = static_cast<std::uint32_t>(from.size());
        if (!p_.mem_.write(h[0], from.data(), std::min<std::size_t>(h[1], from.size()))) return -EFAULT;
    }
    const std::uint32_t out_flags = full > static_cast<std::size_t>(n) ? kMsgTrunc : 0;
    const std::uint32_t zero = 0;
    if (!p_.mem_.write(msg + 4, &namelen, 4) || !p_.mem_.write(msg + 20, &zero, 4) ||
        !p_.mem_.write(msg + 24, &out_flags, 4))
        return -EFAULT;
    return (flags & kMsgTrunc) ? static_cast<std::int64_t>(full) : n;
}

std::int64_t Syscalls::sysSetsockopt(int fd, int level, int name, std::uint32_t value, std::uint32_t len) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    if (level != kSolSocket) return setIntOption(*s, level, name, value, len);
    switch (name) {
        case kSoRcvtimeoOld:
        case kSoSndtimeoOld:
        case kSoRcvtimeoNew:
        case kSoSndtimeoNew: {
            // struct timeval: 32-bit seconds and microseconds (OLD) or 64-bit ones (NEW).
            const bool wide = name == kSoRcvtimeoNew || name == kSoSndtimeoNew;
            std::int64_t sec, usec;
            if (wide) {
                std::int64_t tv[2];
                if (len < sizeof tv) return -EINVAL;
                if (!p_.mem_.read(value, tv, sizeof tv)) return -EFAULT;
                sec = tv[0];
                usec = tv[1];
            } else {
                std::int32_t tv[2];
                if (len < sizeof tv) return -EINVAL;
                if (!p_.mem_.read(value, tv, sizeof tv)) return -EFAULT;
                sec = tv[0];
                usec = tv[1];
            }
            if (usec < 0 || usec >= 1'000'000) return -EDOM;
            // A negative time means "no timeout", as on Linux.
            const Picos t = sec < 0 ? 0 : static_cast<Picos>(sec) * kPicosPerSecond + static_cast<Picos>(usec) * kPicosPerMicro;
            (name == kSoRcvtimeoOld || name == kSoRcvtimeoNew ? s->receive_timeout : s->send_timeout) = t;
            return 0;
        }
        case kSoRcvbuf:
        case kSoSndbuf: {
            auto v = p_.mem_.readValue<std::int32_t>(value);
            if (len < 4) return -EINVAL;
            if (!v) return -EFAULT;
            // Linux doubles the value (room for its bookkeeping) and applies a floor.
            const std::int64_t doubled = std::min<std::int64_t>(std::int64_t{std::max(*v, 0)} * 2, INT32_MAX);
            if (name == kSoRcvbuf) s->receive_buffer = static_cast<int>(std::max<std::int64_t>(doubled, kMinRcvbuf));
            else s->send_buffer = static_cast<int>(std::max<std::int64_t>(doubled, kMinSndbuf));
            return 0;
        }
        default: return setIntOption(*s, level, name, value, len);
    }
}

std::int64_t Syscalls::setIntOption(GuestSocket& s, int level, int name, std::uint32_t value, std::uint32_t len) {
    if (len < 4) return -EINVAL;
    auto v = p_.mem_.readValue<std::int32_t>(value);
    if (!v) return -EFAULT;
    return s.setOption(level, name, *v);
}

std::int64_t Syscalls::sysGetsockopt(int fd, int level, int name, std::uint32_t value, std::uint32_t len_addr) {
    std::int64_t err = 0;
    GuestSocket* s = socketOf(fd, err);
    if (!s) return err;
    std::vector<std::uint8_t> out;
    const auto put32 = [&out](std::int32_t v) {
        out.resize(4);
        std::memcpy(out.data(), &v, 4);
    };
    switch (level == kSolSocket ? name : -1) {
        case kSoType: put32(s->type()); break;
        case kSoDomain: put32(s->family()); break;
        case kSoProtocol: put32(0); break;
        case kSoError: put32(s->takeError()); break;
        case kSoAcceptconn: put32(0); break;
        case kSoRcvbuf: put32(s->receive_buffer ? s->receive_buffer : 4096); break;
        case kSoSndbuf: put32(s->send_buffer ? s->send_buffer : 4096); break;
        case kSoRcvtimeoOld:
        case kSoSndtimeoOld:
        case kSoRcvtimeoNew:
        case kSoSndtimeoNew: {
            const Picos t = (name == kSoRcvtimeoOld || name == kSoRcvtimeoNew) ? s->receive_timeout : s->send_timeout;
            const std::int64_t sec = static_cast<std::int64_t>(t / kPicosPerSecond);
            const std::int64_t usec = static_cast<std::int64_t>((t % kPicosPerSecond) / kPicosPerMicro);
            if (name == kSoRcvtimeoNew || name == kSoSndtimeoNew) {
                const std::int64_t tv[2] = {sec, usec};
                out.assign(reinterpret_cast<const std::uint8_t*>(tv), reinterpret_cast<const std::uint8_t*>(tv) + 16);
            } else {
                const std::int32_t tv[2] = {static_cast<std::int32_t>(sec), static_cast<std::int32_t>(usec)};
                out.assign(reinterpret_cast<const std::uint8_t*>(tv), reinterpret_cast<const std::uint8_t*>(tv) + 8);
            }
            break;
        }
        default: {
            int v = 0;
            if (auto e = s->option(level, name, v)) return e;
            put32(v);
        }
    }
    auto room = p_.mem_.readValue<std::uint32_t>(len_addr);
    if (!room) return -EFAULT;
    if (static_cast<std::int32_t>(*room) < 0) return -EINVAL;
    const std::uint32_t n = std::min<std::uint32_t>(*room, static_cast<std::uint32_t>(out.size()));
    if (n && !p_.mem_.write(value, out.data(), n)) return -EFAULT;
    return p_.mem_.writeValue<std::uint32_t>(len_addr, n) ? 0 : -EFAULT;
}

}  // namespace mt3620::os
