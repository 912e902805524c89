#pragma once
// The Linux ARM EABI system call layer of the emulated Azure Sphere OS. The A7 traps SVC #0
// here with r7 = number and r0-r5 = arguments; the result goes back in r0 (-errno on error).
// docs/hl-apps.md lists what is implemented. Unknown calls return -ENOSYS and are logged once
// with their number and name.
//
// Blocking calls (nanosleep, epoll_wait, poll, read on an empty pipe...) sleep the core: a
// sleep whose end is known completes at once and the core sleeps until the deadline; a wait
// for readiness rewinds PC to the SVC and sleeps until a file's readiness changes or the
// timeout passes, then the call runs again and re-checks (the timeout's deadline is kept).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string>
#include <vector>

#include "common/VirtualTime.h"
#include "os/GuestFile.h"
#include "os/HlThreads.h"

namespace mt3620::os {

class HlProcess;
class GuestFile;
class GuestSocket;

class Syscalls {
public:
    explicit Syscalls(HlProcess& process);

    /// Handles the SVC the core just trapped.
    void handle();
    /// The initial program break (set by the loader).
    void setBrk(std::uint32_t brk) { brk_start_ = brk_ = mapped_brk_ = brk; }
    /// True while the app waits for a file's readiness (ioReady() then wakes it).
    bool waitingForIo() const { return waiting_io_ || threads_.anyWaitingIo(); }
    /// A file's readiness changed: threads waiting for it run their call again.
    void ioReady();
    /// Deterministic seed of getrandom / AT_RANDOM.

    static constexpr std::int64_t kBlocked = INT64_MIN;  // the call sleeps; r0 is not written
    static constexpr std::int64_t kNoReturn = INT64_MIN + 1;  // the process ended
    static constexpr std::int64_t kRegistersRestored = INT64_MIN + 2;  // sigreturn: r0 is the app's again

    /// A signal from outside the app (the OS stopping it: SIGTERM): a wait in progress ends
    /// with -EINTR and the signal acts at once (handler, or default action).
    void sendSignal(int sig, const std::string& why);
    /// A guest fault (the core's registers are those before the faulting instruction, PC on
    /// it): the app's handler runs with si_code and si_addr, as Linux delivers SIGSEGV, SIGBUS,
    /// SIGILL and SIGTRAP; without one, or with the signal blocked or ignored, the app is killed
    /// (`why` goes in the report).
    void deliverFault(int sig, int code, std::uint32_t address, const std::string& why);

    using Args = std::array<std::uint32_t, 6>;

private:
    std::int64_t dispatch(std::uint32_t number, const Args& a);

    // Process, signals, memory (Syscalls.cpp)
    std::int64_t sysExit(int code);
    // Signals (SyscallsSignals.cpp)
    std::int64_t sysKill(int pid, int sig);
    std::int64_t sysRtSigaction(int sig, std::uint32_t act, std::uint32_t oldact, std::uint32_t size);
    std::int64_t sysRtSigprocmask(int how, std::uint32_t set, std::uint32_t oldset, std::uint32_t size);
    std::int64_t sysSigreturn(bool rt);
    /// Acts on pending, unblocked signals: runs the handler (a signal frame on the stack) or the
    /// default action (ignore, or end the app).
    void deliverPending();
    /// What a fault adds to a signal frame (siginfo and sigcontext).
    struct FaultInfo {
        int code = 0;
        std::uint32_t address = 0;
        std::uint32_t trap_no = 0;
    };
    /// Pushes a signal frame and enters the handler; false if the stack cannot hold it.
    bool enterHandler(int sig, const FaultInfo* fault = nullptr);
    std::int64_t sysUname(std::uint32_t buf);
    std::int64_t sysGetrandom(std::uint32_t buf, std::uint32_t len);
    std::int64_t sysPrlimit(int resource, std::uint32_t new_limit, std::uint32_t old_limit);
    std::int64_t sysBrk(std::uint32_t addr);
    std::int64_t sysMmap(std::uint32_t addr, std::uint32_t len, std::uint32_t prot, std::uint32_t flags, int fd,
                         std::uint64_t offset);
    std::int64_t sysMunmap(std::uint32_t addr, std::uint32_t len);
    std::int64_t sysMprotect(std::uint32_t addr, std::uint32_t len, std::uint32_t prot);
    std::int64_t sysMremap(std::uint32_t old_addr, std::uint32_t old_size, std::uint32_t new_size, std::uint32_t flags,
                           std::uint32_t new_addr);
    std::int64_t remap(std::uint32_t old_addr, std::uint32_t old_size, std::uint32_t new_size, std::uint32_t flags,
                       std::uint32_t new_addr);
    std::int64_t sysMadvise(std::uint32_t addr, std::uint32_t len, int advice);
    // Threads (SyscallsThreads.cpp)
    std::int64_t sysFutex(const Args& a, bool time64);
    std::int64_t sysClone(const Args& a);
    std::int64_t sysExitThread(int code);
    std::int64_t sysSetTidAddress(std::uint32_t addr);
    std::int64_t notOnAzureSphere(std::uint32_t number);
    std::int64_t sysSysinfo(std::uint32_t buf);

    // Files (SyscallsFiles.cpp)
    std::int64_t sysOpenat(int dirfd, std::uint32_t path, std::uint32_t flags);
    std::int64_t sysRead(int fd, std::uint32_t buf, std::uint32_t len);
    std::int64_t sysWrite(int fd, std::uint32_t buf, std::uint32_t len);
    std::int64_t sysReadv(int fd, std::uint32_t iov, std::uint32_t count, bool write);
    std::int64_t sysPread(int fd, std::uint32_t buf, std::uint32_t len, std::uint64_t offset, bool write);
    std::int64_t sysLlseek(int fd, std::uint32_t hi, std::uint32_t lo, std::uint32_t result, int whence);
    std::int64_t sysLseek(int fd, std::int32_t offset, int whence);
    std::int64_t sysClose(int fd);
    std::int64_t sysFstat64(int fd, std::uint32_t buf);
    std::int64_t sysFstatat64(int dirfd, std::uint32_t path, std::uint32_t buf, int flags);
    std::int64_t sysStatx(int dirfd, std::uint32_t path, int flags, std::uint32_t mask, std::uint32_t buf);
    std::int64_t sysGetdents64(int fd, std::uint32_t buf, std::uint32_t len);
    std::int64_t sysIoctl(int fd, std::uint32_t request, std::uint32_t arg);
    std::int64_t sysFcntl(int fd, int cmd, std::uint32_t arg);
    std::int64_t sysDup3(int oldfd, int newfd, std::uint32_t flags, bool dup2);
    std::int64_t sysPipe2(std::uint32_t fds, std::uint32_t flags);
    std::int64_t sysFaccessat(int dirfd, std::uint32_t path, int mode);
    std::int64_t sysReadlinkat(int dirfd, std::uint32_t path, std::uint32_t buf, std::uint32_t size);
    std::int64_t sysGetcwd(std::uint32_t buf, std::uint32_t size);
    std::int64_t sysChdir(std::uint32_t path);
    /// Resolves a *at() path (or AT_EMPTY_PATH) to the file's status; 0 or -errno.
    std::int64_t statAt(int dirfd, std::uint32_t path_addr, int flags, GuestStat& out);
    std::int64_t writeStat64(std::uint32_t buf, const GuestStat& st);
    /// The directory a *at() call resolves relative paths against, or -errno.
    std::int64_t atBase(int dirfd, std::string& base);
    std::int64_t guestPath(std::uint32_t addr, std::string& out);

    // Time and events (SyscallsEvents.cpp)
    std::int64_t sysClockGettime(std::uint32_t clock, std::uint32_t ts, bool time64);
    std::int64_t sysClockGetres(std::uint32_t clock, std::uint32_t ts, bool time64);
    std::int64_t sysGettimeofday(std::uint32_t tv, std::uint32_t tz);
    std::int64_t sysNanosleep(std::uint32_t req, std::uint32_t rem);
    std::int64_t sysClockNanosleep(std::uint32_t clock, int flags, std::uint32_t req, std::uint32_t rem, bool time64);
    std::int64_t sysEpollCreate(std::uint32_t flags);
    std::int64_t sysEpollCtl(int epfd, int op, int fd, std::uint32_t event);
    std::int64_t sysEpollWait(int epfd, std::uint32_t events, int max, int timeout_ms);
    std::int64_t sysPoll(std::uint32_t fds, std::uint32_t nfds, std::optional<Picos> timeout);
    std::int64_t sysPpoll(std::uint32_t fds, std::uint32_t nfds, std::uint32_t ts, bool time64);
    std::int64_t sysTimerfdCreate(std::uint32_t clock, std::uint32_t flags);
    std::int64_t sysTimerfdSettime(int fd, int flags, std::uint32_t new_value, std::uint32_t old_value, bool time64);
    std::int64_t sysTimerfdGettime(int fd, std::uint32_t cur, bool time64);
    std::int64_t sysEventfd2(std::uint32_t initval, std::uint32_t flags);
    /// Reads a struct timespec (32- or 64-bit seconds) as nanoseconds; nullopt: EFAULT; -1: EINVAL.
    std::optional<std::int64_t> readTimespec(std::uint32_t addr, bool time64);
    bool writeTimespec(std::uint32_t addr, std::int64_t ns, bool time64);
    /// Blocks for readiness until `deadline` (kNever: no timeout). Returns kBlocked, or 0 if
    /// the deadline has passed (the caller returns its timeout result).
    std::int64_t waitForIo(Picos deadline);
    bool timedOut() const;
    /// The virtual time a wait with `timeout` started now ends (kept across restarts).
    Picos deadlineAfter(Picos timeout);
    Picos cpuTime() const;
    /// Installs a new file with O_CLOEXEC/O_NONBLOCK from `flags`; the fd or -errno.
    std::int64_t installFile(std::shared_ptr<GuestFile> file, std::uint32_t flags);
    // Sockets (SyscallsSockets.cpp)
    /// The socket calls, or nullopt when `number` is not one.
    std::optional<std::int64_t> dispatchSocket(std::uint32_t number, const Args& a);
    GuestSocket* socketOf(int fd, std::int64_t& err);
    std::int64_t sysSocket(int family, std::uint32_t type, int protocol);
    std::int64_t sysConnect(int fd, std::uint32_t addr, std::uint32_t len);
    std::int64_t sysSocketName(int fd, std::uint32_t addr, std::uint32_t len_addr, bool peer);
    std::int64_t sysSendto(int fd, std::uint32_t buf, std::uint32_t len, std::uint32_t flags, std::uint32_t to,
                           std::uint32_t to_len);
    std::int64_t sysRecvfrom(int fd, std::uint32_t buf, std::uint32_t len, std::uint32_t flags, std::uint32_t src,
                             std::uint32_t src_len);
    std::int64_t sysSendmsg(int fd, std::uint32_t msg, std::uint32_t flags);
    std::int64_t sysRecvmsg(int fd, std::uint32_t msg, std::uint32_t flags);
    std::int64_t sysSetsockopt(int fd, int level, int name, std::uint32_t value, std::uint32_t len);
    std::int64_t sysGetsockopt(int fd, int level, int name, std::uint32_t value, std::uint32_t len_addr);
    /// setsockopt of an int option the socket itself keeps (GuestSocket::setOption).
    std::int64_t setIntOption(GuestSocket& s, int level, int name, std::uint32_t value, std::uint32_t len);
    /// A send/receive that found no room / no message: -EAGAIN now, or blocks (kBlocked) until
    /// readiness or `timeout` (0: none), after which the restarted call answers -EAGAIN.
    std::int64_t socketWait(GuestSocket& s, std::uint32_t flags, Picos timeout);
    /// `to`: the destination the app named (empty: none).
    std::int64_t socketSend(GuestSocket& s, std::span<const std::uint8_t> data, std::uint32_t flags,
                            std::span<const std::uint8_t> to);
    /// `from`: the sender's address (empty when there is none).
    std::int64_t socketReceive(GuestSocket& s, std::span<std::uint8_t> out, std::uint32_t flags, std::size_t& full_size,
                               std::vector<std::uint8_t>& from);
    /// A struct sockaddr the app passed (at most sizeof(struct sockaddr_storage)): 0 or -errno.
    std::int64_t readSocketAddress(std::uint32_t addr, std::uint32_t len, std::vector<std::uint8_t>& out);
    struct MsgHeader {
        std::array<std::uint32_t, 7> raw{};  // struct msghdr as the guest wrote it
        std::vector<std::uint32_t> iov;      // (base, length) pairs
        std::uint64_t total = 0;             // sum of the lengths
    };
    /// The socket `fd` and the guest's struct msghdr at `msg`: 0 or -errno.
    std::int64_t readMsghdr(int fd, std::uint32_t msg, GuestSocket*& s, MsgHeader& m);
    /// Writes a socket address and its length (struct sockaddr *, socklen_t *): 0 or -errno.
    std::int64_t writeSocketAddress(std::uint32_t addr, std::uint32_t len_addr, const std::vector<std::uint8_t>& a);

    std::uint64_t nextAnonId() { return ++anon_ids_; }

    HlProcess& p_;
    std::uint32_t brk_start_ = 0, brk_ = 0, mapped_brk_ = 0;
    bool waiting_io_ = false;
    std::optional<Picos> wait_deadline_;  // of the wait in progress (restarted calls keep it)
    struct SigAction {
        std::uint32_t handler = 0;  // 0 SIG_DFL, 1 SIG_IGN, else the handler's address
        std::uint32_t flags = 0;
        std::uint32_t restorer = 0;
        std::uint64_t mask = 0;
    };
    std::array<SigAction, 65> sigactions_{};
    std::uint64_t sigmask_ = 0;
    std::uint64_t sigpending_ = 0;           // sent, not yet acted on (blocked, or until the syscall returns)
    std::array<std::string, 65> sigwhy_{};   // who sent each pending signal, for the report
    std::uint64_t anon_ids_ = 0;
    std::set<std::uint32_t> reported_unknown_;
    HlThreads threads_;  // after waiting_io_ and wait_deadline_, which it refers to
};

}  // namespace mt3620::os
