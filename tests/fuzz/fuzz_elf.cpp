// libFuzzer target: RTApp ELF images (ElfFile + the Azure Sphere loading rules).
#include <cstdint>
#include <vector>

#include "image/RtAppImage.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mt3620::RtAppImage::fromBytes("fuzz.elf", std::vector<std::uint8_t>(data, data + size));
    } catch (const mt3620::ImageError&) {
        // Rejected with a message: the expected outcome for bad input.
    }
    return 0;
}
