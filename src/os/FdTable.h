#pragma once
// The process's file descriptor table: descriptor numbers to shared open file descriptions
// (GuestFile), with the per-descriptor close-on-exec flag. The lowest free number is used,
// as POSIX requires.
#include <memory>
#include <vector>

#include "os/GuestFile.h"

namespace mt3620::os {

class FdTable {
public:
    static constexpr int kMaxFds = 1024;  // RLIMIT_NOFILE

    /// Installs `file` at the lowest free descriptor >= min_fd: the descriptor or -EMFILE.
    int install(std::shared_ptr<GuestFile> file, bool cloexec = false, int min_fd = 0);
    /// Installs at exactly `fd`, closing what was there (dup2/dup3).
    int installAt(int fd, std::shared_ptr<GuestFile> file, bool cloexec);
    /// The file behind `fd`, or null (EBADF).
    GuestFile* get(int fd) const;
    std::shared_ptr<GuestFile> shared(int fd) const;
    int close(int fd);
    bool cloexec(int fd) const;
    void setCloexec(int fd, bool on);
    /// Every open descriptor, for the leak/trace reports.
    std::vector<int> open() const;

private:
    struct Entry {
        std::shared_ptr<GuestFile> file;
        bool cloexec = false;
    };
    std::vector<Entry> entries_;
};

}  // namespace mt3620::os
