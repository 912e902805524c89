#include "os/HlProcess.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <filesystem>
#include <tuple>

#include "image/ElfFile.h"
#include "os/LinuxElfLoader.h"
#include "os/StreamFiles.h"
#include "os/Syscalls.h"
#include "pluton/Rng.h"

namespace mt3620::os {

std::string signalName(int signal) {
    static const char* const kNames[] = {nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP",
                                         "SIGABRT", "SIGBUS",  "SIGFPE",    "SIGKILL", "SIGUSR1", "SIGSEGV",
                                         "SIGUSR2", "SIGPIPE", "SIGALRM",   "SIGTERM", "SIGSTKFLT", "SIGCHLD",
                                         "SIGCONT", "SIGSTOP", "SIGTSTP",   "SIGTTIN", "SIGTTOU", "SIGURG",
                                         "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
                                         "SIGPWR",  "SIGSYS"};
    if (signal > 0 && signal < static_cast<int>(std::size(kNames))) return kNames[signal];
    return "signal " + std::to_string(signal);
}

HlProcess::HlProcess(Scheduler& scheduler, Log& log, ByteOutput& output, pluton::Rng& rng)
    : scheduler_(scheduler), log_(log), output_(output), rng_(rng), core_(scheduler, log), mem_(core_.engine()),
      syscalls_(std::make_unique<Syscalls>(*this)) {
    core_.on_syscall = [this] { syscalls_->handle(); };
    mem_.on_denied = [this](int type, std::uint32_t address) { core_.recordBadAccess(type, address); };
    core_.on_grant_page = [this](std::optional<std::uint32_t> page) { mem_.grantForProbe(page); };
    core_.on_fault = [this](const CortexA7::Fault& f) {
        std::string where;
        if (auto m = mem_.find(f.pc)) where = fmt::format(" (PC {:#010x} in {} +{:#x})", f.pc, m->name, f.pc - m->start);
        else where = fmt::format(" (PC {:#010x})", f.pc);
        syscalls_->deliverFault(f.signal, f.code, f.address, f.what + where);
    };
}

HlProcess::~HlProcess() = default;

void HlProcess::load(const HlAppSpec& spec) {
    namespace fs = std::filesystem;
    ElfFile elf = ElfFile::parseLinux(spec.elf_path, readFileBytes(spec.elf_path));
    const fs::path exe = fs::absolute(spec.elf_path).lexically_normal();
    const fs::path dir = spec.app_dir.empty() ? exe.parent_path() : fs::absolute(spec.app_dir).lexically_normal();
    const std::string id = spec.component_id.empty() ? exe.stem().string() : spec.component_id;
    const std::string app_root = "/mnt/apps/" + id;

    fs_.mountHost(spec.musl_loader, spec.musl_loader);
    fs_.mountHost(app_root, dir.string());
    const fs::path rel = exe.lexically_relative(dir);
    if (rel.empty() || *rel.begin() == "..") {
        guest_path_ = app_root + "/" + exe.filename().string();
        fs_.mountHost(guest_path_, exe.string());  // the ELF lives outside the app directory
    } else {
        guest_path_ = app_root + "/" + rel.string();
    }
    fs_.setCwd(app_root);

    LoadRequest req;
    req.guest_path = guest_path_;
    req.argv.push_back(guest_path_);
    req.argv.insert(req.argv.end(), spec.args.begin(), spec.args.end());
    req.envp = spec.env;
    rng_.fill({req.random, sizeof req.random});  // AT_RANDOM: 16 bytes from the Pluton RNG
    LoadedProgram prog = loadLinuxProgram(mem_, fs_, elf, req);
    syscalls_->setBrk(prog.brk);

    // fd 0: no input (like /dev/null); fd 1 and 2: the app's output stream.
    for (auto [fd, out, name] : {std::tuple{0, (ByteOutput*)nullptr, "stdin"}, std::tuple{1, &output_, "stdout"},
                                 std::tuple{2, &output_, "stderr"}}) {
        auto f = std::make_shared<ConsoleFile>(out, scheduler_, name);
        f->setStatusFlags(fd == 0 ? kORdOnly : kOWrOnly);
        fds_.installAt(fd, f, false);
    }
    core_.start(prog.entry, prog.sp);
    status_ = Status::Running;
    log_.info("a7", "loaded {} as {} (entry {:#010x}{}{})", spec.elf_path, guest_path_, prog.entry,
              prog.interpreter.empty() ? "" : ", interpreter ", prog.interpreter);
}

void HlProcess::exit(int code) {
    if (status_ != Status::Running) return;
    status_ = Status::Exited;
    exit_code_ = code;
    log_.info("a7", "app exited with code {}", code);
    core_.halt("");
}

void HlProcess::kill(int signal, const std::string& why) {
    if (status_ != Status::Running) return;
    status_ = Status::Killed;
    signal_ = signal;
    exit_code_ = 128 + signal;
    std::string report = fmt::format("app {} terminated by signal {} ({}): {}\n", guest_path_, signalName(signal),
                                     signal, why);
    report += fmt::format("  r0  {:#010x} r1 {:#010x} r2  {:#010x} r3  {:#010x}\n", core_.reg(UC_ARM_REG_R0),
                          core_.reg(UC_ARM_REG_R1), core_.reg(UC_ARM_REG_R2), core_.reg(UC_ARM_REG_R3));
    report += fmt::format("  sp  {:#010x} lr {:#010x} pc  {:#010x} cpsr {:#010x}\n", core_.reg(UC_ARM_REG_SP),
                          core_.reg(UC_ARM_REG_LR), core_.reg(UC_ARM_REG_PC), core_.reg(UC_ARM_REG_CPSR));
    // SIGTERM and SIGKILL are how the OS stops an app: `azsphere device app show-status` then
    // says "stopped", not "crashed", and a stop is no error.
    const bool stopped = signal == 15 || signal == 9;
    report += fmt::format("  App state: {} (exit status {})", stopped ? "stopped" : "crashed", exit_code_);
    if (stopped) log_.info("a7", "{}", report);
    else log_.error("a7", "{}", report);
    core_.halt(report);
}

void HlProcess::sendSignal(int signal, const std::string& why) { syscalls_->sendSignal(signal, why); }

void HlProcess::ioReady() {
    syscalls_->ioReady();
}

std::string HlProcess::statusLine() const {
    switch (status_) {
        case Status::NotLoaded: return "not loaded";
        case Status::Running: return "running";
        case Status::Exited: return fmt::format("exited with code {}", exit_code_);
        case Status::Killed: return fmt::format("terminated by signal {} ({})", signalName(signal_), signal_);
    }
    return "?";
}

}  // namespace mt3620::os
