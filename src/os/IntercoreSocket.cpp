#include "os/IntercoreSocket.h"

#include <cstring>

#include "machine/Machine.h"
#include "os/DeviceAbi.h"
#include "os/HlProcess.h"

namespace mt3620::os {

namespace {
constexpr CoreId kIoCores[2] = {CoreId::M4_0, CoreId::M4_1};
}  // namespace

std::vector<std::uint8_t> intercoreAddress(const Guid& id) {
    std::vector<std::uint8_t> a(MT_SOCKADDR_INTERCORE_SIZE, 0);
    const std::uint16_t family = MT_AF_INTERCORE;
    std::memcpy(a.data(), &family, 2);
    std::memcpy(a.data() + 4, id.bytes.data(), id.bytes.size());
    return a;
}

// --- IntercoreHub ------------------------------------------------------------------------------

std::variant<IntercoreLink*, int> IntercoreHub::link(const Guid& rt) {
    Log& log = machine_.log();
    const std::string want = rt.toString();
    if (!hl_.allowsConnectionTo(rt)) {
        log.warn("a7", "Application_Connect({}): '{}' does not list it in AllowedApplicationConnections: EACCES",
                 want, hl_.name);
        return -EACCES;
    }
    for (unsigned slot = 0; slot < 2; ++slot) {
        const CoreId core = kIoCores[slot];
        const std::optional<AppManifest>& m = machine_.firewall().manifest(core);
        if (!m || m->componentId != rt) continue;
        if (machine_.m4(core).core.state() == CoreState::Halted) {
            log.warn("a7", "Application_Connect({}): '{}' on {} has stopped: ECONNREFUSED", want, m->name,
                     coreName(core));
            return -ECONNREFUSED;
        }
        if (!m->allowsConnectionTo(hl_.componentId)) {
            log.warn("a7", "Application_Connect({}): '{}' does not list '{}' ({}) in AllowedApplicationConnections: "
                     "EACCES", want, m->name, hl_.name, hl_.componentId.toString());
            return -EACCES;
        }
        if (links_[slot]) return links_[slot].get();
        try {
            auto link = std::make_unique<IntercoreLink>(machine_, core, hl_, *m);
            link->on_rt_sent = [this, slot] { signal(slot); };
            link->on_rt_received = [this, slot] { signal(slot); };
            link->connect();
            links_[slot] = std::move(link);
            return links_[slot].get();
        } catch (const IntercoreError& e) {
            log.warn("a7", "Application_Connect({}): {}: ECONNREFUSED", want, e.what());
            return -ECONNREFUSED;
        }
    }
    log.warn("a7", "Application_Connect({}): no RTApp with that component ID runs (an RTApp needs its "
             "manifest: an app directory or --manifest-m4-N): ECONNREFUSED", want);
    return -ECONNREFUSED;
}

void IntercoreHub::subscribe(const IntercoreLink& link, std::weak_ptr<IntercoreSocket> socket) {
    for (unsigned slot = 0; slot < 2; ++slot) {
        if (links_[slot].get() != &link) continue;
        auto& list = sockets_[slot];
        std::erase_if(list, [](const std::weak_ptr<IntercoreSocket>& s) { return s.expired(); });
        list.push_back(std::move(socket));
    }
}

void IntercoreHub::signal(unsigned slot) {
    // Copy: a woken socket's listener must not change the list under us.
    const auto list = sockets_[slot];
    for (const auto& weak : list)
        if (auto s = weak.lock()) s->rtSignalled();
}

// --- IntercoreSocket ---------------------------------------------------------------------------

IntercoreSocket::IntercoreSocket(std::shared_ptr<IntercoreHub> hub, std::uint64_t id)
    : GuestSocket(id), hub_(std::move(hub)) {}

int IntercoreSocket::family() const { return MT_AF_INTERCORE; }

std::int64_t IntercoreSocket::connect(std::span<const std::uint8_t> address) {
    if (address.size() < MT_SOCKADDR_INTERCORE_SIZE) return -EINVAL;
    std::uint16_t family;
    std::memcpy(&family, address.data(), 2);
    if (family != MT_AF_INTERCORE) return -EAFNOSUPPORT;
    if (link_) return -EISCONN;
    Guid rt;
    std::memcpy(rt.bytes.data(), address.data() + 4, rt.bytes.size());
    auto r = hub_->link(rt);
    if (auto* e = std::get_if<int>(&r)) return *e;
    link_ = std::get<IntercoreLink*>(r);
    peer_ = rt;
    hub_->subscribe(*link_, weak_from_this());
    return 0;
}

std::int64_t IntercoreSocket::sendMessage(std::span<const std::uint8_t> data, std::uint32_t flags) {
    if (flags & kMsgOob) return -EOPNOTSUPP;
    if (!link_) return -ENOTCONN;
    if (write_shut_) return -EPIPE;
    if (data.size() > link_->maxMessage()) return -EMSGSIZE;
    return link_->send(data) ? static_cast<std::int64_t>(data.size()) : -EAGAIN;
}

std::int64_t IntercoreSocket::receiveMessage(std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size) {
    if (flags & kMsgOob) return -EOPNOTSUPP;
    if (!link_) return -ENOTCONN;
    std::optional<std::vector<std::uint8_t>> msg = std::move(peeked_);
    peeked_.reset();
    if (!msg) msg = link_->receive();
    if (!msg) return read_shut_ ? 0 : -EAGAIN;
    full_size = msg->size();
    const std::size_t n = std::min(out.size(), msg->size());
    std::memcpy(out.data(), msg->data(), n);
    if (flags & kMsgPeek) peeked_ = std::move(msg);  // the next receive gets it again
    return static_cast<std::int64_t>(n);
}

std::int64_t IntercoreSocket::shutdown(int how) {
    if (how < kShutRd || how > kShutRdWr) return -EINVAL;
    if (!link_) return -ENOTCONN;
    if (how != kShutWr) read_shut_ = true;
    if (how != kShutRd) write_shut_ = true;
    notifyReadiness();
    return 0;
}

std::int64_t IntercoreSocket::localAddress(std::vector<std::uint8_t>& out) const {
    out = intercoreAddress(hub_->app().componentId);
    return 0;
}

std::int64_t IntercoreSocket::peerAddress(std::vector<std::uint8_t>& out) const {
    if (!link_) return -ENOTCONN;
    out = intercoreAddress(peer_);
    return 0;
}

std::uint32_t IntercoreSocket::pollEvents() const {
    if (!link_) return kPollOut | kPollHup;  // Linux's answer for an unconnected SOCK_SEQPACKET
    std::uint32_t ev = 0;
    if (peeked_ || read_shut_ || link_->hasMessage()) ev |= kPollIn | kPollRdNorm;
    if (!write_shut_ && link_->hasRoomFor(link_->maxMessage())) ev |= kPollOut | kPollWrNorm;
    if (read_shut_ && write_shut_) ev |= kPollHup;
    return ev;
}

void installIntercore(HlProcess& process, Machine& machine, const AppManifest& manifest) {
    auto hub = std::make_shared<IntercoreHub>(machine, manifest);
    process.sockets().add(MT_AF_INTERCORE, [hub](int type, int protocol, std::uint64_t id)
                                               -> std::variant<std::shared_ptr<GuestSocket>, int> {
        if (type != kSockSeqpacket) return -ESOCKTNOSUPPORT;
        if (protocol != 0) return -EPROTONOSUPPORT;
        return std::make_shared<IntercoreSocket>(hub, id);
    });
}

}  // namespace mt3620::os
