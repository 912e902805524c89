#include "scenario/Steps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include <mt3620emu/Machine.h>

#include "board/BoardError.h"
#include "periph/AdcController.h"
#include "periph/PinBank.h"
#include "periph/PwmController.h"

namespace mt3620::scenario {

// ---------------------------------------------------------------------------------------------
// Run context
// ---------------------------------------------------------------------------------------------

RunContext::RunContext(mt3620emu::Machine& m, const Scenario& s) : machine(m), scenario(s) {}

StepStatus RunContext::fail(const Step& step, const std::string& message) {
    if (failure.empty()) failure = fmt::format("{} at {}: {}", step.label, formatSeconds(machine.now()), message);
    return StepStatus::Failed;
}

std::string uartName(UartId id) {
    return isDebugUart(id) ? std::string(coreName(static_cast<CoreId>(id))) : "ISU" + std::to_string(id - kIsuUartId);
}

mt3620emu::Core apiCore(CoreId core) { return core == CoreId::M4_1 ? mt3620emu::Core::M4_1 : mt3620emu::Core::M4_0; }

const std::string& RunContext::output(UartId id) { return machine.serialOutput(uartName(id)); }

namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// A UART line as messages show it: quoted, control characters escaped, long lines cut.
std::string quote(std::string_view s, std::size_t max = 120) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == max) {
            out += "...";
            break;
        }
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
    return out + "\"";
}

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t p = 0;
    while (p < text.size()) {
        std::size_t nl = text.find('\n', p);
        std::string_view line = text.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (nl == std::string_view::npos) break;
        p = nl + 1;
    }
    return lines;
}

/// What a UART printed after `cursor`: its last few non-empty lines, or what came before.
std::string sawSince(const std::string& text, std::size_t cursor) {
    std::vector<std::string> fresh;
    for (std::string& l : splitLines(std::string_view(text).substr(std::min(cursor, text.size()))))
        if (!l.empty()) fresh.push_back(std::move(l));
    if (fresh.empty()) {
        if (text.empty()) return "saw nothing (the UART printed nothing)";
        std::vector<std::string> before;
        for (std::string& l : splitLines(std::string_view(text).substr(0, std::min(cursor, text.size()))))
            if (!l.empty()) before.push_back(std::move(l));
        return before.empty() ? "saw nothing new" : "saw nothing new after " + quote(before.back());
    }
    const std::size_t n = std::min<std::size_t>(fresh.size(), 3);
    std::string out = "saw: ";
    if (fresh.size() > n) out += "... ";
    for (std::size_t i = fresh.size() - n; i < fresh.size(); ++i)
        out += quote(fresh[i]) + (i + 1 < fresh.size() ? ", " : "");
    return out;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

/// Text or regular expression to look for in a UART's output.
struct Pattern {
    bool is_regex = false;
    std::string text;
    std::regex re;

    std::string describe() const { return is_regex ? "/" + text + "/" : quote(text); }

    /// Searches `text` from `from`; complete lines only for a regex (so a partial line cannot
    /// match early), unless `partial` is set. Returns the end of the match.
    std::optional<std::size_t> find(const std::string& out, std::size_t from, bool partial = false) const {
        if (from > out.size()) return std::nullopt;
        if (!is_regex) {
            std::size_t pos = out.find(text, from);
            if (pos == std::string::npos) return std::nullopt;
            return pos + text.size();
        }
        std::size_t p = from;
        for (;;) {
            std::size_t nl = out.find('\n', p);
            if (nl == std::string::npos && !partial) return std::nullopt;
            std::size_t end = nl == std::string::npos ? out.size() : nl;
            std::string line = out.substr(p, end - p);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (std::regex_search(line, re)) return nl == std::string::npos ? out.size() : nl + 1;
            if (nl == std::string::npos) return std::nullopt;
            p = nl + 1;
        }
    }
    /// Where a later search may start without missing a match that `out` could still complete.
    std::size_t resume(const std::string& out, std::size_t from) const {
        if (!is_regex) return out.size() >= text.size() ? std::max(from, out.size() - text.size() + 1) : from;
        std::size_t nl = out.rfind('\n');
        return nl == std::string::npos || nl + 1 < from ? from : nl + 1;
    }
};

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

class Sequence : public Step {
public:
    explicit Sequence(std::vector<std::unique_ptr<Step>> steps) : steps_(std::move(steps)) { kind = "sequence"; }
    bool composite() const override { return true; }
    void start(RunContext&) override {
        index_ = 0;
        started_ = false;
    }
    StepStatus poll(RunContext& ctx) override {
        while (index_ < steps_.size()) {
            Step& s = *steps_[index_];
            if (!started_) {
                s.start(ctx);
                started_ = true;
                ctx.progressed = true;
            }
            StepStatus st = s.poll(ctx);
            if (st == StepStatus::Failed) return st;
            if (st == StepStatus::Pending) {
                if (!s.composite() && !ctx.pending) ctx.pending = &s;
                return st;
            }
            ++index_;
            started_ = false;
            ctx.progressed = true;
        }
        return StepStatus::Done;
    }
    Picos wakeAt() const override { return index_ < steps_.size() && started_ ? steps_[index_]->wakeAt() : kNever; }

private:
    std::vector<std::unique_ptr<Step>> steps_;
    std::size_t index_ = 0;
    bool started_ = false;
};

class Parallel : public Step {
public:
    std::vector<std::unique_ptr<Step>> branches;
    bool composite() const override { return true; }
    void start(RunContext& ctx) override {
        for (auto& b : branches) b->start(ctx);
    }
    StepStatus poll(RunContext& ctx) override {
        bool all_done = true;
        for (auto& b : branches) {
            StepStatus st = b->poll(ctx);
            if (st == StepStatus::Failed) return st;
            all_done &= st == StepStatus::Done;
        }
        return all_done ? StepStatus::Done : StepStatus::Pending;
    }
    Picos wakeAt() const override {
        Picos t = kNever;
        for (const auto& b : branches) t = std::min(t, b->wakeAt());
        return t;
    }
};

class WaitSerial : public Step {
public:
    UartId uart = debugUartId(CoreId::M4_0);
    Pattern pattern;
    std::optional<Picos> timeout;

    void start(RunContext& ctx) override {
        deadline_ = timeout ? ctx.machine.now() + *timeout : kNever;
        halted_at_ = kNever;
        scan_ = ctx.cursor[uart];
    }
    StepStatus poll(RunContext& ctx) override {
        std::size_t& cursor = ctx.cursor[uart];
        const std::string& out = ctx.output(uart);
        if (auto end = pattern.find(out, std::max(cursor, scan_))) {
            cursor = *end;
            return StepStatus::Done;
        }
        scan_ = pattern.resume(out, std::max(cursor, scan_));
        if (ctx.machine.now() >= deadline_)
            return ctx.fail(*this, fmt::format("expected {} on {} within {}, {}", pattern.describe(), uartName(uart),
                                               formatDuration(*timeout), sawSince(out, cursor)));
        // A halted core prints nothing more once its UART has sent what is in the FIFO (16
        // characters: under 2 ms at 115200 baud), so fail soon after instead of at the timeout.
        // Neither does an A7 app that ended.
        if (!isDebugUart(uart) || !silenced(ctx)) {
            halted_at_ = kNever;
        } else if (halted_at_ == kNever) {
            halted_at_ = ctx.machine.now();
            ctx.progressed = true;  // wakeAt() moved earlier
        } else if (ctx.machine.now() >= halted_at_ + kHaltGrace) {
            return ctx.fail(*this, fmt::format("expected {} on {}, but {}; {}", pattern.describe(), uartName(uart),
                                               whySilent(ctx), sawSince(out, cursor)));
        }
        return StepStatus::Pending;
    }
    Picos wakeAt() const override { return halted_at_ == kNever ? deadline_ : std::min(deadline_, halted_at_ + kHaltGrace); }
    std::string waitingFor(RunContext& ctx) const override {
        return fmt::format("expected {} on {}, {}", pattern.describe(), uartName(uart),
                           sawSince(ctx.output(uart), ctx.cursor[uart]));
    }

private:
    bool isA7() const { return uart == debugUartId(CoreId::A7); }
    bool silenced(RunContext& ctx) const {
        return isA7() ? ctx.machine.hlAppExitStatus().has_value() : ctx.machine.halted(apiCore(static_cast<CoreId>(uart)));
    }
    std::string whySilent(RunContext& ctx) const {
        if (isA7()) return "the app " + ctx.machine.hlAppStatus();
        return "the core halted: " + firstLine(ctx.machine.lastFault(apiCore(static_cast<CoreId>(uart))));
    }
    static constexpr Picos kHaltGrace = 5 * kPicosPerMilli;
    Picos deadline_ = kNever;
    Picos halted_at_ = kNever;
    std::size_t scan_ = 0;
};

class ExpectSerialNot : public Step {
public:
    UartId uart = debugUartId(CoreId::M4_0);
    Pattern pattern;
    std::optional<Picos> duration;

    void start(RunContext& ctx) override { until_ = ctx.machine.now() + duration.value_or(0); }
    StepStatus poll(RunContext& ctx) override {
        const std::string& out = ctx.output(uart);
        std::size_t from = ctx.cursor[uart];
        if (auto end = pattern.find(out, from, true)) {
            // Show the line that holds (the end of) the match.
            std::size_t probe = *end - 1;
            while (probe > 0 && (out[probe] == '\n' || out[probe] == '\r')) --probe;
            std::size_t line_start = out.rfind('\n', probe);
            line_start = line_start == std::string::npos ? 0 : line_start + 1;
            std::vector<std::string> lines = splitLines(std::string_view(out).substr(line_start));
            std::string line = lines.empty() ? "" : lines.front();
            return ctx.fail(*this, fmt::format("did not expect {} on {}, saw: {}", pattern.describe(), uartName(uart),
                                               quote(line)));
        }
        return ctx.machine.now() >= until_ ? StepStatus::Done : StepStatus::Pending;
    }
    Picos wakeAt() const override { return until_; }
    std::string waitingFor(RunContext&) const override {
        return fmt::format("watching {} for {}", uartName(uart), pattern.describe());
    }

private:
    Picos until_ = 0;
};

class WriteSerial : public Step {
public:
    UartId uart = debugUartId(CoreId::M4_0);
    std::string text;

    // The machine sends one byte per character time, as a terminal at the UART's baud rate
    // would; its pacing events wake the runner, so no wakeAt is needed.
    void start(RunContext& ctx) override { ctx.machine.writeSerial(uartName(uart), text); }
    StepStatus poll(RunContext& ctx) override {
        return ctx.machine.serialWritePending(uartName(uart)) == 0 ? StepStatus::Done : StepStatus::Pending;
    }
    std::string waitingFor(RunContext& ctx) const override {
        const std::size_t left = std::min(ctx.machine.serialWritePending(uartName(uart)), text.size());
        return fmt::format("sending {} to {} ({} of {} bytes sent)", quote(text), uartName(uart), text.size() - left,
                           text.size());
    }
};

class SetPin : public Step {
public:
    unsigned pin = 0;
    std::optional<bool> level;
    void start(RunContext& ctx) override { ctx.machine.setPin(pin, level); }
    StepStatus poll(RunContext&) override { return StepStatus::Done; }
};

class Press : public Step {
public:
    std::string button;
    std::optional<Picos> hold;
    void start(RunContext& ctx) override {
        ctx.machine.pressButton(button);
        until_ = hold ? ctx.machine.now() + *hold : 0;
    }
    StepStatus poll(RunContext& ctx) override {
        if (ctx.machine.now() < until_) return StepStatus::Pending;
        if (hold && ctx.machine.buttonPressed(button)) ctx.machine.releaseButton(button);
        return StepStatus::Done;
    }
    Picos wakeAt() const override { return hold ? until_ : kNever; }
    std::string waitingFor(RunContext&) const override { return "holding button " + button; }

private:
    Picos until_ = 0;
};

class Release : public Step {
public:
    std::string button;
    void start(RunContext& ctx) override { ctx.machine.releaseButton(button); }
    StepStatus poll(RunContext&) override { return StepStatus::Done; }
};

const char* levelName(bool high) { return high ? "high" : "low"; }

class ExpectPin : public Step {
public:
    unsigned pin = 0;
    std::optional<bool> level;  // pin form
    std::string led;            // LED form
    bool on = true;
    StepStatus poll(RunContext& ctx) override {
        bool now_level = ctx.machine.pinLevel(pin);
        if (!led.empty()) {
            const bool lit = ctx.machine.ledOn(led);
            if (lit == on) return StepStatus::Done;
            return ctx.fail(*this, fmt::format("expected LED {} {}, it is {} (pin {} {})", led, on ? "on" : "off",
                                               lit ? "on" : "off", pin, levelName(now_level)));
        }
        if (now_level == *level) return StepStatus::Done;
        return ctx.fail(*this, fmt::format("expected pin {} {}, it is {}{}", pin, levelName(*level), levelName(now_level),
                                           ctx.machine.pinDrivenByChip(pin) ? "" : " (not driven by the chip)"));
    }
};

std::string percent(double fraction) { return fmt::format("{:g}%", std::round(fraction * 1e4) / 100); }

class ExpectPwm : public Step {
public:
    unsigned pin = 0;
    std::string led;
    bool running = true;
    std::optional<double> duty;
    std::optional<Picos> period;
    double tolerance = 0.01;
    std::optional<bool> inverted;

    StepStatus poll(RunContext& ctx) override {
        const mt3620emu::PwmState s = ctx.machine.pwm(pin);
        std::string where = led.empty() ? fmt::format("pin {}", pin) : fmt::format("LED {} (pin {})", led, pin);
        std::string seen = fmt::format("PWM{} channel {} reports {}, duty {}, period {}, polarity {}", s.controller, s.channel,
                                       s.running ? "running" : "stopped", percent(s.duty), formatDuration(s.period),
                                       s.inverted ? "inverted" : "normal");
        if (!running) {
            if (!s.running) return StepStatus::Done;
            return ctx.fail(*this, fmt::format("expected no PWM on {}; {}", where, seen));
        }
        bool ok = s.running;
        std::string want;
        if (duty) {
            ok &= std::fabs(s.duty - *duty) <= tolerance + 1e-9;
            want += fmt::format(" duty {} ± {}", percent(*duty), percent(tolerance));
        }
        if (period) {
            double rel = *period ? std::fabs(static_cast<double>(s.period) - static_cast<double>(*period)) /
                                       static_cast<double>(*period)
                                 : 0;
            ok &= rel <= tolerance + 1e-9;
            want += fmt::format("{} period {} ± {}", want.empty() ? "" : ",", formatDuration(*period), percent(tolerance));
        }
        if (inverted) {
            ok &= s.inverted == *inverted;
            want += fmt::format("{} polarity {}", want.empty() ? "" : ",", *inverted ? "inverted" : "normal");
        }
        if (ok) return StepStatus::Done;
        return ctx.fail(*this, fmt::format("expected PWM on {}{}; {}", where, want.empty() ? " running" : ":" + want, seen));
    }
};

class SetAdc : public Step {
public:
    unsigned channel = 0;
    double volts = 0;
    void start(RunContext& ctx) override { ctx.machine.setAdcVolts(channel, volts); }
    StepStatus poll(RunContext&) override { return StepStatus::Done; }
};

class Delay : public Step {
public:
    Picos duration = 0;
    void start(RunContext& ctx) override { until_ = ctx.machine.now() + duration; }
    StepStatus poll(RunContext& ctx) override {
        return ctx.machine.now() >= until_ ? StepStatus::Done : StepStatus::Pending;
    }
    Picos wakeAt() const override { return until_; }
    std::string waitingFor(RunContext&) const override {
        return fmt::format("waiting {} (until {})", formatDuration(duration), formatSeconds(until_));
    }

private:
    Picos until_ = 0;
};

class ExpectRegister : public Step {
public:
    CoreId core = CoreId::M4_0;
    std::uint32_t address = 0, value = 0, mask = 0xFFFF'FFFF;
    StepStatus poll(RunContext& ctx) override {
        std::uint32_t v = 0;
        try {
            v = ctx.machine.readWord(apiCore(core), address);
        } catch (const mt3620emu::Error&) {
            return ctx.fail(*this, fmt::format("nothing answers at {:#010x} on {}", address, coreName(core)));
        }
        if ((v & mask) == (value & mask)) return StepStatus::Done;
        if (mask == 0xFFFF'FFFF)
            return ctx.fail(*this, fmt::format("expected {:#010x} at {:#010x} on {}, read {:#010x}", value, address,
                                               coreName(core), v));
        return ctx.fail(*this, fmt::format("expected {:#010x} under mask {:#010x} at {:#010x} on {}, read {:#010x} "
                                           "({:#010x} under the mask)",
                                           value & mask, mask, address, coreName(core), v, v & mask));
    }
};

class ExpectFault : public Step {
public:
    CoreId core = CoreId::M4_0;
    std::string contains;
    std::optional<Picos> timeout;
    void start(RunContext& ctx) override { deadline_ = ctx.machine.now() + timeout.value_or(0); }
    StepStatus poll(RunContext& ctx) override {
        const std::string report = ctx.machine.lastFault(apiCore(core));
        if (!report.empty() && report.find(contains) != std::string::npos) return StepStatus::Done;
        if (ctx.machine.now() < deadline_) return StepStatus::Pending;
        return ctx.fail(*this, describe(report));
    }
    Picos wakeAt() const override { return deadline_; }
    std::string waitingFor(RunContext& ctx) const override { return describe(ctx.machine.lastFault(apiCore(core))); }

private:
    std::string describe(const std::string& report) const {
        std::string want = fmt::format("expected a fault on {}{}{}", coreName(core),
                                       contains.empty() ? "" : " mentioning " + quote(contains),
                                       timeout ? " within " + formatDuration(*timeout) : "");
        if (report.empty()) return want + ", but it has not faulted";
        return want + ", but the fault report does not mention it: " + quote(firstLine(report), 200);
    }
    Picos deadline_ = 0;
};

class ExpectNoFault : public Step {
public:
    std::vector<CoreId> cores;
    StepStatus poll(RunContext& ctx) override {
        for (CoreId c : cores) {
            if (c == CoreId::A7) {
                const std::optional<int> status = ctx.machine.hlAppExitStatus();
                if (status && *status >= 128)
                    return ctx.fail(*this, fmt::format("expected no fault on a7, but the app {}", ctx.machine.hlAppStatus()));
                continue;
            }
            const std::string report = ctx.machine.lastFault(apiCore(c));
            if (!report.empty())
                return ctx.fail(*this, fmt::format("expected no fault on {}, but: {}", coreName(c),
                                                   quote(firstLine(report), 200)));
            if (ctx.machine.halted(apiCore(c)))
                return ctx.fail(*this, fmt::format("expected no fault on {}, but it halted", coreName(c)));
        }
        return StepStatus::Done;
    }
};

/// The A7 app ended with an exit code or by a signal (Machine::hlAppExitStatus: 128 + signal).
class ExpectExit : public Step {
public:
    int status = 0;         // 0-255, or 128 + signal
    std::string expected;   // "exit code 0", "signal SIGABRT (6)"
    std::optional<Picos> timeout;
    void start(RunContext& ctx) override { deadline_ = timeout ? ctx.machine.now() + *timeout : kNever; }
    StepStatus poll(RunContext& ctx) override {
        const std::optional<int> got = ctx.machine.hlAppExitStatus();
        if (got && *got == status) return StepStatus::Done;
        if (got) return ctx.fail(*this, fmt::format("expected the a7 app to end with {}, but it {}", expected,
                                                    ctx.machine.hlAppStatus()));
        if (ctx.machine.now() < deadline_) return StepStatus::Pending;
        return ctx.fail(*this, waitingFor(ctx));
    }
    Picos wakeAt() const override { return deadline_; }
    std::string waitingFor(RunContext& ctx) const override {
        return fmt::format("expected the a7 app to end with {}{}, but it is {}", expected,
                           timeout ? " within " + formatDuration(*timeout) : "", ctx.machine.hlAppStatus());
    }

private:
    Picos deadline_ = kNever;
};

class Restart : public Step {
public:
    CoreId core = CoreId::M4_0;
    void start(RunContext& ctx) override { ctx.machine.restartCore(apiCore(core), "scenario restart step"); }
    StepStatus poll(RunContext&) override { return StepStatus::Done; }
};

class SnapshotUart : public Step {
public:
    UartId uart = debugUartId(CoreId::M4_0);
    std::string file;
    StepStatus poll(RunContext& ctx) override {
        std::error_code ec;
        std::filesystem::path p(file);
        if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        const std::string& text = ctx.output(uart);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.close();
        if (!out) return ctx.fail(*this, fmt::format("cannot write {}'s output to '{}'", uartName(uart), file));
        return StepStatus::Done;
    }
};

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

struct KindInfo {
    const char* name;
    const char* shorthand;  // field a bare scalar value stands for, or null
};
constexpr KindInfo kKinds[] = {
    {"wait-serial", "text"},      {"expect-serial-not", "text"}, {"write-serial", "text"},
    {"set-pin", nullptr},         {"press", "button"},           {"release", "button"},
    {"expect-pin", nullptr},      {"expect-pwm", nullptr},       {"set-adc", nullptr},
    {"delay", "for"},             {"expect-register", nullptr},  {"expect-fault", "contains"},
    {"expect-no-fault", "core"},  {"restart", "core"},           {"snapshot-uart", "file"},
    {"expect-exit", "code"},      {"parallel", nullptr},
};

const KindInfo* findKind(std::string_view name) {
    for (const KindInfo& k : kKinds)
        if (name == k.name) return &k;
    return nullptr;
}

std::string coreList(const Scenario& s) {
    std::string out;
    for (const CoreImage& c : s.cores) out += (out.empty() ? "" : ", ") + std::string(coreName(c.core));
    return out;
}

/// A core (or its debug UART) by name: m4-0, m4-1 or (where `a7_ok`) a7, running an image in
/// this scenario. Optional when only one core runs an image.
CoreId coreField(FieldReader& f, std::string_view key, const Scenario& s, std::string_view what, bool a7_ok = false) {
    std::optional<CoreId> id;
    std::string name;
    if (!f.has(key)) {
        f.optionalString(key);  // mark as known
        if (s.cores.size() != 1)
            f.failHere(fmt::format("{} is required when more than one core runs an image", f.fieldName(key)));
        id = s.cores.front().core;
        name = std::string(coreName(*id));
    } else {
        name = f.string(key);
        id = parseCoreName(name);
        if (!id) f.fail(key, fmt::format("unknown {} '{}' (known: m4-0, m4-1{})", what, name, a7_ok ? ", a7" : ""));
        if (!s.hasCore(*id))
            f.fail(key, fmt::format("{} '{}': no image runs on {} in this scenario (cores: {})", what, name, name, coreList(s)));
    }
    if (*id == CoreId::A7 && !a7_ok)
        f.fail(key, fmt::format("{} '{}': this step is for the M4 cores (an A7 app's end is checked with expect-exit)",
                                what, name));
    return *id;
}

/// A UART: a core's debug UART by the core's name (optional when one core runs an image), or
/// ISU0..ISU4 (isu0..isu4).
UartId uartField(FieldReader& f, const Scenario& s) {
    if (f.has("uart")) {
        std::string name = f.string("uart");
        if (name.size() == 4 && (name.starts_with("ISU") || name.starts_with("isu")) && name[3] >= '0' && name[3] <= '4')
            return kIsuUartId + static_cast<unsigned>(name[3] - '0');
        if (!parseCoreName(name))
            f.fail("uart", fmt::format("unknown UART '{}' (known: m4-0, m4-1: the cores' debug UARTs; a7: the A7 "
                                       "app's output; ISU0-ISU4)", name));
    }
    return debugUartId(coreField(f, "uart", s, "UART", true));
}

/// A GPIO pad: 8, GPIO8 or gpio8.
unsigned pinField(FieldReader& f, std::string_view key) {
    YAML::Node n = f.node(key);
    std::string text = n.IsScalar() ? n.Scalar() : "";
    std::string digits = text;
    if (digits.size() > 4 && (digits.starts_with("GPIO") || digits.starts_with("gpio"))) digits = digits.substr(4);
    unsigned long v = 0;
    bool ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) {
        v = std::stoul(digits.substr(0, 6));
        ok = v < PinBank::kPinCount;
        if (!ok) f.fail(key, fmt::format("unknown pin '{}' (GPIO 0-{})", text, PinBank::kPinCount - 1));
    }
    if (!ok) f.fail(key, fmt::format("{} must be a GPIO number such as 8 or GPIO8, not '{}'", f.fieldName(key), text));
    return static_cast<unsigned>(v);
}

template <class Spec>
std::vector<std::string> deviceNames(const Scenario& s) {
    std::vector<std::string> names;
    if (s.board)
        for (const DeviceSpec& d : s.board->devices)
            if (const Spec* spec = std::get_if<Spec>(&d)) names.push_back(spec->name);
    return names;
}

template <class Spec>
const Spec& deviceField(FieldReader& f, std::string_view key, const Scenario& s, std::string_view what) {
    std::string name = f.string(key);
    if (!s.board) f.fail(key, fmt::format("{} '{}': the scenario has no board (board: none)", what, name));
    for (const DeviceSpec& d : s.board->devices)
        if (const Spec* spec = std::get_if<Spec>(&d); spec && spec->name == name) return *spec;
    f.fail(key, fmt::format("unknown {} '{}' (board {} has: {})", what, name, s.board->board,
                            fmt::join(deviceNames<Spec>(s), ", ")));
}

bool levelField(FieldReader& f, std::string_view key) {
    std::string v = f.string(key);
    if (v == "high" || v == "1") return true;
    if (v == "low" || v == "0") return false;
    f.fail(key, fmt::format("{} must be high or low, not '{}'", f.fieldName(key), v));
}

std::optional<Picos> optionalDuration(FieldReader& f, std::string_view key) {
    if (!f.has(key)) {
        f.optionalString(key);
        return std::nullopt;
    }
    return f.period(key);
}

/// A fraction written 25% or 0.25.
double fractionField(FieldReader& f, std::string_view key) {
    YAML::Node n = f.node(key);
    std::string text = n.IsScalar() ? n.Scalar() : "";
    try {
        std::size_t used = 0;
        if (!text.empty() && text.back() == '%') {
            double v = std::stod(text.substr(0, text.size() - 1), &used);
            if (used == text.size() - 1 && v >= 0 && v <= 100) return v / 100;
        } else {
            double v = std::stod(text, &used);
            if (used == text.size() && v >= 0 && v <= 1) return v;
        }
    } catch (const std::exception&) {
    }
    f.fail(key, fmt::format("{} must be a percentage such as 25% or a fraction from 0 to 1, not '{}'",
                            f.fieldName(key), text));
}

std::uint32_t wordField(FieldReader& f, std::string_view key) {
    YAML::Node n = f.node(key);
    std::string text = n.IsScalar() ? n.Scalar() : "";
    try {
        std::size_t used = 0;
        unsigned long long v = std::stoull(text, &used, 0);
        if (used == text.size() && v <= 0xFFFF'FFFFull && !text.starts_with("-")) return static_cast<std::uint32_t>(v);
    } catch (const std::exception&) {
    }
    f.fail(key, fmt::format("{} must be a 32-bit number such as 0x21040014, not '{}'", f.fieldName(key), text));
}

Pattern patternField(FieldReader& f) {
    Pattern p;
    bool has_text = f.has("text"), has_regex = f.has("regex");
    if (has_text == has_regex) {
        f.optionalString("text");
        f.optionalString("regex");
        f.failHere(has_text ? "give either text or regex, not both" : "missing required field 'text' (or 'regex')");
    }
    if (has_text) {
        p.text = f.string("text");
        f.optionalString("regex");
    } else {
        f.optionalString("text");
        p.is_regex = true;
        p.text = f.string("regex");
        try {
            p.re = std::regex(p.text, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            f.fail("regex", fmt::format("regex '{}' is not a valid regular expression: {}", p.text, e.what()));
        }
    }
    return p;
}

/// SIGABRT, ABRT or 6 -> 6; 0 if it is none of those.
int signalNumber(std::string_view text) {
    static constexpr std::pair<std::string_view, int> kSignals[] = {
        {"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"TRAP", 5},  {"ABRT", 6},  {"BUS", 7},
        {"FPE", 8},   {"KILL", 9},  {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},
        {"TERM", 15}, {"CHLD", 17}, {"SYS", 31},
    };
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const int n = text.size() <= 2 ? std::stoi(std::string(text)) : 0;
        return n >= 1 && n <= 64 ? n : 0;
    }
    if (text.starts_with("SIG")) text.remove_prefix(3);
    for (const auto& [name, number] : kSignals)
        if (text == name) return number;
    return 0;
}

std::string stepLabel(const std::string& prefix, int index, std::string_view kind) {
    return fmt::format("{}step {} ({})", prefix, index, kind);
}

}  // namespace

const std::vector<std::string>& stepKinds() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const KindInfo& k : kKinds) v.emplace_back(k.name);
        return v;
    }();
    return names;
}

std::unique_ptr<Step> makeSequence(std::vector<std::unique_ptr<Step>> steps) {
    return std::make_unique<Sequence>(std::move(steps));
}

std::unique_ptr<Step> parseStep(const YAML::Node& node, const StepParseContext& pc, const std::string& prefix, int index) {
    const int line = lineOf(node);
    const Scenario& s = pc.scenario;
    BoardFileContext where = pc.file;
    where.device = fmt::format("{}step {}", prefix, index);

    std::string kind;
    YAML::Node value;
    int value_line = line;
    if (node.IsScalar()) {
        kind = node.Scalar();
    } else if (node.IsMap()) {
        if (node.size() != 1) {
            std::vector<std::string> keys;
            for (auto it = node.begin(); it != node.end(); ++it) keys.push_back(it->first.Scalar());
            where.fail(line, fmt::format("a step is a map with one key, the step's name (found {} keys: {}); write "
                                         "its fields as a map under the name, e.g. 'wait-serial: {{text: hello}}'",
                                         keys.size(), fmt::join(keys, ", ")));
        }
        kind = node.begin()->first.Scalar();
        value = node.begin()->second;
        value_line = lineOf(node.begin()->second) ? lineOf(node.begin()->second) : line;
    } else {
        where.fail(line, "a step must be a step name or a map such as 'delay: 500ms'");
    }
    const KindInfo* info = findKind(kind);
    if (!info) where.fail(line, fmt::format("unknown step '{}' (known: {})", kind, fmt::join(stepKinds(), ", ")));
    where.device = stepLabel(prefix, index, kind);

    std::unique_ptr<Step> step;
    if (kind == "parallel") {
        if (!value.IsSequence() || value.size() == 0)
            where.fail(value_line, "parallel must be a list of branches, each a list of steps");
        auto par = std::make_unique<Parallel>();
        int b = 0;
        for (const YAML::Node& branch : value) {
            ++b;
            std::string branch_prefix = fmt::format("{}step {} (parallel), branch {}, ", prefix, index, b);
            std::vector<std::unique_ptr<Step>> steps;
            if (branch.IsSequence()) {
                if (branch.size() == 0) where.fail(lineOf(branch) ? lineOf(branch) : value_line, fmt::format("branch {} is empty", b));
                int i = 0;
                for (const YAML::Node& sn : branch) steps.push_back(parseStep(sn, pc, branch_prefix, ++i));
            } else {
                steps.push_back(parseStep(branch, pc, branch_prefix, 1));  // a one-step branch
            }
            par->branches.push_back(makeSequence(std::move(steps)));
        }
        step = std::move(par);
    } else {
        // Note: assigning to a YAML::Node that refers to a document node overwrites that node,
        // so the synthesized map is a separate variable.
        YAML::Node synthesized(YAML::NodeType::Map);
        const bool use_synthesized = !value || value.IsNull() || value.IsScalar();
        if (value && value.IsScalar()) {
            if (!info->shorthand)
                where.fail(value_line, fmt::format("{} needs a map of fields, e.g. {}", kind,
                                                   kind == "expect-pin" ? "'expect-pin: {pin: 8, level: low}'"
                                                                        : "'" + kind + ": {...}'"));
            synthesized.force_insert(std::string(info->shorthand), value);
        }
        FieldReader f(use_synthesized ? synthesized : value, where, kind, value_line);

        if (kind == "wait-serial") {
            auto st = std::make_unique<WaitSerial>();
            st->uart = uartField(f, s);
            st->pattern = patternField(f);
            st->timeout = optionalDuration(f, "timeout");
            step = std::move(st);
        } else if (kind == "expect-serial-not") {
            auto st = std::make_unique<ExpectSerialNot>();
            st->uart = uartField(f, s);
            st->pattern = patternField(f);
            st->duration = optionalDuration(f, "for");
            step = std::move(st);
        } else if (kind == "write-serial") {
            auto st = std::make_unique<WriteSerial>();
            st->uart = uartField(f, s);
            if (st->uart == debugUartId(CoreId::A7))
                f.fail("uart", "write-serial: a7 is the A7 app's output stream; its standard input reads end of file "
                               "(give the app an ISU UART, e.g. uart: ISU0)");
            st->text = f.string("text");
            step = std::move(st);
        } else if (kind == "set-pin") {
            auto st = std::make_unique<SetPin>();
            st->pin = pinField(f, "pin");
            std::string v = f.string("level");
            if (v == "high" || v == "1") st->level = true;
            else if (v == "low" || v == "0") st->level = false;
            else if (v == "none" || v == "float") st->level = std::nullopt;
            else f.fail("level", fmt::format("set-pin.level must be high, low or none (let go), not '{}'", v));
            step = std::move(st);
        } else if (kind == "press") {
            auto st = std::make_unique<Press>();
            st->button = deviceField<ButtonSpec>(f, "button", s, "button").name;
            st->hold = optionalDuration(f, "for");
            step = std::move(st);
        } else if (kind == "release") {
            auto st = std::make_unique<Release>();
            st->button = deviceField<ButtonSpec>(f, "button", s, "button").name;
            step = std::move(st);
        } else if (kind == "expect-pin") {
            auto st = std::make_unique<ExpectPin>();
            if (f.has("led") == f.has("pin")) {
                f.optionalString("led");
                f.optionalString("pin");
                f.failHere("expect-pin needs either pin (with level) or led (with state)");
            }
            if (f.has("led")) {
                const LedSpec& led = deviceField<LedSpec>(f, "led", s, "LED");
                st->led = led.name;
                st->pin = led.pin;
                std::string state = f.string("state");
                if (state != "on" && state != "off")
                    f.fail("state", fmt::format("expect-pin.state must be on or off, not '{}'", state));
                st->on = state == "on";
                f.optionalString("pin");
            } else {
                st->pin = pinField(f, "pin");
                st->level = levelField(f, "level");
                f.optionalString("led");
            }
            step = std::move(st);
        } else if (kind == "expect-pwm") {
            auto st = std::make_unique<ExpectPwm>();
            if (f.has("led") == f.has("pin")) {
                f.optionalString("led");
                f.optionalString("pin");
                f.failHere("expect-pwm needs either pin or led");
            }
            std::string key = f.has("led") ? "led" : "pin";
            if (f.has("led")) {
                const LedSpec& led = deviceField<LedSpec>(f, "led", s, "LED");
                st->led = led.name;
                st->pin = led.pin;
                f.optionalString("pin");
            } else {
                st->pin = pinField(f, "pin");
                f.optionalString("led");
            }
            constexpr unsigned kPwmPins = PwmController::kControllers * PwmController::kChannels;
            if (st->pin >= kPwmPins)
                f.fail(key, fmt::format("pin {} has no PWM channel (PWM controllers drive GPIO 0-{})", st->pin, kPwmPins - 1));
            if (auto r = f.optionalNode("running")) {
                std::string t = r->IsScalar() ? r->Scalar() : "";
                if (t != "true" && t != "false") f.fail("running", "expect-pwm.running must be true or false");
                st->running = t == "true";
            }
            if (f.has("duty")) st->duty = fractionField(f, "duty");
            else f.optionalString("duty");
            st->period = optionalDuration(f, "period");
            if (f.has("tolerance")) st->tolerance = fractionField(f, "tolerance");
            else f.optionalString("tolerance");
            if (auto pol = f.optionalString("polarity")) {
                if (*pol != "normal" && *pol != "inverted")
                    f.fail("polarity", fmt::format("expect-pwm.polarity must be normal or inverted, not '{}'", *pol));
                st->inverted = *pol == "inverted";
            }
            if (st->running && !st->duty && !st->period && !st->inverted)
                f.failHere("expect-pwm needs duty, period or polarity (or running: false)");
            step = std::move(st);
        } else if (kind == "set-adc") {
            auto st = std::make_unique<SetAdc>();
            f.index("adc", 0, "the MT3620 has ADC controller 0 only", 0);
            st->channel = f.index("channel", AdcController::kChannels - 1, "ADC channels 0-7");
            st->volts = f.number("volts");
            if (st->volts < 0) f.fail("volts", fmt::format("set-adc.volts must not be negative, not {}", st->volts));
            step = std::move(st);
        } else if (kind == "delay") {
            auto st = std::make_unique<Delay>();
            st->duration = f.period("for");
            step = std::move(st);
        } else if (kind == "expect-register") {
            auto st = std::make_unique<ExpectRegister>();
            st->core = coreField(f, "core", s, "core");
            st->address = wordField(f, "address");
            st->value = wordField(f, "value");
            if (f.has("mask")) st->mask = wordField(f, "mask");
            else f.optionalString("mask");
            step = std::move(st);
        } else if (kind == "expect-fault") {
            auto st = std::make_unique<ExpectFault>();
            st->core = coreField(f, "core", s, "core");
            st->contains = f.optionalString("contains").value_or("");
            st->timeout = optionalDuration(f, "timeout");
            step = std::move(st);
        } else if (kind == "expect-no-fault") {
            auto st = std::make_unique<ExpectNoFault>();
            if (f.has("core")) st->cores.push_back(coreField(f, "core", s, "core", true));
            else {
                f.optionalString("core");
                for (const CoreImage& c : s.cores) st->cores.push_back(c.core);
            }
            step = std::move(st);
        } else if (kind == "restart") {
            auto st = std::make_unique<Restart>();
            st->core = coreField(f, "core", s, "core");
            step = std::move(st);
        } else if (kind == "expect-exit") {
            auto st = std::make_unique<ExpectExit>();
            if (!s.hasCore(CoreId::A7)) f.failHere("expect-exit: no high-level app runs on a7 in this scenario");
            if (f.has("code") == f.has("signal")) {
                f.optionalString("code");
                f.optionalString("signal");
                f.failHere("expect-exit needs either code (0-255) or signal (SIGABRT, 6, ...)");
            }
            if (f.has("code")) {
                st->status = static_cast<int>(f.index("code", 255, "an exit code 0-255"));
                st->expected = fmt::format("exit code {}", st->status);
                f.optionalString("signal");
            } else {
                const std::string sig = f.string("signal");
                const int number = signalNumber(sig);
                if (number <= 0) f.fail("signal", fmt::format("expect-exit.signal must be a signal such as SIGABRT, SIGSEGV "
                                                              "or a number 1-64, not '{}'", sig));
                st->status = 128 + number;
                st->expected = fmt::format("signal {}", sig);
                f.optionalString("code");
            }
            st->timeout = optionalDuration(f, "timeout");
            step = std::move(st);
        } else if (kind == "snapshot-uart") {
            auto st = std::make_unique<SnapshotUart>();
            st->uart = uartField(f, s);
            st->file = pc.resolvePath(f.string("file"), f.lineOf("file"));
            step = std::move(st);
        }
        f.finish();
    }
    step->line = line;
    step->kind = kind;
    step->label = stepLabel(prefix, index, kind);
    return step;
}

}  // namespace mt3620::scenario
