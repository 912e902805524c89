#include "image/ImagePackage.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "pluton/Crypto.h"

namespace mt3620 {

namespace {

std::uint16_t rd16(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint16_t>(b[off] | (b[off + 1] << 8));
}
std::uint32_t rd32(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint32_t>(b[off]) | (static_cast<std::uint32_t>(b[off + 1]) << 8) |
           (static_cast<std::uint32_t>(b[off + 2]) << 16) | (static_cast<std::uint32_t>(b[off + 3]) << 24);
}
std::uint64_t rd64(std::span<const std::uint8_t> b, std::size_t off) {
    return rd32(b, off) | (static_cast<std::uint64_t>(rd32(b, off + 4)) << 32);
}
void put16(std::vector<std::uint8_t>& o, std::uint16_t v) {
    o.push_back(static_cast<std::uint8_t>(v));
    o.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& o, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) o.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put64(std::vector<std::uint8_t>& o, std::uint64_t v) {
    put32(o, static_cast<std::uint32_t>(v));
    put32(o, static_cast<std::uint32_t>(v >> 32));
}

bool printableTag(char a, char b) {
    return a >= 0x20 && a < 0x7f && b >= 0x20 && b < 0x7f;
}

std::string tagText(std::span<const std::uint8_t> b, std::size_t off) {
    char a = static_cast<char>(b[off]), c = static_cast<char>(b[off + 1]);
    if (printableTag(a, c)) return std::string{a, c};
    return fmt::format("{:02x}{:02x}", b[off], b[off + 1]);
}

/// Section-level parse errors: "<file>: metadata section N ('TAG') at offset 0x..: reason".
class SectionContext {
public:
    SectionContext(const std::string& file, std::size_t index, std::string tag, std::size_t offset)
        : file_(file), index_(index), tag_(std::move(tag)), offset_(offset) {}
    [[noreturn]] void fail(const std::string& why) const {
        throw ImageError(fmt::format("{}: metadata section {} ('{}') at offset {}: {}", file_, index_, tag_,
                                     imageHex(offset_), why));
    }
    void expectLength(std::size_t got, std::size_t want) const {
        if (got != want) fail(fmt::format("length {}, expected {}", got, want));
    }

private:
    const std::string& file_;
    std::size_t index_;
    std::string tag_;
    std::size_t offset_;
};

std::vector<AbiEntry> parseAbi(const SectionContext& ctx, std::span<const std::uint8_t> d) {
    if (d.size() % 8) ctx.fail(fmt::format("length {} is not a multiple of 8 (entries of u32 kind, u32 version)", d.size()));
    std::vector<AbiEntry> out;
    for (std::size_t i = 0; i < d.size(); i += 8) out.push_back({rd32(d, i), rd32(d, i + 4)});
    return out;
}

void putSection(std::vector<std::uint8_t>& o, const char* tag, const std::vector<std::uint8_t>& data) {
    o.push_back(static_cast<std::uint8_t>(tag[0]));
    o.push_back(static_cast<std::uint8_t>(tag[1]));
    put16(o, static_cast<std::uint16_t>(data.size()));
    o.insert(o.end(), data.begin(), data.end());
}

}  // namespace

std::string imageTypeName(std::uint16_t type) {
    if (type == static_cast<std::uint16_t>(ImageType::Application)) return "Application";
    return fmt::format("Unknown ({})", type);
}

std::vector<std::uint8_t> readBinaryFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError(fmt::format("{}: cannot open for reading", path));
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ImageError(fmt::format("{}: read error", path));
    return bytes;
}

ImagePackage ImagePackage::load(const std::string& path) {
    return parse(path, readBinaryFile(path));
}

ImagePackage ImagePackage::parse(std::string name, std::span<const std::uint8_t> b) {
    using namespace package;
    const std::size_t size = b.size();
    if (size < kHeaderSize + kTrailerSize)
        throw ImageError(fmt::format("{}: metadata trailer: file of {} bytes is too small to be an image package "
                                     "(at least {} needed)", name, size, kHeaderSize + kTrailerSize));
    const std::uint32_t meta_size = rd32(b, size - kTrailerSize);
    if (meta_size < kHeaderSize + kTrailerSize || meta_size > size)
        throw ImageError(fmt::format("{}: metadata trailer at offset {}: metadata size {} is outside [{}, {}] "
                                     "(truncated or not an image package)",
                                     name, imageHex(size - kTrailerSize), meta_size, kHeaderSize + kTrailerSize, size));
    const std::size_t meta = size - meta_size;
    if (!std::equal(kMetadataMagic.begin(), kMetadataMagic.end(), b.begin() + static_cast<std::ptrdiff_t>(meta)))
        throw ImageError(fmt::format("{}: metadata header at offset {}: bad magic {:02x} {:02x} {:02x} {:02x} "
                                     "(expected 4d 45 54 41)",
                                     name, imageHex(meta), b[meta], b[meta + 1], b[meta + 2], b[meta + 3]));
    const std::uint16_t count = rd16(b, meta + 4);
    if (rd16(b, meta + 6) != 0)
        throw ImageError(fmt::format("{}: metadata header at offset {}: reserved field is {:#x}, expected 0", name,
                                     imageHex(meta + 6), rd16(b, meta + 6)));

    ImagePackage p;
    p.file_name = name;
    p.metadata_offset = meta;
    p.version = 0;
    const std::size_t end = size - kTrailerSize;
    std::size_t pos = meta + kHeaderSize;
    std::set<std::string> seen;
    bool have_id = false, have_db = false, have_rv = false;
    for (std::size_t i = 0; i < count; ++i) {
        if (end - pos < kSectionHeaderSize)
            throw ImageError(fmt::format("{}: metadata section {} at offset {}: header runs past the end of the "
                                         "metadata (header declares {} sections)", name, i, imageHex(pos), count));
        std::string tag = tagText(b, pos);
        const std::size_t len = rd16(b, pos + 2);
        SectionContext ctx(name, i, tag, pos);
        if (len > end - pos - kSectionHeaderSize)
            ctx.fail(fmt::format("length {} runs past the end of the metadata ({} bytes left)", len,
                                 end - pos - kSectionHeaderSize));
        if (!seen.insert(tag).second) ctx.fail("duplicate section");
        const std::size_t data_off = pos + kSectionHeaderSize;
        std::span<const std::uint8_t> d = b.subspan(data_off, len);
        p.sections.push_back({tag, pos, len});
        if (tag == "ID") {
            ctx.expectLength(len, kIdentitySize);
            p.image_type = rd16(d, 0);
            std::copy(d.begin() + 4, d.begin() + 20, p.component_id.bytes.begin());
            std::copy(d.begin() + 20, d.begin() + 36, p.image_id.bytes.begin());
            have_id = true;
        } else if (tag == "SG") {
            ctx.expectLength(len, kSignatureSize);
            PackageSignature s;
            std::copy(d.begin(), d.begin() + 20, s.thumbprint.begin());
            s.type = rd32(d, 20);
            std::copy(d.begin() + 24, d.begin() + 88, s.signature.begin());
            s.signature_offset = data_off + 24;
            p.signature = s;
        } else if (tag == "DB") {
            ctx.expectLength(len, kDebugSize);
            std::size_t n = 0;
            while (n < kDebugNameSize && d[n]) ++n;
            if (n == kDebugNameSize) ctx.fail("image name is not NUL-terminated within 32 bytes");
            for (std::size_t k = n; k < kDebugNameSize; ++k)
                if (d[k]) ctx.fail(fmt::format("non-zero byte after the image name at offset {}", imageHex(data_off + k)));
            p.name.assign(reinterpret_cast<const char*>(d.data()), n);
            p.build_time = rd64(d, kDebugNameSize);
            have_db = true;
        } else if (tag == "TT") {
            ctx.expectLength(len, kTemporarySize);
            std::uint16_t flags = rd16(d, 0);
            if (flags & ~3u) ctx.fail(fmt::format("unknown flag bits {:#x}", flags & ~3u));
            p.has_temporary_flags = true;
            p.remove_at_boot = flags & 1;
            p.under_development = flags & 2;
        } else if (tag == "ND") {
            p.depends = parseAbi(ctx, d);
        } else if (tag == "NP") {
            p.provides = parseAbi(ctx, d);
        } else if (tag == "RV") {
            ctx.expectLength(len, kRevisionSize);
            p.version = rd32(d, 0);
            have_rv = true;
        } else if (tag == "LG") {
            p.legacy = std::vector<std::uint8_t>(d.begin(), d.end());
        } else {
            ctx.fail("unknown section type");
        }
        pos = data_off + len;
    }
    if (pos != end)
        throw ImageError(fmt::format("{}: metadata at offset {}: {} bytes between the last of the {} sections and "
                                     "the trailer (section count or a length is wrong)",
                                     name, imageHex(pos), end - pos, count));
    if (!have_id) throw ImageError(fmt::format("{}: metadata at offset {}: no identity section 'ID'", name, imageHex(meta)));
    if (!have_db) throw ImageError(fmt::format("{}: metadata at offset {}: no debug section 'DB'", name, imageHex(meta)));
    if (!have_rv) throw ImageError(fmt::format("{}: metadata at offset {}: no revision section 'RV'", name, imageHex(meta)));

    p.payload.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(meta));
    pluton::Sha256 signed_hash;
    if (p.signature) {
        std::size_t s = p.signature->signature_offset;
        signed_hash.update(b.subspan(0, s));
        signed_hash.update(b.subspan(s + 64));
    } else {
        signed_hash.update(b);
    }
    auto sd = signed_hash.finish();
    std::copy(sd.begin(), sd.end(), p.signed_digest.begin());
    auto fd = pluton::sha256(b);
    std::copy(fd.begin(), fd.end(), p.file_digest.begin());
    return p;
}

std::vector<std::uint8_t> ImagePackage::serialize(const pluton::EcKeyPair* signer) const {
    using namespace package;
    if (name.size() >= kDebugNameSize)
        throw ImageError(fmt::format("image name '{}' is {} bytes long (at most {})", name, name.size(), kDebugNameSize - 1));
    std::vector<std::uint8_t> out = payload;
    const std::size_t meta = out.size();
    out.insert(out.end(), kMetadataMagic.begin(), kMetadataMagic.end());
    std::uint16_t count = 0;
    put16(out, 0);  // section count, patched below
    put16(out, 0);

    std::vector<std::uint8_t> d;
    auto section = [&](const char* tag) {
        if (d.size() > 0xffff) throw ImageError(fmt::format("section '{}' of {} bytes is too large", tag, d.size()));
        putSection(out, tag, d);
        d.clear();
        ++count;
    };
    put16(d, image_type);
    put16(d, 0);
    d.insert(d.end(), component_id.bytes.begin(), component_id.bytes.end());
    d.insert(d.end(), image_id.bytes.begin(), image_id.bytes.end());
    section("ID");
    d.assign(kDebugNameSize, 0);
    std::copy(name.begin(), name.end(), d.begin());
    put64(d, build_time);
    section("DB");
    if (has_temporary_flags) {
        put16(d, static_cast<std::uint16_t>((remove_at_boot ? 1 : 0) | (under_development ? 2 : 0)));
        put16(d, 0);
        section("TT");
    }
    if (!depends.empty()) {
        for (const AbiEntry& e : depends) put32(d, e.kind), put32(d, e.version);
        section("ND");
    }
    if (!provides.empty()) {
        for (const AbiEntry& e : provides) put32(d, e.kind), put32(d, e.version);
        section("NP");
    }
    put32(d, version);
    section("RV");
    if (legacy) {
        d = *legacy;
        section("LG");
    }
    std::size_t sig_offset = 0;
    std::vector<std::uint8_t> public_key;
    if (signer) {
        public_key = signer->publicKey();
        auto thumb = pluton::hash(pluton::HashAlg::Sha1, public_key);
        d.insert(d.end(), thumb.begin(), thumb.end());
        put32(d, kSigningTypeEcdsaP256Sha256);
        d.resize(d.size() + 64, 0);
        sig_offset = out.size() + kSectionHeaderSize + 24;
        section("SG");
    }
    out[meta + 4] = static_cast<std::uint8_t>(count);
    out[meta + 5] = static_cast<std::uint8_t>(count >> 8);
    put32(out, static_cast<std::uint32_t>(out.size() + kTrailerSize - meta));
    if (signer) {
        pluton::Sha256 h;
        h.update(std::span(out).subspan(0, sig_offset));
        h.update(std::span(out).subspan(sig_offset + 64));
        auto sig = signer->signDigest(h.finish());
        std::copy(sig.begin(), sig.end(), out.begin() + static_cast<std::ptrdiff_t>(sig_offset));
    }
    return out;
}

}  // namespace mt3620
