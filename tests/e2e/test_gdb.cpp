// The GDB stub end to end: a real gdb-multiarch in batch mode against `mt3620-emu run --gdb-m4-0`
// on the firmware samples, and raw protocol exchanges over a socket (Ctrl-C, malformed packets).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <regex>
#include <utility>
#include <thread>

#include "e2e/E2eSupport.h"
#include "gdb/GdbPacket.h"

namespace {

using namespace std::chrono_literals;

bool haveGdb() { return std::system("command -v gdb-multiarch >/dev/null 2>&1") == 0; }

/// `mt3620-emu run ...` in the background, with its GDB ports read from its log.
class Emulator {
public:
    Emulator(const std::string& name, const std::vector<std::string>& args) {
        out_ = e2e::tmpPath("gdb-" + name + "-" + std::to_string(::getpid()) + ".out");
        err_ = e2e::tmpPath("gdb-" + name + "-" + std::to_string(::getpid()) + ".err");
        pid_ = ::fork();
        if (pid_ == 0) {
            int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(o, 1);
            ::dup2(e, 2);
            std::vector<char*> argv;
            std::string exe = EMU_EXE, run = "run";
            argv.push_back(exe.data());
            argv.push_back(run.data());
            std::vector<std::string> copy = args;
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(exe.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~Emulator() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    /// The port a core's server listens on, once its log says so.
    int port(const std::string& core) {
        std::regex re(core + ": GDB server listening on [^ ]+:([0-9]+)");
        for (auto deadline = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < deadline;) {
            std::smatch m;
            std::string log = e2e::readFile(err_);
            if (std::regex_search(log, m, re)) return std::stoi(m[1]);
            std::this_thread::sleep_for(10ms);
        }
        return -1;
    }

    /// Waits for the exit code (-1 on timeout or a signal). The wall-clock limits here only catch
    /// hangs: they are generous because CI machines (and sanitizer builds) can be slow.
    int wait(std::chrono::milliseconds timeout = 60s) {
        for (auto deadline = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < deadline;) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(10ms);
        }
        return -1;
    }

    std::string out() const { return e2e::readFile(out_); }
    std::string err() const { return e2e::readFile(err_); }

private:
    pid_t pid_ = -1;
    bool exited_ = false;
    std::string out_, err_;
};

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// The gdb-multiarch command line for a batch session (run with runGdb or popen).
std::string gdbCommand(int port, const std::string& elf, const std::vector<std::string>& commands) {
    std::string cmd = "timeout 20 gdb-multiarch -nx -batch -ex 'set architecture arm' -ex 'set pagination off' "
                      "-ex 'target remote 127.0.0.1:" + std::to_string(port) + "'";
    for (const auto& c : commands) cmd += " -ex " + quote(c);
    return cmd + " " + quote(elf) + " 2>&1";
}

std::string runShell(const std::string& cmd) { return e2e::shellOutput(cmd); }

std::string runGdb(int port, const std::string& elf, const std::vector<std::string>& commands) {
    return runShell(gdbCommand(port, elf, commands));
}

/// A raw remote-protocol client.
class RawClient {
public:
    explicit RawClient(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~RawClient() { ::close(fd_); }
    bool connected() const { return connected_; }
    void sendRaw(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size()); }
    void sendPacket(const std::string& payload) { sendRaw(mt3620::gdb::framePacket(payload)); }

    /// Reads until `done` says the buffer holds what was expected (or a timeout); returns and
    /// consumes the whole buffer.
    std::string readUntil(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds t = 3s) {
        fill(done, t);
        return std::exchange(buf_, {});
    }
    /// Reads one reply packet (skipping acks) and acks it; returns its payload. Bytes after it
    /// stay buffered for the next reply.
    std::string reply() {
        auto complete = [](const std::string& s) {
            auto start = s.find('$');
            auto hash = start == std::string::npos ? start : s.find('#', start);
            return hash != std::string::npos && s.size() >= hash + 3;
        };
        fill(complete, 3s);
        if (!complete(buf_)) return "<no reply: " + std::exchange(buf_, {}) + ">";
        sendRaw("+");
        auto start = buf_.find('$'), hash = buf_.find('#', start);
        std::string payload = buf_.substr(start + 1, hash - start - 1);
        buf_.erase(0, hash + 3);
        return payload;
    }

private:
    void fill(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds t) {
        auto deadline = std::chrono::steady_clock::now() + t;
        while (!done(buf_) && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            char b[4096];
            ssize_t n = ::recv(fd_, b, sizeof b, 0);
            if (n <= 0) break;
            buf_.append(b, static_cast<std::size_t>(n));
        }
    }
    std::string buf_;
    int fd_ = -1;
    bool connected_ = false;
};

}  // namespace

class GdbE2e : public ::testing::Test {
protected:
    void SetUp() override {
        if (!haveGdb()) GTEST_SKIP() << "gdb-multiarch is not installed";
    }
};

TEST_F(GdbE2e, BreakContinueReadStepAndWatchTheTimerIsr) {
    Emulator emu("isr", {"--m4-0", e2e::firmware("gpt-tick"), "--gdb-m4-0", "0", "--gdb-wait", "--time-limit", "20s",
                         "--log-level", "info"});
    int port = emu.port("m4-0");
    ASSERT_GT(port, 0) << emu.err();
    std::string out = runGdb(port, e2e::firmware("gpt-tick"),
                             {"break IRQ1_Handler", "continue", "print g_ticks", "print/x $pc", "info registers sp",
                              "stepi", "print/x $pc", "next", "delete", "watch g_ticks", "continue",
                              "print g_ticks", "monitor vtime", "kill"});
    EXPECT_NE(out.find("Breakpoint 1, IRQ1_Handler ()"), std::string::npos) << out;
    EXPECT_NE(out.find("$1 = 0"), std::string::npos) << out;           // before the first increment
    EXPECT_NE(out.find("$2 = 0x1001d0"), std::string::npos) << out;    // a register: PC at the handler
    EXPECT_NE(out.find("$3 = 0x1001d2"), std::string::npos) << out;    // stepi: one instruction on
    EXPECT_NE(out.find("main.c:20\n20\t    reg_write(GPT_BASE, GPT_ISR"), std::string::npos) << out;  // next
    EXPECT_NE(out.find("Hardware watchpoint 2: g_ticks"), std::string::npos) << out;
    EXPECT_NE(out.find("Old value = 0\nNew value = 1"), std::string::npos) << out;
    EXPECT_NE(out.find("$4 = 1"), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(virtual time: 1\.0\d+ s \(machine\))"))) << out;
    EXPECT_EQ(emu.wait(), 0) << emu.err();  // kill ends the run with exit 0
}

TEST_F(GdbE2e, ChangedRegisterChangesOutputAndDetachKeepsRunning) {
    Emulator emu("detach", {"--m4-0", e2e::firmware("gpt-tick"), "--gdb-m4-0", "0", "--gdb-wait", "--time-limit", "4s"});
    int port = emu.port("m4-0");
    ASSERT_GT(port, 0) << emu.err();
    std::string out = runGdb(port, e2e::firmware("gpt-tick"),
                             {"break uart_put_dec", "continue", "print value", "set var $r0 = 4242", "detach"});
    EXPECT_NE(out.find("Breakpoint 1, uart_put_dec (value=value@entry=1)"), std::string::npos) << out;
    EXPECT_NE(out.find("$1 = 1"), std::string::npos) << out;  // a local (the argument)
    EXPECT_NE(out.find("detached"), std::string::npos) << out;
    EXPECT_EQ(emu.wait(), 0) << emu.err();
    std::string uart = emu.out();
    EXPECT_NE(uart.find("tick 4242\r\n"), std::string::npos) << uart;  // the changed register
    EXPECT_NE(uart.find("tick 3\r\n"), std::string::npos) << uart;     // still running after detach
}

TEST_F(GdbE2e, FaultStopsOnTheFaultingInstruction) {
    Emulator emu("fault", {"--m4-0", e2e::firmware("fault-null"), "--gdb-m4-0", "0", "--gdb-wait", "--time-limit", "1s"});
    int port = emu.port("m4-0");
    ASSERT_GT(port, 0) << emu.err();
    std::string out = runGdb(port, e2e::firmware("fault-null"), {"continue", "x/i $pc", "monitor fault", "kill"});
    EXPECT_NE(out.find("Program received signal SIGBUS"), std::string::npos) << out;
    EXPECT_NE(out.find("*null_ptr = 0x1234;"), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(=> 0x[0-9a-f]+ <rtcore_main\+\d+>:\s+str)"))) << out;
    EXPECT_NE(out.find("precise bus error"), std::string::npos) << out;
    EXPECT_EQ(emu.wait(), 0);
}

TEST_F(GdbE2e, TwoDebuggersOnTwoCores) {
    Emulator emu("two", {"--m4-0", e2e::firmware("gpt-tick"), "--m4-1", e2e::firmware("hello"), "--gdb-m4-0", "0",
                         "--gdb-m4-1", "0", "--gdb-wait", "--time-limit", "5s"});
    int p0 = emu.port("m4-0"), p1 = emu.port("m4-1");
    ASSERT_GT(p0, 0) << emu.err();
    ASSERT_GT(p1, 0) << emu.err();
    // Both sessions at once: while either core is stopped the machine (and its time) is paused.
    FILE* g0 = ::popen(gdbCommand(p0, e2e::firmware("gpt-tick"),
                                  {"break IRQ1_Handler", "continue", "print g_ticks", "continue", "print g_ticks", "detach"})
                           .c_str(),
                       "r");
    FILE* g1 = ::popen(gdbCommand(p1, e2e::firmware("hello"),
                                  {"break uart_put_dec", "continue", "print value", "continue", "print value", "detach"})
                           .c_str(),
                       "r");
    auto slurp = [](FILE* f) {
        std::string s;
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
        ::pclose(f);
        return s;
    };
    std::string out0 = slurp(g0), out1 = slurp(g1);
    EXPECT_NE(out0.find("Breakpoint 1, IRQ1_Handler ()"), std::string::npos) << out0;
    EXPECT_NE(out0.find("$1 = 0"), std::string::npos) << out0;
    EXPECT_NE(out0.find("$2 = 1"), std::string::npos) << out0;
    EXPECT_NE(out1.find("Breakpoint 1, uart_put_dec (value=value@entry=1)"), std::string::npos) << out1;
    EXPECT_NE(out1.find("$2 = 2"), std::string::npos) << out1;
    EXPECT_EQ(emu.wait(), 0) << emu.err();
    EXPECT_NE(emu.out().find("m4-1| Hello from the M4 at 4 s"), std::string::npos) << emu.out();
}

TEST_F(GdbE2e, RawProtocolInterruptAndMalformedPackets) {
    Emulator emu("raw", {"--m4-0", e2e::firmware("gpt-tick"), "--gdb-m4-0", "0", "--time-limit", "100s"});
    int port = emu.port("m4-0");
    ASSERT_GT(port, 0) << emu.err();
    RawClient c(port);
    ASSERT_TRUE(c.connected());
    c.sendPacket("qSupported:swbreak+;hwbreak+");
    std::string sup = c.reply();
    EXPECT_NE(sup.find("PacketSize=4000"), std::string::npos) << sup;
    EXPECT_NE(sup.find("qXfer:features:read+"), std::string::npos) << sup;
    EXPECT_NE(sup.find("vContSupported+"), std::string::npos) << sup;
    c.sendPacket("?");
    EXPECT_EQ(c.reply().substr(0, 3), "T05");  // attaching halts the core
    c.sendPacket("qXfer:features:read:target.xml:0,100");
    std::string xml = c.reply();
    EXPECT_EQ(xml[0], 'm') << xml;
    EXPECT_NE(xml.find("<target"), std::string::npos) << xml;
    c.sendPacket("qC");
    EXPECT_EQ(c.reply(), "QC1");
    c.sendPacket("qfThreadInfo");
    EXPECT_EQ(c.reply(), "m1");
    c.sendPacket("qAttached");
    EXPECT_EQ(c.reply(), "1");
    c.sendPacket("vCont?");
    EXPECT_EQ(c.reply(), "vCont;c;C;s;S;r");
    c.sendPacket("p10");
    EXPECT_EQ(c.reply().size(), 8u);  // xpsr
    c.sendPacket("p11");
    EXPECT_EQ(c.reply().size(), 16u);  // d0
    c.sendPacket("p99");
    EXPECT_EQ(c.reply(), "E00");

    // Malformed: bad checksum -> NAK; unknown -> empty; bad arguments and overlong -> error.
    c.sendRaw("$g#00");
    EXPECT_EQ(c.readUntil([](const std::string& s) { return !s.empty(); }), "-");
    c.sendPacket("qNoSuchThing");
    EXPECT_EQ(c.reply(), "");
    c.sendPacket("m12");
    EXPECT_EQ(c.reply(), "E01");
    c.sendRaw("$" + std::string(0x5000, 'a') + "#00");
    EXPECT_EQ(c.reply(), "E01");
    c.sendPacket("m0,4");  // nothing at address 0
    EXPECT_EQ(c.reply(), "E01");

    // Ctrl-C while running: T02.
    c.sendPacket("c");
    std::string pending = c.readUntil([](const std::string& s) { return s.find('$') != std::string::npos; }, 200ms);
    EXPECT_EQ(pending.find('$'), std::string::npos) << "stop reply while running: " << pending;
    c.sendRaw("\x03");
    EXPECT_EQ(c.reply().substr(0, 3), "T02");
    // Time stands still while stopped: the virtual time does not move between two reads.
    c.sendPacket("qRcmd," + mt3620::gdb::toHex("vtime"));
    std::string o1 = c.reply();
    EXPECT_EQ(o1[0], 'O') << o1;
    EXPECT_EQ(c.reply(), "OK");
    std::this_thread::sleep_for(50ms);
    c.sendPacket("qRcmd," + mt3620::gdb::toHex("vtime"));
    EXPECT_EQ(c.reply(), o1);
    EXPECT_EQ(c.reply(), "OK");
    auto text = mt3620::gdb::fromHex(o1.substr(1));
    ASSERT_TRUE(text);
    EXPECT_NE(text->find("virtual time:"), std::string::npos) << *text;

    c.sendPacket("k");
    EXPECT_EQ(emu.wait(), 0) << emu.err();
}
