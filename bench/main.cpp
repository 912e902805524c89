// mt3620-bench: performance figures for the emulator (see bench/README.md).
//
//  1. compute-bench.elf (about 1.5e9 guest instructions) until "bench done": guest
//     instructions, host seconds, MIPS; the checksum must match EXPECTED_CHECKSUM.
//  2. hello.elf and tick-tock.elf for 10 virtual seconds: host seconds and the
//     virtual/host time ratio (how fast idle / busy-waiting firmware runs).
//  3. The same workload built for QEMU's mps2-an386 (compute-bench-qemu.elf) under
//     qemu-system-arm, timed wall-clock: emulator/qemu time ratio and MIPS for both.
//  4. A7 high-level app workloads (tests/hl-programs: compute loop, malloc-heavy) on the
//     emulator's A7 and under qemu-arm: host seconds and the emulator/qemu time ratio.
//
// Usage: mt3620-bench [--firmware-dir DIR] [--hl-dir DIR] [--only compute|idle|gdb|qemu|a7|firewall]... (firewall: only when asked)
// Exit status: 0 when every figure was measured (and checksums matched), 1 otherwise.
#include <sys/wait.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <thread>

#include "common/VirtualTime.h"
#include "gdb/GdbServer.h"
#include "image/RtAppImage.h"
#include "machine/Machine.h"
#include "os/HlProcess.h"

#ifndef FIRMWARE_DIR
#define FIRMWARE_DIR "build/firmware"
#endif
#ifndef HL_DIR
#define HL_DIR "build/hl"
#endif
#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

namespace {

using namespace mt3620;
using Clock = std::chrono::steady_clock;

constexpr double kTargetMips = 400.0;
constexpr Picos kIdleRun = 10 * kPicosPerSecond;
// Ceiling for the compute run: 1.5e9 instructions at 26 MHz is about 58 virtual seconds.
constexpr Picos kComputeLimit = 600 * kPicosPerSecond;

/// 1.52e9 style: three significant digits, plain exponent.
std::string sci(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2e", v);  // "1.52e+09"
    std::string s = buf;
    auto e = s.find('e');
    if (e == std::string::npos) return s;
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    bool neg = !exp.empty() && exp[0] == '-';
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) exp.erase(0, 1);
    while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + exp;
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string readFirstWord(const std::string& path) {
    std::ifstream in(path);
    std::string word;
    in >> word;
    return word;
}

/// The hex value after `prefix` in `text` ("bench done 0x1234abcd" -> "0x1234abcd").
std::optional<std::string> findValueAfter(const std::string& text, const std::string& prefix) {
    auto pos = text.find(prefix);
    if (pos == std::string::npos) return std::nullopt;
    pos += prefix.size();
    auto end = text.find_first_of("\r\n", pos);
    if (end == std::string::npos) return std::nullopt;  // line not complete
    return text.substr(pos, end - pos);
}

struct ComputeResult {
    std::uint64_t instructions = 0;
    double host_seconds = 0;
};

std::optional<ComputeResult> benchCompute(const std::string& fw_dir, const std::string& expected,
                                          const AppManifest* manifest = nullptr) {
    const std::string elf = fw_dir + "/compute-bench.elf";
    Machine machine;
    if (manifest) {
        // Firewall rules in force: the app owns some blocks, the other core others, A7 RAM closed.
        machine.loadRtApp(CoreId::M4_0, RtAppImage::load(elf), *manifest);
        machine.firewall().claim(CoreId::M4_1, AppManifest::parse("other.json", R"({"SchemaVersion":1,"Name":"other",
            "ComponentId":"00000000-0000-0000-0000-000000000002","EntryPoint":"/bin/app","ApplicationType":"RealTimeCapable",
            "Capabilities":{"Gpio":[12],"Uart":["ISU1"]}})"));
    } else {
        machine.loadRtApp(CoreId::M4_0, RtAppImage::load(elf));
    }
    M4Subsystem& m4 = machine.m4(CoreId::M4_0);

    // Checked between quanta: only look at the text when a new line has arrived.
    std::size_t seen_lines = 0;
    bool done = false;
    auto until = [&] {
        const auto& lines = m4.debug_uart_capture.lines();
        for (; seen_lines < lines.size(); ++seen_lines)
            if (lines[seen_lines].text.rfind("bench done", 0) == 0) done = true;
        return done;
    };

    const auto start = Clock::now();
    const Machine::StopReason why = machine.runFor(kComputeLimit, until);
    const double secs = secondsSince(start);
    const std::uint64_t instructions = m4.core.instructions();

    if (!done) {
        std::printf("compute-bench: FAILED: no \"bench done\" line (stopped: %s after %s instructions, %.2f s)\n",
                    Machine::stopReasonName(why), sci(double(instructions)).c_str(), secs);
        return std::nullopt;
    }
    const double mips = double(instructions) / secs / 1e6;
    std::printf("compute-bench: %s instructions in %.2f s = %.0f MIPS (target >= %.0f%s)\n",
                sci(double(instructions)).c_str(), secs, mips, kTargetMips, mips >= kTargetMips ? "" : ", BELOW TARGET");
    std::printf("compute-bench: %.2f virtual s at %" PRIu64 " MHz in %.2f host s = %.1fx real time\n",
                double(machine.now()) / double(kPicosPerSecond), m4.core.clockHz() / 1000000, secs,
                double(machine.now()) / double(kPicosPerSecond) / secs);

    const auto got = findValueAfter(m4.debug_uart_capture.text(), "bench done ");
    const bool ok = got && *got == expected;
    std::printf("compute-bench checksum: %s (expected %s, %s)\n", got ? got->c_str() : "?", expected.c_str(),
                ok ? "ok" : "MISMATCH");
    if (!ok) return std::nullopt;
    return ComputeResult{instructions, secs};
}

bool benchIdle(const std::string& fw_dir, const char* name, Picos run_for = kIdleRun) {
    const std::string elf = fw_dir + "/" + name + ".elf";
    Machine machine;
    machine.loadRtApp(CoreId::M4_0, RtAppImage::load(elf));
    M4Subsystem& m4 = machine.m4(CoreId::M4_0);

    const auto start = Clock::now();
    const Machine::StopReason why = machine.runFor(run_for);
    const double secs = secondsSince(start);
    const double virt = double(machine.now()) / double(kPicosPerSecond);

    if (why != Machine::StopReason::TimeLimit && why != Machine::StopReason::Idle) {
        std::printf("%s: FAILED: stopped early (%s) at %.3f virtual s\n", name, Machine::stopReasonName(why), virt);
        return false;
    }
    const double instructions = double(m4.core.instructions());
    std::printf("%s: %.1f virtual s in %.2f host s = %.1fx real time (%s guest instructions = %.0f MIPS, %zu UART lines)\n",
                name, virt, secs, virt / secs, sci(instructions).c_str(), instructions / secs / 1e6,
                m4.debug_uart_capture.lines().size());
    return true;
}

/// GDB single-step round trip: a client thread sends `s` packets to the built-in GDB server
/// (as gdb-multiarch does for `stepi`) and times each reply. Target: under 1 ms.
bool benchGdbStep(const std::string& fw_dir) {
    Machine machine;
    machine.loadRtApp(CoreId::M4_0, RtAppImage::load(fw_dir + "/hello.elf"));
    gdb::GdbServer server(machine, CoreId::M4_0, "127.0.0.1", 0);
    if (std::string err = server.start(); !err.empty()) {
        std::printf("gdb-step: FAILED: %s\n", err.c_str());
        return false;
    }
    server.holdAtStart();
    constexpr int kSteps = 2000;
    double total = 0, worst = 0;
    bool ok = true;
    std::thread client([&] {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(server.port()));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) { ok = false; return; }
        auto exchange = [&](const std::string& packet) {
            ::send(fd, packet.data(), packet.size(), 0);
            std::string in;
            char buf[512];
            // Reply complete once "#xx" follows a '$'.
            for (;;) {
                ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) return false;
                in.append(buf, static_cast<std::size_t>(n));
                auto hash = in.find('#', in.find('$') == std::string::npos ? in.size() : in.find('$'));
                if (hash != std::string::npos && in.size() >= hash + 3) break;
            }
            ::send(fd, "+", 1, 0);
            return true;
        };
        for (int i = 0; i < kSteps && ok; ++i) {
            auto t0 = Clock::now();
            ok = exchange("$s#73");
            double dt = secondsSince(t0);
            total += dt;
            worst = std::max(worst, dt);
        }
        ::send(fd, "$k#6b", 5, 0);
        ::close(fd);
    });
    gdb::runWithGdb(machine, {&server}, 60 * kPicosPerSecond);
    client.join();
    if (!ok) {
        std::printf("gdb-step: FAILED: the debugger connection broke\n");
        return false;
    }
    std::printf("gdb-step: %d single-step round trips, mean %.1f us, worst %.1f us (target < 1 ms)\n", kSteps,
                total / kSteps * 1e6, worst * 1e6);
    return true;
}

/// First executable called `name` on PATH.
std::optional<std::string> findOnPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return std::nullopt;
    std::string dirs = path;
    std::size_t pos = 0;
    while (pos <= dirs.size()) {
        auto end = dirs.find(':', pos);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(pos, end - pos);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        pos = end + 1;
    }
    return std::nullopt;
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

bool benchQemu(const std::string& fw_dir, const std::string& expected, const std::optional<ComputeResult>& emu) {
    const auto qemu = findOnPath("qemu-system-arm");
    if (!qemu) {
        std::printf("qemu-system-arm not found: install package qemu-system-arm for the side-by-side figure\n");
        return true;
    }
    const std::string elf = fw_dir + "/compute-bench-qemu.elf";
    if (!std::filesystem::exists(elf)) {
        std::printf("qemu-system-arm: FAILED: %s not found (build the firmware samples)\n", elf.c_str());
        return false;
    }
    // stdin from /dev/null: with -nographic QEMU would otherwise put a terminal in raw mode.
    const std::string cmd = shellQuote(*qemu) +
                            " -M mps2-an386 -nographic -semihosting-config enable=on,target=native -kernel " +
                            shellQuote(elf) + " </dev/null 2>&1";

    const auto start = Clock::now();
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) {
        std::printf("qemu-system-arm: FAILED: cannot run %s\n", qemu->c_str());
        return false;
    }
    std::string output;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
    const int status = ::pclose(pipe);
    const double secs = secondsSince(start);

    const auto got = findValueAfter(output, "bench done ");
    if (status != 0 || !got) {
        std::printf("qemu-system-arm: FAILED (exit status %d) after %.2f s; output:\n%s\n",
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1, secs, output.c_str());
        return false;
    }
    const bool ok = *got == expected;
    if (emu) {
        const double n_instr = double(emu->instructions);
        std::printf("qemu-system-arm: %.2f s = %.0f MIPS (at the emulator's %s instructions) vs emulator %.2f s = "
                    "%.0f MIPS; emulator/qemu time ratio %.2f; checksum %s (%s)\n",
                    secs, n_instr / secs / 1e6, sci(n_instr).c_str(), emu->host_seconds, n_instr / emu->host_seconds / 1e6,
                    emu->host_seconds / secs, got->c_str(), ok ? "ok" : "MISMATCH");
    } else {
        std::printf("qemu-system-arm: %.2f s for the compute-bench rounds; checksum %s (%s); "
                    "run the compute figure too for the ratio\n",
                    secs, got->c_str(), ok ? "ok" : "MISMATCH");
    }
    return ok;
}

// --- A7 high-level app workloads (docs/hl-apps.md): the emulator against qemu-arm ----------

struct A7Workload {
    const char* program;  // in HL_DIR (tests/hl-programs)
    std::vector<std::string> args;
};

/// Runs `w` on the A7 of a fresh machine: host seconds of runFor (best of `runs`), the app's
/// output and its instruction count.
struct A7Result {
    double host_seconds = 1e9;
    std::string output;
    std::uint64_t instructions = 0;
    bool exited_ok = false;
};

A7Result benchA7Emulator(const std::string& hl_dir, const A7Workload& w, int runs) {
    A7Result best;
    for (int k = 0; k < runs; ++k) {
        MachineConfig cfg;
        cfg.logger = std::make_shared<spdlog::logger>("bench-null");
        Machine machine(cfg);
        os::HlAppSpec spec;
        spec.elf_path = hl_dir + "/" + w.program;
        spec.args = w.args;
        machine.loadHlApp(spec);
        const auto start = Clock::now();
        machine.runFor(600 * kPicosPerSecond);
        const double secs = secondsSince(start);
        best.host_seconds = std::min(best.host_seconds, secs);
        best.output = machine.a7Capture().text();
        best.instructions = machine.hlApp()->core().instructions();
        best.exited_ok = machine.hlApp()->status() == os::HlProcess::Status::Exited && machine.hlApp()->exitCode() == 0;
    }
    return best;
}

/// The same program under qemu-arm (wall clock, start-up included; best of `runs`).
std::optional<std::pair<double, std::string>> benchA7Qemu(const std::string& qemu, const std::string& hl_dir,
                                                          const A7Workload& w, int runs) {
    std::string cmd = "cd " + shellQuote(hl_dir) + " && " + shellQuote(qemu) + " ./" + w.program;
    for (const auto& a : w.args) cmd += " " + shellQuote(a);
    cmd += " </dev/null 2>/dev/null";
    double best = 1e9;
    std::string output;
    for (int k = 0; k < runs; ++k) {
        const auto start = Clock::now();
        FILE* pipe = ::popen(cmd.c_str(), "r");
        if (!pipe) return std::nullopt;
        output.clear();
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
        if (::pclose(pipe) != 0) return std::nullopt;
        best = std::min(best, secondsSince(start));
    }
    return std::pair{best, output};
}

bool benchA7(const std::string& hl_dir) {
    const A7Workload workloads[] = {{"compute", {"30000000"}}, {"malloc-heavy", {}}};
    const auto qemu = findOnPath("qemu-arm");
    if (!qemu) std::printf("qemu-arm not found: install package qemu-user for the A7 side-by-side figures\n");
    bool ok = true;
    for (const A7Workload& w : workloads) {
        if (!std::filesystem::exists(hl_dir + "/" + w.program)) {
            std::printf("a7 %s: FAILED: %s/%s not built (needs arm-linux-musleabihf-gcc, scripts/setup.sh)\n", w.program,
                        hl_dir.c_str(), w.program);
            ok = false;
            continue;
        }
        const A7Result emu = benchA7Emulator(hl_dir, w, 3);
        if (!emu.exited_ok) {
            std::printf("a7 %s: FAILED: the app did not exit with 0; output:\n%s\n", w.program, emu.output.c_str());
            ok = false;
            continue;
        }
        std::printf("a7 %s: %s instructions in %.3f s = %.0f MIPS (best of 3)", w.program,
                    sci(double(emu.instructions)).c_str(), emu.host_seconds,
                    double(emu.instructions) / emu.host_seconds / 1e6);
        if (qemu) {
            auto ref = benchA7Qemu(*qemu, hl_dir, w, 3);
            if (!ref) {
                std::printf("; qemu-arm: FAILED\n");
                ok = false;
                continue;
            }
            const bool same = ref->second == emu.output;
            std::printf("; qemu-arm %.3f s; emulator/qemu time ratio %.2f; output %s", ref->first,
                        emu.host_seconds / ref->first, same ? "identical" : "DIFFERS");
            ok = ok && same;
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return ok;
}

int usage(const char* argv0) {
    std::fprintf(stderr, "usage: %s [--firmware-dir DIR] [--hl-dir DIR] [--only compute|idle|gdb|qemu|a7|firewall]...\n",
                 argv0);
    return 2;
}

// The firewall's cost: the compute figure with and without manifest rules, alternating runs, the
// best of three each (docs/firewall.md: the allowed path has no firewall code).
bool benchFirewall(const std::string& fw_dir, const std::string& expected) {
    const AppManifest app = AppManifest::parse("compute.json", R"({"SchemaVersion":1,"Name":"compute-bench",
        "ComponentId":"00000000-0000-0000-0000-000000000001","EntryPoint":"/bin/app","ApplicationType":"RealTimeCapable",
        "Capabilities":{"Gpio":[0,8],"Uart":["ISU0"],"Adc":["ADC-CONTROLLER-0"]}})");
    double best_plain = 0, best_rules = 0;
    for (int round = 0; round < 3; ++round) {
        auto plain = benchCompute(fw_dir, expected);
        auto rules = benchCompute(fw_dir, expected, &app);
        if (!plain || !rules) return false;
        best_plain = std::max(best_plain, double(plain->instructions) / plain->host_seconds / 1e6);
        best_rules = std::max(best_rules, double(rules->instructions) / rules->host_seconds / 1e6);
    }
    const double cost = (best_plain - best_rules) / best_plain * 100.0;
    std::printf("firewall cost: compute-bench best of 3: %.0f MIPS without rules, %.0f MIPS with rules = %+.1f%% (target < 5%%)\n",
                best_plain, best_rules, cost);
    return cost < 5.0;
}
}  // namespace

int main(int argc, char** argv) {
    std::string fw_dir = FIRMWARE_DIR;
    std::string hl_dir = HL_DIR;
    std::set<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--firmware-dir" && i + 1 < argc) {
            fw_dir = argv[++i];
        } else if (arg == "--hl-dir" && i + 1 < argc) {
            hl_dir = argv[++i];
        } else if (arg == "--only" && i + 1 < argc) {
            const std::string what = argv[++i];
            if (what != "compute" && what != "idle" && what != "qemu" && what != "gdb" && what != "firewall" && what != "a7")
                return usage(argv[0]);
            only.insert(what);
        } else {
            return usage(argv[0]);
        }
    }
    auto want = [&](const char* what) { return only.empty() || only.count(what) > 0; };
    // The qemu ratio needs the emulator's compute figure.
    const bool run_compute = want("compute") || want("qemu");

    const std::string expected = readFirstWord(std::string(SOURCE_DIR) + "/firmware-samples/compute-bench/EXPECTED_CHECKSUM");
    bool ok = true;
    try {
        std::optional<ComputeResult> emu;
        if (run_compute) {
            emu = benchCompute(fw_dir, expected);
            if (!emu) ok = false;
        }
        std::fflush(stdout);
        if (want("idle")) {
            ok = benchIdle(fw_dir, "hello") && ok;
            std::fflush(stdout);
            ok = benchIdle(fw_dir, "tick-tock") && ok;
            std::fflush(stdout);
            // Interrupt-driven: sleeps in WFI between 1 s GPT0 interrupts (target: 60 s in < 1 s).
            ok = benchIdle(fw_dir, "gpt-tick", 60 * kPicosPerSecond) && ok;
            std::fflush(stdout);
        }
        if (want("gdb")) {
            ok = benchGdbStep(fw_dir) && ok;
            std::fflush(stdout);
        }
        if (want("qemu")) ok = benchQemu(fw_dir, expected, emu) && ok;
        std::fflush(stdout);
        if (want("a7")) ok = benchA7(hl_dir) && ok;
        if (!only.empty() && want("firewall")) ok = benchFirewall(fw_dir, expected) && ok;
    } catch (const std::exception& e) {
        std::printf("mt3620-bench: error: %s\n", e.what());
        return 1;
    }
    return ok ? 0 : 1;
}
