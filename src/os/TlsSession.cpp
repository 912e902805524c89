#include "os/TlsSession.h"

#include <fmt/format.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <psa/crypto.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "pluton/Crypto.h"
#include "pluton/DeviceTlsIdentity.h"
#include "pluton/MbedTlsHolders.h"

namespace mt3620::os {

namespace {

using SslConfig = pluton::MbedTlsHolder<mbedtls_ssl_config, mbedtls_ssl_config_init, mbedtls_ssl_config_free>;
using Ssl = pluton::MbedTlsHolder<mbedtls_ssl_context, mbedtls_ssl_init, mbedtls_ssl_free>;

std::string mbedText(int rc) {
    std::array<char, 160> buf{};
    mbedtls_strerror(rc, buf.data(), buf.size());
    return buf.data();
}

int randomBytes(void*, unsigned char* out, std::size_t len) {
    return psa_generate_random(out, len) == PSA_SUCCESS ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

mbedtls_ssl_protocol_version protocol(int v) {
    return v >= 4 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2;
}

}  // namespace

struct TlsSession::State {
    int fd = -1;
    int last_errno = 0;  // of the socket call that failed, for the error text
    bool closed = false;  // the peer ended the session: reads answer Closed from now on
    SslConfig conf;
    Ssl ssl;
    pluton::Crt ca, own_cert;
    pluton::Pk own_key;
    std::shared_ptr<pluton::DeviceTlsIdentity> identity;

    // The BIO: the host socket, never blocking.
    static int send(void* ctx, const unsigned char* buf, std::size_t len) {
        auto* st = static_cast<State*>(ctx);
        const ssize_t n = ::send(st->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) return static_cast<int>(n);
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
        st->last_errno = errno;
        return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
    }
    static int recv(void* ctx, unsigned char* buf, std::size_t len) {
        auto* st = static_cast<State*>(ctx);
        const ssize_t n = ::recv(st->fd, buf, len, MSG_DONTWAIT);
        if (n >= 0) return static_cast<int>(n);  // 0: the peer closed the stream
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
        st->last_errno = errno;
        return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
    }
};

TlsSession::TlsSession(std::unique_ptr<State> state) : s_(std::move(state)) {}
TlsSession::~TlsSession() = default;

std::unique_ptr<TlsSession> TlsSession::create(int host_fd, const TlsClientSettings& settings, TlsError& error) {
    pluton::ensureCryptoReady();  // TLS 1.3 in mbedTLS runs on PSA
    auto st = std::make_unique<State>();
    st->fd = host_fd;
    auto refuse = [&error](int code, std::string text) -> std::unique_ptr<TlsSession> {
        error = {code, std::move(text)};
        return nullptr;
    };
    mbedtls_ssl_config& conf = st->conf.ctx;
    int rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return refuse(kWolfBadArg, "TLS configuration: " + mbedText(rc));
    mbedtls_ssl_conf_rng(&conf, randomBytes, nullptr);
    if (settings.min_version > settings.max_version)
        return refuse(kWolfBadArg, "TLS configuration: the lowest version is above the highest");
    mbedtls_ssl_conf_min_tls_version(&conf, protocol(settings.min_version));
    mbedtls_ssl_conf_max_tls_version(&conf, protocol(settings.max_version));
    if (!settings.ca_pem.empty()) {
        rc = mbedtls_x509_crt_parse(&st->ca.ctx, reinterpret_cast<const unsigned char*>(settings.ca_pem.c_str()),
                                    settings.ca_pem.size() + 1);
        if (rc < 0) return refuse(kWolfBadArg, "the trusted CA certificates do not parse: " + mbedText(rc));
        mbedtls_ssl_conf_ca_chain(&conf, &st->ca.ctx, nullptr);
    }
    mbedtls_ssl_conf_authmode(&conf, settings.verify_peer ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    if (settings.device_identity) {
        st->identity = settings.device_identity;
        st->identity->presentAsClient(conf);
    } else if (!settings.cert_pem.empty()) {
        rc = mbedtls_x509_crt_parse(&st->own_cert.ctx, reinterpret_cast<const unsigned char*>(settings.cert_pem.c_str()),
                                    settings.cert_pem.size() + 1);
        if (rc != 0) return refuse(kWolfBadArg, "the client certificate does not parse: " + mbedText(rc));
        rc = mbedtls_pk_parse_key(&st->own_key.ctx, reinterpret_cast<const unsigned char*>(settings.key_pem.c_str()),
                                  settings.key_pem.size() + 1, nullptr, 0, randomBytes, nullptr);
        if (rc != 0) return refuse(kWolfNoPrivateKey, "the client key does not parse: " + mbedText(rc));
        rc = mbedtls_ssl_conf_own_cert(&conf, &st->own_cert.ctx, &st->own_key.ctx);
        if (rc != 0) return refuse(kWolfBadArg, "the client certificate cannot be used: " + mbedText(rc));
    }
    rc = mbedtls_ssl_setup(&st->ssl.ctx, &conf);
    if (rc != 0) return refuse(kWolfBadArg, "TLS session: " + mbedText(rc));
    // No name: wolfSSL checks no name unless the app asks; mbedTLS wants that said explicitly.
    rc = mbedtls_ssl_set_hostname(&st->ssl.ctx, settings.host_name.empty() ? nullptr : settings.host_name.c_str());
    if (rc != 0) return refuse(kWolfBadArg, "TLS host name: " + mbedText(rc));
    mbedtls_ssl_set_bio(&st->ssl.ctx, st.get(), State::send, State::recv, nullptr);
    return std::unique_ptr<TlsSession>(new TlsSession(std::move(st)));
}

TlsStatus TlsSession::fail(int rc, const char* during) {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) return TlsStatus::WantRead;
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return TlsStatus::WantWrite;
    std::string why = mbedText(rc);
    int code = kWolfFatalAlert;
    switch (rc) {
        case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: {
            const std::uint32_t flags = mbedtls_ssl_get_verify_result(&s_->ssl.ctx);
            if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) code = kWolfDomainMismatch;
            else if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) code = kWolfNoSigner;
            else if (flags & MBEDTLS_X509_BADCERT_EXPIRED) code = kWolfAfterDate;
            else code = kWolfVerifyCert;
            std::array<char, 256> info{};
            mbedtls_x509_crt_verify_info(info.data(), info.size(), "", flags);
            why = info.data();
            while (!why.empty() && why.back() == '\n') why.pop_back();
            for (char& c : why)
                if (c == '\n') c = ';';
            why = "the server's certificate is not accepted: " + why;
            break;
        }
        case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: code = kWolfFatalAlert; why = "the server sent a fatal alert (it refused the handshake)"; break;
        case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION: code = kWolfVersionError; break;
        case MBEDTLS_ERR_SSL_CONN_EOF:
        case MBEDTLS_ERR_NET_CONN_RESET: code = kWolfPeerClosed; why = "the server closed the connection"; break;
        case MBEDTLS_ERR_NET_SEND_FAILED:
        case MBEDTLS_ERR_NET_RECV_FAILED: code = kWolfSocketError; why = fmt::format("socket error: {}", std::strerror(s_->last_errno)); break;
        default: break;
    }
    error_ = {code, fmt::format("{}: {}", during, why)};
    return TlsStatus::Failed;
}

TlsStatus TlsSession::handshake() {
    if (error_.code != 0) return TlsStatus::Failed;
    const int rc = mbedtls_ssl_handshake(&s_->ssl.ctx);
    return rc == 0 ? TlsStatus::Ok : fail(rc, "TLS handshake");
}

TlsStatus TlsSession::write(std::span<const std::uint8_t> in, std::size_t& done) {
    done = 0;
    if (error_.code != 0) return TlsStatus::Failed;
    while (done < in.size()) {
        const int rc = mbedtls_ssl_write(&s_->ssl.ctx, in.data() + done, in.size() - done);
        if (rc < 0) {
            // Bytes already taken stay taken (a later call must not send them again).
            const TlsStatus st = fail(rc, "TLS write");
            return done > 0 && st != TlsStatus::Failed ? TlsStatus::Ok : st;
        }
        done += static_cast<std::size_t>(rc);
    }
    return TlsStatus::Ok;
}

TlsStatus TlsSession::read(std::span<std::uint8_t> out, std::size_t& done) {
    done = 0;
    if (s_->closed) return TlsStatus::Closed;
    if (error_.code != 0) return TlsStatus::Failed;
    for (;;) {
        const int rc = mbedtls_ssl_read(&s_->ssl.ctx, out.data(), out.size());
        if (rc > 0) {
            done = static_cast<std::size_t>(rc);
            return TlsStatus::Ok;
        }
        // TLS 1.3 servers send session tickets after the handshake: nothing for the app.
        if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue;
        // close_notify is a clean end (wolfSSL: ZERO_RETURN); a stream that just ends is
        // wolfSSL's SOCKET_PEER_CLOSED_E.
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
            s_->closed = true;
            error_ = {rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ? kWolfZeroReturn : kWolfPeerClosed, ""};
            return TlsStatus::Closed;
        }
        return fail(rc, "TLS read");
    }
}

TlsStatus TlsSession::shutdown() {
    const int rc = mbedtls_ssl_close_notify(&s_->ssl.ctx);
    return rc == 0 ? TlsStatus::Ok : fail(rc, "TLS shutdown");
}

std::size_t TlsSession::pending() const { return mbedtls_ssl_get_bytes_avail(&s_->ssl.ctx); }

bool TlsSession::handshakeDone() const { return mbedtls_ssl_is_handshake_over(&s_->ssl.ctx) != 0; }

std::string TlsSession::version() const {
    return handshakeDone() ? mbedtls_ssl_get_version(&s_->ssl.ctx) : "unknown";
}

std::string TlsSession::cipher() const {
    const char* c = handshakeDone() ? mbedtls_ssl_get_ciphersuite(&s_->ssl.ctx) : nullptr;
    return c ? c : "";
}

std::string TlsSession::peerSubject() const {
    const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&s_->ssl.ctx);
    if (!peer) return "";
    std::array<char, 256> buf{};
    if (mbedtls_x509_dn_gets(buf.data(), buf.size(), &peer->subject) < 0) return "";
    return buf.data();
}

}  // namespace mt3620::os
