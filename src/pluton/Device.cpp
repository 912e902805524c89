#include "pluton/Device.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <set>
#include <sstream>

#include "image/RtAppImage.h"
#include "pluton/Certificates.h"
#include "pluton/StateFile.h"

namespace mt3620::pluton {

namespace fs = std::filesystem;

namespace {

constexpr int kFormat = 1;
const char* const kCoreOrder[] = {"m4-0", "m4-1", "a7"};

int coreRank(const std::string& core) {
    for (int i = 0; i < 3; ++i)
        if (core == kCoreOrder[i]) return i;
    return 3;
}

std::string guidError(const std::string& what) {
    return fmt::format("'{}' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", what);
}

Guid requireGuid(const StateFile& f, const std::string& text) {
    auto g = Guid::parse(text);
    if (!g) f.fail(guidError(text));
    return *g;
}

std::uint32_t requireNumber(const StateFile& f, const std::string& text, const char* what) {
    if (text.empty() || text.size() > 10 || !std::all_of(text.begin(), text.end(), ::isdigit))
        f.fail(fmt::format("{} '{}' is not a number", what, text));
    std::uint64_t v = std::stoull(text);
    if (v > 0xffffffffu) f.fail(fmt::format("{} '{}' is out of range", what, text));
    return static_cast<std::uint32_t>(v);
}

/// Identity: load identity.state, or create it (from the seed, else the RNG).
EcKeyPair loadOrCreateIdentity(const fs::path& dir, const std::optional<std::string>& seed) {
    const fs::path path = dir / "identity.state";
    if (!fs::exists(path)) {
        EcKeyPair key = seed ? EcKeyPair::fromSeed(*seed, "device identity") : EcKeyPair::generate();
        StateFile f("identity", kFormat);
        f.add("private-key", toHex(key.exportPrivate()));
        f.add("public-key", toHex(key.publicKey()));
        f.add("device-id", Pluton::deviceIdFor(key.publicKey()));
        f.add("origin", seed ? "seed" : "rng");
        f.write(path);
        return key;
    }
    StateFile f = StateFile::read(path, "identity", kFormat);
    auto priv = fromHex(f.require("private-key"));
    if (!priv) f.fail("private-key is not hex");
    EcKeyPair key = [&] {
        try {
            return EcKeyPair::fromPrivate(*priv);
        } catch (const CryptoError& e) {
            f.fail(e.what());
        }
    }();
    if (toHex(key.publicKey()) != f.require("public-key")) f.fail("public-key does not match the private key");
    if (Pluton::deviceIdFor(key.publicKey()) != f.require("device-id")) f.fail("device-id does not match the key");
    if (seed && EcKeyPair::fromSeed(*seed, "device identity").publicKey() != key.publicKey())
        throw StateError(fmt::format("{}: the device already has an identity that does not come from --device-seed '{}' "
                                     "(use another --device directory for another seed)", dir.string(), *seed));
    return key;
}

}  // namespace

EcKeyPair loadDeviceIdentity(const fs::path& dir) {
    if (!fs::exists(dir / "identity.state"))
        throw StateError((dir / "identity.state").string() + ": the device has no identity yet");
    return loadOrCreateIdentity(dir, std::nullopt);
}

namespace {

/// The installation CA: ca.state in the data directory.
EcKeyPair loadOrCreateCa(const std::optional<std::string>& seed, std::string& ca_pem) {
    const fs::path path = dataDirectory() / "ca.state";
    ensureDirectory(path.parent_path());
    if (!fs::exists(path)) {
        EcKeyPair key = seed ? EcKeyPair::fromSeed(*seed, "installation CA") : EcKeyPair::generate();
        ca_pem = makeCaCertificate(key);
        StateFile f("installation-ca", kFormat);
        f.add("private-key", toHex(key.exportPrivate()));
        f.add("certificate", toHex(asBytes(ca_pem)));
        f.write(path);
        return key;
    }
    StateFile f = StateFile::read(path, "installation-ca", kFormat);
    auto priv = fromHex(f.require("private-key"));
    auto cert = fromHex(f.require("certificate"));
    if (!priv || !cert) f.fail("private-key or certificate is not hex");
    ca_pem.assign(cert->begin(), cert->end());
    try {
        return EcKeyPair::fromPrivate(*priv);
    } catch (const CryptoError& e) {
        f.fail(e.what());
    }
}

/// Serialises installs and uninstalls of one device across processes (flock on DIR/.lock): the
/// read-modify-write of installed.state must not interleave. A killed holder's lock goes with it.
class StateLock {
public:
    explicit StateLock(const fs::path& dir) {
        fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw StateError(fmt::format("{}: cannot open the lock file: {}", dir.string(), std::strerror(errno)));
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~StateLock() { ::close(fd_); }
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;

private:
    int fd_ = -1;
};

std::string readText(const fs::path& p) {
    auto b = readWholeFile(p);
    return {b.begin(), b.end()};
}

}  // namespace

fs::path dataDirectory() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "mt3620-emu";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local/share/mt3620-emu";
    return fs::current_path() / ".mt3620-emu";
}

fs::path developerKeyPath() {
    return dataDirectory() / "developer-key.state";
}

EcKeyPair loadOrCreateSigningKey(const fs::path& path, const std::optional<std::string>& seed, const std::string& label) {
    if (!fs::exists(path)) {
        ensureDirectory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
        EcKeyPair key = seed ? EcKeyPair::fromSeed(*seed, label) : EcKeyPair::generate();
        StateFile f("signing-key", kFormat);
        f.add("private-key", toHex(key.exportPrivate()));
        f.add("public-key", toHex(key.publicKey()));
        f.add("thumbprint", keyThumbprint(key.publicKey()));
        f.write(path);
        return key;
    }
    StateFile f = StateFile::read(path, "signing-key", kFormat);
    auto priv = fromHex(f.require("private-key"));
    if (!priv) f.fail("private-key is not hex");
    try {
        EcKeyPair key = EcKeyPair::fromPrivate(*priv);
        if (toHex(key.publicKey()) != f.require("public-key")) f.fail("public-key does not match the private key");
        return key;
    } catch (const CryptoError& e) {
        f.fail(e.what());
    }
}

void writePublicKeyFile(const fs::path& path, std::span<const std::uint8_t> pub) {
    StateFile f("public-key", kFormat);
    f.add("public-key", toHex(pub));
    f.add("thumbprint", keyThumbprint(pub));
    f.write(path);
}

Bytes readPublicKeyFile(const fs::path& path) {
    StateFile f = StateFile::read(path, "public-key", kFormat);
    auto pub = fromHex(f.require("public-key"));
    if (!pub || pub->size() != kP256PublicKeySize || (*pub)[0] != 4)
        f.fail("public-key is not a 65-byte uncompressed P-256 point");
    return *pub;
}

std::string keyThumbprint(std::span<const std::uint8_t> pub) {
    return toHex(hash(HashAlg::Sha1, pub));
}

ManifestIdentity readManifestIdentity(const std::string& name, std::span<const std::uint8_t> json) {
    try {
        AppManifest m = AppManifest::parse(name, std::string_view(reinterpret_cast<const char*>(json.data()), json.size()));
        return {m.componentId, m.name, appTypeName(m.type), m.entryPoint};
    } catch (const ManifestError& e) {
        throw ImageError(e.what());
    }
}

Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;
Device::~Device() = default;

Device Device::open(const DeviceOptions& o) {
    ensureCryptoReady();
    Device d;
    d.dir_ = o.dir.empty() ? dataDirectory() / "device" : fs::path(o.dir);
    d.production_ = o.production;
    ensureDirectory(d.dir_);
    d.pluton_ = std::make_unique<Pluton>(loadOrCreateIdentity(d.dir_, o.seed));
    d.errors_ = ErrorReports(d.dir_);
    d.developer_key_ = loadOrCreateSigningKey(developerKeyPath(), o.seed, "developer").publicKey();
    if (!fs::exists(d.dir_ / "device.crt") || !fs::exists(d.dir_ / "ca.crt")) {
        std::string ca_pem;
        EcKeyPair ca = loadOrCreateCa(o.seed, ca_pem);
        writeFileAtomic(d.dir_ / "ca.crt", ca_pem);
        writeFileAtomic(d.dir_ / "device.crt",
                        makeDeviceCertificate(ca, d.pluton_->publicKey(), d.pluton_->deviceId()));
    }
    return d;
}

std::vector<Bytes> Device::trustStore() const {
    std::vector<Bytes> keys;
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "trust", ec))
        if (e.path().extension() == ".state") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) keys.push_back(readPublicKeyFile(p));
    return keys;
}

void Device::trust(std::span<const std::uint8_t> public_key) {
    ensureDirectory(dir_ / "trust");
    writePublicKeyFile(dir_ / "trust" / (keyThumbprint(public_key) + ".state"), public_key);
}

std::string Device::verify(const ImagePackage& pkg) const {
    if (!pkg.signature) return "unsigned: no signature section 'SG'";
    const PackageSignature& sg = *pkg.signature;
    std::size_t sg_offset = 0;
    for (const auto& s : pkg.sections)
        if (s.tag == "SG") sg_offset = s.offset;
    if (sg.type != kSigningTypeEcdsaP256Sha256)
        return fmt::format("signature section 'SG' at offset {}: signing type {} is not ECDSA P-256/SHA-256 (1)",
                           imageHex(sg_offset), sg.type);
    std::vector<Bytes> candidates = trustStore();
    if (!production_) candidates.push_back(developer_key_);
    const std::string thumb = toHex(sg.thumbprint);
    const Bytes* key = nullptr;
    for (const Bytes& k : candidates)
        if (keyThumbprint(k) == thumb) key = &k;
    if (!key)
        return fmt::format("signature section 'SG' at offset {}: signed by key {} which this device does not trust ({})",
                           imageHex(sg_offset), thumb,
                           production_ ? "production mode: only keys in the trust store"
                                       : "development mode: the developer key or the trust store");
    if (!verifyDigestSignature(*key, pkg.signed_digest, sg.signature))
        return fmt::format("signature section 'SG' at offset {}: the signature at offset {} does not match the "
                           "package contents (tampered or corrupt)",
                           imageHex(sg_offset), imageHex(sg.signature_offset));
    return {};
}

VerifiedApp Device::verifyAndUnpack(const ImagePackage& pkg, const std::string& core) const {
    if (std::string why = verify(pkg); !why.empty()) throw SecurityError(fmt::format("{}: {}", pkg.file_name, why));
    if (pkg.image_type != static_cast<std::uint16_t>(ImageType::Application))
        throw SecurityError(fmt::format("{}: identity section 'ID': image type {} is not an application", pkg.file_name,
                                        imageTypeName(pkg.image_type)));
    VerifiedApp app;
    app.core = core;
    app.files = AppArchive::parse(pkg.file_name + ": payload", pkg.payload);
    const auto* manifest_bytes = app.files.find("app_manifest.json");
    if (!manifest_bytes) throw ImageError(fmt::format("{}: payload: no app_manifest.json", pkg.file_name));
    ManifestIdentity m = readManifestIdentity(pkg.file_name + ": app_manifest.json", *manifest_bytes);
    if (m.component != pkg.component_id)
        throw SecurityError(fmt::format("{}: app_manifest.json ComponentId {} differs from the identity section's {}",
                                        pkg.file_name, m.component.toString(), pkg.component_id.toString()));
    app.app_type = m.app_type;
    app.entry_point = m.entry_point.starts_with('/') ? m.entry_point.substr(1) : m.entry_point;
    if (!app.files.find(app.entry_point))
        throw ImageError(fmt::format("{}: payload: no '{}' (the manifest's EntryPoint)", pkg.file_name, app.entry_point));
    const bool rt_core = core == "m4-0" || core == "m4-1";
    if (rt_core && app.app_type != "RealTimeCapable")
        throw SecurityError(fmt::format("{}: a {} app cannot run on {} (ApplicationType must be RealTimeCapable)",
                                        pkg.file_name, app.app_type, core));
    if (core == "a7" && app.app_type == "RealTimeCapable")
        throw SecurityError(fmt::format("{}: a real-time app cannot run on the A7", pkg.file_name));
    if (rt_core) RtAppImage::fromBytes(pkg.file_name + ":" + app.entry_point, app.executable());  // validates the ELF
    app.package = pkg;
    return app;
}

VerifiedApp Device::loadPackage(const std::string& path, const std::string& core) {
    try {
        VerifiedApp app = verifyAndUnpack(ImagePackage::load(path), core);
        pluton_->extend({core, app.package.component_id.toString(), app.package.image_id.toString(),
                         Bytes(app.package.file_digest.begin(), app.package.file_digest.end())});
        return app;
    } catch (const std::exception& e) {
        errors_.record({0, {}, ErrorEvent::VerificationFailure, path, core, e.what()});
        throw;
    }
}

void Device::measureElf(const std::string& path, std::span<const std::uint8_t> bytes, const std::string& core) {
    pluton_->extend({core, path, "", sha256(bytes)});
}

std::vector<InstalledImage> Device::installed() const {
    std::vector<InstalledImage> out;
    const fs::path path = dir_ / "installed.state";
    if (!fs::exists(path)) return out;
    StateFile f = StateFile::read(path, "installed", kFormat);
    for (const std::string& line : f.all("image")) {
        std::istringstream in(line);
        InstalledImage img;
        std::string component, version, image_id;
        if (!(in >> img.core >> component >> version >> image_id >> img.package >> img.app_type))
            f.fail(fmt::format("image entry '{}': expected core component version image-id package type name", line));
        std::getline(in >> std::ws, img.name);
        if (coreRank(img.core) > 2) f.fail(fmt::format("image entry: unknown core '{}'", img.core));
        img.component = requireGuid(f, component);
        img.version = requireNumber(f, version, "version");
        img.image_id = requireGuid(f, image_id);
        if (img.package.find('/') != std::string::npos || !img.package.ends_with(".imagepackage"))
            f.fail(fmt::format("image entry: bad package file name '{}'", img.package));
        out.push_back(std::move(img));
    }
    return out;
}

std::map<std::string, std::uint32_t> Device::rollbackCounters() const {
    std::map<std::string, std::uint32_t> out;
    const fs::path path = dir_ / "installed.state";
    if (!fs::exists(path)) return out;
    StateFile f = StateFile::read(path, "installed", kFormat);
    for (const std::string& line : f.all("rollback")) {
        std::istringstream in(line);
        std::string component, version;
        if (!(in >> component >> version)) f.fail(fmt::format("rollback entry '{}': expected component version", line));
        out[requireGuid(f, component).toString()] = requireNumber(f, version, "rollback version");
    }
    return out;
}

void Device::commitInstalled(const std::vector<InstalledImage>& images, const std::map<std::string, std::uint32_t>& counters) {
    StateFile f("installed", kFormat);
    for (const InstalledImage& i : images)
        f.add("image", fmt::format("{} {} {} {} {} {} {}", i.core, i.component.toString(), i.version, i.image_id.toString(),
                                   i.package, i.app_type, i.name));
    for (const auto& [component, version] : counters) f.add("rollback", fmt::format("{} {}", component, version));
    f.write(dir_ / "installed.state");
}

void Device::collectUnusedPackages(const std::vector<InstalledImage>& images) {
    std::set<std::string> used;
    for (const auto& i : images) used.insert(i.package);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ / "packages", ec)) {
        std::string name = e.path().filename().string();
        if (!used.count(name)) fs::remove(e.path(), ec);
    }
}

Device::InstallResult Device::install(const std::string& path, const std::optional<std::string>& core) {
    try {
        StateLock lock(dir_);
        ImagePackage pkg = ImagePackage::load(path);
        std::vector<InstalledImage> images = installed();
        auto counters = rollbackCounters();
        const std::string cid = pkg.component_id.toString();
        auto existing = std::find_if(images.begin(), images.end(), [&](const auto& i) { return i.component == pkg.component_id; });

        // Which core: the one asked for, the one it already has, else the first free one.
        std::string target;
        if (core) {
            target = *core;
        } else if (existing != images.end()) {
            target = existing->core;
        } else {
            // Unpack once without a core to learn the app type.
            if (std::string why = verify(pkg); !why.empty()) throw SecurityError(fmt::format("{}: {}", path, why));
            AppArchive files = AppArchive::parse(path + ": payload", pkg.payload);
            const auto* mb = files.find("app_manifest.json");
            if (!mb) throw ImageError(fmt::format("{}: payload: no app_manifest.json", path));
            if (readManifestIdentity(path + ": app_manifest.json", *mb).app_type == "RealTimeCapable") {
                for (const char* c : {"m4-0", "m4-1"})
                    if (std::none_of(images.begin(), images.end(), [&](const auto& i) { return i.core == c; })) {
                        target = c;
                        break;
                    }
                if (target.empty())
                    throw SecurityError(fmt::format("{}: both real-time cores already have an app (uninstall one, or "
                                                    "give --core)", path));
            } else {
                target = "a7";
            }
        }
        VerifiedApp app = verifyAndUnpack(pkg, target);
        if (auto it = counters.find(cid); it != counters.end() && pkg.version < it->second)
            throw SecurityError(fmt::format("{}: revision section 'RV': version {} is lower than the installed "
                                            "version {} of component {} (anti-rollback)",
                                            path, pkg.version, it->second, cid));

        ensureDirectory(dir_ / "packages");
        const std::string file = toHex(pkg.file_digest) + ".imagepackage";
        auto bytes = readBinaryFile(path);
        if (toHex(sha256(bytes)) != toHex(pkg.file_digest))
            throw SecurityError(fmt::format("{}: the file changed while it was being installed", path));
        writeFileAtomic(dir_ / "packages" / file, bytes);

        InstalledImage img{target, pkg.component_id, pkg.version, pkg.image_id, file, app.app_type, pkg.name};
        InstallResult result{img, std::nullopt};
        // Another app on the target core is replaced by this one.
        std::erase_if(images, [&](const auto& i) {
            if (i.component == pkg.component_id) {
                result.previous_version = i.version;
                return true;
            }
            return i.core == target && core.has_value();
        });
        images.push_back(img);
        std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) { return coreRank(a.core) < coreRank(b.core); });
        counters[cid] = std::max(counters[cid], pkg.version);
        commitInstalled(images, counters);  // the commit point: one rename
        collectUnusedPackages(images);
        return result;
    } catch (const std::exception& e) {
        errors_.record({0, {}, ErrorEvent::InstallRefused, path, core.value_or(""), e.what()});
        throw;
    }
}

bool Device::uninstall(const Guid& component) {
    StateLock lock(dir_);
    auto images = installed();
    auto counters = rollbackCounters();
    std::size_t before = images.size();
    std::erase_if(images, [&](const auto& i) { return i.component == component; });
    if (images.size() == before) return false;
    commitInstalled(images, counters);
    collectUnusedPackages(images);
    return true;
}

std::vector<VerifiedApp> Device::bootInstalled(std::vector<std::string>* failures) {
    std::vector<VerifiedApp> apps;
    auto counters = rollbackCounters();
    for (const InstalledImage& img : installed()) {
        const std::string path = (dir_ / "packages" / img.package).string();
        try {
            VerifiedApp app = verifyAndUnpack(ImagePackage::load(path), img.core);
            if (app.package.component_id != img.component || toHex(app.package.file_digest) + ".imagepackage" != img.package)
                throw SecurityError(fmt::format("{}: the stored package is not the one installed (digest mismatch)", path));
            if (app.package.version < counters[img.component.toString()])
                throw SecurityError(fmt::format("{}: version {} is below the anti-rollback counter {}", path,
                                                app.package.version, counters[img.component.toString()]));
            pluton_->extend({img.core, img.component.toString(), img.image_id.toString(),
                             Bytes(app.package.file_digest.begin(), app.package.file_digest.end())});
            apps.push_back(std::move(app));
        } catch (const std::exception& e) {
            errors_.record({0, {}, ErrorEvent::VerificationFailure, img.component.toString(), img.core, e.what()});
            if (failures) failures->push_back(e.what());
        }
    }
    return apps;
}

std::string Device::deviceCertificate() const {
    return readText(dir_ / "device.crt");
}

std::string Device::caCertificate() const {
    return readText(dir_ / "ca.crt");
}

std::vector<std::uint8_t> Device::readStorage(const Guid& component) const {
    const fs::path path = dir_ / "storage" / (component.toString() + ".state");
    if (!fs::exists(path)) return {};
    StateFile f = StateFile::read(path, "storage", kFormat);
    auto data = fromHex(f.require("data"));
    if (!data) f.fail("data is not hex");
    return *data;
}

void Device::writeStorage(const Guid& component, std::span<const std::uint8_t> data) {
    ensureDirectory(dir_ / "storage");
    StateFile f("storage", kFormat);
    f.add("data", toHex(data));
    f.write(dir_ / "storage" / (component.toString() + ".state"));
}

}  // namespace mt3620::pluton
