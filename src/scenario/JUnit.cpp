#include "scenario/JUnit.h"

#include <fmt/format.h>

namespace mt3620::scenario {

std::string xmlEscape(const std::string& text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '&': out += "&amp;"; continue;
            case '<': out += "&lt;"; continue;
            case '>': out += "&gt;"; continue;
            case '"': out += attribute ? "&quot;" : "\""; continue;
            case '\n': out += attribute ? "&#10;" : "\n"; continue;
            case '\t': out += attribute ? "&#9;" : "\t"; continue;
            case '\r': continue;  // CRLF from the UARTs: keep the LF
            default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);  // not representable in XML 1.0
            continue;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            continue;
        }
        // Copy valid UTF-8 sequences; replace stray bytes, so the file stays well-formed.
        std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        bool ok = len > 0 && i + len <= text.size();
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (ok) {
            out.append(text, i, len);
            i += len - 1;
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    return out;
}

std::string junitXml(const std::vector<ScenarioResult>& results, const std::string& suite_name) {
    std::size_t failures = 0;
    double total = 0;
    for (const ScenarioResult& r : results) {
        failures += r.passed ? 0 : 1;
        total += r.host_seconds;
    }
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     xmlEscape(suite_name, true), results.size(), failures, total);
    x += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3f}\">\n",
                     xmlEscape(suite_name, true), results.size(), failures, total);
    for (const ScenarioResult& r : results) {
        x += fmt::format("    <testcase name=\"{}\" classname=\"scenarios.{}\" file=\"{}\" time=\"{:.3f}\">\n",
                         xmlEscape(r.name, true), xmlEscape(r.stem, true), xmlEscape(r.file, true), r.host_seconds);
        x += fmt::format("      <properties><property name=\"virtual-time\" value=\"{}\"/></properties>\n",
                         xmlEscape(formatSeconds(r.virtual_time), true));
        if (!r.passed) {
            std::string body = r.failure + "\n";
            for (const UartLog& u : r.uarts) body += fmt::format("  {}, last lines:\n{}", u.name, ScenarioResult::tail(u, 10));
            x += fmt::format("      <failure message=\"{}\" type=\"ScenarioFailure\">{}</failure>\n",
                             xmlEscape(r.failure, true), xmlEscape(body, false));
        }
        x += fmt::format("      <system-out>{}</system-out>\n", xmlEscape(r.uartText(), false));
        if (!r.machine_log.empty())
            x += fmt::format("      <system-err>{}</system-err>\n", xmlEscape(r.machine_log, false));
        x += "    </testcase>\n";
    }
    x += "  </testsuite>\n</testsuites>\n";
    return x;
}

}  // namespace mt3620::scenario
