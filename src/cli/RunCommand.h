#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace mt3620::cli {

struct RunOptions {
    std::string m4_0;
    std::string m4_1;
    std::string a7;                    // high-level app (Linux ARM ELF) for the A7 (docs/hl-apps.md)
    std::vector<std::string> a7_args;  // its arguments (after --)
    std::vector<std::string> a7_env;   // its environment, NAME=VALUE
    std::string manifest_m4_0;        // app_manifest.json for the app on each core (firewall)
    std::string manifest_m4_1;
    std::string firewall = "fault";   // fault | log | off (docs/firewall.md)
    std::string a7_manifest;           // app_manifest.json; default: the app directory's
    std::string storage_dir;           // host directory of the apps' mutable storage
    std::string applibs;               // the guest's libapplibs.so.0; default: found next to the emulator
    bool network = false;              // the A7 app's AF_INET sockets are host sockets (docs/networking.md)
    std::string time_limit;
    std::vector<std::string> uart_out;
    std::string log_level = "info";
    bool trace = false;
    bool keep_going = false;
    std::string quantum = "200us";
    std::string board;                 // board file; empty: the built-in MT3620 RDB
    bool no_board = false;
    std::string vcd;                   // value-change dump of the board's pins
    std::vector<std::string> presses;  // NAME@TIME[+HOLD]
    bool control_stdin = false;        // "press A" / "release A" lines on standard input
    // GDB servers (docs/debugging.md): a port per core, -1 for none.
    int gdb_m4_0 = -1;
    int gdb_m4_1 = -1;
    std::string gdb_host = "127.0.0.1";
    bool gdb_wait = false;             // start halted until a debugger attaches
    // Secure boot (docs/security.md): the device whose trust store, developer key and
    // installed apps apply; --m4-0/--m4-1 may be .imagepackage files.
    std::string device;
    std::string device_seed;
    bool production = false;
};

void addRunOptions(CLI::App& cmd, RunOptions& opts);
int runCommand(const RunOptions& opts);

}  // namespace mt3620::cli
