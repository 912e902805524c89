#include "board/I2cRegisterFile.h"

#include <fmt/format.h>

#include "board/I2cRegisterTarget.h"
#include "board/I2cWiring.h"
#include "common/Log.h"

namespace mt3620 {

I2cRegisterFileSpec I2cRegisterFile::parse(FieldReader& fields) {
    I2cRegisterFileSpec spec;
    spec.bus = parseI2cBus(fields);
    spec.address = parseI2cAddress(fields);
    if (fields.has("size")) {
        long long size = fields.integer("size");
        if (size < 1 || size > kMaxRegisters)
            fields.fail("size", fmt::format("size {} is out of range (1-{} registers)", size, kMaxRegisters));
        spec.size = static_cast<unsigned>(size);
    } else {
        fields.optionalNode("size");
    }
    spec.reset.assign(spec.size, 0);
    if (!fields.has("registers")) {
        fields.optionalNode("registers");
        return spec;
    }
    YAML::Node map = fields.node("registers");
    if (!map.IsMap())
        fields.fail("registers", "registers must be a map of register: reset value, such as {0x00: 0x5a, 0x01: 0x01}");
    for (const auto& entry : map) {
        const int line = lineOf(entry.first);
        auto number = [&](const YAML::Node& node, const char* what) -> long long {
            try {
                return node.as<long long>();
            } catch (const YAML::Exception&) {
                fields.context().fail(line, fmt::format("registers: {} '{}' is not a whole number", what,
                                                        node.IsScalar() ? node.Scalar() : std::string("(not a number)")));
            }
        };
        const long long reg = number(entry.first, "register");
        const long long value = number(entry.second, "value");
        if (reg < 0 || reg >= static_cast<long long>(spec.size))
            fields.context().fail(line, fmt::format("registers: register {:#04x} is out of range (0x00-{:#04x}, size {})", reg,
                                                    spec.size - 1, spec.size));
        if (value < 0 || value > 0xFF)
            fields.context().fail(line, fmt::format("registers: value {} of register {:#04x} is not a byte (0-255)", value, reg));
        spec.reset[static_cast<std::size_t>(reg)] = static_cast<std::uint8_t>(value);
    }
    return spec;
}

std::vector<ResourceClaim> I2cRegisterFile::claims(const Spec& spec) { return {i2cAddressClaim(spec.bus, spec.address)}; }

I2cRegisterFile::I2cRegisterFile(const Spec& spec, BoardWiring& wiring)
    : BoardDevice(spec.name),
      bus_(spec.bus),
      address_(spec.address),
      values_(spec.reset),
      transport_(std::make_unique<I2cRegisterTarget<I2cRegisterFile>>(*this, static_cast<unsigned>(values_.size()))) {
    attachment_ = std::make_unique<I2cAttachment>(spec, wiring, bus_, address_, *transport_);
    wiring.log.debug(name(), "{} registers on {} at I2C address {:#04x}", values_.size(), bus_, address_);
}

I2cRegisterFile::~I2cRegisterFile() = default;

}  // namespace mt3620
