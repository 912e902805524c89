// The public embedding API (include/mt3620emu/Machine.h), a thin layer over the internal
// mt3620::Machine. The CLI (`run`, `test`) and the scenario runner use only this layer.
#include <mt3620emu/Machine.h>

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <array>
#include <list>
#include <map>
#include <regex>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/Button.h"
#include "board/Led.h"
#include "board/VcdWriter.h"
#include "gdb/GdbServer.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "os/AppDevices.h"
#include "os/HlAppPackage.h"
#include "os/HlAppStop.h"
#include "os/HlProcess.h"
#include "os/HostNetwork.h"
#include "os/IntercoreSocket.h"
#include "machine/RtAppLoader.h"
#include "periph/AdcController.h"
#include "periph/MtkUart.h"
#include "periph/PwmController.h"
#include "pluton/Device.h"

namespace mt3620emu {

namespace {

/// Each device draws its own reproducible random stream from the Pluton RNG (pluton/Rng.h):
/// the seed material is its device ID. A device directory without an identity keeps the
/// machine's default stream (logged).
void reseedForDevice(mt3620::Machine& m, const std::string& device_dir) {
    try {
        auto key = mt3620::pluton::loadDeviceIdentity(device_dir);
        m.rng().reseed(mt3620::pluton::Pluton::deviceIdFor(key.publicKey()));
    } catch (const std::exception& e) {
        m.log().warn("pluton", "RNG: {}: keeping the default seed", e.what());
    }
}
mt3620::CoreId toCore(Core c) { return c == Core::M4_0 ? mt3620::CoreId::M4_0 : mt3620::CoreId::M4_1; }

StopReason toStop(mt3620::Machine::StopReason r) {
    switch (r) {
        case mt3620::Machine::StopReason::TimeLimit: return StopReason::TimeLimit;
        case mt3620::Machine::StopReason::Condition: return StopReason::Condition;
        case mt3620::Machine::StopReason::Idle: return StopReason::Idle;
        case mt3620::Machine::StopReason::Halted: return StopReason::Halted;
        case mt3620::Machine::StopReason::Debug: return StopReason::Debug;
    }
    return StopReason::TimeLimit;
}

/// Log lines to a user's function, formatted "level message" without the line end.
class FunctionLogSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    explicit FunctionLogSink(std::function<void(const std::string&)> fn) : fn_(std::move(fn)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t buf;
        formatter_->format(msg, buf);
        std::string line(buf.data(), buf.size());
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        fn_(line);
    }
    void flush_() override {}

private:
    std::function<void(const std::string&)> fn_;
};

/// Bytes a UART transmits, to a user's listener.
class FunctionByteSink : public mt3620::ByteSink {
public:
    explicit FunctionByteSink(std::function<void(char, Picoseconds)> fn) : fn_(std::move(fn)) {}
    void receiveByte(std::uint8_t byte, mt3620::Picos time) override { fn_(static_cast<char>(byte), time); }

private:
    std::function<void(char, Picoseconds)> fn_;
};

/// UART slots: the two debug UARTs, then ISU0..ISU4.
constexpr std::size_t kUartSlots = 2 + mt3620::kIsuCount;
}  // namespace

struct Machine::Impl {
    explicit Impl(const Options& o) : machine(makeConfig(o)) {
        auto mode = mt3620::parseFirewallMode(o.firewall);
        if (!mode) throw Error("firewall mode '" + o.firewall + "': expected fault, log or off");
        machine.setFirewallMode(*mode);
        if (o.bare_chip) return;
        try {
            if (!o.board_yaml.empty()) machine.loadBoard(mt3620::BoardFile::parse(o.board_name, o.board_yaml));
            else machine.loadBoard(mt3620::BoardFile::loadOrBuiltIn(o.board_file));
        } catch (const std::exception& e) {
            throw Error(e.what());
        }
    }
    ~Impl() {
        gdb_servers.clear();
        if (!vcds.empty()) vcds.back()->close(machine.now());
    }

    static mt3620::MachineConfig makeConfig(const Options& o) {
        mt3620::MachineConfig c;
        if (o.log_sink) {
            c.logger = std::make_shared<spdlog::logger>("mt3620emu", std::make_shared<FunctionLogSink>(o.log_sink));
            c.logger->set_pattern("%l %v");
        } else {
            c.logger = std::make_shared<spdlog::logger>("mt3620emu", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
            c.logger->set_pattern("%^%l%$ %v");
        }
        c.logger->set_level(spdlog::level::from_str(o.log_level));
        c.trace = o.trace;
        if (o.quantum == 0) throw Error("Options::quantum must not be zero");
        c.quantum = o.quantum;
        return c;
    }

    struct Uart {
        mt3620::MtkUart* uart;  // null for "a7", the A7 app's stdout/stderr (output only)
        mt3620::ByteOutput& tx;
        mt3620::SerialCapture& capture;
        std::size_t slot;
    };
    Uart uart(const std::string& name) {
        if (name == "a7") return {nullptr, machine.a7Output(), machine.a7Capture(), kUartSlots};
        if (auto core = mt3620::parseCoreName(name); core && *core != mt3620::CoreId::A7) {
            mt3620::M4Subsystem& m = machine.m4(*core);
            return {m.debug_uart.get(), m.debug_uart->tx, m.debug_uart_capture, *core == mt3620::CoreId::M4_0 ? 0u : 1u};
        }
        if (name.size() == 4 && (name.starts_with("ISU") || name.starts_with("isu")) && name[3] >= '0' &&
            name[3] < static_cast<char>('0' + mt3620::kIsuCount)) {
            const unsigned n = static_cast<unsigned>(name[3] - '0');
            return {machine.shared().isu_uart[n].get(), machine.shared().isu_uart[n]->tx, machine.shared().isu_capture[n],
                    2 + n};
        }
        throw Error("unknown UART '" + name + "' (use m4-0, m4-1, ISU0-ISU4 or a7)");
    }
    mt3620::Board& board() {
        if (!machine.board()) throw Error("no board is loaded (Options::bare_chip)");
        return *machine.board();
    }
    mt3620::Led& led(const std::string& name) {
        mt3620::Led* l = board().led(name);
        if (!l) throw Error("no LED named '" + name + "' on the board");
        return *l;
    }
    mt3620::Button& button(const std::string& name) {
        mt3620::Button* b = board().button(name);
        if (!b) throw Error("no button named '" + name + "' on the board");
        return *b;
    }
    unsigned pin(unsigned gpio) const {
        if (gpio >= mt3620::PinBank::kPinCount)
            throw Error(fmt::format("unknown pin {} (GPIO 0-{})", gpio, mt3620::PinBank::kPinCount - 1));
        return gpio;
    }
    mt3620::M4Subsystem& m4(Core core) { return machine.m4(toCore(core)); }

    /// Runs with the options every run shares: an end timer so time passes while idle.
    StopReason run(Picoseconds duration, const std::function<bool()>& until, WhenIdle idle) {
        forgetFiredActions();
        const mt3620::Picos now = machine.now();
        const bool pass_time = idle == WhenIdle::PassTime && duration != kForever && duration < mt3620::kNever - now;
        if (pass_time) run_end.armAt(now + duration);
        StopReason why = toStop(machine.runFor(duration, until));
        run_end.cancel();
        return why;
    }

    /// Scheduled actions: one timer each, so actions at the same time as a peripheral's event
    /// keep the order in which they were scheduled. Fired ones are dropped between runs.
    void forgetFiredActions() {
        actions.remove_if([](const std::unique_ptr<mt3620::EventTimer>& t) { return !t->armed(); });
    }

    /// writeSerial: bytes waiting to reach a UART's receiver, one per character time.
    struct Writer {
        std::string bytes;
        std::size_t sent = 0;
        std::unique_ptr<mt3620::EventTimer> timer;
        std::size_t pending() const { return bytes.size() - sent; }
    };
    void write(const std::string& name, const std::string& bytes) {
        Uart u = uart(name);
        if (!u.uart) throw Error("'a7' is the A7 app's output stream: it takes no input");
        Writer& w = writers[u.slot];
        if (!w.timer) {
            mt3620::MtkUart* target = u.uart;
            w.timer = std::make_unique<mt3620::EventTimer>(machine.scheduler(), "write-serial " + name, [&w, target] {
                target->receiveByte(static_cast<std::uint8_t>(w.bytes[w.sent++]));
                if (w.pending() > 0) w.timer->armAfter(target->characterTime());
            });
        }
        if (w.pending() == 0) {
            w.bytes.clear();
            w.sent = 0;
        }
        const bool idle = w.pending() == 0;
        w.bytes += bytes;
        if (idle && !bytes.empty()) w.timer->armAt(machine.now());
    }

    // Owned things the machine's models point at are declared before it, so they outlive it.
    std::vector<std::unique_ptr<FunctionByteSink>> serial_listeners;
    std::vector<std::unique_ptr<mt3620::VcdWriter>> vcds;  // pin listeners cannot be removed
    mt3620::Machine machine;
    // Things that point at the machine are declared after it.
    mt3620::EventTimer run_end{machine.scheduler(), "run end", [] {}};
    std::list<std::unique_ptr<mt3620::EventTimer>> actions;
    std::array<Writer, kUartSlots + 1> writers;  // + "a7" (never written)
    std::vector<std::unique_ptr<mt3620::gdb::GdbServer>> gdb_servers;
    std::vector<mt3620::gdb::GdbServer*> gdb_server_ptrs;
    std::vector<std::function<void(const DeviceEvent&)>> device_listeners;
};

Picoseconds parseDuration(const std::string& text) {
    auto d = mt3620::parseDuration(text);
    if (!d) throw Error("'" + text + "' is not a duration with a unit (e.g. 500ms, 2s)");
    return *d;
}

const char* describe(StopReason reason) {
    switch (reason) {
        case StopReason::TimeLimit: return mt3620::Machine::stopReasonName(mt3620::Machine::StopReason::TimeLimit);
        case StopReason::Condition: return mt3620::Machine::stopReasonName(mt3620::Machine::StopReason::Condition);
        case StopReason::Idle: return mt3620::Machine::stopReasonName(mt3620::Machine::StopReason::Idle);
        case StopReason::Halted: return mt3620::Machine::stopReasonName(mt3620::Machine::StopReason::Halted);
        case StopReason::Debug: return mt3620::Machine::stopReasonName(mt3620::Machine::StopReason::Debug);
        case StopReason::Killed: return "killed by the debugger";
    }
    return "?";
}

Machine::Machine(const Options& options) : impl_(std::make_unique<Impl>(options)) {}
Machine::~Machine() = default;
Machine::Machine(Machine&&) noexcept = default;
Machine& Machine::operator=(Machine&&) noexcept = default;

void Machine::loadRtApp(Core core, const std::string& elf_path) { loadRtApp(core, elf_path, ""); }

void Machine::loadRtApp(Core core, const std::string& path, const std::string& manifest_path) {
    try {
        mt3620::loadRtAppFromPath(impl_->machine, toCore(core), path, manifest_path);
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

void Machine::loadRtApp(Core core, const std::string& name, const std::vector<std::uint8_t>& elf,
                        const std::string& manifest_json) {
    try {
        impl_->machine.loadRtApp(toCore(core), mt3620::RtAppImage::fromBytes(name, elf),
                                 mt3620::AppManifest::parse(name + ": app_manifest.json", manifest_json));
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

void Machine::loadRtApp(Core core, const std::string& name, const std::vector<std::uint8_t>& elf) {
    try {
        impl_->machine.loadRtApp(toCore(core), mt3620::RtAppImage::fromBytes(name, elf));
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

void Machine::loadHlApp(const std::string& elf_path, const std::vector<std::string>& args,
                        const std::vector<std::string>& env) {
    HlAppOptions options;
    options.args = args;
    options.env = env;
    loadHlApp(elf_path, options);
}

void Machine::loadHlApp(const std::string& app_dir_or_elf, const HlAppOptions& options) {
    try {
        mt3620::os::HlAppPackage pkg =
            mt3620::os::resolveHlApp(app_dir_or_elf, options.manifest, options.args, options.env);
        mt3620::os::AppDeviceOptions devices;
        devices.applibs = options.applibs.empty() ? mt3620::os::findGuestApplibs() : options.applibs;
        devices.storage_dir = options.storage_dir;
        devices.device_dir = options.device_dir;
        mt3620::Machine& m = impl_->machine;
        // Each device draws its own reproducible random stream (pluton/Rng.h).
        if (!devices.device_dir.empty()) reseedForDevice(m, devices.device_dir);
        if (devices.applibs.empty())
            m.log().warn("a7", "libapplibs.so.0 not found (give --applibs): apps that use applibs cannot start");
        if (!pkg.manifest_path.empty()) m.claimForHlApp(pkg.manifest);  // refused if an RTApp holds a peripheral
        mt3620::os::HlProcess& app = m.loadHlApp(pkg.spec);
        mt3620::os::installAppDevices(app, m.shared(), pkg.manifest, devices);
        mt3620::os::installIntercore(app, m, pkg.manifest);
        mt3620::os::installHostNetwork(app, pkg.manifest, options.network);
        if (!pkg.manifest_path.empty())
            m.log().info("a7", "app manifest {}: {} ({})", pkg.manifest_path, pkg.manifest.name,
                         pkg.manifest.componentId.toString());
        for (const std::string& w : pkg.manifest.warnings) m.log().warn("a7", "{}: {}", pkg.manifest_path, w);
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

std::string Machine::hlAppStatus() const {
    const mt3620::os::HlProcess* p = impl_->machine.hlApp();
    return p ? p->statusLine() : "not loaded";
}

std::optional<int> Machine::hlAppExitStatus() const {
    const mt3620::os::HlProcess* p = impl_->machine.hlApp();
    if (!p || p->status() == mt3620::os::HlProcess::Status::Running) return std::nullopt;
    return p->exitCode();
}

bool Machine::stopHlApp() {
    return mt3620::os::stopHlApp(impl_->machine) == mt3620::os::HlStopResult::Exited;
}

void Machine::restartCore(Core core, const std::string& reason) { impl_->machine.restartCore(toCore(core), reason); }

// --- Running ---------------------------------------------------------------------------------

StopReason Machine::runFor(Picoseconds duration, WhenIdle idle) { return impl_->run(duration, {}, idle); }

StopReason Machine::runUntil(const std::function<bool()>& condition, Picoseconds timeout, WhenIdle idle) {
    return impl_->run(timeout, condition, idle);
}

bool Machine::runUntilSerial(const std::string& uart, const std::string& pattern, Picoseconds timeout) {
    const mt3620::SerialCapture& cap = impl_->uart(uart).capture;
    std::regex re;
    try {
        re = std::regex(pattern);
    } catch (const std::regex_error& e) {
        throw Error("'" + pattern + "' is not a valid regular expression: " + e.what());
    }
    std::size_t checked = 0;
    auto seen = [&] {
        // Only re-test when new text arrived.
        if (cap.text().size() == checked) return false;
        checked = cap.text().size();
        return std::regex_search(cap.text(), re);
    };
    if (seen()) return true;
    return impl_->run(timeout, seen, WhenIdle::Stop) == StopReason::Condition;
}

Picoseconds Machine::now() const { return impl_->machine.now(); }

void Machine::schedule(Picoseconds time, std::function<void()> action) {
    auto timer = std::make_unique<mt3620::EventTimer>(impl_->machine.scheduler(), "scheduled action", std::move(action));
    timer->armAt(std::max(time, impl_->machine.now()));
    impl_->actions.push_back(std::move(timer));
}

// --- UARTs -----------------------------------------------------------------------------------

const std::string& Machine::serialOutput(const std::string& uart) const { return impl_->uart(uart).capture.text(); }

std::vector<SerialLine> Machine::serialLines(const std::string& uart) const {
    std::vector<SerialLine> out;
    for (const auto& l : impl_->uart(uart).capture.lines()) out.push_back(SerialLine{l.text, l.time});
    return out;
}

void Machine::writeSerial(const std::string& uart, const std::string& bytes) { impl_->write(uart, bytes); }

std::size_t Machine::serialWritePending(const std::string& uart) const {
    return impl_->writers[impl_->uart(uart).slot].pending();
}

void Machine::onSerialOutput(const std::string& uart, std::function<void(char, Picoseconds)> listener) {
    Impl::Uart u = impl_->uart(uart);
    impl_->serial_listeners.push_back(std::make_unique<FunctionByteSink>(std::move(listener)));
    u.tx.connect(impl_->serial_listeners.back().get());
}

// --- Pins and board devices ------------------------------------------------------------------

bool Machine::pinLevel(unsigned gpio) const { return impl_->machine.pins().level(impl_->pin(gpio)); }
bool Machine::pinDrivenByChip(unsigned gpio) const { return impl_->machine.pins().chipDriven(impl_->pin(gpio)); }
void Machine::setPin(unsigned gpio, std::optional<bool> level) {
    impl_->machine.pins().setExternal(impl_->pin(gpio), level);
}

PwmState Machine::pwm(unsigned gpio) const {
    using mt3620::PwmController;
    constexpr unsigned kPwmPins = PwmController::kControllers * PwmController::kChannels;
    if (gpio >= kPwmPins)
        throw Error(fmt::format("pin {} has no PWM channel (PWM controllers drive GPIO 0-{})", gpio, kPwmPins - 1));
    PwmState s;
    s.controller = gpio / PwmController::kChannels;
    s.channel = gpio % PwmController::kChannels;
    PwmController::ChannelState c = impl_->machine.shared().pwm[s.controller]->channel(s.channel);
    s.running = c.running;
    s.duty = c.duty;
    s.period = c.period;
    s.inverted = c.inverted;
    return s;
}

std::vector<std::string> Machine::leds() const {
    std::vector<std::string> names;
    if (impl_->machine.board())
        for (const mt3620::Led* l : impl_->machine.board()->leds()) names.push_back(l->name());
    return names;
}

std::vector<std::string> Machine::buttons() const {
    std::vector<std::string> names;
    if (impl_->machine.board())
        for (const mt3620::Button* b : impl_->machine.board()->buttons()) names.push_back(b->name());
    return names;
}

bool Machine::ledOn(const std::string& led) const { return impl_->led(led).isOn(); }
std::optional<double> Machine::ledDutyCycle(const std::string& led) const { return impl_->led(led).dutyCycle(); }
PwmState Machine::ledPwm(const std::string& led) const { return pwm(impl_->led(led).pin()); }
void Machine::pressButton(const std::string& button) { impl_->button(button).press(); }
void Machine::releaseButton(const std::string& button) { impl_->button(button).release(); }
bool Machine::buttonPressed(const std::string& button) const { return impl_->button(button).isPressed(); }

std::string Machine::buttonForKey(char key) const {
    const mt3620::Button* b = impl_->machine.board() ? impl_->machine.board()->buttonForKey(key) : nullptr;
    return b ? b->name() : std::string();
}

void Machine::setAdcVolts(unsigned channel, double volts) {
    if (channel >= mt3620::AdcController::kChannels)
        throw Error(fmt::format("ADC channel {} out of range (0-{})", channel, mt3620::AdcController::kChannels - 1));
    impl_->machine.shared().adc->setChannelSource(channel, [volts](mt3620::Picos) { return volts; });
}

void Machine::recordVcd(const std::string& path) {
    mt3620::Board& board = impl_->board();
    finishVcd();
    try {
        impl_->vcds.push_back(std::make_unique<mt3620::VcdWriter>(path, impl_->machine.pins(),
                                                                  mt3620::VcdWriter::signalsFor(board), now(), board.name()));
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

void Machine::finishVcd() {
    if (!impl_->vcds.empty()) impl_->vcds.back()->close(now());
}

// --- Inspection ------------------------------------------------------------------------------

std::uint32_t Machine::readWord(Core core, std::uint32_t address) {
    std::uint32_t v = 0;
    if (!impl_->m4(core).core.debugRead(address, &v, 4)) throw Error(fmt::format("nothing answers at {:#010x}", address));
    return v;
}

void Machine::writeWord(Core core, std::uint32_t address, std::uint32_t value) {
    if (!impl_->m4(core).core.debugWrite(address, &value, 4))
        throw Error(fmt::format("nothing answers at {:#010x}", address));
}

std::uint32_t Machine::coreRegister(Core core, const std::string& name) const {
    static const std::map<std::string, int> regs = {
        {"r0", UC_ARM_REG_R0},   {"r1", UC_ARM_REG_R1},   {"r2", UC_ARM_REG_R2},   {"r3", UC_ARM_REG_R3},
        {"r4", UC_ARM_REG_R4},   {"r5", UC_ARM_REG_R5},   {"r6", UC_ARM_REG_R6},   {"r7", UC_ARM_REG_R7},
        {"r8", UC_ARM_REG_R8},   {"r9", UC_ARM_REG_R9},   {"r10", UC_ARM_REG_R10}, {"r11", UC_ARM_REG_R11},
        {"r12", UC_ARM_REG_R12}, {"sp", UC_ARM_REG_SP},   {"lr", UC_ARM_REG_LR},   {"pc", UC_ARM_REG_PC},
        {"xpsr", UC_ARM_REG_XPSR}, {"msp", UC_ARM_REG_MSP}, {"psp", UC_ARM_REG_PSP},
        {"control", UC_ARM_REG_CONTROL}, {"primask", UC_ARM_REG_PRIMASK}, {"basepri", UC_ARM_REG_BASEPRI}};
    auto it = regs.find(name);
    if (it == regs.end()) throw Error("unknown core register '" + name + "'");
    return impl_->m4(core).core.readReg(it->second);
}

bool Machine::halted(Core core) const { return impl_->m4(core).core.state() == mt3620::CoreState::Halted; }

std::string Machine::lastFault(Core core) const { return impl_->m4(core).core.faultReport(); }

std::uint64_t Machine::instructions(Core core) const { return impl_->m4(core).core.instructions(); }

void Machine::log(const std::string& level, const std::string& who, const std::string& message) {
    auto lvl = spdlog::level::from_str(level);
    if (lvl == spdlog::level::off && level != "off")
        throw Error("unknown log level '" + level + "' (trace, debug, info, warn, error, off)");
    impl_->machine.log().log(lvl, who, "{}", message);
}

void Machine::onDeviceEvent(std::function<void(const DeviceEvent&)> listener) {
    Impl& impl = *impl_;
    if (impl.device_listeners.empty()) {
        impl.machine.setEventListener([&impl](const mt3620::MachineEvent& e) {
            using In = mt3620::MachineEvent::Kind;
            using Out = DeviceEvent::Kind;
            const Out kind = e.kind == In::WatchdogReset ? Out::WatchdogReset
                             : e.kind == In::FirewallDenial ? Out::FirewallDenial
                             : e.kind == In::AppCrash ? Out::AppCrash
                                                      : Out::AppExit;
            DeviceEvent d{kind, std::string(mt3620::coreName(e.core)), e.time, e.detail};
            for (const auto& l : impl.device_listeners) l(d);
        });
    }
    impl.device_listeners.push_back(std::move(listener));
}

// --- Debugging -------------------------------------------------------------------------------

int Machine::attachGdb(Core core, const GdbOptions& options) {
    Impl& im = *impl_;
    auto server = std::make_unique<mt3620::gdb::GdbServer>(im.machine, toCore(core), options.host, options.port);
    if (std::string error = server->start(); !error.empty()) throw Error(error);
    if (options.wait_for_attach) server->holdAtStart();
    im.gdb_server_ptrs.push_back(server.get());
    im.gdb_servers.push_back(std::move(server));
    // Every run serves the debuggers between rounds (all-stop while one holds its core).
    im.machine.setRoundHook([&im] { mt3620::gdb::serveBetweenRounds(im.gdb_server_ptrs); });
    return im.gdb_servers.back()->port();
}

StopReason Machine::runDebugSession(Picoseconds duration) {
    Impl& im = *impl_;
    if (im.gdb_servers.empty()) return runFor(duration);
    im.forgetFiredActions();
    const mt3620::Picos now = im.machine.now();
    const mt3620::Picos limit = duration >= mt3620::kNever - now ? mt3620::kNever : now + duration;
    // runWithGdb serves the debuggers itself, between slices.
    im.machine.setRoundHook({});
    mt3620::gdb::GdbRunResult r = mt3620::gdb::runWithGdb(im.machine, im.gdb_server_ptrs, limit);
    im.machine.setRoundHook([&im] { mt3620::gdb::serveBetweenRounds(im.gdb_server_ptrs); });
    return r.killed ? StopReason::Killed : toStop(r.why);
}

}  // namespace mt3620emu
