#include "board/I2cWiring.h"

#include <fmt/format.h>

#include <algorithm>

#include "board/BoardError.h"
#include "periph/I2cBus.h"

namespace mt3620 {

const std::vector<std::string>& i2cBusNames() {
    static const std::vector<std::string> names = {"ISU0", "ISU1", "ISU2", "ISU3", "ISU4"};
    return names;
}

std::string parseI2cBus(FieldReader& fields) {
    std::string bus = fields.string("bus");
    const auto& names = i2cBusNames();
    if (std::find(names.begin(), names.end(), bus) == names.end())
        fields.fail("bus", fmt::format("unknown bus '{}' (known: {})", bus, fmt::join(names, ", ")));
    return bus;
}

unsigned parseI2cAddress(FieldReader& fields, std::optional<unsigned> default_address) {
    std::optional<long long> given = fields.optionalInteger("address");
    if (!given && default_address) return *default_address;
    long long a = given ? *given : fields.integer("address");  // absent and no default: "missing"
    if (a < 0x08 || a > 0x77)
        fields.fail("address", fmt::format("address {:#04x} is not a usable 7-bit I2C address (0x08-0x77; write "
                                           "the address unshifted, without the R/W bit)", a));
    return static_cast<unsigned>(a);
}

ResourceClaim i2cAddressClaim(const std::string& bus, unsigned address) {
    std::string what = fmt::format("I2C address {:#04x} on {}", address, bus);
    return {what, what, /*exclusive=*/true, "address"};
}

I2cAttachment::I2cAttachment(const DeviceSpecBase& device, BoardWiring& wiring, const std::string& bus,
                             unsigned address, I2cTarget& target)
    : bus_(wiring.i2c ? wiring.i2c(bus) : nullptr), address_(static_cast<std::uint8_t>(address)) {
    auto fail = [&](const std::string& reason) {
        throw BoardError(fmt::format("device '{}' (line {}): {}", device.name, device.line, reason));
    };
    if (!wiring.i2c) return;  // a board built without a machine (for inspection): nothing to attach to
    if (!bus_) fail(fmt::format("I2C bus '{}' is not available on this machine", bus));
    if (!bus_->attach(address_, &target)) fail(fmt::format("I2C address {:#04x} on {} is already taken", address, bus));
}

I2cAttachment::~I2cAttachment() {
    if (bus_) bus_->detach(address_);
}

}  // namespace mt3620
