#pragma once
// The emulated OS's side of one intercore connection between a high-level app (A7) and the
// RTApp on an IO M4 (reference §6.2, §6.3; docs/intercore.md). It is what Application_Connect
// sets up on the real device:
//
//   1. the connection is allowed only when each app lists the other's component ID in
//      AllowedApplicationConnections;
//   2. two buffers are allocated in A7 RAM (each a 64-byte header and a ring), cleared, and
//      opened to the M4 in the firewall (the only A7 RAM it can reach);
//   3. their descriptors (address | log2 size) are posted to the M4 over its A7 mailbox:
//      0xBA5E0001 = the RTApp's outbound buffer (RT -> HL), 0xBA5E0002 = its inbound buffer
//      (HL -> RT), then 0xBA5E0003 (start);
//   4. messages are blocks in the rings: u32 length, 16-byte component ID (HL -> RT: the sender;
//      RT -> HL: the recipient), 4 reserved bytes, data; positions are 16-byte aligned offsets
//      into the ring; each side writes only its own buffer's header. Software interrupts
//      signal: A7 -> RT 0x2 "sent", 0x1 "received"; RT -> A7 0x1 "sent", 0x2 "received".
//
// When the RTApp restarts while connected (watchdog, software reset, Machine::restartCore), it
// waits for the descriptors again: the link resets the core's A7 mailbox, clears both buffers
// and posts the three commands again (docs/intercore.md, "RTApp restarts").
//
// send()/receive() are what the HL app's socket does. Call connect(), send() and receive()
// between machine runs (not from inside a core's run): connect() changes the M4's memory map.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "image/AppManifest.h"
#include "machine/CoreId.h"

namespace mt3620 {

class Machine;

/// Application_Connect refused: the manifests do not allow the connection, or bad set-up.
class IntercoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class IntercoreLink {
public:
    static constexpr std::uint32_t kHeaderSize = 64;   // BufferHeader, padded to the A7's L2 line
    static constexpr std::uint32_t kAlignment = 16;    // RINGBUFFER_ALIGNMENT
    static constexpr std::uint32_t kIdSize = 16;       // component ID
    static constexpr std::uint32_t kReservedSize = 4;  // the "port" word
    static constexpr std::uint32_t kMaxPayload = 1024; // A7 MTU data part
    static constexpr std::uint32_t kCmdOutbound = 0xBA5E'0001;  // RTApp outbound (RT -> HL)
    static constexpr std::uint32_t kCmdInbound = 0xBA5E'0002;   // RTApp inbound (HL -> RT)
    static constexpr std::uint32_t kCmdStart = 0xBA5E'0003;
    static constexpr std::uint32_t kSwSent = 0x1, kSwReceived = 0x2;  // RT -> A7 bits
    static constexpr std::uint32_t kSwA7Sent = 0x2, kSwA7Received = 0x1;  // A7 -> RT bits

    struct Config {
        /// A7-physical address of the first buffer (4 KiB aligned); the second follows it.
        std::uint32_t a7_address = 0x8010'0000;
        /// Total size of each buffer, header included: a power of two from 256 to 64 KiB.
        std::uint32_t buffer_size = 4096;
    };

    /// Checks that `hl` and `rt` allow each other (both manifests) and that `rt` is an RTApp.
    IntercoreLink(Machine& machine, CoreId core, const AppManifest& hl, const AppManifest& rt, Config config);
    IntercoreLink(Machine& machine, CoreId core, const AppManifest& hl, const AppManifest& rt)
        : IntercoreLink(machine, core, hl, rt, Config{}) {}
    ~IntercoreLink();
    IntercoreLink(const IntercoreLink&) = delete;
    IntercoreLink& operator=(const IntercoreLink&) = delete;

    /// Clears and opens the buffers and posts the three set-up commands. Throws IntercoreError
    /// when the mailbox has no room for them.
    void connect();
    bool connected() const { return connected_; }

    /// Queues one message for the RTApp; false when the ring has no room (try again later).
    bool send(std::span<const std::uint8_t> data);
    /// The next message from the RTApp, if one is complete in the ring.
    std::optional<std::vector<std::uint8_t>> receive();

    /// True when the RTApp has published a block the A7 has not read (it may still be one for
    /// another component, which receive() drops).
    bool hasMessage() const;
    /// The longest message (data bytes) the rings can carry: 1024, or less for small buffers.
    std::size_t maxMessage() const {
        return std::min<std::size_t>(kMaxPayload, ringSize() - kAlignment - 4 - kIdSize - kReservedSize);
    }
    /// True when a message of `size` data bytes fits in the ring now.
    bool hasRoomFor(std::size_t size) const;

    /// Called (inside the M4's run) when the RTApp signals that it sent a message.
    std::function<void()> on_rt_sent;
    /// Called (inside the M4's run) when the RTApp signals that it read a message (room freed),
    /// and (between runs) when the buffers were set up again after the RTApp restarted.
    std::function<void()> on_rt_received;
    /// Messages dropped because they named another app or were malformed (logged).
    unsigned dropped() const { return dropped_; }

    std::uint32_t outboundAddress() const { return config_.a7_address; }  // RT -> HL buffer
    std::uint32_t inboundAddress() const { return config_.a7_address + config_.buffer_size; }

private:
    std::uint32_t ringSize() const { return config_.buffer_size - kHeaderSize; }
    std::uint32_t load32(std::uint32_t addr) const;
    void store32(std::uint32_t addr, std::uint32_t v);
    void copyIn(std::uint32_t ring_base, std::uint32_t pos, const std::uint8_t* src, std::uint32_t n);
    void copyOut(std::uint32_t ring_base, std::uint32_t pos, std::uint8_t* dst, std::uint32_t n) const;
    std::uint32_t windowSize() const;
    /// Clears both buffers and posts the three set-up commands.
    void postBuffers();
    void rtAppRestarted();

    Machine& machine_;
    CoreId core_;
    AppManifest hl_;
    AppManifest rt_;
    Config config_;
    bool connected_ = false;
    unsigned dropped_ = 0;
};

}  // namespace mt3620
