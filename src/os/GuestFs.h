#pragma once
// The emulated root filesystem the A7 app sees (DESIGN.md 3.5, docs/hl-apps.md):
//   /lib/ld-musl-armhf.so.1   the host's musl:armhf dynamic loader (it is also libc.so)
//   /usr/lib/...              the project's guest libraries (libapplibs, later)
//   /mnt/apps/<component-id>/ the app's own files, read-only; also the process's cwd
//   /dev/...                  device files registered with addDevice (applibs helper)
// Host directories and files are mounted read-only at guest paths; directories above mount
// points exist as read-only virtual directories. Paths are resolved lexically ("..", "."
// and duplicate slashes), so a guest path never escapes its mount.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "os/GuestFile.h"

namespace mt3620::os {

class GuestFs {
public:
    /// Opens a device file; returns the file or a negative errno (e.g. -EACCES when the
    /// app manifest does not grant it). `flags` are the guest's open() flags.
    using DeviceFactory = std::function<std::variant<std::shared_ptr<GuestFile>, int>(std::uint32_t flags)>;

    /// Mounts a host file or directory read-only at `guest_path` (absolute).
    void mountHost(const std::string& guest_path, const std::string& host_path);
    /// Registers a device file at `guest_path` (e.g. "/dev/gpiochip0").
    void addDevice(const std::string& guest_path, DeviceFactory factory, std::uint32_t rdev = 0);
    /// Places a read-only regular file with contents `text` at `guest_path` (e.g. /etc/hosts).
    void addFile(const std::string& guest_path, std::string text);

    void setCwd(const std::string& guest_dir) { cwd_ = normalize(guest_dir, "/"); }
    const std::string& cwd() const { return cwd_; }

    /// Absolute, normalized form of `path` relative to `base` (or the cwd).
    std::string absolute(const std::string& path, const std::string& base = {}) const;

    /// open(): the file, or a negative errno (-ENOENT, -EROFS for writes, -ENOTDIR ...).
    std::variant<std::shared_ptr<GuestFile>, int> open(const std::string& path, std::uint32_t flags,
                                                       const std::string& base = {}) const;
    /// stat(): the file's status or a negative errno.
    std::variant<GuestStat, int> stat(const std::string& path, const std::string& base = {}) const;
    /// The host path behind a guest path, if it is a mounted host file (for the ELF loader).
    std::optional<std::string> hostPath(const std::string& path) const;

    static std::string normalize(const std::string& path, const std::string& base);

private:
    struct Mount {
        std::string host;  // empty for devices
        DeviceFactory device;
        std::uint32_t rdev = 0;
        std::shared_ptr<const std::string> text;  // addFile's contents
    };
    /// The mount whose guest path is `path` or a parent of it, and the rest of the path.
    const Mount* lookup(const std::string& path, std::string& rest) const;
    /// True if `path` is a strict parent of some mount point (a virtual directory).
    bool isVirtualDir(const std::string& path) const;
    std::vector<GuestDirEntry> virtualChildren(const std::string& path) const;

    std::map<std::string, Mount> mounts_;  // by guest path
    std::string cwd_ = "/";
};

/// Stable inode numbers derived from the guest path (deterministic across hosts).
std::uint64_t guestInode(const std::string& guest_path);

}  // namespace mt3620::os
