#include "gdb/GdbServer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gdb/TargetXml.h"

namespace mt3620::gdb {

namespace {

constexpr int kSigInt = 2, kSigIll = 4, kSigTrap = 5, kSigFpe = 8, kSigBus = 10, kSigSegv = 11;

int systemReg(unsigned n) {
    switch (n) {
        case kRegSp: return UC_ARM_REG_SP;
        case kRegLr: return UC_ARM_REG_LR;
        case kRegPc: return UC_ARM_REG_PC;
        case kRegXpsr: return UC_ARM_REG_XPSR;
        case kRegFpscr: return UC_ARM_REG_FPSCR;
        case kRegMsp: return UC_ARM_REG_MSP;
        case kRegPsp: return UC_ARM_REG_PSP;
        case kRegPrimask: return UC_ARM_REG_PRIMASK;
        case kRegBasepri: return UC_ARM_REG_BASEPRI;
        case kRegFaultmask: return UC_ARM_REG_FAULTMASK;
        case kRegControl: return UC_ARM_REG_CONTROL;
        default: return n <= 12 ? UC_ARM_REG_R0 + static_cast<int>(n) : -1;
    }
}

std::string formatPicos(Picos t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%llu.%012llu s", static_cast<unsigned long long>(t / kPicosPerSecond),
                  static_cast<unsigned long long>(t % kPicosPerSecond));
    return buf;
}

}  // namespace

GdbServer::GdbServer(Machine& machine, CoreId core, std::string host, int port)
    : machine_(machine), core_id_(core), core_(machine.m4(core).core), host_(std::move(host)), port_(port) {}

GdbServer::~GdbServer() {
    if (client_ >= 0) ::close(client_);
    if (listen_ >= 0) ::close(listen_);
}

std::string GdbServer::start() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port_);
    if (int rc = ::getaddrinfo(host_.c_str(), service.c_str(), &hints, &res); rc != 0)
        return "cannot resolve '" + host_ + "': " + ::gai_strerror(rc);
    std::string error = "no usable address";
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 1) == 0) {
            listen_ = fd;
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
            port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                                     : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
            break;
        }
        error = std::strerror(errno);
        ::close(fd);
    }
    ::freeaddrinfo(res);
    if (listen_ < 0) return "cannot listen on " + host_ + ":" + service + ": " + error;
    ::fcntl(listen_, F_SETFL, ::fcntl(listen_, F_GETFL) | O_NONBLOCK);
    machine_.log().info("gdb", "{}: GDB server listening on {}:{}", coreName(core_id_), host_, port_);
    return {};
}

std::vector<int> GdbServer::fds() const {
    std::vector<int> v;
    if (listen_ >= 0) v.push_back(listen_);
    if (client_ >= 0) v.push_back(client_);
    return v;
}

// --- Connection -------------------------------------------------------------------------------

void GdbServer::accept() {
    int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (client_ >= 0) {
        machine_.log().warn("gdb", "{}: a debugger is already attached; refusing a second one", coreName(core_id_));
        ::close(fd);
        return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    client_ = fd;
    reader_ = PacketReader{};
    events_.clear();
    no_ack_ = false;
    last_sent_.clear();
    waiting_ = false;
    machine_.log().info("gdb", "{}: debugger attached", coreName(core_id_));
    // Like OpenOCD, attaching halts the target.
    if (!stopped_) stop(core_.state() == CoreState::Halted ? StopKind::Fault : StopKind::Halt);
}

void GdbServer::disconnect(const char* why) {
    if (client_ < 0) return;
    machine_.log().info("gdb", "{}: debugger {}", coreName(core_id_), why);
    ::close(client_);
    client_ = -1;
    events_.clear();
    removeAllPoints();
    waiting_ = false;
    if (stopped_) resume();
}

void GdbServer::readSocket() {
    if (client_ < 0) return;
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(client_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            std::vector<PacketReader::Event> evs;
            reader_.feed(std::string_view(buf, static_cast<std::size_t>(n)), evs);
            for (auto& e : evs) events_.push_back(std::move(e));
            continue;
        }
        if (n == 0) {
            disconnect("disconnected");
            return;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) disconnect("connection lost");
        return;
    }
}

void GdbServer::service() {
    if (listen_ >= 0) accept();
    readSocket();
    while (!events_.empty() && client_ >= 0) {
        PacketReader::Event ev = std::move(events_.front());
        events_.pop_front();
        handleEvent(ev);
    }
}

void GdbServer::sendRaw(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size() && client_ >= 0) {
        ssize_t n = ::send(client_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                pollfd p{client_, POLLOUT, 0};
                ::poll(&p, 1, 100);
                continue;
            }
            disconnect("connection lost");
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

void GdbServer::send(const std::string& payload) {
    last_sent_ = framePacket(payload);
    sendRaw(last_sent_);
}

void GdbServer::handleEvent(const PacketReader::Event& ev) {
    using K = PacketReader::Event::Kind;
    switch (ev.kind) {
        case K::Ack: break;
        case K::Nak:
            if (!last_sent_.empty()) sendRaw(last_sent_);
            break;
        case K::Interrupt:
            if (!stopped_) stop(StopKind::Interrupt);
            break;
        case K::BadChecksum:
            machine_.log().debug("gdb", "{}: bad checksum, asking for a retransmission", coreName(core_id_));
            if (!no_ack_) sendRaw("-");
            break;
        case K::Overlong:
            machine_.log().warn("gdb", "{}: packet longer than {} bytes discarded", coreName(core_id_), kMaxPacketSize);
            if (!no_ack_) sendRaw("+");
            send("E01");
            break;
        case K::Packet:
            if (!no_ack_) sendRaw("+");
            handlePacket(ev.payload);
            break;
    }
}

// --- Packets ----------------------------------------------------------------------------------

void GdbServer::handlePacket(const std::string& payload) {
    using K = Command::Kind;
    machine_.log().trace("gdb", "{} <- {}", coreName(core_id_), payload.substr(0, 200));
    Command c = parseCommand(payload);
    switch (c.kind) {
        case K::Unknown: send(""); return;
        case K::Malformed: send("E01"); return;
        case K::MustReplyEmpty: send(""); return;
        case K::Supported:
        {
            char size[16];
            std::snprintf(size, sizeof size, "%zx", kMaxPacketSize);
            send(std::string("PacketSize=") + size + ";qXfer:features:read+;qXfer:memory-map:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
            return;
        }
        case K::StartNoAckMode:
            send("OK");
            no_ack_ = true;
            return;
        case K::HaltReason:
            if (!stopped_) stop(StopKind::Halt);
            send(stopReply());
            return;
        case K::Attached: send("1"); return;
        case K::CurrentThread: send("QC1"); return;
        case K::FirstThreadInfo: send("m1"); return;
        case K::NextThreadInfo: send("l"); return;
        case K::SetThread:
        case K::ThreadAlive: send("OK"); return;
        case K::VContQuery: send("vCont;c;C;s;S;r"); return;
        case K::Xfer: {
            const std::string* doc = nullptr;
            if (c.object == "features" && c.annex == "target.xml") doc = &targetXml();
            else if (c.object == "memory-map" && c.annex.empty()) doc = &memoryMapXml();
            if (!doc) {
                send(c.object == "features" || c.object == "memory-map" ? "E00" : "");
                return;
            }
            send(xferChunk(*doc, c.offset, c.length));
            return;
        }
        case K::ReadRegisters: {
            std::string out;
            for (unsigned n = 0; n < kRegCount; ++n) out += registerHex(readRegister(n), registerSize(n));
            send(out);
            return;
        }
        case K::WriteRegisters: {
            std::size_t pos = 0;
            for (unsigned n = 0; n < kRegCount && pos + registerSize(n) <= c.data.size(); ++n) {
                std::uint64_t v = 0;
                for (unsigned i = 0; i < registerSize(n); ++i)
                    v |= std::uint64_t{static_cast<std::uint8_t>(c.data[pos + i])} << (8 * i);
                writeRegister(n, v);
                pos += registerSize(n);
            }
            send("OK");
            return;
        }
        case K::ReadRegister:
            if (registerSize(c.reg) == 0) {
                send("E00");
                return;
            }
            send(registerHex(readRegister(c.reg), registerSize(c.reg)));
            return;
        case K::WriteRegister: {
            auto v = registerSize(c.reg) ? parseRegisterHex(c.data, registerSize(c.reg)) : std::nullopt;
            if (!v) {
                send("E00");
                return;
            }
            writeRegister(c.reg, *v);
            send("OK");
            return;
        }
        case K::ReadMemory: send(readMemory(c.address, c.length)); return;
        case K::WriteMemory:
        case K::FlashWrite:
            if (c.data.empty() || core_.debugWrite(static_cast<std::uint32_t>(c.address), c.data.data(), c.data.size()))
                send("OK");
            else
                send("E01");
            return;
        case K::FlashErase: {
            std::string ff(static_cast<std::size_t>(std::min<std::uint64_t>(c.length, 0x100000)), '\xff');
            send(core_.debugWrite(static_cast<std::uint32_t>(c.address), ff.data(), ff.size()) ? "OK" : "E01");
            return;
        }
        case K::FlashDone: send("OK"); return;
        case K::InsertPoint: send(insertPoint(c)); return;
        case K::RemovePoint: send(removePoint(c)); return;
        case K::Continue:
            if (c.has_address) writeRegister(kRegPc, c.address);
            waiting_ = true;
            resume();
            return;
        case K::Step:
            if (c.has_address) writeRegister(kRegPc, c.address);
            waiting_ = true;
            step();
            return;
        case K::RangeStep:
            waiting_ = true;
            rangeStep(static_cast<std::uint32_t>(c.address), static_cast<std::uint32_t>(c.length));
            return;
        case K::Monitor: {
            std::string text = monitor(c.data);
            if (!text.empty()) send("O" + toHex(text));
            send("OK");
            return;
        }
        case K::Detach:
            send("OK");
            disconnect("detached");
            return;
        case K::Kill:
            machine_.log().info("gdb", "{}: killed by the debugger", coreName(core_id_));
            kill_requested_ = true;
            if (payload.rfind("vKill", 0) == 0) send("OK");
            disconnect("killed the run");
            return;
    }
}

std::string GdbServer::readMemory(std::uint64_t address, std::uint64_t length) {
    length = std::min<std::uint64_t>(length, kMaxPacketSize / 2 - 8);
    if (length == 0) return "";
    if (address > 0xFFFFFFFFull || address + length > 0x100000000ull) return "E01";
    std::string buf(static_cast<std::size_t>(length), '\0');
    auto a = static_cast<std::uint32_t>(address);
    if (core_.debugRead(a, buf.data(), buf.size())) return toHex(buf);
    // Part of it may answer (the end of RAM, a peripheral window): return the readable prefix,
    // word by word for peripherals, byte by byte for memory.
    std::string got;
    while (got.size() < length) {
        std::uint32_t at = a + static_cast<std::uint32_t>(got.size());
        std::uint8_t word[4];
        std::size_t n = (at % 4 == 0 && length - got.size() >= 4) ? 4 : 1;
        if (!core_.debugRead(at, word, n)) {
            if (n == 4) {
                if (!core_.debugRead(at, word, 1)) break;
                n = 1;
            } else {
                break;
            }
        }
        got.append(reinterpret_cast<char*>(word), n);
    }
    if (got.empty()) return "E01";
    return toHex(got);
}

// --- Registers --------------------------------------------------------------------------------

std::uint64_t GdbServer::readRegister(unsigned n) {
    if (auto it = fault_view_.find(n); it != fault_view_.end()) return it->second;
    if (n >= kRegD0 && n < kRegD0 + 16) {
        std::uint64_t v = 0;
        uc_reg_read(core_.engine(), UC_ARM_REG_D0 + static_cast<int>(n - kRegD0), &v);
        return v;
    }
    int r = systemReg(n);
    if (r < 0) return 0;
    std::uint32_t v = core_.readReg(r);
    if (n == kRegPc) v &= ~1u;
    return v;
}

void GdbServer::writeRegister(unsigned n, std::uint64_t value) {
    if (auto it = fault_view_.find(n); it != fault_view_.end()) {
        it->second = value;  // the core itself stays halted in the fault handler
        return;
    }
    if (n >= kRegD0 && n < kRegD0 + 16) {
        uc_reg_write(core_.engine(), UC_ARM_REG_D0 + static_cast<int>(n - kRegD0), &value);
        return;
    }
    int r = systemReg(n);
    if (r < 0) return;
    auto v = static_cast<std::uint32_t>(value);
    if (n == kRegPc) v |= 1u;               // Thumb only
    if (n == kRegXpsr) v |= 1u << 24;       // keep the T bit: clearing it would fault
    core_.writeReg(r, v);
}

void GdbServer::buildFaultView() {
    fault_view_.clear();
    if (core_.state() != CoreState::Halted) return;
    // Halted on a fault whose handler is a default spin loop: the core sits at the handler's
    // first instruction with the frame stacked. Show the debugger the faulting instruction.
    const std::uint32_t ipsr = core_.readReg(UC_ARM_REG_XPSR) & 0x1FF;
    if (ipsr < 2 || ipsr > 6) return;
    std::uint32_t vector = 0;
    if (!core_.debugRead(core_.scs().vtor() + 4 * ipsr, &vector, 4)) return;
    if ((vector & ~1u) != (core_.readReg(UC_ARM_REG_PC) & ~1u)) return;
    const std::uint32_t lr = core_.readReg(UC_ARM_REG_LR);
    if ((lr & 0xFFFFFF00u) != 0xFFFFFF00u) return;
    const bool psp = lr & 4, fp_frame = !(lr & 0x10);
    const std::uint32_t frame_sp = core_.readReg(psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP);
    std::uint32_t f[26] = {};
    if (!core_.debugRead(frame_sp, f, fp_frame ? 0x68 : 0x20)) return;
    for (unsigned i = 0; i < 4; ++i) fault_view_[i] = f[i];
    fault_view_[12] = f[4];
    fault_view_[kRegLr] = f[5];
    fault_view_[kRegPc] = f[6] & ~1u;
    fault_view_[kRegXpsr] = f[7];
    std::uint32_t sp = frame_sp + (fp_frame ? 0x68 : 0x20) + ((f[7] & (1u << 9)) ? 4 : 0);
    fault_view_[kRegSp] = sp;
    fault_view_[psp ? kRegPsp : kRegMsp] = sp;
    if (fp_frame) {
        for (unsigned i = 0; i < 8; ++i) fault_view_[kRegD0 + i] = f[8 + 2 * i] | std::uint64_t{f[9 + 2 * i]} << 32;
        fault_view_[kRegFpscr] = f[24];
    }
}

int GdbServer::faultSignal() {
    const std::uint32_t ipsr = core_.readReg(UC_ARM_REG_XPSR) & 0x1FF;
    const std::uint32_t cfsr = core_.scs().cfsr();
    auto usage = [&] { return (cfsr & (1u << 25)) ? kSigFpe : kSigIll; };  // DIVBYZERO
    if (ipsr == 4) return kSigSegv;
    if (ipsr == 5) return kSigBus;
    if (ipsr == 6) return usage();
    if (cfsr & 0xFFu) return kSigSegv;
    if (cfsr & 0xFF00u) return kSigBus;
    if (cfsr & 0xFFFF0000u) return usage();
    return kSigSegv;
}

// --- Running and stopping ---------------------------------------------------------------------

void GdbServer::stop(StopKind kind) {
    stopped_ = true;
    last_stop_ = kind;
    if (kind == StopKind::Fault) {
        fault_reported_ = true;
        buildFaultView();
    }
    if (kind == StopKind::Watch) {
        watch_address_ = core_.watchHitAddress();
        watch_kind_ = core_.watchHitKind() == CortexM4::WatchKind::Write ? "watch" : "rwatch";
        for (const Point& p : points_)
            if (p.type == 4 && watch_address_ >= p.address && watch_address_ < p.address + std::max<std::uint64_t>(p.kind, 1))
                watch_kind_ = "awatch";
    }
    reportStop();
}

void GdbServer::reportStop() {
    if (!waiting_ || client_ < 0) return;
    waiting_ = false;
    send(stopReply());
}

std::string GdbServer::stopReply() {
    char buf[64];
    switch (last_stop_) {
        case StopKind::Interrupt: return "T02thread:1;";
        case StopKind::Fault:
            std::snprintf(buf, sizeof buf, "T%02xthread:1;", faultSignal());
            return buf;
        case StopKind::Watch:
            std::snprintf(buf, sizeof buf, "T05%s:%x;thread:1;", watch_kind_, watch_address_);
            return buf;
        case StopKind::Breakpoint: {
            std::uint32_t pc = core_.readReg(UC_ARM_REG_PC) & ~1u;
            for (const Point& p : points_)
                if (p.type == 1 && p.address == pc) return "T05hwbreak:;thread:1;";
            return "T05swbreak:;thread:1;";
        }
        case StopKind::Halt:
        case StopKind::Step: return "T05thread:1;";
    }
    return "S05";
}

void GdbServer::resume() {
    stopped_ = false;
    fault_view_.clear();
    // Workaround (see the report on issue 6): after a single step and a breakpoint hit at the
    // same address, resuming with translated blocks from before can corrupt the run. Leaving a
    // debug stop is rare enough to drop the translation cache every time.
    uc_ctl_flush_tb(core_.engine());
    if (core_.debugHalted()) core_.debugResume();
    if (core_.state() == CoreState::Halted) {
        // A halted core cannot run: it stops again on the same fault.
        stop(StopKind::Fault);
    }
}

void GdbServer::step() {
    fault_view_.clear();
    if (core_.state() == CoreState::Halted || core_.state() == CoreState::Empty) {
        stop(core_.state() == CoreState::Halted ? StopKind::Fault : StopKind::Step);
        return;
    }
    core_.debugStep(step_into_interrupts_);
    if (core_.state() == CoreState::Halted) stop(StopKind::Fault);
    else if (core_.debugStop() == CortexM4::DebugStop::Watchpoint) stop(StopKind::Watch);
    else stop(StopKind::Step);
}

void GdbServer::rangeStep(std::uint32_t start, std::uint32_t end) {
    // vCont;r: step while PC stays in [start, end), stopping at breakpoints and on Ctrl-C.
    for (std::uint64_t n = 1;; ++n) {
        fault_view_.clear();
        if (core_.state() == CoreState::Halted || core_.state() == CoreState::Empty) break;
        core_.debugStep();
        if (core_.state() == CoreState::Halted) return stop(StopKind::Fault);
        if (core_.debugStop() == CortexM4::DebugStop::Watchpoint) return stop(StopKind::Watch);
        std::uint32_t pc = core_.readReg(UC_ARM_REG_PC) & ~1u;
        if (pc < start || pc >= end) break;
        for (const Point& p : points_)
            if (p.type <= 1 && p.address == pc) return stop(StopKind::Breakpoint);
        if (n % 4096 == 0) {
            readSocket();
            for (auto it = events_.begin(); it != events_.end(); ++it) {
                if (it->kind == PacketReader::Event::Kind::Interrupt) {
                    events_.erase(it);
                    return stop(StopKind::Interrupt);
                }
            }
            if (client_ < 0) return;
        }
    }
    stop(StopKind::Step);
}

void GdbServer::afterRun() {
    if (core_.state() != CoreState::Halted) fault_reported_ = false;
    if (stopped_) return;
    if (core_.state() == CoreState::Halted) {
        if (!fault_reported_ && client_ >= 0) stop(StopKind::Fault);
        return;
    }
    if (!core_.debugHalted()) return;
    if (client_ < 0) {
        core_.debugResume();  // nobody to report to
        return;
    }
    switch (core_.debugStop()) {
        case CortexM4::DebugStop::Breakpoint: stop(StopKind::Breakpoint); break;
        case CortexM4::DebugStop::Watchpoint: stop(StopKind::Watch); break;
        case CortexM4::DebugStop::Step: stop(StopKind::Step); break;
        default: stop(StopKind::Halt); break;
    }
}

// --- Breakpoints and watchpoints --------------------------------------------------------------

std::string GdbServer::insertPoint(const Command& c) {
    if (c.address > 0xFFFFFFFFull) return "E01";
    auto a = static_cast<std::uint32_t>(c.address);
    for (const Point& p : points_)
        if (p.type == c.reg && p.address == c.address && p.kind == c.length) return "OK";
    if (c.reg <= 1) {
        core_.addBreakpoint(a);
    } else {
        auto kind = c.reg == 2 ? CortexM4::WatchKind::Write : c.reg == 3 ? CortexM4::WatchKind::Read
                                                                          : CortexM4::WatchKind::Access;
        core_.addWatchpoint(a, static_cast<std::uint32_t>(std::max<std::uint64_t>(c.length, 1)), kind);
    }
    points_.push_back(Point{c.reg, c.address, c.length});
    return "OK";
}

std::string GdbServer::removePoint(const Command& c) {
    for (auto it = points_.begin(); it != points_.end(); ++it) {
        if (it->type != c.reg || it->address != c.address || it->kind != c.length) continue;
        auto a = static_cast<std::uint32_t>(c.address);
        if (c.reg <= 1) {
            bool other = false;  // a Z0 and a Z1 at the same address share one hook
            for (const Point& p : points_)
                if (&p != &*it && p.type <= 1 && p.address == c.address) other = true;
            if (!other) core_.removeBreakpoint(a);
        } else {
            auto kind = c.reg == 2 ? CortexM4::WatchKind::Write : c.reg == 3 ? CortexM4::WatchKind::Read
                                                                              : CortexM4::WatchKind::Access;
            core_.removeWatchpoint(a, static_cast<std::uint32_t>(std::max<std::uint64_t>(c.length, 1)), kind);
        }
        points_.erase(it);
        return "OK";
    }
    return "OK";  // removing what is not there is not an error
}

void GdbServer::removeAllPoints() {
    while (!points_.empty()) {
        Command c;
        c.reg = points_.back().type;
        c.address = points_.back().address;
        c.length = points_.back().kind;
        removePoint(c);
    }
}

// --- Monitor commands -------------------------------------------------------------------------

std::string GdbServer::monitor(const std::string& text) {
    std::string cmd = text;
    while (!cmd.empty() && (cmd.back() == ' ' || cmd.back() == '\n')) cmd.pop_back();
    while (!cmd.empty() && cmd.front() == ' ') cmd.erase(0, 1);
    const std::string name(coreName(core_id_));
    if (cmd == "reset" || cmd == "reset halt") {
        machine_.restartCore(core_id_, "debugger: monitor reset");
        fault_view_.clear();
        fault_reported_ = false;
        last_stop_ = StopKind::Halt;
        return name + ": app restarted; the core is halted at its reset vector (continue to run it)\n";
    }
    if (cmd == "halt") return name + ": halted\n";  // every packet is served with the core stopped
    if (cmd == "vtime") {
        return "virtual time: " + formatPicos(machine_.now()) + " (machine), " + formatPicos(core_.now()) + " (" +
               name + "), " + std::to_string(core_.instructions()) + " instructions\n";
    }
    if (cmd == "fault") {
        const std::string& r = core_.faultReport();
        if (r.empty()) return name + ": no fault\n";
        return r.back() == '\n' ? r : r + "\n";
    }
    if (cmd == "step-interrupts on" || cmd == "step-interrupts off") {
        step_into_interrupts_ = cmd.back() == 'n';
        return name + (step_into_interrupts_ ? ": a step takes a pending interrupt (lands in its handler)\n"
                                             : ": a step keeps interrupts pending (OpenOCD's default)\n");
    }
    if (cmd == "help" || cmd.empty()) {
        return "monitor commands:\n"
               "  reset   restart the core's app (stays halted at the reset vector)\n"
               "  halt    halt the core (it is already halted while gdb talks to it)\n"
               "  vtime   print the virtual time\n"
               "  fault   print the last fault report\n"
               "  step-interrupts on|off   whether a single step may enter a pending interrupt (default off)\n";
    }
    return "unknown monitor command '" + cmd + "' (try 'monitor help')\n";
}

// --- Run loop ---------------------------------------------------------------------------------

void serveBetweenRounds(const std::vector<GdbServer*>& servers) {
    for (GdbServer* s : servers) s->afterRun();
    for (;;) {
        for (GdbServer* s : servers) s->service();
        bool held = false;
        for (GdbServer* s : servers) held |= s->holdsMachine() && !s->killRequested();
        if (!held) return;
        std::vector<pollfd> fds;
        for (GdbServer* s : servers)
            for (int fd : s->fds()) fds.push_back(pollfd{fd, POLLIN, 0});
        ::poll(fds.data(), fds.size(), 1000);
    }
}

GdbRunResult runWithGdb(Machine& machine, const std::vector<GdbServer*>& servers, Picos limit) {
    constexpr Picos kSlice = kPicosPerMilli;  // virtual time between socket polls
    GdbRunResult result;
    bool wait_for_input = false;
    for (;;) {
        for (GdbServer* s : servers) s->service();
        for (GdbServer* s : servers)
            if (s->killRequested()) {
                result.killed = true;
                return result;
            }
        bool held = false;
        for (GdbServer* s : servers) held |= s->holdsMachine();
        if (held || wait_for_input) {
            // All-stop, or nothing can happen: wait for a debugger.
            std::vector<pollfd> fds;
            for (GdbServer* s : servers)
                for (int fd : s->fds()) fds.push_back(pollfd{fd, POLLIN, 0});
            ::poll(fds.data(), fds.size(), held ? 1000 : 20);
            wait_for_input = false;
            continue;
        }
        const Picos now = machine.now();
        if (now >= limit) {
            result.why = Machine::StopReason::TimeLimit;
            return result;
        }
        result.why = machine.runFor(std::min(kSlice, limit - now));
        for (GdbServer* s : servers) s->afterRun();
        if (result.why == Machine::StopReason::Idle || result.why == Machine::StopReason::Halted)
            wait_for_input = true;
    }
}

}  // namespace mt3620::gdb
