#include "os/StorageFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "os/GuestFs.h"

namespace mt3620::os {

std::variant<std::shared_ptr<GuestFile>, int> MutableStorageFile::open(const std::string& host_path,
                                                                       const std::string& guest_path,
                                                                       std::uint32_t flags, std::uint64_t quota) {
    int host_flags = O_RDWR | O_CLOEXEC;
    if (flags & kOCreat) host_flags |= O_CREAT;
    if (flags & kOExcl) host_flags |= O_EXCL;
    if (flags & kOTrunc) host_flags |= O_TRUNC;
    if (flags & kOCreat) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(host_path).parent_path(), ec);
    }
    const int fd = ::open(host_path.c_str(), host_flags, 0600);
    if (fd < 0) return errno == ENOENT || errno == EEXIST ? -errno : -EIO;
    return std::shared_ptr<GuestFile>(new MutableStorageFile(fd, guest_path, quota));
}

MutableStorageFile::~MutableStorageFile() { ::close(fd_); }

std::int64_t MutableStorageFile::read(std::span<std::uint8_t> out) {
    const ssize_t n = ::pread(fd_, out.data(), out.size(), pos_);
    if (n < 0) return -EIO;
    pos_ += n;
    return n;
}

std::int64_t MutableStorageFile::write(std::span<const std::uint8_t> in) {
    if (statusFlags() & kOAppend) pos_ = stat().size;
    if (static_cast<std::uint64_t>(pos_) + in.size() > quota_) {
        if (static_cast<std::uint64_t>(pos_) >= quota_) return -EFBIG;
        in = in.subspan(0, quota_ - static_cast<std::uint64_t>(pos_));
    }
    const ssize_t n = ::pwrite(fd_, in.data(), in.size(), pos_);
    if (n < 0) return -EIO;
    pos_ += n;
    return n;
}

std::int64_t MutableStorageFile::seek(std::int64_t offset, int whence) {
    std::int64_t base = 0;
    switch (whence) {
        case 0: base = 0; break;
        case 1: base = pos_; break;
        case 2: base = stat().size; break;
        default: return -EINVAL;
    }
    if (base + offset < 0) return -EINVAL;
    pos_ = base + offset;
    return pos_;
}

GuestStat MutableStorageFile::stat() const {
    struct ::stat host {};
    GuestStat st;
    st.ino = guestInode(guest_path_);
    st.mode = kModeReg | 0600;
    if (::fstat(fd_, &host) == 0) st.size = host.st_size;
    return st;
}

}  // namespace mt3620::os
