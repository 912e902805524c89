// mt3620-tls-test-server: the local TLS test server (TlsTestServer.h) as a tool, for trying an
// app's mutual TLS by hand (docs/tls.md):
//   mt3620-tls-test-server --client-ca ~/.local/share/mt3620-emu/device/ca.crt --port 8443
//   mt3620-emu run --network --device ~/.local/share/mt3620-emu/device --a7 build/hl-apps/apps/hl-mtls -- localhost 8443
// --print-ca writes the CA of the server's certificate (what the app must trust) and exits.
#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "TlsTestServer.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;  // set by SIGINT/SIGTERM; the tool's only process state
void onSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Local TLS server that requires a client certificate and echoes one line"};
    std::string client_ca;
    int port = 0;
    bool print_ca = false, optional_client = false;
    app.add_option("--client-ca", client_ca, "CA certificate (PEM) client certificates must chain to")
        ->check(CLI::ExistingFile);
    app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port, printed)")->check(CLI::Range(0, 65535));
    app.add_flag("--optional-client-cert", optional_client, "Serve clients without a certificate too");
    app.add_flag("--print-ca", print_ca, "Print the CA certificate of the server's certificate and exit");
    CLI11_PARSE(app, argc, argv);
    try {
        if (print_ca) {
            std::cout << mt3620::testing::TlsTestServer::caCertificatePem();
            return 0;
        }
        if (client_ca.empty() && !optional_client) {
            std::cerr << "mt3620-tls-test-server: give --client-ca FILE (or --optional-client-cert)\n";
            return 2;
        }
        mt3620::testing::TlsTestServer::Options o;
        if (!client_ca.empty()) {
            std::ifstream in(client_ca);
            std::stringstream ss;
            ss << in.rdbuf();
            o.client_ca_pem = ss.str();
        }
        o.require_client_cert = !optional_client;
        o.port = port;
        o.log = [](const std::string& line) { std::cout << line << std::endl; };
        mt3620::testing::TlsTestServer server(o);
        std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
        while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mt3620-tls-test-server: " << e.what() << "\n";
        return 1;
    }
}
