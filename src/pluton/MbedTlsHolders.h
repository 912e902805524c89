#pragma once
// RAII holders for the mbedTLS contexts the Pluton model uses (certificates, keys, the
// certificate store): init in the constructor, free in the destructor, never copied.
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

namespace mt3620::pluton {

template <class Ctx, void (*Init)(Ctx*), void (*Free)(Ctx*)>
struct MbedTlsHolder {
    MbedTlsHolder() { Init(&ctx); }
    ~MbedTlsHolder() { Free(&ctx); }
    MbedTlsHolder(const MbedTlsHolder&) = delete;
    MbedTlsHolder& operator=(const MbedTlsHolder&) = delete;
    Ctx ctx;
};

using Pk = MbedTlsHolder<mbedtls_pk_context, mbedtls_pk_init, mbedtls_pk_free>;
using Crt = MbedTlsHolder<mbedtls_x509_crt, mbedtls_x509_crt_init, mbedtls_x509_crt_free>;
using CrtWriter = MbedTlsHolder<mbedtls_x509write_cert, mbedtls_x509write_crt_init, mbedtls_x509write_crt_free>;

}  // namespace mt3620::pluton
