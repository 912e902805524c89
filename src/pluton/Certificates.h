#pragma once
// X.509 certificates made with mbedTLS's x509write (docs/security.md, "Certificates"):
//  * a per-installation CA (self-signed, CN "mt3620-emu installation CA <thumbprint>"), whose
//    key and certificate live in the installation's data directory (ca.state);
//  * a device certificate per device (CN = the device ID, the device's identity public key,
//    signed by the CA), stored with the CA certificate as PEM in the device state.
// Certificates are deterministic for a given pair of keys: fixed validity (2025-01-01 to
// 2099-12-31), serial numbers from the subject key's SHA-256, deterministic ECDSA.
#include <optional>
#include <span>
#include <string>

#include "pluton/Crypto.h"

namespace mt3620::pluton {

/// A self-signed CA certificate (PEM) for `ca_key`.
std::string makeCaCertificate(const EcKeyPair& ca_key);
/// A device certificate (PEM) for `device_public_key`, issued by `ca_key`.
std::string makeDeviceCertificate(const EcKeyPair& ca_key, std::span<const std::uint8_t> device_public_key, const std::string& device_id);

/// A self-signed CA certificate (PEM) named `dn` ("CN=...,O=..."), and a certificate for
/// `subject_public_key` named `subject_dn` issued by that CA: for other parties of a test, such
/// as the local TLS test server (tests/tools, docs/tls.md), with the same fixed validity.
std::string makeNamedCaCertificate(const EcKeyPair& ca_key, const std::string& dn);
std::string makeLeafCertificate(const EcKeyPair& ca_key, const std::string& ca_dn,
                                std::span<const std::uint8_t> subject_public_key, const std::string& subject_dn);

struct CertificateCheck {
    std::string error;  // empty: valid
    Bytes public_key;   // the certificate's 65-byte P-256 public key
    std::string subject_cn;
};
/// Parses `cert_pem`, checks it chains to `ca_pem` (if given) and returns its public key.
CertificateCheck checkCertificate(const std::string& cert_pem, const std::optional<std::string>& ca_pem);

}  // namespace mt3620::pluton
