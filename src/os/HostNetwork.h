#pragma once
// The emulated OS's network for the A7 app (docs/networking.md): AF_INET sockets backed by host
// sockets when the emulator runs with `run --network` (Machine::HlAppOptions::network), and
// what a device without a network answers otherwise.
//
// With the network on, HostNetwork
//   - applies the manifest's AllowedConnections: IP literals, and the IPv4 addresses each host
//     name resolves to on the host when the app starts; connect() to anything else fails with
//     EPERM (the errno Linux gives for a connection a local firewall rule stops, which is what
//     Azure Sphere's per-app firewall is), logged once per address;
//   - writes the guest's /etc/hosts (127.0.0.1 localhost, then each allowed host name with its
//     host-resolved addresses), so musl's getaddrinfo/gethostbyname work without DNS;
//   - polls the host sockets from an EventTimer every kPollPeriod of virtual time while any is
//     open, keeping virtual time from running ahead of real time (RealTimePacer), and wakes the
//     app when a socket gains a poll event it has not seen. Real time enters the run only here.
// Without it, socket(AF_INET) still works and connect() fails with ENETUNREACH (logged once):
// no host socket, no timer, the run stays deterministic.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/Log.h"
#include "machine/RealTimePacer.h"
#include "machine/Scheduler.h"

namespace mt3620 {
struct AppManifest;
}

namespace mt3620::os {

class HlProcess;
class HostInetSocket;

class HostNetwork {
public:
    static constexpr Picos kPollPeriod = kPicosPerMilli;

    /// `allowed`: the manifest's AllowedConnections. Host names are resolved now (only when
    /// `enabled`). `app_running` tells the poller when the app has ended (its sockets then close).
    HostNetwork(Scheduler& scheduler, Log& log, const std::vector<std::string>& allowed, bool enabled,
                std::function<bool()> app_running);
    HostNetwork(const HostNetwork&) = delete;
    HostNetwork& operator=(const HostNetwork&) = delete;

    bool enabled() const { return enabled_; }
    /// AllowedConnections for a connection to `address` (IPv4, network byte order): 0 or -EPERM.
    int admit(std::uint32_t address, std::uint16_t port);
    /// connect() without the network: -ENETUNREACH, logged once.
    int unreachable(std::uint32_t address, std::uint16_t port);
    /// The text of the guest's /etc/hosts.
    const std::string& hostsFile() const { return hosts_; }
    /// Polls `socket`'s host descriptor while it lives.
    void watch(const std::shared_ptr<HostInetSocket>& socket);
    Log& log() { return log_; }

private:
    void resolve(const std::vector<std::string>& allowed);
    void poll();

    Scheduler& scheduler_;
    Log& log_;
    bool enabled_;
    std::function<bool()> app_running_;
    std::set<std::uint32_t> allowed_;  // IPv4 addresses, network byte order
    std::string hosts_;
    std::vector<std::weak_ptr<HostInetSocket>> sockets_;
    RealTimePacer pacer_;
    EventTimer timer_;
};

/// Registers AF_INET for `process`, its /etc/hosts and /dev/networking (Networking_IsNetworkingReady).
void installHostNetwork(HlProcess& process, const AppManifest& manifest, bool enabled);

/// A struct sockaddr_in's bytes (as Linux lays it out on ARM and x86): family, port and address
/// in network byte order, 8 zero bytes.
std::vector<std::uint8_t> inetAddress(std::uint32_t address, std::uint16_t port);
/// "10.0.0.1:443" for an address and port in network byte order.
std::string inetName(std::uint32_t address, std::uint16_t port);

}  // namespace mt3620::os
