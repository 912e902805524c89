// The firewall and mailbox samples through the CLI (docs/firewall.md, docs/intercore.md): a
// violation RTApp faults precisely on the other core's GPIO, conflicting manifests are refused,
// app directories load, and the M4-to-M4 pair talks over the M4 <-> M4 mailbox.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>

#include "E2eSupport.h"
#include "image/RtAppImage.h"

namespace {

using ::testing::HasSubstr;
using e2e::firmware;
using e2e::runEmu;

const std::string kSamples = std::string(SOURCE_DIR) + "/firmware-samples/";

std::string violationRun(const std::string& mode) {
    return "run --m4-0 " + firmware("blink") + " --manifest-m4-0 " + kSamples + "firewall-violation/blink_manifest.json" +
           " --m4-1 " + firmware("firewall-violation") + " --manifest-m4-1 " + kSamples +
           "firewall-violation/app_manifest.json --time-limit 50ms --keep-going --firewall " + mode;
}

TEST(FirewallSamples, ViolationIsAPreciseBusFaultAtTheStore) {
    auto image = mt3620::RtAppImage::load(firmware("firewall-violation"));
    auto store = image.symbolAddress("violation_store");
    ASSERT_TRUE(store);
    auto r = runEmu(violationRun("fault"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("m4-1| firewall-violation: GPIO 0 (mine) ok; GPIO 8 (m4-0's) next"));
    EXPECT_THAT(r.out, HasSubstr(fmt::format("m4-1| firewall-violation: BusFault CFSR 0x00008200 BFAR 0x38030014 PC {:#010x}",
                                             *store & ~1u)));
    EXPECT_THAT(r.err, HasSubstr(fmt::format("m4-1 firewall: write of 0x38030014 at PC {:#010x} denied: GPIO-GROUP-2 "
                                             "belongs to m4-0 (app 'blink'); BusFault", *store & ~1u)));
}

TEST(FirewallSamples, LogModeIgnoresTheWriteAndOffAllowsIt) {
    auto logged = runEmu(violationRun("log"));
    EXPECT_EQ(logged.exit_code, 0) << logged.err;
    EXPECT_THAT(logged.out, HasSubstr("firewall-violation: the write went through (firewall off or log)"));
    EXPECT_THAT(logged.err, HasSubstr("denied: it belongs to m4-0 (GPIO-GROUP-2) (write ignored)"));
    auto off = runEmu(violationRun("off"));
    EXPECT_EQ(off.exit_code, 0) << off.err;
    EXPECT_THAT(off.out, HasSubstr("the write went through"));
    EXPECT_THAT(off.err, ::testing::Not(HasSubstr("denied")));
}

TEST(FirewallSamples, ConflictingManifestIsRefusedWithTheOwner) {
    auto r = runEmu("run --m4-0 " + firmware("blink") + " --manifest-m4-0 " + kSamples +
                    "firewall-violation/blink_manifest.json --m4-1 " + firmware("firewall-violation") +
                    " --manifest-m4-1 " + kSamples + "firewall-violation/blink_manifest.json --time-limit 10ms");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr("cannot start 'blink' on m4-1: GPIO 8 is in use by 'blink' on m4-0 (block "
                                 "GPIO-GROUP-2, claimed through GPIO 8)"));
}

TEST(FirewallSamples, AppDirectoryHoldsTheManifestAndTheEntryPointElf) {
    namespace fs = std::filesystem;
    const fs::path dir = e2e::tmpPath("approot-violation");
    fs::create_directories(dir / "bin");
    fs::copy_file(kSamples + "firewall-violation/app_manifest.json", dir / "app_manifest.json",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(firmware("firewall-violation"), dir / "bin" / "app", fs::copy_options::overwrite_existing);
    auto r = runEmu("run --m4-1 " + dir.string() + " --time-limit 10ms --keep-going --log-level info");
    EXPECT_THAT(r.err, HasSubstr("manifest 'firewall-violation' (6b2b0a3c-7a52-4a65-9c1e-0d3a2f4b5c61): firewall "
                                 "gives this core GPIO-GROUP-0"));
    EXPECT_THAT(r.out, HasSubstr("GPIO 0 (mine) ok"));
    // Without manifests the old behaviour: everything shared, and the log says so.
    auto plain = runEmu("run --m4-1 " + firmware("firewall-violation") + " --time-limit 10ms --log-level info");
    EXPECT_THAT(plain.out, HasSubstr("the write went through"));
    EXPECT_THAT(plain.err, HasSubstr("no app manifest: this core shares every peripheral no manifest claims"));
}

TEST(MailboxSamples, M4PairTalksOverTheM4ToM4Mailbox) {
    auto r = runEmu("run --m4-0 " + firmware("m4-ping") + " --m4-1 " + firmware("m4-pong") + " --time-limit 100ms");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (unsigned i = 1; i <= 5; ++i) {
        EXPECT_THAT(r.out, HasSubstr(fmt::format("m4-1| m4-pong: got {:#010x} {}", 0x100 + i, i * i)));
        EXPECT_THAT(r.out, HasSubstr(fmt::format("m4-0| m4-ping: sent {:#010x} {}, reply {:#010x} {}", 0x100 + i, i * i,
                                                 0x8000'0100u + i, i * i + 1)));
    }
    EXPECT_THAT(r.out, HasSubstr("m4-0| m4-ping: done"));
    EXPECT_EQ(runEmu("run --m4-0 " + firmware("m4-ping") + " --m4-1 " + firmware("m4-pong") + " --time-limit 100ms").out,
              r.out) << "deterministic";
}

}  // namespace
