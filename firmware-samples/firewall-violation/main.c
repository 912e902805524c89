/* firewall-violation: an RTApp that writes a GPIO another core owns (docs/firewall.md).
 * Its manifest (app_manifest.json) claims GPIO 0 only; blink, run on the other core with
 * blink_manifest.json, owns GPIO 8 (GPIO group 2, 0x38030000). Writing GPIO 8's DOUT_SET is
 * refused by the firewall: with --firewall fault a precise BusFault, which this app reports on
 * its debug UART (CFSR, BFAR and the stacked PC = the store at violation_store). */
#include "mt3620.h"

#define SCB_SHCSR 0xE000ED24u
#define SCB_CFSR  0xE000ED28u
#define SCB_BFAR  0xE000ED38u

void bus_fault_report(const uint32_t *frame)
{
    uint32_t cfsr = reg_read(SCB_CFSR, 0);
    uart_puts("firewall-violation: BusFault CFSR ");
    uart_put_hex32(cfsr);
    uart_puts(" BFAR ");
    uart_put_hex32(reg_read(SCB_BFAR, 0));
    uart_puts(" PC ");
    uart_put_hex32(frame[6]);
    uart_puts("\r\n");
    for (;;) __wfi();
}

__attribute__((naked)) void BusFault_Handler(void)
{
    __asm__ volatile("mrs r0, msp\n b bus_fault_report\n");
}

void rtcore_main(void)
{
    uart_init();
    reg_write(SCB_SHCSR, 0, reg_read(SCB_SHCSR, 0) | (1u << 17)); /* BUSFAULTENA */
    uart_puts("firewall-violation: GPIO 0 (mine) ");
    reg_write(GPIO_GROUP_BASE(0), 0x14u, 1u); /* DOUT_SET, GPIO 0: allowed */
    uart_puts("ok; GPIO 8 (m4-0's) next\r\n");
    __asm__ volatile(
        ".global violation_store\n"
        "violation_store:\n"
        "    str %1, [%0]\n" ::"r"(GPIO_GROUP_BASE(2) + 0x14u), "r"(1u) : "memory");
    uart_puts("firewall-violation: the write went through (firewall off or log)\r\n");
    for (;;) __wfi();
}
