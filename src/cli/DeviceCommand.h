#pragma once
// `mt3620-emu device`: the emulated device's identity, installed apps, trust store,
// attestation and error reports (docs/security.md).
#include <CLI/CLI.hpp>

#include <string>

namespace mt3620::cli {

struct DeviceCliOptions {
    std::string dir;
    std::string seed;
    bool production = false;
    std::string package;    // install
    std::string core;       // install
    std::string component;  // uninstall
    std::string nonce;      // attest, verify-attestation
    std::string output;     // attest, developer-key
    std::string report;     // verify-attestation
    std::string cert;       // verify-attestation
    std::string ca;         // verify-attestation
    std::string key_file;   // trust
    CLI::App* show = nullptr;
    CLI::App* install = nullptr;
    CLI::App* uninstall = nullptr;
    CLI::App* attest = nullptr;
    CLI::App* verify = nullptr;
    CLI::App* errors = nullptr;
    CLI::App* trust = nullptr;
    CLI::App* developer_key = nullptr;
};

void addDeviceOptions(CLI::App& cmd, DeviceCliOptions& opts);
int deviceCommand(const DeviceCliOptions& opts);

}  // namespace mt3620::cli
