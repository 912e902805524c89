#include "board/SpiRegisterFile.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/Log.h"

namespace mt3620 {

namespace {

/// A register address or value written in the board file: a whole number in [0, last].
std::uint8_t byteValue(const YAML::Node& node, const BoardFileContext& where, unsigned last, const char* what) {
    long long v = -1;
    try {
        if (node.IsScalar()) v = node.as<long long>();
    } catch (const YAML::Exception&) {
    }
    if (v < 0 || v > static_cast<long long>(last))
        where.fail(lineOf(node), fmt::format("{} '{}' must be a whole number from 0 to {:#04x}", what,
                                             node.IsScalar() ? node.Scalar() : std::string("(not a value)"), last));
    return static_cast<std::uint8_t>(v);
}

}  // namespace

SpiRegisterFileSpec SpiRegisterFile::parse(FieldReader& fields) {
    Spec spec;
    spec.spi = parseSpiWiring(fields);
    const BoardFileContext& where = fields.context();
    const YAML::Node regs = fields.node("registers");
    if (!regs.IsMap() || regs.size() == 0)
        fields.fail("registers", "registers must be a map of 'address: reset value' entries, such as {0x0F: 0x69}");
    for (auto it = regs.begin(); it != regs.end(); ++it) {
        Spec::Register r;
        r.address = byteValue(it->first, where, kAddressMask, "register address");
        r.reset_value = byteValue(it->second, where, 0xFF, "reset value");
        for (const Spec::Register& other : spec.registers)
            if (other.address == r.address)
                where.fail(lineOf(it->first), fmt::format("register {:#04x} is given twice", r.address));
        spec.registers.push_back(r);
    }
    if (std::optional<YAML::Node> ro = fields.optionalNode("read-only")) {
        if (!ro->IsSequence()) fields.fail("read-only", "read-only must be a list of register addresses, such as [0x0F]");
        for (const YAML::Node& a : *ro) {
            std::uint8_t address = byteValue(a, where, kAddressMask, "read-only address");
            auto reg = std::find_if(spec.registers.begin(), spec.registers.end(),
                                    [&](const Spec::Register& r) { return r.address == address; });
            if (reg == spec.registers.end())
                where.fail(lineOf(a), fmt::format("read-only register {:#04x} is not in registers", address));
            reg->read_only = true;
        }
    }
    std::sort(spec.registers.begin(), spec.registers.end(),
              [](const Spec::Register& a, const Spec::Register& b) { return a.address < b.address; });
    return spec;
}

std::vector<ResourceClaim> SpiRegisterFile::claims(const Spec& spec) { return {spiClaim(spec.spi)}; }

SpiRegisterFile::SpiRegisterFile(const Spec& spec, BoardWiring& wiring)
    : BoardDevice(spec.name), log_(wiring.log), attachment_(spec.spi, spec, wiring, *this) {
    for (const Spec::Register& r : spec.registers) {
        values_[r.address] = r.reset_value;
        access_[r.address] = r.read_only ? Access::ReadOnly : Access::ReadWrite;
    }
}

bool SpiRegisterFile::present(std::uint8_t address, const char* what) {
    if (access_[address] != Access::Absent) return true;
    log_.warnOnce(fmt::format("{}.absent{:02x}", name(), address), name(),
                  "{} register {:#04x}, which the board file does not list: {}", what, address,
                  std::string_view(what) == "read of" ? "reads 0x00" : "dropped");
    return false;
}

std::uint8_t SpiRegisterFile::readRegister(std::uint8_t address) {
    return present(address, "read of") ? values_[address] : 0x00;
}

void SpiRegisterFile::writeRegister(std::uint8_t address, std::uint8_t value) {
    if (!present(address, "write to")) return;
    if (access_[address] == Access::ReadOnly) {
        log_.debug(name(), "write {:#04x} to read-only register {:#04x}: dropped", value, address);
        return;
    }
    values_[address] = value;
}

}  // namespace mt3620
