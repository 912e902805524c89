#pragma once
// The steps of a scenario and how they run. Each step is a small state machine that the runner
// drives between quanta of the machine:
//
//   start(ctx)   the step begins (actions such as pressing a button happen here)
//   poll(ctx)    Pending, Done, or Failed (after ctx.fail(...)); called after every quantum and
//                timer event while the step is current; may act (release a button, send a byte)
//   wakeAt()     the virtual time by which poll must run again (a delay's end, a timeout);
//                the runner arms a timer for it, so a sleeping machine still wakes up on time
//
// `sequence` and `parallel` are steps made of steps, so parallel groups nest.
#include <yaml-cpp/yaml.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "board/FieldReader.h"
#include "common/VirtualTime.h"
#include "machine/CoreId.h"
#include "scenario/Scenario.h"

namespace mt3620emu {
class Machine;
enum class Core;
}  // namespace mt3620emu

namespace mt3620::scenario {

enum class StepStatus { Pending, Done, Failed };

/// A UART a step talks to: a core's debug UART (the CoreId's value: 1 = m4-0, 2 = m4-1) or an
/// ISU UART (kIsuUartId + n for ISU n, n = 0..4).
using UartId = unsigned;
constexpr UartId kIsuUartId = kCoreCount;
constexpr unsigned kUartIds = kCoreCount + 5;
constexpr UartId debugUartId(CoreId core) { return static_cast<UartId>(core); }
constexpr bool isDebugUart(UartId id) { return id < kIsuUartId; }
/// "m4-0", "m4-1", "ISU0".."ISU4": the UART's name in the embedding API.
std::string uartName(UartId id);
/// The embedding API's name for an M4 core.
mt3620emu::Core apiCore(CoreId core);

/// The state of one run of a scenario, shared by its steps. Steps act on the machine only
/// through the embedding API (include/mt3620emu/Machine.h).
class RunContext {
public:
    RunContext(mt3620emu::Machine& machine, const Scenario& scenario);

    mt3620emu::Machine& machine;
    const Scenario& scenario;
    /// Per UART: how far wait-serial has consumed the output.
    std::array<std::size_t, kUartIds> cursor{};
    /// Set when a step starts, finishes or acts, so the runner recomputes its wake-up time.
    bool progressed = false;
    /// The first leaf step still pending in this poll round, for timeout messages.
    const Step* pending = nullptr;
    /// "step 3 (wait-serial) at 1.500000 s: expected ..." once a step failed.
    std::string failure;

    StepStatus fail(const Step& step, const std::string& message);
    /// Everything a UART transmitted so far.
    const std::string& output(UartId uart);
};

class Step {
public:
    virtual ~Step() = default;

    int line = 0;
    std::string kind;   // "wait-serial"
    std::string label;  // "step 3 (wait-serial)", "step 4 (parallel), branch 2, step 1 (press)"

    virtual void start(RunContext& ctx) {}
    virtual StepStatus poll(RunContext& ctx) = 0;
    virtual Picos wakeAt() const { return kNever; }
    /// What a still-pending step waits for, for the scenario-timeout message.
    virtual std::string waitingFor(RunContext& ctx) const { return "still running"; }
    virtual bool composite() const { return false; }
};

/// Everything a step parser may look up.
struct StepParseContext {
    BoardFileContext file;  // file name and folder, for FieldReader messages
    const Scenario& scenario;
    const ParseOptions& options;
    /// Substitutes ${NAME} and resolves a path against the scenario's folder; fails at `line`.
    std::function<std::string(const std::string&, int line)> resolvePath;
};

/// Parses one entry of a `steps:` list (a map with one key naming the step, or a bare step
/// name). `label` is the prefix for nested labels ("step 4 (parallel), branch 2, ").
std::unique_ptr<Step> parseStep(const YAML::Node& node, const StepParseContext& pc, const std::string& label_prefix,
                                int index);

/// Runs `steps` one after the other.
std::unique_ptr<Step> makeSequence(std::vector<std::unique_ptr<Step>> steps);

/// Names of every step type, for messages and docs.
const std::vector<std::string>& stepKinds();

}  // namespace mt3620::scenario
