#pragma once
// What every board device on an ISU's I2C bus shares: the `bus:` and `address:` fields, the
// board file's claim of the address (two devices at one address are refused with both lines),
// and the attachment to the bus, undone when the device goes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"

namespace mt3620 {

class I2cBus;
class I2cTarget;

/// The buses a board file may name: the ISUs app manifests list as "I2cMaster": ["ISU2"].
const std::vector<std::string>& i2cBusNames();
/// Reads `bus:`; fails unless it names one of i2cBusNames().
std::string parseI2cBus(FieldReader& fields);
/// Reads `address:` (a 7-bit address, 0x08-0x77: the others are reserved by the I2C
/// specification), or `default_address` if the field is absent (required without one).
unsigned parseI2cAddress(FieldReader& fields, std::optional<unsigned> default_address = std::nullopt);
/// The claim of `address` on `bus`, exclusive.
ResourceClaim i2cAddressClaim(const std::string& bus, unsigned address);

/// A target attached to a bus for as long as this object lives.
class I2cAttachment {
public:
    /// Finds `bus` through wiring.i2c and attaches `target` at `address`. Throws BoardError
    /// naming the device if the bus is missing or the address is taken. Without a lookup (a
    /// board built without a machine, to inspect it) the device stays unattached.
    I2cAttachment(const DeviceSpecBase& device, BoardWiring& wiring, const std::string& bus, unsigned address,
                  I2cTarget& target);
    ~I2cAttachment();
    I2cAttachment(const I2cAttachment&) = delete;
    I2cAttachment& operator=(const I2cAttachment&) = delete;

private:
    I2cBus* bus_;
    std::uint8_t address_;
};

}  // namespace mt3620
