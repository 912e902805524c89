#include "gdb/GdbPacket.h"

namespace mt3620::gdb {

namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr char kHexDigits[] = "0123456789abcdef";

bool needsEscape(char c) { return c == '$' || c == '#' || c == '}' || c == '*'; }

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// "addr,len" -> both numbers.
bool parsePair(std::string_view s, char sep, std::uint64_t& a, std::uint64_t& b) {
    auto comma = s.find(sep);
    if (comma == std::string_view::npos) return false;
    auto x = parseHex(s.substr(0, comma));
    auto y = parseHex(s.substr(comma + 1));
    if (!x || !y) return false;
    a = *x;
    b = *y;
    return true;
}

Command make(Command::Kind kind) {
    Command c;
    c.kind = kind;
    return c;
}

Command malformed() { return make(Command::Kind::Malformed); }

Command parseContinueOrStep(std::string_view args, bool with_signal, Command::Kind kind) {
    Command c = make(kind);
    if (with_signal) {
        // C sig[;addr]: the signal is ignored (there is nothing to deliver it to).
        auto semi = args.find(';');
        if (!parseHex(args.substr(0, semi))) return malformed();
        args = semi == std::string_view::npos ? std::string_view{} : args.substr(semi + 1);
    }
    if (!args.empty()) {
        auto a = parseHex(args);
        if (!a) return malformed();
        c.address = *a;
        c.has_address = true;
    }
    return c;
}

Command parseVCont(std::string_view args) {
    // vCont;action[:thread];action...: one thread, so the first action decides.
    if (args.empty() || args[0] != ';') return malformed();
    args.remove_prefix(1);
    std::string_view action = args.substr(0, args.find(';'));
    action = action.substr(0, action.find(':'));
    if (action.empty()) return malformed();
    switch (action[0]) {
        case 'c':
        case 'C': return action.size() > 1 && action[0] == 'c' ? malformed() : make(Command::Kind::Continue);
        case 's':
        case 'S': return action.size() > 1 && action[0] == 's' ? malformed() : make(Command::Kind::Step);
        case 'r': {
            Command c = make(Command::Kind::RangeStep);
            if (!parsePair(action.substr(1), ',', c.address, c.length)) return malformed();
            return c;
        }
        default: return make(Command::Kind::Unknown);  // 't' and friends: unsupported
    }
}

}  // namespace

std::uint8_t checksum(std::string_view payload) {
    unsigned sum = 0;
    for (char c : payload) sum += static_cast<std::uint8_t>(c);
    return static_cast<std::uint8_t>(sum);
}

std::string escapeBinary(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (char c : data) {
        if (needsEscape(c)) {
            out.push_back('}');
            out.push_back(static_cast<char>(c ^ 0x20));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::string> unescapeBinary(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '}') {
            if (++i == data.size()) return std::nullopt;
            out.push_back(static_cast<char>(data[i] ^ 0x20));
        } else {
            out.push_back(data[i]);
        }
    }
    return out;
}

std::optional<std::string> expandRunLength(std::string_view data) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] != '*') {
            out.push_back(data[i]);
            continue;
        }
        if (out.empty() || i + 1 == data.size()) return std::nullopt;
        int n = static_cast<std::uint8_t>(data[++i]) - 29;
        if (n < 3 || n > 97) return std::nullopt;
        out.append(static_cast<std::size_t>(n), out.back());
    }
    return out;
}

std::string framePacket(std::string_view payload) {
    std::string body = escapeBinary(payload);
    std::uint8_t cs = checksum(body);
    std::string out;
    out.reserve(body.size() + 4);
    out.push_back('$');
    out += body;
    out.push_back('#');
    out.push_back(kHexDigits[cs >> 4]);
    out.push_back(kHexDigits[cs & 15]);
    return out;
}

std::string toHex(const std::uint8_t* bytes, std::size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kHexDigits[bytes[i] >> 4]);
        out.push_back(kHexDigits[bytes[i] & 15]);
    }
    return out;
}

std::string toHex(std::string_view bytes) {
    return toHex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::optional<std::string> fromHex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = hexDigit(hex[i]), lo = hexDigit(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi << 4 | lo));
    }
    return out;
}

std::optional<std::uint64_t> parseHex(std::string_view hex) {
    if (hex.empty() || hex.size() > 16) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : hex) {
        int d = hexDigit(c);
        if (d < 0) return std::nullopt;
        v = v << 4 | static_cast<unsigned>(d);
    }
    return v;
}

std::string registerHex(std::uint64_t value, std::size_t bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        std::uint8_t b = static_cast<std::uint8_t>(value >> (8 * i));
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 15]);
    }
    return out;
}

std::optional<std::uint64_t> parseRegisterHex(std::string_view hex, std::size_t bytes) {
    if (hex.size() != bytes * 2 || bytes > 8) return std::nullopt;
    auto raw = fromHex(hex);
    if (!raw) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<std::uint8_t>((*raw)[i])} << (8 * i);
    return v;
}

void PacketReader::feed(std::string_view bytes, std::vector<Event>& out) {
    for (char c : bytes) {
        switch (state_) {
            case State::Idle:
                if (c == '$') {
                    state_ = State::Body;
                    body_.clear();
                    overlong_ = false;
                } else if (c == '\x03') {
                    out.push_back({Event::Kind::Interrupt, {}});
                } else if (c == '+') {
                    out.push_back({Event::Kind::Ack, {}});
                } else if (c == '-') {
                    out.push_back({Event::Kind::Nak, {}});
                }
                // Anything else between packets is line noise: ignored.
                break;
            case State::Body:
                if (c == '#') {
                    state_ = State::Checksum1;
                } else if (c == '$') {
                    // A new packet start inside a packet: the old one was cut short.
                    body_.clear();
                    overlong_ = false;
                } else if (body_.size() >= kMaxPacketSize) {
                    overlong_ = true;
                } else {
                    body_.push_back(c);
                }
                break;
            case State::Checksum1:
                cs_hi_ = c;
                state_ = State::Checksum2;
                break;
            case State::Checksum2: {
                state_ = State::Idle;
                if (overlong_) {
                    out.push_back({Event::Kind::Overlong, {}});
                    body_.clear();
                    break;
                }
                int hi = hexDigit(cs_hi_), lo = hexDigit(c);
                bool ok = hi >= 0 && lo >= 0 && (hi << 4 | lo) == checksum(body_);
                out.push_back({ok ? Event::Kind::Packet : Event::Kind::BadChecksum, std::move(body_)});
                body_.clear();
                break;
            }
        }
    }
}

Command parseCommand(std::string_view p) {
    using K = Command::Kind;
    if (p.empty()) return make(K::Unknown);
    const char op = p[0];
    std::string_view args = p.substr(1);
    switch (op) {
        case '?': return make(K::HaltReason);
        case 'g': return args.empty() ? make(K::ReadRegisters) : malformed();
        case 'G': {
            auto data = fromHex(args);
            if (!data) return malformed();
            Command c = make(K::WriteRegisters);
            c.data = std::move(*data);
            return c;
        }
        case 'p': {
            auto n = parseHex(args);
            if (!n || *n > 0xFFFF) return malformed();
            Command c = make(K::ReadRegister);
            c.reg = static_cast<unsigned>(*n);
            return c;
        }
        case 'P': {
            auto eq = args.find('=');
            if (eq == std::string_view::npos) return malformed();
            auto n = parseHex(args.substr(0, eq));
            if (!n || *n > 0xFFFF) return malformed();
            Command c = make(K::WriteRegister);
            c.reg = static_cast<unsigned>(*n);
            c.data = args.substr(eq + 1);  // still hex: its width depends on the register
            if (c.data.empty() || c.data.size() % 2 || !fromHex(c.data)) return malformed();
            return c;
        }
        case 'm': {
            Command c = make(K::ReadMemory);
            if (!parsePair(args, ',', c.address, c.length)) return malformed();
            return c;
        }
        case 'M':
        case 'X': {
            auto colon = args.find(':');
            if (colon == std::string_view::npos) return malformed();
            Command c = make(K::WriteMemory);
            if (!parsePair(args.substr(0, colon), ',', c.address, c.length)) return malformed();
            auto data = op == 'M' ? fromHex(args.substr(colon + 1)) : unescapeBinary(args.substr(colon + 1));
            if (!data || data->size() != c.length) return malformed();
            c.data = std::move(*data);
            return c;
        }
        case 'Z':
        case 'z': {
            // Z type,addr,kind[;cond...]: conditions are not supported and ignored.
            std::string_view spec = args.substr(0, args.find(';'));
            auto c1 = spec.find(',');
            if (c1 == std::string_view::npos) return malformed();
            auto type = parseHex(spec.substr(0, c1));
            Command c = make(op == 'Z' ? K::InsertPoint : K::RemovePoint);
            if (!type || *type > 4 || !parsePair(spec.substr(c1 + 1), ',', c.address, c.length)) return malformed();
            c.reg = static_cast<unsigned>(*type);
            return c;
        }
        case 'c': return parseContinueOrStep(args, false, K::Continue);
        case 'C': return parseContinueOrStep(args, true, K::Continue);
        case 's': return parseContinueOrStep(args, false, K::Step);
        case 'S': return parseContinueOrStep(args, true, K::Step);
        case 'k': return make(K::Kill);
        case 'D': return make(K::Detach);
        case 'H': {
            if (args.empty() || (args[0] != 'g' && args[0] != 'c')) return malformed();
            return make(K::SetThread);
        }
        case 'T': return make(K::ThreadAlive);
        default: break;
    }
    if (p == "vCont?") return make(K::VContQuery);
    if (startsWith(p, "vCont")) return parseVCont(p.substr(5));
    if (startsWith(p, "vKill")) return make(K::Kill);
    if (p == "vMustReplyEmpty") return make(K::MustReplyEmpty);
    if (startsWith(p, "vFlashErase:")) {
        Command c = make(K::FlashErase);
        if (!parsePair(p.substr(12), ',', c.address, c.length)) return malformed();
        return c;
    }
    if (startsWith(p, "vFlashWrite:")) {
        std::string_view rest = p.substr(12);
        auto colon = rest.find(':');
        if (colon == std::string_view::npos) return malformed();
        auto a = parseHex(rest.substr(0, colon));
        auto data = unescapeBinary(rest.substr(colon + 1));
        if (!a || !data) return malformed();
        Command c = make(K::FlashWrite);
        c.address = *a;
        c.length = data->size();
        c.data = std::move(*data);
        return c;
    }
    if (p == "vFlashDone") return make(K::FlashDone);
    if (startsWith(p, "qSupported")) return make(K::Supported);
    if (startsWith(p, "qXfer:")) {
        // qXfer:object:read:annex:offset,length
        std::string_view rest = p.substr(6);
        auto c1 = rest.find(':');
        if (c1 == std::string_view::npos) return malformed();
        std::string_view object = rest.substr(0, c1);
        rest = rest.substr(c1 + 1);
        if (!startsWith(rest, "read:")) return make(K::Unknown);  // writes are not supported
        rest = rest.substr(5);
        auto c2 = rest.rfind(':');
        if (c2 == std::string_view::npos) return malformed();
        Command c = make(K::Xfer);
        c.object = object;
        c.annex = rest.substr(0, c2);
        if (!parsePair(rest.substr(c2 + 1), ',', c.offset, c.length)) return malformed();
        return c;
    }
    if (startsWith(p, "qRcmd,")) {
        auto text = fromHex(p.substr(6));
        if (!text) return malformed();
        Command c = make(K::Monitor);
        c.data = std::move(*text);
        return c;
    }
    if (startsWith(p, "qAttached")) return make(K::Attached);
    if (p == "qC") return make(K::CurrentThread);
    if (p == "qfThreadInfo") return make(K::FirstThreadInfo);
    if (p == "qsThreadInfo") return make(K::NextThreadInfo);
    if (p == "QStartNoAckMode") return make(K::StartNoAckMode);
    return make(K::Unknown);
}

std::string xferChunk(std::string_view document, std::uint64_t offset, std::uint64_t length) {
    if (offset >= document.size()) return "l";
    std::string_view chunk = document.substr(offset, length);
    bool last = offset + chunk.size() >= document.size();
    return (last ? "l" : "m") + std::string(chunk);
}

}  // namespace mt3620::gdb
