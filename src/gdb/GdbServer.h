#pragma once
// A GDB remote-serial-protocol server for one M4 core (docs/debugging.md).
//
// Single-threaded: the run loop (runWithGdb) runs the machine in short slices of virtual time
// and, between slices, lets every server accept connections and read its socket (Ctrl-C). While
// any server holds its core stopped, the machine does not run at all (all-stop: virtual time
// stands still for every core) and the loop only waits on the sockets and serves packets.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gdb/GdbPacket.h"
#include "machine/CoreId.h"
#include "machine/Machine.h"

namespace mt3620::gdb {

class GdbServer {
public:
    /// Serves core `core` of `machine` on host:port (port 0: any free port).
    GdbServer(Machine& machine, CoreId core, std::string host, int port);
    ~GdbServer();
    GdbServer(const GdbServer&) = delete;
    GdbServer& operator=(const GdbServer&) = delete;

    /// Starts listening; returns an error message, or an empty string on success.
    std::string start();
    int port() const { return port_; }
    CoreId core() const { return core_id_; }

    /// Keeps the core stopped until a debugger attaches and resumes it (--gdb-wait).
    void holdAtStart() { stopped_ = true; }

    /// Accepts a connection, reads what arrived and serves complete packets. Never blocks.
    void service();
    /// After a machine run: reports a debug stop (breakpoint, watchpoint) or a fault.
    void afterRun();
    /// True while the debugger holds this core stopped: the machine must not run.
    bool holdsMachine() const { return stopped_; }
    bool connected() const { return client_ >= 0; }
    bool killRequested() const { return kill_requested_; }
    /// The sockets to wait on.
    std::vector<int> fds() const;

private:
    bool step_into_interrupts_ = false;  // monitor step-interrupts on|off
    enum class StopKind { Interrupt, Halt, Breakpoint, Step, Watch, Fault };
    struct Point {
        unsigned type;
        std::uint64_t address;
        std::uint64_t kind;
    };

    void accept();
    void readSocket();
    void disconnect(const char* why);
    void handleEvent(const PacketReader::Event& ev);
    void handlePacket(const std::string& payload);
    void send(const std::string& payload);
    void sendRaw(const std::string& bytes);

    void stop(StopKind kind);
    void reportStop();
    std::string stopReply();
    void resume();
    void step();
    void rangeStep(std::uint32_t start, std::uint32_t end);
    void removeAllPoints();
    std::string insertPoint(const Command& c);
    std::string removePoint(const Command& c);
    std::string monitor(const std::string& text);
    std::string readMemory(std::uint64_t address, std::uint64_t length);

    std::uint64_t readRegister(unsigned n);
    void writeRegister(unsigned n, std::uint64_t value);
    void buildFaultView();
    int faultSignal();

    Machine& machine_;
    CoreId core_id_;
    CortexM4& core_;
    std::string host_;
    int port_;
    int listen_ = -1;
    int client_ = -1;
    PacketReader reader_;
    std::deque<PacketReader::Event> events_;
    std::string last_sent_;
    bool no_ack_ = false;

    bool stopped_ = false;        // the debugger holds the core
    bool waiting_ = false;        // the debugger waits for a stop reply (after c/s)
    bool fault_reported_ = false;  // the current Halted state was reported
    bool kill_requested_ = false;
    StopKind last_stop_ = StopKind::Halt;
    std::uint32_t watch_address_ = 0;
    const char* watch_kind_ = "watch";
    std::vector<Point> points_;
    /// While stopped on a fault whose handler was entered: the registers of the faulting
    /// instruction, unstacked from the exception frame (regnum -> value).
    std::map<unsigned, std::uint64_t> fault_view_;
};

struct GdbRunResult {
    Machine::StopReason why = Machine::StopReason::TimeLimit;
    bool killed = false;  // a debugger sent 'k'
};

/// Runs the machine with debuggers attached until `limit` (absolute virtual time) or a kill.
/// Idle or halted machines keep waiting for debuggers.
GdbRunResult runWithGdb(Machine& machine, const std::vector<GdbServer*>& servers, Picos limit);

/// For runners that drive Machine::runFor themselves (the scenario runner): install as the
/// machine's round hook. Reports stops to the debuggers and, while any of them holds its core
/// stopped, serves packets without returning (all-stop).
void serveBetweenRounds(const std::vector<GdbServer*>& servers);

}  // namespace mt3620::gdb
