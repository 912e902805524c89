#include "pluton/Attestation.h"

#include <fmt/format.h>

#include <sstream>

#include "pluton/Certificates.h"

namespace mt3620::pluton {

namespace {
constexpr const char* kHeader = "mt3620-emu attestation 1\n";
}

std::string makeAttestation(const Pluton& pluton, const std::string& nonce) {
    if (nonce.empty() || nonce.find_first_of("\r\n") != std::string::npos)
        throw CryptoError("attestation: the nonce must be one non-empty line");
    std::string body = kHeader;
    body += "device-id=" + pluton.deviceId() + "\n";
    body += "nonce=" + nonce + "\n";
    for (const Measurement& m : pluton.measurements())
        body += fmt::format("measurement={} {} {} {}\n", m.core, m.component, m.image_id.empty() ? "-" : m.image_id,
                            toHex(m.digest));
    body += "boot-chain=" + toHex(pluton.bootChain()) + "\n";
    return body + "signature=" + toHex(pluton.sign(asBytes(body))) + "\n";
}

AttestationCheck verifyAttestation(const std::string& report, const std::string& nonce, const std::string& cert_pem,
                                   const std::optional<std::string>& ca_pem) {
    AttestationCheck out;
    auto fail = [&](std::string why) {
        out.error = std::move(why);
        return out;
    };
    if (!report.starts_with(kHeader)) return fail("not an attestation report (first line 'mt3620-emu attestation 1')");
    const std::size_t sig_at = report.rfind("\nsignature=");
    if (sig_at == std::string::npos || !report.ends_with("\n")) return fail("no signature line");
    const std::string body = report.substr(0, sig_at + 1);
    auto signature = fromHex(report.substr(sig_at + 11, report.size() - sig_at - 12));
    if (!signature || signature->size() != kP256SignatureSize) return fail("the signature line is not 64 bytes of hex");

    std::istringstream in(body.substr(std::string(kHeader).size()));
    std::string line, stated_nonce;
    Bytes chain(32, 0);
    int line_no = 1;
    while (std::getline(in, line)) {
        ++line_no;
        auto eq = line.find('=');
        if (eq == std::string::npos) return fail(fmt::format("line {}: expected key=value", line_no));
        std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "device-id") {
            out.device_id = value;
        } else if (key == "nonce") {
            stated_nonce = value;
        } else if (key == "measurement") {
            auto space = value.rfind(' ');
            auto digest = fromHex(space == std::string::npos ? "" : value.substr(space + 1));
            if (!digest || digest->size() != 32) return fail(fmt::format("line {}: bad measurement digest", line_no));
            Bytes input = chain;
            input.insert(input.end(), digest->begin(), digest->end());
            chain = sha256(input);
            out.measurements.push_back(value);
        } else if (key == "boot-chain") {
            out.boot_chain = value;
        } else {
            return fail(fmt::format("line {}: unknown key '{}'", line_no, key));
        }
    }
    CertificateCheck cert = checkCertificate(cert_pem, ca_pem);
    if (!cert.error.empty()) return fail("device certificate: " + cert.error);
    if (Pluton::deviceIdFor(cert.public_key) != out.device_id)
        return fail("the report's device ID is not the device certificate's (another device)");
    if (!verifySignature(cert.public_key, asBytes(body), *signature))
        return fail("the signature does not verify with the device certificate's key (forged or altered report)");
    if (stated_nonce != nonce)
        return fail(fmt::format("nonce mismatch: the report answers '{}', expected '{}' (a replayed report)", stated_nonce,
                                nonce));
    if (out.boot_chain != toHex(chain)) return fail("the boot chain does not follow from the measurements");
    return out;
}

}  // namespace mt3620::pluton
