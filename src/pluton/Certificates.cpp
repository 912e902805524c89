#include "pluton/Certificates.h"

#include <fmt/format.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/psa_util.h>
#include <mbedtls/x509_crt.h>

#include <array>

#include "pluton/MbedTlsHolders.h"

namespace mt3620::pluton {

namespace {

constexpr const char* kNotBefore = "20250101000000";
constexpr const char* kNotAfter = "20991231235959";

std::string mbedError(int rc) {
    std::array<char, 160> buf{};
    mbedtls_strerror(rc, buf.data(), buf.size());
    return fmt::format("{} (-0x{:04x})", buf.data(), static_cast<unsigned>(-rc));
}

void check(int rc, const char* what) {
    if (rc != 0) throw CryptoError(fmt::format("certificate: {} failed: {}", what, mbedError(rc)));
}

/// A PSA public key in a pk context (through a transient PSA public-key object).
void publicKeyToPk(std::span<const std::uint8_t> pub, Pk& pk) {
    ensureCryptoReady();
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_EXPORT);
    psa_key_id_t id = 0;
    if (psa_import_key(&attr, pub.data(), pub.size(), &id) != PSA_SUCCESS)
        throw CryptoError("certificate: the public key is not a P-256 point");
    int rc = mbedtls_pk_copy_public_from_psa(id, &pk.ctx);
    psa_destroy_key(id);
    check(rc, "mbedtls_pk_copy_public_from_psa");
}

std::string serialFor(std::span<const std::uint8_t> pub) {
    Bytes h = sha256(pub);
    h.resize(16);
    h[0] &= 0x7f;  // a positive INTEGER
    if (h[0] == 0) h[0] = 1;
    return std::string(h.begin(), h.end());
}

int rng(void*, unsigned char* out, std::size_t len) {
    return psa_generate_random(out, len) == PSA_SUCCESS ? 0 : -1;
}

std::string writeCert(const EcKeyPair& issuer_key, std::span<const std::uint8_t> subject_pub,
                      const std::string& subject, const std::string& issuer, bool is_ca) {
    Pk issuer_pk, subject_pk;
    check(mbedtls_pk_copy_from_psa(issuer_key.psaKeyId(), &issuer_pk.ctx), "mbedtls_pk_copy_from_psa");
    publicKeyToPk(subject_pub, subject_pk);
    CrtWriter w;
    mbedtls_x509write_crt_set_version(&w.ctx, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w.ctx, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w.ctx, &subject_pk.ctx);
    mbedtls_x509write_crt_set_issuer_key(&w.ctx, &issuer_pk.ctx);
    std::string serial = serialFor(subject_pub);
    check(mbedtls_x509write_crt_set_serial_raw(&w.ctx, reinterpret_cast<unsigned char*>(serial.data()), serial.size()),
          "set serial");
    check(mbedtls_x509write_crt_set_subject_name(&w.ctx, subject.c_str()), "set subject");
    check(mbedtls_x509write_crt_set_issuer_name(&w.ctx, issuer.c_str()), "set issuer");
    check(mbedtls_x509write_crt_set_validity(&w.ctx, kNotBefore, kNotAfter), "set validity");
    check(mbedtls_x509write_crt_set_basic_constraints(&w.ctx, is_ca ? 1 : 0, is_ca ? 0 : -1), "basic constraints");
    check(mbedtls_x509write_crt_set_subject_key_identifier(&w.ctx), "subject key identifier");
    check(mbedtls_x509write_crt_set_authority_key_identifier(&w.ctx), "authority key identifier");
    check(mbedtls_x509write_crt_set_key_usage(&w.ctx, is_ca ? (MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN)
                                                            : (MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_AGREEMENT)),
          "key usage");
    std::array<unsigned char, 4096> buf{};
    check(mbedtls_x509write_crt_pem(&w.ctx, buf.data(), buf.size(), rng, nullptr), "mbedtls_x509write_crt_pem");
    return std::string(reinterpret_cast<const char*>(buf.data()));
}

std::string caName(const EcKeyPair& ca_key) {
    return "CN=mt3620-emu installation CA " + toHex(sha256(ca_key.publicKey())).substr(0, 16) + ",O=mt3620-emu";
}

}  // namespace

std::string makeCaCertificate(const EcKeyPair& ca_key) { return makeNamedCaCertificate(ca_key, caName(ca_key)); }

std::string makeDeviceCertificate(const EcKeyPair& ca_key, std::span<const std::uint8_t> device_public_key, const std::string& device_id) {
    return makeLeafCertificate(ca_key, caName(ca_key), device_public_key, "CN=" + device_id + ",O=mt3620-emu device");
}

std::string makeNamedCaCertificate(const EcKeyPair& ca_key, const std::string& dn) {
    return writeCert(ca_key, ca_key.publicKey(), dn, dn, true);
}

std::string makeLeafCertificate(const EcKeyPair& ca_key, const std::string& ca_dn,
                                std::span<const std::uint8_t> subject_public_key, const std::string& subject_dn) {
    return writeCert(ca_key, subject_public_key, subject_dn, ca_dn, false);
}

CertificateCheck checkCertificate(const std::string& cert_pem, const std::optional<std::string>& ca_pem) {
    ensureCryptoReady();
    CertificateCheck out;
    Crt cert;
    int rc = mbedtls_x509_crt_parse(&cert.ctx, reinterpret_cast<const unsigned char*>(cert_pem.c_str()), cert_pem.size() + 1);
    if (rc != 0) {
        out.error = "cannot parse the certificate: " + mbedError(rc);
        return out;
    }
    if (ca_pem) {
        Crt ca;
        rc = mbedtls_x509_crt_parse(&ca.ctx, reinterpret_cast<const unsigned char*>(ca_pem->c_str()), ca_pem->size() + 1);
        if (rc != 0) {
            out.error = "cannot parse the CA certificate: " + mbedError(rc);
            return out;
        }
        std::uint32_t flags = 0;
        rc = mbedtls_x509_crt_verify(&cert.ctx, &ca.ctx, nullptr, nullptr, &flags, nullptr, nullptr);
        if (rc != 0) {
            std::array<char, 512> info{};
            mbedtls_x509_crt_verify_info(info.data(), info.size(), "", flags);
            std::string why(info.data());
            while (!why.empty() && why.back() == '\n') why.pop_back();
            for (char& c : why)
                if (c == '\n') c = ';';
            out.error = "the certificate does not chain to the CA: " + why;
            return out;
        }
    }
    if (!mbedtls_pk_can_do(&cert.ctx.pk, MBEDTLS_PK_ECKEY)) {
        out.error = "the certificate's key is not an EC key";
        return out;
    }
    std::array<unsigned char, 256> der{};
    int len = mbedtls_pk_write_pubkey_der(&cert.ctx.pk, der.data(), der.size());
    if (len < static_cast<int>(kP256PublicKeySize)) {
        out.error = "cannot read the certificate's public key";
        return out;
    }
    // The DER is written at the end of the buffer; its last 65 bytes are the uncompressed point.
    out.public_key.assign(der.end() - kP256PublicKeySize, der.end());
    std::array<char, 512> dn{};
    mbedtls_x509_dn_gets(dn.data(), dn.size(), &cert.ctx.subject);
    out.subject_cn = dn.data();
    return out;
}

}  // namespace mt3620::pluton
