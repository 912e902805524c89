#include "os/PowerDevice.h"

#include <algorithm>

#include "os/DeviceAbi.h"

namespace mt3620::os {

PowerFile::PowerFile(std::vector<std::string> controls, std::function<void(const std::string&)> on_request)
    : DeviceFile(MT_POWER_PATH, deviceNumber(kMajorMisc, 140)), controls_(std::move(controls)),
      on_request_(std::move(on_request)) {}

std::int64_t PowerFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory&) {
    const char* control = request == MT_POWER_IOC_REBOOT       ? "ForceReboot"
                          : request == MT_POWER_IOC_POWER_DOWN ? "ForcePowerDown"
                                                               : nullptr;
    if (!control) return -ENOTTY;
    if (std::find(controls_.begin(), controls_.end(), control) == controls_.end()) return -EACCES;
    on_request_(request == MT_POWER_IOC_REBOOT
                    ? std::string("system reboot requested by the app")
                    : "system power-down requested by the app (maximum residency " + std::to_string(arg) + " s)");
    return 0;
}

}  // namespace mt3620::os
