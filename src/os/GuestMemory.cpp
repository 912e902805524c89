#include "os/GuestMemory.h"

#include <sys/mman.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace mt3620::os {

namespace {
constexpr std::uint64_t kSpace = std::uint64_t{1} << 32;  // the guest's whole address space
constexpr std::size_t kPages = kSpace / kPageSize;

std::uint32_t ucProt(std::uint32_t prot) {
    std::uint32_t p = 0;
    if (prot & kProtRead) p |= UC_PROT_READ;
    if (prot & kProtWrite) p |= UC_PROT_WRITE | UC_PROT_READ;  // ARM has no write-only pages
    if (prot & kProtExec) p |= UC_PROT_EXEC | UC_PROT_READ;
    return p;
}
}  // namespace

GuestMemory::GuestMemory(uc_struct* uc) : uc_(uc), pages_(kPages, 0) {
    void* p = ::mmap(nullptr, kSpace, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("a7: cannot reserve 4 GiB of host address space for the app");
    host_ = static_cast<std::uint8_t*>(p);
    uc_hook h;
    // Exits on, with none set: uc_emu_start's `until` is ignored (the core stops through its
    // hooks). Otherwise Unicorn translates the `until` address after every run to drop its
    // code, and a page-table denial there would unwind into a finished run.
    if (uc_ctl_tlb_mode(uc_, UC_TLB_VIRTUAL) != UC_ERR_OK || uc_ctl_exits_enable(uc_) != UC_ERR_OK ||
        uc_mem_map_ptr(uc_, kLowestMapping, kSpace - kLowestMapping, UC_PROT_ALL, host_ + kLowestMapping) !=
            UC_ERR_OK ||
        uc_hook_add(uc_, &h, UC_HOOK_TLB_FILL, reinterpret_cast<void*>(&GuestMemory::fillTlb), this, 1, 0) !=
            UC_ERR_OK) {
        ::munmap(host_, kSpace);
        throw std::runtime_error("a7: the engine refused the app's address space");
    }
    tlb_hook_ = h;
}

GuestMemory::~GuestMemory() {
    // The engine (owned by the core, destroyed next) keeps its region but never runs again:
    // no uc_mem_unmap, which would flush the TLB page by page over 4 GiB (seconds).
    uc_hook_del(uc_, tlb_hook_);
    ::munmap(host_, kSpace);
}

bool GuestMemory::fillTlb(uc_struct*, std::uint64_t vaddr, int type, void* result, void* user) {
    auto* self = static_cast<GuestMemory*>(user);
    const auto addr = static_cast<std::uint32_t>(vaddr);
    const std::uint8_t e = self->pages_[addr / kPageSize];
    const std::uint32_t perms = ucProt(e & 7);
    const std::uint32_t need = type == UC_MEM_WRITE ? UC_PROT_WRITE : type == UC_MEM_FETCH ? UC_PROT_EXEC : UC_PROT_READ;
    if (addr < kLowestMapping || (self->probe_page_ && pageDown(addr) == *self->probe_page_)) {
        // The engine has no memory here: letting the access through makes it fault as unmapped,
        // with the exact address (a null-pointer access). A page granted for a probe: the
        // access goes to its (host) memory; the core undoes writes.
        auto* r = static_cast<uc_tlb_entry*>(result);
        r->paddr = addr;
        r->perms = static_cast<uc_prot>(UC_PROT_ALL);
        return true;
    }
    if ((e & kPageMapped) && (perms & need)) {
        auto* r = static_cast<uc_tlb_entry*>(result);
        r->paddr = addr;  // identity: the engine's physical space is the reservation
        r->perms = static_cast<uc_prot>(perms);
        return true;
    }
    if (self->on_denied) {
        const bool mapped = e & kPageMapped;
        const int what = type == UC_MEM_WRITE   ? (mapped ? UC_MEM_WRITE_PROT : UC_MEM_WRITE_UNMAPPED)
                         : type == UC_MEM_FETCH ? (mapped ? UC_MEM_FETCH_PROT : UC_MEM_FETCH_UNMAPPED)
                                                : (mapped ? UC_MEM_READ_PROT : UC_MEM_READ_UNMAPPED);
        self->on_denied(what, addr);
    }
    return false;
}

void GuestMemory::flushTlb() { uc_ctl_flush_tlb(uc_); }

void GuestMemory::grantForProbe(std::optional<std::uint32_t> page) {
    probe_page_ = page;
    flushTlb();
}

void GuestMemory::setPages(std::uint32_t addr, std::uint64_t size, std::uint8_t entry) {
    std::fill_n(pages_.begin() + addr / kPageSize, size / kPageSize, entry);
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
    Mapping& m = maps_.at(it->first);
    const std::uint32_t head = addr - it->first;
    Mapping tail{m.size - head, m.prot, m.name};
    m.size = head;
    maps_.emplace(addr, std::move(tail));
}

bool GuestMemory::mapFixed(std::uint32_t addr, std::uint32_t size, std::uint32_t prot, std::string name) {
    size = static_cast<std::uint32_t>(pageUp(size));
    if (size == 0 || (addr % kPageSize) || addr < kLowestMapping || std::uint64_t{addr} + size > kSpace) return false;
    unmap(addr, size);  // also leaves the pages zeroed
    setPages(addr, size, static_cast<std::uint8_t>(kPageMapped | (prot & 7)));
    maps_.emplace(addr, Mapping{size, prot, std::move(name)});
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
    const std::uint64_t end = std::min<std::uint64_t>(pageUp(std::uint64_t{addr} + size), kSpace);
    addr = pageDown(addr);
    splitAt(addr);
    if (end < kSpace) splitAt(static_cast<std::uint32_t>(end));
    bool any = false;
    for (auto it = maps_.lower_bound(addr); it != maps_.end() && it->first < end;) {
        if (it->second.prot & kProtExec) ++code_generation_;
        setPages(it->first, it->second.size, 0);
        ::madvise(host_ + it->first, it->second.size, MADV_DONTNEED);  // zero again, memory returned
        it = maps_.erase(it);
        any = true;
    }
    if (any) flushTlb();
}

bool GuestMemory::protect(std::uint32_t addr, std::uint32_t size, std::uint32_t prot) {
    if (size == 0) return true;
    const std::uint64_t end = pageUp(std::uint64_t{addr} + size);
    addr = pageDown(addr);
    if (!isMapped(addr, static_cast<std::uint32_t>(end - addr))) return false;
    splitAt(addr);
    if (end < kSpace) splitAt(static_cast<std::uint32_t>(end));
    for (auto it = maps_.lower_bound(addr); it != maps_.end() && it->first < end; ++it) {
        if (it->second.prot & kProtExec) ++code_generation_;  // adding exec needs no flush
        it->second.prot = prot;
        setPages(it->first, it->second.size, static_cast<std::uint8_t>(kPageMapped | (prot & 7)));
    }
    flushTlb();
    return true;
}

bool GuestMemory::discard(std::uint32_t addr, std::uint32_t size) {
    const std::uint64_t end = pageUp(std::uint64_t{addr} + size);
    addr = pageDown(addr);
    if (!isMapped(addr, static_cast<std::uint32_t>(end - addr))) return false;
    ::madvise(host_ + addr, end - addr, MADV_DONTNEED);
    return true;
}

bool GuestMemory::isFree(std::uint32_t addr, std::uint32_t size) const {
    const std::uint64_t end = std::uint64_t{addr} + size;
    if (end > kSpace) return false;
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

bool GuestMemory::pagesAllow(std::uint32_t addr, std::size_t size, std::uint32_t prot) const {
    if (size == 0) return true;
    const std::uint64_t end = std::uint64_t{addr} + size;
    if (end > kSpace) return false;
    for (std::uint64_t page = addr / kPageSize; page <= (end - 1) / kPageSize; ++page) {
        const std::uint8_t e = pages_[page];
        if (!(e & kPageMapped)) return false;
        const std::uint32_t have = (e & 7) ? ((e & 7) | kProtRead) : 0;
        if ((have & prot) != prot) return false;
    }
    return true;
}

std::uint8_t* GuestMemory::hostPointer(std::uint32_t addr, std::uint32_t size, std::uint32_t prot) {
    return pagesAllow(addr, size, prot) ? host_ + addr : nullptr;
}

bool GuestMemory::read(std::uint32_t addr, void* out, std::size_t size) const {
    if (!pagesAllow(addr, size, kProtRead)) return false;
    std::memcpy(out, host_ + addr, size);
    return true;
}

bool GuestMemory::write(std::uint32_t addr, const void* data, std::size_t size, bool force) {
    if (!pagesAllow(addr, size, force ? 0 : kProtWrite)) return false;
    std::memcpy(host_ + addr, data, size);
    return true;
}

std::optional<std::string> GuestMemory::readString(std::uint32_t addr, std::size_t max) const {
    std::string s;
    while (s.size() < max) {
        if (!pagesAllow(addr, 1, kProtRead)) return std::nullopt;
        const std::size_t avail = std::min<std::size_t>(kPageSize - addr % kPageSize, max - s.size());
        const std::uint8_t* p = host_ + addr;
        if (const void* nul = std::memchr(p, 0, avail)) {
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
