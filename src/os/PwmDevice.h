#pragma once
// The PWM controllers of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/pwm0..2, this
// project's character device with one ioctl, MT_PWM_IOC_APPLY (src/os/DeviceAbi.h), that
// applies a PwmState (period, duty cycle, polarity, enabled) to channel 0-3 atomically.
//
// It programs the PWM controller model (PwmController, reference 4.2) through its registers,
// as the OS driver does: the tick clock (PWM_GLO_CTRL b[2:1]) is the fastest of 26 MHz,
// 2 MHz and 32.768 kHz in which the on- and off-times both fit the 16-bit PARAM_S0 fields,
// then PWMk_PARAM_S0 and PWMk_CTRL (clock_en, kick, S0_stay_cycle 1, polarity). Times are
// rounded to the nearest tick. The channel then drives GPIO 4c+k on the PinBank. The tick
// clock is per controller: the last apply sets it for channels kicked after it.
// Opening needs the controller in the manifest's "Pwm" list (EACCES otherwise); a channel
// above 3 is ENODEV, a duty cycle longer than the period or a zero period EINVAL.
#include "os/DeviceFile.h"

namespace mt3620 {
class PwmController;
}

namespace mt3620::os {

class PwmFile : public DeviceFile {
public:
    PwmFile(PwmController& pwm, unsigned index);
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;

    struct State {
        std::uint32_t channel, period_ns, duty_ns, polarity, enabled;
    };
    /// Programs one channel: 0 or -errno.
    int apply(const State& s);

private:
    PwmController& pwm_;
};

}  // namespace mt3620::os
