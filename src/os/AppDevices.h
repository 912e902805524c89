#pragma once
// The device side of the emulated Azure Sphere OS for one high-level app (DESIGN.md 3.5,
// docs/hl-apps.md): registers every device file libapplibs opens in the app's filesystem,
// each enforcing the app manifest when it is opened, and mounts the guest libraries.
//
//   /dev/gpiochip0           GpioDevice.h   lines checked against "Gpio"
//   /dev/ttyISU0..4          UartDevice.h   "Uart"
//   /dev/i2c-0..4            I2cDevice.h    "I2cMaster"
//   /dev/spidev<n>.<cs>      SpiDevice.h    "SpiMaster"
//   /dev/adc0                AdcDevice.h    "Adc"
//   /dev/pwm0..2             PwmDevice.h    "Pwm"
//   /dev/power               PowerDevice.h  "PowerControls"
//   /mnt/config/<id>/mutable_storage  StorageFile.h  "MutableStorage"
//   /dev/certstore, /run/deviceauth/device_cert.pem  CertStoreDevice.h  "CertStore", "DeviceAuthentication"
//   /dev/tls                 TlsDevice.h    (device authentication: "DeviceAuthentication")
// A peripheral the manifest does not grant fails to open with EACCES (GPIO: the line request
// fails), the error the Azure Sphere API documents for each.
#include <memory>
#include <string>

namespace mt3620 {
struct AppManifest;
struct SharedPeripherals;
}  // namespace mt3620

namespace mt3620::os {

class HlProcess;

struct AppDeviceOptions {
    /// Host file of libapplibs.so.0, mounted at /usr/lib/libapplibs.so.0; empty: not mounted.
    std::string applibs;
    /// Host directory of the apps' mutable storage (<dir>/<component-id>.bin); empty: the app
    /// gets no storage (opening it fails with EACCES even with the capability, logged).
    std::string storage_dir;
    /// The device state directory (docs/security.md) behind /dev/certstore and the device
    /// certificate (CertStoreDevice.h); empty: those calls fail with EAGAIN.
    std::string device_dir;
};

/// Registers the device files for `process` over the machine's peripherals.
void installAppDevices(HlProcess& process, SharedPeripherals& shared, const AppManifest& manifest,
                       const AppDeviceOptions& options);

}  // namespace mt3620::os
