#pragma once
// GuestFiles backed by the host: a read-only regular file (opened once, read with pread at
// the description's position), a directory (entries sorted by name so getdents64 output is
// the same on every host), and a virtual directory above mount points.
#include <memory>
#include <string>
#include <vector>

#include "os/GuestFile.h"

namespace mt3620::os {

class HostFile : public GuestFile {
public:
    /// Opens `host_path` read-only; returns null (and sets `error` to a negative errno) if it fails.
    static std::shared_ptr<HostFile> open(const std::string& host_path, const std::string& guest_path, int& error);
    ~HostFile() override;

    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t>) override { return -EBADF; }
    std::uint32_t pollEvents() const override { return kPollIn | kPollOut | kPollRdNorm | kPollWrNorm; }
    GuestStat stat() const override { return stat_; }
    std::int64_t seek(std::int64_t offset, int whence) override;
    std::string describe() const override { return guest_path_; }

private:
    HostFile(int fd, std::string guest_path, GuestStat st) : fd_(fd), guest_path_(std::move(guest_path)), stat_(st) {}
    int fd_;
    std::string guest_path_;
    GuestStat stat_;
    std::int64_t pos_ = 0;
};

class DirectoryFile : public GuestFile {
public:
    DirectoryFile(std::string guest_path, std::vector<GuestDirEntry> entries, GuestStat st)
        : guest_path_(std::move(guest_path)), entries_(std::move(entries)), stat_(st) {}
    /// Reads a host directory's entries (sorted), with "." and "..".
    static std::vector<GuestDirEntry> hostEntries(const std::string& host_path, const std::string& guest_path);

    std::int64_t read(std::span<std::uint8_t>) override { return -EISDIR; }
    std::int64_t write(std::span<const std::uint8_t>) override { return -EBADF; }
    GuestStat stat() const override { return stat_; }
    std::int64_t seek(std::int64_t offset, int whence) override;
    int listDirectory(std::vector<GuestDirEntry>& out) const override {
        out = entries_;
        return 0;
    }
    std::string describe() const override { return guest_path_; }
    /// getdents64 position: index of the next entry to return.
    std::size_t position = 0;

private:
    std::string guest_path_;
    std::vector<GuestDirEntry> entries_;
    GuestStat stat_;
};

/// Converts a host stat to the guest's view: read-only permissions, guest inode, fixed times.
GuestStat guestStatFromHost(const std::string& host_path, const std::string& guest_path, bool& ok);

}  // namespace mt3620::os
