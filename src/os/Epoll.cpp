#include "os/Epoll.h"

namespace mt3620::os {

namespace {
constexpr std::uint32_t kAlwaysReported = kPollErr | kPollHup;
}

int Epoll::add(int fd, const std::shared_ptr<GuestFile>& file, Event ev) {
    if (file.get() == this) return -EINVAL;
    auto it = interests_.find(fd);
    if (it != interests_.end() && !it->second.file.expired()) return -EEXIST;
    interests_[fd] = Interest{file, ev, false};
    return 0;
}

int Epoll::modify(int fd, const GuestFile* file, Event ev) {
    auto it = interests_.find(fd);
    if (it == interests_.end() || it->second.file.lock().get() != file) return -ENOENT;
    it->second.ev = ev;
    it->second.disabled = false;
    return 0;
}

int Epoll::remove(int fd, const GuestFile* file) {
    auto it = interests_.find(fd);
    if (it == interests_.end() || it->second.file.lock().get() != file) return -ENOENT;
    interests_.erase(it);
    return 0;
}

std::vector<Epoll::Event> Epoll::ready(std::size_t max) {
    std::vector<Event> out;
    for (auto it = interests_.begin(); it != interests_.end() && out.size() < max;) {
        auto file = it->second.file.lock();
        if (!file) {  // the description was closed: Linux drops it from every epoll set
            it = interests_.erase(it);
            continue;
        }
        Interest& in = it->second;
        const std::uint32_t got = file->pollEvents() & ((in.ev.events & 0xffff) | kAlwaysReported);
        if (got && !in.disabled) {
            out.push_back(Event{got, in.ev.data});
            if (in.ev.events & kEpollOneShot) in.disabled = true;
        }
        ++it;
    }
    return out;
}

std::uint32_t Epoll::pollEvents() const {
    for (const auto& [fd, in] : interests_) {
        auto file = in.file.lock();
        if (file && !in.disabled && (file->pollEvents() & ((in.ev.events & 0xffff) | kAlwaysReported)))
            return kPollIn | kPollRdNorm;
    }
    return 0;
}

}  // namespace mt3620::os
