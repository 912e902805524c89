#pragma once
// /dev/power: this project's device behind PowerManagement_ForceSystemReboot and
// PowerManagement_ForceSystemPowerDown (docs/hl-apps.md). Each request needs its entry in the
// manifest's "PowerControls" list ("ForceReboot", "ForcePowerDown"), else EACCES. A granted
// request ends the app the way the device going down would (`on_request` with a reason).
#include <functional>
#include <string>
#include <vector>

#include "os/DeviceFile.h"

namespace mt3620::os {

class PowerFile : public DeviceFile {
public:
    PowerFile(std::vector<std::string> controls, std::function<void(const std::string&)> on_request);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

private:
    std::vector<std::string> controls_;
    std::function<void(const std::string&)> on_request_;
};

}  // namespace mt3620::os
