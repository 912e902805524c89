// The firewall (reference §5, docs/firewall.md): the rule table built from manifests (every
// peripheral kind, conflicts refused), and a matrix in which each M4 touches each kind of shared
// block it does and does not own, under --firewall fault, log and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicorn/unicorn.h>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cstring>
#include <sstream>

#include "bus/Firewall.h"
#include "machine/Machine.h"

namespace mt3620 {
namespace {

using ::testing::HasSubstr;

AppManifest rtApp(const std::string& name, const std::string& capabilities) {
    static int n = 0;
    const std::string json = R"({"SchemaVersion":1,"Name":")" + name +
                             R"(","ComponentId":"00000000-0000-0000-0000-0000000000)" + fmt::format("{:02x}", ++n % 256) +
                             R"(","EntryPoint":"/bin/app","ApplicationType":"RealTimeCapable","Capabilities":{)" +
                             capabilities + "}}";
    return AppManifest::parse(name + ".json", json);
}

std::size_t blockNamed(const std::string& name) {
    for (std::size_t b = 0; b < Firewall::kBlockCount; ++b)
        if (name == Firewall::blocks()[b].name) return b;
    throw std::runtime_error("no block " + name);
}

// --- The rule table ------------------------------------------------------------------------------

TEST(FirewallTableTest, BlocksAreTheSixtyFourKilobyteSlotsOfTheReferenceMemoryMap) {
    EXPECT_EQ(Firewall::blockAt(0x3800'0000), blockNamed("ADC"));
    EXPECT_EQ(Firewall::blockAt(0x3801'1000), blockNamed("GPIO-GROUP-0"));  // PWM-CONTROLLER-0
    EXPECT_EQ(Firewall::blockAt(0x3807'0500), blockNamed("ISU0"));          // ISU0 UART
    EXPECT_EQ(Firewall::blockAt(0x380E'0100), blockNamed("I2S1"));
    EXPECT_FALSE(Firewall::blockAt(0x380F'0000));
    EXPECT_FALSE(Firewall::blockAt(0x37FF'FFFC));
    EXPECT_FALSE(Firewall::blockAt(0x2104'0000));  // per-core debug UART: never firewalled
    EXPECT_EQ(Firewall::blockOfGpio(9), blockNamed("GPIO-GROUP-2"));
    EXPECT_EQ(Firewall::blockOfGpio(30), blockNamed("ISU0"));
    EXPECT_EQ(Firewall::blockOfGpio(31), blockNamed("ISU1"));
    EXPECT_EQ(Firewall::blockOfGpio(44), blockNamed("ADC"));
    EXPECT_EQ(Firewall::blockOfGpio(60), blockNamed("I2S0"));
    EXPECT_EQ(Firewall::blockOfGpio(66), blockNamed("ISU3"));
    EXPECT_EQ(Firewall::blockOfGpio(80), blockNamed("ISU5"));
    EXPECT_FALSE(Firewall::blockOfGpio(24));
}

TEST(FirewallTableTest, EveryPeripheralKindClaimsItsBlock) {
    Firewall fw;
    fw.claim(CoreId::M4_0, rtApp("A", R"("Gpio":[0],"Uart":["ISU0"],"I2cMaster":["ISU1"],"SpiMaster":["ISU2"],
                                        "Adc":["ADC-CONTROLLER-0"],"Pwm":["PWM-CONTROLLER-2"],
                                        "ExternalInterrupt":["EINT13"],"I2sSubordinate":["I2S1"])"));
    for (const char* b : {"GPIO-GROUP-0", "ISU0", "ISU1", "ISU2", "ADC", "GPIO-GROUP-2", "GPIO-GROUP-3", "I2S1"}) {
        EXPECT_EQ(fw.holder(blockNamed(b)), CoreId::M4_0) << b;
        EXPECT_EQ(fw.owners(blockNamed(b)), coreBit(CoreId::M4_0)) << b;
    }
    // Unclaimed blocks: shared by the A7 and every M4 without a manifest (here M4_1).
    EXPECT_EQ(fw.holder(blockNamed("ISU3")), std::nullopt);
    EXPECT_EQ(fw.owners(blockNamed("ISU3")), coreBit(CoreId::A7) | coreBit(CoreId::M4_1));
    EXPECT_FALSE(fw.allows(CoreId::M4_0, 0x380A'0500));
    EXPECT_TRUE(fw.allows(CoreId::M4_1, 0x380A'0500));
    EXPECT_FALSE(fw.allows(CoreId::M4_1, 0x3807'0500));
    EXPECT_TRUE(fw.allows(CoreId::M4_1, 0x2104'0000));  // outside the table
}

struct ConflictCase {
    const char* first;   // capabilities of the app on m4-0
    const char* second;  // capabilities of the app on m4-1
    const char* message;
};

class FirewallConflictTest : public ::testing::TestWithParam<ConflictCase> {};

TEST_P(FirewallConflictTest, SecondAppIsRefusedAndNothingChanges) {
    Firewall fw;
    fw.claim(CoreId::M4_0, rtApp("First", GetParam().first));
    const unsigned gen = fw.generation();
    try {
        fw.claim(CoreId::M4_1, rtApp("Second", GetParam().second));
        FAIL() << "conflict accepted";
    } catch (const FirewallError& e) {
        EXPECT_EQ(std::string(e.what()), GetParam().message);
    }
    EXPECT_FALSE(fw.hasManifest(CoreId::M4_1));
    EXPECT_EQ(fw.generation(), gen);
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, FirewallConflictTest,
    ::testing::Values(
        ConflictCase{R"("Gpio":[8])", R"("Gpio":[9])",
                     "cannot start 'Second' on m4-1: GPIO 9 is in use by 'First' on m4-0 (block GPIO-GROUP-2, claimed through GPIO 8)"},
        ConflictCase{R"("Pwm":["PWM-CONTROLLER-2"])", R"("Gpio":[11])",
                     "cannot start 'Second' on m4-1: GPIO 11 is in use by 'First' on m4-0 (block GPIO-GROUP-2, claimed through PWM-CONTROLLER-2)"},
        ConflictCase{R"("Uart":["ISU0"])", R"("I2cMaster":["ISU0"])",
                     "cannot start 'Second' on m4-1: ISU0 (I2cMaster) is in use by 'First' on m4-0 (block ISU0, claimed through ISU0 (Uart))"},
        ConflictCase{R"("SpiMaster":["ISU1"])", R"("Gpio":[33])",
                     "cannot start 'Second' on m4-1: GPIO 33 is in use by 'First' on m4-0 (block ISU1, claimed through ISU1 (SpiMaster))"},
        ConflictCase{R"("Adc":["ADC-CONTROLLER-0"])", R"("Gpio":[41])",
                     "cannot start 'Second' on m4-1: GPIO 41 is in use by 'First' on m4-0 (block ADC, claimed through ADC-CONTROLLER-0)"},
        ConflictCase{R"("ExternalInterrupt":["EINT12"])", R"("Gpio":[12])",
                     "cannot start 'Second' on m4-1: GPIO 12 is in use by 'First' on m4-0 (block GPIO-GROUP-3, claimed through EINT12)"},
        ConflictCase{R"("I2sSubordinate":["I2S0"])", R"("Gpio":[56])",
                     "cannot start 'Second' on m4-1: GPIO 56 is in use by 'First' on m4-0 (block I2S0, claimed through I2S0)"}),
    [](const ::testing::TestParamInfo<ConflictCase>& info) { return std::to_string(info.index); });

TEST(FirewallTableTest, ReleasingAnAppFreesItsBlocksAndReclaimingReplacesClaims) {
    Firewall fw;
    fw.claim(CoreId::M4_0, rtApp("A", R"("Gpio":[8])"));
    fw.claim(CoreId::M4_0, rtApp("A2", R"("Gpio":[0])"));  // the core's new app
    EXPECT_EQ(fw.holder(blockNamed("GPIO-GROUP-2")), std::nullopt);
    EXPECT_EQ(fw.holder(blockNamed("GPIO-GROUP-0")), CoreId::M4_0);
    fw.release(CoreId::M4_0);
    EXPECT_EQ(fw.holder(blockNamed("GPIO-GROUP-0")), std::nullopt);
    fw.claim(CoreId::M4_1, rtApp("B", R"("Gpio":[1])"));
    EXPECT_EQ(fw.holder(blockNamed("GPIO-GROUP-0")), CoreId::M4_1);
}

// --- The matrix on the real engine ---------------------------------------------------------------

// A program that makes one access (R[0] address, R[1] 1 = write, R[2] value; the read value goes
// to R[3]) and records a BusFault (R[5] CFSR, R[6] BFAR, R[7] stacked PC, R[8] count), skipping
// the faulting instruction. Source: tests/unit/firewall_matrix.s, linked at 0x00100000.
const std::uint8_t kMatrixProgram[] = {
    0x00, 0x00, 0x11, 0x00, 0x41, 0x00, 0x10, 0x00, 0x65, 0x00, 0x10, 0x00, 0x65, 0x00, 0x10, 0x00,
    0x65, 0x00, 0x10, 0x00, 0x67, 0x00, 0x10, 0x00, 0x65, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x11, 0x4b, 0x1a, 0x68, 0x42, 0xf4, 0x00, 0x32, 0x1a, 0x60, 0x4f, 0xf4, 0x90, 0x14, 0x20, 0x68,
    0x61, 0x68, 0xa2, 0x68, 0x11, 0xb9, 0x05, 0x68, 0xe5, 0x60, 0x00, 0xe0, 0x02, 0x60, 0x40, 0xf6,
    0x0e, 0x55, 0x25, 0x61, 0xfe, 0xe7, 0x4f, 0xf4, 0x90, 0x14, 0x08, 0x4b, 0x1a, 0x68, 0x62, 0x61,
    0x1a, 0x60, 0x07, 0x4b, 0x1a, 0x68, 0xa2, 0x61, 0x06, 0x9a, 0xe2, 0x61, 0x02, 0x32, 0x06, 0x92,
    0x22, 0x6a, 0x01, 0x32, 0x22, 0x62, 0x70, 0x47, 0x24, 0xed, 0x00, 0xe0, 0x28, 0xed, 0x00, 0xe0,
    0x38, 0xed, 0x00, 0xe0,
};
constexpr std::uint32_t kReadAccess = 0x0010'0056;   // "ldr r5, [r0]"
constexpr std::uint32_t kWriteAccess = 0x0010'005c;  // "str r2, [r0]"
constexpr std::uint32_t kResults = 0x0012'0000;

RtAppImage matrixImage() {
    RtAppImage image;
    image.name = "firewall-matrix";
    image.entry = kTcmBase;
    std::memcpy(&image.initial_sp, kMatrixProgram, 4);
    std::memcpy(&image.reset_pc, kMatrixProgram + 4, 4);
    RtAppImage::Segment seg;
    seg.vaddr = kTcmBase;
    seg.data.assign(std::begin(kMatrixProgram), std::end(kMatrixProgram));
    seg.memsz = sizeof(kMatrixProgram);
    seg.writable = seg.executable = true;
    image.segments.push_back(std::move(seg));
    return image;
}

struct Outcome {
    bool done = false;
    std::uint32_t read = 0, cfsr = 0, bfar = 0, stacked_pc = 0, faults = 0;
};

class MatrixMachine {
public:
    explicit MatrixMachine(FirewallMode mode) : machine_(config()) { machine_.setFirewallMode(mode); }

    Machine& machine() { return machine_; }
    std::string log() const { return log_.str(); }

    /// Loads the program on core (with the manifest if given), makes the access, runs 1 ms.
    Outcome access(CoreId core, const std::optional<AppManifest>& manifest, std::uint32_t addr, bool write,
                   std::uint32_t value = 0) {
        if (manifest) machine_.loadRtApp(core, matrixImage(), *manifest);
        else machine_.loadRtApp(core, matrixImage());
        RamRegion& tcm = machine_.m4(core).tcm;
        auto poke = [&](unsigned i, std::uint32_t v) { std::memcpy(tcm.at(kResults + 4 * i), &v, 4); };
        auto peek = [&](unsigned i) { std::uint32_t v; std::memcpy(&v, tcm.at(kResults + 4 * i), 4); return v; };
        poke(0, addr);
        poke(1, write ? 1 : 0);
        poke(2, value);
        machine_.runFor(kPicosPerMilli);
        return Outcome{peek(4) == 0xD0E, peek(3), peek(5), peek(6), peek(7), peek(8)};
    }

private:
    MachineConfig config() {
        MachineConfig c;
        c.logger = std::make_shared<spdlog::logger>("fw", std::make_shared<spdlog::sinks::ostream_sink_st>(log_));
        c.logger->set_level(spdlog::level::warn);
        return c;
    }
    std::ostringstream log_;
    Machine machine_;
};

constexpr std::uint32_t kPreciseBusFault = (1u << 9) | (1u << 15);  // PRECISERR | BFARVALID

// One shared block of each kind, and a register in it that reads back what is written.
struct Target {
    const char* kind;
    const char* capability;   // the manifest entry that claims the block
    std::uint32_t address;    // a read/write register in the block
};
const Target kTargets[] = {
    {"GPIO group", R"("Gpio":[8])", 0x3803'0010},               // GPIO group 2 DOUT
    {"PWM controller", R"("Pwm":["PWM-CONTROLLER-1"])", 0x3802'1104},  // PWM1 channel 0 PARAM_S0
    {"ISU (UART)", R"("Uart":["ISU0"])", 0x3807'050C},  // ISU0 UART LCR
    {"ADC", R"("Adc":["ADC-CONTROLLER-0"])", 0x3800'0010},      // ADC block GPIO DOUT (GPIO 41-48)
    {"EINT pin group", R"("ExternalInterrupt":["EINT4"])", 0x3802'0010},  // GPIO group 1 DOUT
};

class FirewallMatrixTest : public ::testing::TestWithParam<Target> {};

TEST_P(FirewallMatrixTest, OwnerReadsAndWritesOtherCoreFaultsPrecisely) {
    const Target& t = GetParam();
    MatrixMachine mm(FirewallMode::Fault);
    // m4-0 owns the block; m4-1 runs an app with a manifest that does not name it.
    const AppManifest owner = rtApp("Owner", t.capability);
    const AppManifest other = rtApp("Other", R"("Gpio":[80])");

    Outcome w = mm.access(CoreId::M4_0, owner, t.address, true, 0x5);
    EXPECT_TRUE(w.done) << t.kind;
    EXPECT_EQ(w.faults, 0u) << t.kind;
    Outcome r = mm.access(CoreId::M4_0, owner, t.address, false);
    EXPECT_EQ(r.faults, 0u) << t.kind;
    EXPECT_EQ(r.read, 0x5u) << t.kind;

    for (bool write : {false, true}) {
        Outcome d = mm.access(CoreId::M4_1, other, t.address, write, 0xA);
        EXPECT_EQ(d.faults, 1u) << t.kind;
        EXPECT_EQ(d.cfsr & kPreciseBusFault, kPreciseBusFault) << t.kind;
        EXPECT_EQ(d.bfar, t.address) << t.kind;
        EXPECT_EQ(d.stacked_pc, write ? kWriteAccess : kReadAccess) << t.kind;
        EXPECT_TRUE(d.done) << t.kind << ": the handler skipped the access and the program went on";
        if (!write) EXPECT_EQ(d.read, 0u) << t.kind << ": the destination register was not written";
    }
    // The owner's value survived the denied write.
    EXPECT_EQ(mm.access(CoreId::M4_0, owner, t.address, false).read, 0x5u) << t.kind;
    EXPECT_THAT(mm.log(), HasSubstr("m4-1"));
    EXPECT_THAT(mm.log(), HasSubstr(fmt::format("firewall: write of {:#010x} at PC {:#010x} denied: ", t.address, kWriteAccess)));
    EXPECT_THAT(mm.log(), HasSubstr("belongs to m4-0 (app 'Owner'); BusFault"));
}

TEST_P(FirewallMatrixTest, LogModeIgnoresTheAccessAndReadsZero) {
    const Target& t = GetParam();
    MatrixMachine mm(FirewallMode::Log);
    const AppManifest owner = rtApp("Owner", t.capability);
    const AppManifest other = rtApp("Other", R"("Gpio":[80])");
    mm.access(CoreId::M4_0, owner, t.address, true, 0x5);
    Outcome w = mm.access(CoreId::M4_1, other, t.address, true, 0xA);
    EXPECT_EQ(w.faults, 0u);
    EXPECT_TRUE(w.done);
    Outcome r = mm.access(CoreId::M4_1, other, t.address, false);
    EXPECT_EQ(r.faults, 0u);
    EXPECT_EQ(r.read, 0u);
    EXPECT_EQ(mm.access(CoreId::M4_0, owner, t.address, false).read, 0x5u) << "the denied write was ignored";
    EXPECT_THAT(mm.log(), HasSubstr("denied: it belongs to m4-0"));
    EXPECT_THAT(mm.log(), HasSubstr("(write ignored)"));
    EXPECT_THAT(mm.log(), HasSubstr("(reads as 0)"));
}

TEST_P(FirewallMatrixTest, OffModeAllowsEverything) {
    const Target& t = GetParam();
    MatrixMachine mm(FirewallMode::Off);
    mm.access(CoreId::M4_0, rtApp("Owner", t.capability), t.address, true, 0x5);
    Outcome w = mm.access(CoreId::M4_1, rtApp("Other", R"("Gpio":[80])"), t.address, true, 0xA);
    EXPECT_EQ(w.faults, 0u);
    EXPECT_EQ(mm.access(CoreId::M4_1, rtApp("Other", R"("Gpio":[80])"), t.address, false).read, 0xAu);
}

TEST_P(FirewallMatrixTest, CoreWithoutManifestSharesOnlyUnclaimedBlocks) {
    const Target& t = GetParam();
    MatrixMachine mm(FirewallMode::Fault);
    // No manifest anywhere: everything is shared, as before manifests.
    EXPECT_EQ(mm.access(CoreId::M4_1, std::nullopt, t.address, true, 0x3).faults, 0u);
    // Once m4-0 claims the block, m4-1 (still without a manifest) loses it.
    mm.access(CoreId::M4_0, rtApp("Owner", t.capability), t.address, false);
    Outcome d = mm.access(CoreId::M4_1, std::nullopt, t.address, false);
    EXPECT_EQ(d.faults, 1u);
    EXPECT_EQ(d.bfar, t.address);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, FirewallMatrixTest, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::to_string(info.index); });

TEST(FirewallMatrixTest, CoreWithManifestSeesA7RamOnlyInsideOpenedBuffers) {
    MatrixMachine mm(FirewallMode::Fault);
    const AppManifest app = rtApp("Rt", R"("Gpio":[0])");
    Outcome d = mm.access(CoreId::M4_0, app, 0x8000'1000, false);
    EXPECT_EQ(d.faults, 1u);
    EXPECT_EQ(d.bfar, 0x8000'1000u);
    EXPECT_THAT(mm.log(), HasSubstr("A7 RAM outside the intercore buffers"));

    std::uint32_t v = 0x1234'5678;
    std::memcpy(mm.machine().a7Ram().at(0x8000'1000), &v, 4);
    mm.machine().openA7Window(CoreId::M4_0, 0x8000'1000, 0x1000);
    Outcome ok = mm.access(CoreId::M4_0, app, 0x8000'1000, false);
    EXPECT_EQ(ok.faults, 0u);
    EXPECT_EQ(ok.read, 0x1234'5678u);
    EXPECT_EQ(mm.access(CoreId::M4_0, app, 0x8000'2000, false).faults, 1u);  // the next page stays closed

    mm.machine().closeA7Window(CoreId::M4_0, 0x8000'1000, 0x1000);
    EXPECT_EQ(mm.access(CoreId::M4_0, app, 0x8000'1000, false).faults, 1u);
    // Without a manifest the core sees all of A7 RAM (the behaviour before manifests).
    EXPECT_EQ(mm.access(CoreId::M4_1, std::nullopt, 0x8000'1000, false).read, 0x1234'5678u);
}

TEST(FirewallMatrixTest, MachineRefusesAConflictingAppAndAHighLevelManifest) {
    MatrixMachine mm(FirewallMode::Fault);
    mm.access(CoreId::M4_0, rtApp("Blink", R"("Gpio":[8])"), 0x3803'0010, false);
    try {
        mm.machine().loadRtApp(CoreId::M4_1, matrixImage(), rtApp("Pwm", R"("Pwm":["PWM-CONTROLLER-2"])"));
        FAIL();
    } catch (const FirewallError& e) {
        EXPECT_STREQ(e.what(), "cannot start 'Pwm' on m4-1: PWM-CONTROLLER-2 is in use by 'Blink' on m4-0 (block "
                               "GPIO-GROUP-2, claimed through GPIO 8)");
    }
    EXPECT_EQ(mm.machine().m4(CoreId::M4_1).core.state(), CoreState::Empty);
    AppManifest hl = AppManifest::parse("hl.json", R"({"SchemaVersion":1,"Name":"Hl","ComponentId":"00000000-0000-0000-0000-000000000099","EntryPoint":"/bin/app"})");
    EXPECT_THROW(mm.machine().loadRtApp(CoreId::M4_1, matrixImage(), hl), FirewallError);
}

}  // namespace
}  // namespace mt3620
