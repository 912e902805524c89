#include "os/IntercoreLink.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "machine/Machine.h"

namespace mt3620 {

namespace {
constexpr std::uint32_t roundUp16(std::uint32_t n) { return (n + 15u) & ~15u; }
}  // namespace

IntercoreLink::IntercoreLink(Machine& machine, CoreId core, const AppManifest& hl, const AppManifest& rt,
                             Config config)
    : machine_(machine), core_(core), hl_(hl), rt_(rt), config_(config) {
    if (core != CoreId::M4_0 && core != CoreId::M4_1)
        throw IntercoreError(fmt::format("intercore: {} is not an IO M4 core", coreName(core)));
    if (!rt.isRealTime())
        throw IntercoreError(fmt::format("Application_Connect: '{}' is not a real-time capable app", rt.name));
    // Both manifests must name each other (reference §6.3).
    if (!hl.allowsConnectionTo(rt.componentId))
        throw IntercoreError(fmt::format("Application_Connect: '{}' ({}) does not list '{}' ({}) in "
                                         "AllowedApplicationConnections", hl.name, hl.componentId.toString(),
                                         rt.name, rt.componentId.toString()));
    if (!rt.allowsConnectionTo(hl.componentId))
        throw IntercoreError(fmt::format("Application_Connect: '{}' ({}) does not list '{}' ({}) in "
                                         "AllowedApplicationConnections", rt.name, rt.componentId.toString(),
                                         hl.name, hl.componentId.toString()));
    const std::uint32_t size = config.buffer_size;
    if (!std::has_single_bit(size) || size < 256 || size > 65536)
        throw IntercoreError(fmt::format("intercore: buffer size {} is not a power of two from 256 to 65536", size));
    if (config.a7_address % 4096 || !machine.a7Ram().contains(config.a7_address, windowSize()))
        throw IntercoreError(fmt::format("intercore: buffers at {:#010x} are not 4 KiB aligned inside A7 RAM",
                                         config.a7_address));
}

IntercoreLink::~IntercoreLink() {
    Mailbox::End& a7 = machine_.a7Mailbox(core_).a7End();
    a7.on_software_interrupt = nullptr;
    if (!connected_) return;
    machine_.m4(core_).on_restart = nullptr;
    machine_.closeA7Window(core_, config_.a7_address, windowSize());
}

std::uint32_t IntercoreLink::windowSize() const { return (2 * config_.buffer_size + 4095u) & ~4095u; }

std::uint32_t IntercoreLink::load32(std::uint32_t addr) const {
    std::uint32_t v;
    std::memcpy(&v, machine_.a7Ram().at(addr), 4);
    return v;
}

void IntercoreLink::store32(std::uint32_t addr, std::uint32_t v) { std::memcpy(machine_.a7Ram().at(addr), &v, 4); }

void IntercoreLink::copyIn(std::uint32_t ring_base, std::uint32_t pos, const std::uint8_t* src, std::uint32_t n) {
    const std::uint32_t ring = ringSize();
    for (std::uint32_t i = 0; i < n;) {  // at most two pieces: up to the end, then from the start
        const std::uint32_t p = (pos + i) % ring;
        const std::uint32_t chunk = std::min(n - i, ring - p);
        std::memcpy(machine_.a7Ram().at(ring_base + p), src + i, chunk);
        i += chunk;
    }
}

void IntercoreLink::copyOut(std::uint32_t ring_base, std::uint32_t pos, std::uint8_t* dst, std::uint32_t n) const {
    const std::uint32_t ring = ringSize();
    for (std::uint32_t i = 0; i < n;) {
        const std::uint32_t p = (pos + i) % ring;
        const std::uint32_t chunk = std::min(n - i, ring - p);
        std::memcpy(dst + i, machine_.a7Ram().at(ring_base + p), chunk);
        i += chunk;
    }
}

void IntercoreLink::connect() {
    Mailbox::End& a7 = machine_.a7Mailbox(core_).a7End();
    if (a7.pushCount() + 3 > Mailbox::kFifoDepth)
        throw IntercoreError(fmt::format("intercore: the {} mailbox FIFO is full; the RTApp is not reading it",
                                         coreName(core_)));
    if (!connected_) machine_.openA7Window(core_, config_.a7_address, windowSize());
    a7.on_software_interrupt = [this](std::uint32_t bits) {
        if ((bits & kSwSent) && on_rt_sent) on_rt_sent();
        if ((bits & kSwReceived) && on_rt_received) on_rt_received();
    };
    postBuffers();
    connected_ = true;
    machine_.m4(core_).on_restart = [this] { rtAppRestarted(); };
    machine_.log().info("a7", "intercore: '{}' connected to '{}' on {} (buffers {:#010x} and {:#010x}, {} bytes)",
                        hl_.name, rt_.name, coreName(core_), outboundAddress(), inboundAddress(), config_.buffer_size);
}

void IntercoreLink::postBuffers() {
    // The A7 clears both buffers (header and data) before posting them (reference §6.2).
    std::memset(machine_.a7Ram().at(config_.a7_address), 0, 2 * config_.buffer_size);
    const std::uint32_t log2 = static_cast<std::uint32_t>(std::countr_zero(config_.buffer_size));
    Mailbox::End& a7 = machine_.a7Mailbox(core_).a7End();
    a7.push(kCmdOutbound, outboundAddress() | log2);
    a7.push(kCmdInbound, inboundAddress() | log2);
    a7.push(kCmdStart, 0);
}

void IntercoreLink::rtAppRestarted() {
    // The restarted RTApp reads the descriptors from its mailbox again, as when it first
    // started. What the reset left in the mailbox (entries, statuses) belongs to the old run, and
    // messages still in the rings are lost, as the app's state is. Not public: chosen, logged,
    // documented (docs/intercore.md).
    machine_.a7Mailbox(core_).resetAll();
    postBuffers();
    machine_.log().info("a7", "intercore: '{}' on {} restarted: buffers cleared and posted again", rt_.name,
                        coreName(core_));
    if (on_rt_received) on_rt_received();  // empty rings: a blocked sender may go on
}

bool IntercoreLink::hasMessage() const {
    return connected_ && load32(outboundAddress() + 0) != load32(inboundAddress() + 4);
}

bool IntercoreLink::hasRoomFor(std::size_t size) const {
    if (!connected_ || size > kMaxPayload) return false;
    const std::uint32_t ring = ringSize();
    const std::uint32_t w = load32(inboundAddress() + 0), r = load32(outboundAddress() + 4);
    if (w >= ring || r >= ring) return false;
    const std::uint32_t used = (w + ring - r) % ring;
    const std::uint32_t block = roundUp16(4 + kIdSize + kReservedSize + static_cast<std::uint32_t>(size));
    return used + block <= ring - kAlignment;
}

bool IntercoreLink::send(std::span<const std::uint8_t> data) {
    if (!connected_) throw IntercoreError("intercore: send before connect");
    if (data.size() > kMaxPayload)
        throw IntercoreError(fmt::format("intercore: message of {} bytes exceeds {}", data.size(), kMaxPayload));
    const std::uint32_t ring = ringSize();
    const std::uint32_t in = inboundAddress(), out = outboundAddress();
    const std::uint32_t w = load32(in + 0);   // my write position (inbound header)
    const std::uint32_t r = load32(out + 4);  // the RTApp's read position (its outbound header)
    if (w >= ring || r >= ring || w % kAlignment || r % kAlignment) {
        ++dropped_;
        machine_.log().warn("a7", "intercore: corrupt positions (write {}, read {}) in {}'s buffers", w, r, rt_.name);
        return false;
    }
    if (!hasRoomFor(data.size())) return false;  // full: (w + 16) % size == r
    const std::uint32_t length = kIdSize + kReservedSize + static_cast<std::uint32_t>(data.size());
    const std::uint32_t block = roundUp16(4 + length);

    const std::uint32_t base = in + kHeaderSize;
    store32(base + w, length);  // w is 16-aligned: the length word never wraps
    copyIn(base, (w + 4) % ring, hl_.componentId.bytes.data(), kIdSize);  // HL -> RT: the sender
    const std::uint8_t reserved[kReservedSize] = {};
    copyIn(base, (w + 4 + kIdSize) % ring, reserved, kReservedSize);
    copyIn(base, (w + 4 + kIdSize + kReservedSize) % ring, data.data(), static_cast<std::uint32_t>(data.size()));
    store32(in + 0, (w + block) % ring);  // publish
    machine_.a7Mailbox(core_).a7End().raiseSoftwareInterrupt(kSwA7Sent);
    return true;
}

std::optional<std::vector<std::uint8_t>> IntercoreLink::receive() {
    if (!connected_) throw IntercoreError("intercore: receive before connect");
    const std::uint32_t ring = ringSize();
    const std::uint32_t in = inboundAddress(), out = outboundAddress();
    for (;;) {
        const std::uint32_t w = load32(out + 0);  // the RTApp's write position
        const std::uint32_t r = load32(in + 4);   // my read position (inbound header)
        if (w == r) return std::nullopt;
        if (w >= ring || r >= ring || w % kAlignment || r % kAlignment) {
            ++dropped_;
            machine_.log().warn("a7", "intercore: corrupt positions (write {}, read {}) from {}", w, r, rt_.name);
            store32(in + 4, w);  // resynchronise at the writer
            return std::nullopt;
        }
        const std::uint32_t available = (w + ring - r) % ring;
        const std::uint32_t base = out + kHeaderSize;
        const std::uint32_t length = load32(base + r);
        if (length < kIdSize + kReservedSize || 4 + length > available) {
            ++dropped_;
            machine_.log().warn("a7", "intercore: bad block length {} from {} ({} bytes available)", length,
                                rt_.name, available);
            store32(in + 4, w);
            return std::nullopt;
        }
        Guid recipient;
        copyOut(base, (r + 4) % ring, recipient.bytes.data(), kIdSize);
        std::vector<std::uint8_t> data(length - kIdSize - kReservedSize);
        copyOut(base, (r + 4 + kIdSize + kReservedSize) % ring, data.data(), static_cast<std::uint32_t>(data.size()));
        store32(in + 4, (r + roundUp16(4 + length)) % ring);  // publish
        machine_.a7Mailbox(core_).a7End().raiseSoftwareInterrupt(kSwA7Received);
        if (recipient == hl_.componentId) return data;
        ++dropped_;
        machine_.log().warn("a7", "intercore: message from '{}' for {} dropped (not '{}')", rt_.name,
                            recipient.toString(), hl_.name);
    }
}

}  // namespace mt3620
