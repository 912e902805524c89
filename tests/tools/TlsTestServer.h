#pragma once
// A local TLS server for testing high-level apps' mutual TLS (docs/tls.md): it listens on
// 127.0.0.1, requires a client certificate that chains to the CA it is given (a device's
// ca.crt: the emulator's installation CA), and for each connection reads one line and answers
// "echo: <line>" before closing with close_notify. Its own certificate (CN=localhost) comes
// from a fixed CA, made from a fixed seed, so that an app can ship that CA in its image
// package (firmware-samples/hl-mtls/certs/test-server-ca.pem). Used in-process by the e2e
// tests and as the tool mt3620-tls-test-server.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mt3620::testing {

class TlsTestServer {
public:
    struct Options {
        std::string client_ca_pem;        // clients must present a certificate chaining to this
        bool require_client_cert = true;  // false: a client without a certificate is served too
        int port = 0;                     // 0: an ephemeral port (see port())
        std::function<void(const std::string&)> log;  // one line per event; may be empty
    };
    /// What one connection did.
    struct Session {
        bool handshake_ok = false;
        std::string error;           // why the handshake or the exchange failed
        std::string client_subject;  // "CN=<device ID>, O=mt3620-emu device"
        std::string version;         // "TLSv1.3"
        std::string received;        // the line the client sent (without the newline)
    };

    /// Listens and serves in a thread; throws std::runtime_error if it cannot.
    explicit TlsTestServer(Options options);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer&) = delete;
    TlsTestServer& operator=(const TlsTestServer&) = delete;

    int port() const { return port_; }
    /// The CA that issued the server's certificate (PEM): the same bytes every time.
    static std::string caCertificatePem();
    /// Waits (real time) until `n` connections have ended; false on timeout.
    bool waitForSessions(std::size_t n, int timeout_ms);
    std::vector<Session> sessions() const;

private:
    void serve();
    Session handle(int fd);
    void log(const std::string& line) const;

    struct Identity;
    Options options_;
    std::unique_ptr<Identity> identity_;  // the server's certificate chain and key
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Session> sessions_;
    std::thread thread_;
};

}  // namespace mt3620::testing
