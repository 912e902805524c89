#pragma once
// Stopping a high-level app the way the Azure Sphere OS does (docs/hl-apps.md, "Stopping"):
// SIGTERM first, then the app has two seconds to exit (Microsoft's "Initialization and
// termination" page: "The application has only two seconds to exit upon receipt of the
// SIGTERM signal"), here two seconds of virtual time during which the whole machine keeps
// running; an app still running then is ended with SIGKILL. Used when a run ends (the CLI's
// --time-limit, Ctrl-C, the end of a scenario) and by the public API's stopHlApp().
#include "common/VirtualTime.h"

namespace mt3620 {
class Machine;
}

namespace mt3620::os {

/// The OS's grace time between SIGTERM and SIGKILL.
constexpr Picos kSigtermGrace = 2 * kPicosPerSecond;

enum class HlStopResult {
    NotRunning,  // no app, or it had already ended
    Exited,      // it ended within the grace time (its own exit, or SIGTERM's default action)
    Killed,      // still running after the grace time: SIGKILL
};

/// Sends SIGTERM to the machine's app and runs the machine until the app ends or `grace`
/// passes, then kills it with SIGKILL.
HlStopResult stopHlApp(Machine& machine, Picos grace = kSigtermGrace);

}  // namespace mt3620::os
