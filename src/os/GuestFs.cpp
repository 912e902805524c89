#include "os/GuestFs.h"

#include <sys/stat.h>

#include <vector>

#include "os/HostFiles.h"
#include "os/TextFile.h"

namespace mt3620::os {

std::uint64_t guestInode(const std::string& guest_path) {
    // FNV-1a: stable across runs and hosts.
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : guest_path) h = (h ^ c) * 1099511628211ull;
    return (h & 0x7fffffff) | 1;
}

std::string GuestFs::normalize(const std::string& path, const std::string& base) {
    std::vector<std::string> parts;
    auto push = [&](const std::string& p) {
        std::size_t i = 0;
        while (i <= p.size()) {
            std::size_t j = p.find('/', i);
            if (j == std::string::npos) j = p.size();
            std::string part = p.substr(i, j - i);
            if (part == "..") {
                if (!parts.empty()) parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.push_back(part);
            }
            i = j + 1;
        }
    };
    if (path.empty() || path[0] != '/') push(base);
    push(path);
    std::string out;
    for (const std::string& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

std::string GuestFs::absolute(const std::string& path, const std::string& base) const {
    return normalize(path, base.empty() ? cwd_ : base);
}

void GuestFs::mountHost(const std::string& guest_path, const std::string& host_path) {
    mounts_[normalize(guest_path, "/")] = Mount{host_path, {}, 0, {}};
}

void GuestFs::addDevice(const std::string& guest_path, DeviceFactory factory, std::uint32_t rdev) {
    mounts_[normalize(guest_path, "/")] = Mount{{}, std::move(factory), rdev, {}};
}

void GuestFs::addFile(const std::string& guest_path, std::string text) {
    mounts_[normalize(guest_path, "/")] = Mount{{}, {}, 0, std::make_shared<const std::string>(std::move(text))};
}

const GuestFs::Mount* GuestFs::lookup(const std::string& path, std::string& rest) const {
    // The longest mount point that is `path` or one of its parents.
    std::string p = path;
    for (;;) {
        auto it = mounts_.find(p);
        if (it != mounts_.end()) {
            rest = path.substr(p.size());
            return &it->second;
        }
        if (p == "/") return nullptr;
        std::size_t slash = p.rfind('/');
        p = slash == 0 ? "/" : p.substr(0, slash);
    }
}

bool GuestFs::isVirtualDir(const std::string& path) const {
    if (path == "/") return true;
    const std::string prefix = path + "/";
    auto it = mounts_.lower_bound(prefix);
    return it != mounts_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::vector<GuestDirEntry> GuestFs::virtualChildren(const std::string& path) const {
    std::vector<GuestDirEntry> out{{".", guestInode(path), 4}, {"..", guestInode(normalize("..", path)), 4}};
    const std::string prefix = path == "/" ? "/" : path + "/";
    std::string last;
    for (auto it = mounts_.lower_bound(prefix); it != mounts_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        std::string rest = it->first.substr(prefix.size());
        std::string name = rest.substr(0, rest.find('/'));
        if (name == last) continue;
        last = name;
        bool leaf = rest.find('/') == std::string::npos;
        std::uint8_t type = 4;
        if (leaf && it->second.device) type = 2;
        if (leaf && it->second.text) type = 8;
        out.push_back({name, guestInode(prefix + name), type});
    }
    return out;
}

std::optional<std::string> GuestFs::hostPath(const std::string& path) const {
    std::string rest;
    const Mount* m = lookup(normalize(path, cwd_), rest);
    if (!m || m->host.empty()) return std::nullopt;
    return m->host + rest;
}

std::variant<GuestStat, int> GuestFs::stat(const std::string& path, const std::string& base) const {
    const std::string abs = absolute(path, base);
    std::string rest;
    const Mount* m = lookup(abs, rest);
    if (m && m->device && rest.empty()) {
        GuestStat st;
        st.ino = guestInode(abs);
        st.mode = kModeChr | 0600;
        st.rdev = m->rdev;
        return st;
    }
    if (m && m->text && rest.empty()) {
        GuestStat st;
        st.ino = guestInode(abs);
        st.mode = kModeReg | 0444;
        st.size = static_cast<std::int64_t>(m->text->size());
        return st;
    }
    if (m && !m->host.empty()) {
        bool ok = false;
        GuestStat st = guestStatFromHost(m->host + rest, abs, ok);
        if (ok) return st;
        if (!isVirtualDir(abs)) return -ENOENT;
    }
    if (isVirtualDir(abs)) {
        GuestStat st;
        st.ino = guestInode(abs);
        st.mode = kModeDir | 0555;
        st.nlink = 2;
        st.size = 4096;
        return st;
    }
    return -ENOENT;
}

std::variant<std::shared_ptr<GuestFile>, int> GuestFs::open(const std::string& path, std::uint32_t flags,
                                                            const std::string& base) const {
    const std::string abs = absolute(path, base);
    std::string rest;
    const Mount* m = lookup(abs, rest);
    if (m && m->device && rest.empty()) {
        auto r = m->device(flags);
        if (auto* f = std::get_if<std::shared_ptr<GuestFile>>(&r)) (*f)->setStatusFlags(flags);
        return r;
    }
    auto st = stat(abs);
    if (auto* e = std::get_if<int>(&st)) {
        if (*e == -ENOENT && (flags & kOCreat)) return -EROFS;  // the image is read-only
        return *e;
    }
    const GuestStat& s = std::get<GuestStat>(st);
    const bool is_dir = (s.mode & kModeTypeMask) == kModeDir;
    if ((flags & kODirectory) && !is_dir) return -ENOTDIR;
    if ((flags & kOAccMode) != kORdOnly || (flags & kOTrunc)) return is_dir ? -EISDIR : -EROFS;
    if ((flags & kOCreat) && (flags & kOExcl)) return -EEXIST;
    std::shared_ptr<GuestFile> file;
    if (is_dir) {
        auto entries = (m && !m->host.empty() && rest.size() + 1 > 0)
                           ? DirectoryFile::hostEntries(m->host + rest, abs)
                           : std::vector<GuestDirEntry>{};
        if (isVirtualDir(abs)) entries = virtualChildren(abs);
        file = std::make_shared<DirectoryFile>(abs, std::move(entries), s);
    } else if (m && m->text && rest.empty()) {
        file = std::make_shared<TextFile>(abs, m->text, s);
    } else {
        int error = 0;
        auto hf = HostFile::open(m->host + rest, abs, error);
        if (!hf) return error;
        file = std::move(hf);
    }
    file->setStatusFlags(flags & (kOAccMode | kOAppend | kONonBlock));
    return file;
}

}  // namespace mt3620::os
