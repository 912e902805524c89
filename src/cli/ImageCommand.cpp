#include "cli/ImageCommand.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "image/AppArchive.h"
#include "image/ImagePackage.h"
#include "image/RtAppImage.h"
#include "pluton/Device.h"
#include "pluton/StateFile.h"

namespace mt3620::cli {

namespace {

int fail(const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return 2;
}

std::string utcText(std::uint64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:%d/%m/%Y %H:%M:%S}", tm);
}

std::string abiName(std::uint32_t kind) {
    return kind == static_cast<std::uint32_t>(AbiKind::ApplicationRuntime) ? "ApplicationRuntime"
                                                                           : fmt::format("Unknown ({})", kind);
}

void printField(const char* label, const std::string& value) {
    std::cout << fmt::format("    {:<22}{}\n", std::string(label) + ":", value);
}

int show(const std::string& path) {
    ImagePackage p = ImagePackage::load(path);
    std::cout << "Image package metadata:\n";
    for (const SectionInfo& s : p.sections) {
        if (s.tag == "ID") {
            std::cout << "  Section: Identity\n";
            printField("Image Type", imageTypeName(p.image_type));
            printField("Component ID", p.component_id.toString());
            printField("Image ID", p.image_id.toString());
        } else if (s.tag == "SG") {
            std::cout << "  Section: Signature\n";
            printField("Signing Type", p.signature->type == kSigningTypeEcdsaP256Sha256
                                           ? "ECDSA256"
                                           : fmt::format("Unknown ({})", p.signature->type));
            printField("Cert", pluton::toHex(p.signature->thumbprint));
        } else if (s.tag == "DB") {
            std::cout << "  Section: Debug\n";
            printField("Image Name", p.name);
            printField("Built On (UTC)", utcText(p.build_time));
        } else if (s.tag == "TT") {
            std::cout << "  Section: Temporary Image\n";
            printField("Remove image at boot", p.remove_at_boot ? "True" : "False");
            printField("Under development", p.under_development ? "True" : "False");
        } else if (s.tag == "ND" || s.tag == "NP") {
            std::cout << (s.tag == "ND" ? "  Section: ABI Depends\n" : "  Section: ABI Provides\n");
            for (const AbiEntry& e : s.tag == "ND" ? p.depends : p.provides)
                printField(s.tag == "ND" ? "Depends on" : "Provides", fmt::format("{}, version {}", abiName(e.kind), e.version));
        } else if (s.tag == "RV") {
            std::cout << "  Section: Revision\n";
            printField("Version", std::to_string(p.version));
        } else if (s.tag == "LG") {
            std::cout << "  Section: Legacy\n";
            printField("Size", fmt::format("{} bytes", p.legacy->size()));
        }
    }
    if (!p.signature) std::cout << "  (no signature section: the package is unsigned)\n";
    std::cout << fmt::format("Payload: {} bytes\n", p.payload.size());
    AppArchive files = AppArchive::parse(path + ": payload", p.payload);
    for (const auto& [name, data] : files.files()) std::cout << fmt::format("    {} ({} bytes)\n", name, data.size());
    if (const auto* m = files.find("app_manifest.json")) {
        auto id = pluton::readManifestIdentity(path + ": app_manifest.json", *m);
        std::cout << fmt::format("Application: {} ({})\n", id.name, id.app_type);
    }
    return 0;
}

std::uint64_t buildTime() {
    // Reproducible builds: SOURCE_DATE_EPOCH fixes the timestamp.
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
        char* end = nullptr;
        unsigned long long v = std::strtoull(e, &end, 10);
        if (end && !*end) return v;
    }
    return static_cast<std::uint64_t>(std::time(nullptr));
}

/// A name-based image ID: the first 16 bytes of SHA-256(component ID || version || payload),
/// marked as an RFC 4122 version-5-style UUID. The same package contents give the same ID.
Guid imageIdFor(const Guid& component, std::uint32_t version, const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> in(component.bytes.begin(), component.bytes.end());
    for (int i = 0; i < 4; ++i) in.push_back(static_cast<std::uint8_t>(version >> (8 * i)));
    in.insert(in.end(), payload.begin(), payload.end());
    auto h = pluton::sha256(in);
    Guid g;
    std::copy(h.begin(), h.begin() + 16, g.bytes.begin());
    // Guid bytes hold data3 little-endian: its version nibble is the high nibble of byte 7.
    g.bytes[7] = static_cast<std::uint8_t>((g.bytes[7] & 0x0f) | 0x50);
    g.bytes[8] = static_cast<std::uint8_t>((g.bytes[8] & 0x3f) | 0x80);
    return g;
}

int pack(const ImageOptions& o, bool rtapp) {
    auto manifest_bytes = readBinaryFile(o.manifest);
    pluton::ManifestIdentity m = pluton::readManifestIdentity(o.manifest, manifest_bytes);
    const std::string want = rtapp ? "RealTimeCapable" : "Default";
    if (m.app_type != want)
        return fail(fmt::format("{}: ApplicationType is '{}'; {} needs '{}'", o.manifest, m.app_type,
                                rtapp ? "pack-rtapp" : "pack-application", want));
    AppArchive files;
    const std::string entry = m.entry_point.starts_with('/') ? m.entry_point.substr(1) : m.entry_point;
    if (rtapp) {
        auto elf = readBinaryFile(o.elf);
        RtAppImage::fromBytes(o.elf, elf);  // refuse an ELF the RTApp loader would refuse
        files.add(entry, std::move(elf));
    } else {
        files.addDirectory(o.input_dir);
        if (!files.find(entry))
            return fail(fmt::format("{}: no file '{}' (the manifest's EntryPoint {})", o.input_dir, entry, m.entry_point));
    }
    files.add("app_manifest.json", manifest_bytes);

    ImagePackage p;
    p.component_id = m.component;
    p.name = m.name.substr(0, package::kDebugNameSize - 1);
    p.build_time = buildTime();
    p.version = o.version;
    p.has_temporary_flags = true;
    if (!rtapp) p.depends.push_back({static_cast<std::uint32_t>(AbiKind::ApplicationRuntime), o.abi_version});
    p.payload = files.serialize();
    p.image_id = imageIdFor(p.component_id, p.version, p.payload);

    std::vector<std::uint8_t> bytes;
    if (o.unsigned_package) {
        bytes = p.serialize(nullptr);
    } else {
        std::optional<std::string> seed;
        if (!o.key_seed.empty()) seed = o.key_seed;
        auto key = pluton::loadOrCreateSigningKey(o.key.empty() ? pluton::developerKeyPath() : std::filesystem::path(o.key),
                                                  seed, "developer");
        bytes = p.serialize(&key);
    }
    pluton::writeFileAtomic(o.output, bytes);
    std::cout << fmt::format("{}: {} '{}' component {} image {} version {}, {} bytes{}\n", o.output,
                             rtapp ? "real-time app" : "application", p.name, p.component_id.toString(), p.image_id.toString(),
                             p.version, bytes.size(), o.unsigned_package ? " (unsigned)" : "");
    return 0;
}

void addPackOptions(CLI::App& c, ImageOptions& o) {
    c.add_option("--manifest", o.manifest, "The app's app_manifest.json")->required()->check(CLI::ExistingFile);
    c.add_option("-o,--output", o.output, "The .imagepackage file to write")->required();
    c.add_option("--version", o.version, "Image version (revision section; anti-rollback compares it)")->capture_default_str();
    c.add_option("--key", o.key, "Signing key file; default: the developer key in the data directory");
    c.add_option("--key-seed", o.key_seed, "Create a missing signing key from this seed (reproducible builds and tests)");
    c.add_flag("--unsigned", o.unsigned_package, "Write no signature section (devices refuse such packages)");
}

}  // namespace

void addImageOptions(CLI::App& cmd, ImageOptions& o) {
    cmd.require_subcommand(1);
    o.show = cmd.add_subcommand("show", "Print an image package's metadata (like azsphere image-package show)");
    o.show->add_option("file", o.file, "The .imagepackage file")->required();
    o.pack_application = cmd.add_subcommand("pack-application", "Package a high-level app directory");
    addPackOptions(*o.pack_application, o);
    o.pack_application->add_option("--input", o.input_dir, "Directory with the app's files (bin/app ...)")
        ->required()->check(CLI::ExistingDirectory);
    o.pack_application->add_option("--abi-version", o.abi_version, "ApplicationRuntime ABI version the app depends on")
        ->capture_default_str();
    o.pack_rtapp = cmd.add_subcommand("pack-rtapp", "Package a real-time app ELF");
    addPackOptions(*o.pack_rtapp, o);
    o.pack_rtapp->add_option("--elf", o.elf, "The real-time app ELF")->required()->check(CLI::ExistingFile);
}

int imageCommand(const ImageOptions& o) {
    try {
        if (*o.show) return show(o.file);
        if (*o.pack_application) return pack(o, false);
        if (*o.pack_rtapp) return pack(o, true);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}

}  // namespace mt3620::cli
