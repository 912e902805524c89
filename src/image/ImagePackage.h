#pragma once
// Azure Sphere image packages (.imagepackage): an image payload followed by a metadata block
// of typed sections (identity, signature, debug, temporary-image flags, ABI depends/provides,
// revision, legacy). The byte layout is documented in docs/image-packages.md; where the real
// layout is not public the emulator's choice is documented there and round-trips.
//
// parse() validates every field before it reads it: a truncated or malformed package is an
// ImageError naming the file, the section (by tag and index) and the offset, never an
// out-of-bounds read. Signature checking is separate (pluton/SecureBoot), so `image show` can
// display an unsigned or untrusted package.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "image/AppManifest.h"  // Guid
#include "image/ElfFile.h"      // ImageError

namespace mt3620 {

namespace pluton {
class EcKeyPair;
}

/// Image types (the values of the Azure Sphere image type enumeration for the types the
/// emulator handles; RTApps and HL apps are both "Application", told apart by their manifest).
enum class ImageType : std::uint16_t { Application = 10 };
std::string imageTypeName(std::uint16_t type);

/// ABI kinds in the 'ND' (depends) and 'NP' (provides) sections.
enum class AbiKind : std::uint32_t { ApplicationRuntime = 1 };

struct AbiEntry {
    std::uint32_t kind = 0;
    std::uint32_t version = 0;
    bool operator==(const AbiEntry&) const = default;
};

constexpr std::uint32_t kSigningTypeEcdsaP256Sha256 = 1;

struct PackageSignature {
    std::array<std::uint8_t, 20> thumbprint{};  // SHA-1 of the signer's uncompressed P-256 public key
    std::uint32_t type = kSigningTypeEcdsaP256Sha256;
    std::array<std::uint8_t, 64> signature{};  // ECDSA r || s over SHA-256 of the signed bytes
    std::size_t signature_offset = 0;           // where the 64 signature bytes are in the file
};

/// Where a section was found (for `image show` and error messages).
struct SectionInfo {
    std::string tag;
    std::size_t offset = 0;  // of the section header
    std::size_t length = 0;  // of the section data
};

struct ImagePackage {
    // 'ID'
    std::uint16_t image_type = static_cast<std::uint16_t>(ImageType::Application);
    Guid component_id;
    Guid image_id;
    // 'SG' (absent: an unsigned package, which secure boot refuses)
    std::optional<PackageSignature> signature;
    // 'DB'
    std::string name;              // at most 31 bytes
    std::uint64_t build_time = 0;  // seconds since 1970-01-01 UTC
    // 'TT'
    bool has_temporary_flags = false;
    bool remove_at_boot = false;
    bool under_development = false;
    // 'ND', 'NP'
    std::vector<AbiEntry> depends;
    std::vector<AbiEntry> provides;
    // 'RV': the image's version, which anti-rollback compares
    std::uint32_t version = 1;
    // 'LG': opaque legacy bytes, kept as they are
    std::optional<std::vector<std::uint8_t>> legacy;

    std::vector<std::uint8_t> payload;

    // Filled by parse():
    std::string file_name;
    std::size_t metadata_offset = 0;
    std::vector<SectionInfo> sections;
    std::array<std::uint8_t, 32> signed_digest{};  // SHA-256 of every byte except the signature
    std::array<std::uint8_t, 32> file_digest{};    // SHA-256 of the whole file

    /// Parses a package held in memory. `name` prefixes error messages.
    static ImagePackage parse(std::string name, std::span<const std::uint8_t> bytes);
    /// Reads and parses a file.
    static ImagePackage load(const std::string& path);
    /// Builds the package bytes, signed by `signer` (nullptr: unsigned, no 'SG' section).
    std::vector<std::uint8_t> serialize(const pluton::EcKeyPair* signer) const;
};

/// Reads a whole file; ImageError naming the path if it cannot be read.
std::vector<std::uint8_t> readBinaryFile(const std::string& path);

/// Layout constants (docs/image-packages.md).
namespace package {
constexpr std::array<std::uint8_t, 4> kMetadataMagic{0x4D, 0x45, 0x54, 0x41};
constexpr std::size_t kHeaderSize = 8;          // magic, u16 section count, u16 reserved
constexpr std::size_t kSectionHeaderSize = 4;   // 2-character tag, u16 data length
constexpr std::size_t kTrailerSize = 4;         // u32 metadata size, the last 4 bytes of the file
constexpr std::size_t kIdentitySize = 36;
constexpr std::size_t kSignatureSize = 88;
constexpr std::size_t kDebugSize = 40;
constexpr std::size_t kDebugNameSize = 32;
constexpr std::size_t kTemporarySize = 4;
constexpr std::size_t kRevisionSize = 4;
}  // namespace package

}  // namespace mt3620
