#pragma once
// Byte-stream GuestFiles: the app's console (stdin reads end-of-file, stdout and stderr go to
// the app's output stream with the virtual time of each byte) and pipes (pipe2).
#include <deque>
#include <memory>

#include "common/Log.h"
#include "common/VirtualTime.h"
#include "os/GuestFile.h"
#include "periph/Signals.h"

namespace mt3620::os {

class ConsoleFile : public GuestFile {
public:
    /// `out` null: an input-only console (stdin) that is always at end of file.
    ConsoleFile(ByteOutput* out, const TimeSource& time, std::string name)
        : out_(out), time_(time), name_(std::move(name)) {}
    std::int64_t read(std::span<std::uint8_t>) override { return 0; }
    std::int64_t write(std::span<const std::uint8_t> in) override;
    GuestStat stat() const override;
    std::string describe() const override { return name_; }

private:
    ByteOutput* out_;
    const TimeSource& time_;
    std::string name_;
};

/// The buffer shared by a pipe's two ends (64 KiB, as Linux's default pipe size).
struct PipeBuffer {
    static constexpr std::size_t kCapacity = 65536;
    std::deque<std::uint8_t> bytes;
    int readers = 0;
    int writers = 0;
    std::uint64_t id = 0;
};

class PipeEnd : public GuestFile {
public:
    PipeEnd(std::shared_ptr<PipeBuffer> buffer, bool write_end);
    ~PipeEnd() override;
    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t write(std::span<const std::uint8_t> in) override;
    std::uint32_t pollEvents() const override;
    GuestStat stat() const override;
    std::string describe() const override { return "pipe:[" + std::to_string(buffer_->id) + "]"; }

private:
    std::shared_ptr<PipeBuffer> buffer_;
    bool write_end_;
};

}  // namespace mt3620::os
