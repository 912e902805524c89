#include "os/HlAppStop.h"

#include "machine/Machine.h"
#include "os/HlProcess.h"

namespace mt3620::os {

namespace {
constexpr int kSigKill = 9, kSigTerm = 15;
}

HlStopResult stopHlApp(Machine& machine, Picos grace) {
    HlProcess* app = machine.hlApp();
    if (!app || app->status() != HlProcess::Status::Running) return HlStopResult::NotRunning;
    auto running = [app] { return app->status() == HlProcess::Status::Running; };
    machine.log().info("a7", "the OS stops the app: SIGTERM, then {} ms to exit", grace / kPicosPerMilli);
    app->sendSignal(kSigTerm, "the OS stopped the app");
    if (running()) machine.runFor(grace, [&] { return !running(); });
    if (!running()) return HlStopResult::Exited;
    machine.log().warn("a7", "the app did not exit within {} ms of SIGTERM: SIGKILL", grace / kPicosPerMilli);
    app->kill(kSigKill, "did not exit within the grace time after SIGTERM");
    return HlStopResult::Killed;
}

}  // namespace mt3620::os
