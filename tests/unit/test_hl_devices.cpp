// The device files of the emulated Azure Sphere OS (src/os/AppDevices.h), driven the way
// libapplibs drives them: open through the app's filesystem, ioctls with their arguments in
// guest memory. Each test checks what the peripheral models (and so the board) see, and the
// manifest corpus checks that every peripheral the manifest does not grant is refused with
// EACCES.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "image/AppManifest.h"
#include "machine/Machine.h"
#include "os/AppDevices.h"
#include "os/DeviceAbi.h"
#include "os/HlProcess.h"
#include "periph/AdcController.h"
#include "periph/GpioBlock.h"
#include "periph/I2cBus.h"
#include "periph/IsuI2c.h"
#include "periph/MtkUart.h"
#include "periph/PwmController.h"
#include "periph/IsuSpi.h"
#include "periph/SpiBus.h"

using namespace mt3620;
using namespace mt3620::os;

namespace {

constexpr std::uint32_t kArgs = 0x0010'0000;  // a page of guest memory for ioctl arguments
constexpr std::uint32_t kBuf = kArgs + 0x800;

const char* kAllGranted = R"({
  "SchemaVersion": 1, "Name": "devices", "ComponentId": "11111111-2222-4333-8444-555555555555",
  "EntryPoint": "/bin/app",
  "Capabilities": { "Gpio": [8, 9, 12], "Uart": ["ISU0"], "I2cMaster": ["ISU2"], "Adc": ["ADC-CONTROLLER-0"],
                    "Pwm": ["PWM-CONTROLLER-2"], "MutableStorage": {"SizeKB": 1},
                    "PowerControls": ["ForceReboot"] }
})";

const char* kNothingGranted = R"({
  "SchemaVersion": 1, "Name": "devices", "ComponentId": "11111111-2222-4333-8444-555555555555",
  "EntryPoint": "/bin/app"
})";

struct Rig {
    explicit Rig(const char* manifest_text, std::string storage = {}) {
        MachineConfig cfg;
        cfg.logger = std::make_shared<spdlog::logger>("null");
        machine = std::make_unique<Machine>(cfg);
        process = std::make_unique<HlProcess>(machine->scheduler(), machine->log(), output, machine->rng());
        EXPECT_TRUE(process->memory().mapFixed(kArgs, 0x1000, kProtRead | kProtWrite, "args"));
        manifest = AppManifest::parse("app_manifest.json", manifest_text);
        installAppDevices(*process, machine->shared(), manifest, AppDeviceOptions{{}, std::move(storage)});
    }
    ~Rig() {
        process.reset();  // the device files go before the machine's models
    }

    /// open(): the file, or null with `error` set.
    std::shared_ptr<GuestFile> open(const std::string& path, std::uint32_t flags, int* error = nullptr) {
        auto r = process->fs().open(path, flags);
        if (auto* e = std::get_if<int>(&r)) {
            if (error) *error = *e;
            return nullptr;
        }
        return std::get<std::shared_ptr<GuestFile>>(r);
    }
    int openError(const std::string& path, std::uint32_t flags = kORdWr) {
        int e = 0;
        open(path, flags, &e);
        return e;
    }
    GuestMemory& mem() { return process->memory(); }

    /// GPIO_GET_LINEHANDLE_IOCTL for one line: the new descriptor or -errno.
    std::int64_t requestLine(std::uint32_t pin, std::uint32_t flags, std::uint8_t value = 0) {
        auto chip = open(MT_GPIO_CHIP_PATH, kORdWr);
        std::uint8_t req[MT_GPIOHANDLE_REQUEST_SIZE] = {};
        std::memcpy(req, &pin, 4);
        std::memcpy(req + MT_GPIOHANDLE_REQ_FLAGS_OFF, &flags, 4);
        req[MT_GPIOHANDLE_REQ_DEFAULTS_OFF] = value;
        const std::uint32_t lines = 1;
        std::memcpy(req + MT_GPIOHANDLE_REQ_LINES_OFF, &lines, 4);
        mem().write(kArgs, req, sizeof req);
        const std::int64_t r = chip->ioctl(MT_GPIO_GET_LINEHANDLE_IOCTL, kArgs, mem());
        if (r < 0) return r;
        std::int32_t fd = -1;
        mem().read(kArgs + MT_GPIOHANDLE_REQ_FD_OFF, &fd, 4);
        return fd;
    }
    GuestFile* fd(std::int64_t n) { return process->fds().get(static_cast<int>(n)); }

    ByteOutput output;  // the app's stdout and stderr (unused: no guest code runs here)
    std::unique_ptr<Machine> machine;
    std::unique_ptr<HlProcess> process;
    AppManifest manifest;
};

}  // namespace

// ---- GPIO -------------------------------------------------------------------------------

TEST(HlGpioDevice, OutputLineDrivesThePadThroughTheGpioBlock) {
    Rig r(kAllGranted);
    const std::int64_t fd = r.requestLine(8, MT_GPIOHANDLE_REQUEST_OUTPUT, 1);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(r.machine->pins().chipDriven(8));
    EXPECT_TRUE(r.machine->pins().level(8));
    std::uint8_t values[MT_GPIOHANDLE_DATA_SIZE] = {0};
    r.mem().write(kArgs, values, sizeof values);
    ASSERT_EQ(r.fd(fd)->ioctl(MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL, kArgs, r.mem()), 0);
    EXPECT_FALSE(r.machine->pins().level(8));
    // The GPIO block's registers show it, as an M4 reading them would (GPIO group 2, pins 8-11).
    auto& block = *r.machine->shared().gpio[2];
    ASSERT_EQ(block.firstPin(), 8u);
    EXPECT_EQ(block.peek(GpioBlock::kOe) & 1u, 1u);
    EXPECT_EQ(block.peek(GpioBlock::kDout) & 1u, 0u);
}

TEST(HlGpioDevice, InputLineReadsWhatTheBoardDrives) {
    Rig r(kAllGranted);
    const std::int64_t fd = r.requestLine(12, MT_GPIOHANDLE_REQUEST_INPUT);
    ASSERT_GE(fd, 0);
    EXPECT_FALSE(r.machine->pins().chipDriven(12));
    std::uint8_t values[MT_GPIOHANDLE_DATA_SIZE];
    for (bool level : {true, false}) {
        r.machine->pins().setExternal(12, level);
        ASSERT_EQ(r.fd(fd)->ioctl(MT_GPIOHANDLE_GET_LINE_VALUES_IOCTL, kArgs, r.mem()), 0);
        r.mem().read(kArgs, values, sizeof values);
        EXPECT_EQ(values[0], level ? 1 : 0);
    }
    // Setting an input has no effect (Azure Sphere's GPIO_SetValue) and is not an error.
    values[0] = 1;
    r.mem().write(kArgs, values, sizeof values);
    EXPECT_EQ(r.fd(fd)->ioctl(MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL, kArgs, r.mem()), 0);
    EXPECT_FALSE(r.machine->pins().chipDriven(12));
}

TEST(HlGpioDevice, OpenDrainReleasesHighAndActiveLowInverts) {
    Rig r(kAllGranted);
    const std::int64_t fd = r.requestLine(9, MT_GPIOHANDLE_REQUEST_OUTPUT | MT_GPIOHANDLE_REQUEST_OPEN_DRAIN, 1);
    ASSERT_GE(fd, 0);
    EXPECT_FALSE(r.machine->pins().chipDriven(9));  // high = released
    std::uint8_t values[MT_GPIOHANDLE_DATA_SIZE] = {0};
    r.mem().write(kArgs, values, sizeof values);
    r.fd(fd)->ioctl(MT_GPIOHANDLE_SET_LINE_VALUES_IOCTL, kArgs, r.mem());
    EXPECT_TRUE(r.machine->pins().chipDriven(9));
    EXPECT_FALSE(r.machine->pins().level(9));
    ASSERT_EQ(r.process->fds().close(static_cast<int>(fd)), 0);

    const std::int64_t low = r.requestLine(9, MT_GPIOHANDLE_REQUEST_OUTPUT | MT_GPIOHANDLE_REQUEST_ACTIVE_LOW, 1);
    ASSERT_GE(low, 0);
    EXPECT_FALSE(r.machine->pins().level(9));  // logical 1, active low: the pad is low
}

TEST(HlGpioDevice, RefusesUngrantedInvalidBusyAndBadFlags) {
    Rig r(kAllGranted);
    EXPECT_EQ(r.requestLine(10, MT_GPIOHANDLE_REQUEST_OUTPUT), -EACCES);  // not in "Gpio"
    EXPECT_EQ(r.requestLine(24, MT_GPIOHANDLE_REQUEST_OUTPUT), -ENODEV);  // not offered to apps
    EXPECT_EQ(r.requestLine(500, MT_GPIOHANDLE_REQUEST_INPUT), -ENODEV);
    EXPECT_EQ(r.requestLine(8, MT_GPIOHANDLE_REQUEST_INPUT | MT_GPIOHANDLE_REQUEST_OUTPUT), -EINVAL);
    EXPECT_EQ(r.requestLine(8, MT_GPIOHANDLE_REQUEST_INPUT | MT_GPIOHANDLE_REQUEST_OPEN_DRAIN), -EINVAL);
    const std::int64_t fd = r.requestLine(8, MT_GPIOHANDLE_REQUEST_OUTPUT);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(r.requestLine(8, MT_GPIOHANDLE_REQUEST_OUTPUT), -EBUSY);
    r.process->fds().close(static_cast<int>(fd));
    EXPECT_GE(r.requestLine(8, MT_GPIOHANDLE_REQUEST_OUTPUT), 0);  // released by close
}

TEST(HlGpioDevice, ChipInfoNamesTheChip) {
    Rig r(kAllGranted);
    auto chip = r.open(MT_GPIO_CHIP_PATH, kORdWr);
    ASSERT_EQ(chip->ioctl(MT_GPIO_GET_CHIPINFO_IOCTL, kArgs, r.mem()), 0);
    char info[MT_GPIOCHIP_INFO_SIZE];
    r.mem().read(kArgs, info, sizeof info);
    EXPECT_STREQ(info, "gpiochip0");
    std::uint32_t lines;
    std::memcpy(&lines, info + 64, 4);
    EXPECT_EQ(lines, PinBank::kPinCount);
    EXPECT_EQ(chip->ioctl(0x1234, kArgs, r.mem()), -ENOTTY);
    EXPECT_EQ(chip->ioctl(MT_GPIO_GET_CHIPINFO_IOCTL, 0x4000'0000, r.mem()), -EFAULT);
}

// ---- UART -------------------------------------------------------------------------------

TEST(HlUartDevice, WrittenBytesLeaveAtTheBaudRateAndReceivedBytesAreRead) {
    Rig r(kAllGranted);
    auto tty = r.open("/dev/ttyISU0", kORdWr | kONonBlock);
    ASSERT_TRUE(tty);
    const std::string text = "hello, ISU0\r\n";
    EXPECT_EQ(tty->write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}),
              static_cast<std::int64_t>(text.size()));
    r.machine->runFor(10 * kPicosPerMilli);
    const SerialCapture& out = r.machine->shared().isu_capture[0];
    EXPECT_EQ(out.text(), text);
    // 13 characters of 10 bits at 115200 baud (26 MHz / 226 clocks per bit): about 1.13 ms.
    ASSERT_EQ(out.lines().size(), 1u);
    EXPECT_NEAR(static_cast<double>(out.lines()[0].time) / kPicosPerMilli, 13 * 10 * 226 / 26e3, 0.01);

    EXPECT_EQ(tty->pollEvents() & kPollIn, 0u);
    std::uint8_t buf[16];
    EXPECT_EQ(tty->read(buf), -EAGAIN);
    for (char c : std::string("abc")) r.machine->shared().isu_uart[0]->receiveByte(static_cast<std::uint8_t>(c));
    r.machine->runFor(kPicosPerMilli);
    EXPECT_NE(tty->pollEvents() & kPollIn, 0u);
    ASSERT_EQ(tty->read(buf), 3);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 3), "abc");
}

TEST(HlUartDevice, TermiosSetsRateAndFrameAndRejectsUnknownRates) {
    Rig r(kAllGranted);
    auto tty = r.open("/dev/ttyISU0", kORdWr | kONonBlock);
    std::uint8_t t[MT_KERNEL_TERMIOS_SIZE] = {};
    ASSERT_EQ(tty->ioctl(MT_TCGETS, kArgs, r.mem()), 0);
    r.mem().read(kArgs, t, sizeof t);
    std::uint32_t cflag;
    std::memcpy(&cflag, t + 8, 4);
    EXPECT_EQ(cflag & MT_CBAUD, 0010002u);  // B115200
    EXPECT_EQ(cflag & MT_CSIZE, MT_CS8);

    cflag = 0000015u /* B9600 */ | MT_CS7 | MT_PARENB | MT_CSTOPB | MT_CREAD;
    std::memcpy(t + 8, &cflag, 4);
    r.mem().write(kArgs, t, sizeof t);
    ASSERT_EQ(tty->ioctl(MT_TCSETS, kArgs, r.mem()), 0);
    // 7 data bits, even parity, 2 stop bits: LCR = 0x02 | STB | PEN | EPS.
    EXPECT_EQ(r.machine->shared().isu_uart[0]->peek(MtkUart::kLcr), 0x02u | 0x04u | 0x08u | 0x10u);
    // 1 start + 7 data + parity + 2 stop = 11 bits at 9600 baud.
    EXPECT_NEAR(static_cast<double>(r.machine->shared().isu_uart[0]->characterTime()) / kPicosPerMicro,
                11 * 1e6 / 9600, 2.0);

    cflag = 0 /* B0: no rate */ | MT_CS8;
    std::memcpy(t + 8, &cflag, 4);
    r.mem().write(kArgs, t, sizeof t);
    EXPECT_EQ(tty->ioctl(MT_TCSETS, kArgs, r.mem()), -EINVAL);
    EXPECT_EQ(tty->ioctl(MT_TCGETS, 0x4000'0000, r.mem()), -EFAULT);
}

TEST(HlUartDevice, SecondOpenIsBusyUntilClosed) {
    Rig r(kAllGranted);
    auto first = r.open("/dev/ttyISU0", kORdWr);
    ASSERT_TRUE(first);
    EXPECT_EQ(r.openError("/dev/ttyISU0"), -EBUSY);
    first.reset();
    EXPECT_TRUE(r.open("/dev/ttyISU0", kORdWr));
}

TEST(HlUartDevice, BytesWrittenBeforeCloseStillDrain) {
    Rig r(kAllGranted);
    auto tty = r.open("/dev/ttyISU0", kORdWr | kONonBlock);
    const std::string text(100, 'x');
    EXPECT_EQ(tty->write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}), 100);
    tty.reset();
    r.machine->runFor(20 * kPicosPerMilli);
    EXPECT_EQ(r.machine->shared().isu_capture[0].text(), text);
}

// ---- I2C --------------------------------------------------------------------------------

namespace {
/// A register-file target: a write sets the pointer then stores bytes; reads return from it.
struct FakeTarget : I2cTarget {
    std::array<std::uint8_t, 256> regs{};
    std::uint8_t ptr = 0;
    bool first = true;
    int starts = 0, stops = 0;
    bool start(bool read) override {
        ++starts;
        if (!read) first = true;
        return true;
    }
    bool write(std::uint8_t b) override {
        if (first) ptr = b;
        else regs[ptr++] = b;
        first = false;
        return true;
    }
    std::uint8_t read(bool) override { return regs[ptr++]; }
    void stop() override { ++stops; }
};

std::int64_t rdwr(Rig& r, GuestFile& f, std::uint16_t addr, std::vector<std::uint8_t> out, std::uint16_t in_len) {
    // Two messages at kBuf: a write of `out`, then (if in_len) a read of in_len bytes.
    std::uint8_t msgs[2 * MT_I2C_MSG_SIZE] = {};
    const std::uint32_t out_buf = kBuf + 0x100, in_buf = kBuf + 0x200;
    const std::uint16_t out_len = static_cast<std::uint16_t>(out.size()), rd = MT_I2C_M_RD;
    std::memcpy(msgs, &addr, 2);
    std::memcpy(msgs + 4, &out_len, 2);
    std::memcpy(msgs + 8, &out_buf, 4);
    std::memcpy(msgs + 12, &addr, 2);
    std::memcpy(msgs + 14, &rd, 2);
    std::memcpy(msgs + 16, &in_len, 2);
    std::memcpy(msgs + 20, &in_buf, 4);
    r.mem().write(kBuf, msgs, sizeof msgs);
    r.mem().write(out_buf, out.data(), out.size());
    const std::uint32_t head[2] = {kBuf, in_len ? 2u : 1u};
    r.mem().write(kArgs, head, sizeof head);
    return f.ioctl(MT_I2C_RDWR, kArgs, r.mem());
}
}  // namespace

TEST(HlI2cDevice, RdwrRunsWriteThenReadWithRepeatedStartOnTheIsuBus) {
    Rig r(kAllGranted);
    FakeTarget target;
    target.regs[0x0F] = 0x69;
    target.regs[0x10] = 0x11;
    ASSERT_TRUE(r.machine->shared().isu_i2c[2]->bus.attach(0x6A, &target));
    auto dev = r.open("/dev/i2c-2", kORdWr);
    ASSERT_TRUE(dev);
    ASSERT_EQ(rdwr(r, *dev, 0x6A, {0x0F}, 2), 2);  // i2c-dev returns the message count
    std::uint8_t in[2];
    r.mem().read(kBuf + 0x200, in, 2);
    EXPECT_EQ(in[0], 0x69);
    EXPECT_EQ(in[1], 0x11);
    EXPECT_EQ(target.starts, 2);  // START + repeated START
    EXPECT_EQ(target.stops, 1);   // one STOP at the end
    // A write stores bytes; an address nobody answers is ENXIO.
    ASSERT_EQ(rdwr(r, *dev, 0x6A, {0x20, 0xAB, 0xCD}, 0), 1);
    EXPECT_EQ(target.regs[0x20], 0xAB);
    EXPECT_EQ(target.regs[0x21], 0xCD);
    EXPECT_EQ(rdwr(r, *dev, 0x50, {0x00}, 1), -ENXIO);
    r.machine->shared().isu_i2c[2]->bus.detach(0x6A);
}

TEST(HlI2cDevice, DefaultAddressReadWriteSpeedAndFuncs) {
    Rig r(kAllGranted);
    FakeTarget target;
    target.regs[0] = 0x42;
    r.machine->shared().isu_i2c[2]->bus.attach(0x30, &target);
    auto dev = r.open("/dev/i2c-2", kORdWr);
    std::uint8_t b[1];
    EXPECT_EQ(dev->read(b), -EINVAL);  // no I2C_SLAVE yet
    EXPECT_EQ(dev->ioctl(MT_I2C_SLAVE, 0x30, r.mem()), 0);
    const std::uint8_t ptr[1] = {0};
    EXPECT_EQ(dev->write(ptr), 1);
    EXPECT_EQ(dev->read(b), 1);
    EXPECT_EQ(b[0], 0x42);
    EXPECT_EQ(dev->ioctl(MT_I2C_SLAVE, 0x80, r.mem()), -EINVAL);
    std::uint32_t hz = 400'000;
    r.mem().write(kArgs, &hz, 4);
    EXPECT_EQ(dev->ioctl(MT_I2C_SET_BUS_SPEED, kArgs, r.mem()), 0);
    hz = 123;
    r.mem().write(kArgs, &hz, 4);
    EXPECT_EQ(dev->ioctl(MT_I2C_SET_BUS_SPEED, kArgs, r.mem()), -EINVAL);
    ASSERT_EQ(dev->ioctl(MT_I2C_FUNCS, kArgs, r.mem()), 0);
    r.mem().read(kArgs, &hz, 4);
    EXPECT_EQ(hz & MT_I2C_FUNC_I2C, MT_I2C_FUNC_I2C);
    r.machine->shared().isu_i2c[2]->bus.detach(0x30);
}

// ---- SPI --------------------------------------------------------------------------------

namespace {

const char* kSpiGranted = R"({
  "SchemaVersion": 1, "Name": "devices", "ComponentId": "11111111-2222-4333-8444-555555555555",
  "EntryPoint": "/bin/app", "Capabilities": { "SpiMaster": ["ISU1"] }
})";

/// Records the bytes and chip-select edges it sees; answers 0xA0, 0xA1, ...
struct RecordingSpiTarget : SpiTarget {
    std::vector<std::uint8_t> mosi;
    int selects = 0, deselects = 0;
    std::uint8_t next = 0xA0;
    void select() override { ++selects; }
    std::uint8_t exchange(std::uint8_t b) override {
        mosi.push_back(b);
        return next++;
    }
    void deselect() override { ++deselects; }
};

struct SpiXfer {
    std::vector<std::uint8_t> tx;  // empty: no TX buffer
    std::uint32_t rx_len = 0;      // > 0: an RX buffer of that length (len = max of both)
    bool cs_change = false;
};

/// SPI_IOC_MESSAGE with the transfers' buffers in guest memory; RX bytes land at kBuf + 0x400,
/// one after the other.
std::int64_t spiMessage(Rig& r, GuestFile& dev, const std::vector<SpiXfer>& xfers) {
    std::vector<std::uint8_t> raw(xfers.size() * MT_SPI_IOC_TRANSFER_SIZE, 0);
    std::uint32_t tx_at = kBuf, rx_at = kBuf + 0x400;
    for (std::size_t i = 0; i < xfers.size(); ++i) {
        std::uint8_t* t = raw.data() + i * MT_SPI_IOC_TRANSFER_SIZE;
        const std::uint32_t len = std::max<std::uint32_t>(static_cast<std::uint32_t>(xfers[i].tx.size()), xfers[i].rx_len);
        std::uint64_t tx = 0, rx = 0;
        if (!xfers[i].tx.empty()) {
            r.mem().write(tx_at, xfers[i].tx.data(), xfers[i].tx.size());
            tx = tx_at;
            tx_at += static_cast<std::uint32_t>(xfers[i].tx.size());
        }
        if (xfers[i].rx_len) {
            rx = rx_at;
            rx_at += xfers[i].rx_len;
        }
        std::memcpy(t, &tx, 8);
        std::memcpy(t + 8, &rx, 8);
        std::memcpy(t + 16, &len, 4);
        t[27] = xfers[i].cs_change ? 1 : 0;
    }
    r.mem().write(kArgs, raw.data(), raw.size());
    return dev.ioctl(MT_SPI_IOC_MESSAGE(static_cast<std::uint32_t>(xfers.size())), kArgs, r.mem());
}

std::vector<std::uint8_t> spiReceived(Rig& r, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    r.mem().read(kBuf + 0x400, v.data(), n);
    return v;
}

/// ISU1's SPI master granted, a recording target on chip select `cs` and its spidev open.
struct SpiRig {
    explicit SpiRig(unsigned cs) : r(kSpiGranted), bus(r.machine->shared().isu_spi[1]->bus()), cs(cs) {
        EXPECT_TRUE(bus.attach(cs, &target));
        dev = r.open("/dev/spidev1." + std::to_string(cs), kORdWr);
    }
    ~SpiRig() { bus.detach(cs); }
    Rig r;
    RecordingSpiTarget target;
    SpiBus& bus;
    unsigned cs;
    std::shared_ptr<GuestFile> dev;
};

}  // namespace

TEST(HlSpiDevice, MessageRunsItsTransfersUnderOneChipSelectOnTheIsuBus) {
    SpiRig rig(1);
    Rig& r = rig.r;
    RecordingSpiTarget& target = rig.target;
    ASSERT_TRUE(rig.dev);
    GuestFile* dev = rig.dev.get();
    // SPIMaster_WriteThenRead: a write transfer, then a read transfer (MOSI idles at 0xFF).
    EXPECT_EQ(spiMessage(r, *dev, {{{0x8F}, 0}, {{}, 2}}), 3);
    EXPECT_EQ(target.mosi, (std::vector<std::uint8_t>{0x8F, 0xFF, 0xFF}));
    EXPECT_EQ(spiReceived(r, 2), (std::vector<std::uint8_t>{0xA1, 0xA2}));
    EXPECT_EQ(target.selects, 1);
    EXPECT_EQ(target.deselects, 1);
    // cs_change releases chip select between transfers.
    EXPECT_EQ(spiMessage(r, *dev, {{{0x01}, 0, true}, {{0x02, 0x03}, 0}}), 3);
    EXPECT_EQ(target.selects, 3);
    EXPECT_EQ(target.deselects, 3);
    // Nobody on chip select 0: MISO reads 0xFF.
    auto empty = r.open("/dev/spidev1.0", kORdWr);
    ASSERT_TRUE(empty);
    EXPECT_EQ(spiMessage(r, *empty, {{{}, 2}}), 2);
    EXPECT_EQ(spiReceived(r, 2), (std::vector<std::uint8_t>{0xFF, 0xFF}));
}

TEST(HlSpiDevice, ModeBitOrderSpeedAndLimits) {
    SpiRig rig(0);
    Rig& r = rig.r;
    RecordingSpiTarget& target = rig.target;
    ASSERT_TRUE(rig.dev);
    GuestFile* dev = rig.dev.get();
    auto put8 = [&](std::uint8_t v) { r.mem().write(kArgs, &v, 1); };
    auto put32 = [&](std::uint32_t v) { r.mem().write(kArgs, &v, 4); };
    auto get32 = [&] {
        std::uint32_t v = 0;
        r.mem().read(kArgs, &v, 4);
        return v;
    };
    put8(MT_SPI_CPOL | MT_SPI_CPHA);  // mode 3
    EXPECT_EQ(dev->ioctl(MT_SPI_IOC_WR_MODE, kArgs, r.mem()), 0);
    put8(0x10);  // 3-wire: not on the MT3620
    EXPECT_EQ(dev->ioctl(MT_SPI_IOC_WR_MODE, kArgs, r.mem()), -EINVAL);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_RD_MODE, kArgs, r.mem()), 0);
    EXPECT_EQ(get32() & 0xFF, MT_SPI_CPOL | MT_SPI_CPHA);
    put8(16);
    EXPECT_EQ(dev->ioctl(MT_SPI_IOC_WR_BITS_PER_WORD, kArgs, r.mem()), -EINVAL);

    // LSB first: the bits are reversed on the wire, both ways.
    put8(1);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_WR_LSB_FIRST, kArgs, r.mem()), 0);
    EXPECT_EQ(spiMessage(r, *dev, {{{0x01}, 1}}), 1);
    EXPECT_EQ(target.mosi.back(), 0x80);
    EXPECT_EQ(spiReceived(r, 1)[0], 0x05);  // 0xA0 reversed

    // SCK = 79.04 MHz / (rs_clk_sel + 2): the fastest not above the request (reference 4.6).
    put32(400'000);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_WR_MAX_SPEED_HZ, kArgs, r.mem()), 0);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_RD_MAX_SPEED_HZ, kArgs, r.mem()), 0);
    EXPECT_EQ(get32(), 399'191u);  // 79.04 MHz / 198
    put32(100'000'000);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_WR_MAX_SPEED_HZ, kArgs, r.mem()), 0);
    ASSERT_EQ(dev->ioctl(MT_SPI_IOC_RD_MAX_SPEED_HZ, kArgs, r.mem()), 0);
    EXPECT_EQ(get32(), 39'520'000u);
    put32(1000);
    EXPECT_EQ(dev->ioctl(MT_SPI_IOC_WR_MAX_SPEED_HZ, kArgs, r.mem()), -EINVAL);

    // More than spidev's 4096-byte buffer in one message.
    std::uint8_t big[MT_SPI_IOC_TRANSFER_SIZE] = {};
    const std::uint32_t len = 4097;
    std::memcpy(big + 16, &len, 4);
    r.mem().write(kArgs, big, sizeof big);
    EXPECT_EQ(dev->ioctl(MT_SPI_IOC_MESSAGE(1), kArgs, r.mem()), -EMSGSIZE);
    EXPECT_EQ(dev->ioctl(0x12345678, kArgs, r.mem()), -ENOTTY);
}

// ---- PWM and ADC ------------------------------------------------------------------------

TEST(HlPwmDevice, ApplyProgramsTheControllerChannel) {
    Rig r(kAllGranted);
    auto pwm = r.open("/dev/pwm2", kORdWr);
    ASSERT_TRUE(pwm);
    // Controller 2 channel 0 drives GPIO 8: 1 kHz, 25 %.
    const std::uint32_t state[5] = {0, 1'000'000, 250'000, 0, 1};
    r.mem().write(kArgs, state, sizeof state);
    ASSERT_EQ(pwm->ioctl(MT_PWM_IOC_APPLY, kArgs, r.mem()), 0);
    auto ch = r.machine->shared().pwm[2]->channel(0);
    EXPECT_TRUE(ch.running);
    EXPECT_NEAR(ch.duty, 0.25, 1e-6);
    EXPECT_NEAR(static_cast<double>(ch.period) / kPicosPerMicro, 1000.0, 0.05);
    EXPECT_FALSE(ch.inverted);
    EXPECT_TRUE(r.machine->pins().chipDriven(8));

    const std::uint32_t bad_channel[5] = {4, 1'000'000, 1, 0, 1};
    r.mem().write(kArgs, bad_channel, sizeof bad_channel);
    EXPECT_EQ(pwm->ioctl(MT_PWM_IOC_APPLY, kArgs, r.mem()), -ENODEV);
    const std::uint32_t bad_duty[5] = {0, 1000, 2000, 0, 1};
    r.mem().write(kArgs, bad_duty, sizeof bad_duty);
    EXPECT_EQ(pwm->ioctl(MT_PWM_IOC_APPLY, kArgs, r.mem()), -EINVAL);
    const std::uint32_t off[5] = {0, 0, 0, 0, 0};
    r.mem().write(kArgs, off, sizeof off);
    ASSERT_EQ(pwm->ioctl(MT_PWM_IOC_APPLY, kArgs, r.mem()), 0);
    EXPECT_FALSE(r.machine->shared().pwm[2]->channel(0).running);
}

TEST(HlAdcDevice, ConversionReturnsTheChannelVoltageAfterTheConversionTime) {
    Rig r(kAllGranted);
    r.machine->shared().adc->setChannelSource(3, [](Picos) { return 1.25; });
    auto adc = r.open("/dev/adc0", kORdWr);
    ASSERT_TRUE(adc);
    std::uint32_t cv[2] = {3, 0};
    r.mem().write(kArgs, cv, sizeof cv);
    ASSERT_EQ(adc->ioctl(MT_ADC_IOC_GET_SAMPLE_BITS, kArgs, r.mem()), 0);
    r.mem().read(kArgs, cv, sizeof cv);
    EXPECT_EQ(cv[1], 12u);

    ASSERT_EQ(adc->ioctl(MT_ADC_IOC_START, 3, r.mem()), 0);
    std::uint8_t entry[4];
    EXPECT_EQ(adc->read(entry), -EAGAIN);  // the conversion takes virtual time
    r.machine->runFor(kPicosPerMilli);
    ASSERT_EQ(adc->read(entry), 4);
    std::uint32_t v;
    std::memcpy(&v, entry, 4);
    EXPECT_EQ(v & 0xF, 3u);
    EXPECT_EQ((v >> 4) & 0xFFF, 2048u);  // 1.25 V of 2.5 V: round(0.5 * 4095)

    cv[0] = 3;
    cv[1] = 1'800'000;
    r.mem().write(kArgs, cv, sizeof cv);
    ASSERT_EQ(adc->ioctl(MT_ADC_IOC_SET_REFERENCE, kArgs, r.mem()), 0);
    EXPECT_DOUBLE_EQ(r.machine->shared().adc->referenceVolts(), 1.8);
    cv[1] = 3'300'000;
    r.mem().write(kArgs, cv, sizeof cv);
    EXPECT_EQ(adc->ioctl(MT_ADC_IOC_SET_REFERENCE, kArgs, r.mem()), -EINVAL);
    EXPECT_EQ(adc->ioctl(MT_ADC_IOC_START, 8, r.mem()), -EINVAL);
}

// ---- Mutable storage and power ----------------------------------------------------------

TEST(HlStorage, PersistsInTheHostDirectoryWithinTheQuota) {
    const std::string dir = std::string(TEST_TMP_DIR) + "/hl-storage-unit";
    std::filesystem::remove_all(dir);
    const std::string path = "/mnt/config/11111111-2222-4333-8444-555555555555/mutable_storage";
    {
        Rig r(kAllGranted, dir);
        EXPECT_EQ(r.openError(path, kORdWr), -ENOENT);  // nothing stored yet, no O_CREAT
        auto f = r.open(path, kORdWr | kOCreat);
        ASSERT_TRUE(f);
        const std::uint8_t data[4] = {1, 2, 3, 4};
        EXPECT_EQ(f->write(data), 4);
        // The quota is the manifest's SizeKB (1 KiB here).
        EXPECT_EQ(f->seek(1020, 0), 1020);
        EXPECT_EQ(f->write(data), 4);
        EXPECT_EQ(f->write(data), -EFBIG);
    }
    ASSERT_TRUE(std::filesystem::exists(dir + "/11111111-2222-4333-8444-555555555555.bin"));
    {
        Rig r(kAllGranted, dir);
        auto f = r.open(path, kORdWr);
        ASSERT_TRUE(f);
        std::uint8_t back[4] = {};
        EXPECT_EQ(f->read(back), 4);
        EXPECT_EQ(back[3], 4);
        EXPECT_EQ(f->stat().size, 1024);
        EXPECT_TRUE(r.open(path, kORdWr | kOTrunc));  // Storage_DeleteMutableFile
        EXPECT_EQ(f->stat().size, 0);
    }
}

TEST(HlPowerDevice, GrantedRequestIsAcceptedOthersAreRefused) {
    Rig r(kAllGranted);  // PowerControls: ForceReboot only
    auto power = r.open(MT_POWER_PATH, kORdWr);
    ASSERT_TRUE(power);
    EXPECT_EQ(power->ioctl(MT_POWER_IOC_POWER_DOWN, 10, r.mem()), -EACCES);
    EXPECT_EQ(power->ioctl(MT_POWER_IOC_REBOOT, 0, r.mem()), 0);
    EXPECT_EQ(power->ioctl(0x7a99, 0, r.mem()), -ENOTTY);
}

// ---- The manifest corpus: nothing granted, everything refused ---------------------------

TEST(HlManifestCorpus, EveryUndeclaredPeripheralIsRefusedWithEacces) {
    const std::string dir = std::string(TEST_TMP_DIR) + "/hl-storage-corpus";
    Rig r(kNothingGranted, dir);
    for (unsigned pin : {0u, 8u, 12u, 45u, 80u})
        EXPECT_EQ(r.requestLine(pin, MT_GPIOHANDLE_REQUEST_OUTPUT), -EACCES) << "GPIO " << pin;
    for (int n = 0; n < 5; ++n) {
        EXPECT_EQ(r.openError("/dev/ttyISU" + std::to_string(n)), -EACCES) << "UART ISU" << n;
        EXPECT_EQ(r.openError("/dev/i2c-" + std::to_string(n)), -EACCES) << "I2C ISU" << n;
        for (int cs = 0; cs < 2; ++cs)
            EXPECT_EQ(r.openError("/dev/spidev" + std::to_string(n) + "." + std::to_string(cs)), -EACCES) << "SPI ISU" << n;
    }
    EXPECT_EQ(r.openError("/dev/adc0"), -EACCES);
    for (int n = 0; n < 3; ++n) EXPECT_EQ(r.openError("/dev/pwm" + std::to_string(n)), -EACCES) << "PWM " << n;
    EXPECT_EQ(r.openError("/mnt/config/11111111-2222-4333-8444-555555555555/mutable_storage", kORdWr | kOCreat),
              -EACCES);
    auto power = r.open(MT_POWER_PATH, kORdWr);
    ASSERT_TRUE(power);
    EXPECT_EQ(power->ioctl(MT_POWER_IOC_REBOOT, 0, r.mem()), -EACCES);
    // Granting one ISU function does not grant another: ISU0 as UART is not ISU0 as I2C.
    Rig uart_only(kAllGranted);
    EXPECT_EQ(uart_only.openError("/dev/i2c-0"), -EACCES);
    EXPECT_EQ(uart_only.openError("/dev/ttyISU2"), -EACCES);
    EXPECT_EQ(uart_only.openError("/dev/pwm0"), -EACCES);
    Rig spi_isu1(kSpiGranted);
    EXPECT_EQ(spi_isu1.openError("/dev/spidev2.0"), -EACCES);
    EXPECT_EQ(spi_isu1.openError("/dev/spidev1.2"), -ENOENT);  // no chip select 2
}
