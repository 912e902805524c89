#pragma once
// The ADC of the emulated Azure Sphere OS (docs/hl-apps.md): /dev/adc0, this project's
// character device for ADC controller 0 (Linux's IIO interface lives in sysfs, which the
// emulated OS does not have). ioctls (src/os/DeviceAbi.h):
//   MT_ADC_IOC_GET_SAMPLE_BITS   12 for every channel 0-7;
//   MT_ADC_IOC_SET_REFERENCE     2.5 V or 1.8 V (ADC_CTL3 VREF, reference 4.7), else EINVAL;
//   MT_ADC_IOC_START             one conversion of a channel.
// read(2) then returns the conversion's FIFO entry (b[3:0] channel, b[15:4] sample); it
// blocks (or EAGAIN) until the entry is there.
//
// The device drives the ADC controller model (AdcController) through its registers, as the
// OS driver does: a one-shot scan of the one channel (ADC_CTL0 REG_CH_MAP and ADC_FSM_EN),
// the RX interrupt at one FIFO entry, and RBR reads. So the sample is the board's analog
// input at the virtual time the conversion completes, with the model's conversion timing.
// Opening needs controller 0 in the manifest's "Adc" list (EACCES otherwise).
#include <memory>
#include <optional>

#include "os/DeviceFile.h"
#include "periph/Signals.h"

namespace mt3620 {
class AdcController;
}

namespace mt3620::os {

class AdcFile : public DeviceFile, public IrqController {
public:
    explicit AdcFile(AdcController& adc);
    ~AdcFile() override;
    std::int64_t read(std::span<std::uint8_t> out) override;
    std::int64_t ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) override;
    std::uint32_t pollEvents() const override;
    void setIrqLevel(unsigned irq, bool level) override;

private:
    AdcController& adc_;
    bool converting_ = false;
};

}  // namespace mt3620::os
