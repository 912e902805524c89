#include "os/PwmDevice.h"

#include "os/DeviceAbi.h"
#include "os/GuestMemory.h"
#include "periph/PwmController.h"

namespace mt3620::os {

PwmFile::PwmFile(PwmController& pwm, unsigned index)
    : DeviceFile("/dev/pwm" + std::to_string(index), deviceNumber(kMajorMisc, 130 + index)), pwm_(pwm) {}

std::int64_t PwmFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    if (request != MT_PWM_IOC_APPLY) return -ENOTTY;
    State s;
    static_assert(sizeof s == MT_PWM_APPLY_SIZE);
    if (!mem.read(arg, &s, sizeof s)) return -EFAULT;
    return apply(s);
}

int PwmFile::apply(const State& s) {
    if (s.channel >= PwmController::kChannels) return -ENODEV;
    const std::uint32_t ctrl_off = PwmController::ctrlOffset(s.channel);
    if (!s.enabled) {
        pwm_.write(ctrl_off, 4, 0);  // kick and clock off: the pad goes back to its GPIO
        return 0;
    }
    if (s.period_ns == 0 || s.duty_ns > s.period_ns || s.polarity > 1) return -EINVAL;

    struct Clock {
        std::uint64_t hz;
        std::uint32_t select;  // PWM_GLO_CTRL b[2:1]
    };
    static constexpr Clock kClocks[] = {{PwmController::kXtalHz, 2}, {PwmController::k2MHz, 1}, {PwmController::k32kHz, 0}};
    for (const Clock& c : kClocks) {
        const std::uint64_t period = (std::uint64_t{s.period_ns} * c.hz + 500'000'000) / 1'000'000'000;
        const std::uint64_t on = (std::uint64_t{s.duty_ns} * c.hz + 500'000'000) / 1'000'000'000;
        const std::uint64_t off = period - std::min(on, period);
        if (on > 0xFFFF || off > 0xFFFF) continue;
        if (period == 0) return -EINVAL;  // shorter than one tick of the fastest clock
        const std::uint32_t glo = pwm_.peek(PwmController::kGloCtrl);
        pwm_.write(PwmController::kGloCtrl, 4,
                   (glo & ~(PwmController::kTickSelMask | PwmController::kGlobalKick)) | (c.select << PwmController::kTickSelShift));
        pwm_.write(PwmController::paramS0Offset(s.channel), 4, static_cast<std::uint32_t>(on | (off << 16)));
        pwm_.write(ctrl_off, 4,
                   PwmController::kClockEn | PwmController::kKick | (1u << PwmController::kS0StayShift) |
                       (s.polarity ? PwmController::kPolarity : 0));
        return 0;
    }
    return -EINVAL;  // longer than 2 x 65535 ticks of 32.768 kHz (4 s)
}

}  // namespace mt3620::os
