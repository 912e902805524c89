#pragma once
// A fresh installation data directory (XDG_DATA_HOME) and device directory per test, so tests
// that create keys, CAs and devices never touch the user's real state or each other's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace pluton_test {

inline std::filesystem::path freshDir(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path dir = std::filesystem::path(TEST_TMP_DIR) / "pluton" /
                                (std::string(info->test_suite_name()) + "." + info->name()) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

/// Points XDG_DATA_HOME at a fresh directory for the current test.
inline std::filesystem::path freshDataHome() {
    auto dir = freshDir("home");
    ::setenv("XDG_DATA_HOME", dir.c_str(), 1);
    return dir;
}

}  // namespace pluton_test
