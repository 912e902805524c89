#pragma once
// GDB remote serial protocol: packet framing and command parsing. Pure functions and a byte-fed
// reader with no I/O, so every rule (checksums, escapes, malformed input) is unit-testable and
// fuzzable on its own; GdbServer does the sockets and the debugging.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mt3620::gdb {

/// Largest packet payload accepted (and advertised as PacketSize).
constexpr std::size_t kMaxPacketSize = 0x4000;

/// Modulo-256 sum of the payload's bytes, as sent after '#'.
std::uint8_t checksum(std::string_view payload);
/// "$payload#cs" with '$', '#', '}' and '*' escaped as '}' followed by the byte XOR 0x20.
std::string framePacket(std::string_view payload);
/// Escapes binary data the same way (for X-style payloads and qXfer replies).
std::string escapeBinary(std::string_view data);
/// Undoes escapeBinary; nullopt if the data ends in a lone '}'.
std::optional<std::string> unescapeBinary(std::string_view data);
/// Expands run-length encoding ("0* " = "0000"): c '*' n repeats c (n - 29) more times.
std::optional<std::string> expandRunLength(std::string_view data);

std::string toHex(std::string_view bytes);
std::string toHex(const std::uint8_t* bytes, std::size_t size);
std::optional<std::string> fromHex(std::string_view hex);
/// Parses a whole string as a hex number (no prefix, at most 16 digits).
std::optional<std::uint64_t> parseHex(std::string_view hex);
/// Little-endian hex of a register value of `bytes` bytes, as g/p replies carry it.
std::string registerHex(std::uint64_t value, std::size_t bytes);
/// Parses little-endian register hex of exactly `bytes` bytes.
std::optional<std::uint64_t> parseRegisterHex(std::string_view hex, std::size_t bytes);

/// Splits the incoming byte stream into packets, acks and interrupts.
class PacketReader {
public:
    struct Event {
        enum class Kind {
            Packet,     // a complete packet; `payload` holds its (still escaped) body
            BadChecksum,  // a complete packet whose checksum did not match: NAK it
            Overlong,   // longer than kMaxPacketSize: discarded
            Interrupt,  // 0x03 outside a packet (Ctrl-C)
            Ack,        // '+'
            Nak,        // '-': resend the last packet
        } kind;
        std::string payload;
    };

    /// Feeds received bytes; complete events are appended to `out`.
    void feed(std::string_view bytes, std::vector<Event>& out);

private:
    enum class State { Idle, Body, Checksum1, Checksum2 } state_ = State::Idle;
    std::string body_;
    bool overlong_ = false;
    char cs_hi_ = 0;
};

/// One parsed command packet.
struct Command {
    enum class Kind {
        Unknown,     // reply empty
        Malformed,   // a known command with bad arguments: reply Exx
        HaltReason,  // ?
        ReadRegisters,   // g
        WriteRegisters,  // G data
        ReadRegister,    // p n
        WriteRegister,   // P n=v
        ReadMemory,      // m addr,len
        WriteMemory,     // M addr,len:hex  /  X addr,len:binary (data decoded in both)
        InsertPoint,     // Z type,addr,kind
        RemovePoint,     // z type,addr,kind
        Continue,        // c [addr], C sig[;addr], vCont;c
        Step,            // s [addr], S sig[;addr], vCont;s
        RangeStep,       // vCont;r start,end
        VContQuery,      // vCont?
        Kill,            // k, vKill
        Detach,          // D, D;pid
        SetThread,       // H op tid
        ThreadAlive,     // T tid
        Supported,       // qSupported[:features]
        Xfer,            // qXfer:object:read:annex:offset,length
        Monitor,         // qRcmd,hex (text decoded)
        Attached,        // qAttached
        CurrentThread,   // qC
        FirstThreadInfo,  // qfThreadInfo
        NextThreadInfo,   // qsThreadInfo
        StartNoAckMode,   // QStartNoAckMode
        FlashErase,       // vFlashErase:addr,len
        FlashWrite,       // vFlashWrite:addr:binary
        FlashDone,        // vFlashDone
        MustReplyEmpty,   // vMustReplyEmpty
    } kind = Kind::Unknown;

    std::uint64_t address = 0;  // memory, point, continue/step address, range start
    std::uint64_t length = 0;   // memory length, point kind, range end, xfer length
    std::uint64_t offset = 0;   // xfer offset
    unsigned reg = 0;           // p/P register; Z/z point type
    bool has_address = false;   // c/s with an address
    std::string data;           // decoded bytes: G/P/M/X/vFlashWrite data, monitor text
    std::string object, annex;  // qXfer
};

/// Parses an unescaped-at-frame-level payload (binary fields are unescaped here).
Command parseCommand(std::string_view payload);

/// The reply to a qXfer read of `document`: 'm' + chunk if more follows, 'l' + chunk at the end.
std::string xferChunk(std::string_view document, std::uint64_t offset, std::uint64_t length);

}  // namespace mt3620::gdb
