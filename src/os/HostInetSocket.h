#pragma once
// HostInetSocket: an AF_INET socket of the A7 app (docs/networking.md), SOCK_STREAM (TCP) or
// SOCK_DGRAM (UDP, connected only), backed by a host socket when the emulator runs with
// `--network` (HostNetwork). The host socket is always non-blocking: every call answers at once
// from the host kernel, -EAGAIN meaning "not now", and the syscall layer blocks the app in
// virtual time until HostNetwork's poller sees the host socket change.
//
// Without the network there is no host socket: socket() works, connect() fails with
// ENETUNREACH, and the rest answers as Linux does for a socket that never connected.
//
// Readiness is read from the host socket on every pollEvents() call, never cached: the OS's TLS
// service reads and writes the same host socket (hostFd()). The poller wakes the app when the
// host socket has a poll event the last pollEvents() (or an -EAGAIN) did not report.
#include <map>
#include <memory>
#include <variant>
#include <vector>

#include "os/GuestSocket.h"

namespace mt3620::os {

class HostNetwork;

class HostInetSocket : public GuestSocket, public std::enable_shared_from_this<HostInetSocket> {
public:
    /// socket(AF_INET, type, protocol): the new socket (a host one when the network is on), or
    /// -ESOCKTNOSUPPORT / -EPROTONOSUPPORT / the host's -errno.
    static std::variant<std::shared_ptr<GuestSocket>, int> create(std::shared_ptr<HostNetwork> network, int type,
                                                                  int protocol, std::uint64_t id);
    HostInetSocket(std::shared_ptr<HostNetwork> network, int type, int host_fd, std::uint64_t id);
    ~HostInetSocket() override;
    HostInetSocket(const HostInetSocket&) = delete;
    HostInetSocket& operator=(const HostInetSocket&) = delete;

    int family() const override;
    int type() const override { return type_; }
    std::int64_t connect(std::span<const std::uint8_t> address) override;
    std::int64_t sendMessage(std::span<const std::uint8_t> data, std::uint32_t flags) override;
    std::int64_t receiveMessage(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size) override;
    /// UDP: a datagram to `to` (AllowedConnections applies), connected or not. TCP ignores `to`.
    std::int64_t sendMessageTo(std::span<const std::uint8_t> data, std::uint32_t flags,
                               std::span<const std::uint8_t> to) override;
    std::int64_t receiveMessageFrom(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size,
                                    std::vector<std::uint8_t>& from) override;
    std::int64_t shutdown(int how) override;
    std::int64_t localAddress(std::vector<std::uint8_t>& out) const override;
    std::int64_t peerAddress(std::vector<std::uint8_t>& out) const override;
    std::uint32_t pollEvents() const override;
    int hostFd() const override { return fd_; }
    std::int64_t setOption(int level, int name, int value) override;
    std::int64_t option(int level, int name, int& value) const override;
    int takeError() override;

    // For HostNetwork's poller.
    /// The poll events whose arrival should end the poller's real-time wait (0: none).
    short awaitedEvents() const;
    /// Re-reads the host socket; wakes the app if it gained an event the app has not seen.
    void hostPolled();
    /// The app ended: the host connection closes, as the OS closes an ended app's descriptors.
    void closeHost();

private:
    enum class State { Unconnected, Connecting, Connected };
    /// The host socket's poll events now (0 without one).
    std::uint32_t hostEvents() const;
    /// A connection in progress that the host has finished becomes Connected, or Unconnected
    /// with its error pending.
    void settleConnect() const;
    /// The host's send/sendto (`to` null: the connected peer) and recv/recvfrom.
    std::int64_t transmit(std::span<const std::uint8_t> data, std::uint32_t flags, const void* to);
    std::int64_t receive(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size, void* from);

    std::shared_ptr<HostNetwork> network_;
    int type_;
    int fd_;
    mutable State state_ = State::Unconnected;
    mutable int pending_error_ = 0;        // SO_ERROR of a connection that failed
    bool blocking_wait_ = false;           // a blocking connect() waits for its connection
    mutable std::uint32_t seen_ = 0;       // poll events the app was last told of
    std::vector<std::uint8_t> connecting_to_;  // the address of the connection in progress / made
    std::map<std::pair<int, int>, int> options_;  // set without a host socket (no network)
};

}  // namespace mt3620::os
