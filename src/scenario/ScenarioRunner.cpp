#include "scenario/ScenarioRunner.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "common/TemporaryDirectory.h"

#include "scenario/Steps.h"

namespace mt3620::scenario {

std::string ScenarioResult::tail(const UartLog& log, std::size_t n) {
    std::string out;
    std::size_t total = log.lines.size() + (log.partial.empty() ? 0 : 1);
    std::size_t skip = total > n ? total - n : 0;
    for (std::size_t i = skip; i < log.lines.size(); ++i)
        out += fmt::format("    [{:>14}] {}\n", formatSeconds(log.lines[i].time), log.lines[i].text);
    if (!log.partial.empty()) out += fmt::format("    [{:>14}] {} (no line end yet)\n", "", log.partial);
    if (total == 0) out += "    (nothing)\n";
    return out;
}

std::string ScenarioResult::uartText() const {
    std::string out;
    for (const UartLog& u : uarts) {
        out += fmt::format("--- {} ---\n", u.name);
        for (const UartLog::Line& l : u.lines) out += fmt::format("[{:>14}] {}\n", formatSeconds(l.time), l.text);
        if (!u.partial.empty()) out += fmt::format("[{:>14}] {}\n", "", u.partial);
    }
    return out;
}

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options) {
    const auto host_start = std::chrono::steady_clock::now();
    ScenarioResult r;
    r.file = scenario.file;
    r.name = scenario.name;
    r.stem = scenario.stem();

    mt3620emu::Options mo;
    mo.log_level = options.log_level;
    mo.log_sink = [&r](const std::string& line) { r.machine_log += line + "\n"; };
    mo.bare_chip = !scenario.board;
    mo.board_file = scenario.board_file;
    mo.board_yaml = scenario.board_yaml;
    mo.board_name = scenario.board_name;

    std::optional<mt3620emu::Machine> built;
    TemporaryDirectory storage;  // `storage: temporary`
    try {
        built.emplace(mo);
        for (const CoreImage& c : scenario.cores) {
            if (c.core != CoreId::A7) {
                built->loadRtApp(apiCore(c.core), c.path, c.manifest);
                continue;
            }
            mt3620emu::Machine::HlAppOptions hl;
            hl.args = c.args;
            hl.env = c.env;
            hl.manifest = c.manifest;
            hl.storage_dir = c.temporary_storage ? storage.create("mt3620-scenario-storage") : c.storage_dir;
            hl.network = c.network;
            built->loadHlApp(c.path, hl);
        }
    } catch (const std::exception& e) {
        r.failure = fmt::format("setup: {}", e.what());
    }
    if (built) {
        mt3620emu::Machine& machine = *built;
        if (r.failure.empty() && options.on_machine_ready) options.on_machine_ready(machine);
        if (r.failure.empty()) {
            RunContext ctx(machine, scenario);
            // The root: the scenario's steps in order (the Scenario keeps them; run them in place).
            struct Root : Step {
                const std::vector<std::unique_ptr<Step>>& steps;
                std::size_t index = 0;
                bool started = false;
                explicit Root(const std::vector<std::unique_ptr<Step>>& s) : steps(s) {}
                bool composite() const override { return true; }
                StepStatus poll(RunContext& c) override {
                    while (index < steps.size()) {
                        Step& st = *steps[index];
                        if (!started) {
                            st.start(c);
                            started = true;
                            c.progressed = true;
                        }
                        StepStatus s = st.poll(c);
                        if (s == StepStatus::Failed) return s;
                        if (s == StepStatus::Pending) {
                            if (!st.composite() && !c.pending) c.pending = &st;
                            return s;
                        }
                        ++index;
                        started = false;
                        c.progressed = true;
                    }
                    return StepStatus::Done;
                }
                Picos wakeAt() const override {
                    return index < steps.size() && started ? steps[index]->wakeAt() : kNever;
                }
            } root(scenario.steps);

            const Picos end = machine.now() + scenario.timeout;
            auto pollRoot = [&] {
                ctx.pending = nullptr;
                return root.poll(ctx);
            };
            StepStatus st = pollRoot();
            while (st == StepStatus::Pending) {
                const Picos now = machine.now();
                if (now >= end) {
                    const Step* p = ctx.pending;
                    std::string what = p ? p->waitingFor(ctx) : "still running";
                    ctx.failure = fmt::format("{} at {}: scenario timeout ({}) reached: {}",
                                              p ? p->label : std::string("scenario"), formatSeconds(now),
                                              formatDuration(scenario.timeout), what);
                    st = StepStatus::Failed;
                    break;
                }
                const Picos target = std::max(std::min(root.wakeAt(), end), now + 1);
                // PassTime: a machine whose cores all sleep still reaches the next moment a
                // step must look.
                mt3620emu::StopReason why = machine.runUntil(
                    [&] {
                        ctx.progressed = false;
                        st = pollRoot();
                        return st != StepStatus::Pending || ctx.progressed;
                    },
                    target - now, mt3620emu::WhenIdle::PassTime);
                if (why == mt3620emu::StopReason::Debug) {
                    ctx.failure = fmt::format("scenario at {}: a core stopped for the debugger", formatSeconds(machine.now()));
                    st = StepStatus::Failed;
                    break;
                }
                if (why != mt3620emu::StopReason::Condition) st = pollRoot();
            }
            r.passed = st == StepStatus::Done;
            if (!r.passed) r.failure = ctx.failure.empty() ? "failed" : ctx.failure;
        }

        machine.stopHlApp();  // the OS stops an A7 app still running: SIGTERM, 2 s, SIGKILL
        r.virtual_time = machine.now();
        auto keep = [&](const std::string& name) {
            UartLog u;
            u.name = name;
            for (const mt3620emu::SerialLine& l : machine.serialLines(name)) u.lines.push_back({l.time, l.text});
            u.raw = machine.serialOutput(name);
            std::size_t nl = u.raw.rfind('\n');
            u.partial = nl == std::string::npos ? u.raw : u.raw.substr(nl + 1);
            r.uarts.push_back(std::move(u));
        };
        for (const CoreImage& c : scenario.cores) keep(uartName(debugUartId(c.core)));
        // The ISU UARTs that transmitted anything.
        for (unsigned n = 0; n < kUartIds - kIsuUartId; ++n)
            if (!machine.serialOutput(uartName(kIsuUartId + n)).empty()) keep(uartName(kIsuUartId + n));
    }
    built.reset();  // its last log lines (a VCD, debuggers closing) belong to this result
    r.host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
    return r;
}

}  // namespace mt3620::scenario
