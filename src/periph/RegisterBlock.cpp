#include "periph/RegisterBlock.h"

#include <stdexcept>

namespace mt3620 {

RegisterBlock::RegisterBlock(std::string name, std::uint32_t size)
    : MmioDevice(std::move(name), size), index_((size + 3) / 4, -1) {
}

RegisterBlock::Register& RegisterBlock::define(std::uint32_t offset, std::string name,
                                               std::uint32_t reset_value) {
    if (offset % 4 != 0 || offset / 4 >= index_.size() || index_[offset / 4] >= 0)
        throw std::logic_error(this->name() + ": bad register definition " + name);
    index_[offset / 4] = static_cast<std::int32_t>(registers_.size());
    Register& r = registers_.emplace_back();
    r.offset = offset;
    r.name = std::move(name);
    r.reset_value = r.value = reset_value;
    return r;
}

RegisterBlock::Register* RegisterBlock::find(std::uint32_t offset) {
    std::uint32_t word = offset / 4;
    if (word >= index_.size() || index_[word] < 0) return nullptr;
    return &registers_[static_cast<std::size_t>(index_[word])];
}

const RegisterBlock::Register* RegisterBlock::find(std::uint32_t offset) const {
    return const_cast<RegisterBlock*>(this)->find(offset);
}

namespace {
std::uint32_t lanes(std::uint32_t word, std::uint32_t offset, unsigned size) {
    unsigned shift = (offset & 3) * 8;
    return size >= 4 ? word : (word >> shift) & ((1u << (size * 8)) - 1);
}
}  // namespace

bool RegisterBlock::read(std::uint32_t offset, unsigned size, std::uint32_t& value) {
    Register* r = find(offset);
    if (!r) return false;
    value = lanes(r->read_fn ? r->read_fn(r->value) : r->value, offset, size);
    return true;
}

bool RegisterBlock::debugRead(std::uint32_t offset, unsigned size, std::uint32_t& value) {
    Register* r = find(offset);
    if (!r) return false;
    const auto& fn = r->peek_fn ? r->peek_fn : r->read_fn;
    value = lanes(fn ? fn(r->value) : r->value, offset, size);
    return true;
}

bool RegisterBlock::write(std::uint32_t offset, unsigned size, std::uint32_t value) {
    Register* r = find(offset);
    if (!r) return false;
    std::uint32_t written = value;
    if (size < 4) {
        // A byte or halfword write changes only its lanes; the rest keep the stored value.
        unsigned shift = (offset & 3) * 8;
        std::uint32_t lane = ((1u << (size * 8)) - 1) << shift;
        written = (r->value & ~lane) | ((value << shift) & lane);
    }
    r->value = (r->value & ~r->write_mask) | (written & r->write_mask);
    if (r->write_fn) r->write_fn(r->value, written);
    return true;
}

std::string RegisterBlock::registerName(std::uint32_t offset) const {
    const Register* r = find(offset);
    return r ? r->name : std::string{};
}

void RegisterBlock::reset() {
    for (Register& r : registers_) r.value = r.reset_value;
    onReset();
}

std::uint32_t RegisterBlock::peek(std::uint32_t offset) const {
    const Register* r = find(offset);
    return r ? r->value : 0;
}

}  // namespace mt3620
