// libFuzzer target: image packages (metadata sections, trailer, signature digest), the MTFS
// payload archive inside them and the app manifest in the payload.
#include <cstdint>
#include <span>

#include "image/AppArchive.h"
#include "image/ImagePackage.h"
#include "pluton/Device.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        mt3620::ImagePackage p = mt3620::ImagePackage::parse("fuzz.imagepackage", std::span(data, size));
        mt3620::AppArchive files = mt3620::AppArchive::parse("fuzz.imagepackage: payload", p.payload);
        if (const auto* m = files.find("app_manifest.json"))
            mt3620::pluton::readManifestIdentity("fuzz.imagepackage: app_manifest.json", *m);
    } catch (const mt3620::ImageError&) {
        // Rejected with a message: the expected outcome for bad input.
    }
    return 0;
}
