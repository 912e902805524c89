#pragma once
// The Pluton block's random number generator as the OS hands it out: getrandom(2) and the
// auxiliary vector's AT_RANDOM for high-level apps (issue #10 item 2, docs/security.md). An
// mbedTLS CTR_DRBG (AES-256) seeded once from seed material, so that a run is reproducible:
// the same device (or no device) and the same inputs give the same random bytes, as every
// other output of the emulator. Keys are not made from it: the device identity and signing
// keys come from PSA's generator (host entropy) or from --device-seed (Crypto.h).
//
// Seed material: "mt3620-emu Pluton RNG" and, with a device state, the device ID (so two
// devices draw different streams); choose other material with reseed().
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace mt3620::pluton {

class Rng {
public:
    Rng();  // seeded with the material of a machine without a device
    ~Rng();
    Rng(const Rng&) = delete;
    Rng& operator=(const Rng&) = delete;

    /// Starts a new stream from "mt3620-emu Pluton RNG" || material.
    void reseed(std::string_view material);
    void fill(std::span<std::uint8_t> out);

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace mt3620::pluton
