#pragma once
// /dev/tls: the emulated OS's TLS service (docs/tls.md). libwolfssl.so.0, this project's
// implementation of the wolfSSL client API that Azure Sphere apps use, opens it once per
// WOLFSSL session and drives a TlsSession with the ioctls of DeviceAbi.h (MT_TLS_*): the
// handshake and the record layer run on the host's mbedTLS over the host socket behind the
// app's AF_INET socket, and with device authentication the handshake is signed with the
// device key, which stays in Pluton (pluton/DeviceTlsIdentity.h). Only the TLS engine moves
// out of the guest: the app's calls, its non-blocking loop, its socket and its errors are the
// same as on the device.
//
// Device authentication needs the manifest's "DeviceAuthentication" (EACCES otherwise, as for
// the device certificate) and a device state (`run --device DIR`; EAGAIN without one).
#include <memory>
#include <string>

#include "os/DeviceFile.h"
#include "os/TlsSession.h"

namespace mt3620 {
struct AppManifest;
}

namespace mt3620::os {

class HlProcess;
class TlsIdentitySource;

class TlsFile : public DeviceFile {
public:
    TlsFile(HlProcess& process, std::shared_ptr<TlsIdentitySource> identities);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

private:
    std::int64_t configure(std::uint32_t arg, GuestMemory& mem);
    std::int64_t transfer(std::uint32_t request, std::uint32_t arg, GuestMemory& mem);
    std::int64_t reportError(std::uint32_t arg, GuestMemory& mem) const;
    std::int64_t reportInfo(std::uint32_t arg, GuestMemory& mem) const;
    std::int64_t finish(TlsStatus status, const char* what);

    HlProcess& process_;
    std::shared_ptr<TlsIdentitySource> identities_;
    std::shared_ptr<GuestFile> socket_;  // kept open while the session uses its host socket
    std::unique_ptr<TlsSession> session_;
    TlsError error_;                     // a configuration refused before there was a session
    bool logged_handshake_ = false;
};

/// Registers /dev/tls in the app's filesystem.
void installTlsDevice(HlProcess& process, const AppManifest& manifest, const std::string& device_dir);

}  // namespace mt3620::os
