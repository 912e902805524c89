#pragma once
// What every SPI board device shares: the `bus:` and `chip-select:` fields, the claim on that
// chip-select line (two devices on one line are refused when the board file is read), and the
// attachment to the live bus, undone when the device goes away.
//
//   - name: flash
//     type: spi-nor-flash
//     bus: ISU1            # ISU0 .. ISU4, as app manifests name them ("SpiMaster": ["ISU1"])
//     chip-select: 0       # 0 or 1 (rs_slave_sel), default 0
#include <string>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"

namespace mt3620 {

class SpiBus;
class SpiTarget;

/// Reads `bus` and `chip-select`.
SpiWiringSpec parseSpiWiring(FieldReader& fields);
/// Reads `chip-select` alone (0 or 1, default 0), for a device that reads `bus` itself.
unsigned parseSpiChipSelect(FieldReader& fields);
/// The chip-select line the device occupies, exclusively.
ResourceClaim spiClaim(const SpiWiringSpec& spi);

/// Keeps `target` attached to its bus and chip select for as long as it lives.
class SpiAttachment {
public:
    /// Throws BoardError naming the device if the bus is not available or the line is taken.
    /// Without a lookup (a board built without a machine, to inspect it) the device stays
    /// unattached, as I2C devices do.
    SpiAttachment(const SpiWiringSpec& spi, const DeviceSpecBase& device, BoardWiring& wiring, SpiTarget& target);
    ~SpiAttachment();
    SpiAttachment(const SpiAttachment&) = delete;
    SpiAttachment& operator=(const SpiAttachment&) = delete;

private:
    SpiBus* bus_;
    unsigned chip_select_;
};

}  // namespace mt3620
