#include "os/AdcDevice.h"

#include <cstring>

#include "os/DeviceAbi.h"
#include "os/GuestMemory.h"
#include "periph/AdcController.h"

namespace mt3620::os {

AdcFile::AdcFile(AdcController& adc) : DeviceFile("/dev/adc0", deviceNumber(kMajorMisc, 120)), adc_(adc) {
    adc_.irq.connect(this, 0);
}

AdcFile::~AdcFile() { adc_.irq.disconnect(this); }

void AdcFile::setIrqLevel(unsigned, bool level) {
    if (level) notifyReadiness();
}

std::uint32_t AdcFile::pollEvents() const {
    return const_cast<AdcController&>(adc_).fifoCount() > 0 ? (kPollIn | kPollRdNorm) : 0;
}

std::int64_t AdcFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_ADC_IOC_GET_SAMPLE_BITS: {
            std::uint32_t cv[2];
            if (!mem.read(arg, cv, sizeof cv)) return -EFAULT;
            if (cv[0] >= AdcController::kChannels) return -EINVAL;
            cv[1] = 12;
            return mem.write(arg, cv, sizeof cv) ? 0 : -EFAULT;
        }
        case MT_ADC_IOC_SET_REFERENCE: {
            std::uint32_t cv[2];
            if (!mem.read(arg, cv, sizeof cv)) return -EFAULT;
            if (cv[0] >= AdcController::kChannels) return -EINVAL;
            // The reference is one for the whole controller (ADC_CTL3 b31).
            std::uint32_t ctl3 = adc_.peek(AdcController::kCtl3) & ~AdcController::kVref18Sel;
            if (cv[1] == 1'800'000) ctl3 |= AdcController::kVref18Sel;
            else if (cv[1] != 2'500'000) return -EINVAL;
            adc_.write(AdcController::kCtl3, 4, ctl3);
            return 0;
        }
        case MT_ADC_IOC_START: {
            if (arg >= AdcController::kChannels) return -EINVAL;
            // Empty the FIFO of older samples, then a one-shot scan of this channel with the
            // RX interrupt at one entry.
            while (adc_.popFifo()) {}
            adc_.write(AdcController::kFifoTriLvl, 4, 0);
            adc_.write(AdcController::kFifoIer, 4, AdcController::kIerRxFull);
            const std::uint32_t ctl0 = adc_.peek(AdcController::kCtl0) & ~(0xFFFFu << AdcController::kChMapShift) &
                                       ~AdcController::kPmodeEn & ~AdcController::kFsmEn;
            adc_.write(AdcController::kCtl0, 4, ctl0);
            adc_.write(AdcController::kCtl0, 4, ctl0 | (1u << (AdcController::kChMapShift + arg)) | AdcController::kFsmEn);
            converting_ = true;
            return 0;
        }
        default: return -ENOTTY;
    }
}

std::int64_t AdcFile::read(std::span<std::uint8_t> out) {
    if (out.size() < 4) return -EINVAL;
    auto entry = adc_.popFifo();
    if (!entry) return converting_ ? -EAGAIN : -ENODATA;
    converting_ = false;
    const std::uint32_t v = *entry;
    std::memcpy(out.data(), &v, 4);
    return 4;
}

}  // namespace mt3620::os
