// The OS's TLS service engine (os/TlsSession.h) against the local TLS test server
// (tests/tools/TlsTestServer.h) over real loopback sockets: mutual TLS with the device identity
// from Pluton, and the failures an app sees (untrusted server, wrong name, no client
// certificate, another device's certificate) with wolfSSL's error numbers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "PlutonTestSupport.h"
#include "TlsTestServer.h"
#include "os/TlsSession.h"
#include "pluton/Device.h"
#include "pluton/DeviceTlsIdentity.h"

using mt3620::os::TlsClientSettings;
using mt3620::os::TlsSession;
using mt3620::os::TlsStatus;
using mt3620::testing::TlsTestServer;

namespace {

std::string readText(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A connected, non-blocking loopback socket; closed by the destructor.
struct Connection {
    int fd = -1;
    explicit Connection(int port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
    }
    ~Connection() { ::close(fd); }
};

/// Runs `step` until it is neither WantRead nor WantWrite, waiting on the socket in between.
template <class Step>
TlsStatus drive(int fd, Step step) {
    for (int i = 0; i < 1000; ++i) {
        TlsStatus st = step();
        if (st != TlsStatus::WantRead && st != TlsStatus::WantWrite) return st;
        pollfd p{fd, static_cast<short>(st == TlsStatus::WantRead ? POLLIN : POLLOUT), 0};
        ::poll(&p, 1, 2000);
    }
    return TlsStatus::Failed;
}

class TlsSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        pluton_test::freshDataHome();
        device_dir_ = pluton_test::freshDir("device");
        mt3620::pluton::Device::open({device_dir_.string(), "tls-device", false});
        identity_ = mt3620::pluton::DeviceTlsIdentity::load(device_dir_);
    }
    TlsClientSettings settings(int max_version = 4) const {
        TlsClientSettings s;
        s.max_version = max_version;
        s.ca_pem = TlsTestServer::caCertificatePem();
        s.host_name = "localhost";
        s.device_identity = identity_;
        return s;
    }
    TlsTestServer::Options serverOptions() const {
        TlsTestServer::Options o;
        o.client_ca_pem = readText(device_dir_ / "ca.crt");
        return o;
    }
    std::filesystem::path device_dir_;
    std::shared_ptr<mt3620::pluton::DeviceTlsIdentity> identity_;
};

/// Handshake, send a line, read the answer until the server closes.
std::string exchange(TlsSession& s, int fd, const std::string& line) {
    EXPECT_EQ(drive(fd, [&] { return s.handshake(); }), TlsStatus::Ok) << s.error().text;
    std::size_t done = 0;
    EXPECT_EQ(drive(fd, [&] { return s.write({reinterpret_cast<const std::uint8_t*>(line.data()), line.size()}, done); }),
              TlsStatus::Ok);
    EXPECT_EQ(done, line.size());
    std::string got;
    std::array<std::uint8_t, 64> buf{};
    for (;;) {
        TlsStatus st = drive(fd, [&] { return s.read(buf, done); });
        if (st != TlsStatus::Ok) {
            EXPECT_EQ(st, TlsStatus::Closed) << s.error().text;
            break;
        }
        got.append(reinterpret_cast<const char*>(buf.data()), done);
    }
    return got;
}

/// The handshake, then one read. In TLS 1.3 the client may finish its handshake before the
/// server checks the client's certificate: a refusal then shows on the first read.
TlsStatus handshakeThenRead(TlsSession& s, int fd) {
    std::size_t done = 0;
    std::array<std::uint8_t, 16> buf{};
    TlsStatus r = drive(fd, [&] { return s.handshake(); });
    if (r == TlsStatus::Ok) r = drive(fd, [&] { return s.read(buf, done); });
    return r;
}

/// A client with `st` against a server made with `o`: the client must not get through; what
/// the server recorded of the connection.
TlsTestServer::Session refusedSession(const TlsTestServer::Options& o, const TlsClientSettings& st) {
    TlsTestServer server(o);
    Connection c(server.port());
    mt3620::os::TlsError error;
    auto s = TlsSession::create(c.fd, st, error);
    EXPECT_TRUE(s) << error.text;
    if (s) EXPECT_NE(handshakeThenRead(*s, c.fd), TlsStatus::Ok);
    EXPECT_TRUE(server.waitForSessions(1, 5000));
    auto sessions = server.sessions();
    return sessions.empty() ? TlsTestServer::Session{} : sessions.front();
}

}  // namespace

TEST_F(TlsSessionTest, MutualTlsWithTheDeviceIdentity) {
    for (int version : {3, 4}) {
        TlsTestServer server(serverOptions());
        Connection c(server.port());
        mt3620::os::TlsError error;
        auto s = TlsSession::create(c.fd, settings(version), error);
        ASSERT_TRUE(s) << error.text;
        EXPECT_EQ(exchange(*s, c.fd, "hello from the device\n"), "echo: hello from the device\n");
        EXPECT_EQ(s->version(), version == 4 ? "TLSv1.3" : "TLSv1.2");
        EXPECT_EQ(s->error().code, mt3620::os::kWolfZeroReturn);  // the server ended with close_notify
        EXPECT_NE(s->peerSubject().find("CN=localhost"), std::string::npos) << s->peerSubject();
        ASSERT_TRUE(server.waitForSessions(1, 5000));
        const auto session = server.sessions().at(0);
        EXPECT_TRUE(session.handshake_ok) << session.error;
        EXPECT_EQ(session.received, "hello from the device");
        EXPECT_EQ(session.client_subject, "CN=" + identity_->deviceId() + ", O=mt3620-emu device");
    }
}

TEST_F(TlsSessionTest, ServerRefusesAClientWithoutCertificate) {
    auto st = settings();
    st.device_identity = nullptr;
    EXPECT_FALSE(refusedSession(serverOptions(), st).handshake_ok);
}

TEST_F(TlsSessionTest, ServerRefusesAnotherInstallationsDevice) {
    TlsTestServer::Options o = serverOptions();
    // Another installation: its own data directory, so its own CA.
    pluton_test::freshDataHome();
    auto other_dir = pluton_test::freshDir("other-device");
    mt3620::pluton::Device::open({other_dir.string(), "other-device", false});
    auto st = settings();
    st.device_identity = mt3620::pluton::DeviceTlsIdentity::load(other_dir);
    const auto session = refusedSession(o, st);
    EXPECT_FALSE(session.handshake_ok);
    EXPECT_NE(session.error.find("client certificate"), std::string::npos) << session.error;
}

TEST_F(TlsSessionTest, UntrustedServerAndWrongNameFailWithWolfSslErrors) {
    struct Case {
        std::string ca, host;
        int code;
    };
    const std::string other_ca = readText(device_dir_ / "ca.crt");  // a CA that did not sign the server
    for (const Case& k : {Case{other_ca, "localhost", mt3620::os::kWolfNoSigner},
                          Case{TlsTestServer::caCertificatePem(), "example.com", mt3620::os::kWolfDomainMismatch}}) {
        TlsTestServer server(serverOptions());
        Connection c(server.port());
        auto st = settings();
        st.ca_pem = k.ca;
        st.host_name = k.host;
        mt3620::os::TlsError error;
        auto s = TlsSession::create(c.fd, st, error);
        ASSERT_TRUE(s) << error.text;
        EXPECT_EQ(drive(c.fd, [&] { return s->handshake(); }), TlsStatus::Failed);
        EXPECT_EQ(s->error().code, k.code) << s->error().text;
        EXPECT_NE(s->error().text.find("not accepted"), std::string::npos) << s->error().text;
    }
}

TEST_F(TlsSessionTest, BadSettingsAreRefusedBeforeAnyTraffic) {
    mt3620::os::TlsError error;
    auto st = settings();
    st.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    EXPECT_FALSE(TlsSession::create(-1, st, error));
    EXPECT_EQ(error.code, mt3620::os::kWolfBadArg);
    EXPECT_NE(error.text.find("CA"), std::string::npos) << error.text;
    st = settings();
    st.device_identity = nullptr;
    st.cert_pem = readText(device_dir_ / "device.crt");
    st.key_pem = "garbage";
    EXPECT_FALSE(TlsSession::create(-1, st, error));
    EXPECT_EQ(error.code, mt3620::os::kWolfNoPrivateKey);
}

TEST(TlsTestServerCa, SampleShipsTheServersCa) {
    // hl-mtls trusts the test server through the CA in its image package; both must agree.
    EXPECT_EQ(readText(std::string(TEST_DATA_DIR) + "/../../firmware-samples/hl-mtls/certs/test-server-ca.pem"),
              TlsTestServer::caCertificatePem());
    EXPECT_EQ(TlsTestServer::caCertificatePem(), TlsTestServer::caCertificatePem());
}
