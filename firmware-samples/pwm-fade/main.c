/* pwm-fade: PWM controller 2 (0x38031000, reference 4.2), channel 0, drives GPIO8 (LED1
 * red on the reference board) with a 1 kHz signal whose duty steps from 0 % to 100 %.
 *   GLO_CTRL = 0xE400 (default), then 0xE402 (tick clock select 1 = 2 MHz).
 *   PWM0_CTRL = 0, PWM0_PARAM_S0 = 0, PWM0_PARAM_S1 = 0 (stopped, cleared).
 *   Each duty change: PWM0_CTRL = 0x110 (clock_en, S0_stay_cycle = 1, S1_stay_cycle = 0,
 *   push-pull, polarity 0), PWM0_PARAM_S0 = (off << 16) | on, PWM0_PARAM_S1 = 0,
 *   PWM0_CTRL = 0x111 (kick). on + off = 2000 ticks of 2 MHz = 1 ms; on = 20 * percent.
 * "Duty" is the fraction of the period the output is high (the LED is active low, so it
 * is darkest at 100 %). Prints "pwm-fade start", then "duty <p>" for p = 0, 10, ..., 100
 * at 0, 100, ..., 1000 ms of GPT3 time (absolute deadlines), then at 1100 ms sets 25 %
 * (on = 500, off = 1500), prints "pwm hold 25%" and sleeps in WFI for ever. */
#include "mt3620.h"

#define PWM_CONTROLLER  2u   /* GPIO 8..11 */
#define PWM_CHANNEL     0u   /* GPIO 8 */
#define PERIOD_TICKS    2000u /* 1 kHz at 2 MHz */
#define STEP_US         100000u
#define HOLD_PERCENT    25u

static void pwm_set_duty(uint32_t percent)
{
    const uintptr_t pwm = PWM_BASE(PWM_CONTROLLER);
    const uint32_t on = PERIOD_TICKS * percent / 100u;
    const uint32_t off = PERIOD_TICKS - on;
    const uint32_t ctrl = PWM_CTRL_CLOCK_EN | PWM_CTRL_S0_STAY(1) | PWM_CTRL_S1_STAY(0);
    reg_write(pwm, PWM_CTRL(PWM_CHANNEL), ctrl);
    reg_write(pwm, PWM_PARAM_S0(PWM_CHANNEL), PWM_PARAM(on, off));
    reg_write(pwm, PWM_PARAM_S1(PWM_CHANNEL), 0);
    reg_write(pwm, PWM_CTRL(PWM_CHANNEL), ctrl | PWM_CTRL_KICK);
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    uart_puts("pwm-fade start\r\n");

    const uintptr_t pwm = PWM_BASE(PWM_CONTROLLER);
    reg_write(pwm, PWM_GLO_CTRL, PWM_GLO_CTRL_DEFAULT);
    reg_write(pwm, PWM_GLO_CTRL,
              PWM_GLO_CTRL_DEFAULT | (PWM_TICK_2MHZ << PWM_GLO_TICK_SEL_SHIFT));
    reg_write(pwm, PWM_CTRL(PWM_CHANNEL), 0);
    reg_write(pwm, PWM_PARAM_S0(PWM_CHANNEL), 0);
    reg_write(pwm, PWM_PARAM_S1(PWM_CHANNEL), 0);

    uint32_t deadline = gpt3_now_us();
    for (uint32_t percent = 0; percent <= 100u; percent += 10u) {
        gpt3_wait_until(deadline);
        pwm_set_duty(percent);
        uart_puts("duty ");
        uart_put_dec(percent);
        uart_puts("\r\n");
        deadline += STEP_US;
    }

    gpt3_wait_until(deadline);
    pwm_set_duty(HOLD_PERCENT);
    uart_puts("pwm hold 25%\r\n");

    for (;;) {
        __wfi();
    }
}
