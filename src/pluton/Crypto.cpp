#include "pluton/Crypto.h"

#include <fmt/format.h>

#include <cstring>

namespace mt3620::pluton {

namespace {

void check(psa_status_t status, const char* what) {
    if (status != PSA_SUCCESS) throw CryptoError(fmt::format("crypto: {} failed (PSA status {})", what, static_cast<int>(status)));
}

psa_algorithm_t psaHash(HashAlg alg) {
    switch (alg) {
        case HashAlg::Sha1: return PSA_ALG_SHA_1;
        case HashAlg::Sha256: return PSA_ALG_SHA_256;
        case HashAlg::Sha384: return PSA_ALG_SHA_384;
        case HashAlg::Sha512: return PSA_ALG_SHA_512;
    }
    return PSA_ALG_SHA_256;
}

constexpr psa_algorithm_t kSignAlg = PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_SHA_256);

psa_key_attributes_t keyPairAttributes() {
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_algorithm(&attr, kSignAlg);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_SIGN_MESSAGE | PSA_KEY_USAGE_EXPORT |
                                       PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_VERIFY_MESSAGE);
    return attr;
}

}  // namespace

void ensureCryptoReady() {
    check(psa_crypto_init(), "psa_crypto_init");
}

Bytes hash(HashAlg alg, std::span<const std::uint8_t> data) {
    ensureCryptoReady();
    Bytes out(PSA_HASH_LENGTH(psaHash(alg)));
    std::size_t len = 0;
    check(psa_hash_compute(psaHash(alg), data.data(), data.size(), out.data(), out.size(), &len), "hash");
    out.resize(len);
    return out;
}

Bytes sha256(std::string_view text) {
    return sha256(asBytes(text));
}

Sha256::Sha256() {
    ensureCryptoReady();
    check(psa_hash_setup(&op_, PSA_ALG_SHA_256), "psa_hash_setup");
}

Sha256::~Sha256() {
    psa_hash_abort(&op_);
}

void Sha256::update(std::span<const std::uint8_t> data) {
    check(psa_hash_update(&op_, data.data(), data.size()), "psa_hash_update");
}

Bytes Sha256::finish() {
    if (done_) throw CryptoError("crypto: SHA-256 finished twice");
    done_ = true;
    Bytes out(32);
    std::size_t len = 0;
    check(psa_hash_finish(&op_, out.data(), out.size(), &len), "psa_hash_finish");
    return out;
}

Bytes randomBytes(std::size_t n) {
    ensureCryptoReady();
    Bytes out(n);
    if (n) check(psa_generate_random(out.data(), n), "psa_generate_random");
    return out;
}

namespace {

/// A transient AES key for one GCM operation, destroyed when it goes out of scope.
struct AesKey {
    explicit AesKey(std::span<const std::uint8_t> key) {
        ensureCryptoReady();
        if (key.size() != 16 && key.size() != 24 && key.size() != 32)
            throw CryptoError(fmt::format("crypto: AES key of {} bytes (16, 24 or 32 expected)", key.size()));
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_type(&attr, PSA_KEY_TYPE_AES);
        psa_set_key_bits(&attr, key.size() * 8);
        psa_set_key_algorithm(&attr, PSA_ALG_GCM);
        psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT);
        check(psa_import_key(&attr, key.data(), key.size(), &id), "AES key import");
    }
    ~AesKey() { psa_destroy_key(id); }
    AesKey(const AesKey&) = delete;
    AesKey& operator=(const AesKey&) = delete;
    psa_key_id_t id = 0;
};

}  // namespace

Bytes aesGcmEncrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plaintext) {
    AesKey k(key);
    Bytes out(plaintext.size() + 16);
    std::size_t len = 0;
    check(psa_aead_encrypt(k.id, PSA_ALG_GCM, nonce.data(), nonce.size(), aad.data(), aad.size(), plaintext.data(),
                           plaintext.size(), out.data(), out.size(), &len),
          "AES-GCM encrypt");
    out.resize(len);
    return out;
}

std::optional<Bytes> aesGcmDecrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                   std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ciphertext) {
    AesKey k(key);
    if (ciphertext.size() < 16) return std::nullopt;
    Bytes out(ciphertext.size());
    std::size_t len = 0;
    psa_status_t st = psa_aead_decrypt(k.id, PSA_ALG_GCM, nonce.data(), nonce.size(), aad.data(), aad.size(),
                                       ciphertext.data(), ciphertext.size(), out.data(), out.size(), &len);
    if (st == PSA_ERROR_INVALID_SIGNATURE) return std::nullopt;
    check(st, "AES-GCM decrypt");
    out.resize(len);
    return out;
}

EcKeyPair EcKeyPair::generate() {
    ensureCryptoReady();
    psa_key_attributes_t attr = keyPairAttributes();
    psa_key_id_t id = 0;
    check(psa_generate_key(&attr, &id), "ECC P-256 key generation");
    return EcKeyPair(id);
}

EcKeyPair EcKeyPair::fromSeed(std::string_view seed, std::string_view label) {
    // PSA refuses a scalar of 0 or >= n; a SHA-256 output is one with probability ~2^-32, so
    // the counter almost never goes past 0, but the derivation stays well defined if it does.
    for (std::uint32_t counter = 0;; ++counter) {
        Bytes input;
        std::string_view tag("mt3620-emu key", 15);  // includes the terminating zero
        input.insert(input.end(), tag.begin(), tag.end());
        input.insert(input.end(), label.begin(), label.end());
        input.push_back(0);
        input.insert(input.end(), seed.begin(), seed.end());
        for (int i = 0; i < 4; ++i) input.push_back(static_cast<std::uint8_t>(counter >> (24 - 8 * i)));
        Bytes scalar = sha256(input);
        ensureCryptoReady();
        psa_key_attributes_t attr = keyPairAttributes();
        psa_key_id_t id = 0;
        psa_status_t st = psa_import_key(&attr, scalar.data(), scalar.size(), &id);
        if (st == PSA_SUCCESS) return EcKeyPair(id);
        if (st != PSA_ERROR_INVALID_ARGUMENT) check(st, "ECC P-256 key import");
    }
}

EcKeyPair EcKeyPair::fromPrivate(std::span<const std::uint8_t> scalar) {
    ensureCryptoReady();
    if (scalar.size() != kP256PrivateKeySize)
        throw CryptoError(fmt::format("crypto: P-256 private key of {} bytes (32 expected)", scalar.size()));
    psa_key_attributes_t attr = keyPairAttributes();
    psa_key_id_t id = 0;
    psa_status_t st = psa_import_key(&attr, scalar.data(), scalar.size(), &id);
    if (st == PSA_ERROR_INVALID_ARGUMENT) throw CryptoError("crypto: the stored private key is not a valid P-256 scalar");
    check(st, "ECC P-256 key import");
    return EcKeyPair(id);
}

EcKeyPair::EcKeyPair(EcKeyPair&& other) noexcept : id_(other.id_) {
    other.id_ = 0;
}

EcKeyPair& EcKeyPair::operator=(EcKeyPair&& other) noexcept {
    if (this != &other) {
        if (id_) psa_destroy_key(id_);
        id_ = other.id_;
        other.id_ = 0;
    }
    return *this;
}

EcKeyPair::~EcKeyPair() {
    if (id_) psa_destroy_key(id_);
}

Bytes EcKeyPair::publicKey() const {
    Bytes out(kP256PublicKeySize);
    std::size_t len = 0;
    check(psa_export_public_key(id_, out.data(), out.size(), &len), "public key export");
    out.resize(len);
    return out;
}

Bytes EcKeyPair::exportPrivate() const {
    Bytes out(kP256PrivateKeySize);
    std::size_t len = 0;
    check(psa_export_key(id_, out.data(), out.size(), &len), "private key export");
    out.resize(len);
    return out;
}

Bytes EcKeyPair::sign(std::span<const std::uint8_t> message) const {
    return signDigest(sha256(message));
}

Bytes EcKeyPair::signDigest(std::span<const std::uint8_t> digest) const {
    Bytes out(kP256SignatureSize);
    std::size_t len = 0;
    check(psa_sign_hash(id_, kSignAlg, digest.data(), digest.size(), out.data(), out.size(), &len), "ECDSA sign");
    out.resize(len);
    return out;
}

bool verifyDigestSignature(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> digest,
                           std::span<const std::uint8_t> signature) {
    ensureCryptoReady();
    if (public_key.size() != kP256PublicKeySize || signature.size() != kP256SignatureSize || digest.size() != 32)
        return false;
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    // Verification of a deterministic-ECDSA signature is plain ECDSA verification.
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_VERIFY_HASH);
    psa_key_id_t id = 0;
    if (psa_import_key(&attr, public_key.data(), public_key.size(), &id) != PSA_SUCCESS) return false;
    psa_status_t st = psa_verify_hash(id, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest.data(), digest.size(),
                                      signature.data(), signature.size());
    psa_destroy_key(id);
    return st == PSA_SUCCESS;
}

bool verifySignature(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                     std::span<const std::uint8_t> signature) {
    return verifyDigestSignature(public_key, sha256(message), signature);
}

std::string toHex(std::span<const std::uint8_t> bytes, bool upper) {
    static const char lower_digits[] = "0123456789abcdef";
    static const char upper_digits[] = "0123456789ABCDEF";
    const char* d = upper ? upper_digits : lower_digits;
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(d[b >> 4]);
        out.push_back(d[b & 15]);
    }
    return out;
}

std::optional<Bytes> fromHex(std::string_view text) {
    if (text.size() % 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

}  // namespace mt3620::pluton
