#pragma once
// What a board file says, as plain data: the board's name and chip, and one spec per device.
// BoardFile produces it (and has checked it); Board turns it into live devices. Keeping the two
// apart lets tests and tools read a board without building a machine.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/VirtualTime.h"

namespace mt3620 {

/// Fields every device has.
struct DeviceSpecBase {
    std::string name;
    int line = 0;  // line of the device's entry in the board file (1-based), for later messages
};

/// An LED on a GPIO pad. It only observes the pad, so it never drives it.
struct LedSpec : DeviceSpecBase {
    unsigned pin = 0;
    bool active_low = false;  // lit when the pad is low (common-anode wiring, as on the RDB)
};

/// A push button that drives a pad: to its idle level when released, the other one when pressed.
struct ButtonSpec : DeviceSpecBase {
    unsigned pin = 0;
    bool idle_high = true;  // pull-up to 3.3 V with the button to ground, as on the RDB
    std::optional<char> key;  // terminal key that presses it, if any
};

// --- Analog waveforms, in volts as a function of virtual time ---
struct ConstantSource {
    double volts = 0;
};
/// offset + amplitude * sin(2π t / period).
struct SineSource {
    double offset = 0, amplitude = 0;
    Picos period = 0;
};
/// Sawtooth: rises linearly from `from` to `to` over each period, then jumps back.
struct RampSource {
    double from = 0, to = 0;
    Picos period = 0;
};
/// `high` for the first half of each period, `low` for the second.
struct SquareSource {
    double low = 0, high = 0;
    Picos period = 0;
};
/// Samples read from a CSV file (already loaded and checked), linearly interpolated; the first
/// value holds before the first sample and the last one after the last sample.
struct CsvSource {
    std::string path;                              // as resolved against the board file's folder
    std::vector<std::pair<Picos, double>> points;  // (time, volts), times never decreasing
};
using AnalogSourceSpec = std::variant<ConstantSource, SineSource, RampSource, SquareSource, CsvSource>;

/// A voltage on one ADC channel (channel k is GPIO 41+k, reference §4.7).
struct AnalogSpec : DeviceSpecBase {
    unsigned adc = 0;  // controller; the MT3620 has only ADC-CONTROLLER-0
    unsigned channel = 0;
    AnalogSourceSpec source;
};

// --- UART endpoints: the far end of an ISU UART's TX and RX lines ---
/// A TCP server on 127.0.0.1: a connected client's bytes go to the UART's RX, the UART's TX
/// bytes go to the client. One client at a time.
struct UartTcpEndpoint {
    unsigned port = 0;     // 0: any free port (logged)
    bool realtime = true;  // keep virtual time from running ahead of real time while listening
};
/// The UART's transmitted bytes, written to a file (resolved against the board file's folder).
struct UartFileEndpoint {
    std::string path;
    bool append = false;  // false: the file is truncated when the board is loaded
};
/// The UART's transmitted bytes, written to standard output.
struct UartTerminalEndpoint {};
/// Another UART of the chip, cross-connected: each one's TX drives the other's RX.
struct UartLoopbackEndpoint {
    std::string peer;  // "ISU1"
};
/// A host pseudo-terminal (/dev/pts/N, logged) that a terminal program or pyserial opens: its
/// bytes go to the UART's RX, the UART's TX bytes come out of it.
struct UartPtyEndpoint {
    std::string link;      // when not empty: a symbolic link to the pty made here (board-file relative)
    bool realtime = true;  // as for tcp
};
using UartEndpointSpec =
    std::variant<UartTcpEndpoint, UartFileEndpoint, UartTerminalEndpoint, UartLoopbackEndpoint, UartPtyEndpoint>;

/// Something on the lines of a chip UART (board file `type: uart`).
struct UartSpec : DeviceSpecBase {
    std::string uart;  // "ISU0": the name app manifests use
    UartEndpointSpec endpoint;
};

// --- I2C devices on an ISU's bus ---
/// Acceleration (g) and angular rate (degrees per second) on the x, y and z axes.
struct MotionSample {
    std::array<double, 3> accel_g{0, 0, 1};
    std::array<double, 3> gyro_dps{0, 0, 0};
};
/// A motion trace read from a CSV of time,ax,ay,az,gx,gy,gz (already loaded and checked),
/// linearly interpolated; the first sample holds before it and the last one after it.
struct MotionTrace {
    std::string path;
    std::vector<std::pair<Picos, MotionSample>> points;
};
/// The ST LSM6DS3 / LSM6DSO accelerometer and gyroscope (board file `type: lsm6ds3` or
/// `lsm6dso`) on an ISU's bus.
struct Lsm6dsxSpec : DeviceSpecBase {
    std::string bus;              // "ISU2"
    std::string interface = "i2c";
    unsigned address = 0x6A;     // 7-bit I2C address (0x6A with SA0 low, 0x6B with SA0 high)
    unsigned chip_select = 0;    // interface spi: the ISU's chip-select line (0 or 1)
    MotionSample motion;         // constant values, unless `trace` is given
    std::optional<MotionTrace> trace;
    double temperature_c = 25;
};
struct Lsm6ds3Spec : Lsm6dsxSpec {};
struct Lsm6dsoSpec : Lsm6dsxSpec {};
/// A generic I2C device whose registers and reset values come from the board file
/// (`type: i2c-register-file`).
struct I2cRegisterFileSpec : DeviceSpecBase {
    std::string bus;  // "ISU1"
    unsigned address = 0;
    unsigned size = 256;                 // registers 0..size-1
    std::vector<std::uint8_t> reset;     // reset value of each register (size entries)
};

// --- SPI devices: each on one chip-select line of an ISU's SPI master ---
struct SpiWiringSpec {
    std::string bus;  // "ISU1": the name app manifests use ("SpiMaster": ["ISU1"])
    unsigned chip_select = 0;
};

/// A JEDEC SPI NOR flash (board file `type: spi-nor-flash`).
struct SpiNorFlashSpec : DeviceSpecBase {
    SpiWiringSpec spi;
    std::uint32_t size = 0;      // bytes: a power of two, 64 KiB .. 16 MiB
    std::uint32_t jedec_id = 0;  // manufacturer, memory type, capacity (RDID's three bytes)
    std::string file;            // where the contents persist (resolved); empty: not kept
    Picos page_program_time = 0;
    Picos sector_erase_time = 0;  // 4 KiB
    Picos block_erase_time = 0;   // 64 KiB
    Picos chip_erase_time = 0;
    Picos status_write_time = 0;
};

/// A generic SPI device with byte registers (board file `type: spi-register-file`).
struct SpiRegisterFileSpec : DeviceSpecBase {
    struct Register {
        std::uint8_t address = 0;  // 0..127
        std::uint8_t reset_value = 0;
        bool read_only = false;
    };
    SpiWiringSpec spi;
    std::vector<Register> registers;  // sorted by address, no address twice
};

/// One device of the board. A new device type adds its spec here and registers itself in
/// DeviceRegistry.cpp.
using DeviceSpec = std::variant<LedSpec, ButtonSpec, AnalogSpec, UartSpec, Lsm6ds3Spec, Lsm6dsoSpec,
                                I2cRegisterFileSpec, SpiNorFlashSpec, SpiRegisterFileSpec>;

struct BoardDescription {
    std::string file;  // where it was read from, for messages
    std::string board;
    std::string chip;
    std::string description;
    std::vector<DeviceSpec> devices;
};

/// The name and line every spec carries.
inline const DeviceSpecBase& specBase(const DeviceSpec& spec) {
    return std::visit([](const auto& s) -> const DeviceSpecBase& { return s; }, spec);
}

}  // namespace mt3620
