#include "os/AppDevices.h"

#include <algorithm>
#include <filesystem>

#include "image/AppManifest.h"
#include "machine/Machine.h"
#include "os/AdcDevice.h"
#include "os/CertStoreDevice.h"
#include "os/DeviceAbi.h"
#include "os/GpioDevice.h"
#include "os/HlProcess.h"
#include "os/I2cDevice.h"
#include "os/PowerDevice.h"
#include "os/PwmDevice.h"
#include "os/SpiDevice.h"
#include "os/StorageFile.h"
#include "os/TlsDevice.h"
#include "os/UartDevice.h"
#include "periph/IsuI2c.h"
#include "periph/IsuSpi.h"

namespace mt3620::os {

namespace {

using Opened = std::variant<std::shared_ptr<GuestFile>, int>;

bool granted(const std::vector<int>& list, int n) { return std::find(list.begin(), list.end(), n) != list.end(); }

/// Logs a refused open once per device, so a user sees why an app's open failed.
int refuse(HlProcess& p, const std::string& device, const std::string& capability) {
    p.log().warnOnce("a7.manifest." + device, "a7", "app manifest: {} is not granted ({} capability): EACCES",
                     device, capability);
    return -EACCES;
}

}  // namespace

void installAppDevices(HlProcess& p, SharedPeripherals& shared, const AppManifest& manifest,
                       const AppDeviceOptions& options) {
    const AppManifest::Capabilities& caps = manifest.capabilities;
    GuestFs& fs = p.fs();
    if (!options.applibs.empty()) {
        fs.mountHost("/usr/lib/libapplibs.so.0", options.applibs);
        // The OS's other libraries are built with libapplibs and live next to it.
        const std::filesystem::path dir = std::filesystem::path(options.applibs).parent_path();
        for (const char* lib : {"libwolfssl.so.0", "libtlsutils.so.0"})
            if (std::filesystem::exists(dir / lib)) fs.mountHost(std::string("/usr/lib/") + lib, (dir / lib).string());
    }

    auto install = [&p](std::shared_ptr<GuestFile> file) {
        file->setReadinessListener([&p] { p.ioReady(); });
        return p.fds().install(std::move(file));
    };

    auto chip = std::make_shared<GpioChip>(shared, caps.gpio, p.log());
    fs.addDevice(MT_GPIO_CHIP_PATH, [chip, install](std::uint32_t) -> Opened {
        return std::make_shared<GpioChipFile>(chip, install);
    }, deviceNumber(kMajorGpioChip, 0));

    for (unsigned n = 0; n < kIsuCount; ++n) {
        const std::string isu = "ISU" + std::to_string(n);
        auto port = std::make_shared<UartPort>(*shared.isu_uart[n], n, p.log());
        fs.addDevice("/dev/ttyISU" + std::to_string(n), [&p, port, n, isu, uarts = caps.uart](std::uint32_t) -> Opened {
            if (!granted(uarts, static_cast<int>(n))) return refuse(p, isu + " UART", "Uart");
            if (port->isOpen()) return -EBUSY;
            return std::make_shared<UartFile>(port);
        }, deviceNumber(kMajorTtyIsu, 64 + n));

        I2cBus& bus = shared.isu_i2c[n]->bus;
        fs.addDevice("/dev/i2c-" + std::to_string(n), [&p, &bus, n, isu, i2cs = caps.i2cMaster](std::uint32_t) -> Opened {
            if (!granted(i2cs, static_cast<int>(n))) return refuse(p, isu + " I2C master", "I2cMaster");
            return std::make_shared<I2cFile>(bus, n);
        }, deviceNumber(kMajorI2c, n));
    }

    // SPI masters: a spidev node per ISU and chip select (SpiDevice.h); the manifest check
    // comes first, as on the device.
    for (unsigned n = 0; n < kIsuCount; ++n) {
        SpiBus& bus = shared.isu_spi[n]->bus();
        for (unsigned cs = 0; cs < SpiBus::kChipSelects; ++cs) {
            const std::string path = "/dev/spidev" + std::to_string(n) + "." + std::to_string(cs);
            fs.addDevice(path, [&p, &bus, n, cs, spis = caps.spiMaster](std::uint32_t) -> Opened {
                if (!granted(spis, static_cast<int>(n))) return refuse(p, "ISU" + std::to_string(n) + " SPI master", "SpiMaster");
                return std::make_shared<SpiFile>(bus, n, cs);
            }, deviceNumber(kMajorSpidev, n * 2 + cs));
        }
    }

    AdcController& adc = *shared.adc;
    fs.addDevice("/dev/adc0", [&p, &adc, adcs = caps.adc](std::uint32_t) -> Opened {
        if (!granted(adcs, 0)) return refuse(p, "ADC-CONTROLLER-0", "Adc");
        return std::make_shared<AdcFile>(adc);
    }, deviceNumber(kMajorMisc, 120));

    for (unsigned n = 0; n < shared.pwm.size(); ++n) {
        PwmController& pwm = *shared.pwm[n];
        fs.addDevice("/dev/pwm" + std::to_string(n), [&p, &pwm, n, pwms = caps.pwm](std::uint32_t) -> Opened {
            if (!granted(pwms, static_cast<int>(n))) return refuse(p, "PWM-CONTROLLER-" + std::to_string(n), "Pwm");
            return std::make_shared<PwmFile>(pwm, n);
        }, deviceNumber(kMajorMisc, 130 + n));
    }

    fs.addDevice(MT_POWER_PATH, [&p, controls = caps.powerControls](std::uint32_t) -> Opened {
        return std::make_shared<PowerFile>(controls, [&p](const std::string& why) {
            p.log().info("a7", "{}: the app stops", why);
            p.exit(0);
        });
    }, deviceNumber(kMajorMisc, 140));

    const std::string id = manifest.componentId.toString();
    const std::string guest = std::string(MT_STORAGE_DIR) + "/" + id + "/" + MT_STORAGE_FILE;
    const std::string host = options.storage_dir.empty() ? std::string() : options.storage_dir + "/" + id + ".bin";
    const std::uint64_t quota = std::uint64_t{caps.mutableStorageKB.value_or(0)} * 1024;
    fs.addDevice(guest, [&p, guest, host, quota, has = caps.mutableStorageKB.has_value()](std::uint32_t flags) -> Opened {
        if (!has) return refuse(p, "mutable storage", "MutableStorage");
        if (host.empty()) {
            p.log().warnOnce("a7.storage", "a7", "the app's mutable storage needs a host directory (--storage DIR)");
            return -EACCES;
        }
        return MutableStorageFile::open(host, guest, flags, quota);
    }, 0);

    installCertificateDevices(p, manifest, options.device_dir);
    installTlsDevice(p, manifest, options.device_dir);
}

}  // namespace mt3620::os
