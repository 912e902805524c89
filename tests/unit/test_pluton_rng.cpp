// The Pluton RNG (pluton/Rng.h) behind getrandom and AT_RANDOM: reproducible for the same seed
// material, different for different devices, and a stream (no two draws alike).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "pluton/Rng.h"

using mt3620::pluton::Rng;

namespace {
std::vector<std::uint8_t> draw(Rng& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    rng.fill(out);
    return out;
}
}  // namespace

TEST(PlutonRng, SameMaterialSameStream) {
    Rng a, b;
    EXPECT_EQ(draw(a, 100), draw(b, 100));
    a.reseed("DEVICE-1");
    b.reseed("DEVICE-1");
    EXPECT_EQ(draw(a, 5000), draw(b, 5000));  // longer than one DRBG request (1024 bytes)
}

TEST(PlutonRng, OtherDeviceOtherStream) {
    Rng a, b;
    a.reseed("DEVICE-1");
    b.reseed("DEVICE-2");
    EXPECT_NE(draw(a, 32), draw(b, 32));
    Rng none;
    a.reseed("DEVICE-1");
    EXPECT_NE(draw(a, 32), draw(none, 32));
}

TEST(PlutonRng, DrawsDoNotRepeatAndLookRandom) {
    Rng rng;
    auto first = draw(rng, 4096), second = draw(rng, 4096);
    EXPECT_NE(first, second);
    std::array<int, 256> counts{};
    for (auto b : first) ++counts[b];
    for (int c : counts) EXPECT_LT(c, 64) << "a byte value far more often than 16 times in 4096";
    // A reseed with the same material starts the stream again.
    rng.reseed("");
    EXPECT_EQ(draw(rng, 4096), first);
}
