/* spi-flash: a boot record in a JEDEC SPI NOR flash on ISU1's SPI master, chip select 0
 * (0x38080300, NVIC IRQ 49; reference 4.4, 4.6). The app manifest would list
 * "SpiMaster": ["ISU1"]; in the emulator a board file puts a `type: spi-nor-flash` on ISU1 CS0
 * (boards/mt3620-rdb-spi.yaml), whose contents persist to a file between runs.
 *
 * Each boot it
 *   1. reads the JEDEC ID (0x9F) and prints it,
 *   2. reads the 32-byte boot record at address 0 (0x03) and prints what it finds,
 *   3. erases sector 0 (0x06 WREN, 0x20 SECTOR ERASE, polling 0x05 RDSR until WIP clears),
 *      checks that it reads back erased, and prints how long the erase took (GPT3, us),
 *   4. programs a new record with the next boot number (0x06, 0x02 PAGE PROGRAM) and reads
 *      it back to verify,
 * all on the debug UART. Every transfer runs from start to SPI interrupt: the main loop sleeps
 * in WFI until the handler has read SCSR (which clears the interrupt). A second run against the
 * same flash file prints the record the first run wrote. */
#include <stdbool.h>
#include <stdint.h>

#include "isu_spi.h"
#include "mt3620.h"

#define FLASH_SPI        ISU_SPI_BASE(1)
#define FLASH_IRQ        ISU_SPI_IRQ(1)
#define FLASH_CS         0u
#define FLASH_HZ         2000000u

#define CMD_PAGE_PROGRAM 0x02u
#define CMD_READ         0x03u
#define CMD_READ_STATUS  0x05u
#define CMD_WRITE_ENABLE 0x06u
#define CMD_SECTOR_ERASE 0x20u
#define CMD_JEDEC_ID     0x9Fu
#define STATUS_WIP       0x01u

#define RECORD_ADDRESS   0x000000u
#define RECORD_SIZE      32u
#define RECORD_MAGIC     0x46495053u   /* "SPIF" little-endian */
#define MESSAGE_OFFSET   8u

static volatile bool g_done;
static volatile uint32_t g_status;

void IRQ49_Handler(void)
{
    g_status = reg_read(FLASH_SPI, SPI_SCSR);   /* reading SCSR clears the interrupt */
    g_done = true;
    __dsb();
}

/* One chip-select frame: command bytes, then `tx_len` bytes out, then `rx_len` bytes in. */
static bool spi_transfer(const uint8_t *cmd, uint32_t cmd_len, const uint8_t *tx, uint32_t tx_len,
                         uint8_t *rx, uint32_t rx_len)
{
    g_done = false;
    isu_spi_start(FLASH_SPI, isu_spi_mode(FLASH_HZ, FLASH_CS, true), cmd, cmd_len, tx, tx_len, rx_len);
    for (;;) {
        __disable_irq();
        if (g_done) {
            __enable_irq();
            break;
        }
        __wfi();
        __enable_irq();
    }
    if ((g_status & SPI_SCSR_OK) == 0) {
        return false;
    }
    isu_spi_read_rx(FLASH_SPI, rx, rx_len);
    return true;
}

static uint8_t read_status(void)
{
    uint8_t cmd = CMD_READ_STATUS, status = 0xFF;
    spi_transfer(&cmd, 1, 0, 0, &status, 1);
    return status;
}

static void write_enable(void)
{
    uint8_t cmd = CMD_WRITE_ENABLE;
    spi_transfer(&cmd, 1, 0, 0, 0, 0);
}

/* Polls RDSR until WIP clears; returns the number of polls. */
static uint32_t wait_ready(void)
{
    uint32_t polls = 1;
    while (read_status() & STATUS_WIP) {
        ++polls;
    }
    return polls;
}

static void read_flash(uint32_t address, uint8_t *data, uint32_t len)
{
    uint8_t cmd[4] = {CMD_READ, (uint8_t)(address >> 16), (uint8_t)(address >> 8), (uint8_t)address};
    spi_transfer(cmd, 4, 0, 0, data, len);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void print_message(const uint8_t *record)
{
    uart_putc('"');
    for (uint32_t i = MESSAGE_OFFSET; i < RECORD_SIZE && record[i] != 0; ++i) {
        uart_putc((char)record[i]);
    }
    uart_putc('"');
}

/* "boot <n> says hello" into the record's message field. */
static void make_record(uint8_t *record, uint32_t boot)
{
    static const char prefix[] = "boot ";
    static const char suffix[] = " says hello";
    for (uint32_t i = 0; i < RECORD_SIZE; ++i) {
        record[i] = 0;
    }
    put32(record, RECORD_MAGIC);
    put32(record + 4, boot);
    uint32_t n = MESSAGE_OFFSET;
    for (const char *s = prefix; *s; ++s) {
        record[n++] = (uint8_t)*s;
    }
    char digits[10];
    int d = 0;
    do {
        digits[d++] = (char)('0' + boot % 10u);
        boot /= 10u;
    } while (boot != 0);
    while (d > 0) {
        record[n++] = (uint8_t)digits[--d];
    }
    for (const char *s = suffix; *s && n < RECORD_SIZE - 1u; ++s) {
        record[n++] = (uint8_t)*s;
    }
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    nvic_set_priority(FLASH_IRQ, 2);
    nvic_clear_pending(FLASH_IRQ);
    nvic_enable_irq(FLASH_IRQ);
    __enable_irq();
    uart_puts("spi-flash: ISU1 SPI master, chip select 0\r\n");

    uint8_t cmd = CMD_JEDEC_ID;
    uint8_t id[3];
    if (!spi_transfer(&cmd, 1, 0, 0, id, 3)) {
        uart_puts("spi-flash: SPI transfer failed\r\n");
        for (;;) __wfi();
    }
    uart_puts("spi-flash: JEDEC ID ");
    for (int i = 0; i < 3; ++i) {
        uart_put_hex(id[i], 2);
        uart_putc(i < 2 ? ' ' : '\r');
    }
    uart_putc('\n');
    if (id[0] == 0x00 || id[0] == 0xFF) {
        uart_puts("spi-flash: no flash answers on ISU1 chip select 0\r\n");
        for (;;) __wfi();
    }

    uint8_t record[RECORD_SIZE];
    read_flash(RECORD_ADDRESS, record, RECORD_SIZE);
    uint32_t boot = 1;
    if (get32(record) == RECORD_MAGIC) {
        uint32_t previous = get32(record + 4);
        uart_puts("spi-flash: found record of boot ");
        uart_put_dec(previous);
        uart_puts(": ");
        print_message(record);
        uart_puts("\r\n");
        boot = previous + 1u;
    } else {
        uart_puts("spi-flash: no boot record (erased flash)\r\n");
    }

    write_enable();
    uint8_t erase[4] = {CMD_SECTOR_ERASE, 0, 0, 0};
    uint32_t t0 = gpt3_now_us();
    spi_transfer(erase, 4, 0, 0, 0, 0);
    uint32_t polls = wait_ready();
    uint32_t erase_us = gpt3_now_us() - t0;
    read_flash(RECORD_ADDRESS, record, RECORD_SIZE);
    bool erased = true;
    for (uint32_t i = 0; i < RECORD_SIZE; ++i) {
        erased = erased && record[i] == 0xFF;
    }
    uart_puts("spi-flash: sector 0 erased in ");
    uart_put_dec(erase_us / 1000u);
    uart_puts(" ms (");
    uart_put_dec(polls);
    uart_puts(" status polls)");
    uart_puts(erased ? ", reads back erased\r\n" : ", but does NOT read back erased\r\n");

    uint8_t fresh[RECORD_SIZE];
    make_record(fresh, boot);
    write_enable();
    uint8_t program[4] = {CMD_PAGE_PROGRAM, (uint8_t)(RECORD_ADDRESS >> 16), (uint8_t)(RECORD_ADDRESS >> 8),
                          (uint8_t)RECORD_ADDRESS};
    spi_transfer(program, 4, fresh, RECORD_SIZE, 0, 0);
    wait_ready();
    read_flash(RECORD_ADDRESS, record, RECORD_SIZE);
    bool same = true;
    for (uint32_t i = 0; i < RECORD_SIZE; ++i) {
        same = same && record[i] == fresh[i];
    }
    uart_puts("spi-flash: wrote record of boot ");
    uart_put_dec(boot);
    uart_puts(": ");
    print_message(record);
    uart_puts(same ? ", verify OK\r\n" : ", verify FAILED\r\n");
    uart_puts("spi-flash: done\r\n");
    /* Stop GPT3 so nothing is left counting: the emulator then sees an idle machine and stops. */
    reg_write(GPT_BASE, GPT3_CTRL, 0);
    for (;;) {
        __wfi();
    }
}
