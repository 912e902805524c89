// The public embedding API (include/mt3620emu/Machine.h), a thin layer over the internal
// mt3620::Machine. The CLI's default board and this API share the built-in RDB description.
#include <mt3620emu/Machine.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <unicorn/unicorn.h>

#include <map>
#include <regex>

#include "board/Board.h"
#include "board/BoardFile.h"
#include "board/Button.h"
#include "board/Led.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "periph/AdcController.h"
#include "periph/MtkUart.h"

namespace mt3620emu {

namespace {
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
}  // namespace

struct Machine::Impl {
    explicit Impl(const Options& o) : machine(makeConfig(o)) {
        if (o.bare_chip) return;
        try {
            machine.loadBoard(mt3620::BoardFile::loadOrBuiltIn(o.board_file));
        } catch (const std::exception& e) {
            throw Error(e.what());
        }
    }
    static mt3620::MachineConfig makeConfig(const Options& o) {
        mt3620::MachineConfig c;
        c.logger = std::make_shared<spdlog::logger>("mt3620emu", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        c.logger->set_pattern("%^%l%$ %v");
        c.logger->set_level(spdlog::level::from_str(o.log_level));
        return c;
    }
    mt3620::M4Subsystem& uart(const std::string& name) {
        auto core = mt3620::parseCoreName(name);
        if (!core || *core == mt3620::CoreId::A7) throw Error("unknown UART '" + name + "' (use m4-0 or m4-1)");
        return machine.m4(*core);
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
    mt3620::Machine machine;
};

Picoseconds parseDuration(const std::string& text) {
    auto d = mt3620::parseDuration(text);
    if (!d) throw Error("'" + text + "' is not a duration with a unit (e.g. 500ms, 2s)");
    return *d;
}

Machine::Machine(const Options& options) : impl_(std::make_unique<Impl>(options)) {}
Machine::~Machine() = default;
Machine::Machine(Machine&&) noexcept = default;
Machine& Machine::operator=(Machine&&) noexcept = default;

void Machine::loadRtApp(Core core, const std::string& elf_path) {
    try {
        impl_->machine.loadRtApp(toCore(core), mt3620::RtAppImage::load(elf_path));
    } catch (const std::exception& e) {
        throw Error(e.what());
    }
}

StopReason Machine::runFor(Picoseconds duration) { return toStop(impl_->machine.runFor(duration)); }

StopReason Machine::runUntil(const std::function<bool()>& condition, Picoseconds timeout) {
    return toStop(impl_->machine.runFor(timeout, condition));
}

bool Machine::runUntilSerial(const std::string& uart, const std::string& pattern, Picoseconds timeout) {
    const mt3620::SerialCapture& cap = impl_->uart(uart).debug_uart_capture;
    std::regex re(pattern);
    std::size_t checked = 0;
    auto seen = [&] {
        // Only re-test when new text arrived.
        if (cap.text().size() == checked) return false;
        checked = cap.text().size();
        return std::regex_search(cap.text(), re);
    };
    if (seen()) return true;
    return impl_->machine.runFor(timeout, seen) == mt3620::Machine::StopReason::Condition;
}

Picoseconds Machine::now() const { return impl_->machine.now(); }

std::string Machine::serialOutput(const std::string& uart) const { return impl_->uart(uart).debug_uart_capture.text(); }

std::vector<SerialLine> Machine::serialLines(const std::string& uart) const {
    std::vector<SerialLine> out;
    for (const auto& l : impl_->uart(uart).debug_uart_capture.lines()) out.push_back(SerialLine{l.text, l.time});
    return out;
}

void Machine::writeSerial(const std::string& uart, const std::string& bytes) {
    for (char c : bytes) impl_->uart(uart).debug_uart->receiveByte(static_cast<std::uint8_t>(c));
}

bool Machine::pinLevel(unsigned gpio) const { return impl_->machine.pins().level(gpio); }
void Machine::setPin(unsigned gpio, std::optional<bool> level) { impl_->machine.pins().setExternal(gpio, level); }
bool Machine::ledOn(const std::string& led) const { return impl_->led(led).isOn(); }
std::optional<double> Machine::ledDutyCycle(const std::string& led) const { return impl_->led(led).dutyCycle(); }
void Machine::pressButton(const std::string& button) { impl_->button(button).press(); }
void Machine::releaseButton(const std::string& button) { impl_->button(button).release(); }

void Machine::setAdcVolts(unsigned channel, double volts) {
    if (channel > 7) throw Error("ADC channel " + std::to_string(channel) + " out of range (0-7)");
    impl_->machine.shared().adc->setChannelSource(channel, [volts](mt3620::Picos) { return volts; });
}

std::uint32_t Machine::readWord(Core core, std::uint32_t address) {
    std::uint32_t v = 0;
    if (!impl_->machine.m4(toCore(core)).core.debugRead(address, &v, 4))
        throw Error("nothing answers at address " + std::to_string(address));
    return v;
}

void Machine::writeWord(Core core, std::uint32_t address, std::uint32_t value) {
    if (!impl_->machine.m4(toCore(core)).core.debugWrite(address, &value, 4))
        throw Error("nothing answers at address " + std::to_string(address));
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
    return impl_->machine.m4(toCore(core)).core.readReg(it->second);
}

bool Machine::halted(Core core) const {
    return impl_->machine.m4(toCore(core)).core.state() == mt3620::CoreState::Halted;
}

std::string Machine::lastFault(Core core) const { return impl_->machine.m4(toCore(core)).core.faultReport(); }

std::uint64_t Machine::instructions(Core core) const { return impl_->machine.m4(toCore(core)).core.instructions(); }

}  // namespace mt3620emu
