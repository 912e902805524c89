#include "image/AppArchive.h"

#include <fmt/format.h>

#include <filesystem>

#include "image/ElfFile.h"
#include "image/ImagePackage.h"

namespace mt3620 {

namespace {
constexpr char kMagic[4] = {'M', 'T', 'F', 'S'};
constexpr std::uint32_t kVersion = 1;

std::uint32_t rd32(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint32_t>(b[off]) | (static_cast<std::uint32_t>(b[off + 1]) << 8) |
           (static_cast<std::uint32_t>(b[off + 2]) << 16) | (static_cast<std::uint32_t>(b[off + 3]) << 24);
}
void put32(std::vector<std::uint8_t>& o, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) o.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
}  // namespace

std::string AppArchive::checkPath(const std::string& path) {
    if (path.empty()) return "empty path";
    if (path.size() > 255) return "path longer than 255 bytes";
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part.empty()) return "empty path component";
        if (part == "." || part == "..") return "'.' or '..' path component";
        for (char c : part)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
                return fmt::format("character {:#04x} not allowed in a path", static_cast<unsigned char>(c));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return {};
}

void AppArchive::add(const std::string& path, std::vector<std::uint8_t> data) {
    if (std::string why = checkPath(path); !why.empty()) throw ImageError(fmt::format("'{}': {}", path, why));
    files_[path] = std::move(data);
}

void AppArchive::addDirectory(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw ImageError(fmt::format("{}: not a directory", dir));
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        add(fs::relative(it->path(), dir).generic_string(), readBinaryFile(it->path().string()));
    }
    if (ec) throw ImageError(fmt::format("{}: {}", dir, ec.message()));
}

const std::vector<std::uint8_t>* AppArchive::find(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
}

std::vector<std::uint8_t> AppArchive::serialize() const {
    std::vector<std::uint8_t> out(kMagic, kMagic + 4);
    put32(out, kVersion);
    put32(out, static_cast<std::uint32_t>(files_.size()));
    for (const auto& [path, data] : files_) {
        out.push_back(static_cast<std::uint8_t>(path.size()));
        out.push_back(static_cast<std::uint8_t>(path.size() >> 8));
        out.insert(out.end(), path.begin(), path.end());
        put32(out, static_cast<std::uint32_t>(data.size()));
        out.insert(out.end(), data.begin(), data.end());
    }
    return out;
}

AppArchive AppArchive::parse(const std::string& name, std::span<const std::uint8_t> b) {
    auto fail = [&](std::size_t off, const std::string& why) -> void {
        throw ImageError(fmt::format("{} at offset {}: {}", name, imageHex(off), why));
    };
    if (b.size() < 12) fail(0, fmt::format("{} bytes is too small for the file table header (12 bytes)", b.size()));
    if (!std::equal(kMagic, kMagic + 4, b.begin())) fail(0, "bad magic (expected \"MTFS\")");
    if (rd32(b, 4) != kVersion) fail(4, fmt::format("unsupported version {} (expected {})", rd32(b, 4), kVersion));
    const std::uint32_t count = rd32(b, 8);
    AppArchive a;
    std::size_t pos = 12;
    std::string previous;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (b.size() - pos < 2) fail(pos, fmt::format("file {} of {}: entry header runs past the end", i, count));
        std::size_t len = b[pos] | (b[pos + 1] << 8);
        if (b.size() - pos - 2 < len + 4) fail(pos, fmt::format("file {} of {}: path runs past the end", i, count));
        std::string path(reinterpret_cast<const char*>(b.data() + pos + 2), len);
        if (std::string why = checkPath(path); !why.empty()) fail(pos + 2, fmt::format("file {}: {}", i, why));
        if (i && path <= previous) fail(pos + 2, fmt::format("file {} '{}': paths not sorted or duplicated", i, path));
        std::size_t size_off = pos + 2 + len;
        std::uint32_t size = rd32(b, size_off);
        if (b.size() - size_off - 4 < size)
            fail(size_off, fmt::format("file '{}': size {} runs past the end of the payload", path, size));
        const std::uint8_t* data = b.data() + size_off + 4;
        a.files_[path] = std::vector<std::uint8_t>(data, data + size);
        previous = path;
        pos = size_off + 4 + size;
    }
    if (pos != b.size()) fail(pos, fmt::format("{} bytes after the last file", b.size() - pos));
    return a;
}

}  // namespace mt3620
