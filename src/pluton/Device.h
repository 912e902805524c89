#pragma once
// An emulated Azure Sphere device: its persistent state directory, its Pluton block, secure
// boot, renewable security (install with anti-rollback), certificates and error reports.
// This is the C++ API the CLI (`mt3620-emu device`, `run --device`), the A7 OS personality
// (DeviceAuth / CertStore applibs, mutable storage) and the rest of the emulator use.
// docs/security.md describes the behaviour and the state directory layout.
//
// State directory (all files written atomically, all state files checksummed, see StateFile):
//   identity.state              identity key pair, device ID
//   installed.state             installed images (core, component, version, package file)
//                               and the anti-rollback counters, in one file (one rename commits
//                               an install)
//   packages/<sha256>.imagepackage   the installed packages, content-addressed
//   trust/<thumbprint>.state    the trust store (public keys accepted in production mode)
//   storage/<component>.state   mutable storage per app
//   errors/NNNNNN.state         error reports
//   certstore.state             the certificate store of the device's apps (CertStore.h)
//   app-storage/<component>.bin the A7 app's mutable storage under `run --device`
//   run/<component>-XXXXXX/     the A7 app of a running `run --device` (BootSession.h)
//   ca.crt, device.crt          the certificate chain (PEM)
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "image/AppArchive.h"
#include "image/ImagePackage.h"
#include "pluton/ErrorReports.h"
#include "pluton/Pluton.h"

namespace mt3620::pluton {

/// $XDG_DATA_HOME/mt3620-emu, else $HOME/.local/share/mt3620-emu (the installation's data:
/// the developer key, the installation CA, the default device).
std::filesystem::path dataDirectory();
std::filesystem::path developerKeyPath();

/// Loads a signing key state file, creating it (from `seed` if given, else the RNG) if missing.
EcKeyPair loadOrCreateSigningKey(const std::filesystem::path& path, const std::optional<std::string>& seed,
                                 const std::string& label);
/// The identity key of the device state in `dir` (identity.state), checked as at boot; throws
/// StateError if there is none or it is damaged. For the OS's TLS service (DeviceTlsIdentity.h).
EcKeyPair loadDeviceIdentity(const std::filesystem::path& dir);
void writePublicKeyFile(const std::filesystem::path& path, std::span<const std::uint8_t> public_key);
Bytes readPublicKeyFile(const std::filesystem::path& path);
/// The 20-byte thumbprint of a public key, as in the 'SG' section: SHA-1 of the point.
std::string keyThumbprint(std::span<const std::uint8_t> public_key);

struct DeviceOptions {
    std::string dir;                  // empty: dataDirectory()/device
    std::optional<std::string> seed;  // derive new keys from this instead of the RNG
    bool production = false;          // accept only trust-store keys
};

struct InstalledImage {
    std::string core;  // m4-0, m4-1, a7
    Guid component;
    std::uint32_t version = 0;
    Guid image_id;
    std::string package;   // file name under packages/
    std::string app_type;  // RealTimeCapable or Default
    std::string name;
};

/// A verified application image: what the loader gets from a package.
struct VerifiedApp {
    std::string core;
    ImagePackage package;
    AppArchive files;
    std::string app_type;
    std::string entry_point;  // archive path of the executable (bin/app)
    const std::vector<std::uint8_t>& executable() const { return *files.find(entry_point); }
};

/// Refusals by secure boot or the installer; the message says why and a report is recorded.
class SecurityError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Device {
public:
    static Device open(const DeviceOptions& options);
    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;
    ~Device();

    const std::filesystem::path& dir() const { return dir_; }
    bool production() const { return production_; }
    Pluton& pluton() { return *pluton_; }
    const Pluton& pluton() const { return *pluton_; }
    const ErrorReports& errors() const { return errors_; }

    // Trust: production mode accepts trust-store keys only; development mode also accepts the
    // installation's developer key.
    std::vector<Bytes> trustStore() const;
    void trust(std::span<const std::uint8_t> public_key);
    const Bytes& developerKey() const { return developer_key_; }
    /// Empty if `pkg` is signed by a key this device accepts and its signature matches; else
    /// the reason, naming the section and offset.
    std::string verify(const ImagePackage& pkg) const;

    /// Reads, verifies and unpacks an application package for `core` and measures it into the
    /// boot chain. A refusal throws SecurityError (ImageError for an unreadable package) and
    /// records a VerificationFailure report.
    VerifiedApp loadPackage(const std::string& path, const std::string& core);
    /// Measures a bare ELF (development convenience: `run --m4-0 app.elf`).
    void measureElf(const std::string& path, std::span<const std::uint8_t> bytes, const std::string& core);

    struct InstallResult {
        InstalledImage image;
        std::optional<std::uint32_t> previous_version;
    };
    /// Installs or updates an app: verify, anti-rollback, store, commit. A refusal throws
    /// SecurityError, records an InstallRefused report and leaves the installed image as it was.
    InstallResult install(const std::string& package_path, const std::optional<std::string>& core = std::nullopt);
    /// Removes an installed app (its rollback counter stays). False if it was not installed.
    bool uninstall(const Guid& component);
    std::vector<InstalledImage> installed() const;
    std::map<std::string, std::uint32_t> rollbackCounters() const;

    /// Secure boot of what is installed: each image is re-verified and measured, in core order
    /// (m4-0, m4-1, a7). Images that fail are reported and left out; `failures` gets the reasons.
    std::vector<VerifiedApp> bootInstalled(std::vector<std::string>* failures = nullptr);

    // Certificates (PEM), for DeviceAuth / CertStore and attestation checks.
    std::string deviceCertificate() const;
    std::string caCertificate() const;

    // Mutable storage per app (the A7 OS personality's /mnt/config equivalent).
    std::vector<std::uint8_t> readStorage(const Guid& component) const;
    void writeStorage(const Guid& component, std::span<const std::uint8_t> data);

private:
    Device() = default;
    VerifiedApp verifyAndUnpack(const ImagePackage& pkg, const std::string& core) const;
    void commitInstalled(const std::vector<InstalledImage>& images, const std::map<std::string, std::uint32_t>& counters);
    void collectUnusedPackages(const std::vector<InstalledImage>& images);

    std::filesystem::path dir_;
    bool production_ = false;
    std::unique_ptr<Pluton> pluton_;
    ErrorReports errors_{""};
    Bytes developer_key_;
};

/// The identity fields of an app manifest (app_manifest.json) that packaging and loading use,
/// read with the full validating parser (image/AppManifest.h); its errors become ImageError.
struct ManifestIdentity {
    Guid component;
    std::string name;
    std::string app_type = "Default";  // or RealTimeCapable
    std::string entry_point = "/bin/app";
};
ManifestIdentity readManifestIdentity(const std::string& name, std::span<const std::uint8_t> json);

}  // namespace mt3620::pluton
