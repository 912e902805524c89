#include "board/DeviceRegistry.h"

#include <algorithm>
#include <stdexcept>

#include "board/AnalogInput.h"
#include "board/Button.h"
#include "board/I2cRegisterFile.h"
#include "board/Led.h"
#include "board/Lsm6dsx.h"
#include "board/SpiNorFlash.h"
#include "board/SpiRegisterFile.h"
#include "board/UartEndpoint.h"

namespace mt3620 {

const std::vector<DeviceType>& deviceTypes() {
    static const std::vector<DeviceType> types = [] {
        std::vector<DeviceType> t = {
            // One line per device type.
            DeviceType::of<Led>(),
            DeviceType::of<Button>(),
            DeviceType::of<AnalogInput>(),
            DeviceType::of<UartEndpoint>(),
            DeviceType::of<Lsm6ds3Device>(),
            DeviceType::of<Lsm6dsoDevice>(),
            DeviceType::of<I2cRegisterFile>(),
            DeviceType::of<SpiNorFlash>(),
            DeviceType::of<SpiRegisterFile>(),
        };
        std::sort(t.begin(), t.end(), [](const DeviceType& a, const DeviceType& b) { return a.name < b.name; });
        return t;
    }();
    return types;
}

const DeviceType* findDeviceType(std::string_view name) {
    for (const DeviceType& t : deviceTypes())
        if (t.name == name) return &t;
    return nullptr;
}

const DeviceType& deviceTypeOf(const DeviceSpec& spec) {
    for (const DeviceType& t : deviceTypes())
        if (t.spec_index == spec.index()) return t;
    // A spec added to DeviceSpec without its registration line.
    throw std::logic_error("board device spec without a registered device type");
}

}  // namespace mt3620
