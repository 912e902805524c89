#pragma once
// TlsSession: one TLS client session of the emulated OS's TLS service (docs/tls.md), run with
// the host's mbedTLS over a host socket. The guest's libwolfssl.so.0 drives it through
// /dev/tls (TlsDevice.h); this class knows nothing of the guest, so it is tested directly
// against a host TLS server.
//
// Every call is non-blocking: the socket is read and written with MSG_DONTWAIT, and a call that
// would block answers WantRead/WantWrite (the guest library then waits on the socket, in the
// emulated OS, so virtual time runs while it waits). Failures keep an error with a code in
// wolfSSL's numbering (the API the apps use: -188 ASN_NO_SIGNER_E, -322 DOMAIN_NAME_MISMATCH,
// -313 FATAL_ERROR ...) and a one-line reason from mbedTLS.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace mt3620::pluton {
class DeviceTlsIdentity;
}

namespace mt3620::os {

struct TlsClientSettings {
    int min_version = 3, max_version = 4;  // 3 = TLS 1.2, 4 = TLS 1.3 (MT_TLS_CONFIG's encoding)
    bool verify_peer = true;               // the server's certificate must chain to ca_pem
    std::string ca_pem;                    // trusted roots (PEM, one or more), may be empty
    std::string cert_pem, key_pem;         // the app's own client certificate, or both empty
    std::string host_name;                 // SNI and the name the server's certificate must carry
    /// The device's identity (DeviceAuth_SslCtxFunc), shared with the process; null: none.
    std::shared_ptr<pluton::DeviceTlsIdentity> device_identity;
};

enum class TlsStatus { Ok = 0, WantRead = 1, WantWrite = 2, Closed = 3, Failed = 4 };

struct TlsError {
    int code = 0;      // wolfSSL's error number; 0: none
    std::string text;  // one line
};

// wolfSSL error numbers the service reports (wolfssl/error-ssl.h, wolfssl/wolfcrypt/error-crypt.h).
constexpr int kWolfSocketError = -308, kWolfFatalAlert = -313, kWolfVersionError = -326,
              kWolfDomainMismatch = -322, kWolfVerifyCert = -329, kWolfNoPrivateKey = -317,
              kWolfPeerClosed = -397, kWolfNoSigner = -188, kWolfAfterDate = -151, kWolfBadArg = -173,
              kWolfZeroReturn = 6;

class TlsSession {
public:
    /// A session over `host_fd` (not owned). Null and `error` set if the settings cannot be used
    /// (a CA or key that does not parse, a key that is not the certificate's ...).
    static std::unique_ptr<TlsSession> create(int host_fd, const TlsClientSettings& settings, TlsError& error);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    TlsStatus handshake();
    /// Encrypts and sends from `in`; `done` is set to the bytes taken (all of them once Ok).
    TlsStatus write(std::span<const std::uint8_t> in, std::size_t& done);
    /// Receives plaintext into `out`; `done` is set to the bytes stored (> 0 when Ok).
    TlsStatus read(std::span<std::uint8_t> out, std::size_t& done);
    /// Sends close_notify.
    TlsStatus shutdown();
    /// Decrypted bytes waiting to be read.
    std::size_t pending() const;

    bool handshakeDone() const;
    const TlsError& error() const { return error_; }
    std::string version() const;  // "TLSv1.3", or "unknown" before the handshake
    std::string cipher() const;
    /// The server certificate's subject ("CN=localhost, O=..."), empty before the handshake.
    std::string peerSubject() const;

private:
    struct State;
    explicit TlsSession(std::unique_ptr<State> state);
    TlsStatus fail(int mbed_rc, const char* during);
    std::unique_ptr<State> s_;
    TlsError error_;
};

}  // namespace mt3620::os
