#pragma once
// The ISU UARTs of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/ttyISU0..4, ttys in
// raw mode configured with termios (TCGETS/TCSETS*, the frame format and a CBAUD rate), read
// and written with read(2)/write(2), non-blocking as UART_Open opens them, and pollable.
//
// UartPort is the OS's driver for one ISU UART model (MtkUart, reference 4.3): it programs
// the divisor and frame format from termios, enables the FIFOs and the receive / THR-empty
// interrupts, and services the UART's interrupt line like the kernel's 8250 driver does:
// received bytes move from the RX FIFO into a 4 KiB software buffer, bytes written by the
// app wait in a 4 KiB software buffer and are fed to the TX FIFO whenever it empties. So the
// bytes leave the chip paced by the programmed baud rate, and reach the board's UART endpoint
// (or the test capture) exactly as from an RTApp. The port outlives a close(), so bytes
// written just before it still drain.
//
// Opening needs the ISU in the manifest's "Uart" list (EACCES otherwise); a second open while
// one is held fails with EBUSY.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "common/Log.h"
#include "os/DeviceAbi.h"
#include "os/DeviceFile.h"
#include "periph/Signals.h"

namespace mt3620 {
class MtkUart;
}

namespace mt3620::os {

class UartPort : public IrqController {
public:
    static constexpr std::size_t kBufferSize = 4096;  // each direction, like a tty's buffers

    UartPort(MtkUart& uart, unsigned isu, Log& log);
    ~UartPort() override;
    UartPort(const UartPort&) = delete;
    UartPort& operator=(const UartPort&) = delete;

    unsigned isu() const { return isu_; }
    bool isOpen() const { return open_; }
    /// Takes the port for one open file; `on_ready` runs when bytes arrive or TX space frees.
    void open(std::function<void()> on_ready);
    void close();

    /// The kernel termios (36 bytes) last set; TCSETS* replace it. -EINVAL: a setting the
    /// MT3620 UART cannot do (a rate without a CBAUD code, 5 data bits with 2 stop bits...).
    const std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE>& termios() const { return termios_; }
    int setTermios(const std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE>& t, bool flush_input);
    /// The baud rate in effect.
    std::uint32_t baud() const { return baud_; }

    std::int64_t read(std::span<std::uint8_t> out);
    std::int64_t write(std::span<const std::uint8_t> in);
    std::size_t readable() const { return rx_.size(); }
    std::size_t writable() const { return kBufferSize - tx_.size(); }
    void flush(bool input, bool output);

    /// IrqController: the UART's interrupt line (serviced at once, like a top half).
    void setIrqLevel(unsigned irq, bool level) override;

private:
    void service();
    void fillTxFifo();
    void updateIer();
    std::uint32_t reg(std::uint32_t offset);
    void setReg(std::uint32_t offset, std::uint32_t value);

    MtkUart& uart_;
    unsigned isu_;
    Log& log_;
    bool open_ = false;
    bool servicing_ = false;
    std::function<void()> on_ready_;
    std::deque<std::uint8_t> rx_, tx_;
    std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE> termios_{};
    std::uint32_t baud_ = 0;
    std::uint64_t overruns_ = 0;
};

/// One open of /dev/ttyISU<n>.
class UartFile : public DeviceFile {
public:
    explicit UartFile(std::shared_ptr<UartPort> port);
    ~UartFile() override;
    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t> in) override;
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;
    std::uint32_t pollEvents() const override;

private:
    std::shared_ptr<UartPort> port_;
};

/// The default termios of a UART at open: 115200 8N1, raw, receiver on.
std::array<std::uint8_t, MT_KERNEL_TERMIOS_SIZE> defaultUartTermios();

}  // namespace mt3620::os
