#pragma once
// JUnit XML for scenario results, in the form GitLab, GitHub (test reporters) and Jenkins read:
// one <testsuite> with one <testcase> per scenario; a failed one carries <failure message=...>
// with the failure line and the last UART lines; every testcase has the UART logs (with line
// times) as <system-out> and the machine's warnings as <system-err>.
#include <string>
#include <vector>

#include "scenario/ScenarioRunner.h"

namespace mt3620::scenario {

std::string junitXml(const std::vector<ScenarioResult>& results, const std::string& suite_name = "mt3620-emu scenarios");

/// Escapes text for XML 1.0 content or attributes; drops characters XML 1.0 cannot carry.
std::string xmlEscape(const std::string& text, bool attribute);

}  // namespace mt3620::scenario
