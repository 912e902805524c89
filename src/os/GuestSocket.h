#pragma once
// GuestSocket: a socket of the emulated Azure Sphere OS, one open file description made by
// socket(2). The syscall layer (SyscallsSockets.cpp) copies guest memory, applies the socket
// options every socket has (SO_RCVTIMEO, SO_SNDTIMEO, SO_RCVBUF, SO_SNDBUF) and blocks the app;
// a socket answers at once, -EAGAIN meaning "not now" (the layer then waits for
// notifyReadiness() or the timeout, as for any GuestFile).
//
// Families are registered per process in SocketFamilies (the device side does it, e.g.
// installIntercore for Application_Connect's family); socket() of any other family fails with
// EAFNOSUPPORT. docs/hl-apps.md lists what exists.
#include <functional>
#include <map>
#include <memory>
#include <variant>
#include <vector>

#include "common/VirtualTime.h"
#include "os/GuestFile.h"

namespace mt3620::os {

// Linux socket constants (ARM EABI values, include/linux/socket.h, asm-generic/socket.h).
constexpr int kSockStream = 1, kSockDgram = 2, kSockSeqpacket = 5;
constexpr std::uint32_t kSockTypeMask = 0xf, kSockNonBlock = 04000, kSockCloExec = 02000000;
constexpr std::uint32_t kMsgOob = 0x1, kMsgPeek = 0x2, kMsgTrunc = 0x20, kMsgDontWait = 0x40, kMsgEor = 0x80,
                        kMsgWaitAll = 0x100, kMsgNoSignal = 0x4000, kMsgCmsgCloexec = 0x40000000;
constexpr int kShutRd = 0, kShutWr = 1, kShutRdWr = 2;

class GuestSocket : public GuestFile {
public:
    explicit GuestSocket(std::uint64_t id) : id_(id) {}

    virtual int family() const = 0;
    virtual int type() const = 0;
    /// connect(2) with the address bytes as the app passed them: 0 or -errno. A connection that
    /// takes time answers -EINPROGRESS; for a blocking socket the syscall layer then waits for
    /// readiness and calls connect again with the same address, which answers -EALREADY while
    /// the connection is still being made, then 0 or its -errno.
    virtual std::int64_t connect(std::span<const std::uint8_t> address) = 0;
    /// Sends one message: its size, -EAGAIN when there is no room now, or -errno.
    virtual std::int64_t sendMessage(std::span<const std::uint8_t> data, std::uint32_t flags) = 0;
    /// Receives one message into `out` (the rest of a longer one is discarded unless MSG_PEEK):
    /// the bytes stored, 0 at end of stream, -EAGAIN when none is there, or -errno.
    /// `full_size` is set to the message's whole length (for MSG_TRUNC).
    virtual std::int64_t receiveMessage(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size) = 0;
    /// sendto(2)/sendmsg(2) with the destination the app named (`to`: its address bytes, empty
    /// for none). Default: the socket is connected and the address is ignored.
    virtual std::int64_t sendMessageTo(std::span<const std::uint8_t> data, std::uint32_t flags,
                                       std::span<const std::uint8_t> to) {
        return sendMessage(data, flags);
    }
    /// receiveMessage that also gives the sender's address (`from`; default: the peer's, or
    /// empty when there is none), for recvfrom(2)/recvmsg(2).
    virtual std::int64_t receiveMessageFrom(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size,
                                            std::vector<std::uint8_t>& from) {
        const std::int64_t n = receiveMessage(out, flags, full_size);
        if (n >= 0 && peerAddress(from) != 0) from.clear();
        return n;
    }
    /// shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR.
    virtual std::int64_t shutdown(int how) = 0;
    /// getsockname(2) / getpeername(2): 0 and the address bytes, or -errno.
    virtual std::int64_t localAddress(std::vector<std::uint8_t>& out) const = 0;
    virtual std::int64_t peerAddress(std::vector<std::uint8_t>& out) const = 0;
    /// The host socket behind this one (AF_INET sockets of `run --network`), or -1. The
    /// emulated OS's TLS service (TlsDevice) runs its records over it.
    virtual int hostFd() const { return -1; }
    /// setsockopt(2) of an int-valued option the syscall layer does not keep itself
    /// (SO_KEEPALIVE, TCP_NODELAY ...): 0 or -errno (-ENOPROTOOPT: no such option here).
    virtual std::int64_t setOption(int level, int name, int value) { return -ENOPROTOOPT; }
    /// getsockopt(2) of such an option: 0 with `value` set, or -errno.
    virtual std::int64_t option(int level, int name, int& value) const { return -ENOPROTOOPT; }
    /// SO_ERROR: the socket's pending error (a positive errno, 0 for none); reading clears it.
    virtual int takeError() { return 0; }

    /// read(2) and write(2) on a socket are recv and send without flags.
    std::int64_t read(std::span<std::uint8_t> out) override {
        std::size_t full = 0;
        return receiveMessage(out, 0, full);
    }
    std::int64_t write(std::span<const std::uint8_t> in) override { return sendMessage(in, 0); }
    GuestStat stat() const override {
        GuestStat st;
        st.dev = 0x8;  // sockfs
        st.ino = id_;
        st.mode = kModeSock | 0777;
        return st;
    }
    std::string describe() const override { return "socket:[" + std::to_string(id_) + "]"; }

    // SOL_SOCKET options kept for every socket (0 timeout: wait for ever).
    Picos receive_timeout = 0;
    Picos send_timeout = 0;
    int receive_buffer = 0;  // as getsockopt reports it (Linux doubles what setsockopt gives)
    int send_buffer = 0;

private:
    std::uint64_t id_;
};

/// The socket families a process can create, each with its factory.
class SocketFamilies {
public:
    /// Makes a socket of `type` (SOCK_* without the flag bits) and `protocol`, or -errno; `id`
    /// is its inode number.
    using Factory =
        std::function<std::variant<std::shared_ptr<GuestSocket>, int>(int type, int protocol, std::uint64_t id)>;
    void add(int family, Factory factory) { factories_[family] = std::move(factory); }
    /// The new socket, or -EAFNOSUPPORT for a family nobody registered.
    std::variant<std::shared_ptr<GuestSocket>, int> create(int family, int type, int protocol,
                                                            std::uint64_t id) const {
        auto it = factories_.find(family);
        if (it == factories_.end()) return -EAFNOSUPPORT;
        return it->second(type, protocol, id);
    }

private:
    std::map<int, Factory> factories_;
};

}  // namespace mt3620::os
