#include "os/TlsDevice.h"

#include <cstring>
#include <stdexcept>

#include "image/AppManifest.h"
#include "os/DeviceAbi.h"
#include "os/GuestSocket.h"
#include "os/HlProcess.h"
#include "pluton/DeviceTlsIdentity.h"

namespace mt3620::os {

/// The device identity for the process's sessions, loaded on first use and shared by them.
class TlsIdentitySource {
public:
    TlsIdentitySource(bool granted, std::string device_dir) : granted_(granted), device_dir_(std::move(device_dir)) {}

    /// The identity, or null with `error` set (the errno is EACCES, EAGAIN or EIO).
    std::shared_ptr<pluton::DeviceTlsIdentity> get(HlProcess& p, TlsError& error) {
        if (!granted_) {
            p.log().warnOnce("a7.manifest.DeviceAuthentication", "a7",
                             "app manifest: device authentication is not granted (DeviceAuthentication): the TLS "
                             "session gets no client certificate");
            error = {-EACCES, "device authentication is not granted (DeviceAuthentication)"};
            return nullptr;
        }
        if (device_dir_.empty()) {
            p.log().warnOnce("a7.no-device", "a7", "device authentication needs a device state (run with --device DIR)");
            error = {-EAGAIN, "device authentication needs a device state (run with --device DIR)"};
            return nullptr;
        }
        if (!identity_) {
            try {
                identity_ = pluton::DeviceTlsIdentity::load(device_dir_);
            } catch (const std::exception& e) {
                p.log().warn("a7", "device authentication: {}", e.what());
                error = {-EIO, e.what()};
                return nullptr;
            }
        }
        return identity_;
    }

private:
    bool granted_;
    std::string device_dir_;
    std::shared_ptr<pluton::DeviceTlsIdentity> identity_;
};

namespace {

/// A guest buffer of PEM text (pointer and length), or nullopt if unreadable.
std::optional<std::string> readBlob(GuestMemory& mem, std::uint32_t addr, std::uint32_t len) {
    constexpr std::uint32_t kMaxPem = 1u << 20;  // a CA bundle of a few hundred roots fits
    if (len == 0) return std::string();
    if (addr == 0 || len > kMaxPem) return std::nullopt;
    std::string s(len, '\0');
    if (!mem.read(addr, s.data(), len)) return std::nullopt;
    return s;
}

void copyText(std::uint8_t* dst, std::size_t size, const std::string& text) {
    const std::size_t n = std::min(size - 1, text.size());
    std::memcpy(dst, text.data(), n);
    dst[n] = 0;
}

}  // namespace

TlsFile::TlsFile(HlProcess& process, std::shared_ptr<TlsIdentitySource> identities)
    : DeviceFile(MT_TLS_PATH, deviceNumber(kMajorMisc, 151)), process_(process), identities_(std::move(identities)) {}

std::int64_t TlsFile::ioctl(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    switch (request) {
        case MT_TLS_IOC_CONFIGURE: return configure(arg, mem);
        case MT_TLS_IOC_ERROR: return reportError(arg, mem);
        case MT_TLS_IOC_INFO: return reportInfo(arg, mem);
        default: break;
    }
    if (request != MT_TLS_IOC_HANDSHAKE && request != MT_TLS_IOC_WRITE && request != MT_TLS_IOC_READ &&
        request != MT_TLS_IOC_SHUTDOWN && request != MT_TLS_IOC_PENDING)
        return -ENOTTY;
    if (!session_) return error_.code != 0 ? MT_TLS_STATUS_FAILED : -EINVAL;  // not configured
    if (request == MT_TLS_IOC_PENDING) return static_cast<std::int64_t>(session_->pending());
    if (request == MT_TLS_IOC_SHUTDOWN) return finish(session_->shutdown(), "shutdown");
    if (request == MT_TLS_IOC_HANDSHAKE) return finish(session_->handshake(), "handshake");
    return transfer(request, arg, mem);
}

std::int64_t TlsFile::configure(std::uint32_t arg, GuestMemory& mem) {
    if (session_) return -EISCONN;
    std::uint8_t s[MT_TLS_CONFIG_SIZE];
    if (!mem.read(arg, s, sizeof s)) return -EFAULT;
    socket_ = process_.fds().shared(static_cast<int>(field(s, 0)));
    if (!socket_) return -EBADF;
    auto* sock = dynamic_cast<GuestSocket*>(socket_.get());
    if (!sock) return -ENOTSOCK;
    if (sock->hostFd() < 0) {
        process_.log().warn("a7", "TLS: socket {} is not a network socket (AF_INET with run --network)", field(s, 0));
        return -EOPNOTSUPP;
    }
    TlsClientSettings settings;
    settings.min_version = static_cast<int>(field(s, 4));
    settings.max_version = static_cast<int>(field(s, 8));
    if (settings.min_version < 3 || settings.max_version > 4 || settings.min_version > settings.max_version)
        return -EINVAL;
    settings.verify_peer = field(s, 12) != 0;
    auto ca = readBlob(mem, field(s, 16), field(s, 20));
    auto cert = readBlob(mem, field(s, 24), field(s, 28));
    auto key = readBlob(mem, field(s, 32), field(s, 36));
    if (!ca || !cert || !key) return -EFAULT;
    settings.ca_pem = std::move(*ca);
    settings.cert_pem = std::move(*cert);
    settings.key_pem = std::move(*key);
    if (const std::uint32_t host = field(s, 40)) {
        auto name = mem.readString(host, 256);
        if (!name) return -EFAULT;
        settings.host_name = *name;
    }
    if (field(s, 44) != 0) {
        settings.device_identity = identities_->get(process_, error_);
        if (!settings.device_identity) return error_.code;  // -EACCES, -EAGAIN, -EIO
    }
    session_ = TlsSession::create(sock->hostFd(), settings, error_);
    if (!session_) {
        process_.log().warn("a7", "TLS: {}", error_.text);
        return MT_TLS_STATUS_FAILED;
    }
    return MT_TLS_STATUS_OK;
}

std::int64_t TlsFile::transfer(std::uint32_t request, std::uint32_t arg, GuestMemory& mem) {
    std::uint8_t s[MT_TLS_IO_SIZE];
    if (!mem.read(arg, s, sizeof s)) return -EFAULT;
    const std::uint32_t buf = field(s, 0), len = std::min<std::uint32_t>(field(s, 4), 1u << 20);
    std::vector<std::uint8_t> data(len);
    std::size_t done = 0;
    TlsStatus st;
    if (request == MT_TLS_IOC_WRITE) {
        if (len && !mem.read(buf, data.data(), len)) return -EFAULT;
        st = session_->write(data, done);
    } else {
        st = session_->read(data, done);
        if (done && !mem.write(buf, data.data(), done)) return -EFAULT;
    }
    const std::int32_t moved = static_cast<std::int32_t>(done);
    if (!mem.write(arg + 8, &moved, sizeof moved)) return -EFAULT;
    return finish(st, request == MT_TLS_IOC_WRITE ? "write" : "read");
}

std::int64_t TlsFile::finish(TlsStatus status, const char* what) {
    if (status == TlsStatus::Failed) {
        process_.log().warn("a7", "TLS {} failed: {} (wolfSSL error {})", what, session_->error().text,
                            session_->error().code);
    } else if (status == TlsStatus::Ok && !logged_handshake_ && session_->handshakeDone()) {
        logged_handshake_ = true;
        process_.log().info("a7", "TLS session up: {} {}, server '{}'", session_->version(), session_->cipher(),
                            session_->peerSubject());
    }
    return static_cast<std::int64_t>(status);
}

std::int64_t TlsFile::reportError(std::uint32_t arg, GuestMemory& mem) const {
    const TlsError& e = session_ ? session_->error() : error_;
    std::uint8_t out[MT_TLS_ERROR_SIZE] = {};
    const std::int32_t code = e.code;
    std::memcpy(out, &code, 4);
    copyText(out + 4, sizeof out - 4, e.text);
    return mem.write(arg, out, sizeof out) ? 0 : -EFAULT;
}

std::int64_t TlsFile::reportInfo(std::uint32_t arg, GuestMemory& mem) const {
    std::uint8_t out[MT_TLS_INFO_SIZE] = {};
    copyText(out, 16, session_ ? session_->version() : "unknown");
    copyText(out + 16, 64, session_ ? session_->cipher() : "");
    return mem.write(arg, out, sizeof out) ? 0 : -EFAULT;
}

void installTlsDevice(HlProcess& p, const AppManifest& manifest, const std::string& device_dir) {
    auto identities =
        std::make_shared<TlsIdentitySource>(manifest.capabilities.deviceAuthentication.has_value(), device_dir);
    p.fs().addDevice(MT_TLS_PATH, [&p, identities](std::uint32_t) -> std::variant<std::shared_ptr<GuestFile>, int> {
        return std::make_shared<TlsFile>(p, identities);
    }, deviceNumber(kMajorMisc, 151));
}

}  // namespace mt3620::os
