/* adc-read: polled conversions of ADC channel 0 (GPIO41, the potentiometer of the
 * reference board) with the internal 2.5 V reference (ADC at 0x38000000, reference 4.7).
 * Set-up, once:
 *   ADC_CTL3 = 0x0000281B (comparator delay 3, pre-amp current 2, pre-amp enable,
 *              input mux enable, VCM enable; b31 VREF mode 0 = 2.5 V),
 *   ADC_CTL0 = 0x00002880 (CH_MAP 0, T_INIT 20, T_CH 8, FSM_EN 0), then 50 us on GPT3.
 * Each reading: drain the FIFO (read ADC_FIFO_RBR while ADC_FIFO_DEBUG16 shows entries,
 * at most 32), ADC_CTL0 = 0x00012881 (CH_MAP bit 0, FSM_EN), wait 21 us, poll DEBUG16
 * until the FIFO is not empty (give up after 1 ms), ADC_CTL0 = 0x00012880 (FSM_EN off),
 * read ADC_FIFO_RBR: code = b[15:4], channel = b[3:0].
 * Prints "adc-read start", then "adc ch<channel> <code> <mV> mV" (mV = code * 2500 / 4095,
 * truncated) for readings n = 0..7 at n * 250 ms of GPT3 time (absolute deadlines), or
 * "adc ch0 timeout" if no sample arrived, then "adc done" and sleeps in WFI for ever. */
#include "mt3620.h"

#define ADC_CHANNEL      0u
#define ADC_T_INIT       20u
#define ADC_T_CH         8u
#define ADC_CTL3_SETUP   (0x3u          /* b[1:0] comparator delay */        \
                          | (0x2u << 2) /* b[3:2] pre-amp current */         \
                          | (1u << 4)   /* pre-amp enable */                 \
                          | (1u << 11)  /* input mux enable */               \
                          | (1u << 13)) /* VCM enable; b31 = 0: 2.5 V VREF */
#define VREF_MV          2500u
#define CODE_MAX         4095u
#define READINGS         8u
#define PERIOD_US        250000u
#define SAMPLE_TIMEOUT_US 1000u

static const uint32_t ctl0_idle = ADC_CTL0_T_INIT(ADC_T_INIT) | ADC_CTL0_T_CH(ADC_T_CH);

static void adc_setup(void)
{
    reg_write(ADC_BASE, ADC_CTL3, ADC_CTL3_SETUP);
    reg_write(ADC_BASE, ADC_CTL0, ctl0_idle | ADC_CTL0_CH_MAP(0));
    delay_us(50);
}

/* One conversion of `channel`; returns false on timeout, else the raw RBR word. */
static bool adc_read(uint32_t channel, uint32_t *rbr)
{
    for (uint32_t i = 0; i < ADC_FIFO_SIZE && adc_fifo_count() != 0; ++i) {
        (void)reg_read(ADC_BASE, ADC_FIFO_RBR);
    }
    const uint32_t ctl0 = ctl0_idle | ADC_CTL0_CH_MAP(1u << channel);
    reg_write(ADC_BASE, ADC_CTL0, ctl0 | ADC_CTL0_FSM_EN);
    delay_us(21);
    const uint32_t start = gpt3_now_us();
    bool ready;
    while (!(ready = adc_fifo_count() != 0)) {
        if (gpt3_now_us() - start >= SAMPLE_TIMEOUT_US) {
            break;
        }
    }
    reg_write(ADC_BASE, ADC_CTL0, ctl0);
    if (!ready) {
        return false;
    }
    *rbr = reg_read(ADC_BASE, ADC_FIFO_RBR);
    return true;
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    uart_puts("adc-read start\r\n");

    adc_setup();
    uint32_t deadline = gpt3_now_us();
    for (uint32_t n = 0; n < READINGS; ++n) {
        gpt3_wait_until(deadline);
        uint32_t rbr;
        if (adc_read(ADC_CHANNEL, &rbr)) {
            const uint32_t code = (rbr >> 4) & 0xFFFu;
            const uint32_t mv = code * VREF_MV / CODE_MAX;
            uart_puts("adc ch");
            uart_put_dec(rbr & 0xFu);
            uart_putc(' ');
            uart_put_dec(code);
            uart_putc(' ');
            uart_put_dec(mv);
            uart_puts(" mV\r\n");
        } else {
            uart_puts("adc ch0 timeout\r\n");
        }
        deadline += PERIOD_US;
    }
    uart_puts("adc done\r\n");

    for (;;) {
        __wfi();
    }
}
