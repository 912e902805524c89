#pragma once
// An empty folder that lives as long as the object: made under the system's temporary folder
// (mkdtemp), removed with everything in it when the object goes. Scenario runs use one for
// `storage: temporary`.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace mt3620 {

class TemporaryDirectory {
public:
    TemporaryDirectory() = default;
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    ~TemporaryDirectory() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    /// Makes the folder ("<tmp>/<prefix>-XXXXXX") and returns its path; throws if it cannot.
    const std::string& create(const std::string& prefix) {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder: " + pattern);
        path_ = pattern;
        return path_;
    }

private:
    std::string path_;
};

}  // namespace mt3620
