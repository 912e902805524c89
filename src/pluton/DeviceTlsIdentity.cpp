#include "pluton/DeviceTlsIdentity.h"

#include <fmt/format.h>
#include <mbedtls/error.h>

#include <array>
#include <fstream>
#include <sstream>

#include "pluton/Device.h"
#include "pluton/Pluton.h"
#include "pluton/StateFile.h"

namespace mt3620::pluton {

namespace {

std::string readPem(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StateError(path.string() + ": cannot read the certificate");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void addPem(mbedtls_x509_crt& chain, const std::filesystem::path& path) {
    const std::string pem = readPem(path);
    int rc = mbedtls_x509_crt_parse(&chain, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
    if (rc != 0) {
        std::array<char, 160> why{};
        mbedtls_strerror(rc, why.data(), why.size());
        throw StateError(fmt::format("{}: not a PEM certificate: {}", path.string(), why.data()));
    }
}

int rng(void*, unsigned char* out, std::size_t len) {
    return psa_generate_random(out, len) == PSA_SUCCESS ? 0 : -1;
}

}  // namespace

std::unique_ptr<DeviceTlsIdentity> DeviceTlsIdentity::load(const std::filesystem::path& device_dir) {
    ensureCryptoReady();
    std::unique_ptr<DeviceTlsIdentity> id(new DeviceTlsIdentity());  // private constructor
    EcKeyPair key = loadDeviceIdentity(device_dir);
    id->device_id_ = Pluton::deviceIdFor(key.publicKey());
    addPem(id->chain_.ctx, device_dir / "device.crt");
    addPem(id->chain_.ctx, device_dir / "ca.crt");
    int rc = mbedtls_pk_copy_from_psa(key.psaKeyId(), &id->key_.ctx);
    if (rc != 0) throw CryptoError(fmt::format("device identity: cannot use the key for TLS (-0x{:04x})", -rc));
    // The certificate must carry this key: a device.crt from another device would make every
    // handshake fail at the server with an unhelpful "bad signature".
    rc = mbedtls_pk_check_pair(&id->chain_.ctx.pk, &id->key_.ctx, rng, nullptr);
    if (rc != 0)
        throw StateError((device_dir / "device.crt").string() + ": the certificate is not the device identity key's");
    return id;
}

void DeviceTlsIdentity::presentAsClient(mbedtls_ssl_config& conf) {
    int rc = mbedtls_ssl_conf_own_cert(&conf, &chain_.ctx, &key_.ctx);
    if (rc != 0) throw CryptoError(fmt::format("device identity: mbedtls_ssl_conf_own_cert failed (-0x{:04x})", -rc));
}

}  // namespace mt3620::pluton
