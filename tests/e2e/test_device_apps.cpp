// A device started later runs what was installed, and what goes wrong is reported
// (docs/security.md): `run --device DIR` boots the installed RTApps and high-level app, each
// verified at boot; updates, rollbacks and tampering; watchdog resets, firewall denials, app
// crashes and exits as error reports; DeviceAuth and CertStore for an HL app.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "E2eSupport.h"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using e2e::runEmu;

namespace {

const std::string kPackages = std::string(BUILD_DIR) + "/packages";
const std::string kSamples = std::string(SOURCE_DIR) + "/firmware-samples/";
std::string hlApp(const std::string& name) { return std::string(HL_APPS_DIR) + "/apps/" + name; }
std::string hlProgram(const std::string& name) { return std::string(HL_DIR) + "/" + name; }

/// The build's data directory: the developer key that signed the sample packages.
void useBuildDataHome() { ::setenv("XDG_DATA_HOME", (kPackages + "/home").c_str(), 1); }

std::string freshDir(const std::string& name) {
    fs::path p = fs::path(e2e::tmpPath("device-apps")) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

std::string errorReports(const std::string& device) {
    auto r = runEmu("device error-report --device " + device);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

/// Packs the app directory `app` (bin/app) with `manifest` as version `version`.
std::string packHl(const std::string& dir, const std::string& app, const std::string& manifest, int version) {
    const std::string input = dir + "/input-v" + std::to_string(version);
    fs::remove_all(input);
    fs::create_directories(input + "/bin");
    fs::copy_file(app + "/bin/app", input + "/bin/app");
    const std::string out = dir + "/hl-v" + std::to_string(version) + ".imagepackage";
    auto r = runEmu("image pack-application --manifest " + manifest + " --input " + input + " -o " + out +
                    " --version " + std::to_string(version));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
}

}  // namespace

TEST(DeviceErrorReports, WatchdogResetIsReportedOnce) {
    ::setenv("XDG_DATA_HOME", freshDir("watchdog-home").c_str(), 1);
    const std::string dev = freshDir("watchdog") + "/device";
    auto r = runEmu("run --no-board --time-limit 3s --device " + dev + " --m4-0 " + e2e::firmware("watchdog"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("rebooted by watchdog"));
    const std::string reports = errorReports(dev);
    EXPECT_THAT(reports, HasSubstr("Error reports: 1\n"));
    EXPECT_THAT(reports, HasSubstr("WatchdogReset"));
    EXPECT_THAT(reports, HasSubstr("Core:      m4-0"));
    EXPECT_THAT(reports, HasSubstr("watchdog timeout (first at 2."));
}

TEST(DeviceErrorReports, FirewallDenialOfAPackagedAppIsReported) {
    useBuildDataHome();
    const std::string dev = freshDir("firewall") + "/device";
    // blink owns GPIO 8 on m4-0; the packaged firewall-violation app (its manifest comes from
    // the package) writes it from m4-1.
    auto r = runEmu("run --log-level info --time-limit 50ms --keep-going --device " + dev + " --m4-0 " +
                    e2e::firmware("blink") + " --manifest-m4-0 " + kSamples + "firewall-violation/blink_manifest.json" +
                    " --m4-1 " + kPackages + "/firewall-violation.imagepackage");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("manifest 'firewall-violation' (6b2b0a3c-7a52-4a65-9c1e-0d3a2f4b5c61): firewall gives "
                                 "this core GPIO-GROUP-0"));
    EXPECT_THAT(r.out, HasSubstr("m4-1| firewall-violation: BusFault CFSR 0x00008200 BFAR 0x38030014"));
    const std::string reports = errorReports(dev);
    EXPECT_THAT(reports, HasSubstr("FirewallDenial"));
    EXPECT_THAT(reports, HasSubstr("Component: 6b2b0a3c-7a52-4a65-9c1e-0d3a2f4b5c61"));
    EXPECT_THAT(reports, HasSubstr("Core:      m4-1"));
    EXPECT_THAT(reports, HasSubstr("access to 0x38030014 denied: GPIO-GROUP-2 belongs to m4-0 (app 'blink')"));
    // Without a device nothing is recorded anywhere, and the run is the same.
    auto plain = runEmu("run --time-limit 50ms --keep-going --m4-0 " + e2e::firmware("blink") + " --manifest-m4-0 " +
                        kSamples + "firewall-violation/blink_manifest.json --m4-1 " + e2e::firmware("firewall-violation") +
                        " --manifest-m4-1 " + kSamples + "firewall-violation/app_manifest.json");
    EXPECT_EQ(plain.out, r.out);
}

TEST(DeviceErrorReports, HighLevelAppCrashAndExitAreReported) {
    if (!fs::exists(hlProgram("crash-segv"))) GTEST_SKIP() << "the HL test programs are not built";
    ::setenv("XDG_DATA_HOME", freshDir("hl-crash-home").c_str(), 1);
    const std::string dev = freshDir("hl-crash") + "/device";
    auto crash = runEmu("run --device " + dev + " --a7 " + hlProgram("crash-segv"));
    EXPECT_EQ(crash.exit_code, 139) << crash.err;
    auto exit = runEmu("run --device " + dev + " --a7 " + hlProgram("args-env") + " -- a b c");
    EXPECT_EQ(exit.exit_code, 3) << exit.err;
    const std::string reports = errorReports(dev);
    EXPECT_THAT(reports, HasSubstr("Error reports: 2\n"));
    EXPECT_THAT(reports, HasSubstr("AppCrash\n      Component: " + hlProgram("crash-segv") +
                                   "\n      Core:      a7\n      Detail:    terminated by signal SIGSEGV (11)"));
    EXPECT_THAT(reports, HasSubstr("AppExit\n      Component: " + hlProgram("args-env") +
                                   "\n      Core:      a7\n      Detail:    exited with code 3"));
}

TEST(DeviceBoot, InstalledRtAppAndHighLevelAppRunUpdateRollbackTamper) {
    REQUIRE_HL_APPS();
    useBuildDataHome();
    const std::string dir = freshDir("boot");
    const std::string dev = " --device " + dir + "/device";
    // One HL component in two versions: v1 is the HelloWorld app, v2 the blink app (both
    // drive GPIO 8; the manifest grants 8 and 12).
    const std::string manifest = dir + "/app_manifest.json";
    std::ofstream(manifest) << R"({"SchemaVersion": 1, "Name": "hl-updated", "ComponentId": "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
      "EntryPoint": "/bin/app", "CmdArgs": [], "Capabilities": {"Gpio": [8, 12]}, "ApplicationType": "Default"})";
    const std::string v1 = packHl(dir, hlApp("hl-helloworld"), manifest, 1);
    const std::string v2 = packHl(dir, hlApp("hl-blink"), manifest, 2);

    ASSERT_EQ(runEmu("device install " + kPackages + "/hello.imagepackage" + dev).exit_code, 0);
    auto inst = runEmu("device install " + v1 + dev);
    ASSERT_EQ(inst.exit_code, 0) << inst.err;
    EXPECT_THAT(inst.out, HasSubstr("version 1 on a7"));

    const std::string vcd = dir + "/pins.vcd";
    auto boot1 = runEmu("run --time-limit 2500ms --vcd " + vcd + dev);
    EXPECT_EQ(boot1.exit_code, 0) << boot1.err;
    EXPECT_THAT(boot1.out, HasSubstr("m4-0| mt3620-emu hello sample"));
    EXPECT_THAT(boot1.out, HasSubstr("a7| Starting CMake Hello application..."));
    EXPECT_THAT(boot1.err, HasSubstr("pluton: measured a7 5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f"));
    // The HelloWorld app toggles LED1 red (GPIO 8) once a second: besides the initial value
    // the dump has the toggles at 1 s and 2 s.
    const std::string dump = e2e::readFile(vcd);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(dump, m, std::regex(R"(\$var wire 1 (\S+) \S*_gpio8 )"))) << dump.substr(0, 2000);
    const std::string id = m[1];
    int changes = 0;
    std::istringstream lines(dump);
    for (std::string line; std::getline(lines, line);)
        if (line.size() == id.size() + 1 && line.substr(1) == id) ++changes;
    EXPECT_GE(changes, 3) << dump.substr(0, 2000);

    // The update replaces it; a device started later runs the new one.
    auto up = runEmu("device install " + v2 + dev);
    EXPECT_THAT(up.out, HasSubstr("version 1 -> 2")) << up.err;
    auto boot2 = runEmu("run --time-limit 1200ms" + dev);
    EXPECT_THAT(boot2.out, HasSubstr("a7| hl-blink: LED1 red on GPIO 8, button A on GPIO 12"));
    EXPECT_THAT(boot2.out, HasSubstr("a7| LED on"));
    EXPECT_THAT(boot2.out, Not(HasSubstr("Starting CMake Hello")));

    // A rolled-back update is refused and the new version still runs.
    auto back = runEmu("device install " + v1 + dev);
    EXPECT_EQ(back.exit_code, 1);
    EXPECT_THAT(back.err, HasSubstr("anti-rollback"));
    auto boot3 = runEmu("run --time-limit 1200ms" + dev);
    EXPECT_THAT(boot3.out, HasSubstr("a7| hl-blink: LED1 red"));

    // Production mode: the developer key is not in the trust store, nothing boots.
    auto prod = runEmu("run --time-limit 100ms --production" + dev);
    EXPECT_EQ(prod.exit_code, 2);
    EXPECT_THAT(prod.err, HasSubstr("production mode"));
    EXPECT_THAT(prod.out, Not(HasSubstr("hl-blink")));

    // A tampered stored HL package is refused at boot and reported; the RTApp still runs.
    for (const auto& e : fs::directory_iterator(dir + "/device/packages")) {
        std::string bytes = e2e::readFile(e.path().string());
        if (bytes.find("hl-updated") == std::string::npos) continue;
        bytes[bytes.size() / 2] ^= 0x40;
        std::ofstream(e.path(), std::ios::binary) << bytes;
    }
    auto tampered = runEmu("run --time-limit 100ms" + dev);
    EXPECT_EQ(tampered.exit_code, 0) << tampered.err;
    EXPECT_THAT(tampered.out, HasSubstr("mt3620-emu hello sample"));
    EXPECT_THAT(tampered.out, Not(HasSubstr("hl-blink")));
    EXPECT_THAT(tampered.err, HasSubstr("secure boot: refused"));
    const std::string reports = errorReports(dir + "/device");
    EXPECT_THAT(reports, HasSubstr("VerificationFailure\n      Component: 5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f\n"
                                   "      Core:      a7"));
    EXPECT_THAT(reports, HasSubstr("InstallRefused"));
}

TEST(DeviceCertificates, HighLevelAppUsesDeviceAuthAndTheCertStore) {
    REQUIRE_HL_APPS();
    ::setenv("XDG_DATA_HOME", freshDir("certs-home").c_str(), 1);
    const std::string dir = freshDir("certs");
    const std::string dev = " --device " + dir + "/device --device-seed certs";
    auto show = runEmu("device show" + dev);
    ASSERT_EQ(show.exit_code, 0) << show.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(show.out, m, std::regex("Device ID: +([0-9A-F]{128})")));
    const std::string device_id = m[1];

    auto r = runEmu("run" + dev + " --a7 " + hlApp("hl-certstore"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("device auth ready: yes, certificate /run/deviceauth/device_cert.pem"));
    EXPECT_THAT(r.out, HasSubstr("certificates: 2, space left"));
    EXPECT_THAT(r.out, HasSubstr("[0] device\n    subject CN=" + device_id + ", O=mt3620-emu device\n    issuer CN=mt3620-emu installation CA"));
    EXPECT_THAT(r.out, HasSubstr("[1] keep\n"));
    EXPECT_THAT(r.out, HasSubstr("not before 2025-01-01 00:00:00 UTC"));
    EXPECT_THAT(r.out, HasSubstr("not after  2099-12-31 23:59:59 UTC"));
    EXPECT_THAT(r.out, HasSubstr("renamed device -> moved\ndeleted moved\n"));
    EXPECT_THAT(r.out, HasSubstr("delete moved again: No such file or directory"));
    EXPECT_THAT(r.out, HasSubstr("identifier 'bad id!': Invalid argument"));
    EXPECT_THAT(r.out, HasSubstr("identifier of 17 characters: Result not representable"));
    EXPECT_THAT(r.out, HasSubstr("empty certificate: Result not representable"));
    EXPECT_THAT(r.out, HasSubstr("not a certificate: Invalid argument"));
    EXPECT_THAT(r.out, HasSubstr("identifier at index 99: Result not representable"));
    EXPECT_THAT(r.out, HasSubstr("certificates at the end: 1"));
    EXPECT_THAT(r.out, Not(HasSubstr("UNEXPECTED")));

    // The store is the device's: a later run (and a later app) sees what was installed.
    auto again = runEmu("run" + dev + " --a7 " + hlApp("hl-certstore") + " -- list");
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_THAT(again.out, HasSubstr("certificates: 1,"));
    EXPECT_THAT(again.out, HasSubstr("[0] keep\n    subject CN=" + device_id));

    // Without the capabilities in the manifest: EACCES, as the API documents.
    const std::string bare = dir + "/no-caps.json";
    std::ofstream(bare) << R"({"SchemaVersion": 1, "Name": "hl-certstore", "ComponentId": "4c1e7a90-2b3d-4f6a-9e85-1d2c3b4a5f07",
      "EntryPoint": "/bin/app", "CmdArgs": [], "Capabilities": {}, "ApplicationType": "Default"})";
    auto denied = runEmu("run" + dev + " --a7 " + hlApp("hl-certstore") + " --manifest " + bare);
    EXPECT_THAT(denied.out, HasSubstr("device auth ready: no"));
    EXPECT_THAT(denied.out, HasSubstr("open /run/deviceauth/device_cert.pem: Permission denied (13)"));
    EXPECT_THAT(denied.out, HasSubstr("CertStore_GetCertificateCount: Permission denied (13)"));
    // Without a device state the OS's certificate store is not there: EAGAIN.
    auto none = runEmu("run --a7 " + hlApp("hl-certstore") + " -- list");
    EXPECT_THAT(none.out, HasSubstr("CertStore_GetCertificateCount: Resource temporarily unavailable (11)"));
}
