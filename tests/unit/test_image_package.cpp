// Image packages: round trip of every section, the malformed corpus (tests/data/packages/bad)
// refused with the section and offset named, and the app archive payload.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "image/AppArchive.h"
#include "image/ImagePackage.h"
#include "pluton/Device.h"
#include "PlutonTestSupport.h"

using namespace mt3620;

namespace {

const std::string kPackages = std::string(TEST_DATA_DIR) + "/packages";

ImagePackage samplePackage() {
    ImagePackage p;
    p.component_id = *Guid::parse("0c0ffee0-1234-4abc-8def-000000000010");
    p.image_id = *Guid::parse("11111111-2222-4333-8444-555555555555");
    p.name = "sample";
    p.build_time = 1735689600;
    p.has_temporary_flags = true;
    p.under_development = true;
    p.depends = {{1, 15}};
    p.provides = {{1, 3}, {7, 9}};
    p.version = 42;
    p.legacy = std::vector<std::uint8_t>{1, 2, 3};
    AppArchive a;
    a.add("bin/app", {0x7f, 'E', 'L', 'F'});
    a.add("app_manifest.json", {'{', '}'});
    p.payload = a.serialize();
    return p;
}

}  // namespace

TEST(ImagePackage, EverySectionRoundTrips) {
    ImagePackage p = samplePackage();
    auto key = pluton::EcKeyPair::fromSeed("round trip", "developer");
    auto bytes = p.serialize(&key);
    ImagePackage q = ImagePackage::parse("mem", bytes);
    EXPECT_EQ(q.component_id, p.component_id);
    EXPECT_EQ(q.image_id, p.image_id);
    EXPECT_EQ(q.name, "sample");
    EXPECT_EQ(q.build_time, 1735689600u);
    EXPECT_TRUE(q.has_temporary_flags);
    EXPECT_TRUE(q.under_development);
    EXPECT_FALSE(q.remove_at_boot);
    EXPECT_EQ(q.depends, p.depends);
    EXPECT_EQ(q.provides, p.provides);
    EXPECT_EQ(q.version, 42u);
    EXPECT_EQ(q.legacy, p.legacy);
    EXPECT_EQ(q.payload, p.payload);
    ASSERT_TRUE(q.signature);
    EXPECT_TRUE(pluton::verifyDigestSignature(key.publicKey(), q.signed_digest, q.signature->signature));
    // Re-serializing what was parsed gives the same bytes (deterministic ECDSA).
    EXPECT_EQ(q.serialize(&key), bytes);
    // Metadata starts right after the payload with the magic.
    EXPECT_EQ(q.metadata_offset, p.payload.size());
    EXPECT_EQ(bytes[q.metadata_offset], 0x4D);
    EXPECT_EQ(bytes[q.metadata_offset + 3], 0x41);
}

TEST(ImagePackage, UnsignedHasNoSignatureSection) {
    auto bytes = samplePackage().serialize(nullptr);
    ImagePackage q = ImagePackage::parse("mem", bytes);
    EXPECT_FALSE(q.signature);
    for (const auto& s : q.sections) EXPECT_NE(s.tag, "SG");
}

TEST(ImagePackage, EveryTruncationIsRefusedWithoutCrashing) {
    auto key = pluton::EcKeyPair::fromSeed("truncate", "developer");
    auto bytes = samplePackage().serialize(&key);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_THROW(ImagePackage::parse("cut", cut), ImageError) << "length " << n;
    }
}

TEST(ImagePackage, MalformedCorpusIsRefusedNamingSectionAndOffset) {
    auto home = pluton_test::freshDataHome();
    auto dev = pluton::Device::open({pluton_test::freshDir("device").string(), std::string("corpus"), false});
    // The corpus was signed with the developer key of seed "corpus": the good package passes.
    ASSERT_EQ(dev.verify(ImagePackage::load(kPackages + "/good.imagepackage")), "");

    std::ifstream list(kPackages + "/bad/expected.txt");
    ASSERT_TRUE(list) << "missing corpus list";
    std::string line;
    int checked = 0;
    while (std::getline(list, line)) {
        if (line.empty() || line[0] == '#') continue;
        const std::string file = line.substr(0, line.find(' '));
        const std::string fragment = line.substr(line.find(' ') + 1);
        std::string message;
        try {
            ImagePackage p = ImagePackage::load(kPackages + "/bad/" + file);
            message = dev.verify(p);
            if (message.empty()) AppArchive::parse(file + ": payload", p.payload);
        } catch (const ImageError& e) {
            message = e.what();
        }
        EXPECT_NE(message, "") << file << " was accepted";
        EXPECT_NE(message.find(fragment), std::string::npos) << file << ": '" << message << "' lacks '" << fragment << "'";
        ++checked;
    }
    EXPECT_GE(checked, 19);
}

TEST(AppArchive, RoundTripAndRejects) {
    AppArchive a;
    a.add("bin/app", {1, 2, 3});
    a.add("app_manifest.json", {'{', '}'});
    auto bytes = a.serialize();
    AppArchive b = AppArchive::parse("p", bytes);
    EXPECT_EQ(b.files(), a.files());
    EXPECT_THROW(a.add("../etc/passwd", {}), ImageError);
    EXPECT_THROW(a.add("/abs", {}), ImageError);
    EXPECT_THROW(a.add("a//b", {}), ImageError);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_THROW(AppArchive::parse("cut", cut), ImageError) << n;
    }
    auto bad = bytes;
    bad[14] = '/';  // the first path byte: an absolute path
    try {
        AppArchive::parse("payload", bad);
        ADD_FAILURE() << "an absolute path was accepted";
    } catch (const ImageError& e) {
        EXPECT_NE(std::string(e.what()).find("payload at offset 0xe"), std::string::npos) << e.what();
    }
}

TEST(ImagePackage, ABitFlipInEveryByteIsParsedSafelyAndNeverVerifies) {
    auto home = pluton_test::freshDataHome();
    auto dev = pluton::Device::open({pluton_test::freshDir("device").string(), std::string("corpus"), false});
    auto good = readBinaryFile(kPackages + "/good.imagepackage");
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (int bit : {static_cast<int>(i % 8)}) {  // one bit per byte, a different one each time
            auto bad = good;
            bad[i] ^= static_cast<std::uint8_t>(1u << bit);
            try {
                std::string why = dev.verify(ImagePackage::parse("flip", bad));
                EXPECT_NE(why, "") << "byte " << i << " bit " << bit << " was accepted";
            } catch (const ImageError&) {
                // Refused by the parser: fine.
            }
        }
    }
}
