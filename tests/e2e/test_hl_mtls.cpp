// Mutual TLS from a high-level app (issue #10, docs/tls.md): the hl-mtls sample, running on the
// A7 with `run --network --device DIR`, talks to the local TLS test server (tests/tools) over a
// real loopback socket. The server requires a client certificate from the device's
// installation CA and reports the subject it saw: the device ID, so the handshake was signed
// with the device's key. Also: the refusals an app meets without device authentication, with
// the capability missing, and with another installation's device.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "E2eSupport.h"
#include "TlsTestServer.h"
#include "pluton/Device.h"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using e2e::runEmu;
using mt3620::testing::TlsTestServer;

namespace {

const std::string kApp = std::string(HL_APPS_DIR) + "/apps/hl-mtls";

/// A device made from `seed` in a fresh installation (its own CA); its directory.
std::string freshDevice(const std::string& name, const std::string& seed, std::string* device_id = nullptr) {
    const fs::path root = fs::path(e2e::tmpPath("hl-mtls")) / name;
    fs::remove_all(root);
    fs::create_directories(root / "home");
    ::setenv("XDG_DATA_HOME", (root / "home").c_str(), 1);  // the CA goes there; the emulator inherits it
    auto device = mt3620::pluton::Device::open({(root / "device").string(), seed, false});
    if (device_id) *device_id = device.pluton().deviceId();
    return (root / "device").string();
}

TlsTestServer::Options serverFor(const std::string& device_dir) {
    TlsTestServer::Options o;
    o.client_ca_pem = e2e::readFile(device_dir + "/ca.crt");
    return o;
}

std::string runApp(const std::string& device_dir, int port, const std::string& extra = "",
                   const std::string& options = "") {
    auto r = runEmu("run --network --device " + device_dir + " --time-limit 30s " + options + " --a7 " + kApp +
                    " -- localhost " + std::to_string(port) + " 'hello over mutual TLS'" + extra);
    return "exit " + std::to_string(r.exit_code) + "\n" + r.out + "\n--- stderr\n" + r.err;
}

}  // namespace

TEST(HlMutualTls, AppProvesTheDeviceIdentityToTheServer) {
    REQUIRE_HL_APPS();
    std::string device_id;
    const std::string dev = freshDevice("ok", "mtls-device", &device_id);
    TlsTestServer server(serverFor(dev));
    const std::string out = runApp(dev, server.port());
    EXPECT_THAT(out, HasSubstr("connected to localhost:" + std::to_string(server.port()) + "\n"));
    EXPECT_THAT(out, HasSubstr("device authentication: on\n"));
    EXPECT_THAT(out, HasSubstr("TLS session: TLSv1.3\n"));
    EXPECT_THAT(out, HasSubstr("server: echo: hello over mutual TLS\n"));
    EXPECT_THAT(out, HasSubstr("closed by the server (close_notify)\n"));
    EXPECT_THAT(out, ::testing::StartsWith("exit 0\n")) << out;
    ASSERT_TRUE(server.waitForSessions(1, 5000));
    const auto s = server.sessions().at(0);
    EXPECT_TRUE(s.handshake_ok) << s.error;
    EXPECT_EQ(s.client_subject, "CN=" + device_id + ", O=mt3620-emu device");
    EXPECT_EQ(s.received, "hello over mutual TLS");
}

TEST(HlMutualTls, ServerRefusesTheAppWithoutDeviceAuthentication) {
    REQUIRE_HL_APPS();
    const std::string dev = freshDevice("no-auth", "mtls-device");
    TlsTestServer server(serverFor(dev));
    const std::string out = runApp(dev, server.port(), " --no-device-auth");
    EXPECT_THAT(out, ::testing::ContainsRegex("TLS (handshake|read) failed: error -3[0-9][0-9] "));
    EXPECT_THAT(out, ::testing::Not(HasSubstr("server: echo")));
    ASSERT_TRUE(server.waitForSessions(1, 5000));
    EXPECT_FALSE(server.sessions().at(0).handshake_ok);
}

TEST(HlMutualTls, DeviceAuthenticationNeedsTheManifestCapability) {
    REQUIRE_HL_APPS();
    const std::string dev = freshDevice("no-cap", "mtls-device");
    const std::string manifest = fs::path(dev).parent_path() / "no-cap.json";
    std::ofstream(manifest) << R"({"SchemaVersion": 1, "Name": "hl-mtls", "ComponentId": "7d3b9e21-5a64-4c0f-8b17-2e9f4a6c3d58",
      "EntryPoint": "/bin/app", "CmdArgs": [], "Capabilities": {"AllowedConnections": ["localhost"]},
      "ApplicationType": "Default"})";
    TlsTestServer server(serverFor(dev));
    const std::string out = runApp(dev, server.port(), "", "--manifest " + manifest);
    EXPECT_THAT(out, HasSubstr("device authentication: unavailable\n"));
    EXPECT_THAT(out, ::testing::StartsWith("exit 4\n")) << out;
}

TEST(HlMutualTls, ServerRefusesADeviceOfAnotherInstallation) {
    REQUIRE_HL_APPS();
    const std::string trusted = freshDevice("trusted", "mtls-device");
    TlsTestServer server(serverFor(trusted));
    const std::string other = freshDevice("other", "other-device");  // another installation CA
    const std::string out = runApp(other, server.port());
    EXPECT_THAT(out, HasSubstr("device authentication: on\n"));
    EXPECT_THAT(out, ::testing::Not(HasSubstr("server: echo")));
    ASSERT_TRUE(server.waitForSessions(1, 5000));
    EXPECT_FALSE(server.sessions().at(0).handshake_ok);
    EXPECT_THAT(server.sessions().at(0).error, HasSubstr("client certificate"));
}
