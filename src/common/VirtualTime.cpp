#include "common/VirtualTime.h"

#include <cctype>
#include <cstdio>

namespace mt3620 {

std::optional<Picos> parseDuration(std::string_view text) {
    std::size_t i = 0;
    unsigned __int128 whole = 0;
    bool any_digit = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
        if (whole > (unsigned __int128)1e30) return std::nullopt;
        any_digit = true;
        ++i;
    }
    // Fraction kept as an exact decimal: frac / 10^frac_digits.
    unsigned __int128 frac = 0, frac_scale = 1;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            if (frac_scale < (unsigned __int128)1e18) {
                frac = frac * 10 + static_cast<unsigned>(text[i] - '0');
                frac_scale *= 10;
            }
            any_digit = true;
            ++i;
        }
    }
    if (!any_digit) return std::nullopt;
    std::string_view unit = text.substr(i);
    Picos scale = 0;
    if (unit == "s") scale = kPicosPerSecond;
    else if (unit == "ms") scale = kPicosPerMilli;
    else if (unit == "us") scale = kPicosPerMicro;
    else if (unit == "ns") scale = kPicosPerNano;
    else if (unit == "ps") scale = 1;
    else if (unit == "min") scale = 60 * kPicosPerSecond;
    else return std::nullopt;
    unsigned __int128 total = whole * scale + frac * scale / frac_scale;
    if (total >= kNever) return std::nullopt;
    return static_cast<Picos>(total);
}

std::string formatSeconds(Picos t) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%llu.%06llu s",
                  static_cast<unsigned long long>(t / kPicosPerSecond),
                  static_cast<unsigned long long>((t % kPicosPerSecond) / kPicosPerMicro));
    return buf;
}

}  // namespace mt3620
