#pragma once
// The payload of an application image package: the app's files (bin/app, app_manifest.json,
// anything else the app ships). Azure Sphere uses its own read-only ASXipFS filesystem, whose
// layout is not public; the emulator uses this small documented archive instead
// (docs/image-packages.md, "Payload"):
//
//   magic "MTFS" | u32 version (1) | u32 file count | files...
//   file: u16 path length | path (UTF-8, relative, '/'-separated) | u32 size | data
//
// Paths are unique, sorted, made of [A-Za-z0-9._-] components, never "." or "..". All integers
// are little-endian. parse() rejects anything else with the offset and the reason.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace mt3620 {

class AppArchive {
public:
    void add(const std::string& path, std::vector<std::uint8_t> data);
    /// Adds every regular file under `dir` (recursively), with paths relative to it.
    void addDirectory(const std::string& dir);

    const std::vector<std::uint8_t>* find(const std::string& path) const;
    const std::map<std::string, std::vector<std::uint8_t>>& files() const { return files_; }

    std::vector<std::uint8_t> serialize() const;
    /// `name` prefixes error messages (e.g. "app.imagepackage: payload").
    static AppArchive parse(const std::string& name, std::span<const std::uint8_t> bytes);

    /// Empty if `path` is acceptable, else the reason.
    static std::string checkPath(const std::string& path);

private:
    std::map<std::string, std::vector<std::uint8_t>> files_;
};

}  // namespace mt3620
