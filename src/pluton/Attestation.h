#pragma once
// Attestation reports (docs/security.md, "Attestation"): the device states its ID, the
// measurements of everything it booted, the resulting boot chain and the verifier's nonce,
// and signs that with its identity key inside Pluton. The report is text:
//
//   mt3620-emu attestation 1
//   device-id=<128 hex digits>
//   nonce=<the nonce as given>
//   measurement=<core> <component> <image id or -> <sha256 hex>      (one per booted image)
//   boot-chain=<sha256 hex>
//   signature=<ECDSA P-256 r||s hex over SHA-256 of every byte before this line>
//
// verifyAttestation checks it against the device certificate (and, if given, the CA that
// issued it): the certificate's key must be the device ID's key and must have made the
// signature, the nonce must be the verifier's, and the boot chain must follow from the
// measurements.
#include <optional>
#include <string>
#include <vector>

#include "pluton/Pluton.h"

namespace mt3620::pluton {

std::string makeAttestation(const Pluton& pluton, const std::string& nonce);

struct AttestationCheck {
    std::string error;  // empty: the report is genuine and fresh
    std::string device_id;
    std::vector<std::string> measurements;
    std::string boot_chain;
};
AttestationCheck verifyAttestation(const std::string& report, const std::string& nonce, const std::string& cert_pem,
                                   const std::optional<std::string>& ca_pem);

}  // namespace mt3620::pluton
