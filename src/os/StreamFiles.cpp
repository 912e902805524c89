#include "os/StreamFiles.h"

#include "os/GuestFs.h"

namespace mt3620::os {

std::int64_t ConsoleFile::write(std::span<const std::uint8_t> in) {
    if (!out_) return -EBADF;
    const Picos t = time_.now();
    for (std::uint8_t b : in) out_->send(b, t);
    return static_cast<std::int64_t>(in.size());
}

GuestStat ConsoleFile::stat() const {
    GuestStat st;
    st.ino = guestInode(name_);
    st.mode = kModeChr | 0620;
    st.rdev = 0x0103;  // like /dev/null (1, 3): a character device that is not a terminal
    return st;
}

PipeEnd::PipeEnd(std::shared_ptr<PipeBuffer> buffer, bool write_end) : buffer_(std::move(buffer)), write_end_(write_end) {
    (write_end_ ? buffer_->writers : buffer_->readers)++;
    setStatusFlags(write_end_ ? kOWrOnly : kORdOnly);
}

PipeEnd::~PipeEnd() { (write_end_ ? buffer_->writers : buffer_->readers)--; }

std::int64_t PipeEnd::read(std::span<std::uint8_t> out) {
    if (write_end_) return -EBADF;
    if (buffer_->bytes.empty()) return buffer_->writers == 0 ? 0 : -EAGAIN;
    std::size_t n = std::min(out.size(), buffer_->bytes.size());
    std::copy_n(buffer_->bytes.begin(), n, out.begin());
    buffer_->bytes.erase(buffer_->bytes.begin(), buffer_->bytes.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<std::int64_t>(n);
}

std::int64_t PipeEnd::write(std::span<const std::uint8_t> in) {
    if (!write_end_) return -EBADF;
    if (buffer_->readers == 0) return -EPIPE;
    const std::size_t room = PipeBuffer::kCapacity - buffer_->bytes.size();
    if (room == 0) return -EAGAIN;
    const std::size_t n = std::min(room, in.size());
    buffer_->bytes.insert(buffer_->bytes.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<std::int64_t>(n);
}

std::uint32_t PipeEnd::pollEvents() const {
    if (write_end_) {
        if (buffer_->readers == 0) return kPollErr;
        return buffer_->bytes.size() < PipeBuffer::kCapacity ? kPollOut | kPollWrNorm : 0;
    }
    std::uint32_t ev = buffer_->bytes.empty() ? 0 : kPollIn | kPollRdNorm;
    if (buffer_->writers == 0) ev |= kPollHup;
    return ev;
}

GuestStat PipeEnd::stat() const {
    GuestStat st;
    st.dev = 0xc;
    st.ino = buffer_->id;
    st.mode = kModeFifo | 0600;
    return st;
}

}  // namespace mt3620::os
