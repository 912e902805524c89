#pragma once
// Events the emulated device's OS would report (docs/security.md, "Error reporting"): a
// watchdog reset of an M4 core, an access the firewall refused, an M4 core halted on a fault,
// and the end of the A7 app. The Machine raises them where it already handles the event (the
// watchdog's reset request, the firewall's denial explanation) or between rounds of its run
// (halts, the A7 app's end), never on the access path of allowed accesses; whoever runs the
// machine with a device state (the CLI's `run --device`) turns them into error reports.
#include <functional>
#include <string>

#include "common/VirtualTime.h"
#include "machine/CoreId.h"

namespace mt3620 {

struct MachineEvent {
    enum class Kind {
        WatchdogReset,   // the core's watchdog expired (or was told to reset) and restarted it
        FirewallDenial,  // the core touched a peripheral or memory the firewall denies it
        AppCrash,        // an M4 core halted on a fault (detail: the fault report's first line),
                         // or the A7 app was killed by a signal (detail: its status line)
        AppExit,         // the A7 app exited (detail: "exited with code N")
    };
    Kind kind;
    CoreId core;
    Picos time;
    std::string detail;  // one line: why
};

/// Receives the events of one Machine, called from inside its run (between or at the end of a
/// core's instructions): it must not run the machine, and should only note the event.
using MachineEventListener = std::function<void(const MachineEvent&)>;

}  // namespace mt3620
