/* i2c-accel: reads an LSM6DS3 accelerometer over ISU2's I2C master (0x38090200, NVIC IRQ 52,
 * reference 4.4 and 4.5), the way Microsoft's I2C sample wires the sensor on the RDB (7-bit
 * address 0x6A). The app manifest would list "I2cMaster": ["ISU2"].
 *
 * Set-up: ISU2 global control b0 (SW_RST released) and b8 (I2C clock) set; MM_PAD_CON0 =
 * CLK_SYNC_EN | DE_CNT 1; 400 kHz: 65 ticks of 26 MHz per SCL period, of which the clock
 * synchronisation takes 2 and the de-glitch DE_CNT + 4 = 5, so the four phases are 16, 9, 16
 * and 17 (phase 1 shortened, as MediaTek's driver does); both FIFOs cleared, MM_INT_STA
 * cleared; IRQ 52 enabled in the NVIC.
 * Every transfer follows the drivers' sequence: check MM_STATUS.START_READY; MM_CON0 =
 * MASTER_EN | GMODE; MM_ID_CON0 = address; MM_PACK_CON0 (1 packet, or 2 for
 * write-then-read with packet 1 a read) and the byte counts; INT_CTRL = MM_INT_EN; push the
 * write bytes into MM_FIFO_DATA; MM_CON0 |= START_EN; sleep in WFI until the IRQ 52 handler
 * (which writes 1 to MM_INT_STA) flags completion. Then MM_ACK_VAL b[10:8] (address NACK per
 * packet, 1 = NACK) and b[7:0] (data NACK) are checked, the RX count comes from MM_FIFO_PTR
 * (RX wptr - rptr) and must equal the read length, the bytes are popped from MM_FIFO_DATA and
 * both FIFOs are cleared.
 *
 * Prints on the debug UART:
 *   "i2c-accel start"
 *   "WHO_AM_I 0x69"                 register 0x0F
 *   "CTRL1_XL 0x40"                 written (104 Hz, +-2 g), read back
 *   "XLDA after <n> polls"          STATUS_REG (0x1E) polled until bit 0 is set
 *   "accel x=<x> y=<y> z=<z> mg"    OUTX_L_XL..OUTZ_H_XL (0x28-0x2D) in one 6-byte read
 *                                   (auto-increment), 0.061 mg/LSB, rounded to the nearest mg
 *   "XLDA cleared"                  STATUS_REG right after reading the outputs
 *   "0x50: address NACK"            a read of register 0 at 0x50, where nothing answers
 *   "accel x=<x> y=<y> z=<z> mg"    twice more, 100 ms and 200 ms of GPT3 time after the first
 *                                   reading (each after waiting for XLDA again)
 *   "i2c-accel done"
 * or "<what>: error <code>" if a transfer fails, then sleeps in WFI. */
#include "lsm6ds3.h"
#include "mt3620.h"

#define ISU2_BASE         0x38090000u
#define I2C_BASE          (ISU2_BASE + 0x200u)
#define I2C_IRQ           52u
#define I2C_IRQ_PRIO      2u

/* ISU global control (reference 4.4). */
#define ISU_GLOBAL_CTRL   0x00u
#define ISU_CR_SW_RST     (1u << 0)
#define ISU_I2C_CLK_EN    (1u << 8)

/* I2C master registers (reference 4.5). */
#define I2C_INT_CTRL      0x00u
#define MM_PAD_CON0       0x40u
#define MM_CNT_VAL_PHL    0x44u
#define MM_CNT_VAL_PHH    0x48u
#define MM_CNT_BYTE_PK0   0x54u
#define MM_CNT_BYTE_PK1   0x58u
#define MM_ID_CON0        0x60u
#define MM_PACK_CON0      0x68u
#define MM_ACK_VAL        0x6Cu
#define MM_CON0           0x70u
#define MM_STATUS         0x74u
#define MM_FIFO_CON0      0x78u
#define MM_FIFO_STATUS    0x80u
#define MM_FIFO_PTR       0x84u
#define MM_FIFO_DATA      0x90u

#define MM_INT_STA        (1u << 0)
#define MM_INT_EN         (1u << 1)
#define PAD_CLK_SYNC_EN   (1u << 7)
#define PAD_DE_CNT(n)     ((uint32_t)(n) & 0x1Fu)
#define PACK_READ(p)      (1u << (p))
#define PACK_COUNT(n)     (((uint32_t)(n) - 1u) << 4)
#define ACK_ID_MASK       0x700u
#define ACK_DATA_MASK     0x0FFu
#define CON0_START_EN     (1u << 0)
#define CON0_GMODE        (1u << 14)
#define CON0_MASTER_EN    (1u << 15)
#define STATUS_START_READY (1u << 2)
#define FIFO_CLR_RX       (1u << 0)
#define FIFO_CLR_TX       (1u << 1)
#define FIFO_DEPTH        8u

/* Transfer results. */
#define I2C_OK            0
#define I2C_ERR_BUSY      1
#define I2C_ERR_ADDR_NACK 2
#define I2C_ERR_DATA_NACK 3
#define I2C_ERR_COUNT     4
#define I2C_ERR_LENGTH    5

/* LSM6DS3 (7-bit address 0x6A, SA0 low). */
#define LSM_ADDR          0x6Au
#define LSM_WHO_AM_I      0x0Fu
#define LSM_CTRL1_XL      0x10u
#define LSM_STATUS_REG    0x1Eu
#define LSM_OUTX_L_XL     0x28u
#define LSM_XLDA          0x01u
#define CTRL1_XL_104HZ_2G 0x40u
#define ABSENT_ADDR       0x50u
#define XLDA_MAX_POLLS    1000u
#define EXTRA_READINGS    2u
#define READING_PERIOD_US 100000u

static volatile bool g_done;

void IRQ52_Handler(void)
{
    reg_write(I2C_BASE, I2C_INT_CTRL, MM_INT_EN | MM_INT_STA); /* W1C the status */
    g_done = true;
    __dsb();
}

static void i2c_init(void)
{
    reg_write(ISU2_BASE, ISU_GLOBAL_CTRL,
              reg_read(ISU2_BASE, ISU_GLOBAL_CTRL) | ISU_CR_SW_RST | ISU_I2C_CLK_EN);
    reg_write(I2C_BASE, MM_PAD_CON0, PAD_CLK_SYNC_EN | PAD_DE_CNT(1));
    /* 26 MHz / 400 kHz = 65 ticks per SCL period: 16 + 9 + 16 + 17 plus 2 + 5 (see above). */
    reg_write(I2C_BASE, MM_CNT_VAL_PHL, (9u << 8) | 16u);
    reg_write(I2C_BASE, MM_CNT_VAL_PHH, (17u << 8) | 16u);
    reg_write(I2C_BASE, MM_FIFO_CON0, FIFO_CLR_RX | FIFO_CLR_TX);
    reg_write(I2C_BASE, I2C_INT_CTRL, MM_INT_STA);
    nvic_set_priority(I2C_IRQ, I2C_IRQ_PRIO);
    nvic_clear_pending(I2C_IRQ);
    nvic_enable_irq(I2C_IRQ);
    __enable_irq();
}

/* One transaction: `tx_len` bytes written (0: none), then `rx_len` bytes read (0: none), with a
 * repeated START between the two. Each side fits the 8-byte FIFO. */
static int i2c_transfer(uint8_t addr, const uint8_t *tx, uint32_t tx_len, uint8_t *rx, uint32_t rx_len)
{
    if (tx_len > FIFO_DEPTH || rx_len > FIFO_DEPTH || (tx_len == 0 && rx_len == 0)) {
        return I2C_ERR_LENGTH;
    }
    if ((reg_read(I2C_BASE, MM_STATUS) & STATUS_START_READY) == 0) {
        return I2C_ERR_BUSY;
    }
    reg_write(I2C_BASE, MM_CON0, CON0_MASTER_EN | CON0_GMODE);
    reg_write(I2C_BASE, MM_ID_CON0, addr);
    if (tx_len != 0 && rx_len != 0) {
        reg_write(I2C_BASE, MM_PACK_CON0, PACK_COUNT(2) | PACK_READ(1));
        reg_write(I2C_BASE, MM_CNT_BYTE_PK0, tx_len);
        reg_write(I2C_BASE, MM_CNT_BYTE_PK1, rx_len);
    } else {
        reg_write(I2C_BASE, MM_PACK_CON0, PACK_COUNT(1) | (rx_len != 0 ? PACK_READ(0) : 0u));
        reg_write(I2C_BASE, MM_CNT_BYTE_PK0, rx_len != 0 ? rx_len : tx_len);
    }
    reg_write(I2C_BASE, I2C_INT_CTRL, MM_INT_EN);
    for (uint32_t i = 0; i < tx_len; ++i) {
        reg_write(I2C_BASE, MM_FIFO_DATA, tx[i]);
    }

    g_done = false;
    reg_write(I2C_BASE, MM_CON0, reg_read(I2C_BASE, MM_CON0) | CON0_START_EN);
    __disable_irq();
    while (!g_done) {
        __wfi();       /* wakes on the pending IRQ 52 even with PRIMASK set */
        __enable_irq(); /* the handler runs here */
        __disable_irq();
    }
    __enable_irq();

    int result = I2C_OK;
    const uint32_t ack = reg_read(I2C_BASE, MM_ACK_VAL);
    if (ack & ACK_ID_MASK) {
        result = I2C_ERR_ADDR_NACK;
    } else if (ack & ACK_DATA_MASK) {
        result = I2C_ERR_DATA_NACK;
    } else if (rx_len != 0) {
        const uint32_t ptr = reg_read(I2C_BASE, MM_FIFO_PTR);
        const uint32_t count = (((ptr >> 4) & 0xFu) - (ptr & 0xFu)) & 0xFu;
        if (count != rx_len) {
            result = I2C_ERR_COUNT;
        } else {
            for (uint32_t i = 0; i < rx_len; ++i) {
                rx[i] = (uint8_t)reg_read(I2C_BASE, MM_FIFO_DATA);
            }
        }
    }
    reg_write(I2C_BASE, MM_FIFO_CON0, FIFO_CLR_RX | FIFO_CLR_TX);
    return result;
}

static int read_regs(uint8_t addr, uint8_t reg, uint8_t *out, uint32_t n)
{
    return i2c_transfer(addr, &reg, 1, out, n);
}

static int write_reg(uint8_t addr, uint8_t reg, uint8_t value)
{
    const uint8_t tx[2] = {reg, value};
    return i2c_transfer(addr, tx, 2, 0, 0);
}

static bool check(const char *what, int result)
{
    if (result == I2C_OK) {
        return true;
    }
    uart_puts(what);
    uart_puts(": error ");
    uart_put_dec((uint32_t)result);
    uart_puts("\r\n");
    return false;
}

/* Polls STATUS_REG until XLDA; false (after printing why) on an error or no data. */
static bool wait_xlda(uint32_t *polls)
{
    uint8_t status = 0;
    *polls = 0;
    do {
        if (!check("STATUS_REG", read_regs(LSM_ADDR, LSM_STATUS_REG, &status, 1))) {
            return false;
        }
        ++*polls;
    } while ((status & LSM_XLDA) == 0 && *polls < XLDA_MAX_POLLS);
    if ((status & LSM_XLDA) == 0) {
        uart_puts("XLDA never set\r\n");
        return false;
    }
    return true;
}

/* One 6-byte auto-increment read of OUTX_L_XL..OUTZ_H_XL, printed in mg. */
static bool print_accel(void)
{
    uint8_t out[6];
    if (!check("OUTX_L_XL", read_regs(LSM_ADDR, LSM_OUTX_L_XL, out, sizeof out))) {
        return false;
    }
    lsm6ds3_print_accel(out);
    return true;
}

static void run(void)
{
    uint8_t who = 0;
    if (!check("WHO_AM_I", read_regs(LSM_ADDR, LSM_WHO_AM_I, &who, 1))) {
        return;
    }
    uart_puts("WHO_AM_I 0x");
    uart_put_hex(who, 2);
    uart_puts("\r\n");

    uint8_t ctrl1 = 0;
    if (!check("CTRL1_XL", write_reg(LSM_ADDR, LSM_CTRL1_XL, CTRL1_XL_104HZ_2G)) ||
        !check("CTRL1_XL", read_regs(LSM_ADDR, LSM_CTRL1_XL, &ctrl1, 1))) {
        return;
    }
    uart_puts("CTRL1_XL 0x");
    uart_put_hex(ctrl1, 2);
    uart_puts("\r\n");

    const uint32_t first_us = gpt3_now_us();
    uint32_t polls = 0;
    if (!wait_xlda(&polls)) {
        return;
    }
    uart_puts("XLDA after ");
    uart_put_dec(polls);
    uart_puts(" polls\r\n");
    if (!print_accel()) {
        return;
    }

    uint8_t status = 0;
    if (!check("STATUS_REG", read_regs(LSM_ADDR, LSM_STATUS_REG, &status, 1))) {
        return;
    }
    uart_puts((status & LSM_XLDA) ? "XLDA still set\r\n" : "XLDA cleared\r\n");

    uint8_t dummy = 0;
    const int absent = read_regs(ABSENT_ADDR, 0x00, &dummy, 1);
    uart_puts("0x");
    uart_put_hex(ABSENT_ADDR, 2);
    uart_puts(absent == I2C_ERR_ADDR_NACK ? ": address NACK\r\n" : ": unexpected answer\r\n");

    for (uint32_t n = 1; n <= EXTRA_READINGS; ++n) {
        gpt3_wait_until(first_us + n * READING_PERIOD_US);
        if (!wait_xlda(&polls) || !print_accel()) {
            return;
        }
    }
}

void rtcore_main(void)
{
    uart_init();
    gpt3_init();
    uart_puts("i2c-accel start\r\n");
    i2c_init();
    run();
    uart_puts("i2c-accel done\r\n");
    for (;;) {
        __wfi();
    }
}
