#include "pluton/Pluton.h"

namespace mt3620::pluton {

Pluton::Pluton(EcKeyPair identity)
    : identity_(std::move(identity)), public_key_(identity_.publicKey()), device_id_(deviceIdFor(public_key_)) {}

std::string Pluton::deviceIdFor(std::span<const std::uint8_t> public_key) {
    return toHex(hash(HashAlg::Sha512, public_key), /*upper=*/true);
}

void Pluton::extend(Measurement m) {
    Bytes input = chain_;
    input.insert(input.end(), m.digest.begin(), m.digest.end());
    chain_ = hash(HashAlg::Sha256, input);
    measurements_.push_back(std::move(m));
}

}  // namespace mt3620::pluton
