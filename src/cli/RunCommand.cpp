#include "cli/RunCommand.h"

#include "cli/HlAppRun.h"

#include <mt3620emu/Machine.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/select.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "pluton/BootSession.h"

namespace mt3620::cli {

// `run` is a client of the embedding API (include/mt3620emu/Machine.h), like a user's program.
using mt3620emu::Core;
using mt3620emu::Picoseconds;
using mt3620emu::StopReason;

namespace {

/// Writes a UART's bytes to the terminal. With one core, bytes go out as they come. When both
/// cores print there, whole lines are written, each prefixed with the core name, so the two
/// streams stay readable.
class TerminalSink {
public:
    explicit TerminalSink(std::string prefix) : prefix_(std::move(prefix)) {}
    ~TerminalSink() {
        if (!line_.empty()) flushLine();
    }
    void put(char byte) {
        if (prefix_.empty()) {
            std::fputc(static_cast<unsigned char>(byte), stdout);
            if (byte == '\n') std::fflush(stdout);
            return;
        }
        line_.push_back(byte);
        if (byte == '\n') flushLine();
    }

private:
    void flushLine() {
        std::fputs(prefix_.c_str(), stdout);
        std::fwrite(line_.data(), 1, line_.size(), stdout);
        std::fflush(stdout);
        line_.clear();
    }
    std::string prefix_;
    std::string line_;
};

class FileSink {
public:
    explicit FileSink(const std::string& path) : out_(path, std::ios::binary) {}
    bool ok() const { return static_cast<bool>(out_); }
    void put(char byte) {
        out_.put(byte);
        if (byte == '\n') out_.flush();
    }

private:
    std::ofstream out_;
};

/// Connects a sink the machine keeps (and destroys) with the UART's listener.
template <class Sink>
void route(mt3620emu::Machine& machine, const std::string& uart, std::shared_ptr<Sink> sink) {
    machine.onSerialOutput(uart, [sink](char byte, Picoseconds) { sink->put(byte); });
}

std::shared_ptr<spdlog::logger> makeLogger(const std::string& level) {
    auto logger = std::make_shared<spdlog::logger>("mt3620-emu", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%^%l%$ %v");
    logger->set_level(spdlog::level::from_str(level));
    return logger;
}

std::optional<Picoseconds> duration(const std::string& text) {
    try {
        return mt3620emu::parseDuration(text);
    } catch (const mt3620emu::Error&) {
        return std::nullopt;
    }
}

bool hasButton(const mt3620emu::Machine& machine, const std::string& name) {
    for (const std::string& b : machine.buttons())
        if (b == name) return true;
    return false;
}

/// "A@2s" or "A@2s+500ms": press button A at 2 s, release after the hold (default 100 ms).
std::string schedulePress(mt3620emu::Machine& machine, const std::string& spec) {
    auto at = spec.find('@');
    if (at == std::string::npos) return "expected NAME@TIME, e.g. A@2s";
    std::string name = spec.substr(0, at), when = spec.substr(at + 1), hold = "100ms";
    if (auto plus = when.find('+'); plus != std::string::npos) {
        hold = when.substr(plus + 1);
        when = when.substr(0, plus);
    }
    if (!hasButton(machine, name)) return "no button named '" + name + "' on the board";
    auto t = duration(when), h = duration(hold);
    if (!t || !h) return "expected durations with units, e.g. A@2s+500ms";
    machine.schedule(*t, [&machine, name] { machine.pressButton(name); });
    machine.schedule(*t + *h, [&machine, name] { machine.releaseButton(name); });
    return {};
}

/// Runs while reading control lines from standard input between rounds: "press A",
/// "release A", "toggle A", or a single key bound to a button in the board file. Input is read
/// without blocking, so the machine keeps running; interactive runs are not deterministic.
StopReason runWithControlInput(mt3620emu::Machine& machine, Picoseconds limit, bool has_board) {
    std::string pending;
    const Picoseconds end = limit;
    auto poll = [&] {
        char buf[256];
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(0, &fds);
        timeval tv{0, 0};
        if (select(1, &fds, nullptr, nullptr, &tv) <= 0) return;
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n <= 0) return;
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!has_board || line.empty()) continue;
            auto space = line.find(' ');
            std::string verb = line.substr(0, space), name = space == std::string::npos ? "" : line.substr(space + 1);
            std::string button = name.empty() && line.size() == 1 ? machine.buttonForKey(line[0]) : name;
            if (button.empty() || !hasButton(machine, button)) {
                machine.log("warn", "control", "unknown control input '" + line + "' (try 'press A' or a button key)");
                continue;
            }
            if (name.empty() || verb == "toggle") {
                if (machine.buttonPressed(button)) machine.releaseButton(button);
                else machine.pressButton(button);
            } else if (verb == "press") {
                machine.pressButton(button);
            } else if (verb == "release") {
                machine.releaseButton(button);
            }
        }
    };
    for (;;) {
        poll();
        Picoseconds step = std::min(end - std::min(end, machine.now()), mt3620emu::ms(10));
        StopReason why = machine.runFor(step);
        if (why != StopReason::TimeLimit || machine.now() >= end) return why;
    }
}

void addGdbOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("--gdb-m4-0", o.gdb_m4_0, "Serve GDB (remote protocol) for M4 core 0 on this TCP port")
        ->check(CLI::Range(0, 65535));
    cmd.add_option("--gdb-m4-1", o.gdb_m4_1, "Serve GDB (remote protocol) for M4 core 1 on this TCP port")
        ->check(CLI::Range(0, 65535));
    cmd.add_option("--gdb-host", o.gdb_host, "Address the GDB servers listen on")->capture_default_str();
    cmd.add_flag("--gdb-wait", o.gdb_wait, "Start with the debugged cores halted until their debugger attaches");
}

int fail(spdlog::logger& log, const std::string& message) {
    log.error("{}", message);
    return 2;
}

}  // namespace

void addRunOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("--m4-0", o.m4_0, "Real-time app for M4 core 0: an ELF, a signed .imagepackage, or an app directory (app_manifest.json + ELF)")
        ->check(CLI::ExistingPath);
    cmd.add_option("--m4-1", o.m4_1, "Real-time app for M4 core 1: an ELF, a signed .imagepackage, or an app directory")
        ->check(CLI::ExistingPath);
    cmd.add_option("--a7", o.a7,
                   "High-level app for the A7: an app directory (app_manifest.json + bin/app), a signed .imagepackage, or a Linux ARM (musl) "
                   "ELF; its arguments follow --")
        ->check(CLI::ExistingPath);
    addHlAppOptions(cmd, o);
    cmd.add_option("--a7-env", o.a7_env, "An environment variable NAME=VALUE for the A7 app; repeatable");
    cmd.add_option("a7-args", o.a7_args, "Arguments of the A7 app (after --)");
    cmd.add_option("--device", o.device, "Device state directory: verify packages against it; with no --m4-0/--m4-1, boot its installed apps");
    cmd.add_option("--device-seed", o.device_seed, "Create a new device's keys from this seed (reproducible runs)");
    cmd.add_flag("--production", o.production, "Production mode: accept only packages signed by trust-store keys");
    cmd.add_option("--manifest-m4-0", o.manifest_m4_0, "app_manifest.json of the app on M4 core 0 (assigns its peripherals)")
        ->check(CLI::ExistingFile);
    cmd.add_option("--manifest-m4-1", o.manifest_m4_1, "app_manifest.json of the app on M4 core 1")->check(CLI::ExistingFile);
    cmd.add_option("--firewall", o.firewall,
                   "What an access to another core's peripheral does: fault (precise BusFault), log (ignored, "
                   "logged) or off (allowed); see docs/firewall.md")
        ->check(CLI::IsMember({"fault", "log", "off"}))
        ->capture_default_str();
    cmd.add_option("--time-limit", o.time_limit,
                   "Stop after this much virtual time (e.g. 500ms, 5s); default: run until every core is idle");
    cmd.add_option("--uart-out", o.uart_out,
                   "Write a core's debug UART to a file instead of the terminal: FILE (core m4-0) or "
                   "CORE=FILE, e.g. m4-1=core1.txt; repeatable");
    cmd.add_option("--log-level", o.log_level, "Log level: trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->capture_default_str();
    cmd.add_flag("--trace", o.trace, "Log every peripheral register access (implies --log-level trace)");
    cmd.add_flag("--keep-going", o.keep_going, "Exit 0 even if a core halted on a fault");
    cmd.add_option("--quantum", o.quantum, "Longest virtual time one core runs before the next takes a turn")
        ->capture_default_str();
    cmd.add_option("--board", o.board,
                   "Board file (YAML, see docs/board-files.md); default: the built-in MT3620 reference board");
    cmd.add_flag("--no-board", o.no_board, "Run the bare chip with nothing connected to its pins");
    cmd.add_option("--vcd", o.vcd, "Write a value-change dump (GTKWave, PulseView) of every board-connected pin");
    cmd.add_option("--press", o.presses,
                   "Press a board button at a virtual time, e.g. A@2s (held 100ms) or A@2s+500ms; repeatable");
    cmd.add_flag("--control-stdin", o.control_stdin,
                 "Read 'press NAME', 'release NAME' or a button's key on standard input while running");
    addGdbOptions(cmd, o);
}

int runCommand(const RunOptions& o) {
    auto logger = makeLogger(o.trace ? "trace" : o.log_level);
    if (o.m4_0.empty() && o.m4_1.empty() && o.device.empty() && o.a7.empty())
        return fail(*logger, "run: nothing to run: give --a7, --m4-0 and/or --m4-1, or --device with installed apps");

    std::optional<Picoseconds> limit;
    if (!o.time_limit.empty()) {
        limit = duration(o.time_limit);
        if (!limit) return fail(*logger, "run: --time-limit '" + o.time_limit + "': expected a duration with a unit, e.g. 500ms or 5s");
    }
    auto quantum = duration(o.quantum);
    if (!quantum || *quantum == 0) return fail(*logger, "run: --quantum '" + o.quantum + "': expected a non-zero duration, e.g. 200us");

    // The board (LEDs, buttons and analog inputs on the chip's pins): a file, the built-in
    // MT3620 RDB, or none.
    mt3620emu::Options options;
    options.board_file = o.board;
    options.bare_chip = o.no_board;
    options.log_level = o.trace ? "trace" : o.log_level;
    options.trace = o.trace;
    options.quantum = *quantum;
    options.firewall = o.firewall;
    std::optional<mt3620emu::Machine> built;
    try {
        built.emplace(options);
    } catch (const mt3620emu::Error& e) {
        return fail(*logger, std::string("run: board: ") + e.what());
    }
    mt3620emu::Machine& machine = *built;

    if (!o.vcd.empty()) {
        if (o.no_board) return fail(*logger, "run: --vcd needs a board (drop --no-board)");
        try {
            machine.recordVcd(o.vcd);
        } catch (const mt3620emu::Error& e) {
            return fail(*logger, std::string("run: --vcd: ") + e.what());
        }
    }
    for (const std::string& spec : o.presses) {
        std::string error = schedulePress(machine, spec);
        if (!error.empty()) return fail(*logger, "run: --press '" + spec + "': " + error);
    }

    struct Load {
        Core core;
        const char* name;
        const std::string& path;
        const std::string& manifest;
    };
    std::vector<Load> loaded;
    // Secure boot (docs/security.md): packages are verified and every image is measured.
    std::unique_ptr<mt3620::pluton::BootSession> boot;
    try {
        if (mt3620::pluton::BootSession::wanted(o.device, {o.m4_0, o.m4_1, o.a7}))
            boot = std::make_unique<mt3620::pluton::BootSession>(
                mt3620::pluton::DeviceOptions{o.device, o.device_seed.empty() ? std::nullopt : std::optional(o.device_seed),
                                              o.production},
                logger);
    } catch (const std::exception& e) {
        return fail(*logger, std::string("run: device: ") + e.what());
    }
    for (const Load& l : {Load{Core::M4_0, "m4-0", o.m4_0, o.manifest_m4_0}, Load{Core::M4_1, "m4-1", o.m4_1, o.manifest_m4_1}}) {
        if (l.path.empty()) {
            if (!l.manifest.empty()) return fail(*logger, std::string("run: --manifest-") + l.name + " needs an app on that core");
            continue;
        }
        try {
            if (boot) {
                auto image = boot->loadRtApp(l.path, l.name);
                // A package brings its manifest; a bare ELF may have one given with it.
                std::string manifest = image.manifest_json;
                if (manifest.empty() && !l.manifest.empty()) {
                    std::ifstream in(l.manifest, std::ios::binary);
                    manifest.assign(std::istreambuf_iterator<char>(in), {});
                }
                if (manifest.empty()) machine.loadRtApp(l.core, image.name, image.elf);
                else machine.loadRtApp(l.core, image.name, image.elf, manifest);
            } else {
                machine.loadRtApp(l.core, l.path, l.manifest);
            }
        } catch (const std::exception& e) {
            return fail(*logger, std::string("cannot load ") + l.name + " image: " + e.what());
        }
        loaded.push_back(l);
    }
    // With no M4 image named, the device boots what is installed (docs/security.md): its
    // RTApps, and its high-level app unless --a7 names one.
    static const std::string kInstalled;
    std::optional<mt3620::pluton::BootSession::HlApp> installed_hl;
    // (Only a package given with --a7 and no --device: the session is there to verify it alone.)
    if (boot && loaded.empty() && !(o.device.empty() && mt3620::pluton::isImagePackagePath(o.a7))) {
        try {
            auto apps = boot->installedApps();
            for (auto& image : apps.rt) {
                const bool core0 = image.core == "m4-0";
                machine.loadRtApp(core0 ? Core::M4_0 : Core::M4_1, image.name, image.elf, image.manifest_json);
                loaded.push_back(Load{core0 ? Core::M4_0 : Core::M4_1, core0 ? "m4-0" : "m4-1", kInstalled, kInstalled});
            }
            if (o.a7.empty()) installed_hl = apps.hl;
        } catch (const std::exception& e) {
            return fail(*logger, std::string("run: device: ") + e.what());
        }
        if (loaded.empty() && !installed_hl && o.a7.empty())
            return fail(*logger, "run: the device has no app that passed secure boot (see above)");
    }
    const bool a7_loaded = !o.a7.empty() || installed_hl;
    const std::string a7_component = installed_hl ? installed_hl->component : o.a7;
    if (a7_loaded) {
        mt3620emu::Machine::HlAppOptions hl = hlAppOptions(o);
        if (boot) {
            // The device's certificates and cert store, and its storage unless --storage.
            hl.device_dir = boot->device().dir().string();
            if (hl.storage_dir.empty()) {
                hl.storage_dir = (boot->device().dir() / "app-storage").string();
                std::error_code ec;
                std::filesystem::create_directories(hl.storage_dir, ec);
            }
        }
        try {
            std::string a7 = installed_hl ? installed_hl->dir : o.a7;
            // A package named with --a7: verified for the A7 and unpacked like an installed one.
            if (!installed_hl && boot && mt3620::pluton::isImagePackagePath(a7)) a7 = boot->loadHlApp(a7);
            machine.loadHlApp(a7, hl);
        } catch (const std::exception& e) {
            return fail(*logger, std::string("cannot load a7 app: ") + e.what());
        }
    }
    // What the device's OS reports becomes error reports as it happens (docs/security.md). The
    // A7 app's own end is reported (AppExit, or AppCrash when a signal killed it), not the OS
    // stopping it at the end of the run.
    bool run_over = false;
    if (boot)
        machine.onDeviceEvent([&boot, &run_over, &a7_component](const mt3620emu::Machine::DeviceEvent& e) {
            using Kind = mt3620emu::Machine::DeviceEvent::Kind;
            using mt3620::pluton::ErrorEvent;
            if (e.core == "a7") {
                if (!run_over) boot->reportHlAppEnd(a7_component, e.kind == Kind::AppCrash, e.detail);
                return;
            }
            boot->noteEvent(e.kind == Kind::WatchdogReset   ? ErrorEvent::WatchdogReset
                            : e.kind == Kind::FirewallDenial ? ErrorEvent::FirewallDenial
                                                             : ErrorEvent::AppCrash,
                            e.core, e.detail, e.time);
        });

    // UART routing: files where asked, the terminal otherwise.
    std::map<std::string, std::string> files;
    for (const std::string& spec : o.uart_out) {
        auto eq = spec.find('=');
        std::string core = "m4-0", path = spec;
        if (eq != std::string::npos) {
            core = spec.substr(0, eq);
            if (core != "m4-0" && core != "m4-1" && core != "a7")
                return fail(*logger, "run: --uart-out '" + spec + "': unknown core '" + core + "' (use a7, m4-0 or m4-1)");
            path = spec.substr(eq + 1);
        }
        files[core] = path;
    }
    // The A7 app's stdout/stderr is the stream "a7", routed like a debug UART.
    std::vector<std::string> streams;
    for (const Load& l : loaded) streams.push_back(l.name);
    if (a7_loaded) streams.push_back("a7");
    const bool prefix = streams.size() > 1;
    for (const std::string& name : streams) {
        auto it = files.find(name);
        if (it != files.end()) {
            auto sink = std::make_shared<FileSink>(it->second);
            if (!sink->ok()) return fail(*logger, "run: --uart-out: cannot open '" + it->second + "' for writing");
            route(machine, name, sink);
        } else {
            route(machine, name, std::make_shared<TerminalSink>(prefix ? name + "| " : ""));
        }
    }

    // GDB servers: the run polls their sockets between short slices (docs/debugging.md).
    int debuggers = 0;
    for (auto [core, name, port, path] : {std::tuple{Core::M4_0, "m4-0", o.gdb_m4_0, &o.m4_0},
                                          std::tuple{Core::M4_1, "m4-1", o.gdb_m4_1, &o.m4_1}}) {
        if (port < 0) continue;
        if (path->empty()) return fail(*logger, "run: --gdb-" + std::string(name) + " needs an app on that core (--" + name + ")");
        try {
            machine.attachGdb(core, {port, o.gdb_host, o.gdb_wait});
        } catch (const mt3620emu::Error& e) {
            return fail(*logger, std::string("run: gdb: ") + e.what());
        }
        ++debuggers;
    }
    if (o.gdb_wait && debuggers == 0) return fail(*logger, "run: --gdb-wait needs --gdb-m4-0 or --gdb-m4-1");
    if (debuggers && o.control_stdin) return fail(*logger, "run: --control-stdin cannot be combined with the GDB servers");

    const Picoseconds run_for = limit.value_or(mt3620emu::kForever);
    StopReason why = debuggers          ? machine.runDebugSession(run_for)
                     : o.control_stdin  ? runWithControlInput(machine, run_for, !o.no_board)
                     : a7_loaded        ? runInterruptible(machine, run_for)
                                        : machine.runFor(run_for);
    run_over = true;
    // The OS stops an A7 app still running with SIGTERM (docs/hl-apps.md, "Stopping").
    const bool a7_ended = a7_loaded && why != StopReason::Killed && stopHlAppAtEnd(machine);
    machine.finishVcd();
    std::fflush(stdout);
    machine.log("info", "machine", std::string("stopped: ") + mt3620emu::describe(why));
    if (why == StopReason::Killed) return 0;
    if (boot) boot->finish();  // every error report on disk before the emulator exits
    if (a7_loaded) {
        machine.log("info", "a7", "app " + machine.hlAppStatus());
        // With only the A7, the emulator exits as the app did (128 + signal when killed), unless
        // the app ran until the OS stopped it at the end of the run.
        if (loaded.empty() && a7_ended) return *machine.hlAppExitStatus();
    }

    int halted = 0;
    for (const Load& l : loaded) {
        if (!machine.halted(l.core)) continue;
        ++halted;  // reported as an AppCrash when it halted
    }
    if (halted && !o.keep_going) {
        logger->error("run: {} core{} halted on a fault (see the report above)", halted, halted > 1 ? "s" : "");
        return 3;
    }
    return 0;
}

}  // namespace mt3620::cli
