#include "TlsTestServer.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <mbedtls/error.h>
#include <mbedtls/ssl.h>
#include <netinet/in.h>
#include <poll.h>
#include <psa/crypto.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "pluton/Certificates.h"
#include "pluton/Crypto.h"
#include "pluton/MbedTlsHolders.h"

namespace mt3620::testing {

namespace {

using namespace mt3620::pluton;
using SslConfig = MbedTlsHolder<mbedtls_ssl_config, mbedtls_ssl_config_init, mbedtls_ssl_config_free>;
using Ssl = MbedTlsHolder<mbedtls_ssl_context, mbedtls_ssl_init, mbedtls_ssl_free>;

constexpr const char* kSeed = "mt3620-emu TLS test server";
constexpr const char* kCaName = "CN=mt3620-emu TLS test server CA,O=mt3620-emu tests";
constexpr const char* kServerName = "CN=localhost,O=mt3620-emu tests";
constexpr int kIoTimeoutMs = 20000;  // a client that stalls longer is dropped

std::string mbedText(int rc) {
    std::array<char, 160> buf{};
    mbedtls_strerror(rc, buf.data(), buf.size());
    return buf.data();
}

int rng(void*, unsigned char* out, std::size_t len) { return psa_generate_random(out, len) == PSA_SUCCESS ? 0 : -1; }

// Blocking I/O with a timeout, so a stuck client cannot hang the server (or a test).
int sendAll(void* ctx, const unsigned char* buf, std::size_t len) {
    const int fd = *static_cast<int*>(ctx);
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, kIoTimeoutMs) <= 0) return MBEDTLS_ERR_SSL_TIMEOUT;
    const ssize_t n = ::send(fd, buf, len, MSG_NOSIGNAL);
    return n >= 0 ? static_cast<int>(n) : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}
int recvSome(void* ctx, unsigned char* buf, std::size_t len) {
    const int fd = *static_cast<int*>(ctx);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kIoTimeoutMs) <= 0) return MBEDTLS_ERR_SSL_TIMEOUT;
    const ssize_t n = ::recv(fd, buf, len, 0);
    return n >= 0 ? static_cast<int>(n) : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

}  // namespace

struct TlsTestServer::Identity {
    Crt chain;  // server certificate, then the CA
    Pk key;
    Identity() {
        ensureCryptoReady();
        EcKeyPair ca = EcKeyPair::fromSeed(kSeed, "ca");
        EcKeyPair server = EcKeyPair::fromSeed(kSeed, "server");
        const std::string pem = makeLeafCertificate(ca, kCaName, server.publicKey(), kServerName) +
                                makeNamedCaCertificate(ca, kCaName);
        int rc = mbedtls_x509_crt_parse(&chain.ctx, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
        if (rc == 0) rc = mbedtls_pk_copy_from_psa(server.psaKeyId(), &key.ctx);
        if (rc != 0) throw std::runtime_error("TLS test server: cannot make its certificate: " + mbedText(rc));
    }
};

std::string TlsTestServer::caCertificatePem() {
    ensureCryptoReady();
    return makeNamedCaCertificate(EcKeyPair::fromSeed(kSeed, "ca"), kCaName);
}

TlsTestServer::TlsTestServer(Options options)
    : options_(std::move(options)), identity_(std::make_unique<Identity>()) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(std::string("TLS test server: socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(options_.port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        const std::string why = std::strerror(errno);
        ::close(listen_fd_);
        throw std::runtime_error(fmt::format("TLS test server: cannot listen on 127.0.0.1:{}: {}", options_.port, why));
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

TlsTestServer::~TlsTestServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
}

void TlsTestServer::log(const std::string& line) const {
    if (options_.log) options_.log(line);
}

void TlsTestServer::serve() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        Session s = handle(fd);
        ::close(fd);
        if (s.handshake_ok)
            log(fmt::format("session: {} client '{}' sent '{}'", s.version, s.client_subject, s.received));
        else
            log("session refused: " + s.error);
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_.push_back(std::move(s));
        changed_.notify_all();
    }
}

TlsTestServer::Session TlsTestServer::handle(int fd) {
    Session s;
    SslConfig conf;
    Ssl ssl;
    Crt client_ca;
    int rc = mbedtls_ssl_config_defaults(&conf.ctx, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&conf.ctx, rng, nullptr);
    if (rc == 0 && !options_.client_ca_pem.empty())
        rc = mbedtls_x509_crt_parse(&client_ca.ctx, reinterpret_cast<const unsigned char*>(options_.client_ca_pem.c_str()),
                                    options_.client_ca_pem.size() + 1);
    if (rc == 0) {
        mbedtls_ssl_conf_ca_chain(&conf.ctx, &client_ca.ctx, nullptr);
        mbedtls_ssl_conf_authmode(&conf.ctx, options_.require_client_cert ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                                          : MBEDTLS_SSL_VERIFY_OPTIONAL);
        rc = mbedtls_ssl_conf_own_cert(&conf.ctx, &identity_->chain.ctx, &identity_->key.ctx);
    }
    if (rc == 0) rc = mbedtls_ssl_setup(&ssl.ctx, &conf.ctx);
    if (rc != 0) {
        s.error = "setup: " + mbedText(rc);
        return s;
    }
    int sock = fd;
    mbedtls_ssl_set_bio(&ssl.ctx, &sock, sendAll, recvSome, nullptr);
    rc = mbedtls_ssl_handshake(&ssl.ctx);
    if (rc != 0) {
        s.error = "handshake: " + mbedText(rc);
        if (const std::uint32_t flags = mbedtls_ssl_get_verify_result(&ssl.ctx); flags != 0 && flags != UINT32_MAX) {
            std::array<char, 256> info{};
            mbedtls_x509_crt_verify_info(info.data(), info.size(), "", flags);
            std::string why = info.data();
            while (!why.empty() && why.back() == '\n') why.pop_back();
            s.error += " (client certificate: " + why + ")";
        }
        return s;
    }
    s.handshake_ok = true;
    s.version = mbedtls_ssl_get_version(&ssl.ctx);
    if (const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&ssl.ctx)) {
        std::array<char, 256> dn{};
        if (mbedtls_x509_dn_gets(dn.data(), dn.size(), &peer->subject) > 0) s.client_subject = dn.data();
    }
    std::array<unsigned char, 512> buf{};
    while (s.received.find('\n') == std::string::npos && s.received.size() < 4096) {
        rc = mbedtls_ssl_read(&ssl.ctx, buf.data(), buf.size());
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue;
        if (rc <= 0) {
            s.error = rc == 0 ? "the client closed before a full line" : "read: " + mbedText(rc);
            return s;
        }
        s.received.append(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(rc));
    }
    s.received.erase(s.received.find('\n'));
    const std::string reply = "echo: " + s.received + "\n";
    for (std::size_t done = 0; done < reply.size();) {
        rc = mbedtls_ssl_write(&ssl.ctx, reinterpret_cast<const unsigned char*>(reply.data()) + done, reply.size() - done);
        if (rc < 0) {
            s.error = "write: " + mbedText(rc);
            return s;
        }
        done += static_cast<std::size_t>(rc);
    }
    mbedtls_ssl_close_notify(&ssl.ctx);
    return s;
}

bool TlsTestServer::waitForSessions(std::size_t n, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return sessions_.size() >= n; });
}

std::vector<TlsTestServer::Session> TlsTestServer::sessions() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sessions_;
}

}  // namespace mt3620::testing
