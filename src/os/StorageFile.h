#pragma once
// The app's mutable storage (docs/hl-apps.md): the regular file /mnt/config/<component-id>/
// mutable_storage, backed by a host file <storage dir>/<component-id>.bin that persists
// between runs (the CLI's --storage DIR). Opening needs the manifest's MutableStorage
// capability (EACCES otherwise, as Storage_OpenMutableFile documents); without O_CREAT a
// storage never written is ENOENT; O_TRUNC empties it (Storage_DeleteMutableFile). Writes
// beyond the manifest's SizeKB fail with EFBIG (the Azure Sphere quota).
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "os/GuestFile.h"

namespace mt3620::os {

class MutableStorageFile : public GuestFile {
public:
    /// Opens (creating if `flags` has O_CREAT) the host file; the file or -errno.
    static std::variant<std::shared_ptr<GuestFile>, int> open(const std::string& host_path,
                                                              const std::string& guest_path,
                                                              std::uint32_t flags, std::uint64_t quota_bytes);
    ~MutableStorageFile() override;

    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t> in) override;
    std::int64_t seek(std::int64_t offset, int whence) override;
    std::uint32_t pollEvents() const override { return kPollIn | kPollOut | kPollRdNorm | kPollWrNorm; }
    GuestStat stat() const override;
    std::string describe() const override { return guest_path_; }

private:
    MutableStorageFile(int fd, std::string guest_path, std::uint64_t quota)
        : fd_(fd), guest_path_(std::move(guest_path)), quota_(quota) {}
    int fd_;
    std::string guest_path_;
    std::uint64_t quota_;
    std::int64_t pos_ = 0;
};

}  // namespace mt3620::os
