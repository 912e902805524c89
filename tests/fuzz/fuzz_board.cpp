// libFuzzer target: board files (YAML).
#include <cstdint>
#include <string>

#include "board/BoardError.h"
#include "board/BoardFile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mt3620::BoardFile::parse("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size), "/nonexistent");
    } catch (const mt3620::BoardError&) {
    }
    return 0;
}
