#pragma once
// The ST LSM6DS3 accelerometer + gyroscope (WHO_AM_I 0x69), which Microsoft's I2C and SPI
// samples attach to the RDB, and its successor the LSM6DSO (WHO_AM_I 0x6C, on Avnet's starter
// kit). Two parts:
//
// Lsm6dsx, the sensor's register file, independent of the transport. A transport (I2C here,
// SPI through the SPI master) calls readRegister / writeRegister and moves its own register
// address on after each byte when autoIncrement() says so (CTRL3_C.IF_INC, on after reset).
// Modelled registers (datasheet names):
//   0x0F WHO_AM_I                 0x69 / 0x6C, read-only
//   0x10..0x19 CTRL1_XL..CTRL10_C  read/write. CTRL1_XL ODR_XL [7:4] and FS_XL [3:2];
//                                 CTRL2_G ODR_G [7:4], FS_G [3:2], FS_125 [1]; CTRL3_C BOOT [7],
//                                 BDU [6], IF_INC [2], BLE [1], SW_RESET [0] (SW_RESET restores every
//                                 register's reset value; both BOOT and SW_RESET read back 0)
//   0x1E STATUS_REG               XLDA [0], GDA [1], TDA [2]
//   0x20..0x21 OUT_TEMP           0 at 25 °C; 16 LSB/°C (LSM6DS3), 256 LSB/°C (LSM6DSO)
//   0x22..0x27 OUTX/Y/Z_L/H_G     angular rate, 8.75 / 17.5 / 35 / 70 mdps/LSB at 245 / 500 /
//                                 1000 / 2000 dps, 4.375 with FS_125
//   0x28..0x2D OUTX/Y/Z_L/H_XL    acceleration, 0.061 / 0.122 / 0.244 / 0.488 mg/LSB at
//                                 ±2 / ±4 / ±8 / ±16 g (FS_XL 00 / 10 / 11 / 01)
//   any other register            stored as written (no function)
// Data-ready timing: once an output data rate is programmed (12.5 Hz .. 6.66 kHz), a new sample
// is taken every 1/ODR of virtual time, the first one period after the ODR was written; the
// status bit rises with each sample and clears when any of that sensor's output registers is
// read. Outputs hold the newest sample, converted at the full scale in force when it was taken;
// they read 0 before the first sample. With CTRL3_C.BDU (block data update) a sensor's outputs
// do not change between the reads of the two bytes of one output (first byte at the even
// address, second at the odd one); without it a read that straddles a sample mixes the two, as
// on the chip. The temperature
// sensor samples with the accelerometer, or with the gyroscope while the accelerometer is off.
//
// Lsm6ds3Device / Lsm6dsoDevice, the board devices (`type: lsm6ds3` / `lsm6dso`): the sensor
// on an ISU's bus, with motion from the board file (constant values or a CSV trace
// time,ax,ay,az,gx,gy,gz in g and dps). `interface: i2c` (the default) puts it on the ISU's I2C
// bus at its 7-bit address through I2cRegisterTarget; `interface: spi` on the ISU's SPI bus at
// `chip-select:` 0 or 1 through SpiRegisterTarget (first byte bit 7 = read, bits 6:0 the
// register, then auto-increment as IF_INC says). Another transport adds one branch in
// parseFields (its fields), busClaims (what it occupies) and the constructor (its attachment);
// the sensor and the motion fields are shared.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"
#include "common/Log.h"
#include "common/VirtualTime.h"

namespace mt3620 {

class I2cTarget;
class I2cAttachment;
class SpiTarget;
class SpiAttachment;

/// The motion a sensor feels at a virtual time.
using MotionSource = std::function<MotionSample(Picos)>;
/// Constant motion, or the trace interpolated at `t`.
MotionSource makeMotionSource(const MotionSample& constant, const std::optional<MotionTrace>& trace);
/// Reads a CSV of "time,ax,ay,az,gx,gy,gz" lines: time as a duration ("1.5s") or a number of
/// seconds, accelerations in g, rates in degrees per second; blank lines, '#' comments and a
/// header line starting with "time" are skipped. Errors name the CSV file and line.
MotionTrace loadMotionTrace(const std::string& path, const BoardFileContext& context, int line);

/// Reads an optional `{x, y, z}` map of numbers (`acceleration`, `angular-rate`).
std::optional<std::array<double, 3>> parseXyz(FieldReader& fields, std::string_view key);

class Lsm6dsx {
public:
    enum class Variant { Lsm6ds3, Lsm6dso };

    // Register addresses (datasheet).
    static constexpr std::uint8_t kWhoAmI = 0x0F, kCtrl1Xl = 0x10, kCtrl2G = 0x11, kCtrl3C = 0x12,
                                  kCtrl9Xl = 0x18, kCtrl10C = 0x19, kStatusReg = 0x1E, kOutTempL = 0x20,
                                  kOutxLG = 0x22, kOutxLXl = 0x28, kOutzHXl = 0x2D;
    static constexpr std::uint8_t kXlda = 0x01, kGda = 0x02, kTda = 0x04;
    static constexpr std::uint8_t kIfInc = 0x04, kBle = 0x02, kSwReset = 0x01, kBoot = 0x80, kBdu = 0x40;
    /// Registers 0x00..0x7F: an SPI or I2C register address has 7 bits.
    static constexpr unsigned kRegisterCount = 128;

    Lsm6dsx(Variant variant, const TimeSource& time, MotionSource motion, double temperature_c = 25);

    // The transport interface (I2C here, SPI in the SPI master's device).
    std::uint8_t readRegister(std::uint8_t reg);
    void writeRegister(std::uint8_t reg, std::uint8_t value);
    bool autoIncrement() const;

    Variant variant() const { return variant_; }
    /// The motion the sensor feels at `t`, and a new one from now on (a test or scenario
    /// tilting the board); samples already taken keep their values.
    MotionSample motionAt(Picos t) const { return motion_(t); }
    void setMotion(MotionSource motion);
    std::uint8_t whoAmI() const;
    /// Power-on state (registers at their reset values, no samples).
    void reset();

    /// Output data rate in millihertz for an ODR code of CTRL1_XL / CTRL2_G; 0 = power-down.
    std::uint32_t odrMilliHz(std::uint8_t code, bool accel) const;

private:
    enum Sensor { kAccel = 0, kGyro = 1, kTemp = 2 };
    /// When a sensor samples: every `period` from `start`; period 0 = powered down.
    struct Timing {
        Picos start = 0;
        Picos period = 0;
    };
    struct Channel {
        std::uint64_t latched = 0;   // number of the sample the outputs hold (0: none yet)
        std::uint64_t consumed = 0;  // number of the last sample whose outputs were read
        std::uint64_t epoch = 0;     // bumps when the timing changes, restarting the numbering
    };

    Timing timing(Sensor s) const;
    std::uint64_t samplesTaken(Sensor s) const;
    void retime(Sensor s);
    void latch(Sensor s);
    void store(std::uint8_t reg, std::int16_t value);
    std::uint8_t statusReg();

    double accelMgPerLsb() const;
    double gyroMdpsPerLsb() const;
    double tempLsbPerDegree() const;

    Variant variant_;
    const TimeSource& time_;
    MotionSource motion_;
    double temperature_c_;
    std::array<std::uint8_t, kRegisterCount> regs_{};
    std::array<Timing, 2> timing_{};  // accelerometer, gyroscope
    std::array<Channel, 3> channels_{};
    std::array<bool, 3> held_{};  // BDU: first byte of an output pair read, second not yet
};

/// What both board device types share: the sensor and its transport.
class Lsm6dsxDevice : public BoardDevice {
public:
    ~Lsm6dsxDevice() override;

    Lsm6dsx& sensor() { return sensor_; }
    const std::string& bus() const { return bus_; }
    unsigned address() const { return address_; }

    /// Fields both types read into their spec; `part` names the chip in messages.
    static void parseFields(FieldReader& fields, Lsm6dsxSpec& spec, std::string_view part);
    static std::vector<ResourceClaim> busClaims(const Lsm6dsxSpec& spec);

protected:
    Lsm6dsxDevice(const Lsm6dsxSpec& spec, Lsm6dsx::Variant variant, BoardWiring& wiring);

private:
    std::string bus_;
    unsigned address_;
    Lsm6dsx sensor_;
    std::unique_ptr<I2cTarget> transport_;
    std::unique_ptr<I2cAttachment> attachment_;
    std::unique_ptr<SpiTarget> spi_transport_;        // interface: spi
    std::unique_ptr<SpiAttachment> spi_attachment_;
};

/// The part a board device type is: its `type:` name, its name in messages, its variant.
template <class Spec>
struct Lsm6dsxPart;
template <>
struct Lsm6dsxPart<Lsm6ds3Spec> {
    static constexpr std::string_view kType = "lsm6ds3", kName = "LSM6DS3";
    static constexpr Lsm6dsx::Variant kVariant = Lsm6dsx::Variant::Lsm6ds3;
};
template <>
struct Lsm6dsxPart<Lsm6dsoSpec> {
    static constexpr std::string_view kType = "lsm6dso", kName = "LSM6DSO";
    static constexpr Lsm6dsx::Variant kVariant = Lsm6dsx::Variant::Lsm6dso;
};

/// One board device type per part (see DeviceRegistry.h for what a type provides).
template <class SpecT>
class Lsm6dsxBoardDevice : public Lsm6dsxDevice {
public:
    using Spec = SpecT;
    using Part = Lsm6dsxPart<SpecT>;
    static constexpr std::string_view kType = Part::kType;
    static Spec parse(FieldReader& fields) {
        Spec spec;
        parseFields(fields, spec, Part::kName);
        return spec;
    }
    static std::vector<ResourceClaim> claims(const Spec& spec) { return busClaims(spec); }
    Lsm6dsxBoardDevice(const Spec& spec, BoardWiring& wiring) : Lsm6dsxDevice(spec, Part::kVariant, wiring) {}
    std::string_view type() const override { return kType; }
};

using Lsm6ds3Device = Lsm6dsxBoardDevice<Lsm6ds3Spec>;
using Lsm6dsoDevice = Lsm6dsxBoardDevice<Lsm6dsoSpec>;

}  // namespace mt3620
