#pragma once
// TextFile: a read-only regular file whose contents the emulated OS makes (GuestFs::addFile),
// such as the app's /etc/hosts.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "os/GuestFile.h"

namespace mt3620::os {

class TextFile : public GuestFile {
public:
    TextFile(std::string guest_path, std::shared_ptr<const std::string> text, GuestStat st)
        : guest_path_(std::move(guest_path)), text_(std::move(text)), stat_(st) {}

    std::int64_t read(std::span<std::uint8_t> out) override {
        const std::size_t at = std::min<std::size_t>(static_cast<std::size_t>(pos_), text_->size());
        const std::size_t n = std::min(out.size(), text_->size() - at);
        std::memcpy(out.data(), text_->data() + at, n);
        pos_ += static_cast<std::int64_t>(n);
        return static_cast<std::int64_t>(n);
    }
    std::int64_t write(std::span<const std::uint8_t>) override { return -EBADF; }
    std::uint32_t pollEvents() const override { return kPollIn | kPollOut | kPollRdNorm | kPollWrNorm; }
    GuestStat stat() const override { return stat_; }
    std::int64_t seek(std::int64_t offset, int whence) override {
        constexpr int kSet = 0, kCur = 1, kEnd = 2;
        const std::int64_t base = whence == kSet ? 0 : whence == kCur ? pos_ : whence == kEnd ? stat_.size : -1;
        if (base < 0 || base + offset < 0) return -EINVAL;
        pos_ = base + offset;
        return pos_;
    }
    std::string describe() const override { return guest_path_; }

private:
    std::string guest_path_;
    std::shared_ptr<const std::string> text_;
    GuestStat stat_;
    std::int64_t pos_ = 0;
};

}  // namespace mt3620::os
