#include "pluton/Rng.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/sha512.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mt3620::pluton {

struct Rng::State {
    mbedtls_ctr_drbg_context drbg;
    unsigned char seed[64];  // SHA-512 of the material: the DRBG's one-time "entropy" input
    State() { mbedtls_ctr_drbg_init(&drbg); }
    ~State() { mbedtls_ctr_drbg_free(&drbg); }

    // The entropy callback hands out the seed (the DRBG asks for at most 48 bytes at a time).
    static int entropy(void* ctx, unsigned char* out, std::size_t len) {
        auto* st = static_cast<State*>(ctx);
        std::memcpy(out, st->seed, std::min(len, sizeof st->seed));
        return len <= sizeof st->seed ? 0 : -1;
    }
};

Rng::Rng() : s_(std::make_unique<State>()) { reseed(""); }
Rng::~Rng() = default;

void Rng::reseed(std::string_view material) {
    const std::string text = std::string("mt3620-emu Pluton RNG") + '\0' + std::string(material);
    mbedtls_sha512(reinterpret_cast<const unsigned char*>(text.data()), text.size(), s_->seed, 0);
    mbedtls_ctr_drbg_free(&s_->drbg);
    mbedtls_ctr_drbg_init(&s_->drbg);
    if (mbedtls_ctr_drbg_seed(&s_->drbg, State::entropy, s_.get(), nullptr, 0) != 0)
        throw std::runtime_error("Pluton RNG: mbedtls_ctr_drbg_seed failed");
    // Deterministic by design: never ask the entropy source again (it would repeat the seed).
    mbedtls_ctr_drbg_set_reseed_interval(&s_->drbg, INT_MAX);
}

void Rng::fill(std::span<std::uint8_t> out) {
    while (!out.empty()) {
        const std::size_t n = std::min<std::size_t>(out.size(), MBEDTLS_CTR_DRBG_MAX_REQUEST);
        if (mbedtls_ctr_drbg_random(&s_->drbg, out.data(), n) != 0) throw std::runtime_error("Pluton RNG failed");
        out = out.subspan(n);
    }
}

}  // namespace mt3620::pluton
