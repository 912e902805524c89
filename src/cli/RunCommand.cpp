#include "cli/RunCommand.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <sys/select.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <tuple>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/Button.h"
#include "board/VcdWriter.h"
#include "image/RtAppImage.h"
#include "gdb/GdbServer.h"
#include "machine/Machine.h"
#include "periph/MtkUart.h"

namespace mt3620::cli {

namespace {

/// Writes a UART's bytes to the terminal. With one core, bytes go out as they come. When both
/// cores print there, whole lines are written, each prefixed with the core name, so the two
/// streams stay readable.
class TerminalSink : public ByteSink {
public:
    explicit TerminalSink(std::string prefix) : prefix_(std::move(prefix)) {}
    ~TerminalSink() override {
        if (!line_.empty()) flushLine();
    }
    void receiveByte(std::uint8_t byte, Picos) override {
        if (prefix_.empty()) {
            std::fputc(byte, stdout);
            if (byte == '\n') std::fflush(stdout);
            return;
        }
        line_.push_back(static_cast<char>(byte));
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

class FileSink : public ByteSink {
public:
    explicit FileSink(const std::string& path) : out_(path, std::ios::binary) {}
    bool ok() const { return static_cast<bool>(out_); }
    void receiveByte(std::uint8_t byte, Picos) override {
        out_.put(static_cast<char>(byte));
        if (byte == '\n') out_.flush();
    }

private:
    std::ofstream out_;
};

std::shared_ptr<spdlog::logger> makeLogger(const std::string& level) {
    auto logger = std::make_shared<spdlog::logger>("mt3620-emu", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%^%l%$ %v");
    logger->set_level(spdlog::level::from_str(level));
    return logger;
}

/// "A@2s" or "A@2s+500ms": press button A at 2 s, release after the hold (default 100 ms).
std::string schedulePress(Machine& machine, const std::string& spec, std::vector<std::unique_ptr<EventTimer>>& events) {
    auto at = spec.find('@');
    if (at == std::string::npos) return "expected NAME@TIME, e.g. A@2s";
    std::string name = spec.substr(0, at), when = spec.substr(at + 1), hold = "100ms";
    if (auto plus = when.find('+'); plus != std::string::npos) {
        hold = when.substr(plus + 1);
        when = when.substr(0, plus);
    }
    Button* button = machine.board() ? machine.board()->button(name) : nullptr;
    if (!button) return "no button named '" + name + "' on the board";
    auto t = parseDuration(when), h = parseDuration(hold);
    if (!t || !h) return "expected durations with units, e.g. A@2s+500ms";
    auto press = std::make_unique<EventTimer>(machine.scheduler(), "press " + name, [button] { button->press(); });
    auto release = std::make_unique<EventTimer>(machine.scheduler(), "release " + name, [button] { button->release(); });
    press->armAt(*t);
    release->armAt(*t + *h);
    events.push_back(std::move(press));
    events.push_back(std::move(release));
    return {};
}

/// Runs while reading control lines from standard input between rounds: "press A",
/// "release A", "toggle A", or a single key bound to a button in the board file. Input is read
/// without blocking, so the machine keeps running; interactive runs are not deterministic.
Machine::StopReason runWithControlInput(Machine& machine, Picos limit) {
    std::string pending;
    const Picos end = limit;
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
            Board* board = machine.board();
            if (!board || line.empty()) continue;
            auto space = line.find(' ');
            std::string verb = line.substr(0, space), name = space == std::string::npos ? "" : line.substr(space + 1);
            Button* b = name.empty() && line.size() == 1 ? board->buttonForKey(line[0]) : board->button(name);
            if (!b) {
                machine.log().warn("control", "unknown control input '{}' (try 'press A' or a button key)", line);
                continue;
            }
            if (name.empty() || verb == "toggle") b->toggle();
            else if (verb == "press") b->press();
            else if (verb == "release") b->release();
        }
    };
    for (;;) {
        poll();
        Picos step = std::min(end - std::min(end, machine.now()), 10 * kPicosPerMilli);
        Machine::StopReason why = machine.runFor(step);
        if (why != Machine::StopReason::TimeLimit || machine.now() >= end) return why;
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
    cmd.add_option("--m4-0", o.m4_0, "Real-time app ELF for M4 core 0")->check(CLI::ExistingFile);
    cmd.add_option("--m4-1", o.m4_1, "Real-time app ELF for M4 core 1")->check(CLI::ExistingFile);
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
    if (o.m4_0.empty() && o.m4_1.empty()) return fail(*logger, "run: nothing to run: give --m4-0 and/or --m4-1");

    std::optional<Picos> limit;
    if (!o.time_limit.empty()) {
        limit = parseDuration(o.time_limit);
        if (!limit) return fail(*logger, "run: --time-limit '" + o.time_limit + "': expected a duration with a unit, e.g. 500ms or 5s");
    }
    auto quantum = parseDuration(o.quantum);
    if (!quantum || *quantum == 0) return fail(*logger, "run: --quantum '" + o.quantum + "': expected a non-zero duration, e.g. 200us");

    MachineConfig config;
    config.logger = logger;
    config.trace = o.trace;
    config.quantum = *quantum;
    Machine machine(config);

    // The board: LEDs, buttons and analog inputs on the chip's pins.
    if (!o.no_board) {
        try {
            machine.loadBoard(BoardFile::loadOrBuiltIn(o.board));
        } catch (const std::exception& e) {
            return fail(*logger, std::string("run: board: ") + e.what());
        }
    }
    std::unique_ptr<VcdWriter> vcd;
    if (!o.vcd.empty()) {
        if (!machine.board()) return fail(*logger, "run: --vcd needs a board (drop --no-board)");
        try {
            vcd = std::make_unique<VcdWriter>(o.vcd, machine.pins(), VcdWriter::signalsFor(*machine.board()), 0,
                                              machine.board()->name());
        } catch (const std::exception& e) {
            return fail(*logger, std::string("run: --vcd: ") + e.what());
        }
    }
    std::vector<std::unique_ptr<EventTimer>> press_events;
    for (const std::string& spec : o.presses) {
        std::string error = schedulePress(machine, spec, press_events);
        if (!error.empty()) return fail(*logger, "run: --press '" + spec + "': " + error);
    }

    struct Load {
        CoreId core;
        const std::string& path;
    };
    std::vector<CoreId> loaded;
    for (const Load& l : {Load{CoreId::M4_0, o.m4_0}, Load{CoreId::M4_1, o.m4_1}}) {
        if (l.path.empty()) continue;
        try {
            machine.loadRtApp(l.core, RtAppImage::load(l.path));
        } catch (const std::exception& e) {
            return fail(*logger, std::string("cannot load ") + std::string(coreName(l.core)) + " image: " + e.what());
        }
        loaded.push_back(l.core);
    }

    // UART routing: files where asked, the terminal otherwise.
    std::map<CoreId, std::string> files;
    for (const std::string& spec : o.uart_out) {
        auto eq = spec.find('=');
        CoreId core = CoreId::M4_0;
        std::string path = spec;
        if (eq != std::string::npos) {
            auto c = parseCoreName(spec.substr(0, eq));
            if (!c || *c == CoreId::A7) return fail(*logger, "run: --uart-out '" + spec + "': unknown core '" + spec.substr(0, eq) + "' (use m4-0 or m4-1)");
            core = *c;
            path = spec.substr(eq + 1);
        }
        files[core] = path;
    }
    std::vector<std::unique_ptr<ByteSink>> sinks;
    const bool prefix = loaded.size() > 1;
    for (CoreId core : loaded) {
        auto it = files.find(core);
        if (it != files.end()) {
            auto sink = std::make_unique<FileSink>(it->second);
            if (!sink->ok()) return fail(*logger, "run: --uart-out: cannot open '" + it->second + "' for writing");
            machine.m4(core).debug_uart->tx.connect(sink.get());
            sinks.push_back(std::move(sink));
        } else {
            auto sink = std::make_unique<TerminalSink>(prefix ? std::string(coreName(core)) + "| " : "");
            machine.m4(core).debug_uart->tx.connect(sink.get());
            sinks.push_back(std::move(sink));
        }
    }

    // GDB servers: the run loop polls their sockets between short slices (docs/debugging.md).
    std::vector<std::unique_ptr<gdb::GdbServer>> gdb_servers;
    for (auto [core, port, path] : {std::tuple{CoreId::M4_0, o.gdb_m4_0, &o.m4_0}, std::tuple{CoreId::M4_1, o.gdb_m4_1, &o.m4_1}}) {
        if (port < 0) continue;
        if (path->empty()) return fail(*logger, "run: --gdb-" + std::string(coreName(core)) + " needs an app on that core (--" + std::string(coreName(core)) + ")");
        auto server = std::make_unique<gdb::GdbServer>(machine, core, o.gdb_host, port);
        if (std::string error = server->start(); !error.empty()) return fail(*logger, "run: gdb: " + error);
        if (o.gdb_wait) server->holdAtStart();
        gdb_servers.push_back(std::move(server));
    }
    if (o.gdb_wait && gdb_servers.empty()) return fail(*logger, "run: --gdb-wait needs --gdb-m4-0 or --gdb-m4-1");
    if (!gdb_servers.empty() && o.control_stdin) return fail(*logger, "run: --control-stdin cannot be combined with the GDB servers");

    Machine::StopReason why;
    if (!gdb_servers.empty()) {
        std::vector<gdb::GdbServer*> servers;
        for (auto& s : gdb_servers) servers.push_back(s.get());
        gdb::GdbRunResult r = gdb::runWithGdb(machine, servers, limit.value_or(kNever));
        if (r.killed) {
            if (vcd) vcd->close(machine.now());
            std::fflush(stdout);
            machine.log().info("machine", "stopped: killed by the debugger");
            return 0;
        }
        why = r.why;
    } else {
        why = o.control_stdin ? runWithControlInput(machine, limit.value_or(kNever))
                              : machine.runFor(limit.value_or(kNever));
    }
    if (vcd) vcd->close(machine.now());
    std::fflush(stdout);
    machine.log().info("machine", "stopped: {}", Machine::stopReasonName(why));

    int halted = 0;
    for (CoreId core : loaded)
        if (machine.m4(core).core.state() == CoreState::Halted) ++halted;
    if (halted && !o.keep_going) {
        logger->error("run: {} core{} halted on a fault (see the report above)", halted, halted > 1 ? "s" : "");
        return 3;
    }
    return 0;
}

}  // namespace mt3620::cli
