/* The device-file interface between the guest's libapplibs and the emulated Azure Sphere OS
 * (docs/hl-apps.md, "Device files"). Plain C, shared by both sides so the numbers cannot
 * drift: the guest library (src/applibs-guest) includes it when cross-compiled for the A7,
 * the emulator's device files (src/os/, one file per device kind) when built for the host.
 *
 * Where Linux has a standard user-space interface it is used with its own numbers and its
 * 32-bit ARM struct layouts (the musl sysroot has no kernel headers, so they are spelled out
 * here): GPIO character device v1 (linux/gpio.h), i2c-dev (linux/i2c-dev.h), spidev
 * (linux/spi/spidev.h) and termios. ADC and PWM have no such interface that fits an ioctl
 * API, so this project defines small character devices for them (magic 'z', see below).
 * Every struct has a fixed layout on the guest (ILP32, 4-byte aligned) and the host reads it
 * field by field at these offsets. */
#ifndef MT3620_OS_DEVICE_ABI_H
#define MT3620_OS_DEVICE_ABI_H

#include <stdint.h>

/* Linux ioctl number encoding (asm-generic/ioctl.h, used by ARM). */
#define MT_IOC(dir, type, nr, size) \
    ((uint32_t)(((uint32_t)(dir) << 30) | ((uint32_t)(size) << 16) | ((uint32_t)(type) << 8) | (uint32_t)(nr)))
#define MT_IOC_NONE 0u
#define MT_IOC_WRITE 1u
#define MT_IOC_READ 2u

/* ---- GPIO: /dev/gpiochip0, one chip whose line offsets are the MT3620 GPIO numbers ------- */
#define MT_GPIO_CHIP_PATH "/dev/gpiochip0"
#define MT_GPIOHANDLES_MAX 64
/* struct gpiochip_info: char name[32]; char label[32]; uint32_t lines;  = 68 bytes */
#define MT_GPIOCHIP_INFO_SIZE 68
/* struct gpiohandle_request: uint32_t lineoffsets[64] @0; uint32_t flags @256;
 * uint8_t default_values[64] @260; char consumer_label[32] @324; uint32_t lines @356;
 * int fd @360;  = 364 bytes */
#define MT_GPIOHANDLE_REQUEST_SIZE 364
#define MT_GPIOHANDLE_REQ_FLAGS_OFF 256
#define MT_GPIOHANDLE_REQ_DEFAULTS_OFF 260
#define MT_GPIOHANDLE_REQ_LABEL_OFF 324
#define MT_GPIOHANDLE_REQ_LINES_OFF 356
#define MT_GPIOHANDLE_REQ_FD_OFF 360
/* struct gpiohandle_data: uint8_t values[64]; */
#define MT_GPIOHANDLE_DATA_SIZE 64
#define MT_GPIOHANDLE_REQUEST_INPUT 0x01u
#define MT_GPIOHANDLE_REQUEST_OUTPUT 0x02u
#define MT_GPIOHANDLE_REQUEST_ACTIVE_LOW 0x04u
#define MT_GPIOHANDLE_REQUEST_OPEN_DRAIN 0x08u
#define MT_GPIOHANDLE_REQUEST_OPEN_SOURCE 0x10u
#define MT_GPIO_GET_CHIPINFO_IOCTL MT_IOC(MT_IOC_READ, 0xB4, 0x01, MT_GPIOCHIP_INFO_SIZE)
#define MT_GPIO_GET_LINEHANDLE_IOCTL MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 0xB4, 0x03, MT_GPIOHANDLE_REQUEST_SIZE)
#define MT_GPIOHANDLE_GET_LINE_VALUES_IOCTL MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 0xB4, 0x08, MT_GPIOHANDLE_DATA_SIZE)
#define MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 0xB4, 0x09, MT_GPIOHANDLE_DATA_SIZE)

/* ---- UART: /dev/ttyISU<n>, a tty with the termios ioctls ----------------------------------- */
#define MT_UART_PATH_FORMAT "/dev/ttyISU%d"
#define MT_TCGETS 0x5401u
#define MT_TCSETS 0x5402u
#define MT_TCSETSW 0x5403u
#define MT_TCSETSF 0x5404u
#define MT_TCFLSH 0x540Bu
#define MT_FIONREAD 0x541Bu
/* struct termios as the kernel reads it: c_iflag @0, c_oflag @4, c_cflag @8, c_lflag @12,
 * c_line @16, c_cc[19] @17;  = 36 bytes (musl's larger struct starts the same way). */
#define MT_KERNEL_TERMIOS_SIZE 36
#define MT_CBAUD 0010017u
#define MT_CBAUDEX 0010000u
#define MT_CSIZE 0000060u
#define MT_CS5 0000000u
#define MT_CS6 0000020u
#define MT_CS7 0000040u
#define MT_CS8 0000060u
#define MT_CSTOPB 0000100u
#define MT_CREAD 0000200u
#define MT_PARENB 0000400u
#define MT_PARODD 0001000u
#define MT_CLOCAL 0004000u
#define MT_CRTSCTS 020000000000u
#define MT_IXON 0002000u
#define MT_IXOFF 0010000u
/* The rates the tty layer names (termios CBAUD codes, Linux asm-generic/termbits.h).
 * X(code, rate) for each. */
#define MT_BAUD_TABLE(X)                                                                         \
    X(0000001u, 50u) X(0000002u, 75u) X(0000003u, 110u) X(0000004u, 134u) X(0000005u, 150u)     \
    X(0000006u, 200u) X(0000007u, 300u) X(0000010u, 600u) X(0000011u, 1200u) X(0000012u, 1800u) \
    X(0000013u, 2400u) X(0000014u, 4800u) X(0000015u, 9600u) X(0000016u, 19200u)                \
    X(0000017u, 38400u) X(0010001u, 57600u) X(0010002u, 115200u) X(0010003u, 230400u)           \
    X(0010004u, 460800u) X(0010005u, 500000u) X(0010006u, 576000u) X(0010007u, 921600u)         \
    X(0010010u, 1000000u) X(0010011u, 1152000u) X(0010012u, 1500000u) X(0010013u, 2000000u)     \
    X(0010014u, 2500000u) X(0010015u, 3000000u)

/* ---- I2C: /dev/i2c-<n> for ISU n, the i2c-dev interface ------------------------------------ */
#define MT_I2C_PATH_FORMAT "/dev/i2c-%d"
#define MT_I2C_TIMEOUT 0x0702u /* argument: timeout in units of 10 ms */
#define MT_I2C_SLAVE 0x0703u   /* argument: 7-bit address for read(2)/write(2) */
#define MT_I2C_TENBIT 0x0704u
#define MT_I2C_FUNCS 0x0705u   /* argument: pointer to uint32_t */
#define MT_I2C_RDWR 0x0707u    /* argument: pointer to struct i2c_rdwr_ioctl_data */
/* struct i2c_rdwr_ioctl_data: uint32_t msgs (guest pointer) @0; uint32_t nmsgs @4. */
/* struct i2c_msg: uint16_t addr @0; uint16_t flags @2; uint16_t len @4; uint32_t buf @8;  = 12 */
#define MT_I2C_MSG_SIZE 12
#define MT_I2C_M_RD 0x0001u
#define MT_I2C_M_TEN 0x0010u
#define MT_I2C_RDWR_IOCTL_MAX_MSGS 42u /* Linux's limit */
#define MT_I2C_FUNC_I2C 0x00000001u
/* Not in i2c-dev (Linux sets the bus clock from the device tree): this project's ioctl for
 * I2CMaster_SetBusSpeed. Argument: pointer to uint32_t, the speed in Hz. */
#define MT_I2C_SET_BUS_SPEED MT_IOC(MT_IOC_WRITE, 'z', 0x10, 4)

/* ---- SPI: /dev/spidev<n>.<cs> for ISU n, chip select cs, the spidev interface -------------- */
#define MT_SPI_PATH_FORMAT "/dev/spidev%d.%d"
/* struct spi_ioc_transfer: uint64_t tx_buf @0; uint64_t rx_buf @8; uint32_t len @16;
 * uint32_t speed_hz @20; uint16_t delay_usecs @24; uint8_t bits_per_word @26;
 * uint8_t cs_change @27; uint8_t tx_nbits @28; uint8_t rx_nbits @29;
 * uint8_t word_delay_usecs @30; uint8_t pad @31;  = 32 bytes */
#define MT_SPI_IOC_TRANSFER_SIZE 32
#define MT_SPI_IOC_MESSAGE(n) MT_IOC(MT_IOC_WRITE, 'k', 0, (n) * MT_SPI_IOC_TRANSFER_SIZE)
#define MT_SPI_IOC_RD_MODE MT_IOC(MT_IOC_READ, 'k', 1, 1)
#define MT_SPI_IOC_WR_MODE MT_IOC(MT_IOC_WRITE, 'k', 1, 1)
#define MT_SPI_IOC_RD_LSB_FIRST MT_IOC(MT_IOC_READ, 'k', 2, 1)
#define MT_SPI_IOC_WR_LSB_FIRST MT_IOC(MT_IOC_WRITE, 'k', 2, 1)
#define MT_SPI_IOC_RD_BITS_PER_WORD MT_IOC(MT_IOC_READ, 'k', 3, 1)
#define MT_SPI_IOC_WR_BITS_PER_WORD MT_IOC(MT_IOC_WRITE, 'k', 3, 1)
#define MT_SPI_IOC_RD_MAX_SPEED_HZ MT_IOC(MT_IOC_READ, 'k', 4, 4)
#define MT_SPI_IOC_WR_MAX_SPEED_HZ MT_IOC(MT_IOC_WRITE, 'k', 4, 4)
#define MT_SPI_CPHA 0x01u
#define MT_SPI_CPOL 0x02u
#define MT_SPI_CS_HIGH 0x04u
#define MT_SPI_LSB_FIRST 0x08u
#define MT_SPI_MAX_TRANSFERS 256u

/* ---- ADC: /dev/adc<n>, this project's character device ------------------------------------ */
#define MT_ADC_PATH_FORMAT "/dev/adc%d"
/* struct mt_adc_channel_value: uint32_t channel @0; uint32_t value @4;  = 8 bytes */
#define MT_ADC_CHANNEL_VALUE_SIZE 8
/* In: channel. Out: value = the sample width in bits. */
#define MT_ADC_IOC_GET_SAMPLE_BITS MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 'z', 0x20, MT_ADC_CHANNEL_VALUE_SIZE)
/* In: channel, value = the reference voltage in microvolts (the MT3620 offers 2.5 V and 1.8 V). */
#define MT_ADC_IOC_SET_REFERENCE MT_IOC(MT_IOC_WRITE, 'z', 0x21, MT_ADC_CHANNEL_VALUE_SIZE)
/* Starts one conversion of `arg` (the channel number, not a pointer). The sample is then read
 * with read(2) as one uint32_t: b[3:0] the channel, b[15:4] the 12-bit sample (the ADC FIFO
 * entry format, reference 4.7); read blocks until the conversion is done. */
#define MT_ADC_IOC_START MT_IOC(MT_IOC_NONE, 'z', 0x22, 0)

/* ---- PWM: /dev/pwm<n> for PWM controller n, this project's character device --------------- */
#define MT_PWM_PATH_FORMAT "/dev/pwm%d"
/* struct mt_pwm_apply: uint32_t channel @0; uint32_t period_ns @4; uint32_t duty_ns @8;
 * uint32_t polarity @12 (0 normal, 1 inversed); uint32_t enabled @16;  = 20 bytes */
#define MT_PWM_APPLY_SIZE 20
#define MT_PWM_IOC_APPLY MT_IOC(MT_IOC_WRITE, 'z', 0x30, MT_PWM_APPLY_SIZE)

/* ---- Power: /dev/power, this project's device for PowerManagement_* ----------------------- */
#define MT_POWER_PATH "/dev/power"
/* Each needs its "PowerControls" entry in the manifest ("ForceReboot", "ForcePowerDown"),
 * else EACCES. The OS then ends the app with SIGTERM, as a device going down does. */
#define MT_POWER_IOC_REBOOT MT_IOC(MT_IOC_NONE, 'z', 0x40, 0)
#define MT_POWER_IOC_POWER_DOWN MT_IOC(MT_IOC_NONE, 'z', 0x41, 0) /* arg: max residency, s */

/* ---- Networking: /dev/networking, this project's device for Networking_IsNetworkingReady ---- */
/* Needs no capability. The request returns 1 when the device has a network (the emulator runs
 * with --network, docs/networking.md), 0 when it has none. */
#define MT_NETWORKING_PATH "/dev/networking"
#define MT_NETWORKING_IOC_READY MT_IOC(MT_IOC_NONE, 'z', 0x60, 0)

/* ---- Mutable storage: one regular file per app ---------------------------------------------- */
/* The app's mutable storage file is MT_STORAGE_DIR "/<component-id>/" MT_STORAGE_FILE: the
 * file exists once written; opening it with O_TRUNC empties it (Storage_DeleteMutableFile). */
#define MT_STORAGE_DIR "/mnt/config"
#define MT_STORAGE_FILE "mutable_storage"

/* ---- Intercore: Application_Connect's socket (docs/intercore.md) ---------------------------- */
/* socket(MT_AF_INTERCORE, SOCK_SEQPACKET, 0), then connect() to the RTApp's component ID; each
 * send() is one message to the RTApp, each recv() one message from it. The family number is
 * this project's (Linux has none for it): far above Linux's AF_MAX so it never collides.
 * struct mt_sockaddr_intercore: uint16_t family @0; uint16_t reserved @2 (0);
 * uint8_t component_id[16] @4, in the byte order the intercore blocks carry (GUID: data1 as
 * u32 LE, data2 and data3 as u16 LE, then data4's 8 bytes);  = 20 bytes */
#define MT_AF_INTERCORE 0x3620
#define MT_SOCKADDR_INTERCORE_SIZE 20
#define MT_INTERCORE_MAX_MESSAGE 1024u /* data bytes per message */

/* ---- Certificate store: /dev/certstore, this project's device for CertStore_* ------------- */
/* Opening it needs the manifest's "CertStore" capability (EACCES otherwise). Guest pointers
 * name NUL-terminated identifiers (at most 16 characters) and the blobs; every request
 * returns 0 (or a count) or -errno as the CertStore API documents (docs/security.md). */
#define MT_CERTSTORE_PATH "/dev/certstore"
/* struct mt_certstore_install: uint32_t id @0; uint32_t cert @4; uint32_t cert_len @8;
 * uint32_t key @12; uint32_t key_len @16 (0: a root CA certificate); uint32_t password @20
 * (0: none);  = 24 bytes */
#define MT_CERTSTORE_INSTALL_SIZE 24
#define MT_CERTSTORE_IOC_INSTALL MT_IOC(MT_IOC_WRITE, 'z', 0x50, MT_CERTSTORE_INSTALL_SIZE)
#define MT_CERTSTORE_IOC_COUNT MT_IOC(MT_IOC_NONE, 'z', 0x51, 0) /* returns the number */
#define MT_CERTSTORE_IOC_SPACE MT_IOC(MT_IOC_NONE, 'z', 0x52, 0) /* returns the free bytes */
/* struct mt_certstore_query: uint32_t key @0 (an index for ID_AT, else an identifier
 * pointer); uint32_t field @4; uint32_t out @8; uint32_t out_len @12;  = 16 bytes.
 * ID_AT writes the identifier; FIELD writes the subject or issuer name (NUL-terminated,
 * cut to out_len - 1) or, for the two times, six int32: year, month 1-12, day, hour, minute,
 * second (UTC). */
#define MT_CERTSTORE_QUERY_SIZE 16
#define MT_CERTSTORE_IOC_ID_AT MT_IOC(MT_IOC_WRITE, 'z', 0x53, MT_CERTSTORE_QUERY_SIZE)
#define MT_CERTSTORE_IOC_FIELD MT_IOC(MT_IOC_WRITE, 'z', 0x54, MT_CERTSTORE_QUERY_SIZE)
#define MT_CERTSTORE_FIELD_SUBJECT 0u
#define MT_CERTSTORE_FIELD_ISSUER 1u
#define MT_CERTSTORE_FIELD_NOT_BEFORE 2u
#define MT_CERTSTORE_FIELD_NOT_AFTER 3u
/* struct mt_certstore_ids: uint32_t id @0; uint32_t dest @4 (MOVE only);  = 8 bytes */
#define MT_CERTSTORE_IOC_DELETE MT_IOC(MT_IOC_WRITE, 'z', 0x55, 8)
#define MT_CERTSTORE_IOC_MOVE MT_IOC(MT_IOC_WRITE, 'z', 0x56, 8)

/* ---- Device authentication: the device's client certificate (DeviceAuth_GetCertificatePath) */
/* A read-only PEM file; opening it needs the manifest's "DeviceAuthentication" (EACCES). */
#define MT_DEVICEAUTH_CERT_PATH "/run/deviceauth/device_cert.pem"

/* ---- TLS: the OS's TLS service behind libwolfssl.so.0 (docs/tls.md) ------------------------ */
/* Each open() of MT_TLS_PATH is one TLS client session; the TLS records run over the host
 * socket behind the app's AF_INET socket (`run --network`), the handshake signs with the
 * device key inside Pluton when the app asked for device authentication. */
#define MT_TLS_PATH "/dev/tls"
/* struct mt_tls_config: uint32_t socket_fd @0; uint32_t min_version @4, max_version @8
 * (3 = TLS 1.2, 4 = TLS 1.3); uint32_t verify_peer @12; const char *ca @16, uint32_t ca_len @20;
 * const char *cert @24, uint32_t cert_len @28; const char *key @32, uint32_t key_len @36 (the
 * app's own client certificate and key, PEM, or 0/0); const char *host_name @40 (NUL-terminated,
 * SNI and the name the server's certificate must carry, or 0); uint32_t device_auth @44. */
#define MT_TLS_CONFIG_SIZE 48
#define MT_TLS_IOC_CONFIGURE MT_IOC(MT_IOC_WRITE, 'z', 0x60, MT_TLS_CONFIG_SIZE)
/* The calls below return a status (MT_TLS_STATUS_*); I/O fills struct mt_tls_io: void *buf @0;
 * uint32_t len @4; int32_t done @8 (bytes moved). */
#define MT_TLS_IO_SIZE 12
#define MT_TLS_IOC_HANDSHAKE MT_IOC(MT_IOC_NONE, 'z', 0x61, 0)
#define MT_TLS_IOC_WRITE MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 'z', 0x62, MT_TLS_IO_SIZE)
#define MT_TLS_IOC_READ MT_IOC(MT_IOC_READ | MT_IOC_WRITE, 'z', 0x63, MT_TLS_IO_SIZE)
#define MT_TLS_IOC_SHUTDOWN MT_IOC(MT_IOC_NONE, 'z', 0x64, 0)
#define MT_TLS_IOC_PENDING MT_IOC(MT_IOC_NONE, 'z', 0x65, 0) /* returns the buffered plaintext bytes */
/* struct mt_tls_error: int32_t code @0 (wolfSSL's numbering, e.g. -188); char text[124] @4 */
#define MT_TLS_ERROR_SIZE 128
#define MT_TLS_IOC_ERROR MT_IOC(MT_IOC_READ, 'z', 0x66, MT_TLS_ERROR_SIZE)
/* struct mt_tls_info: char version[16] @0 ("TLSv1.3"); char cipher[64] @16 */
#define MT_TLS_INFO_SIZE 80
#define MT_TLS_IOC_INFO MT_IOC(MT_IOC_READ, 'z', 0x67, MT_TLS_INFO_SIZE)
#define MT_TLS_STATUS_OK 0
#define MT_TLS_STATUS_WANT_READ 1
#define MT_TLS_STATUS_WANT_WRITE 2
#define MT_TLS_STATUS_CLOSED 3 /* the peer ended the session (close_notify or end of stream) */
#define MT_TLS_STATUS_FAILED 4 /* MT_TLS_IOC_ERROR says why */

#endif /* MT3620_OS_DEVICE_ABI_H */
