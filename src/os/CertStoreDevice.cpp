#include "os/CertStoreDevice.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <variant>
#include <vector>

#include "image/AppManifest.h"
#include "os/DeviceAbi.h"
#include "os/HlProcess.h"
#include "os/HostFiles.h"

namespace mt3620::os {

namespace {

using Opened = std::variant<std::shared_ptr<GuestFile>, int>;

/// A NUL-terminated identifier at `addr`: the text, or the negative errno the API gives.
std::variant<std::string, int> readIdentifier(GuestMemory& mem, std::uint32_t addr) {
    std::uint8_t first = 0;
    if (addr == 0 || !mem.read(addr, &first, 1)) return -EFAULT;
    auto id = mem.readString(addr, 4096);
    if (!id) return -EINVAL;  // not NUL-terminated
    if (int e = pluton::CertStore::checkIdentifier(*id)) return -e;
    return *id;
}

std::variant<std::string, int> readBlob(GuestMemory& mem, std::uint32_t addr, std::uint32_t len) {
    if (addr == 0) return -EFAULT;
    if (len == 0 || len > pluton::CertStore::kMaxCertSize) return -ERANGE;
    std::string blob(len, '\0');
    if (!mem.read(addr, blob.data(), len)) return -EFAULT;
    return blob;
}

}  // namespace

CertStoreFile::CertStoreFile(const std::string& device_dir)
    : DeviceFile(MT_CERTSTORE_PATH, deviceNumber(kMajorMisc, 150)), store_(device_dir) {}

std::int64_t CertStoreFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_CERTSTORE_IOC_INSTALL: return install(arg, mem);
        case MT_CERTSTORE_IOC_COUNT: return static_cast<std::int64_t>(store_.identifiers().size());
        case MT_CERTSTORE_IOC_SPACE: return static_cast<std::int64_t>(store_.availableSpace());
        case MT_CERTSTORE_IOC_ID_AT:
        case MT_CERTSTORE_IOC_FIELD: return query(request, arg, mem);
        case MT_CERTSTORE_IOC_DELETE:
        case MT_CERTSTORE_IOC_MOVE: return rename(request, arg, mem);
        default: return -ENOTTY;
    }
}

std::int64_t CertStoreFile::install(std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t s[MT_CERTSTORE_INSTALL_SIZE];
    if (!mem.read(arg, s, sizeof s)) return -EFAULT;
    auto id = readIdentifier(mem, field(s, 0));
    if (auto* e = std::get_if<int>(&id)) return *e;
    auto cert = readBlob(mem, field(s, 4), field(s, 8));
    if (auto* e = std::get_if<int>(&cert)) return *e;
    const std::uint32_t key_len = field(s, 16);
    if (key_len == 0) return -store_.installRootCa(std::get<std::string>(id), std::get<std::string>(cert));
    auto key = readBlob(mem, field(s, 12), key_len);
    if (auto* e = std::get_if<int>(&key)) return *e;
    std::optional<std::string> password;
    if (const std::uint32_t p = field(s, 20)) {
        password = mem.readString(p, pluton::CertStore::kMaxPassword + 1);
        if (!password) return -ERANGE;  // longer than allowed, or not NUL-terminated
    }
    return -store_.installClient(std::get<std::string>(id), std::get<std::string>(cert), std::get<std::string>(key),
                                 password);
}

std::int64_t CertStoreFile::query(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t s[MT_CERTSTORE_QUERY_SIZE];
    if (!mem.read(arg, s, sizeof s)) return -EFAULT;
    const std::uint32_t out = field(s, 8), out_len = field(s, 12);
    if (out == 0 || out_len == 0) return -EFAULT;
    auto writeText = [&](const std::string& text) -> std::int64_t {
        std::string t = text.substr(0, out_len - 1);
        t.push_back('\0');
        return mem.write(out, t.data(), t.size()) ? 0 : -EFAULT;
    };
    if (request == MT_CERTSTORE_IOC_ID_AT) {
        auto ids = store_.identifiers();
        const std::uint32_t index = field(s, 0);
        if (index >= ids.size()) return -ERANGE;
        return writeText(ids[index]);
    }
    auto id = readIdentifier(mem, field(s, 0));
    if (auto* e = std::get_if<int>(&id)) return *e == -ERANGE ? -ENOENT : *e;
    auto info = store_.info(std::get<std::string>(id));
    if (auto* e = std::get_if<int>(&info)) return -*e;
    const auto& i = std::get<pluton::CertStore::Info>(info);
    switch (field(s, 4)) {
        case MT_CERTSTORE_FIELD_SUBJECT: return writeText(i.subject);
        case MT_CERTSTORE_FIELD_ISSUER: return writeText(i.issuer);
        case MT_CERTSTORE_FIELD_NOT_BEFORE:
        case MT_CERTSTORE_FIELD_NOT_AFTER: {
            const std::tm& t = field(s, 4) == MT_CERTSTORE_FIELD_NOT_BEFORE ? i.not_before : i.not_after;
            const std::int32_t v[6] = {t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec};
            if (out_len < sizeof v) return -EINVAL;
            return mem.write(out, v, sizeof v) ? 0 : -EFAULT;
        }
        default: return -EINVAL;
    }
}

std::int64_t CertStoreFile::rename(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t s[8];
    if (!mem.read(arg, s, sizeof s)) return -EFAULT;
    auto id = readIdentifier(mem, field(s, 0));
    if (auto* e = std::get_if<int>(&id)) return request == MT_CERTSTORE_IOC_DELETE && *e == -ERANGE ? -ENOENT : *e;
    if (request == MT_CERTSTORE_IOC_DELETE) return -store_.remove(std::get<std::string>(id));
    auto dest = readIdentifier(mem, field(s, 4));
    if (auto* e = std::get_if<int>(&dest)) return *e;
    return -store_.move(std::get<std::string>(id), std::get<std::string>(dest));
}

void installCertificateDevices(HlProcess& p, const AppManifest& manifest, const std::string& device_dir) {
    const auto& flags = manifest.capabilities.flags;
    const bool cert_store = std::find(flags.begin(), flags.end(), "CertStore") != flags.end();
    const bool device_auth = manifest.capabilities.deviceAuthentication.has_value();
    auto refuse = [&p](const char* what, const char* capability) {
        p.log().warnOnce(std::string("a7.manifest.") + capability, "a7", "app manifest: {} is not granted ({}): EACCES",
                         what, capability);
        return -EACCES;
    };
    auto notReady = [&p](const char* what) {
        p.log().warnOnce("a7.no-device", "a7", "{} needs a device state (run with --device DIR): EAGAIN", what);
        return -EAGAIN;
    };
    p.fs().addDevice(MT_CERTSTORE_PATH, [=](std::uint32_t) -> Opened {
        if (!cert_store) return refuse("the certificate store", "CertStore");
        if (device_dir.empty()) return notReady("the certificate store");
        return std::make_shared<CertStoreFile>(device_dir);
    }, deviceNumber(kMajorMisc, 150));
    p.fs().addDevice(MT_DEVICEAUTH_CERT_PATH, [=](std::uint32_t flags) -> Opened {
        if (!device_auth) return refuse("the device certificate", "DeviceAuthentication");
        if (device_dir.empty()) return notReady("the device certificate");
        if ((flags & kOAccMode) != kORdOnly) return -EACCES;  // the OS's file: read-only
        int error = 0;
        auto file = HostFile::open(device_dir + "/device.crt", MT_DEVICEAUTH_CERT_PATH, error);
        if (!file) return error;
        return file;
    }, 0);
}

}  // namespace mt3620::os
