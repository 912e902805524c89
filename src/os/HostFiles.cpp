#include "os/HostFiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "os/GuestFs.h"

namespace mt3620::os {

GuestStat guestStatFromHost(const std::string& host_path, const std::string& guest_path, bool& ok) {
    struct stat st {};
    GuestStat g;
    ok = ::stat(host_path.c_str(), &st) == 0;
    if (!ok) return g;
    g.ino = guestInode(guest_path);
    // The app image is read-only: keep the read and execute bits only.
    g.mode = (st.st_mode & kModeTypeMask) | (st.st_mode & 0555);
    g.size = S_ISREG(st.st_mode) ? st.st_size : (S_ISDIR(st.st_mode) ? 4096 : 0);
    g.nlink = S_ISDIR(st.st_mode) ? 2 : 1;
    return g;
}

std::shared_ptr<HostFile> HostFile::open(const std::string& host_path, const std::string& guest_path, int& error) {
    bool ok = false;
    GuestStat st = guestStatFromHost(host_path, guest_path, ok);
    if (!ok) {
        error = -ENOENT;
        return nullptr;
    }
    int fd = ::open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = errno == ENOENT ? -ENOENT : -EACCES;
        return nullptr;
    }
    return std::shared_ptr<HostFile>(new HostFile(fd, guest_path, st));
}

HostFile::~HostFile() { ::close(fd_); }

std::int64_t HostFile::read(std::span<std::uint8_t> out) {
    if (out.empty()) return 0;
    ssize_t n = ::pread(fd_, out.data(), out.size(), pos_);
    if (n < 0) return -EIO;
    pos_ += n;
    return n;
}

std::int64_t HostFile::seek(std::int64_t offset, int whence) {
    std::int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? pos_ : whence == SEEK_END ? stat_.size : -1;
    if (base < 0) return -EINVAL;
    if (offset < 0 && -offset > base) return -EINVAL;
    pos_ = base + offset;
    return pos_;
}

std::vector<GuestDirEntry> DirectoryFile::hostEntries(const std::string& host_path, const std::string& guest_path) {
    std::vector<GuestDirEntry> entries;
    entries.push_back({".", guestInode(guest_path), 4});
    entries.push_back({"..", guestInode(GuestFs::normalize("..", guest_path)), 4});
    DIR* d = ::opendir(host_path.c_str());
    if (!d) return entries;
    std::vector<GuestDirEntry> found;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        std::uint8_t type = 8;
        if (::stat((host_path + "/" + name).c_str(), &st) == 0) type = S_ISDIR(st.st_mode) ? 4 : 8;
        found.push_back({name, guestInode(guest_path + "/" + name), type});
    }
    ::closedir(d);
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.name < b.name; });
    entries.insert(entries.end(), found.begin(), found.end());
    return entries;
}

std::int64_t DirectoryFile::seek(std::int64_t offset, int whence) {
    if (whence != SEEK_SET || offset < 0) return -EINVAL;
    position = static_cast<std::size_t>(offset);
    return offset;
}

}  // namespace mt3620::os
