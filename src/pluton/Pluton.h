#pragma once
// The Pluton security subsystem (DESIGN.md section 1, "security"): a service block with an
// RNG, SHA-2 and AES-GCM, the device identity key (ECC P-256) and measured boot. The private
// key never leaves the block: the API hands out signatures and the public key only.
//
// Device ID: the 64-byte SHA-512 of the identity public key in uncompressed form
// (0x04 || X || Y, 65 bytes), written as 128 upper-case hex digits (docs/security.md).
//
// Measured boot: every image loaded is measured (SHA-256 of the whole package file, or of the
// ELF for a bare RTApp) and extended into a hash chain, a TPM-PCR-like register:
//   chain_0 = 32 zero bytes,  chain_n = SHA-256(chain_{n-1} || measurement_n)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pluton/Crypto.h"

namespace mt3620::pluton {

struct Measurement {
    std::string core;       // "m4-0", "m4-1", "a7"
    std::string component;  // component ID (GUID) or, for a bare ELF, its file name
    std::string image_id;   // image ID, empty for a bare ELF
    Bytes digest;           // 32 bytes
};

class Pluton {
public:
    explicit Pluton(EcKeyPair identity);

    // RNG: getrandom for HL apps and the hardware RNG for the OS both come from here.
    Bytes random(std::size_t n) const { return randomBytes(n); }
    // SHA-2
    Bytes sha256(std::span<const std::uint8_t> d) const { return hash(HashAlg::Sha256, d); }
    Bytes sha384(std::span<const std::uint8_t> d) const { return hash(HashAlg::Sha384, d); }
    Bytes sha512(std::span<const std::uint8_t> d) const { return hash(HashAlg::Sha512, d); }
    // AES-256-GCM with a caller-supplied key (12-byte nonce; output = ciphertext || 16-byte tag)
    Bytes aesGcmEncrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                        std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plaintext) const {
        return pluton::aesGcmEncrypt(key, nonce, aad, plaintext);
    }
    std::optional<Bytes> aesGcmDecrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                       std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ct) const {
        return pluton::aesGcmDecrypt(key, nonce, aad, ct);
    }

    // Identity
    const Bytes& publicKey() const { return public_key_; }
    const std::string& deviceId() const { return device_id_; }
    /// ECDSA P-256 over SHA-256 of `message` with the device key (deterministic, RFC 6979).
    Bytes sign(std::span<const std::uint8_t> message) const { return identity_.sign(message); }
    Bytes signDigest(std::span<const std::uint8_t> digest) const { return identity_.signDigest(digest); }
    /// The device ID of a public key (SHA-512 of the uncompressed point, upper-case hex).
    static std::string deviceIdFor(std::span<const std::uint8_t> public_key);

    // Measured boot
    void extend(Measurement m);
    const std::vector<Measurement>& measurements() const { return measurements_; }
    const Bytes& bootChain() const { return chain_; }

private:
    EcKeyPair identity_;
    Bytes public_key_;
    std::string device_id_;
    std::vector<Measurement> measurements_;
    Bytes chain_ = Bytes(32, 0);
};

}  // namespace mt3620::pluton
