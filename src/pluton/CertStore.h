#pragma once
// The device's certificate store (docs/security.md, "Certificate store"): the certificates
// high-level apps with the CertStore capability install, list, rename and delete through the
// applibs CertStore_* calls (the emulated OS's /dev/certstore, os/CertStoreDevice.h). As on a
// real device the store is the device's, shared by its apps, and survives restarts: it is one
// state file, DIR/certstore.state, rewritten atomically on every change.
//
// Limits follow the SDK's applibs/certstore.h: identifiers of 1 to 16 characters from
// A-Z a-z 0-9 . - _, certificate and key blobs up to 8192 bytes, passwords up to 256. The
// capacity (24 KiB of certificate and key bytes) is this emulator's choice. Every operation
// returns 0 or the positive errno value the API documents for the failure.
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mt3620::pluton {

class CertStore {
public:
    static constexpr std::size_t kMaxIdentifier = 16;
    static constexpr std::size_t kMaxCertSize = 8192;
    static constexpr std::size_t kMaxPassword = 256;
    static constexpr std::size_t kCapacity = 24 * 1024;

    enum class Type { RootCa, Client };
    struct Entry {
        std::string id;
        Type type = Type::RootCa;
        std::string cert_pem;
        std::string key_pem;  // client certificates only, as installed
    };
    struct Info {
        std::string subject;  // "CN=..., O=..." (mbedTLS's distinguished-name text)
        std::string issuer;
        std::tm not_before{};  // UTC; tm_wday, tm_yday, tm_isdst undefined (0), as the API says
        std::tm not_after{};
    };

    explicit CertStore(std::filesystem::path device_dir);

    int installRootCa(const std::string& id, std::string_view cert);
    int installClient(const std::string& id, std::string_view cert, std::string_view key,
                      const std::optional<std::string>& password);
    /// Identifiers in installation order (a replaced certificate keeps its place).
    std::vector<std::string> identifiers() const;
    std::size_t availableSpace() const;
    int remove(const std::string& id);
    int move(const std::string& from, const std::string& to);
    std::variant<Info, int> info(const std::string& id) const;

    /// 0 if `id` is a valid identifier, else ERANGE (too long) or EINVAL.
    static int checkIdentifier(const std::string& id);

private:
    std::vector<Entry> load() const;
    void save(const std::vector<Entry>& entries) const;
    int put(Entry entry);
    std::filesystem::path path_;
};

}  // namespace mt3620::pluton
