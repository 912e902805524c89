#pragma once
// The device's client identity for TLS (issue #10, "certificate-based authentication";
// docs/tls.md): the device certificate, issued by the installation CA, and the device's
// identity key. The emulated OS's TLS service (os/TlsSession.h) presents it when an app asks
// for device authentication (DeviceAuth_SslCtxFunc), as the Azure Sphere OS has Pluton sign
// the handshake for the app.
//
// The key stays inside this object: it is copied from Pluton's PSA key slot into an mbedTLS
// key context owned here (the Debian mbedTLS is built without MBEDTLS_USE_PSA_CRYPTO, so a
// handshake cannot sign through a PSA key handle), and callers get a configured TLS
// configuration, never the key or its bytes. The app only ever sees the handshake's result.
#include <filesystem>
#include <memory>
#include <string>

#include <mbedtls/ssl.h>

#include "pluton/Crypto.h"
#include "pluton/MbedTlsHolders.h"

namespace mt3620::pluton {

class DeviceTlsIdentity {
public:
    /// The identity of the device state in `device_dir`: its device.crt and ca.crt and its
    /// identity key. Throws StateError or CryptoError (naming the file) if any is missing or
    /// damaged, or if the certificate is not the key's.
    static std::unique_ptr<DeviceTlsIdentity> load(const std::filesystem::path& device_dir);

    /// Makes `conf` send the device certificate (with the CA certificate) as its client
    /// certificate and sign with the device key. This object must outlive `conf`.
    void presentAsClient(mbedtls_ssl_config& conf);
    const std::string& deviceId() const { return device_id_; }

private:
    DeviceTlsIdentity() = default;
    Crt chain_;  // device certificate, then the CA's
    Pk key_;
    std::string device_id_;
};

}  // namespace mt3620::pluton
