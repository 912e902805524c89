#include "cli/DeviceCommand.h"

#include <fmt/format.h>

#include <iostream>

#include "pluton/Attestation.h"
#include "pluton/Certificates.h"
#include "pluton/Device.h"
#include "pluton/StateFile.h"

namespace mt3620::cli {

namespace {

int fail(const std::string& message, int code = 2) {
    std::cerr << "error: " << message << "\n";
    return code;
}

pluton::Device openDevice(const DeviceCliOptions& o) {
    pluton::DeviceOptions d;
    d.dir = o.dir;
    if (!o.seed.empty()) d.seed = o.seed;
    d.production = o.production;
    return pluton::Device::open(d);
}

std::string readText(const std::string& path) {
    auto b = pluton::readWholeFile(path);
    return {b.begin(), b.end()};
}

int show(pluton::Device& dev) {
    std::cout << fmt::format("Device ID:      {}\n", dev.pluton().deviceId());
    std::cout << fmt::format("State:          {}\n", dev.dir().string());
    std::cout << fmt::format("Mode:           {}\n", dev.production() ? "production" : "development");
    std::cout << fmt::format("Developer key:  {}\n", pluton::keyThumbprint(dev.developerKey()));
    std::cout << fmt::format("Certificates:   {} (issued by {})\n", (dev.dir() / "device.crt").string(),
                             (dev.dir() / "ca.crt").string());
    auto trust = dev.trustStore();
    std::cout << fmt::format("Trust store:    {} key{}\n", trust.size(), trust.size() == 1 ? "" : "s");
    for (const auto& k : trust) std::cout << "  " << pluton::keyThumbprint(k) << "\n";
    auto images = dev.installed();
    std::cout << fmt::format("Installed apps: {}\n", images.size());
    for (const auto& i : images)
        std::cout << fmt::format("  {:<5} {}  version {}  {} ({})\n", i.core, i.component.toString(), i.version, i.name, i.app_type);
    auto counters = dev.rollbackCounters();
    if (!counters.empty()) {
        std::cout << "Anti-rollback:\n";
        for (const auto& [c, v] : counters) std::cout << fmt::format("  {}  minimum version {}\n", c, v);
    }
    return 0;
}

int install(pluton::Device& dev, const DeviceCliOptions& o) {
    std::optional<std::string> core;
    if (!o.core.empty()) core = o.core;
    auto r = dev.install(o.package, core);
    if (r.previous_version)
        std::cout << fmt::format("Updated {} '{}' on {}: version {} -> {}\n", r.image.component.toString(), r.image.name,
                                 r.image.core, *r.previous_version, r.image.version);
    else
        std::cout << fmt::format("Installed {} '{}' version {} on {}\n", r.image.component.toString(), r.image.name,
                                 r.image.version, r.image.core);
    return 0;
}

int attest(pluton::Device& dev, const DeviceCliOptions& o) {
    std::vector<std::string> failures;
    dev.bootInstalled(&failures);
    for (const auto& f : failures) std::cerr << "warning: not booted: " << f << "\n";
    std::string report = pluton::makeAttestation(dev.pluton(), o.nonce);
    if (o.output.empty()) {
        std::cout << report;
    } else {
        pluton::writeFileAtomic(o.output, report);
        std::cout << fmt::format("Attestation report for device {} written to {}\n", dev.pluton().deviceId(), o.output);
    }
    return 0;
}

int verify(const DeviceCliOptions& o) {
    std::string cert = o.cert, ca = o.ca;
    if (cert.empty() || ca.empty()) {
        // Default: the certificates in the device state.
        pluton::Device dev = openDevice(o);
        if (cert.empty()) cert = (dev.dir() / "device.crt").string();
        if (ca.empty()) ca = (dev.dir() / "ca.crt").string();
    }
    auto r = pluton::verifyAttestation(readText(o.report), o.nonce, readText(cert), readText(ca));
    if (!r.error.empty()) return fail(fmt::format("{}: attestation refused: {}", o.report, r.error), 1);
    std::cout << fmt::format("Attestation verified: device {}\n", r.device_id);
    for (const auto& m : r.measurements) std::cout << "  measured " << m << "\n";
    std::cout << "  boot chain " << r.boot_chain << "\n";
    return 0;
}

int errorReport(pluton::Device& dev) {
    auto reports = dev.errors().list();
    std::cout << fmt::format("Device ID: {}\n", dev.pluton().deviceId());
    std::cout << fmt::format("Error reports: {}\n", reports.size());
    for (const auto& r : reports) {
        std::cout << fmt::format("  #{} {} {}\n", r.sequence, r.time, pluton::errorEventName(r.event));
        if (!r.component.empty()) std::cout << fmt::format("      Component: {}\n", r.component);
        if (!r.core.empty()) std::cout << fmt::format("      Core:      {}\n", r.core);
        std::cout << fmt::format("      Detail:    {}\n", r.detail);
        if (r.count > 1) std::cout << fmt::format("      Count:     {}\n", r.count);
    }
    return 0;
}

void addCommon(CLI::App& c, DeviceCliOptions& o) {
    c.add_option("--device", o.dir, "Device state directory (default: $XDG_DATA_HOME/mt3620-emu/device)");
    c.add_option("--device-seed", o.seed, "Create missing keys (device identity, developer key, CA) from this seed");
    c.add_flag("--production", o.production, "Production mode: accept only images signed by trust-store keys");
}

}  // namespace

void addDeviceOptions(CLI::App& cmd, DeviceCliOptions& o) {
    cmd.require_subcommand(1);
    o.show = cmd.add_subcommand("show", "Create the device if needed and print its identity and installed apps");
    addCommon(*o.show, o);
    o.install = cmd.add_subcommand("install", "Install or update an app package (verified, anti-rollback)");
    addCommon(*o.install, o);
    o.install->add_option("package", o.package, "The .imagepackage file")->required();
    o.install->add_option("--core", o.core, "Core for the app: m4-0, m4-1 (real-time apps) or a7")
        ->check(CLI::IsMember({"m4-0", "m4-1", "a7"}));
    o.uninstall = cmd.add_subcommand("uninstall", "Remove an installed app");
    addCommon(*o.uninstall, o);
    o.uninstall->add_option("component", o.component, "Component ID")->required();
    o.attest = cmd.add_subcommand("attest", "Boot the installed apps and print a signed attestation report");
    addCommon(*o.attest, o);
    o.attest->add_option("--nonce", o.nonce, "The verifier's nonce")->required();
    o.attest->add_option("-o,--output", o.output, "Write the report to this file");
    o.verify = cmd.add_subcommand("verify-attestation", "Check an attestation report against a device certificate");
    addCommon(*o.verify, o);
    o.verify->add_option("--report", o.report, "The attestation report")->required()->check(CLI::ExistingFile);
    o.verify->add_option("--nonce", o.nonce, "The nonce the report must answer")->required();
    o.verify->add_option("--cert", o.cert, "Device certificate (PEM); default: the --device's device.crt")->check(CLI::ExistingFile);
    o.verify->add_option("--ca", o.ca, "CA certificate (PEM); default: the --device's ca.crt")->check(CLI::ExistingFile);
    o.errors = cmd.add_subcommand("error-report", "List the device's error reports");
    addCommon(*o.errors, o);
    o.trust = cmd.add_subcommand("trust", "Add a public key file (from developer-key) to the trust store");
    addCommon(*o.trust, o);
    o.trust->add_option("key", o.key_file, "Public key file")->required()->check(CLI::ExistingFile);
    o.developer_key = cmd.add_subcommand("developer-key", "Export the developer signing key's public key");
    addCommon(*o.developer_key, o);
    o.developer_key->add_option("-o,--output", o.output, "Public key file to write")->required();
}

int deviceCommand(const DeviceCliOptions& o) {
    try {
        if (*o.verify) return verify(o);
        pluton::Device dev = openDevice(o);
        if (*o.show) return show(dev);
        if (*o.install) return install(dev, o);
        if (*o.uninstall) {
            auto g = Guid::parse(o.component);
            if (!g) return fail(fmt::format("'{}' is not a component ID (GUID)", o.component));
            if (!dev.uninstall(*g)) return fail(fmt::format("component {} is not installed", o.component), 1);
            std::cout << fmt::format("Uninstalled {}\n", o.component);
            return 0;
        }
        if (*o.attest) return attest(dev, o);
        if (*o.errors) return errorReport(dev);
        if (*o.trust) {
            dev.trust(pluton::readPublicKeyFile(o.key_file));
            std::cout << fmt::format("Trusted key {}\n", pluton::keyThumbprint(pluton::readPublicKeyFile(o.key_file)));
            return 0;
        }
        if (*o.developer_key) {
            pluton::writePublicKeyFile(o.output, dev.developerKey());
            std::cout << fmt::format("Developer key {} written to {}\n", pluton::keyThumbprint(dev.developerKey()), o.output);
            return 0;
        }
    } catch (const pluton::SecurityError& e) {
        return fail(e.what(), 1);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}

}  // namespace mt3620::cli
