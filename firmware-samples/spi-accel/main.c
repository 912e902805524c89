/* spi-accel: reads an LSM6DS3 accelerometer over ISU1's SPI master (0x38080300; reference 4.4,
 * 4.6), chip select 1, the way Codethink's SPI samples attach one to ISU1. The app manifest would
 * list "SpiMaster": ["ISU1"]; in the emulator boards/mt3620-rdb-spi.yaml puts a `type: lsm6ds3`,
 * `interface: spi` there.
 *
 * SPI framing of ST's sensors: the first byte is bit 7 = read, bits 6:0 = register; then data
 * bytes, the register address moving on by one per byte (CTRL3_C.IF_INC, on after reset). Each
 * access is one ISU SPI transfer: that first byte is the command phase (SOAR, 8 bits), the data
 * the MOSI bytes (SDOR) of a write or the MISO bytes (SDIR) of a read. Transfers are polled:
 * STCSR.BUSY until 0, then SCSR (reading it clears the status).
 *
 * Prints on the debug UART:
 *   "spi-accel start"
 *   "WHO_AM_I 0x69"
 *   "CTRL1_XL 0x40"                 104 Hz, +-2 g, written then read back
 *   "XLDA after <n> polls"          STATUS_REG (0x1E) bit 0: a sample is ready (~9.6 ms later)
 *   "accel x=<x> y=<y> z=<z> mg"    OUTX_L_XL..OUTZ_H_XL (0x28-0x2D) in one 6-byte read,
 *                                   0.061 mg/LSB, rounded to the nearest mg
 *   "spi-accel done"
 * or "<what>: SPI transfer failed" when SCSR does not report spi_ok. */
#include <stdbool.h>
#include <stdint.h>

#include "isu_spi.h"
#include "lsm6ds3.h"
#include "mt3620.h"

#define ACCEL_SPI      ISU_SPI_BASE(1)
#define ACCEL_CS       1u
#define ACCEL_HZ       4000000u

#define REG_WHO_AM_I   0x0Fu
#define REG_CTRL1_XL   0x10u
#define REG_STATUS     0x1Eu
#define REG_OUTX_L_XL  0x28u
#define SPI_READ       0x80u
#define STATUS_XLDA    0x01u
#define CTRL1_XL_104HZ_2G 0x40u

/* SPI mode 3 (CPOL = CPHA = 1), which the LSM6DS3 supports next to mode 0. */
static uint32_t accel_mode(void)
{
    return isu_spi_mode(ACCEL_HZ, ACCEL_CS, false) | SPI_SMMR_CPOL | SPI_SMMR_CPHA;
}

static bool transfer(uint8_t first, const uint8_t *tx, uint32_t tx_len, uint8_t *rx, uint32_t rx_len)
{
    isu_spi_start(ACCEL_SPI, accel_mode(), &first, 1, tx, tx_len, rx_len);
    while (isu_spi_busy(ACCEL_SPI)) {
    }
    if ((reg_read(ACCEL_SPI, SPI_SCSR) & SPI_SCSR_OK) == 0) {
        return false;
    }
    isu_spi_read_rx(ACCEL_SPI, rx, rx_len);
    return true;
}

static bool read_regs(uint8_t reg, uint8_t *out, uint32_t n)
{
    return transfer((uint8_t)(SPI_READ | reg), 0, 0, out, n);
}

static bool write_reg(uint8_t reg, uint8_t value)
{
    return transfer(reg, &value, 1, 0, 0);
}

static bool failed(const char *what)
{
    uart_puts(what);
    uart_puts(": SPI transfer failed\r\n");
    return false;
}

static bool run(void)
{
    uint8_t who = 0;
    if (!read_regs(REG_WHO_AM_I, &who, 1)) return failed("WHO_AM_I");
    uart_puts("WHO_AM_I 0x");
    uart_put_hex(who, 2);
    uart_puts("\r\n");

    uint8_t ctrl = 0;
    if (!write_reg(REG_CTRL1_XL, CTRL1_XL_104HZ_2G) || !read_regs(REG_CTRL1_XL, &ctrl, 1)) return failed("CTRL1_XL");
    uart_puts("CTRL1_XL 0x");
    uart_put_hex(ctrl, 2);
    uart_puts("\r\n");

    uint32_t polls = 0;
    uint8_t status = 0;
    do {
        if (!read_regs(REG_STATUS, &status, 1)) return failed("STATUS_REG");
        ++polls;
    } while ((status & STATUS_XLDA) == 0 && polls < 100000u);
    uart_puts("XLDA after ");
    uart_put_dec(polls);
    uart_puts(" polls\r\n");

    uint8_t out[6];
    if (!read_regs(REG_OUTX_L_XL, out, sizeof out)) return failed("OUTX_L_XL");
    lsm6ds3_print_accel(out);
    return true;
}

void rtcore_main(void)
{
    uart_init();
    uart_puts("spi-accel start\r\n");
    run();
    uart_puts("spi-accel done\r\n");
    for (;;) {
        __wfi();
    }
}
