#include "board/PtyEndpoint.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "board/UartLink.h"
#include "common/Log.h"
#include "periph/MtkUart.h"

namespace mt3620 {

namespace {

namespace fs = std::filesystem;

/// Owns a host file descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

/// A pseudo-terminal master, non-blocking, its slave unlocked and in raw mode. Throws the
/// BoardError "device 'x' (line n): cannot allocate a pseudo-terminal (<call>: <reason>)".
Fd openRawPty(const UartSpec& spec, std::string& slave_name) {
    auto fail = [&](const std::string& call) {
        failUartDevice(spec, fmt::format("cannot allocate a pseudo-terminal ({}: {})", call, std::strerror(errno)));
    };
    Fd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (master.get() < 0) fail("posix_openpt");
    if (::grantpt(master.get()) != 0) fail("grantpt");
    if (::unlockpt(master.get()) != 0) fail("unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) fail("ptsname");
    slave_name = name;
    const int flags = ::fcntl(master.get(), F_GETFL);
    if (flags < 0 || ::fcntl(master.get(), F_SETFL, flags | O_NONBLOCK) != 0) fail("fcntl");
    // The line settings belong to the slave and outlive this open, so a program that opens it
    // later finds it raw. Closing it again puts the master in its hung-up state (nobody
    // attached) until a program opens the slave.
    Fd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (slave.get() < 0) fail(slave_name);
    termios tio{};
    if (::tcgetattr(slave.get(), &tio) != 0) fail("tcgetattr");
    ::cfmakeraw(&tio);
    if (::tcsetattr(slave.get(), TCSANOW, &tio) != 0) fail("tcsetattr");
    return master;
}

/// The board file's symbolic link to the pty: made at load, removed when the board goes,
/// unless by then it points elsewhere (someone else's).
class PtyLinkFile {
public:
    PtyLinkFile(const UartSpec& spec, std::string path, const std::string& target, Log& log)
        : path_(std::move(path)), target_(target) {
        if (path_.empty()) return;
        std::error_code ec;
        const fs::file_status st = fs::symlink_status(path_, ec);
        if (fs::is_symlink(st)) {
            // Most likely left by a run that was killed: no destructor removed it.
            log.warn(spec.name, "replacing the existing link {} -> {}", path_, fs::read_symlink(path_, ec).string());
            fs::remove(path_, ec);
        } else if (fs::exists(st)) {
            failUartDevice(spec, fmt::format("cannot make the link '{}' to {}: a file that is not a symbolic link is "
                                             "there (not replaced)", path_, target_));
        }
        fs::create_symlink(target_, path_, ec);
        if (ec) failUartDevice(spec, fmt::format("cannot make the link '{}' to {}: {}", path_, target_, ec.message()));
    }
    ~PtyLinkFile() {
        std::error_code ec;
        if (!path_.empty() && fs::read_symlink(path_, ec) == target_ && !ec) fs::remove(path_, ec);
    }
    PtyLinkFile(const PtyLinkFile&) = delete;
    PtyLinkFile& operator=(const PtyLinkFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::string target_;
};

using Counters = UartEndpoint::Counters;

class PtyLink : public UartEndpoint::Link, public ByteSink {
public:
    PtyLink(const UartSpec& spec, const UartPtyEndpoint& pty, MtkUart& uart, BoardWiring& wiring, Counters& counters)
        : uart_(uart), log_(wiring.log), scheduler_(wiring.scheduler), counters_(counters), who_(spec.name),
          realtime_(pty.realtime), master_(openRawPty(spec, slave_name_)),
          link_file_(spec, pty.link, slave_name_, wiring.log),
          rx_(wiring.scheduler, "uart " + spec.name + " rx", uart, counters.to_uart),
          poll_timer_(wiring.scheduler, "uart " + spec.name + " poll", [this] { poll(); }) {
        uart_.tx.connect(this);
        log_.info(who_, "{} is on {}{}{}", uart_.name(), slave_name_,
                  link_file_.path().empty() ? "" : " (link " + link_file_.path() + ")",
                  realtime_ ? " (virtual time paced to real time)" : "");
        poll_timer_.armAfter(UartEndpoint::kPollPeriod);
    }

    std::string_view kind() const override { return "pty"; }
    bool connected() const override { return attached_; }
    const std::string& hostPath() const override { return slave_name_; }

    /// A byte the UART transmitted: into the pty, or dropped when no program has it open.
    void receiveByte(std::uint8_t byte, Picos) override {
        ++counters_.from_uart;
        if (!attached_ || tx_pending_.size() >= kMaxPending) {
            log_.debug(who_, "{} not read: byte {:#04x} from {} dropped", slave_name_, byte, uart_.name());
            return;
        }
        tx_pending_.push_back(static_cast<char>(byte));
        flushTx();
    }

private:
    /// Transmitted bytes the pty could not take yet (its reader is slow) are kept up to this.
    static constexpr std::size_t kMaxPending = 64 * 1024;

    void poll() {
        // While nobody is attached the master reports a hang-up at once: wait on time alone.
        if (realtime_) pacer_.pace(scheduler_.now(), attached_ ? master_.get() : -1);
        receive();
        flushTx();
        poll_timer_.armAfter(UartEndpoint::kPollPeriod);
    }

    /// Reads what the attached program wrote; notices it opening and closing the slave.
    void receive() {
        char buf[512];
        while (!rx_.full()) {
            const ssize_t n = ::read(master_.get(), buf, sizeof buf);
            if (n > 0) {
                attach();
                rx_.push(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return attach();
            if (n < 0 && errno == EINTR) continue;
            // EIO (or end of file): no program has the slave open.
            return detach(n == 0 || errno == EIO ? "was closed" : fmt::format("failed: {}", std::strerror(errno)));
        }
    }

    void flushTx() {
        while (attached_ && !tx_pending_.empty()) {
            const ssize_t n = ::write(master_.get(), tx_pending_.data(), tx_pending_.size());
            if (n > 0) {
                tx_pending_.erase(0, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;  // next poll
            detach(n < 0 && errno != EIO ? fmt::format("failed: {}", std::strerror(errno)) : "was closed");
        }
    }

    void attach() {
        if (attached_) return;
        attached_ = true;
        log_.info(who_, "a program opened {} ({})", slave_name_, uart_.name());
    }

    void detach(const std::string& why) {
        if (!attached_) return;
        attached_ = false;
        tx_pending_.clear();
        log_.info(who_, "{} {}; bytes {} transmits are dropped until a program opens it again", slave_name_, why,
                  uart_.name());
    }

    MtkUart& uart_;
    Log& log_;
    Scheduler& scheduler_;
    Counters& counters_;
    std::string who_;
    bool realtime_;
    std::string slave_name_;
    Fd master_;
    PtyLinkFile link_file_;
    bool attached_ = false;
    std::string tx_pending_;
    RealTimePacer pacer_;
    RxFeed rx_;
    EventTimer poll_timer_;
};

}  // namespace

std::unique_ptr<UartEndpoint::Link> makePtyLink(const UartSpec& spec, const UartPtyEndpoint& pty, MtkUart& uart,
                                                BoardWiring& wiring, UartEndpoint::Counters& counters) {
    return std::make_unique<PtyLink>(spec, pty, uart, wiring, counters);
}

}  // namespace mt3620
