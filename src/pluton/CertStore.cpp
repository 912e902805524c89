#include "pluton/CertStore.h"

#include <fmt/format.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <sstream>

#include "pluton/Crypto.h"
#include "pluton/MbedTlsHolders.h"
#include "pluton/StateFile.h"

namespace mt3620::pluton {

namespace fs = std::filesystem;

namespace {

constexpr const char* kKind = "certstore";
constexpr int kVersion = 1;

/// The API takes a blob in PEM format, with or without its BEGIN/END lines; the stored form
/// always has them.
std::string asPem(std::string_view blob, const char* label) {
    std::string text(blob);
    while (!text.empty() && (text.back() == '\0')) text.pop_back();
    if (text.find("-----BEGIN ") != std::string::npos) return text;
    if (!text.empty() && text.back() != '\n') text += '\n';
    return fmt::format("-----BEGIN {0}-----\n{1}-----END {0}-----\n", label, text);
}

bool parses(Crt& crt, const std::string& pem) {
    return mbedtls_x509_crt_parse(&crt.ctx, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1) == 0;
}

std::tm toTm(const mbedtls_x509_time& t) {
    std::tm tm{};
    tm.tm_year = t.year - 1900;
    tm.tm_mon = t.mon - 1;
    tm.tm_mday = t.day;
    tm.tm_hour = t.hour;
    tm.tm_min = t.min;
    tm.tm_sec = t.sec;
    return tm;
}

std::string dn(const mbedtls_x509_name& name) {
    std::array<char, 1024> buf{};
    int n = mbedtls_x509_dn_gets(buf.data(), buf.size(), &name);
    return n < 0 ? std::string() : std::string(buf.data(), static_cast<std::size_t>(n));
}

std::size_t used(const std::vector<CertStore::Entry>& entries) {
    std::size_t n = 0;
    for (const auto& e : entries) n += e.cert_pem.size() + e.key_pem.size();
    return n;
}

int rngForKeys(void*, unsigned char* out, std::size_t len) {
    Bytes b = randomBytes(len);
    std::copy(b.begin(), b.end(), out);
    return 0;
}

}  // namespace

CertStore::CertStore(fs::path device_dir) : path_(std::move(device_dir) / "certstore.state") {}

int CertStore::checkIdentifier(const std::string& id) {
    if (id.size() > kMaxIdentifier) return ERANGE;
    if (id.empty()) return EINVAL;
    for (char c : id)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return EINVAL;
    return 0;
}

std::vector<CertStore::Entry> CertStore::load() const {
    std::vector<Entry> out;
    if (!fs::exists(path_)) return out;
    StateFile f = StateFile::read(path_, kKind, kVersion);
    for (const std::string& line : f.all("cert")) {
        std::istringstream in(line);
        std::string id, type, cert, key;
        if (!(in >> id >> type >> cert >> key) || checkIdentifier(id) != 0 || (type != "root" && type != "client"))
            f.fail(fmt::format("cert entry '{}': expected identifier root|client certificate-hex key-hex|-", line.substr(0, 40)));
        auto c = fromHex(cert);
        auto k = key == "-" ? std::optional<Bytes>(Bytes{}) : fromHex(key);
        if (!c || !k) f.fail(fmt::format("cert entry '{}': certificate or key is not hex", id));
        out.push_back({id, type == "root" ? Type::RootCa : Type::Client, std::string(c->begin(), c->end()),
                       std::string(k->begin(), k->end())});
    }
    return out;
}

void CertStore::save(const std::vector<Entry>& entries) const {
    StateFile f(kKind, kVersion);
    for (const auto& e : entries)
        f.add("cert", fmt::format("{} {} {} {}", e.id, e.type == Type::RootCa ? "root" : "client", toHex(asBytes(e.cert_pem)),
                                  e.key_pem.empty() ? std::string("-") : toHex(asBytes(e.key_pem))));
    ensureDirectory(path_.parent_path());
    f.write(path_);
}

int CertStore::put(Entry entry) {
    std::vector<Entry> entries = load();
    auto same = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.id == entry.id; });
    std::size_t others = used(entries) - (same == entries.end() ? 0 : same->cert_pem.size() + same->key_pem.size());
    if (others + entry.cert_pem.size() + entry.key_pem.size() > kCapacity) return ENOSPC;
    if (same == entries.end()) entries.push_back(std::move(entry));
    else *same = std::move(entry);
    save(entries);
    return 0;
}

int CertStore::installRootCa(const std::string& id, std::string_view cert) {
    if (int e = checkIdentifier(id)) return e;
    if (cert.empty() || cert.size() > kMaxCertSize) return ERANGE;
    ensureCryptoReady();
    std::string pem = asPem(cert, "CERTIFICATE");
    Crt crt;
    if (!parses(crt, pem)) return EINVAL;
    return put({id, Type::RootCa, pem, {}});
}

int CertStore::installClient(const std::string& id, std::string_view cert, std::string_view key,
                             const std::optional<std::string>& password) {
    if (int e = checkIdentifier(id)) return e;
    if (cert.empty() || cert.size() > kMaxCertSize || key.empty() || key.size() > kMaxCertSize) return ERANGE;
    if (password && password->size() > kMaxPassword) return ERANGE;
    ensureCryptoReady();
    std::string pem = asPem(cert, "CERTIFICATE");
    Crt crt;
    if (!parses(crt, pem)) return EINVAL;
    std::string key_pem = asPem(key, "PRIVATE KEY");
    const bool encrypted = key_pem.find("ENCRYPTED") != std::string::npos;
    if (password && !encrypted) return EINVAL;  // "a password is provided for an unencrypted private key"
    Pk pk;
    int rc = mbedtls_pk_parse_key(&pk.ctx, reinterpret_cast<const unsigned char*>(key_pem.c_str()), key_pem.size() + 1,
                                  password ? reinterpret_cast<const unsigned char*>(password->data()) : nullptr,
                                  password ? password->size() : 0, rngForKeys, nullptr);
    // The key must be the certificate's.
    if (rc == 0) rc = mbedtls_pk_check_pair(&crt.ctx.pk, &pk.ctx, rngForKeys, nullptr);
    if (rc != 0) return EINVAL;
    return put({id, Type::Client, pem, key_pem});
}

std::vector<std::string> CertStore::identifiers() const {
    std::vector<std::string> ids;
    for (const auto& e : load()) ids.push_back(e.id);
    return ids;
}

std::size_t CertStore::availableSpace() const {
    return kCapacity - std::min(kCapacity, used(load()));
}

int CertStore::remove(const std::string& id) {
    if (int e = checkIdentifier(id)) return e == ERANGE ? ENOENT : e;
    std::vector<Entry> entries = load();
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.id == id; });
    if (it == entries.end()) return ENOENT;
    entries.erase(it);
    save(entries);
    return 0;
}

int CertStore::move(const std::string& from, const std::string& to) {
    if (int e = checkIdentifier(from)) return e;
    if (int e = checkIdentifier(to)) return e;
    std::vector<Entry> entries = load();
    auto src = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.id == from; });
    if (src == entries.end()) return ENOENT;
    if (from == to) return 0;
    Entry moved = *src;
    moved.id = to;
    entries.erase(src);
    // An existing certificate with the destination name is replaced in its place.
    auto dst = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.id == to; });
    if (dst == entries.end()) entries.push_back(std::move(moved));
    else *dst = std::move(moved);
    save(entries);  // one rename: the move is atomic
    return 0;
}

std::variant<CertStore::Info, int> CertStore::info(const std::string& id) const {
    if (int e = checkIdentifier(id)) return e == ERANGE ? ENOENT : e;
    for (const Entry& e : load()) {
        if (e.id != id) continue;
        ensureCryptoReady();
        Crt crt;
        if (!parses(crt, e.cert_pem)) return EINVAL;
        return Info{dn(crt.ctx.subject), dn(crt.ctx.issuer), toTm(crt.ctx.valid_from), toTm(crt.ctx.valid_to)};
    }
    return ENOENT;
}

}  // namespace mt3620::pluton
