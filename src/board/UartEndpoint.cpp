#include "board/UartEndpoint.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "board/BoardError.h"
#include "board/PtyEndpoint.h"
#include "board/UartLink.h"
#include "common/Log.h"
#include "periph/MtkUart.h"

namespace mt3620 {

namespace {

constexpr std::string_view kKinds = "tcp, file, terminal, loopback, pty";

/// A `true` / `false` field.
bool boolean(FieldReader& f, std::string_view key, bool default_value) {
    std::optional<std::string> text = f.optionalString(key);
    if (!text) return default_value;
    if (*text == "true") return true;
    if (*text == "false") return false;
    f.fail(key, fmt::format("{} must be true or false, not '{}'", f.fieldName(key), *text));
}

/// Fails unless `name` is a UART a board file may use.
void checkUartName(FieldReader& f, std::string_view key, const std::string& name) {
    const auto& names = UartEndpoint::uartNames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    f.fail(key, fmt::format("unknown UART '{}' (known: {})", name, fmt::join(names, ", ")));
}

std::string rxResource(const std::string& uart) { return "uart " + uart + " rx"; }
std::string rxDescribed(const std::string& uart) { return uart + "'s RX line"; }

/// A path field, relative to the board file's folder.
std::string boardPath(FieldReader& f, std::string_view key) {
    std::filesystem::path path = f.string(key);
    if (path.is_relative() && !f.context().base_dir.empty()) path = f.context().base_dir / path;
    return path.string();
}

MtkUart& findUart(const UartSpec& spec, BoardWiring& wiring, const std::string& name) {
    MtkUart* uart = wiring.uart ? wiring.uart(name) : nullptr;
    if (!uart) failUartDevice(spec, fmt::format("UART '{}' is not available on this machine", name));
    return *uart;
}

}  // namespace

// --- Links: one per endpoint kind (the interface is in UartLink.h, pty in PtyEndpoint.cpp) -----

namespace {

using Counters = UartEndpoint::Counters;

class TcpLink : public UartEndpoint::Link, public ByteSink {
public:
    TcpLink(const UartSpec& spec, const UartTcpEndpoint& tcp, MtkUart& uart, BoardWiring& wiring, Counters& counters)
        : uart_(uart), log_(wiring.log), scheduler_(wiring.scheduler), counters_(counters), who_(spec.name),
          realtime_(tcp.realtime),
          rx_(wiring.scheduler, "uart " + spec.name + " rx", uart, counters.to_uart),
          poll_timer_(wiring.scheduler, "uart " + spec.name + " poll", [this] { poll(); }) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) failUartDevice(spec, fmt::format("cannot create a socket: {}", std::strerror(errno)));
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(tcp.port));
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 1) != 0) {
            int err = errno;
            ::close(listen_fd_);
            failUartDevice(spec, fmt::format("cannot listen on 127.0.0.1:{}: {}", tcp.port, std::strerror(err)));
        }
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        uart_.tx.connect(this);
        log_.info(who_, "{} on tcp 127.0.0.1:{}{}", uart_.name(), port_, realtime_ ? " (virtual time paced to real time)" : "");
        poll_timer_.armAfter(UartEndpoint::kPollPeriod);
    }

    ~TcpLink() override {
        if (client_fd_ >= 0) ::close(client_fd_);
        if (listen_fd_ >= 0) ::close(listen_fd_);
    }

    std::string_view kind() const override { return "tcp"; }
    unsigned port() const override { return port_; }
    bool connected() const override { return client_fd_ >= 0; }

    /// A byte the UART transmitted: to the client, or dropped when there is none (like a line
    /// with nothing on it).
    void receiveByte(std::uint8_t byte, Picos) override {
        ++counters_.from_uart;
        if (client_fd_ < 0) {
            log_.debug(who_, "no TCP client: byte {:#04x} from {} dropped", byte, uart_.name());
            return;
        }
        tx_pending_.push_back(static_cast<char>(byte));
        flushTx();
    }

private:
    void poll() {
        if (realtime_) pacer_.pace(scheduler_.now(), client_fd_ >= 0 ? client_fd_ : listen_fd_);
        service();
        poll_timer_.armAfter(UartEndpoint::kPollPeriod);
    }

    void service() {
        if (client_fd_ < 0) accept();
        if (client_fd_ >= 0) receive();
        flushTx();
    }

    void accept() {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        client_fd_ = fd;
        log_.info(who_, "TCP client connected from port {} to {}", ntohs(peer.sin_port), uart_.name());
    }

    void receive() {
        // Read only what the RX side can take soon; the rest waits in the socket (TCP flow control).
        char buf[512];
        while (!rx_.full()) {
            ssize_t n = ::recv(client_fd_, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                rx_.push(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
            disconnect(n == 0 ? "closed the connection" : std::strerror(errno));
            return;
        }
    }

    void flushTx() {
        while (client_fd_ >= 0 && !tx_pending_.empty()) {
            ssize_t n = ::send(client_fd_, tx_pending_.data(), tx_pending_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                tx_pending_.erase(0, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;  // next poll
            disconnect(std::strerror(errno));
        }
    }

    void disconnect(const std::string& why) {
        log_.info(who_, "TCP client disconnected ({})", why);
        ::close(client_fd_);
        client_fd_ = -1;
        tx_pending_.clear();
    }

    MtkUart& uart_;
    Log& log_;
    Scheduler& scheduler_;
    Counters& counters_;
    std::string who_;
    bool realtime_;
    int listen_fd_ = -1;
    int client_fd_ = -1;
    unsigned port_ = 0;
    std::string tx_pending_;
    RealTimePacer pacer_;
    RxFeed rx_;
    EventTimer poll_timer_;
};

class FileLink : public UartEndpoint::Link, public ByteSink {
public:
    FileLink(const UartSpec& spec, const UartFileEndpoint& file, MtkUart& uart, Counters& counters)
        : counters_(counters),
          out_(file.path, std::ios::binary | (file.append ? std::ios::app : std::ios::trunc)) {
        if (!out_) failUartDevice(spec, fmt::format("cannot open '{}' for writing: {}", file.path, std::strerror(errno)));
        uart.tx.connect(this);
    }
    std::string_view kind() const override { return "file"; }
    void receiveByte(std::uint8_t byte, Picos) override {
        ++counters_.from_uart;
        out_.put(static_cast<char>(byte));
        out_.flush();  // at most one byte per character time: readers see it at once
    }

private:
    Counters& counters_;
    std::ofstream out_;
};

class TerminalLink : public UartEndpoint::Link, public ByteSink {
public:
    TerminalLink(MtkUart& uart, Counters& counters) : counters_(counters) { uart.tx.connect(this); }
    ~TerminalLink() override { std::fflush(stdout); }
    std::string_view kind() const override { return "terminal"; }
    void receiveByte(std::uint8_t byte, Picos) override {
        ++counters_.from_uart;
        std::fputc(byte, stdout);
        if (byte == '\n') std::fflush(stdout);
    }

private:
    Counters& counters_;
};

class LoopbackLink : public UartEndpoint::Link {
public:
    LoopbackLink(MtkUart& a, MtkUart& b, Counters& counters) : a_to_b_{b, counters}, b_to_a_{a, counters} {
        a.tx.connect(&a_to_b_);
        b.tx.connect(&b_to_a_);
    }
    std::string_view kind() const override { return "loopback"; }

private:
    /// A byte leaves one UART when its stop bit ends, which is when it has fully arrived at
    /// the other (both are assumed to run at the same baud rate).
    struct Wire : ByteSink {
        Wire(MtkUart& to, Counters& c) : to(to), counters(c) {}
        void receiveByte(std::uint8_t byte, Picos) override {
            ++counters.from_uart;
            to.receiveByte(byte);
            ++counters.to_uart;
        }
        MtkUart& to;
        Counters& counters;
    };
    Wire a_to_b_;
    Wire b_to_a_;
};

}  // namespace

// --- The device ------------------------------------------------------------------------------

const std::vector<std::string>& UartEndpoint::uartNames() {
    static const std::vector<std::string> names = {"ISU0", "ISU1", "ISU2", "ISU3", "ISU4"};
    return names;
}

UartSpec UartEndpoint::parse(FieldReader& fields) {
    UartSpec spec;
    spec.uart = fields.string("uart");
    checkUartName(fields, "uart", spec.uart);
    FieldReader ep = fields.map("endpoint");
    std::vector<std::string_view> given;
    for (std::string_view k : {"tcp", "file", "terminal", "loopback", "pty"})
        if (ep.has(k)) given.push_back(k);
    if (given.size() != 1)
        ep.failHere(fmt::format("endpoint must name exactly one of: {}", kKinds));
    const std::string_view kind = given.front();
    if (kind == "tcp") {
        UartTcpEndpoint tcp;
        tcp.port = ep.index("tcp", 65535, "TCP ports 0-65535; 0 picks a free one");
        tcp.realtime = boolean(ep, "realtime", true);
        spec.endpoint = tcp;
    } else if (kind == "file") {
        UartFileEndpoint file;
        file.path = boardPath(ep, "file");
        file.append = boolean(ep, "append", false);
        spec.endpoint = file;
    } else if (kind == "terminal") {
        if (!boolean(ep, "terminal", true)) ep.fail("terminal", "endpoint.terminal: false connects nothing; give true");
        spec.endpoint = UartTerminalEndpoint{};
    } else if (kind == "pty") {
        UartPtyEndpoint pty;
        const std::string value = ep.string("pty");
        if (value == "false")
            ep.fail("pty", "endpoint.pty: false connects nothing; give true, or a path for a link to the pseudo-terminal");
        if (value != "true") pty.link = boardPath(ep, "pty");
        pty.realtime = boolean(ep, "realtime", true);
        spec.endpoint = pty;
    } else {
        UartLoopbackEndpoint loop;
        loop.peer = ep.string("loopback");
        checkUartName(ep, "loopback", loop.peer);
        if (loop.peer == spec.uart)
            ep.fail("loopback", fmt::format("a loopback joins two UARTs; '{}' cannot loop back to itself (set MCR.LOOP "
                                            "in firmware for that)", spec.uart));
        spec.endpoint = loop;
    }
    ep.finish();
    return spec;
}

std::vector<ResourceClaim> UartEndpoint::claims(const Spec& spec) {
    // Only something that drives a UART's RX line needs it alone; several devices may listen
    // to what a UART transmits (a file and a terminal, say).
    std::vector<ResourceClaim> out;
    if (const auto* pty = std::get_if<UartPtyEndpoint>(&spec.endpoint)) {
        out.push_back({rxResource(spec.uart), rxDescribed(spec.uart), true, "uart"});
        if (!pty->link.empty()) out.push_back({"file " + pty->link, fmt::format("file '{}'", pty->link), true, "endpoint"});
    } else if (const auto* tcp = std::get_if<UartTcpEndpoint>(&spec.endpoint)) {
        out.push_back({rxResource(spec.uart), rxDescribed(spec.uart), true, "uart"});
        if (tcp->port != 0) {
            std::string port = fmt::format("TCP port {}", tcp->port);
            out.push_back({port, port, true, "endpoint"});
        }
    } else if (const auto* loop = std::get_if<UartLoopbackEndpoint>(&spec.endpoint)) {
        out.push_back({rxResource(spec.uart), rxDescribed(spec.uart), true, "uart"});
        out.push_back({rxResource(loop->peer), rxDescribed(loop->peer), true, "endpoint"});
    } else if (const auto* file = std::get_if<UartFileEndpoint>(&spec.endpoint)) {
        std::string path = "file " + file->path;
        out.push_back({path, fmt::format("file '{}'", file->path), true, "endpoint"});
    }
    return out;
}

UartEndpoint::UartEndpoint(const Spec& spec, BoardWiring& wiring) : BoardDevice(spec.name), uart_name_(spec.uart) {
    MtkUart& uart = findUart(spec, wiring, spec.uart);
    struct Maker {
        const UartSpec& spec;
        MtkUart& uart;
        BoardWiring& wiring;
        Counters& counters;
        std::unique_ptr<Link> operator()(const UartTcpEndpoint& e) const {
            return std::make_unique<TcpLink>(spec, e, uart, wiring, counters);
        }
        std::unique_ptr<Link> operator()(const UartFileEndpoint& e) const {
            return std::make_unique<FileLink>(spec, e, uart, counters);
        }
        std::unique_ptr<Link> operator()(const UartTerminalEndpoint&) const {
            return std::make_unique<TerminalLink>(uart, counters);
        }
        std::unique_ptr<Link> operator()(const UartLoopbackEndpoint& e) const {
            return std::make_unique<LoopbackLink>(uart, findUart(spec, wiring, e.peer), counters);
        }
        std::unique_ptr<Link> operator()(const UartPtyEndpoint& e) const {
            return makePtyLink(spec, e, uart, wiring, counters);
        }
    };
    link_ = std::visit(Maker{spec, uart, wiring, counters_}, spec.endpoint);
}

UartEndpoint::~UartEndpoint() = default;

std::string_view UartEndpoint::endpointKind() const { return link_->kind(); }
unsigned UartEndpoint::port() const { return link_->port(); }
bool UartEndpoint::clientConnected() const { return link_->connected(); }
const std::string& UartEndpoint::ptyName() const { return link_->hostPath(); }

}  // namespace mt3620
