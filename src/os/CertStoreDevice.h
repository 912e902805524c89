#pragma once
// The emulated OS's side of the applibs CertStore and DeviceAuth calls (docs/security.md,
// "Certificates for high-level apps"):
//   /dev/certstore                    CertStore_* as ioctls (DeviceAbi.h), over the device
//                                     state's certificate store (pluton/CertStore.h); opening
//                                     it needs the manifest's CertStore capability (EACCES)
//   /run/deviceauth/device_cert.pem   the device certificate (issued by the installation CA),
//                                     what DeviceAuth_GetCertificatePath names; opening it
//                                     needs the manifest's DeviceAuthentication (EACCES)
// Without a device state (`run --a7` with no --device) neither exists: the calls fail with
// EAGAIN, "the OS certstore component isn't ready", and the log says why once.
#include <string>

#include "os/DeviceFile.h"
#include "pluton/CertStore.h"

namespace mt3620 {
struct AppManifest;
}

namespace mt3620::os {

class HlProcess;

class CertStoreFile : public DeviceFile {
public:
    explicit CertStoreFile(const std::string& device_dir);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

private:
    std::int64_t install(std::uint32_t arg, GuestMemory& mem);
    std::int64_t query(std::uint32_t request, std::uint32_t arg, GuestMemory& mem);
    std::int64_t rename(std::uint32_t request, std::uint32_t arg, GuestMemory& mem);
    pluton::CertStore store_;
};

/// Registers /dev/certstore and the device certificate in the app's filesystem.
void installCertificateDevices(HlProcess& process, const AppManifest& manifest, const std::string& device_dir);

}  // namespace mt3620::os
