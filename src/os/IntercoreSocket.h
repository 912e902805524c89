#pragma once
// Application_Connect's socket (docs/intercore.md): what a high-level app uses to exchange
// messages with an RTApp through the intercore buffers (reference §6.2, §6.3).
//
//   fd = socket(MT_AF_INTERCORE, SOCK_SEQPACKET, 0);      // src/os/DeviceAbi.h
//   connect(fd, {MT_AF_INTERCORE, 0, <RTApp component ID>}, 20);
//   send(fd, ...) / recv(fd, ...)                          // one message each
//
// connect() is where the OS applies the rules of Application_Connect: the app's manifest must
// list the RTApp in AllowedApplicationConnections (else EACCES), an RTApp with that component
// ID must be running on an IO M4 with its manifest (else ECONNREFUSED), and its manifest must
// list the app (else EACCES). The first connection to an RTApp sets up its buffers
// (IntercoreLink::connect: the 0xBA5E000x mailbox commands); later ones share them, as the
// RTApp reads the descriptors only once.
//
// Readiness: POLLIN when the RTApp has published a block, POLLOUT when a message of the
// largest size fits; the RTApp's "sent" / "received" software interrupts wake a waiting app.
#include <array>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "image/AppManifest.h"
#include "os/GuestSocket.h"
#include "os/IntercoreLink.h"

namespace mt3620 {
class Machine;
}

namespace mt3620::os {

class HlProcess;
class IntercoreSocket;

/// The intercore side of the emulated OS for one high-level app: its links to the RTApps.
class IntercoreHub {
public:
    IntercoreHub(Machine& machine, AppManifest hl) : machine_(machine), hl_(std::move(hl)) {}
    IntercoreHub(const IntercoreHub&) = delete;
    IntercoreHub& operator=(const IntercoreHub&) = delete;

    /// Application_Connect's checks, then the link to the RTApp `rt` (set up on first use), or
    /// -EACCES / -ECONNREFUSED (logged with the reason).
    std::variant<IntercoreLink*, int> link(const Guid& rt);
    /// `socket` is woken when the RTApp behind `link` signals (until the socket is gone).
    void subscribe(const IntercoreLink& link, std::weak_ptr<IntercoreSocket> socket);
    const AppManifest& app() const { return hl_; }

private:
    void signal(unsigned slot);
    Machine& machine_;
    AppManifest hl_;
    std::array<std::unique_ptr<IntercoreLink>, 2> links_;  // per IO M4
    std::array<std::vector<std::weak_ptr<IntercoreSocket>>, 2> sockets_;
};

class IntercoreSocket : public GuestSocket, public std::enable_shared_from_this<IntercoreSocket> {
public:
    IntercoreSocket(std::shared_ptr<IntercoreHub> hub, std::uint64_t id);

    int family() const override;
    int type() const override { return kSockSeqpacket; }
    std::int64_t connect(std::span<const std::uint8_t> address) override;
    std::int64_t sendMessage(std::span<const std::uint8_t> data, std::uint32_t flags) override;
    std::int64_t receiveMessage(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size) override;
    std::int64_t shutdown(int how) override;
    std::int64_t localAddress(std::vector<std::uint8_t>& out) const override;
    std::int64_t peerAddress(std::vector<std::uint8_t>& out) const override;
    std::uint32_t pollEvents() const override;

    /// The RTApp signalled (sent or received): a waiting app re-checks.
    void rtSignalled() { notifyReadiness(); }

private:
    std::shared_ptr<IntercoreHub> hub_;
    IntercoreLink* link_ = nullptr;  // owned by the hub
    Guid peer_{};
    std::optional<std::vector<std::uint8_t>> peeked_;  // a message MSG_PEEK looked at
    bool read_shut_ = false, write_shut_ = false;
};

/// Registers Application_Connect's socket family for `process`, whose manifest is `manifest`.
void installIntercore(HlProcess& process, Machine& machine, const AppManifest& manifest);

/// struct mt_sockaddr_intercore for `id` (DeviceAbi.h).
std::vector<std::uint8_t> intercoreAddress(const Guid& id);

}  // namespace mt3620::os
