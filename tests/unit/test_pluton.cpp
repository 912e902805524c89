// The Pluton model over mbedTLS: crypto services, identity and device ID, measured boot,
// crash-safe state files, secure boot, install with anti-rollback, trust store, attestation,
// certificates and error reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "image/AppArchive.h"
#include "image/ImagePackage.h"
#include "pluton/Attestation.h"
#include "pluton/Certificates.h"
#include "pluton/Device.h"
#include "pluton/StateFile.h"
#include "PlutonTestSupport.h"

using namespace mt3620;
using namespace mt3620::pluton;
namespace fs = std::filesystem;

namespace {

std::string firmware(const std::string& name) { return std::string(FIRMWARE_DIR) + "/" + name + ".elf"; }

/// Writes a signed RTApp package of a sample ELF into `dir`.
std::string makeRtPackage(const fs::path& dir, const std::string& elf, std::uint32_t version, const EcKeyPair& key,
                          const std::string& component = "a1b2c3d4-0000-4000-8000-0000000000aa") {
    AppArchive files;
    files.add("bin/app", readBinaryFile(firmware(elf)));
    std::string manifest = R"({"SchemaVersion":1,"Name":")" + elf + R"(","ComponentId":")" + component +
                           R"(","EntryPoint":"/bin/app","ApplicationType":"RealTimeCapable"})";
    files.add("app_manifest.json", {manifest.begin(), manifest.end()});
    ImagePackage p;
    p.component_id = *Guid::parse(component);
    p.image_id = *Guid::parse("00000000-0000-4000-8000-00000000000" + std::to_string(version % 10));
    p.name = elf;
    p.version = version;
    p.payload = files.serialize();
    fs::path out = dir / (elf + "-v" + std::to_string(version) + ".imagepackage");
    writeFileAtomic(out, p.serialize(&key));
    return out.string();
}

EcKeyPair developerKey() {
    return loadOrCreateSigningKey(developerKeyPath(), std::string("seed"), "developer");
}

}  // namespace

TEST(PlutonCrypto, HashesMatchKnownAnswers) {
    EXPECT_EQ(toHex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(toHex(hash(HashAlg::Sha384, asBytes("abc"))).substr(0, 16), "cb00753f45a35e8b");
    EXPECT_EQ(toHex(hash(HashAlg::Sha512, asBytes("abc"))).substr(0, 16), "ddaf35a193617aba");
}

TEST(PlutonCrypto, AesGcmRoundTripAndTamper) {
    Bytes key(32, 7), nonce(12, 1), aad = {1, 2};
    Bytes pt = {'s', 'e', 'c', 'r', 'e', 't'};
    Bytes ct = aesGcmEncrypt(key, nonce, aad, pt);
    ASSERT_EQ(ct.size(), pt.size() + 16);
    EXPECT_EQ(aesGcmDecrypt(key, nonce, aad, ct), pt);
    ct[0] ^= 1;
    EXPECT_FALSE(aesGcmDecrypt(key, nonce, aad, ct));
}

TEST(PlutonCrypto, SeededKeysAreDeterministicAndSignaturesVerify) {
    auto a = EcKeyPair::fromSeed("s", "device identity"), b = EcKeyPair::fromSeed("s", "device identity");
    auto c = EcKeyPair::fromSeed("t", "device identity"), d = EcKeyPair::fromSeed("s", "developer");
    EXPECT_EQ(a.publicKey(), b.publicKey());
    EXPECT_NE(a.publicKey(), c.publicKey());
    EXPECT_NE(a.publicKey(), d.publicKey());
    EXPECT_EQ(a.publicKey().size(), 65u);
    Bytes msg = {1, 2, 3};
    auto sig = a.sign(msg);
    EXPECT_EQ(sig, b.sign(msg));  // RFC 6979
    EXPECT_TRUE(verifySignature(a.publicKey(), msg, sig));
    EXPECT_FALSE(verifySignature(c.publicKey(), msg, sig));
    msg[0] = 9;
    EXPECT_FALSE(verifySignature(a.publicKey(), msg, sig));
    EXPECT_NE(EcKeyPair::generate().publicKey(), EcKeyPair::generate().publicKey());
}

TEST(Pluton, DeviceIdIsSha512OfThePublicKey) {
    Pluton p(EcKeyPair::fromSeed("s", "device identity"));
    EXPECT_EQ(p.deviceId().size(), 128u);
    EXPECT_EQ(p.deviceId(), toHex(hash(HashAlg::Sha512, p.publicKey()), true));
    EXPECT_TRUE(verifySignature(p.publicKey(), asBytes("hi"), p.sign(asBytes("hi"))));
}

TEST(Pluton, MeasuredBootIsAHashChain) {
    Pluton p(EcKeyPair::fromSeed("s", "device identity"));
    EXPECT_EQ(p.bootChain(), Bytes(32, 0));
    Bytes m1 = sha256("image one"), m2 = sha256("image two");
    p.extend({"m4-0", "one", "", m1});
    p.extend({"m4-1", "two", "", m2});
    Bytes expect(32, 0);
    expect.insert(expect.end(), m1.begin(), m1.end());
    expect = sha256(expect);
    expect.insert(expect.end(), m2.begin(), m2.end());
    expect = sha256(expect);
    EXPECT_EQ(p.bootChain(), expect);
    EXPECT_EQ(p.measurements().size(), 2u);
}

TEST(StateFile, RoundTripAndCorruptionIsRefused) {
    auto dir = pluton_test::freshDir("state");
    StateFile f("thing", 1);
    f.add("a", "1");
    f.add("b", "two words");
    f.write(dir / "t.state");
    StateFile g = StateFile::read(dir / "t.state", "thing", 1);
    EXPECT_EQ(g.require("b"), "two words");
    EXPECT_THROW(StateFile::read(dir / "t.state", "other", 1), StateError);
    EXPECT_THROW(StateFile::read(dir / "t.state", "thing", 2), StateError);

    std::string text = f.text();
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::string bad = text;
        bad[i] ^= 0x01;
        EXPECT_THROW(StateFile::parse("bad", bad, "thing", 1), StateError) << "byte " << i;
        EXPECT_THROW(StateFile::parse("cut", text.substr(0, i), "thing", 1), StateError) << "length " << i;
    }
    try {
        std::string bad = text;
        bad[text.find("two")] = 'T';
        StateFile::parse("dev/x.state", bad, "thing", 1);
    } catch (const StateError& e) {
        EXPECT_NE(std::string(e.what()).find("dev/x.state: line 4: checksum mismatch"), std::string::npos) << e.what();
    }
    // No temporary files are left behind.
    int files = 0;
    for (auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 1);
}

TEST(Device, SameSeedSameIdentityAndCertificates) {
    std::string id, dev_cert, ca_cert;
    for (int run = 0; run < 2; ++run) {
        pluton_test::freshDataHome();
        auto dir = pluton_test::freshDir("device");
        Device d = Device::open({dir.string(), std::string("seed-1"), false});
        if (run == 0) {
            id = d.pluton().deviceId();
            dev_cert = d.deviceCertificate();
            ca_cert = d.caCertificate();
        } else {
            EXPECT_EQ(d.pluton().deviceId(), id);
            EXPECT_EQ(d.deviceCertificate(), dev_cert);
            EXPECT_EQ(d.caCertificate(), ca_cert);
        }
        // Reopening reads the same identity back.
        EXPECT_EQ(Device::open({dir.string(), std::nullopt, false}).pluton().deviceId(), id);
        // Another seed for an existing device is refused, not silently ignored.
        EXPECT_THROW(Device::open({dir.string(), std::string("seed-2"), false}), StateError);
    }
    auto check = checkCertificate(dev_cert, ca_cert);
    EXPECT_EQ(check.error, "");
    EXPECT_NE(check.subject_cn.find(id), std::string::npos);
    EXPECT_EQ(Pluton::deviceIdFor(check.public_key), id);
}

TEST(Device, CorruptIdentityIsRefusedWithAClearMessage) {
    pluton_test::freshDataHome();
    auto dir = pluton_test::freshDir("device");
    Device::open({dir.string(), std::string("s"), false});
    {
        std::fstream f(dir / "identity.state", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40);
        f.put('#');
    }
    try {
        Device::open({dir.string(), std::nullopt, false});
        FAIL() << "a corrupt identity was accepted";
    } catch (const StateError& e) {
        EXPECT_NE(std::string(e.what()).find("identity.state: line"), std::string::npos) << e.what();
    }
}

TEST(Device, InstallUpdateRollbackTamperAndBoot) {
    pluton_test::freshDataHome();
    auto work = pluton_test::freshDir("work");
    Device d = Device::open({(work / "device").string(), std::string("seed"), false});
    auto key = developerKey();
    auto v1 = makeRtPackage(work, "hello", 1, key), v2 = makeRtPackage(work, "tick-tock", 2, key);

    auto r1 = d.install(v1);
    EXPECT_EQ(r1.image.core, "m4-0");
    EXPECT_FALSE(r1.previous_version);
    auto r2 = d.install(v2);
    EXPECT_EQ(r2.previous_version, 1u);
    EXPECT_EQ(d.installed().size(), 1u);
    EXPECT_EQ(d.installed()[0].version, 2u);

    // Anti-rollback: version 1 is refused and version 2 stays.
    EXPECT_THROW(d.install(v1), SecurityError);
    EXPECT_EQ(d.installed()[0].version, 2u);
    // Tampered (one byte anywhere): refused, version 2 stays.
    auto bytes = readBinaryFile(v2);
    for (std::size_t at : {std::size_t{10}, bytes.size() / 2, bytes.size() - 90, bytes.size() - 1}) {
        auto bad = bytes;
        bad[at] ^= 0x40;
        writeFileAtomic(work / "bad.imagepackage", bad);
        EXPECT_ANY_THROW(d.install((work / "bad.imagepackage").string())) << "byte " << at;
    }
    EXPECT_EQ(d.installed()[0].version, 2u);
    auto reports = d.errors().list();
    ASSERT_GE(reports.size(), 5u);
    EXPECT_EQ(reports[0].event, ErrorEvent::InstallRefused);
    EXPECT_NE(reports[0].detail.find("anti-rollback"), std::string::npos);

    // A later start boots the installed image on its core.
    Device later = Device::open({(work / "device").string(), std::nullopt, false});
    auto apps = later.bootInstalled();
    ASSERT_EQ(apps.size(), 1u);
    EXPECT_EQ(apps[0].core, "m4-0");
    EXPECT_EQ(apps[0].package.version, 2u);
    EXPECT_EQ(later.pluton().measurements().size(), 1u);

    // A second RTApp goes to the other core.
    auto other = makeRtPackage(work, "counter", 1, key, "a1b2c3d4-0000-4000-8000-0000000000bb");
    EXPECT_EQ(d.install(other).image.core, "m4-1");
    EXPECT_TRUE(d.uninstall(*Guid::parse("a1b2c3d4-0000-4000-8000-0000000000bb")));
    EXPECT_EQ(d.installed().size(), 1u);
}

TEST(Device, ProductionModeTrustsOnlyTheTrustStore) {
    pluton_test::freshDataHome();
    auto work = pluton_test::freshDir("work");
    auto key = developerKey();
    auto pkg = makeRtPackage(work, "hello", 1, key);
    Device dev = Device::open({(work / "device").string(), std::string("seed"), false});
    EXPECT_EQ(dev.verify(ImagePackage::load(pkg)), "");
    Device prod = Device::open({(work / "device").string(), std::nullopt, true});
    EXPECT_NE(prod.verify(ImagePackage::load(pkg)).find("production mode"), std::string::npos);
    EXPECT_THROW(prod.loadPackage(pkg, "m4-0"), SecurityError);
    EXPECT_EQ(prod.errors().list().back().event, ErrorEvent::VerificationFailure);
    prod.trust(key.publicKey());
    EXPECT_EQ(prod.verify(ImagePackage::load(pkg)), "");
    // A key nobody trusts is refused in either mode.
    auto stranger = EcKeyPair::fromSeed("stranger", "developer");
    auto other = makeRtPackage(work, "counter", 1, stranger);
    EXPECT_NE(dev.verify(ImagePackage::load(other)).find("does not trust"), std::string::npos);
}

TEST(Device, AttestationVerifiesOnlyForTheRightDeviceAndNonce) {
    pluton_test::freshDataHome();
    auto work = pluton_test::freshDir("work");
    auto key = developerKey();
    Device a = Device::open({(work / "a").string(), std::string("device-a"), false});
    Device b = Device::open({(work / "b").string(), std::string("device-b"), false});
    a.install(makeRtPackage(work, "hello", 1, key));
    a.bootInstalled();
    std::string report = makeAttestation(a.pluton(), "nonce-1");

    auto ok = verifyAttestation(report, "nonce-1", a.deviceCertificate(), a.caCertificate());
    EXPECT_EQ(ok.error, "");
    EXPECT_EQ(ok.device_id, a.pluton().deviceId());
    EXPECT_EQ(ok.measurements.size(), 1u);
    EXPECT_NE(verifyAttestation(report, "nonce-2", a.deviceCertificate(), a.caCertificate()).error.find("nonce"),
              std::string::npos);
    EXPECT_NE(verifyAttestation(report, "nonce-1", b.deviceCertificate(), b.caCertificate()).error.find("another device"),
              std::string::npos);
    std::string forged = report;
    forged.replace(forged.find("measurement=m4-0"), 16, "measurement=m4-1");
    EXPECT_NE(verifyAttestation(forged, "nonce-1", a.deviceCertificate(), a.caCertificate()).error, "");
    // A device certificate from another installation's CA does not chain.
    auto foreign_ca = EcKeyPair::fromSeed("other installation", "installation CA");
    EXPECT_NE(verifyAttestation(report, "nonce-1", a.deviceCertificate(), makeCaCertificate(foreign_ca)).error, "");
}

TEST(Device, MutableStoragePersists) {
    pluton_test::freshDataHome();
    auto dir = pluton_test::freshDir("device");
    Guid app = *Guid::parse("a1b2c3d4-0000-4000-8000-0000000000aa");
    {
        Device d = Device::open({dir.string(), std::string("s"), false});
        EXPECT_TRUE(d.readStorage(app).empty());
        d.writeStorage(app, Bytes{1, 2, 3});
    }
    EXPECT_EQ(Device::open({dir.string(), std::nullopt, false}).readStorage(app), (Bytes{1, 2, 3}));
}

TEST(ErrorReports, RecordAndListInOrder) {
    auto dir = pluton_test::freshDir("device");
    ErrorReports r(dir);
    EXPECT_EQ(r.record({0, {}, ErrorEvent::AppCrash, "app", "m4-0", "HardFault at 0x100"}), 1u);
    EXPECT_EQ(r.record({0, {}, ErrorEvent::WatchdogReset, "", "m4-1", "watchdog expired"}), 2u);
    EXPECT_EQ(r.record({0, {}, ErrorEvent::FirewallDenial, "", "m4-0", "write to ISU1\nsecond line"}), 3u);
    auto list = r.list();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].event, ErrorEvent::AppCrash);
    EXPECT_EQ(list[1].core, "m4-1");
    EXPECT_EQ(list[2].detail, "write to ISU1 second line");
}
