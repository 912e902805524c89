#pragma once
// Small typed connections between models, so a model never knows what is on the other side:
// an IrqLine from a peripheral to an interrupt controller input, and a ByteSink for serial
// data leaving a UART (terminal, file, test capture, another UART).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/VirtualTime.h"

namespace mt3620 {

/// Receives interrupt request levels; implemented by the NVIC.
class IrqController {
public:
    virtual ~IrqController() = default;
    virtual void setIrqLevel(unsigned irq, bool level) = 0;
};

/// One interrupt output of a peripheral. It may be wired to several controllers: a block
/// shared by the cores (GPIO, ADC, ISU) raises the same line number in each M4's NVIC, and
/// the firewall decides which core may touch the block. Unconnected lines only keep their level.
class IrqLine {
public:
    void connect(IrqController* controller, unsigned irq) {
        if (!controller) return;
        targets_.push_back(Target{controller, irq});
        controller->setIrqLevel(irq, level_);
    }
    /// Removes every connection to `controller` (a controller that goes away before the line).
    void disconnect(IrqController* controller) {
        std::erase_if(targets_, [controller](const Target& t) { return t.controller == controller; });
    }
    void set(bool level) {
        if (level == level_) return;
        level_ = level;
        for (const Target& t : targets_) t.controller->setIrqLevel(t.irq, level_);
    }
    bool level() const { return level_; }
    unsigned number() const { return targets_.empty() ? 0 : targets_.front().irq; }

private:
    struct Target {
        IrqController* controller;
        unsigned irq;
    };
    std::vector<Target> targets_;
    bool level_ = false;
};

/// Where transmitted serial bytes go. `time` is the virtual time the byte finished sending.
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual void receiveByte(std::uint8_t byte, Picos time) = 0;
};

/// A UART's transmit side fans out to any number of sinks.
class ByteOutput {
public:
    void connect(ByteSink* sink) { sinks_.push_back(sink); }
    void send(std::uint8_t byte, Picos time) {
        for (ByteSink* s : sinks_) s->receiveByte(byte, time);
    }

private:
    std::vector<ByteSink*> sinks_;
};

}  // namespace mt3620
