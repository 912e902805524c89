// File and descriptor system calls of the emulated OS (see Syscalls.h).
#include <cstring>

#include "os/HlProcess.h"
#include "os/HostFiles.h"
#include "os/StreamFiles.h"
#include "os/Syscalls.h"

namespace mt3620::os {

namespace {
constexpr int kAtFdcwd = -100;
constexpr int kAtSymlinkNofollow = 0x100, kAtEmptyPath = 0x1000;
constexpr std::uint32_t kMaxIo = 1u << 24;  // one call moves at most 16 MiB (Linux caps at ~2 GiB)
}  // namespace

std::int64_t Syscalls::guestPath(std::uint32_t addr, std::string& out) {
    auto s = p_.mem_.readString(addr, 4096);
    if (!s) return p_.mem_.isMapped(addr, 1, kProtRead) ? -ENAMETOOLONG : -EFAULT;
    out = std::move(*s);
    return 0;
}

std::int64_t Syscalls::atBase(int dirfd, std::string& base) {
    if (dirfd == kAtFdcwd) {
        base = p_.fs_.cwd();
        return 0;
    }
    GuestFile* f = p_.fds_.get(dirfd);
    if (!f) return -EBADF;
    if ((f->stat().mode & kModeTypeMask) != kModeDir) return -ENOTDIR;
    base = f->describe();
    return 0;
}

std::int64_t Syscalls::installFile(std::shared_ptr<GuestFile> file, std::uint32_t flags) {
    file->setReadinessListener([this] { p_.ioReady(); });
    if (flags & kONonBlock) file->setStatusFlags(file->statusFlags() | kONonBlock);
    return p_.fds_.install(std::move(file), (flags & kOCloExec) != 0);
}

std::int64_t Syscalls::sysOpenat(int dirfd, std::uint32_t path_addr, std::uint32_t flags) {
    std::string path, base;
    if (auto e = guestPath(path_addr, path)) return e;
    if (path.empty()) return -ENOENT;
    if (path[0] != '/')
        if (auto e = atBase(dirfd, base)) return e;
    auto r = p_.fs_.open(path, flags, base);
    if (auto* e = std::get_if<int>(&r)) return *e;
    return installFile(std::get<std::shared_ptr<GuestFile>>(r), flags);
}

std::int64_t Syscalls::sysRead(int fd, std::uint32_t buf, std::uint32_t len) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f || !f->canRead()) return -EBADF;
    len = std::min(len, kMaxIo);
    std::uint8_t* host = p_.mem_.hostPointer(buf, len, kProtWrite);
    std::vector<std::uint8_t> tmp;
    if (!host && len) {
        if (!p_.mem_.isMapped(buf, len, kProtWrite)) return -EFAULT;
        tmp.resize(len);
        host = tmp.data();
    }
    const std::int64_t n = f->read({host, len});
    if (n == -EAGAIN && !f->nonBlocking()) return waitForIo(kNever);
    if (n > 0 && !tmp.empty()) p_.mem_.write(buf, tmp.data(), static_cast<std::size_t>(n));
    return n;
}

std::int64_t Syscalls::sysWrite(int fd, std::uint32_t buf, std::uint32_t len) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f || !f->canWrite()) return -EBADF;
    len = std::min(len, kMaxIo);
    std::vector<std::uint8_t> tmp(len);
    if (len && !p_.mem_.read(buf, tmp.data(), len)) return -EFAULT;
    const std::int64_t n = f->write(tmp);
    if (n == -EAGAIN && !f->nonBlocking()) return waitForIo(kNever);
    return n;
}

std::int64_t Syscalls::sysReadv(int fd, std::uint32_t iov, std::uint32_t count, bool write) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f || !(write ? f->canWrite() : f->canRead())) return -EBADF;
    if (count > 1024) return -EINVAL;
    std::vector<std::uint32_t> vec(count * 2);
    if (count && !p_.mem_.read(iov, vec.data(), count * 8)) return -EFAULT;
    // Gather into one buffer so the file sees a single transfer (a console line stays whole).
    std::uint64_t total = 0;
    for (std::uint32_t k = 0; k < count; ++k) total += vec[2 * k + 1];
    if (total > kMaxIo) return -EINVAL;
    std::vector<std::uint8_t> tmp(static_cast<std::size_t>(total));
    if (write) {
        std::size_t off = 0;
        for (std::uint32_t k = 0; k < count; ++k) {
            if (vec[2 * k + 1] && !p_.mem_.read(vec[2 * k], tmp.data() + off, vec[2 * k + 1])) return -EFAULT;
            off += vec[2 * k + 1];
        }
        const std::int64_t n = f->write(tmp);
        if (n == -EAGAIN && !f->nonBlocking()) return waitForIo(kNever);
        return n;
    }
    for (std::uint32_t k = 0; k < count; ++k)
        if (!p_.mem_.isMapped(vec[2 * k], vec[2 * k + 1], kProtWrite)) return -EFAULT;
    const std::int64_t n = f->read(tmp);
    if (n == -EAGAIN && !f->nonBlocking()) return waitForIo(kNever);
    if (n <= 0) return n;
    std::size_t off = 0;
    for (std::uint32_t k = 0; k < count && off < static_cast<std::size_t>(n); ++k) {
        const std::size_t m = std::min<std::size_t>(vec[2 * k + 1], static_cast<std::size_t>(n) - off);
        p_.mem_.write(vec[2 * k], tmp.data() + off, m);
        off += m;
    }
    return n;
}

std::int64_t Syscalls::sysPread(int fd, std::uint32_t buf, std::uint32_t len, std::uint64_t offset, bool write) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    const std::int64_t saved = f->seek(0, 1);
    if (saved < 0) return saved;
    if (f->seek(static_cast<std::int64_t>(offset), 0) < 0) return -EINVAL;
    const std::int64_t n = write ? sysWrite(fd, buf, len) : sysRead(fd, buf, len);
    f->seek(saved, 0);
    return n;
}

std::int64_t Syscalls::sysLseek(int fd, std::int32_t offset, int whence) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    if (whence < 0 || whence > 2) return -EINVAL;
    const std::int64_t r = f->seek(offset, whence);
    if (r > 0x7fffffff) return -EOVERFLOW;
    return r;
}

std::int64_t Syscalls::sysLlseek(int fd, std::uint32_t hi, std::uint32_t lo, std::uint32_t result, int whence) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    if (whence < 0 || whence > 2) return -EINVAL;
    const std::int64_t off = static_cast<std::int64_t>((std::uint64_t{hi} << 32) | lo);
    const std::int64_t r = f->seek(off, whence);
    if (r < 0) return r;
    if (!p_.mem_.writeValue(result, r)) return -EFAULT;
    return 0;
}

std::int64_t Syscalls::sysClose(int fd) { return p_.fds_.close(fd); }

std::int64_t Syscalls::writeStat64(std::uint32_t buf, const GuestStat& st) {
    // struct stat64 of the ARM EABI (104 bytes).
    std::uint8_t s[104] = {};
    auto put32 = [&](int off, std::uint32_t v) { std::memcpy(s + off, &v, 4); };
    auto put64 = [&](int off, std::uint64_t v) { std::memcpy(s + off, &v, 8); };
    put64(0, st.dev);
    put32(12, static_cast<std::uint32_t>(st.ino));
    put32(16, st.mode);
    put32(20, st.nlink);
    put32(24, st.uid);
    put32(28, st.gid);
    put64(32, st.rdev);
    put64(48, static_cast<std::uint64_t>(st.size));
    put32(56, st.blksize);
    put64(64, static_cast<std::uint64_t>((st.size + 511) / 512));
    for (int off : {72, 80, 88}) put32(off, static_cast<std::uint32_t>(st.mtime_sec));
    put64(96, st.ino);
    return p_.mem_.write(buf, s, sizeof s) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sysFstat64(int fd, std::uint32_t buf) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    return writeStat64(buf, f->stat());
}

std::int64_t Syscalls::statAt(int dirfd, std::uint32_t path_addr, int flags, GuestStat& out) {
    std::string path, base;
    if (auto e = guestPath(path_addr, path)) return e;
    if (path.empty()) {  // fstat through the *at() call: AT_EMPTY_PATH
        if (!(flags & kAtEmptyPath)) return -ENOENT;
        if (dirfd == kAtFdcwd) path = p_.fs_.cwd();
        else {
            GuestFile* f = p_.fds_.get(dirfd);
            if (!f) return -EBADF;
            out = f->stat();
            return 0;
        }
    }
    if (path[0] != '/')
        if (auto e = atBase(dirfd, base)) return e;
    auto r = p_.fs_.stat(path, base);
    if (auto* e = std::get_if<int>(&r)) return *e;
    out = std::get<GuestStat>(r);
    return 0;
}

std::int64_t Syscalls::sysFstatat64(int dirfd, std::uint32_t path_addr, std::uint32_t buf, int flags) {
    GuestStat st;
    if (auto e = statAt(dirfd, path_addr, flags, st)) return e;
    return writeStat64(buf, st);
}

std::int64_t Syscalls::sysStatx(int dirfd, std::uint32_t path_addr, int flags, std::uint32_t mask, std::uint32_t buf) {
    GuestStat st;
    if (auto e = statAt(dirfd, path_addr, flags, st)) return e;
    // struct statx (256 bytes).
    std::uint8_t s[256] = {};
    auto put16 = [&](int off, std::uint16_t v) { std::memcpy(s + off, &v, 2); };
    auto put32 = [&](int off, std::uint32_t v) { std::memcpy(s + off, &v, 4); };
    auto put64 = [&](int off, std::uint64_t v) { std::memcpy(s + off, &v, 8); };
    put32(0, 0x7ff);  // STATX_BASIC_STATS
    put32(4, st.blksize);
    put32(16, st.nlink);
    put32(20, st.uid);
    put32(24, st.gid);
    put16(28, static_cast<std::uint16_t>(st.mode));
    put64(32, st.ino);
    put64(40, static_cast<std::uint64_t>(st.size));
    put64(48, static_cast<std::uint64_t>((st.size + 511) / 512));
    for (int off : {64, 80, 96, 112}) put64(off, static_cast<std::uint64_t>(st.mtime_sec));
    put32(128, static_cast<std::uint32_t>(st.rdev >> 8));
    put32(132, static_cast<std::uint32_t>(st.rdev & 0xff));
    put32(136, static_cast<std::uint32_t>(st.dev >> 8));
    put32(140, static_cast<std::uint32_t>(st.dev & 0xff));
    return p_.mem_.write(buf, s, sizeof s) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sysGetdents64(int fd, std::uint32_t buf, std::uint32_t len) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    auto* dir = dynamic_cast<DirectoryFile*>(f);
    std::vector<GuestDirEntry> entries;
    if (!dir || f->listDirectory(entries) < 0) return -ENOTDIR;
    std::vector<std::uint8_t> out;
    while (dir->position < entries.size()) {
        const GuestDirEntry& e = entries[dir->position];
        // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name, NUL; 8-aligned.
        const std::size_t reclen = (19 + e.name.size() + 1 + 7) & ~std::size_t{7};
        if (out.size() + reclen > len) break;
        std::size_t at = out.size();
        out.resize(at + reclen, 0);
        const std::uint64_t next = dir->position + 1;
        const auto rl = static_cast<std::uint16_t>(reclen);
        std::memcpy(&out[at], &e.ino, 8);
        std::memcpy(&out[at + 8], &next, 8);
        std::memcpy(&out[at + 16], &rl, 2);
        out[at + 18] = e.type;
        std::memcpy(&out[at + 19], e.name.data(), e.name.size());
        ++dir->position;
    }
    if (out.empty() && dir->position < entries.size()) return -EINVAL;  // buffer too small
    if (!out.empty() && !p_.mem_.write(buf, out.data(), out.size())) return -EFAULT;
    return static_cast<std::int64_t>(out.size());
}

std::int64_t Syscalls::sysIoctl(int fd, std::uint32_t request, std::uint32_t arg) {
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    constexpr std::uint32_t kFionbio = 0x5421, kFioclex = 0x5451, kFionclex = 0x5450;
    switch (request) {
        case kFionbio: {
            auto on = p_.mem_.readValue<std::uint32_t>(arg);
            if (!on) return -EFAULT;
            f->setStatusFlags(*on ? f->statusFlags() | kONonBlock : f->statusFlags() & ~kONonBlock);
            return 0;
        }
        case kFioclex: p_.fds_.setCloexec(fd, true); return 0;
        case kFionclex: p_.fds_.setCloexec(fd, false); return 0;
        default: return f->ioctl(request, arg, p_.mem_);  // TIOCGWINSZ: -ENOTTY, not a terminal
    }
}

std::int64_t Syscalls::sysFcntl(int fd, int cmd, std::uint32_t arg) {
    constexpr int kDupfd = 0, kGetfd = 1, kSetfd = 2, kGetfl = 3, kSetfl = 4, kDupfdCloexec = 1030;
    GuestFile* f = p_.fds_.get(fd);
    if (!f) return -EBADF;
    switch (cmd) {
        case kDupfd:
        case kDupfdCloexec:
            if (static_cast<std::int32_t>(arg) < 0 || arg >= FdTable::kMaxFds) return -EINVAL;
            return p_.fds_.install(p_.fds_.shared(fd), cmd == kDupfdCloexec, static_cast<int>(arg));
        case kGetfd: return p_.fds_.cloexec(fd) ? 1 : 0;
        case kSetfd: p_.fds_.setCloexec(fd, arg & 1); return 0;
        case kGetfl: return f->statusFlags();
        case kSetfl:
            f->setStatusFlags((f->statusFlags() & ~(kOAppend | kONonBlock)) | (arg & (kOAppend | kONonBlock)));
            return 0;
        default: return -EINVAL;
    }
}

std::int64_t Syscalls::sysDup3(int oldfd, int newfd, std::uint32_t flags, bool dup2) {
    auto f = p_.fds_.shared(oldfd);
    if (!f) return -EBADF;
    if (oldfd == newfd) return dup2 ? newfd : -EINVAL;
    if (flags & ~kOCloExec) return -EINVAL;
    return p_.fds_.installAt(newfd, f, (flags & kOCloExec) != 0);
}

std::int64_t Syscalls::sysPipe2(std::uint32_t fds_addr, std::uint32_t flags) {
    if (flags & ~(kOCloExec | kONonBlock | 040000 /* O_DIRECT */)) return -EINVAL;
    auto buffer = std::make_shared<PipeBuffer>();
    buffer->id = nextAnonId();
    const std::int64_t r = installFile(std::make_shared<PipeEnd>(buffer, false), flags);
    if (r < 0) return r;
    const std::int64_t w = installFile(std::make_shared<PipeEnd>(buffer, true), flags);
    if (w < 0) {
        p_.fds_.close(static_cast<int>(r));
        return w;
    }
    std::int32_t pair[2] = {static_cast<std::int32_t>(r), static_cast<std::int32_t>(w)};
    if (!p_.mem_.write(fds_addr, pair, sizeof pair)) {
        p_.fds_.close(pair[0]);
        p_.fds_.close(pair[1]);
        return -EFAULT;
    }
    return 0;
}

std::int64_t Syscalls::sysFaccessat(int dirfd, std::uint32_t path_addr, int mode) {
    std::string path, base;
    if (auto e = guestPath(path_addr, path)) return e;
    if (mode & ~7) return -EINVAL;
    if (path.empty()) return -ENOENT;
    if (path[0] != '/')
        if (auto e = atBase(dirfd, base)) return e;
    auto r = p_.fs_.stat(path, base);
    if (auto* e = std::get_if<int>(&r)) return *e;
    const GuestStat& st = std::get<GuestStat>(r);
    if ((mode & 2) && (st.mode & kModeTypeMask) != kModeChr) return -EROFS;  // W_OK on the read-only image
    if ((mode & 1) && !(st.mode & 0111)) return -EACCES;
    return 0;
}

std::int64_t Syscalls::sysReadlinkat(int dirfd, std::uint32_t path_addr, std::uint32_t buf, std::uint32_t size) {
    std::string path, base;
    if (auto e = guestPath(path_addr, path)) return e;
    if (static_cast<std::int32_t>(size) <= 0) return -EINVAL;
    if (!path.empty() && path[0] != '/')
        if (auto e = atBase(dirfd, base)) return e;
    const std::string abs = p_.fs_.absolute(path, base);
    std::string target;
    if (abs == "/proc/self/exe") {
        target = p_.guest_path_;
    } else if (abs.rfind("/proc/self/fd/", 0) == 0) {
        const std::string num = abs.substr(14);
        GuestFile* f = num.empty() || num.size() > 4 || num.find_first_not_of("0123456789") != std::string::npos
                           ? nullptr
                           : p_.fds_.get(std::stoi(num));
        if (!f) return -ENOENT;
        target = f->describe();
    } else {
        auto r = p_.fs_.stat(abs);
        return std::holds_alternative<int>(r) ? std::get<int>(r) : -EINVAL;  // not a symlink
    }
    const std::uint32_t n = std::min<std::uint32_t>(size, static_cast<std::uint32_t>(target.size()));
    return p_.mem_.write(buf, target.data(), n) ? n : -EFAULT;
}

std::int64_t Syscalls::sysGetcwd(std::uint32_t buf, std::uint32_t size) {
    const std::string& cwd = p_.fs_.cwd();
    if (size < cwd.size() + 1) return -ERANGE;
    return p_.mem_.write(buf, cwd.c_str(), cwd.size() + 1) ? static_cast<std::int64_t>(cwd.size() + 1) : -EFAULT;
}

std::int64_t Syscalls::sysChdir(std::uint32_t path_addr) {
    std::string path;
    if (auto e = guestPath(path_addr, path)) return e;
    auto r = p_.fs_.stat(path);
    if (auto* e = std::get_if<int>(&r)) return *e;
    if ((std::get<GuestStat>(r).mode & kModeTypeMask) != kModeDir) return -ENOTDIR;
    p_.fs_.setCwd(p_.fs_.absolute(path));
    return 0;
}

}  // namespace mt3620::os
