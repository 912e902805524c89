#pragma once
// Thin RAII wrappers over mbedTLS 3.6's PSA crypto API: hashes, random bytes, AES-GCM and ECC
// P-256 keys (ECDSA over SHA-256). Everything the Pluton model, the device state, image
// package signing and attestation need, in one place. Errors throw CryptoError with the PSA
// status in the message.
#include <psa/crypto.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mt3620::pluton {

using Bytes = std::vector<std::uint8_t>;

class CryptoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Initialises PSA crypto (idempotent; psa_crypto_init may be called more than once).
void ensureCryptoReady();

enum class HashAlg { Sha1, Sha256, Sha384, Sha512 };
Bytes hash(HashAlg alg, std::span<const std::uint8_t> data);
inline Bytes sha256(std::span<const std::uint8_t> data) { return hash(HashAlg::Sha256, data); }
Bytes sha256(std::string_view text);

/// Incremental SHA-256 (for signing a package without copying it).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::span<const std::uint8_t> data);
    Bytes finish();

private:
    psa_hash_operation_t op_ = PSA_HASH_OPERATION_INIT;
    bool done_ = false;
};

/// Bytes from the PSA random generator (seeded from the host's entropy source).
Bytes randomBytes(std::size_t n);

/// AES-256-GCM with a 12-byte nonce; the output is ciphertext followed by the 16-byte tag.
Bytes aesGcmEncrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plaintext);
/// Returns nullopt when the tag does not match (tampered data or wrong key).
std::optional<Bytes> aesGcmDecrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                   std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ciphertext);

constexpr std::size_t kP256PrivateKeySize = 32;
constexpr std::size_t kP256PublicKeySize = 65;  // 0x04 || X || Y (uncompressed point)
constexpr std::size_t kP256SignatureSize = 64;  // r || s, big-endian

/// An ECC P-256 key pair held by PSA (the key material stays inside the PSA key store; only
/// exportPrivate(), which the device state uses to persist the key, reads it back).
class EcKeyPair {
public:
    /// A new key from the PSA random generator.
    static EcKeyPair generate();
    /// A key whose private scalar is derived from `seed` and `label` (SHA-256 of
    /// "mt3620-emu key\0" || label || "\0" || seed || counter, the first counter value that gives
    /// a valid scalar in [1, n-1]); the same seed and label always give the same key.
    static EcKeyPair fromSeed(std::string_view seed, std::string_view label);
    /// Imports a 32-byte private scalar; throws CryptoError if it is not a valid P-256 key.
    static EcKeyPair fromPrivate(std::span<const std::uint8_t> scalar);

    EcKeyPair(EcKeyPair&& other) noexcept;
    EcKeyPair& operator=(EcKeyPair&& other) noexcept;
    EcKeyPair(const EcKeyPair&) = delete;
    EcKeyPair& operator=(const EcKeyPair&) = delete;
    ~EcKeyPair();

    Bytes publicKey() const;      // 65-byte uncompressed point
    Bytes exportPrivate() const;  // 32-byte scalar
    /// Deterministic ECDSA (RFC 6979) over SHA-256 of `message`: 64 bytes r || s.
    Bytes sign(std::span<const std::uint8_t> message) const;
    /// Same, over an already computed SHA-256 digest.
    Bytes signDigest(std::span<const std::uint8_t> sha256_digest) const;
    std::uint32_t psaKeyId() const { return id_; }

private:
    explicit EcKeyPair(std::uint32_t id) : id_(id) {}
    std::uint32_t id_ = 0;
};

/// Verifies an ECDSA P-256 / SHA-256 signature (64 bytes r || s) of `message` by the 65-byte
/// uncompressed public key. False for a bad signature or a malformed key.
bool verifySignature(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                     std::span<const std::uint8_t> signature);
bool verifyDigestSignature(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> sha256_digest,
                           std::span<const std::uint8_t> signature);

std::string toHex(std::span<const std::uint8_t> bytes, bool upper = false);
/// Parses hex (either case, even length); nullopt for anything else.
std::optional<Bytes> fromHex(std::string_view text);
inline std::span<const std::uint8_t> asBytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace mt3620::pluton
