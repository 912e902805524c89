/* ISU SPI master helpers for the samples (reference 4.4, 4.6), written from the register facts.
 *
 * ISU n's SPI master is at 0x38070300 + n * 0x10000, NVIC IRQ 45 + 4n. One transfer is one
 * chip-select frame: a command phase of up to 4 bytes from SOAR (most significant byte first),
 * then in half duplex up to 32 bytes out from SDOR0-7 followed by up to 32 bytes in to SDIR0-7.
 * The sequence: SOAR, SDORn, SMMR (more_buf_mode, clock divider, chip select, INT_EN), SMBCR
 * (bit counts), STCSR.START; STCSR.BUSY reads 1 until the end, when SCSR holds spi_ok and IRQ
 * 45 + 4n rises if INT_EN is set. Reading SCSR clears the interrupt. */
#ifndef ISU_SPI_H
#define ISU_SPI_H

#include <stdbool.h>
#include <stdint.h>

#include "mt3620.h"

#define ISU_SPI_BASE(n)         (0x38070300u + (uint32_t)(n) * 0x10000u)
#define ISU_SPI_IRQ(n)          (45u + 4u * (uint32_t)(n))

#define SPI_STCSR               0x00u
#define SPI_SOAR                0x04u
#define SPI_SDOR(i)             (0x08u + 4u * (uint32_t)(i))
#define SPI_SMMR                0x28u
#define SPI_SMBCR               0x2Cu
#define SPI_SCSR                0x34u
#define SPI_CSPOL               0x38u
#define SPI_SDIR(i)             (0x48u + 4u * (uint32_t)(i))

#define SPI_STCSR_START         (1u << 8)
#define SPI_STCSR_BUSY          (1u << 16)
#define SPI_SMMR_MORE_BUF       (1u << 2)
#define SPI_SMMR_LSB_FIRST      (1u << 3)
#define SPI_SMMR_CPOL           (1u << 4)
#define SPI_SMMR_CPHA           (1u << 5)
#define SPI_SMMR_INT_EN         (1u << 9)
#define SPI_SMMR_FULL_DUPLEX    (1u << 10)
#define SPI_SMMR_CLK_SEL(d)     (((uint32_t)(d) & 0xFFFu) << 16)
#define SPI_SMMR_CS(cs)         (((uint32_t)(cs) & 0x7u) << 29)
#define SPI_SMBCR_BITS(cmd, mosi, miso) \
    ((((uint32_t)(cmd) & 0x3Fu) << 24) | (((uint32_t)(miso) & 0x1FFu) << 12) | ((uint32_t)(mosi) & 0x1FFu))
#define SPI_SCSR_OK             (1u << 0)

#define SPI_HCLK_HZ             79040000u   /* "80 MHz" */
#define SPI_BUFFER_HALF_DUPLEX  32u
#define SPI_COMMAND_MAX         4u

/* rs_clk_sel for the fastest SCK at or below `hz`: SCK = HCLK / (rs_clk_sel + 2). */
static inline uint32_t isu_spi_clock_divider(uint32_t hz)
{
    uint32_t div = (SPI_HCLK_HZ + hz - 1u) / hz;
    return div < 2u ? 0u : div - 2u;
}

/* SMMR for a mode-0, MSB-first master on chip select `cs`. */
static inline uint32_t isu_spi_mode(uint32_t hz, uint32_t cs, bool irq)
{
    return SPI_SMMR_MORE_BUF | SPI_SMMR_CLK_SEL(isu_spi_clock_divider(hz)) | SPI_SMMR_CS(cs) |
           (irq ? SPI_SMMR_INT_EN : 0u);
}

/* Starts a half-duplex transfer: `cmd_len` (0-4) command bytes, `tx_len` bytes from `tx`, then
 * `rx_len` bytes to read (tx_len and rx_len at most 32). */
static inline void isu_spi_start(uintptr_t base, uint32_t smmr, const uint8_t *cmd, uint32_t cmd_len,
                                 const uint8_t *tx, uint32_t tx_len, uint32_t rx_len)
{
    uint32_t soar = 0;
    for (uint32_t i = 0; i < cmd_len; ++i) {
        soar = (soar << 8) | cmd[i];
    }
    reg_write(base, SPI_SOAR, soar);
    for (uint32_t w = 0; w < (tx_len + 3u) / 4u; ++w) {
        uint32_t word = 0;
        for (uint32_t b = 0; b < 4u && 4u * w + b < tx_len; ++b) {
            word |= (uint32_t)tx[4u * w + b] << (8u * b);
        }
        reg_write(base, SPI_SDOR(w), word);
    }
    reg_write(base, SPI_SMMR, smmr);
    reg_write(base, SPI_SMBCR, SPI_SMBCR_BITS(8u * cmd_len, 8u * tx_len, 8u * rx_len));
    reg_write(base, SPI_STCSR, SPI_STCSR_START);
}

static inline bool isu_spi_busy(uintptr_t base)
{
    return (reg_read(base, SPI_STCSR) & SPI_STCSR_BUSY) != 0;
}

/* After the end: copies `rx_len` received bytes from SDIR0.. */
static inline void isu_spi_read_rx(uintptr_t base, uint8_t *rx, uint32_t rx_len)
{
    for (uint32_t i = 0; i < rx_len; ++i) {
        rx[i] = (uint8_t)(reg_read(base, SPI_SDIR(i / 4u)) >> (8u * (i % 4u)));
    }
}

#endif
