#include "os/HostNetwork.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "image/AppManifest.h"
#include "os/DeviceAbi.h"
#include "os/DeviceFile.h"
#include "os/HlProcess.h"
#include "os/HostInetSocket.h"

namespace mt3620::os {

namespace {

constexpr int kAfInet = 2;

/// /dev/networking: Networking_IsNetworkingReady asks it whether the device has a network.
class NetworkingFile : public DeviceFile {
public:
    explicit NetworkingFile(bool ready) : DeviceFile(MT_NETWORKING_PATH, deviceNumber(kMajorMisc, 141)), ready_(ready) {}
    std::int64_t ioctl(std::uint32_t request, std::uint32_t, GuestMemory&) override {
        return request == MT_NETWORKING_IOC_READY ? (ready_ ? 1 : 0) : -ENOTTY;
    }

private:
    bool ready_;
};

/// The host's IPv4 addresses for `name` (network byte order), or the getaddrinfo error text.
std::vector<std::uint32_t> resolveOnHost(const std::string& name, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int r = ::getaddrinfo(name.c_str(), nullptr, &hints, &list);
    std::vector<std::uint32_t> out;
    if (r != 0) {
        error = ::gai_strerror(r);
        return out;
    }
    for (addrinfo* a = list; a; a = a->ai_next) {
        const std::uint32_t ip = reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr;
        if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
    }
    ::freeaddrinfo(list);
    return out;
}

std::string dotted(std::uint32_t address) {
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address, text, sizeof text);
    return text;
}

}  // namespace

std::vector<std::uint8_t> inetAddress(std::uint32_t address, std::uint16_t port) {
    std::vector<std::uint8_t> a(sizeof(sockaddr_in), 0);
    const std::uint16_t family = kAfInet;
    std::memcpy(a.data(), &family, 2);
    std::memcpy(a.data() + 2, &port, 2);
    std::memcpy(a.data() + 4, &address, 4);
    return a;
}

std::string inetName(std::uint32_t address, std::uint16_t port) {
    return dotted(address) + ":" + std::to_string(ntohs(port));
}

HostNetwork::HostNetwork(Scheduler& scheduler, Log& log, const std::vector<std::string>& allowed, bool enabled,
                         std::function<bool()> app_running)
    : scheduler_(scheduler), log_(log), enabled_(enabled), app_running_(std::move(app_running)),
      hosts_("127.0.0.1\tlocalhost\n"), timer_(scheduler, "a7 network poll", [this] { poll(); }) {
    if (enabled_) resolve(allowed);
}

void HostNetwork::resolve(const std::vector<std::string>& allowed) {
    for (const std::string& entry : allowed) {
        in_addr literal{};
        if (::inet_pton(AF_INET, entry.c_str(), &literal) == 1) {
            allowed_.insert(literal.s_addr);
            continue;
        }
        if (entry.find(':') != std::string::npos) {
            log_.warn("a7", "AllowedConnections '{}': IPv6 is not emulated (AF_INET only): ignored", entry);
            continue;
        }
        if (entry.starts_with("*")) {
            log_.warn("a7", "AllowedConnections '{}': wildcard names cannot be resolved ahead of time by the emulator: "
                      "connections to those hosts are refused", entry);
            continue;
        }
        std::string error;
        const std::vector<std::uint32_t> addresses = resolveOnHost(entry, error);
        if (addresses.empty()) {
            log_.warn("a7", "AllowedConnections '{}' does not resolve on the host ({}): the app cannot reach it",
                      entry, error);
            continue;
        }
        std::string list;
        for (std::uint32_t ip : addresses) {
            allowed_.insert(ip);
            if (entry != "localhost") hosts_ += dotted(ip) + "\t" + entry + "\n";
            list += (list.empty() ? "" : ", ") + dotted(ip);
        }
        log_.info("a7", "AllowedConnections '{}' is {} (resolved on the host, in the app's /etc/hosts)", entry, list);
    }
}

int HostNetwork::admit(std::uint32_t address, std::uint16_t port) {
    if (allowed_.count(address)) return 0;
    const std::string name = dotted(address);
    log_.warnOnce("a7.network.refused." + name, "a7",
                  "connect to {}: {} is not in the app manifest's AllowedConnections: EPERM (refused as the "
                  "device's firewall refuses it)", inetName(address, port), name);
    return -EPERM;
}

int HostNetwork::unreachable(std::uint32_t address, std::uint16_t port) {
    log_.warnOnce("a7.network.off", "a7",
                  "connect to {}: the emulator runs without --network, like a device with no network: ENETUNREACH",
                  inetName(address, port));
    return -ENETUNREACH;
}

void HostNetwork::watch(const std::shared_ptr<HostInetSocket>& socket) {
    sockets_.push_back(socket);
    if (!timer_.armed()) timer_.armAfter(kPollPeriod);
}

void HostNetwork::poll() {
    std::erase_if(sockets_, [](const std::weak_ptr<HostInetSocket>& s) {
        auto live = s.lock();
        return !live || live->hostFd() < 0;
    });
    std::vector<std::shared_ptr<HostInetSocket>> live;
    for (const auto& weak : sockets_) live.push_back(weak.lock());
    if (!app_running_()) {
        for (const auto& s : live) s->closeHost();  // the OS closes an ended app's sockets
        sockets_.clear();
        return;
    }
    if (live.empty()) return;  // re-armed by the next socket()
    std::vector<pollfd> fds;
    for (const auto& s : live) {
        const short awaited = s->awaitedEvents();
        fds.push_back({awaited ? s->hostFd() : -1, awaited, 0});
    }
    pacer_.pace(scheduler_.now(), fds);
    for (const auto& s : live) s->hostPolled();
    timer_.armAfter(kPollPeriod);
}

void installHostNetwork(HlProcess& process, const AppManifest& manifest, bool enabled) {
    auto network = std::make_shared<HostNetwork>(process.scheduler(), process.log(),
                                                 manifest.capabilities.allowedConnections, enabled,
                                                 [&process] { return process.status() == HlProcess::Status::Running; });
    process.sockets().add(kAfInet, [network](int type, int protocol, std::uint64_t id) {
        return HostInetSocket::create(network, type, protocol, id);
    });
    process.fs().addFile("/etc/hosts", network->hostsFile());
    process.fs().addDevice(MT_NETWORKING_PATH, [enabled](std::uint32_t) -> std::variant<std::shared_ptr<GuestFile>, int> {
        return std::make_shared<NetworkingFile>(enabled);
    }, deviceNumber(kMajorMisc, 141));
    if (enabled)
        process.log().info("a7", "network: AF_INET sockets are host sockets (--network); while one is open, virtual "
                           "time is paced to real time");
}

}  // namespace mt3620::os
