#include "os/UartDevice.h"

#include <algorithm>
#include <cstring>

#include "os/GuestMemory.h"
#include "periph/MtkUart.h"

namespace mt3620::os {

namespace {
// 16550 register bits (reference 4.3).
constexpr std::uint32_t kIerRx = 0x01, kIerThre = 0x02;
constexpr std::uint32_t kLsrDr = 0x01, kLsrOverrun = 0x02, kLsrThre = 0x20;
constexpr std::uint32_t kLcrStb = 0x04, kLcrPen = 0x08, kLcrEps = 0x10, kLcrDlab = 0x80;
constexpr std::uint32_t kFcrEnable = 0x01, kFcrClearRx = 0x02, kFcrClearTx = 0x04;

std::uint32_t cflagOf(const std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE>& t) {
    std::uint32_t v;
    std::memcpy(&v, t.data() + 8, 4);
    return v;
}

std::uint32_t rateOf(std::uint32_t cflag) {
#define MT_RATE_CASE(code, r) \
    if ((cflag & MT_CBAUD) == (code)) return (r);
    MT_BAUD_TABLE(MT_RATE_CASE)
#undef MT_RATE_CASE
    return 0;
}
}  // namespace

std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE> defaultUartTermios() {
    std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE> t{};
    const std::uint32_t cflag = 0010002u /* B115200 */ | MT_CS8 | MT_CREAD | MT_CLOCAL;
    std::memcpy(t.data() + 8, &cflag, 4);
    return t;
}

UartPort::UartPort(MtkUart& uart, unsigned isu, Log& log) : uart_(uart), isu_(isu), log_(log) {
    uart_.irq.connect(this, 0);
}

UartPort::~UartPort() { uart_.irq.disconnect(this); }

std::uint32_t UartPort::reg(std::uint32_t offset) {
    std::uint32_t v = 0;
    uart_.read(offset, 4, v);
    return v;
}

void UartPort::setReg(std::uint32_t offset, std::uint32_t value) { uart_.write(offset, 4, value); }

void UartPort::open(std::function<void()> on_ready) {
    open_ = true;
    on_ready_ = std::move(on_ready);
    rx_.clear();
    setReg(MtkUart::kIirFcrEfr, kFcrEnable | kFcrClearRx | kFcrClearTx);  // FIFOs on, RX trigger 1 byte
    setTermios(defaultUartTermios(), true);
}

void UartPort::close() {
    open_ = false;
    on_ready_ = nullptr;
    rx_.clear();
    updateIer();  // keeps THR-empty on while written bytes still drain
}

int UartPort::setTermios(const std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE>& t, bool flush_input) {
    const std::uint32_t cflag = cflagOf(t);
    const std::uint32_t rate = rateOf(cflag);
    if (rate == 0) return -EINVAL;
    const unsigned data_bits = 5 + ((cflag & MT_CSIZE) >> 4);
    if (data_bits == 5 && (cflag & MT_CSTOPB)) return -EINVAL;  // 1.5 stop bits: not a termios setting
    if (cflag & MT_CRTSCTS)
        log_.warnOnce("a7.uart.rtscts", "a7", "ISU{} UART: RTS/CTS flow control is not modelled (ignored)", isu_);

    // Source clocks per bit (reference 4.3): HIGHSPEED 3 samples SAMPLE_COUNT + 1 times per
    // bit, so divisor * (SAMPLE_COUNT + 1) = 26 MHz / rate with the smallest divisor that fits.
    const std::uint64_t clocks = (MtkUart::kSourceClockHz + rate / 2) / rate;
    const std::uint64_t divisor = std::max<std::uint64_t>(1, (clocks + 255) / 256);
    const std::uint64_t samples = std::clamp<std::uint64_t>((clocks + divisor / 2) / divisor, 1, 256);
    std::uint32_t lcr = (data_bits - 5) | ((cflag & MT_CSTOPB) ? kLcrStb : 0);
    if (cflag & MT_PARENB) lcr |= kLcrPen | ((cflag & MT_PARODD) ? 0 : kLcrEps);
    setReg(MtkUart::kLcr, kLcrDlab);
    setReg(MtkUart::kRbrThrDll, divisor & 0xFF);
    setReg(MtkUart::kIerDlm, (divisor >> 8) & 0xFF);
    setReg(MtkUart::kLcr, lcr);
    setReg(MtkUart::kHighSpeed, 3);
    setReg(MtkUart::kSampleCount, static_cast<std::uint32_t>(samples - 1));
    setReg(MtkUart::kSamplePoint, static_cast<std::uint32_t>((samples - 1) / 2));
    termios_ = t;
    baud_ = rate;
    if (flush_input) rx_.clear();
    updateIer();
    log_.debug("a7", "ISU{} UART: {} baud, {} data bits, parity {}, {} stop bit(s)", isu_, rate, data_bits,
               (cflag & MT_PARENB) ? ((cflag & MT_PARODD) ? "odd" : "even") : "none", (cflag & MT_CSTOPB) ? 2 : 1);
    return 0;
}

std::int64_t UartPort::read(std::span<std::uint8_t> out) {
    if (rx_.empty()) return out.empty() ? 0 : -EAGAIN;
    const std::size_t n = std::min(out.size(), rx_.size());
    std::copy_n(rx_.begin(), n, out.begin());
    rx_.erase(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<std::int64_t>(n);
}

std::int64_t UartPort::write(std::span<const std::uint8_t> in) {
    const std::size_t n = std::min(in.size(), writable());
    if (n == 0) return in.empty() ? 0 : -EAGAIN;
    tx_.insert(tx_.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    fillTxFifo();
    updateIer();
    return static_cast<std::int64_t>(n);
}

void UartPort::flush(bool input, bool output) {
    if (input) rx_.clear();
    if (output) tx_.clear();
    updateIer();
}

void UartPort::fillTxFifo() {
    // THRE: the TX FIFO is empty, so a whole FIFO's worth may go in.
    if (tx_.empty() || !(reg(MtkUart::kLsr) & kLsrThre)) return;
    for (unsigned i = 0; i < MtkUart::kFifoDepth && !tx_.empty(); ++i) {
        setReg(MtkUart::kRbrThrDll, tx_.front());
        tx_.pop_front();
    }
}

void UartPort::updateIer() {
    std::uint32_t ier = open_ ? kIerRx : 0;
    if (!tx_.empty()) ier |= kIerThre;
    setReg(MtkUart::kIerDlm, ier);
}

void UartPort::setIrqLevel(unsigned, bool level) {
    // Only while the A7 app holds the port (or its last bytes drain): otherwise the UART may
    // belong to an RTApp, whose bytes are not the OS's to take.
    if (level && (open_ || !tx_.empty())) service();
}

void UartPort::service() {
    if (servicing_) return;  // register accesses below change the line again
    servicing_ = true;
    bool ready = false;
    for (int round = 0; round < 4 && uart_.irq.level(); ++round) {
        reg(MtkUart::kIirFcrEfr);  // acknowledges a THR-empty interrupt
        for (std::uint32_t lsr = reg(MtkUart::kLsr); lsr & kLsrDr; lsr = reg(MtkUart::kLsr)) {
            if (lsr & kLsrOverrun) ++overruns_;
            const auto byte = static_cast<std::uint8_t>(reg(MtkUart::kRbrThrDll));
            if (!open_) continue;  // nobody reads a closed tty: the byte is dropped
            if (rx_.size() < kBufferSize) rx_.push_back(byte);
            else ++overruns_;
            ready = true;
        }
        const std::size_t before = tx_.size();
        fillTxFifo();
        if (tx_.size() != before) ready = true;
        updateIer();
    }
    servicing_ = false;
    if (overruns_) {
        log_.warn("a7", "ISU{} UART: {} received byte(s) lost (buffer full)", isu_, overruns_);
        overruns_ = 0;
    }
    if (ready && on_ready_) on_ready_();
}

UartFile::UartFile(std::shared_ptr<UartPort> port)
    : DeviceFile("/dev/ttyISU" + std::to_string(port->isu()), deviceNumber(kMajorTtyIsu, 64 + port->isu())),
      port_(std::move(port)) {
    port_->open([this] { notifyReadiness(); });
}

UartFile::~UartFile() { port_->close(); }

std::int64_t UartFile::read(std::span<std::uint8_t> out) { return port_->read(out); }
std::int64_t UartFile::write(std::span<const std::uint8_t> in) { return port_->write(in); }

std::uint32_t UartFile::pollEvents() const {
    std::uint32_t ev = 0;
    if (port_->readable()) ev |= kPollIn | kPollRdNorm;
    if (port_->writable()) ev |= kPollOut | kPollWrNorm;
    return ev;
}

std::int64_t UartFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_TCGETS: return mem.write(arg, port_->termios().data(), MT_KERNEL_TERMIOS_SIZE) ? 0 : -EFAULT;
        case MT_TCSETS:
        case MT_TCSETSW:
        case MT_TCSETSF: {
            std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE> t;
            if (!mem.read(arg, t.data(), t.size())) return -EFAULT;
            return port_->setTermios(t, request == MT_TCSETSF);
        }
        case MT_TCFLSH:
            if (arg > 2) return -EINVAL;
            port_->flush(arg == 0 || arg == 2, arg == 1 || arg == 2);
            return 0;
        case MT_FIONREAD: {
            const auto n = static_cast<std::uint32_t>(port_->readable());
            return mem.write(arg, &n, 4) ? 0 : -EFAULT;
        }
        default: return -ENOTTY;
    }
}

}  // namespace mt3620::os
