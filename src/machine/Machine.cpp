#include "machine/Machine.h"

#include <cstring>
#include <stdexcept>

#include "board/AnalogInput.h"
#include "board/Board.h"
#include "os/HlProcess.h"
#include "periph/AdcController.h"
#include "periph/ClockControl.h"
#include "periph/Eint.h"
#include "periph/GpioBlock.h"
#include "periph/PwmController.h"
#include "periph/GptTimer.h"
#include "periph/IrqConfig.h"
#include "periph/IsuI2c.h"
#include "periph/M4Dma.h"
#include "periph/IsuSpi.h"
#include "periph/MtkUart.h"
#include "periph/Watchdog.h"

namespace mt3620 {

SharedPeripherals::SharedPeripherals(Scheduler& scheduler, Log& log) : pins(&scheduler) {
    for (const GpioBlock::GpioBlockInfo& b : GpioBlock::mt3620Blocks()) {
        gpio.push_back(std::make_unique<GpioBlock>(b.name, b.layout, b.first_pin, b.pin_count, pins, log));
        gpio_bases.push_back(b.base);
    }
    for (unsigned c = 0; c < pwm.size(); ++c)
        pwm[c] = std::make_unique<PwmController>("PWM-CONTROLLER-" + std::to_string(c), c, pins, scheduler, log);
    adc = std::make_unique<AdcController>("ADC-CONTROLLER-0", scheduler, log);
    for (unsigned n = 0; n < kIsuCount; ++n) {
        isu_uart[n] = std::make_unique<MtkUart>("ISU" + std::to_string(n), scheduler, log, kIsuUartSize);
        isu_uart[n]->tx.connect(&isu_capture[n]);
        isu_i2c[n] = std::make_unique<IsuI2c>("ISU" + std::to_string(n), scheduler, log);
        isu_spi[n] = std::make_unique<IsuSpi>("ISU" + std::to_string(n), scheduler, log);
    }
}

I2cBus* SharedPeripherals::i2cBus(std::string_view name) {
    for (auto& i2c : isu_i2c)
        if (i2c->bus.name() == name) return &i2c->bus;
    return nullptr;
}

MtkUart* SharedPeripherals::uart(std::string_view name) {
    for (auto& u : isu_uart)
        if (u->name() == name) return u.get();
    return nullptr;
}

SpiBus* SharedPeripherals::spiBus(std::string_view name) {
    for (auto& s : isu_spi)
        if (s->bus().name() == name) return &s->bus();
    return nullptr;
}

SharedPeripherals::~SharedPeripherals() = default;

void SharedPeripherals::attach(PeripheralBus& bus, Nvic& nvic) {
    for (std::size_t i = 0; i < gpio.size(); ++i) bus.map(gpio_bases[i], *gpio[i]);
    // PWM controller c sits at GPIO group c + 0x1000 (reference 4.2).
    for (unsigned c = 0; c < pwm.size(); ++c) bus.map(0x3801'1000 + c * 0x1'0000, *pwm[c]);
    bus.map(AdcController::kBase, *adc);
    adc->irq.connect(&nvic, 70);
    for (unsigned n = 0; n < kIsuCount; ++n) {
        bus.map(isuUartBase(n), *isu_uart[n]);
        isu_uart[n]->irq.connect(&nvic, isuUartIrq(n));
        bus.map(isuI2cBase(n), *isu_i2c[n]);
        isu_i2c[n]->irq.connect(&nvic, isuI2cIrq(n));
        bus.map(isuSpiBase(n), *isu_spi[n]);
        isu_spi[n]->irq.connect(&nvic, isuSpiIrq(n));
    }
}

void SharedPeripherals::reset() {
    for (auto& g : gpio) g->reset();
    for (auto& p : pwm) p->reset();
    adc->reset();
    for (auto& u : isu_uart) u->reset();
    for (auto& i2c : isu_i2c) i2c->reset();
    for (auto& s : isu_spi) s->reset();
}

M4Subsystem::M4Subsystem(CoreId core_id, Scheduler& scheduler, Log& log, RamRegion& a7_ram,
                         SharedPeripherals& shared)
    : id(core_id),
      tcm(std::string(coreName(core_id)) + ".TCM", kTcmBase, kTcmSize),
      sysram(std::string(coreName(core_id)) + ".SYSRAM", kSysramBase, kSysramSize),
      xip(std::string(coreName(core_id)) + ".XIP", kXipBase, kXipSize),
      bus(core_id, log),
      core(core_id, scheduler, log) {
    const std::string prefix = std::string(coreName(core_id)) + ".";
    debug_uart = std::make_unique<MtkUart>(prefix + "debug-uart", scheduler, log);
    gpt = std::make_unique<GptTimer>(prefix + "GPT", scheduler, log, [this] { return core.clockHz(); });
    clock = std::make_unique<ClockControl>(prefix + "clock", log);
    watchdog = std::make_unique<Watchdog>(prefix + "WDT", scheduler, log);
    irq_config = std::make_unique<IrqConfig>(prefix + "IRQ_CFG", log);
    eint = std::make_unique<Eint>(prefix + "EINT", shared.pins, *irq_config, scheduler, log);
    shared.pins.addListener(eint.get());
    clock->on_clock_change = [this](std::uint64_t hz) {
        core.setClockHz(hz);
        gpt->cpuClockChanged();  // GPT4 counts CPU cycles
    };
    debug_uart->tx.connect(&debug_uart_capture);

    // Interrupt lines into this core's NVIC (reference section 3).
    Nvic& nvic = core.nvic();
    gpt->irq_gpt01.connect(&nvic, 1);
    gpt->irq_gpt3.connect(&nvic, 2);
    watchdog->irq.connect(&nvic, 3);
    debug_uart->irq.connect(&nvic, 4);
    irq_config->on_sense_change = [&nvic](unsigned irq, bool level) { nvic.setLevelSensitive(irq, level); };
    irq_config->on_test_irq = [&nvic](unsigned irq, bool level) { nvic.setIrqLevel(irq, level); };
    for (unsigned n = 0; n < eint->irq.size(); ++n) eint->irq[n].connect(&nvic, Eint::kFirstIrq + n);
    shared.attach(bus, nvic);

    // The DMA masters this core's RAM and peripheral bus; the ISU UARTs' handshakes request
    // their VFF channels (reference 4.4, 4.11).
    dma = std::make_unique<M4Dma>(prefix + "DMA", scheduler, log, [this] { return core.clockHz(); });
    dma->irq.connect(&nvic, M4Dma::kIrq);
    dma->memory().addRam(tcm, true);
    dma->memory().addRam(sysram, true);
    dma->memory().addRam(xip, false);
    dma->memory().addRam(a7_ram, true);
    dma->memory().setPeripheralBus(&bus);
    for (unsigned n = 0; n < kIsuCount; ++n) {
        dma->connect(isuUartDmaTx(n), shared.isu_uart[n]->dma_tx);
        dma->connect(isuUartDmaRx(n), shared.isu_uart[n]->dma_rx);
    }
    for (unsigned n = 0; n < kIsuCount; ++n) {
        // ISU n's half-size channels: the I2C master's handshake ports. The SPI masters share
        // these channels; they stream through FIXADDR (DREQ 0), which needs no port.
        dma->connect(isuDmaTx(n), shared.isu_i2c[n]->dma_tx);
        dma->connect(isuDmaRx(n), shared.isu_i2c[n]->dma_rx);
    }
    dma->connect(29, shared.adc->dma_rx);  // ADC RX virtual FIFO (reference 4.7)

    // Per-core blocks are owned by their own core (reference section 5).
    const std::uint32_t own = coreBit(core_id);
    bus.map(kClockControlBase, *clock, own);
    bus.map(kGptBase, *gpt, own);
    bus.map(kDebugUartBase, *debug_uart, own);
    bus.map(kWatchdogBase, *watchdog, own);
    bus.map(kIrqConfigBase, *irq_config, own);
    bus.map(kM4DmaBase, *dma, own);
    bus.addWindow(kM4LocalPeriphBase, kM4LocalPeriphSize);
    bus.addWindow(kSharedPeriphBase, kSharedPeriphSize);
    bus.addWindow(0xE000'0000, 0x0010'0000);  // Private Peripheral Bus: SCS (NVIC, SCB, SysTick)
    for (const Firewall::Block& b : Firewall::blocks()) {  // firewalled blocks get their own regions
        bus.addBoundary(b.base);
        bus.addBoundary(b.base + b.size);
    }

    core.mapMemory(tcm, /*writable=*/true, /*executable=*/true);
    core.mapMemory(sysram, true, true);
    core.mapMemory(xip, /*writable=*/false, /*executable=*/true);  // read-only flash window
    core.mapMemory(a7_ram, true, false);                            // intercore buffers
    core.attachBus(bus);
}

M4Subsystem::~M4Subsystem() = default;

Machine::Machine(MachineConfig config)
    : config_(std::move(config)), log_(config_.logger), a7_ram_("A7-RAM", kA7RamBase, kA7RamSize) {
    log_.setTimeSource(&scheduler_);
    scheduler_.setDeadlineListener([this](Picos t) { onTimerArmed(t); });
    shared_ = std::make_unique<SharedPeripherals>(scheduler_, log_);
    a7_output_.connect(&a7_capture_);
    m4_[0] = std::make_unique<M4Subsystem>(CoreId::M4_0, scheduler_, log_, a7_ram_, *shared_);
    m4_[1] = std::make_unique<M4Subsystem>(CoreId::M4_1, scheduler_, log_, a7_ram_, *shared_);
    for (auto& m : m4_) {
        M4Subsystem* sub = m.get();
        m->bus.setTrace(config_.trace);
        m->watchdog->on_reset = [this, sub](const char* reason) {
            raise(MachineEvent::Kind::WatchdogReset, sub->id, reason);
            requestRestart(*sub, reason);
        };
        m->core.on_reset_request = [this, sub](const char* reason) { requestRestart(*sub, reason); };
        connectFirewall(*sub);
    }
    connectMailboxes();
}

Machine::~Machine() {
    a7_.reset();  // first: the A7 app's OS (its intercore links) still uses the mailboxes
}

M4Subsystem& Machine::m4(CoreId core) {
    if (core == CoreId::M4_0) return *m4_[0];
    if (core == CoreId::M4_1) return *m4_[1];
    throw std::invalid_argument("not an M4 core: " + std::string(coreName(core)));
}

std::vector<Core*> Machine::cores() {
    if (a7_) return {&m4_[0]->core, &m4_[1]->core, &a7_->core()};
    return {&m4_[0]->core, &m4_[1]->core};
}

os::HlProcess& Machine::loadHlApp(const os::HlAppSpec& spec) {
    if (a7_) throw std::logic_error("an app is already loaded on the A7");
    auto process = std::make_unique<os::HlProcess>(scheduler_, log_, a7_output_, rng_);
    process->load(spec);
    a7_ = std::move(process);
    return *a7_;
}

void Machine::loadRtApp(CoreId core_id, const RtAppImage& image) {
    startWithoutManifest(core_id);
    loadRtAppImage(core_id, image);
}

void Machine::loadRtAppImage(CoreId core_id, const RtAppImage& image) {
    M4Subsystem& m = m4(core_id);
    m.image = image;
    m.watchdog->powerOn();
    loadImage(m);
    log_.info(coreName(core_id), "loaded {} (entry {:#010x}, {} segment{})", image.name, image.entry,
              image.segments.size(), image.segments.size() == 1 ? "" : "s");
}

void Machine::loadImage(M4Subsystem& m) {
    const RtAppImage& image = *m.image;
    m.tcm.clear();
    m.sysram.clear();
    m.xip.clear();
    for (const RtAppImage::Segment& seg : image.segments) {
        RamRegion& region = seg.region == Region::Tcm ? m.tcm : seg.region == Region::Sysram ? m.sysram : m.xip;
        std::uint8_t* dst = region.at(seg.vaddr);
        std::memcpy(dst, seg.data.data(), seg.data.size());
        // The Azure Sphere loader zeroes MemSiz - FileSiz; samples do not clear .bss themselves.
        std::memset(dst + seg.data.size(), 0, seg.memsz - seg.data.size());
    }
    // reset() of the watchdog keeps WDT_STA, so firmware can tell why it restarted.
    for (MmioDevice* dev : std::initializer_list<MmioDevice*>{m.debug_uart.get(), m.gpt.get(), m.clock.get(),
                                                             m.watchdog.get(), m.irq_config.get(), m.dma.get()})
        dev->reset();
    m.eint->reset();
    m.core.setClockHz(m.clock->coreHz());
    // The OS starts RTApps with the FPU usable (reference 2.4: CPACR CP10/CP11 full access).
    m.core.reset(image.entry, image.initial_sp, image.reset_pc);
}

Board& Machine::loadBoard(const BoardDescription& description) {
    if (board_) throw std::logic_error("a board is already loaded");
    board_ = std::make_unique<Board>(description, shared_->pins, log_, scheduler_,
                                     [this](std::string_view name) { return shared_->uart(name); },
                                     [this](std::string_view name) { return shared_->i2cBus(name); },
                                     [this](std::string_view name) { return shared_->spiBus(name); });
    for (AnalogInput* in : board_->analogInputs()) shared_->adc->setChannelSource(in->channel(), in->waveform());
    log_.debug("machine", "board {} with {} device{}", board_->name(), board_->devices().size(),
              board_->devices().size() == 1 ? "" : "s");
    return *board_;
}

void Machine::restartCore(CoreId core_id, const std::string& reason) {
    M4Subsystem& m = m4(core_id);
    if (!m.image) return;
    log_.warn(coreName(core_id), "core reset ({}): restarting {}", reason, m.image->name);
    loadImage(m);
    if (m.on_restart) m.on_restart();
}

void Machine::raise(MachineEvent::Kind kind, CoreId core, std::string detail) {
    if (event_listener_) event_listener_(MachineEvent{kind, core, scheduler_.machineTime(), std::move(detail)});
}

void Machine::raiseEnds() {
    if (!event_listener_) return;
    for (std::size_t i = 0; i < m4_.size(); ++i) {
        const Core& core = m4_[i]->core;
        const bool halted = core.state() == CoreState::Halted;
        if (halted && !halt_raised_[i]) {
            const std::string report = m4_[i]->core.faultReport();
            raise(MachineEvent::Kind::AppCrash, m4_[i]->id,
                  report.empty() ? "core halted" : report.substr(0, report.find('\n')));
        }
        halt_raised_[i] = halted;  // a restarted core may crash again
    }
    if (a7_ && !a7_end_raised_ && a7_->status() != os::HlProcess::Status::Running &&
        a7_->status() != os::HlProcess::Status::NotLoaded) {
        a7_end_raised_ = true;
        raise(a7_->status() == os::HlProcess::Status::Killed ? MachineEvent::Kind::AppCrash
                                                              : MachineEvent::Kind::AppExit,
              CoreId::A7, a7_->statusLine());
    }
}

void Machine::requestRestart(M4Subsystem& m, const char* reason) {
    // May come from inside the core's engine (an MMIO write): stop it and restart between runs.
    m.restart_reason = reason;
    m.core.stopSoon();
}

void Machine::processRestarts() {
    for (auto& m : m4_) {
        if (m->restart_reason.empty()) continue;
        std::string reason = std::move(m->restart_reason);
        m->restart_reason.clear();
        restartCore(m->id, reason);
    }
}

void Machine::onTimerArmed(Picos deadline) {
    // A core armed a timer inside the current round: end the round there, so the event fires
    // on time and no core runs past it unaware.
    if (!running_ || deadline >= round_target_) return;
    round_target_ = deadline;
    running_->shortenQuantum(deadline);
}

Machine::StopReason Machine::runFor(Picos duration, const std::function<bool()>& until) {
    const Picos start = scheduler_.machineTime();
    const Picos end = duration >= kNever - start ? kNever : start + duration;
    for (;;) {
        raiseEnds();
        if (round_hook_) round_hook_();
        if (until && until()) return StopReason::Condition;
        for (Core* c : cores())
            if (c->debugHalted()) return StopReason::Debug;
        const Picos now = scheduler_.machineTime();
        if (now >= end) return StopReason::TimeLimit;

        bool any_running = false, any_loaded = false, all_halted = true;
        for (Core* c : cores()) {
            CoreState s = c->state();
            any_running |= s == CoreState::Running;
            any_loaded |= s != CoreState::Empty;
            if (s != CoreState::Empty && s != CoreState::Halted) all_halted = false;
        }
        const Picos next = scheduler_.nextDeadline();
        if (!any_running && next == kNever) return any_loaded && all_halted ? StopReason::Halted : StopReason::Idle;

        round_target_ = std::min(next, end);
        if (any_running) round_target_ = std::min(round_target_, now + config_.quantum);
        bool debug_stop = false;
        for (Core* c : cores()) {
            running_ = c;
            c->runUntil(round_target_);  // may lower round_target_ (onTimerArmed)
            processRestarts();
            if (c->debugHalted()) {
                debug_stop = true;  // all-stop: no other core runs, no time passes
                break;
            }
        }
        running_ = nullptr;
        // With a round hook (debuggers served inside the runner's own loop) the hook handles
        // the stop at the top of the next iteration; otherwise the caller does.
        if (debug_stop) {
            if (round_hook_) continue;
            return StopReason::Debug;
        }
        scheduler_.advanceTo(round_target_);
        processRestarts();
    }
}

const char* Machine::stopReasonName(StopReason r) {
    switch (r) {
        case StopReason::TimeLimit: return "time limit reached";
        case StopReason::Condition: return "condition met";
        case StopReason::Idle: return "all cores idle with nothing scheduled";
        case StopReason::Halted: return "all cores halted";
        case StopReason::Debug: return "stopped for the debugger";
    }
    return "?";
}

}  // namespace mt3620
