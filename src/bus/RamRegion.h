#pragma once
// A block of guest RAM or flash backed by one page-aligned host buffer. The same buffer can be
// mapped into several cores' engines (uc_mem_map_ptr), which is how shared memory works.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace mt3620 {

class RamRegion {
public:
    RamRegion(std::string name, std::uint32_t base, std::uint32_t size)
        : name_(std::move(name)), base_(base), size_(size),
          data_(static_cast<std::uint8_t*>(std::aligned_alloc(4096, roundUp(size)))) {
        if (!data_) throw std::bad_alloc();
        std::memset(data_.get(), 0, roundUp(size));
    }

    const std::string& name() const { return name_; }
    std::uint32_t base() const { return base_; }
    std::uint32_t size() const { return size_; }
    std::uint8_t* data() { return data_.get(); }
    const std::uint8_t* data() const { return data_.get(); }
    bool contains(std::uint32_t addr, std::uint32_t len = 1) const {
        return addr >= base_ && len <= size_ && addr - base_ <= size_ - len;
    }
    std::uint8_t* at(std::uint32_t addr) { return data_.get() + (addr - base_); }
    void clear() { std::memset(data_.get(), 0, size_); }

private:
    static std::size_t roundUp(std::size_t n) { return (n + 4095) & ~std::size_t{4095}; }
    struct Free {
        void operator()(std::uint8_t* p) const { std::free(p); }
    };
    std::string name_;
    std::uint32_t base_;
    std::uint32_t size_;
    std::unique_ptr<std::uint8_t, Free> data_;
};

}  // namespace mt3620
