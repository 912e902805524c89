// End-to-end: ISU0 on a host pseudo-terminal (`endpoint: {pty: LINK}`) through `mt3620-emu run`.
// The test is the program on the other side, as screen or pyserial would be: it opens the pty
// through the board file's link, types a line and reads the uart-echo sample's echo.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "e2e/E2eSupport.h"

using e2e::firmware;

namespace {

namespace fs = std::filesystem;

std::string writeBoard(const std::string& name, const std::string& pty) {
    const std::string board = e2e::tmpPath(name);
    std::ofstream(board) << "board: pty-test\nchip: mt3620\ndevices:\n"
                         << "  - {name: modem, type: uart, uart: ISU0, endpoint: {pty: '" << pty << "'}}\n";
    return board;
}

/// Opens `link` once the emulator has made it, retrying for up to `timeout`; -1 if it never did.
int openWhenThere(const std::string& link, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int fd = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) return fd;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

/// Reads from `fd` until `want` bytes came or `timeout` of real time passed.
std::string readUpTo(int fd, std::size_t want, std::chrono::milliseconds timeout) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd p{fd, POLLIN, 0};
    while (got.size() < want && std::chrono::steady_clock::now() < deadline && ::poll(&p, 1, 100) >= 0) {
        if (!(p.revents & POLLIN)) continue;
        char buf[64];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

}  // namespace

TEST(IsuUartPty, ProgramOnTheLinkGetsItsTextEchoedThroughTheCli) {
    const std::string link = e2e::tmpPath("isu0-pty-" + std::to_string(::getpid()));
    fs::remove(link);
    const std::string board = writeBoard("pty-echo-board.yaml", link);
    e2e::CommandResult emu;
    // The pty endpoint paces virtual time to real time: 3 s of it last about 3 s, while the
    // sample sleeps between interrupts. The thread always ends with the run.
    std::thread run([&] { emu = e2e::runEmu("run --m4-0 " + firmware("uart-echo") + " --board " + board + " --time-limit 3s"); });
    std::string echoed, target;
    int fd = openWhenThere(link, std::chrono::milliseconds(2500));
    if (fd >= 0) {
        std::error_code ec;
        target = fs::read_symlink(link, ec).string();
        // The link appears when the board is loaded, before the sample has set ISU0 up (clearing
        // its FIFOs): give it a moment of (paced) time first, as a person would.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const std::string text = "hello\n";
        if (::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()))
            echoed = readUpTo(fd, text.size(), std::chrono::milliseconds(2500));
        ::close(fd);
    }
    run.join();
    ASSERT_GE(fd, 0) << "the link " << link << " never appeared\n" << emu.err;
    EXPECT_EQ(echoed, "hello\n") << emu.err;
    EXPECT_EQ(emu.exit_code, 0) << emu.err;
    EXPECT_NE(emu.out.find("uart-echo ready"), std::string::npos) << emu.out;
    EXPECT_NE(emu.out.find("echoed 6 bytes"), std::string::npos) << emu.out;
    // One line tells the user where to attach, and the link pointed there.
    EXPECT_EQ(target.rfind("/dev/pts/", 0), 0u) << target;
    EXPECT_NE(emu.err.find("ISU0 is on " + target + " (link " + link + ")"), std::string::npos) << emu.err;
    // The link goes with the emulator.
    EXPECT_FALSE(fs::exists(fs::symlink_status(link))) << link;
}

TEST(IsuUartPty, LinkThatCannotBeMadeIsAClearErrorAndNonZeroExit) {
    const std::string bad = e2e::tmpPath("no-such-dir-" + std::to_string(::getpid())) + "/isu0";
    const std::string board = writeBoard("pty-bad-board.yaml", bad);
    e2e::CommandResult emu = e2e::runEmu("run --m4-0 " + firmware("uart-echo") + " --board " + board + " --time-limit 1s");
    EXPECT_GT(emu.exit_code, 0) << emu.err;  // an orderly failure, not a crash (-1)
    EXPECT_NE(emu.err.find("device 'modem' (line 4): cannot make the link '" + bad + "' to /dev/pts/"),
              std::string::npos)
        << emu.err;
    EXPECT_EQ(emu.out.find("uart-echo ready"), std::string::npos) << emu.out;
}
