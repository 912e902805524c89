// Security end to end through the CLI: every sample package built by the project (the
// sample_packages target) shows, runs and behaves like its ELF; tampered and rolled-back
// packages are refused and reported; attestation; SIGKILL during `device install` always
// leaves a device that boots the old or the new image.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>
#include <thread>

#include "E2eSupport.h"

namespace fs = std::filesystem;
using e2e::runEmu;

namespace {

const std::string kPackages = std::string(BUILD_DIR) + "/packages";

/// The build's own data directory: the developer key that signed the sample packages.
void useBuildDataHome() { ::setenv("XDG_DATA_HOME", (kPackages + "/home").c_str(), 1); }

std::string freshDir(const std::string& name) {
    fs::path p = fs::path(e2e::tmpPath("security")) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

/// The sample packages the build made: the RTApps', or the high-level apps' (hl-*).
std::vector<std::string> samplePackages(bool high_level = false) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(kPackages))
        if (e.path().extension() == ".imagepackage" && e.path().stem().string().starts_with("hl-") == high_level)
            names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// A fresh data home and directory `name` with two versions of one component, signed by the
/// same developer key: <v1>.imagepackage (version 1, the hello sample) and <v2>.imagepackage
/// (version 2, the counter sample). Returns the directory, or "" if packing failed.
std::string packTwoVersions(const std::string& name, const std::string& v1, const std::string& v2) {
    ::setenv("XDG_DATA_HOME", freshDir(name + "-home").c_str(), 1);
    const std::string dir = freshDir(name);
    const std::string manifest = kPackages + "/hello.app_manifest.json";
    int rc1 = runEmu("image pack-rtapp --manifest " + manifest + " --elf " + e2e::firmware("hello") + " -o " + dir + "/" +
                     v1 + ".imagepackage --version 1 --key-seed k").exit_code;
    int rc2 = runEmu("image pack-rtapp --manifest " + manifest + " --elf " + e2e::firmware("counter") + " -o " + dir +
                     "/" + v2 + ".imagepackage --version 2").exit_code;
    return rc1 == 0 && rc2 == 0 ? dir : "";
}

}  // namespace

TEST(SecurityE2E, EverySamplePackageShowsAndRunsLikeItsElf) {
    useBuildDataHome();
    auto names = samplePackages();
    ASSERT_GE(names.size(), 20u) << "the build packages every RTApp sample";
    const std::string dev = freshDir("samples-device");
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const std::string pkg = kPackages + "/" + name + ".imagepackage";
        auto show = runEmu("image show " + pkg);
        EXPECT_EQ(show.exit_code, 0) << show.err;
        EXPECT_NE(show.out.find("Image Type:           Application"), std::string::npos) << show.out;
        EXPECT_NE(show.out.find("Signing Type:         ECDSA256"), std::string::npos);
        EXPECT_NE(show.out.find("Image Name:           " + name), std::string::npos);
        EXPECT_NE(show.out.find("bin/app"), std::string::npos);
        // The device enforces the package's manifest, so the ELF runs with the same manifest.
        std::string manifest = std::string(SOURCE_DIR) + "/firmware-samples/" + name + "/app_manifest.json";
        if (!fs::exists(manifest)) manifest = kPackages + "/" + name + ".app_manifest.json";
        auto elf = runEmu("run --no-board --time-limit 30ms --m4-0 " + e2e::firmware(name) + " --manifest-m4-0 " + manifest);
        auto packaged = runEmu("run --no-board --time-limit 30ms --device " + dev + " --m4-0 " + pkg);
        EXPECT_EQ(packaged.exit_code, elf.exit_code) << packaged.err;
        EXPECT_EQ(packaged.out, elf.out);
        EXPECT_NE(packaged.err.find("pluton: measured m4-0"), std::string::npos) << packaged.err;
    }
}

TEST(SecurityE2E, EveryHighLevelSamplePackageShowsAndRunsLikeItsAppDirectory) {
    if (!fs::exists(std::string(HL_APPS_DIR) + "/apps"))
        GTEST_SKIP() << "the HL samples are not built (arm-linux-musleabihf-gcc or musl:armhf missing)";
    useBuildDataHome();
    auto names = samplePackages(true);
    std::size_t apps = 0;
    for (const auto& e : fs::directory_iterator(std::string(HL_APPS_DIR) + "/apps"))
        apps += fs::exists(e.path() / "app_manifest.json");
    ASSERT_EQ(names.size(), apps) << "the build packages every HL sample";
    const std::string dev = freshDir("hl-samples-device");
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const std::string pkg = kPackages + "/" + name + ".imagepackage";
        const std::string app = std::string(HL_APPS_DIR) + "/apps/" + name;
        std::smatch m;  // the image is named after the manifest's Name
        const std::string manifest = e2e::readFile(app + "/app_manifest.json");
        ASSERT_TRUE(std::regex_search(manifest, m, std::regex("\"Name\": *\"([^\"]+)\"")));
        auto show = runEmu("image show " + pkg);
        EXPECT_EQ(show.exit_code, 0) << show.err;
        EXPECT_NE(show.out.find("Image Name:           " + m[1].str()), std::string::npos) << show.out;
        EXPECT_NE(show.out.find("Application: " + m[1].str() + " (Default)"), std::string::npos) << show.out;
        EXPECT_NE(show.out.find("    bin/app ("), std::string::npos) << show.out;
        // Same storage (a fresh, empty one) for both runs; only the package run has a device.
        auto run = [&](const std::string& what, const std::string& device) {
            const std::string storage = freshDir("hl-storage-" + name);
            return runEmu("run --time-limit 300ms --storage " + storage + device + " --a7 " + what);
        };
        auto direct = run(app, "");
        auto packaged = run(pkg, " --device " + dev);
        EXPECT_NE(packaged.err.find("pluton: measured a7"), std::string::npos) << packaged.err;
        if (name == "hl-certstore") continue;  // its output is what the device state holds: see DeviceCertificates
        EXPECT_EQ(packaged.exit_code, direct.exit_code) << packaged.err;
        EXPECT_EQ(packaged.out, direct.out);
    }
}

TEST(SecurityE2E, TamperedPackageNeverRunsAndIsReported) {
    useBuildDataHome();
    const std::string dir = freshDir("tamper");
    auto bytes = e2e::readFile(kPackages + "/hello.imagepackage");
    std::mt19937 rng(10);
    for (int i = 0; i < 8; ++i) {
        std::string bad = bytes;
        std::size_t at = std::uniform_int_distribution<std::size_t>(0, bad.size() - 1)(rng);
        bad[at] = static_cast<char>(bad[at] ^ (1 << (i % 8)));
        const std::string path = dir + "/bad.imagepackage";
        std::ofstream(path, std::ios::binary) << bad;
        for (const char* mode : {"", " --production"}) {
            auto r = runEmu("run --no-board --time-limit 30ms --device " + dir + "/device" + mode + " --m4-0 " + path);
            EXPECT_NE(r.exit_code, 0) << "byte " << at << " flipped";
            EXPECT_EQ(r.out.find("hello sample"), std::string::npos) << "a tampered image ran (byte " << at << ")";
        }
    }
    auto reports = runEmu("device error-report --device " + dir + "/device");
    EXPECT_EQ(reports.exit_code, 0) << reports.err;
    EXPECT_NE(reports.out.find("Error reports: 16"), std::string::npos) << reports.out;
    EXPECT_NE(reports.out.find("VerificationFailure"), std::string::npos);
}

TEST(SecurityE2E, ProductionModeNeedsTheTrustStore) {
    useBuildDataHome();
    const std::string dir = freshDir("production");
    const std::string pkg = kPackages + "/hello.imagepackage";
    auto refused = runEmu("run --no-board --time-limit 30ms --production --device " + dir + "/device --m4-0 " + pkg);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("production mode"), std::string::npos) << refused.err;
    ASSERT_EQ(runEmu("device developer-key --device " + dir + "/device -o " + dir + "/dev.pub").exit_code, 0);
    ASSERT_EQ(runEmu("device trust --device " + dir + "/device " + dir + "/dev.pub").exit_code, 0);
    auto ok = runEmu("run --no-board --time-limit 30ms --production --device " + dir + "/device --m4-0 " + pkg);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("mt3620-emu hello sample"), std::string::npos);
}

TEST(SecurityE2E, InstallUpdateRollbackAndBootInstalled) {
    const std::string dir = packTwoVersions("install", "v1", "v2");
    ASSERT_FALSE(dir.empty());
    const std::string dev = " --device " + dir + "/device --device-seed d";
    EXPECT_EQ(runEmu("device install " + dir + "/v1.imagepackage" + dev).exit_code, 0);
    auto boot1 = runEmu("run --no-board --time-limit 30ms" + dev);
    EXPECT_NE(boot1.out.find("mt3620-emu hello sample"), std::string::npos) << boot1.err;
    auto up = runEmu("device install " + dir + "/v2.imagepackage" + dev);
    EXPECT_NE(up.out.find("version 1 -> 2"), std::string::npos) << up.err;
    auto back = runEmu("device install " + dir + "/v1.imagepackage" + dev);
    EXPECT_EQ(back.exit_code, 1);
    EXPECT_NE(back.err.find("anti-rollback"), std::string::npos) << back.err;
    auto boot2 = runEmu("run --no-board --time-limit 30ms" + dev);
    EXPECT_NE(boot2.out.find("counter 0"), std::string::npos) << boot2.err;
    auto reports = runEmu("device error-report" + dev);
    EXPECT_NE(reports.out.find("InstallRefused"), std::string::npos);
    EXPECT_NE(reports.out.find("anti-rollback"), std::string::npos);
}

TEST(SecurityE2E, AttestationFromOneDeviceOnly) {
    useBuildDataHome();
    const std::string dir = freshDir("attest");
    const std::string a = " --device " + dir + "/a --device-seed a", b = " --device " + dir + "/b --device-seed b";
    ASSERT_EQ(runEmu("device install " + kPackages + "/hello.imagepackage" + a).exit_code, 0);
    auto att = runEmu("device attest --nonce 1234 -o " + dir + "/report.txt" + a);
    ASSERT_EQ(att.exit_code, 0) << att.err;
    auto ok = runEmu("device verify-attestation --report " + dir + "/report.txt --nonce 1234" + a);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("measured m4-0"), std::string::npos);
    auto nonce = runEmu("device verify-attestation --report " + dir + "/report.txt --nonce 1235" + a);
    EXPECT_EQ(nonce.exit_code, 1);
    EXPECT_NE(nonce.err.find("nonce mismatch"), std::string::npos) << nonce.err;
    ASSERT_EQ(runEmu("device show" + b).exit_code, 0);
    auto other = runEmu("device verify-attestation --report " + dir + "/report.txt --nonce 1234" + b);
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.err.find("another device"), std::string::npos) << other.err;
}

TEST(SecurityE2E, SameSeedSameDeviceIdCertificatesAndMeasurements) {
    // Same inputs: the same seeds, the same ELF and a fixed build timestamp in the package.
    ::setenv("SOURCE_DATE_EPOCH", "1735689600", 1);
    std::string first;
    for (int run = 0; run < 2; ++run) {
        ::setenv("XDG_DATA_HOME", freshDir("seed-home").c_str(), 1);
        const std::string dir = freshDir("seed");
        const std::string dev = " --device " + dir + "/device --device-seed same";
        ASSERT_EQ(runEmu("image pack-rtapp --manifest " + kPackages + "/hello.app_manifest.json --elf " +
                         e2e::firmware("hello") + " -o " + dir + "/p.imagepackage --key-seed same").exit_code, 0);
        ASSERT_EQ(runEmu("device install " + dir + "/p.imagepackage" + dev).exit_code, 0);
        auto att = runEmu("device attest --nonce n" + dev);
        ASSERT_EQ(att.exit_code, 0);
        std::string all = att.out + e2e::readFile(dir + "/device/device.crt") + e2e::readFile(dir + "/device/ca.crt");
        if (run == 0) first = all;
        else EXPECT_EQ(all, first);
    }
    ::unsetenv("SOURCE_DATE_EPOCH");
}

TEST(SecurityE2E, SigkillDuringInstallLeavesOldOrNewImage) {
    const std::string dir = packTwoVersions("kill", "old", "new");
    ASSERT_FALSE(dir.empty());
    // How long an uninterrupted update takes here (fsyncs dominate); kills land anywhere in
    // [0, 1.5 x that], so some interrupt the install and some come after it finished.
    const std::string calib = " --device " + dir + "/calibration --device-seed k";
    ASSERT_EQ(runEmu("device install " + dir + "/old.imagepackage" + calib).exit_code, 0);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(runEmu("device install " + dir + "/new.imagepackage" + calib).exit_code, 0);
    const auto install_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    std::mt19937 rng(20261126);
    int old_seen = 0, new_seen = 0;
    for (int i = 0; i < 20; ++i) {
        SCOPED_TRACE("iteration " + std::to_string(i));
        const std::string dev = dir + "/device" + std::to_string(i);
        ASSERT_EQ(runEmu("device install " + dir + "/old.imagepackage --device " + dev + " --device-seed k").exit_code, 0);
        const int delay_us = std::uniform_int_distribution<int>(0, static_cast<int>(install_us * 3 / 2))(rng);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, 1);
            ::dup2(null, 2);
            std::string pkg = dir + "/new.imagepackage";
            ::execl(EMU_EXE, EMU_EXE, "device", "install", pkg.c_str(), "--device", dev.c_str(), nullptr);
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        auto boot = runEmu("run --no-board --time-limit 30ms --device " + dev);
        ASSERT_EQ(boot.exit_code, 0) << boot.err;
        const bool old_ran = boot.out.find("mt3620-emu hello sample") != std::string::npos;
        const bool new_ran = boot.out.find("counter 0") != std::string::npos;
        EXPECT_TRUE(old_ran != new_ran) << boot.out << boot.err;
        old_seen += old_ran;
        new_seen += new_ran;
    }
    // The delays span the install: both outcomes happen (a kill test that never interrupts
    // anything, or never lets it finish, would prove nothing).
    EXPECT_GT(old_seen, 0);
    EXPECT_GT(new_seen, 0);
}

TEST(SecurityE2E, CrashOfAPackagedAppIsAnErrorReport) {
    useBuildDataHome();
    const std::string dir = freshDir("crash");
    auto r = runEmu("run --no-board --time-limit 30ms --device " + dir + "/device --m4-0 " + kPackages +
                    "/fault-null.imagepackage");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto reports = runEmu("device error-report --device " + dir + "/device");
    EXPECT_NE(reports.out.find("AppCrash"), std::string::npos) << reports.out;
    EXPECT_NE(reports.out.find("Core:      m4-0"), std::string::npos) << reports.out;
}

TEST(SecurityE2E, HighLevelAppPackageInstallsForTheA7) {
    ::setenv("XDG_DATA_HOME", freshDir("hl-home").c_str(), 1);
    const std::string dir = freshDir("hl");
    const std::string src = std::string(SOURCE_DIR) + "/tests/data/packages/src";
    auto pack = runEmu("image pack-application --manifest " + src + "/app_manifest.json --input " + src + "/app -o " + dir +
                       "/hl.imagepackage --abi-version 15");
    ASSERT_EQ(pack.exit_code, 0) << pack.err;
    auto show = runEmu("image show " + dir + "/hl.imagepackage");
    EXPECT_NE(show.out.find("Depends on:           ApplicationRuntime, version 15"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("Application: corpus-app (Default)"), std::string::npos) << show.out;
    // An HL app package is refused on an M4...
    auto m4 = runEmu("run --no-board --time-limit 10ms --device " + dir + "/device --m4-0 " + dir + "/hl.imagepackage");
    EXPECT_EQ(m4.exit_code, 2);
    EXPECT_NE(m4.err.find("cannot run on m4-0"), std::string::npos) << m4.err;
    // ...and installs for the A7.
    auto inst = runEmu("device install " + dir + "/hl.imagepackage --device " + dir + "/device");
    EXPECT_EQ(inst.exit_code, 0) << inst.err;
    EXPECT_NE(inst.out.find("on a7"), std::string::npos) << inst.out;
    auto show_dev = runEmu("device show --device " + dir + "/device");
    EXPECT_NE(show_dev.out.find("a7    0c0ffee0-1234-4abc-8def-000000000010  version 1  corpus-app (Default)"),
              std::string::npos) << show_dev.out;
}
