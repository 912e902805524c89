#include "pluton/StateFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "pluton/Crypto.h"

namespace mt3620::pluton {

namespace fs = std::filesystem;

namespace {

std::string errnoText() {
    return std::strerror(errno);
}

/// A unique temporary name next to `path` (pid + a per-process counter: concurrent writers in
/// one or several processes never share a temporary file).
fs::path tempNameFor(const fs::path& path) {
    static std::atomic<unsigned> counter{0};
    return path.parent_path() / fmt::format(".{}.tmp.{}.{}", path.filename().string(), ::getpid(), counter++);
}

/// Writes and fsyncs a new file; returns its name.
fs::path writeSyncedTemp(const fs::path& path, std::span<const std::uint8_t> data) {
    fs::path tmp = tempNameFor(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw StateError(fmt::format("{}: cannot create: {}", tmp.string(), errnoText()));
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = errnoText();
            ::close(fd);
            ::unlink(tmp.c_str());
            throw StateError(fmt::format("{}: write failed: {}", tmp.string(), why));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        std::string why = errnoText();
        ::close(fd);
        ::unlink(tmp.c_str());
        throw StateError(fmt::format("{}: fsync failed: {}", tmp.string(), why));
    }
    ::close(fd);
    return tmp;
}

}  // namespace

void syncDirectory(const fs::path& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw StateError(fmt::format("{}: cannot open directory: {}", dir.string(), errnoText()));
    ::fsync(fd);
    ::close(fd);
}

void ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw StateError(fmt::format("{}: cannot create directory: {}", dir.string(), ec ? ec.message() : "not a directory"));
}

void writeFileAtomic(const fs::path& path, std::span<const std::uint8_t> data) {
    fs::path tmp = writeSyncedTemp(path, data);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string why = errnoText();
        ::unlink(tmp.c_str());
        throw StateError(fmt::format("{}: rename failed: {}", path.string(), why));
    }
    syncDirectory(path.parent_path());
}

void writeFileAtomic(const fs::path& path, const std::string& text) {
    writeFileAtomic(path, asBytes(text));
}

bool createFileAtomic(const fs::path& path, std::span<const std::uint8_t> data) {
    fs::path tmp = writeSyncedTemp(path, data);
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
        if (err == EEXIST) return false;
        throw StateError(fmt::format("{}: link failed: {}", path.string(), std::strerror(err)));
    }
    syncDirectory(path.parent_path());
    return true;
}

std::vector<std::uint8_t> readWholeFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StateError(fmt::format("{}: cannot open for reading", path.string()));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void StateFile::set(const std::string& key, std::string value) {
    for (auto& [k, v] : entries_)
        if (k == key) {
            v = std::move(value);
            return;
        }
    add(key, std::move(value));
}

std::optional<std::string> StateFile::get(const std::string& key) const {
    std::optional<std::string> found;
    for (const auto& [k, v] : entries_)
        if (k == key) {
            if (found) fail(fmt::format("key '{}' appears more than once", key));
            found = v;
        }
    return found;
}

std::string StateFile::require(const std::string& key) const {
    auto v = get(key);
    if (!v) fail(fmt::format("missing key '{}'", key));
    return *v;
}

std::vector<std::string> StateFile::all(const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_)
        if (k == key) out.push_back(v);
    return out;
}

void StateFile::fail(const std::string& why) const {
    throw StateError(fmt::format("{}: {}", name_.empty() ? kind_ : name_, why));
}

std::string StateFile::text() const {
    std::string body = fmt::format("mt3620-emu {} {}\n", kind_, version_);
    for (const auto& [k, v] : entries_) {
        if (k.empty() || k.find_first_of("=\n") != std::string::npos || v.find('\n') != std::string::npos)
            throw StateError(fmt::format("{}: cannot store key '{}' (empty, or '=' or a newline in it)", kind_, k));
        body += k + "=" + v + "\n";
    }
    return body + "sha256=" + toHex(sha256(body)) + "\n";
}

StateFile StateFile::read(const fs::path& path, const std::string& kind, int version) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw StateError(fmt::format("{}: missing", path.string()));
    auto bytes = readWholeFile(path);
    return parse(path.string(), std::string(bytes.begin(), bytes.end()), kind, version);
}

StateFile StateFile::parse(const std::string& name, const std::string& text, const std::string& kind, int version) {
    StateFile f(kind, version);
    f.name_ = name;
    auto corrupt = [&](std::size_t line, const std::string& why) {
        f.fail(fmt::format("line {}: {} (the file is corrupt; restore it or remove the device state)", line, why));
    };
    const std::string header = fmt::format("mt3620-emu {} ", kind);
    std::size_t nl = text.find('\n');
    if (nl == std::string::npos || text.compare(0, header.size(), header) != 0)
        corrupt(1, fmt::format("not a '{}' state file (expected a first line '{}{}')", kind, header, version));
    const std::string ver = text.substr(header.size(), nl - header.size());
    if (ver != std::to_string(version))
        f.fail(fmt::format("line 1: format version '{}' is not supported (this emulator reads version {})", ver, version));
    std::size_t pos = nl + 1, line = 2;
    bool checked = false;
    while (pos < text.size()) {
        nl = text.find('\n', pos);
        if (nl == std::string::npos) corrupt(line, "incomplete last line");
        std::string l = text.substr(pos, nl - pos);
        auto eq = l.find('=');
        if (eq == std::string::npos || eq == 0) corrupt(line, "expected key=value");
        std::string key = l.substr(0, eq), value = l.substr(eq + 1);
        if (key == "sha256") {
            if (value != toHex(sha256(std::string_view(text).substr(0, pos)))) corrupt(line, "checksum mismatch");
            if (nl + 1 != text.size()) corrupt(line + 1, "data after the checksum line");
            checked = true;
            break;
        }
        f.entries_.emplace_back(std::move(key), std::move(value));
        pos = nl + 1;
        ++line;
    }
    if (!checked) corrupt(line, "no checksum line (truncated)");
    return f;
}

}  // namespace mt3620::pluton
