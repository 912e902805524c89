/* applibs/pwm.h: PWM controllers the app manifest's "Pwm" list grants (this project's
 * implementation of the public Azure Sphere API; docs/hl-apps.md). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int PWM_ControllerId;
typedef uint32_t PWM_ChannelId;
typedef uint32_t PwmPolarity;
enum {
    PWM_Polarity_Normal,   /* high during the duty cycle */
    PWM_Polarity_Inversed, /* low during the duty cycle */
};

typedef struct PwmState {
    unsigned int period_nsec;
    unsigned int dutyCycle_nsec;  /* at most the period */
    PwmPolarity polarity;
    bool enabled;
} PwmState;

/* A descriptor, or -1 and errno (EACCES: not in the manifest). */
int PWM_Open(PWM_ControllerId pwm);
/* 0, or -1 and errno (EBADF, ENODEV: no such channel, EINVAL: bad state). */
int PWM_Apply(int pwmFd, PWM_ChannelId pwmChannel, const PwmState *newState);

#ifdef __cplusplus
}
#endif
