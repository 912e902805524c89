#pragma once
// GuestFile: one open file description of the emulated Azure Sphere OS (what Linux calls a
// struct file), shared by every descriptor dup()ed from it. Files of the app image, pipes,
// eventfds, timerfds, epoll instances, the app's stdout/stderr and, later, the device files
// that libapplibs opens (/dev/gpiochipN, UARTs, I2C, SPI, ADC, PWM) all implement it.
//
// Adding a device file (for the applibs helper):
//   1. Derive from GuestFile and override what the device supports: read/write for byte
//      streams, ioctl for the device's ioctls (read and write the guest's argument struct
//      through `mem`, returning -EFAULT when that fails), pollEvents for epoll/poll,
//      stat() for fstat (mode S_IFCHR | 0600 and a distinct rdev make `ls -l` look right).
//   2. Register a factory under its path: GuestFs::addDevice("/dev/gpiochip0", factory).
//      The factory runs on every open(); it may refuse with a negative errno (-EACCES when
//      the app manifest does not grant the device, -ENOENT, -EBUSY ...).
//   3. When the device's readiness can change from outside the app (a byte arrives on a
//      UART, a GPIO edge), call notifyReadiness(): a process blocked in read, poll or
//      epoll_wait on the file wakes up and re-checks pollEvents().
// Every return value is a Linux result: >= 0 on success, -errno on failure (errno values
// are the host's: Linux uses the same numbers on ARM and x86). -EAGAIN from read/write
// means "not now": the syscall layer returns it for O_NONBLOCK files and otherwise blocks
// the process until notifyReadiness() or a timeout, then retries.
#include <cerrno>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace mt3620::os {

class GuestMemory;

// Poll/epoll event bits (Linux, same for poll and epoll).
constexpr std::uint32_t kPollIn = 0x001, kPollPri = 0x002, kPollOut = 0x004, kPollErr = 0x008,
                        kPollHup = 0x010, kPollRdNorm = 0x040, kPollWrNorm = 0x100;

// File type bits of st_mode (Linux).
constexpr std::uint32_t kModeFifo = 0010000, kModeChr = 0020000, kModeDir = 0040000, kModeReg = 0100000,
                        kModeLnk = 0120000, kModeSock = 0140000, kModeTypeMask = 0170000;

// open() flags the OS layer looks at (Linux ARM values).
constexpr std::uint32_t kOAccMode = 03, kORdOnly = 0, kOWrOnly = 01, kORdWr = 02, kOCreat = 0100,
                        kOExcl = 0200, kOTrunc = 01000, kOAppend = 02000, kONonBlock = 04000,
                        kODirectory = 040000, kONoFollow = 0100000, kOCloExec = 02000000, kOPath = 010000000;

/// What fstat reports; the syscall layer converts it to struct stat64 / statx.
struct GuestStat {
    std::uint64_t dev = 0x1a;  // the emulated root's device number
    std::uint64_t ino = 0;
    std::uint32_t mode = 0;    // type bits | permission bits
    std::uint32_t nlink = 1;
    std::uint32_t uid = 0, gid = 0;
    std::uint64_t rdev = 0;
    std::int64_t size = 0;
    std::uint32_t blksize = 4096;
    std::int64_t mtime_sec = 0;  // fixed: the emulated OS's file times are deterministic
};

/// One entry for getdents64.
struct GuestDirEntry {
    std::string name;
    std::uint64_t ino = 0;
    std::uint8_t type = 0;  // DT_REG 8, DT_DIR 4, DT_CHR 2, DT_FIFO 1, DT_LNK 10
};

/// fstat of an anonymous-inode file (eventfd, timerfd, epoll): no type bits, mode 0600.
inline GuestStat anonInodeStat(std::uint64_t id) {
    GuestStat st;
    st.dev = 0xd;
    st.ino = id;
    st.mode = 0600;
    return st;
}

class GuestFile {
public:
    virtual ~GuestFile() = default;

    /// Reads up to out.size() bytes at the file's position: bytes read, 0 at end of file,
    /// -EAGAIN when nothing is available yet, or -errno.
    virtual std::int64_t read(std::span<std::uint8_t> out) { return -EINVAL; }
    /// Writes: bytes written, -EAGAIN when full, or -errno.
    virtual std::int64_t write(std::span<const std::uint8_t> in) { return -EINVAL; }
    /// A device-specific request. `arg` is the guest's raw third argument (often a guest
    /// pointer to a struct: use mem.read/mem.write and return -EFAULT if they fail).
    /// Default: -ENOTTY (not a terminal / no such ioctl), as Linux answers.
    virtual std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) { return -ENOTTY; }
    /// The poll/epoll events that are true now (kPollIn when a read would not block, ...).
    virtual std::uint32_t pollEvents() const { return kPollIn | kPollOut; }
    virtual GuestStat stat() const = 0;
    /// lseek: the new position, or -errno (-ESPIPE for streams).
    virtual std::int64_t seek(std::int64_t offset, int whence) { return -ESPIPE; }
    /// Directories: every entry ("." and ".." included); others: -ENOTDIR.
    virtual int listDirectory(std::vector<GuestDirEntry>& out) const { return -ENOTDIR; }
    /// Human-readable name for logs and readlink("/proc/self/fd/N"): a path or "pipe:[3]".
    virtual std::string describe() const = 0;

    /// open() flags that stay with the description: access mode, O_APPEND, O_NONBLOCK.
    std::uint32_t statusFlags() const { return status_flags_; }
    void setStatusFlags(std::uint32_t flags) { status_flags_ = flags; }
    bool nonBlocking() const { return (status_flags_ & kONonBlock) != 0; }
    bool canRead() const { return (status_flags_ & kOAccMode) != kOWrOnly; }
    bool canWrite() const { return (status_flags_ & kOAccMode) != kORdOnly; }

    /// Set by the process that holds the file; called by notifyReadiness().
    void setReadinessListener(std::function<void()> listener) { listener_ = std::move(listener); }

protected:
    /// The file's readiness may have changed from outside the app: wake a blocked process.
    void notifyReadiness() {
        if (listener_) listener_();
    }

private:
    std::uint32_t status_flags_ = kORdWr;
    std::function<void()> listener_;
};

}  // namespace mt3620::os
