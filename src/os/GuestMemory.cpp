#include "os/GuestMemory.h"

#include <sys/mman.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <cstring>

namespace mt3620::os {

/// Page-aligned, zeroed host memory from the host's mmap (never moves, so the engine may keep
/// pointers into it).
struct GuestMemory::Block {
    explicit Block(std::size_t n) : size(n) {
        void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        data = p == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(p);
    }
    ~Block() {
        if (data) ::munmap(data, size);
    }
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

namespace {
std::uint32_t ucProt(std::uint32_t prot) {
    std::uint32_t p = 0;
    if (prot & kProtRead) p |= UC_PROT_READ;
    if (prot & kProtWrite) p |= UC_PROT_WRITE | UC_PROT_READ;  // ARM has no write-only pages
    if (prot & kProtExec) p |= UC_PROT_EXEC | UC_PROT_READ;
    return p;
}
}  // namespace

GuestMemory::~GuestMemory() {
    // The engine may outlive us only in tests; unmap so it holds no dangling pointers.
    for (auto& [start, m] : maps_) uc_mem_unmap(uc_, start, m.size);
}

GuestMemory::Map::const_iterator GuestMemory::containing(std::uint32_t addr) const {
    auto it = maps_.upper_bound(addr);
    if (it == maps_.begin()) return maps_.end();
    --it;
    if (addr - it->first < it->second.size) return it;
    return maps_.end();
}

void GuestMemory::splitAt(std::uint32_t addr) {
    auto it = containing(addr);
    if (it == maps_.end() || it->first == addr) return;
    const std::uint32_t start = it->first;
    Mapping& m = maps_.at(start);
    const std::uint32_t head = addr - start;
    Mapping tail{m.size - head, m.prot, m.block, m.offset + head, m.name};
    m.size = head;
    maps_.emplace(addr, std::move(tail));
}

bool GuestMemory::mapFixed(std::uint32_t addr, std::uint32_t size, std::uint32_t prot, std::string name) {
    size = static_cast<std::uint32_t>(pageUp(size));
    if (size == 0 || (addr % kPageSize) || std::uint64_t{addr} + size > (std::uint64_t{1} << 32)) return false;
    unmap(addr, size);
    auto block = std::make_shared<Block>(size);
    if (!block->data) return false;
    if (uc_mem_map_ptr(uc_, addr, size, ucProt(prot), block->data) != UC_ERR_OK) return false;
    maps_.emplace(addr, Mapping{size, prot, std::move(block), 0, std::move(name)});
    return true;
}

std::optional<std::uint32_t> GuestMemory::mapAnywhere(std::uint32_t size, std::uint32_t prot, std::string name,
                                                      std::uint32_t hint) {
    size = static_cast<std::uint32_t>(pageUp(size));
    if (size == 0) return std::nullopt;
    if (hint && !(hint % kPageSize) && std::uint64_t{hint} + size <= kMmapTop && isFree(hint, size)) {
        if (mapFixed(hint, size, prot, std::move(name))) return hint;
        return std::nullopt;
    }
    // Top-down first fit: the highest gap below kMmapTop that holds `size`.
    std::uint32_t top = kMmapTop;
    auto it = maps_.lower_bound(kMmapTop);
    for (;;) {
        std::uint32_t gap_bottom = kMmapBottom;
        if (it != maps_.begin()) {
            auto prev = std::prev(it);
            gap_bottom = std::max(gap_bottom, prev->first + prev->second.size);
        }
        if (top >= gap_bottom && top - gap_bottom >= size) {
            std::uint32_t addr = top - size;
            if (!mapFixed(addr, size, prot, std::move(name))) return std::nullopt;
            return addr;
        }
        if (it == maps_.begin()) return std::nullopt;
        --it;
        top = std::min(top, it->first);
        if (top <= kMmapBottom) return std::nullopt;
    }
}

void GuestMemory::unmap(std::uint32_t addr, std::uint32_t size) {
    if (size == 0) return;
    const std::uint64_t end = std::min<std::uint64_t>(pageUp(std::uint64_t{addr} + size), std::uint64_t{1} << 32);
    addr = pageDown(addr);
    splitAt(addr);
    if (end < (std::uint64_t{1} << 32)) splitAt(static_cast<std::uint32_t>(end));
    for (auto it = maps_.lower_bound(addr); it != maps_.end() && it->first < end;) {
        uc_mem_unmap(uc_, it->first, it->second.size);
        if (it->second.prot & kProtExec) ++code_generation_;
        it = maps_.erase(it);
    }
}

bool GuestMemory::protect(std::uint32_t addr, std::uint32_t size, std::uint32_t prot) {
    if (size == 0) return true;
    const std::uint64_t end = pageUp(std::uint64_t{addr} + size);
    addr = pageDown(addr);
    if (!isMapped(addr, static_cast<std::uint32_t>(end - addr))) return false;
    splitAt(addr);
    if (end < (std::uint64_t{1} << 32)) splitAt(static_cast<std::uint32_t>(end));
    for (auto it = maps_.lower_bound(addr); it != maps_.end() && it->first < end; ++it) {
        if ((it->second.prot | prot) & kProtExec) ++code_generation_;
        it->second.prot = prot;
        uc_mem_protect(uc_, it->first, it->second.size, ucProt(prot));
    }
    return true;
}

bool GuestMemory::isFree(std::uint32_t addr, std::uint32_t size) const {
    const std::uint64_t end = std::uint64_t{addr} + size;
    if (end > (std::uint64_t{1} << 32)) return false;
    auto it = maps_.upper_bound(addr);
    if (it != maps_.begin()) {
        auto prev = std::prev(it);
        if (prev->first + std::uint64_t{prev->second.size} > addr) return false;
    }
    return it == maps_.end() || it->first >= end;
}

bool GuestMemory::isMapped(std::uint32_t addr, std::uint32_t size, std::uint32_t prot) const {
    std::uint64_t a = addr;
    const std::uint64_t end = std::uint64_t{addr} + size;
    while (a < end) {
        auto it = containing(static_cast<std::uint32_t>(a));
        if (it == maps_.end() || (it->second.prot & prot) != prot) return false;
        a = std::uint64_t{it->first} + it->second.size;
    }
    return true;
}

std::uint8_t* GuestMemory::hostPointer(std::uint32_t addr, std::uint32_t size, std::uint32_t prot) {
    auto it = containing(addr);
    if (it == maps_.end() || (it->second.prot & prot) != prot) return nullptr;
    const std::uint32_t off = addr - it->first;
    if (std::uint64_t{off} + size > it->second.size) return nullptr;
    return it->second.block->data + it->second.offset + off;
}

bool GuestMemory::read(std::uint32_t addr, void* out, std::size_t size) const {
    auto* dst = static_cast<std::uint8_t*>(out);
    while (size) {
        auto it = containing(addr);
        if (it == maps_.end() || !(it->second.prot & (kProtRead | kProtWrite | kProtExec))) return false;
        const std::uint32_t off = addr - it->first;
        const std::size_t n = std::min<std::size_t>(size, it->second.size - off);
        std::memcpy(dst, it->second.block->data + it->second.offset + off, n);
        dst += n;
        size -= n;
        addr += static_cast<std::uint32_t>(n);
        if (size && addr == 0) return false;  // wrapped past 4 GiB
    }
    return true;
}

bool GuestMemory::write(std::uint32_t addr, const void* data, std::size_t size, bool force) {
    auto* src = static_cast<const std::uint8_t*>(data);
    while (size) {
        auto it = containing(addr);
        if (it == maps_.end() || (!force && !(it->second.prot & kProtWrite))) return false;
        const std::uint32_t off = addr - it->first;
        const std::size_t n = std::min<std::size_t>(size, it->second.size - off);
        std::memcpy(it->second.block->data + it->second.offset + off, src, n);
        src += n;
        size -= n;
        addr += static_cast<std::uint32_t>(n);
        if (size && addr == 0) return false;
    }
    return true;
}

std::optional<std::string> GuestMemory::readString(std::uint32_t addr, std::size_t max) const {
    std::string s;
    while (s.size() < max) {
        auto it = containing(addr);
        if (it == maps_.end() || !(it->second.prot & kProtRead)) return std::nullopt;
        const std::uint32_t off = addr - it->first;
        const std::uint8_t* p = it->second.block->data + it->second.offset + off;
        const std::size_t avail = std::min<std::size_t>(it->second.size - off, max - s.size());
        const void* nul = std::memchr(p, 0, avail);
        if (nul) {
            s.append(reinterpret_cast<const char*>(p), static_cast<const std::uint8_t*>(nul) - p);
            return s;
        }
        s.append(reinterpret_cast<const char*>(p), avail);
        addr += static_cast<std::uint32_t>(avail);
        if (addr == 0) return std::nullopt;
    }
    return std::nullopt;
}

std::optional<GuestMemory::Info> GuestMemory::find(std::uint32_t addr) const {
    auto it = containing(addr);
    if (it == maps_.end()) return std::nullopt;
    return Info{it->first, it->second.size, it->second.prot, it->second.name};
}

}  // namespace mt3620::os
