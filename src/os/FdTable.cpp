#include "os/FdTable.h"

namespace mt3620::os {

int FdTable::install(std::shared_ptr<GuestFile> file, bool cloexec, int min_fd) {
    for (int fd = std::max(min_fd, 0); fd < kMaxFds; ++fd) {
        if (fd < static_cast<int>(entries_.size()) && entries_[fd].file) continue;
        return installAt(fd, std::move(file), cloexec);
    }
    return -EMFILE;
}

int FdTable::installAt(int fd, std::shared_ptr<GuestFile> file, bool cloexec) {
    if (fd < 0 || fd >= kMaxFds) return -EBADF;
    if (fd >= static_cast<int>(entries_.size())) entries_.resize(fd + 1);
    entries_[fd] = Entry{std::move(file), cloexec};
    return fd;
}

GuestFile* FdTable::get(int fd) const {
    if (fd < 0 || fd >= static_cast<int>(entries_.size())) return nullptr;
    return entries_[fd].file.get();
}

std::shared_ptr<GuestFile> FdTable::shared(int fd) const {
    if (fd < 0 || fd >= static_cast<int>(entries_.size())) return nullptr;
    return entries_[fd].file;
}

int FdTable::close(int fd) {
    if (!get(fd)) return -EBADF;
    entries_[fd] = Entry{};
    return 0;
}

bool FdTable::cloexec(int fd) const { return get(fd) && entries_[fd].cloexec; }

void FdTable::setCloexec(int fd, bool on) {
    if (get(fd)) entries_[fd].cloexec = on;
}

std::vector<int> FdTable::open() const {
    std::vector<int> out;
    for (int fd = 0; fd < static_cast<int>(entries_.size()); ++fd)
        if (entries_[fd].file) out.push_back(fd);
    return out;
}

}  // namespace mt3620::os
