#pragma once
// Shared helpers for end-to-end tests: firmware paths, running the CLI, reading files.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "common/VirtualTime.h"

/// Skips the test when libapplibs and the HL samples were not built (the musl cross compiler is
/// missing); they are built together, so one library stands for all.
#define REQUIRE_HL_APPS()                                                                        \
    if (!std::filesystem::exists(std::string(HL_APPS_DIR) + "/lib/libapplibs.so.0"))           \
    GTEST_SKIP() << "libapplibs and the HL samples are not built: arm-linux-musleabihf-gcc or " \
                    "musl:armhf missing (run scripts/setup.sh)"

namespace e2e {

inline std::string firmware(const std::string& name) { return std::string(FIRMWARE_DIR) + "/" + name + ".elf"; }

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

/// Runs the mt3620-emu executable with `args` (a shell-quoted string); `wrapper` goes before
/// the executable (e.g. "timeout -s INT 2 ").
inline CommandResult runEmu(const std::string& args, const std::string& wrapper = "") {
    static int counter = 0;
    std::string err_path = std::string(TEST_TMP_DIR) + "/stderr-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++) + ".txt";
    std::system(("mkdir -p " + std::string(TEST_TMP_DIR)).c_str());
    std::string cmd = wrapper + std::string(EMU_EXE) + " " + args + " 2>" + err_path;
    CommandResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = readFile(err_path);
    return r;
}

/// Standard output of a shell command.
inline std::string shellOutput(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    ::pclose(p);
    return out;
}

inline std::string tmpPath(const std::string& name) {
    std::system(("mkdir -p " + std::string(TEST_TMP_DIR)).c_str());
    return std::string(TEST_TMP_DIR) + "/" + name;
}

constexpr mt3620::Picos ms(std::uint64_t n) { return n * mt3620::kPicosPerMilli; }
constexpr mt3620::Picos sec(std::uint64_t n) { return n * mt3620::kPicosPerSecond; }

}  // namespace e2e
