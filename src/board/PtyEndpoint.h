#pragma once
// The `pty` endpoint of a `type: uart` board device: a host pseudo-terminal standing in for the
// serial cable, so that `screen /dev/pts/7 115200`, picocom or pyserial talk to an ISU UART.
//
//   endpoint: {pty: true}               the slave's name is logged: "ISU0 is on /dev/pts/7"
//   endpoint: {pty: /tmp/isu0}          also a symbolic link /tmp/isu0 -> /dev/pts/7, removed
//                                       when the board goes away (an existing symlink there is
//                                       replaced; any other file there is an error)
//   endpoint: {pty: true, realtime: false}
//
// The pty is put in raw mode (cfmakeraw on the slave) so bytes pass unchanged: no echo, no
// CR/LF translation, no line buffering; a program that opens it may set its own modes.
//
// Timing follows the TCP endpoint (UartEndpoint.h, UartLink.h): the master is read from an
// EventTimer every UartEndpoint::kPollPeriod of virtual time, its bytes reach the RX pin one
// character time apart, and with `realtime: true` each poll waits (in ppoll() on the master)
// until real time has caught up with virtual time.
//
// The emulator holds only the master. While no program has the slave open (from the start
// until one opens it, and after it closes it), the master reports a hang-up: bytes the UART
// transmits are then dropped, as with no TCP client, and the endpoint waits on time alone.
#include <memory>

#include "board/UartEndpoint.h"

namespace mt3620 {

class MtkUart;

/// Allocates the pseudo-terminal (and the link). Throws BoardError, naming the device and the
/// host's reason, if either cannot be made.
std::unique_ptr<UartEndpoint::Link> makePtyLink(const UartSpec& spec, const UartPtyEndpoint& pty, MtkUart& uart,
                                                BoardWiring& wiring, UartEndpoint::Counters& counters);

}  // namespace mt3620
