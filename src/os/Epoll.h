#pragma once
// An epoll instance (epoll_create1): the interest list of (descriptor, file, events, data)
// and level-triggered readiness from each file's pollEvents(). EPOLLONESHOT disables an entry
// after it is reported; EPOLLET is treated as level-triggered (apps that drain their fds,
// as Azure Sphere's EventLoop does, see the same events).
#include <map>
#include <memory>
#include <vector>

#include "os/GuestFile.h"

namespace mt3620::os {

constexpr std::uint32_t kEpollOneShot = 1u << 30, kEpollEt = 1u << 31;

class Epoll : public GuestFile {
public:
    explicit Epoll(std::uint64_t id) : id_(id) {}
    struct Event {
        std::uint32_t events;
        std::uint64_t data;
    };
    /// epoll_ctl ADD/MOD/DEL: 0 or -errno.
    int add(int fd, const std::shared_ptr<GuestFile>& file, Event ev);
    int modify(int fd, const GuestFile* file, Event ev);
    int remove(int fd, const GuestFile* file);
    /// Up to `max` ready events, in descriptor order (deterministic).
    std::vector<Event> ready(std::size_t max);

    std::uint32_t pollEvents() const override;
    GuestStat stat() const override { return anonInodeStat(id_); }
    std::string describe() const override { return "anon_inode:[eventpoll]"; }

private:
    struct Interest {
        std::weak_ptr<GuestFile> file;
        Event ev;
        bool disabled = false;  // EPOLLONESHOT fired
    };
    std::map<int, Interest> interests_;
    std::uint64_t id_;
};

}  // namespace mt3620::os
