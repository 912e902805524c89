/* PWM controllers through this project's /dev/pwm<n> character device (docs/hl-apps.md). */
#include <applibs/pwm.h>

#include <fcntl.h>
#include <sys/ioctl.h>

#include "internal.h"

struct mt_pwm_apply {
    uint32_t channel, period_ns, duty_ns, polarity, enabled;
};
_Static_assert(sizeof(struct mt_pwm_apply) == MT_PWM_APPLY_SIZE, "mt_pwm_apply layout");

int PWM_Open(PWM_ControllerId pwm)
{
    if (pwm > 0x7fffffffu) APPLIBS_FAIL(ENODEV);
    return applibs_open_device(MT_PWM_PATH_FORMAT, (int)pwm, O_RDWR);
}

int PWM_Apply(int pwmFd, PWM_ChannelId pwmChannel, const PwmState *newState)
{
    if (newState == NULL) APPLIBS_FAIL(EINVAL);
    struct mt_pwm_apply a = {pwmChannel, newState->period_nsec, newState->dutyCycle_nsec, newState->polarity,
                             newState->enabled ? 1u : 0u};
    return ioctl(pwmFd, MT_PWM_IOC_APPLY, &a) < 0 ? -1 : 0;
}
