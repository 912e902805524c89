// The device's certificate store behind the applibs CertStore calls (pluton/CertStore.h):
// install, list, fields, move, delete, the documented errno values, capacity, persistence, and
// a corrupt store file refused with its name.
#include <gtest/gtest.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>

#include <array>
#include <cerrno>
#include <fstream>

#include "PlutonTestSupport.h"
#include "pluton/CertStore.h"
#include "pluton/Certificates.h"
#include "pluton/Crypto.h"
#include "pluton/StateFile.h"

using namespace mt3620::pluton;
namespace fs = std::filesystem;

namespace {

int testRng(void*, unsigned char* out, std::size_t len) {
    Bytes b = randomBytes(len);
    std::copy(b.begin(), b.end(), out);
    return 0;
}

/// The private key of `key` as PEM (what an app would install with its client certificate).
std::string privateKeyPem(const EcKeyPair& key) {
    ensureCryptoReady();
    Bytes priv = key.exportPrivate();
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    EXPECT_EQ(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
    EXPECT_EQ(mbedtls_ecp_read_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), priv.data(), priv.size()), 0);
    EXPECT_EQ(mbedtls_ecp_keypair_calc_public(mbedtls_pk_ec(pk), testRng, nullptr), 0);
    std::array<unsigned char, 1024> buf{};
    EXPECT_EQ(mbedtls_pk_write_key_pem(&pk, buf.data(), buf.size()), 0);
    mbedtls_pk_free(&pk);
    return reinterpret_cast<const char*>(buf.data());
}

}  // namespace

TEST(CertStore, InstallListFieldsMoveDeletePersist) {
    pluton_test::freshDataHome();
    const fs::path dir = pluton_test::freshDir("device");
    EcKeyPair ca = EcKeyPair::fromSeed("certstore", "ca");
    const std::string ca_pem = makeCaCertificate(ca);
    const std::string dev_pem =
        makeDeviceCertificate(ca, EcKeyPair::fromSeed("certstore", "dev").publicKey(), std::string(128, 'A'));
    {
        CertStore store(dir);
        EXPECT_EQ(store.identifiers().size(), 0u);
        EXPECT_EQ(store.availableSpace(), CertStore::kCapacity);
        EXPECT_EQ(store.installRootCa("root-1", ca_pem), 0);
        EXPECT_EQ(store.installRootCa("dev.cert_2", dev_pem), 0);
        EXPECT_EQ(store.availableSpace(), CertStore::kCapacity - ca_pem.size() - dev_pem.size());
    }
    CertStore store(dir);  // a later run sees the same store
    ASSERT_EQ(store.identifiers(), (std::vector<std::string>{"root-1", "dev.cert_2"}));
    auto info = std::get<CertStore::Info>(store.info("dev.cert_2"));
    EXPECT_EQ(info.subject, "CN=" + std::string(128, 'A') + ", O=mt3620-emu device");
    EXPECT_NE(info.issuer.find("CN=mt3620-emu installation CA"), std::string::npos) << info.issuer;
    EXPECT_EQ(info.not_before.tm_year, 125);
    EXPECT_EQ(info.not_before.tm_mon, 0);
    EXPECT_EQ(info.not_before.tm_mday, 1);
    EXPECT_EQ(info.not_after.tm_year, 199);
    EXPECT_EQ(info.not_after.tm_mon, 11);
    EXPECT_EQ(info.not_after.tm_mday, 31);
    EXPECT_EQ(info.not_after.tm_hour, 23);

    // Re-installing an identifier replaces it in place; move replaces the destination.
    EXPECT_EQ(store.installRootCa("root-1", dev_pem), 0);
    EXPECT_EQ(store.identifiers(), (std::vector<std::string>{"root-1", "dev.cert_2"}));
    EXPECT_EQ(store.move("dev.cert_2", "root-1"), 0);
    EXPECT_EQ(store.identifiers(), (std::vector<std::string>{"root-1"}));
    EXPECT_EQ(store.move("root-1", "renamed"), 0);
    EXPECT_EQ(store.identifiers(), (std::vector<std::string>{"renamed"}));
    EXPECT_EQ(store.remove("renamed"), 0);
    EXPECT_EQ(store.remove("renamed"), ENOENT);
    EXPECT_EQ(store.move("renamed", "x"), ENOENT);
    EXPECT_EQ(std::get<int>(store.info("renamed")), ENOENT);
    EXPECT_TRUE(store.identifiers().empty());
}

TEST(CertStore, DocumentedErrors) {
    pluton_test::freshDataHome();
    CertStore store(pluton_test::freshDir("device"));
    EcKeyPair ca = EcKeyPair::fromSeed("certstore", "ca");
    const std::string pem = makeCaCertificate(ca);
    EXPECT_EQ(store.installRootCa("", pem), EINVAL);
    EXPECT_EQ(store.installRootCa("has space", pem), EINVAL);
    EXPECT_EQ(store.installRootCa("slash/", pem), EINVAL);
    EXPECT_EQ(store.installRootCa("a234567890123456", pem), 0);   // 16 characters: the limit
    EXPECT_EQ(store.installRootCa("a234567890123456x", pem), ERANGE);
    EXPECT_EQ(store.installRootCa("empty", ""), ERANGE);
    EXPECT_EQ(store.installRootCa("big", std::string(CertStore::kMaxCertSize + 1, 'A')), ERANGE);
    EXPECT_EQ(store.installRootCa("junk", "not a certificate"), EINVAL);
    // A blob without its BEGIN/END lines is accepted, as the API describes.
    std::string body = pem.substr(pem.find('\n') + 1);
    body = body.substr(0, body.find("-----END"));
    EXPECT_EQ(store.installRootCa("bare", body), 0);
}

TEST(CertStore, ClientCertificateNeedsItsOwnKey) {
    pluton_test::freshDataHome();
    CertStore store(pluton_test::freshDir("device"));
    EcKeyPair key = EcKeyPair::fromSeed("certstore", "client");
    const std::string cert = makeCaCertificate(key);  // a certificate whose key is `key`
    const std::string key_pem = privateKeyPem(key);
    EXPECT_EQ(store.installClient("client", cert, key_pem, std::nullopt), 0);
    EXPECT_EQ(store.installClient("other", cert, privateKeyPem(EcKeyPair::fromSeed("certstore", "x")), std::nullopt), EINVAL);
    EXPECT_EQ(store.installClient("pw", cert, key_pem, std::string("secret")), EINVAL);  // password for a plain key
    EXPECT_EQ(store.installClient("long", cert, key_pem, std::string(CertStore::kMaxPassword + 1, 'p')), ERANGE);
    EXPECT_EQ(store.installClient("nokey", cert, "", std::nullopt), ERANGE);
    EXPECT_EQ(store.identifiers(), (std::vector<std::string>{"client"}));
}

TEST(CertStore, FullStoreIsEnospcAndCorruptFileIsRefused) {
    pluton_test::freshDataHome();
    const fs::path dir = pluton_test::freshDir("device");
    CertStore store(dir);
    const std::string pem = makeCaCertificate(EcKeyPair::fromSeed("certstore", "ca"));
    int installed = 0;
    for (int i = 0; i < 100; ++i) {
        int r = store.installRootCa("c" + std::to_string(i), pem);
        if (r == ENOSPC) break;
        ASSERT_EQ(r, 0);
        ++installed;
    }
    EXPECT_EQ(installed, static_cast<int>(CertStore::kCapacity / pem.size()));
    EXPECT_LT(store.availableSpace(), pem.size());
    std::ofstream(dir / "certstore.state", std::ios::app) << "x";
    try {
        store.identifiers();
        FAIL() << "a corrupt store was read";
    } catch (const StateError& e) {
        EXPECT_NE(std::string(e.what()).find("certstore.state"), std::string::npos) << e.what();
    }
}
