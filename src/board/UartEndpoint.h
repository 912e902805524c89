#pragma once
// The far end of a chip UART's lines (board file `type: uart`): what the firmware talks to on
// ISU0..ISU4. One device attaches to one UART by the name app manifests use (`uart: ISU0`) and
// has one endpoint:
//
//   endpoint: {tcp: 5555}       a TCP server on 127.0.0.1 (one client at a time): the client's
//                               bytes arrive on the UART's RX pin one character time apart, the
//                               UART's transmitted bytes are sent to the client
//   endpoint: {file: out.txt}   transmitted bytes written to a file (`append: true` keeps what
//                               the file already holds); nothing is received
//   endpoint: {terminal: true}  transmitted bytes written to standard output
//   endpoint: {loopback: ISU1}  two ISU UARTs cross-connected, each TX to the other's RX
//   endpoint: {pty: true}       a host pseudo-terminal (/dev/pts/N, logged) for screen, picocom
//                               or pyserial; `pty: path` also makes a symbolic link to it there
//                               (src/board/PtyEndpoint.h)
//
// TCP and virtual time. A TCP endpoint polls its socket from an EventTimer every kPollPeriod of
// virtual time. That keeps the machine from stopping as "idle" while firmware sleeps in WFI
// waiting for input, and it is deterministic in virtual time: what varies between runs is only
// when a client's bytes arrive. With `realtime: true` (the default) each poll also keeps virtual
// time from running ahead of real (wall-clock) time: it waits, in ppoll() on the socket, until
// real time has caught up or the client sends something. So a person or a test has time to
// connect and type, and `--time-limit 5s` lasts about five real seconds when the firmware is
// idle. Firmware that runs slower than real time is never held back. A pty endpoint polls and
// paces the same way.
//
// The UART model outlives the board (the Machine owns both); the device connects to the UART's
// `tx` output, which cannot be disconnected.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "machine/Scheduler.h"

namespace mt3620 {

class MtkUart;

class UartEndpoint : public BoardDevice {
public:
    using Spec = UartSpec;
    static constexpr std::string_view kType = "uart";
    /// The UARTs a board file may name: the ISUs app manifests list as "Uart": ["ISU0"].
    static const std::vector<std::string>& uartNames();
    static Spec parse(FieldReader& fields);
    static std::vector<ResourceClaim> claims(const Spec& spec);

    /// How often a TCP or pty endpoint looks at its socket or pseudo-terminal, in virtual time.
    static constexpr Picos kPollPeriod = kPicosPerMilli;

    /// Finds the UART(s) through wiring.uart; opens the file or the listening socket. Throws
    /// BoardError if a UART is missing or the endpoint cannot be opened.
    UartEndpoint(const Spec& spec, BoardWiring& wiring);
    ~UartEndpoint() override;

    std::string_view type() const override { return kType; }

    /// "ISU0".
    const std::string& uart() const { return uart_name_; }
    /// "tcp", "file", "terminal", "loopback" or "pty".
    std::string_view endpointKind() const;
    /// The TCP port actually listened on (useful with `tcp: 0`); 0 for other endpoints.
    unsigned port() const;
    /// A TCP client is connected; a program has the pty open.
    bool clientConnected() const;
    /// The pty's device ("/dev/pts/7"); empty for other endpoints.
    const std::string& ptyName() const;
    /// Bytes the UART transmitted to this endpoint (loopback: both directions).
    std::uint64_t bytesFromUart() const { return counters_.from_uart; }
    /// Bytes this endpoint delivered to the UART's RX (loopback: both directions).
    std::uint64_t bytesToUart() const { return counters_.to_uart; }

    struct Counters {
        std::uint64_t from_uart = 0;
        std::uint64_t to_uart = 0;
    };
    class Link;  // one implementation per endpoint kind (UartEndpoint.cpp)

private:
    std::string uart_name_;
    Counters counters_;
    std::unique_ptr<Link> link_;
};

}  // namespace mt3620
