#pragma once
// A Machine with one hand-assembled program loaded on core M4_0, for tests of the Cortex-M4
// exception model on the real engine.
//
// The program is a flat image placed at the start of TCM (0x00100000): its first words are the
// vector table (word 0 initial MSP, word 1 reset handler, ...), which the rig turns into an
// RtAppImage the way the loader would. Programs write what they observe into a results area
// in TCM (kResults) that tests read back, and may read configuration words the test pokes there
// before running.
#include <unicorn/unicorn.h>

#include <spdlog/sinks/null_sink.h>

#include <cstdint>
#include <cstring>
#include <span>

#include "machine/Machine.h"

namespace mt3620::test {

/// Results area: R[i] is the word at kResults + 4 i. Zeroed by the load.
constexpr std::uint32_t kResults = 0x0012'0000;

class M4TestRig {
public:
    explicit M4TestRig(std::span<const std::uint8_t> program) : machine_(quietConfig()) {
        RtAppImage image;
        image.name = "hand-assembled";
        image.entry = kTcmBase;
        std::memcpy(&image.initial_sp, program.data(), 4);
        std::memcpy(&image.reset_pc, program.data() + 4, 4);
        RtAppImage::Segment seg;
        seg.vaddr = kTcmBase;
        seg.data.assign(program.begin(), program.end());
        seg.memsz = static_cast<std::uint32_t>(program.size());
        seg.writable = true;
        seg.executable = true;
        seg.region = Region::Tcm;
        image.segments.push_back(std::move(seg));
        machine_.loadRtApp(CoreId::M4_0, image);
    }

    Machine& machine() { return machine_; }
    CortexM4& core() { return machine_.m4(CoreId::M4_0).core; }
    Machine::StopReason run(Picos duration) { return machine_.runFor(duration); }

    std::uint32_t reg(int uc_reg) { return core().readReg(uc_reg); }
    /// A word of TCM.
    std::uint32_t word(std::uint32_t addr) {
        std::uint32_t v = 0;
        std::memcpy(&v, machine_.m4(CoreId::M4_0).tcm.at(addr), 4);
        return v;
    }
    void poke(std::uint32_t addr, std::uint32_t v) { std::memcpy(machine_.m4(CoreId::M4_0).tcm.at(addr), &v, 4); }
    /// R[i] of the results area.
    std::uint32_t result(unsigned i) { return word(kResults + 4 * i); }
    void setResult(unsigned i, std::uint32_t v) { poke(kResults + 4 * i, v); }

private:
    static MachineConfig quietConfig() {
        MachineConfig c;
        c.logger = std::make_shared<spdlog::logger>("m4-test", std::make_shared<spdlog::sinks::null_sink_mt>());
        return c;
    }

    Machine machine_;
};

}  // namespace mt3620::test
