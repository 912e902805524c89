// libFuzzer target: application manifests (app_manifest.json).
#include <cstdint>
#include <string>

#include "image/AppManifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mt3620::AppManifest::ParseOptions options;
        options.hardwareNames = {{"SAMPLE_LED", "8"}, {"SAMPLE_UART", "ISU0"}};
        mt3620::AppManifest m = mt3620::AppManifest::parse(
            "fuzz.json", std::string(reinterpret_cast<const char*>(data), size), options);
        (void)m.capabilities.isus();
        (void)m.componentId.toString();
    } catch (const mt3620::ManifestError&) {
    }
    return 0;
}
