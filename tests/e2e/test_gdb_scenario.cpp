// The GDB options of `mt3620-emu test`: debug a scenario's firmware while the scenario runs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "e2e/E2eSupport.h"

using namespace std::chrono_literals;

TEST(ScenarioGdb, BreakpointInAScenarioThenDetachAndTheScenarioPasses) {
    if (std::system("command -v gdb-multiarch >/dev/null 2>&1") != 0) GTEST_SKIP() << "gdb-multiarch is not installed";
    const std::string err_path = e2e::tmpPath("scenario-gdb.err");
    const std::string out_path = e2e::tmpPath("scenario-gdb.out");
    std::remove(err_path.c_str());  // never read a previous run's port
    pid_t pid = ::fork();
    if (pid == 0) {
        int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        std::string scenario = std::string(SOURCE_DIR) + "/tests/scenarios/gpt-tick.yaml";
        ::execl(EMU_EXE, EMU_EXE, "test", scenario.c_str(), "--firmware-dir", FIRMWARE_DIR, "--gdb-m4-0", "0",
                "--gdb-wait", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int port = -1;
    std::regex re("GDB for m4-0 on [^:]+:([0-9]+)");
    for (auto end = std::chrono::steady_clock::now() + 10s; port < 0 && std::chrono::steady_clock::now() < end;) {
        std::smatch m;
        std::string log = e2e::readFile(err_path);
        if (std::regex_search(log, m, re)) port = std::stoi(m[1]);
        else std::this_thread::sleep_for(10ms);
    }
    ASSERT_GT(port, 0) << e2e::readFile(err_path);
    const std::string gdb_out = e2e::tmpPath("scenario-gdb-client.txt");
    std::string cmd = "timeout 60 gdb-multiarch -nx -batch -ex 'set architecture arm' -ex 'target remote 127.0.0.1:" +
                      std::to_string(port) + "' -ex 'break IRQ1_Handler' -ex continue -ex 'print g_ticks' -ex delete " +
                      "-ex 'monitor vtime' -ex detach " + e2e::firmware("gpt-tick") + " > " + gdb_out + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::string out = e2e::readFile(gdb_out);
    EXPECT_NE(out.find("Breakpoint 1, IRQ1_Handler ()"), std::string::npos) << out;
    EXPECT_NE(out.find("$1 = 0"), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(virtual time: 1\.0\d+ s \(machine\))"))) << out;
    // After the detach the scenario runs on and passes.
    int status = -1;
    for (auto end = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < end;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        std::this_thread::sleep_for(20ms);
    }
    if (!WIFEXITED(status)) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        FAIL() << "mt3620-emu test did not finish: " << e2e::readFile(err_path);
    }
    EXPECT_EQ(WEXITSTATUS(status), 0) << e2e::readFile(out_path) << e2e::readFile(err_path);
    EXPECT_NE(e2e::readFile(out_path).find("PASS"), std::string::npos) << e2e::readFile(out_path);
}
