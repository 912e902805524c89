#pragma once
// One high-level app running on the A7 (DESIGN.md 3.5): the Cortex-A7 engine, the app's
// address space, its root filesystem and descriptor table, and the Linux syscall layer. The
// emulator is the app's OS: it loads the ELF like the kernel, answers its syscalls on virtual
// time, and reports how the app ended (exit code or signal), as `azsphere device app
// show-status` would.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/CortexA7.h"
#include "os/FdTable.h"
#include "os/GuestFs.h"
#include "os/GuestSocket.h"
#include "os/GuestMemory.h"
#include "periph/Signals.h"

namespace mt3620::pluton {
class Rng;
}

namespace mt3620::os {

class Syscalls;

/// What to run: an ELF and its arguments (argv[0] is the app's guest path).
struct HlAppSpec {
    std::string elf_path;                // host path of the executable
    std::vector<std::string> args;       // argv[1..]
    std::vector<std::string> env;        // "NAME=value"; empty: a minimal default environment
    std::string component_id;            // /mnt/apps/<component_id>; default: derived from the file name
    std::string app_dir;                 // host directory mounted there; default: the ELF's directory
    std::string musl_loader = "/lib/ld-musl-armhf.so.1";  // host file mounted at the same guest path
};

class HlProcess {
public:
    /// `output` receives everything the app writes to stdout and stderr (fd 1 and 2), in order.
    /// `rng` is the Pluton RNG the OS hands out (getrandom, AT_RANDOM); it must outlive the process.
    HlProcess(Scheduler& scheduler, Log& log, ByteOutput& output, pluton::Rng& rng);
    ~HlProcess();
    HlProcess(const HlProcess&) = delete;
    HlProcess& operator=(const HlProcess&) = delete;

    /// Loads the app and starts the core at its entry. Throws ImageError for a bad ELF.
    void load(const HlAppSpec& spec);

    CortexA7& core() { return core_; }
    GuestMemory& memory() { return mem_; }
    GuestFs& fs() { return fs_; }
    FdTable& fds() { return fds_; }
    /// The socket families socket(2) can create (none until the device side registers some).
    SocketFamilies& sockets() { return sockets_; }
    Scheduler& scheduler() { return scheduler_; }
    Log& log() { return log_; }
    ByteOutput& output() { return output_; }

    enum class Status { NotLoaded, Running, Exited, Killed };
    Status status() const { return status_; }
    /// The exit code (exit/exit_group), or 128 + signal number for a killed app (the shell's view).
    int exitCode() const { return exit_code_; }
    int signal() const { return signal_; }
    /// "exited with code 3" / "killed by signal SIGSEGV (11): ..." / "running".
    std::string statusLine() const;
    const std::string& guestPath() const { return guest_path_; }

    /// The process ends: exit code, or a signal with its description.
    void exit(int code);
    void kill(int signal, const std::string& why);
    /// A signal from outside the app, as the OS sends SIGTERM to stop it: a handler runs (a
    /// wait in progress returns -EINTR), or the default action applies.
    void sendSignal(int signal, const std::string& why = "sent by the OS");
    /// A file's readiness changed from outside: wakes the app if it waits in a syscall.
    void ioReady();

private:
    friend class Syscalls;
    Scheduler& scheduler_;
    Log& log_;
    ByteOutput& output_;
    pluton::Rng& rng_;
    CortexA7 core_;
    GuestMemory mem_;
    GuestFs fs_;
    FdTable fds_;
    SocketFamilies sockets_;
    std::unique_ptr<Syscalls> syscalls_;
    Status status_ = Status::NotLoaded;
    int exit_code_ = 0;
    int signal_ = 0;
    std::string guest_path_;
};

/// "SIGSEGV" for 11, "signal 40" for numbers without a name.
std::string signalName(int signal);

}  // namespace mt3620::os
