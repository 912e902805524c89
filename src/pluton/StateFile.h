#pragma once
// Crash-safe files for the device state (docs/security.md, "Device state").
//
// writeFileAtomic: the bytes go to a temporary file in the same directory, which is fsynced,
// renamed over the target and the directory fsynced, so a reader (or a device started after a
// SIGKILL or power cut at any moment) sees either the old file or the new one, never a mix.
//
// StateFile: the text format of every state file:
//   mt3620-emu <kind> <format version>
//   key=value            (any number, keys may repeat)
//   sha256=<hex>         (SHA-256 of every byte before this line)
// read() checks the header, the format version, the line syntax and the checksum, and throws
// StateError naming the file, the line and the reason: a corrupt file is refused, never used.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mt3620::pluton {

class StateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

void writeFileAtomic(const std::filesystem::path& path, std::span<const std::uint8_t> data);
void writeFileAtomic(const std::filesystem::path& path, const std::string& text);
/// Writes `data` under `path` only if no file of that name exists (link(2) of a synced temp
/// file); false if one does.
bool createFileAtomic(const std::filesystem::path& path, std::span<const std::uint8_t> data);
/// fsync of a directory (after creating or removing entries in it).
void syncDirectory(const std::filesystem::path& dir);
/// Creates `dir` (and parents) if missing; StateError if that fails.
void ensureDirectory(const std::filesystem::path& dir);
std::vector<std::uint8_t> readWholeFile(const std::filesystem::path& path);

class StateFile {
public:
    StateFile(std::string kind, int version) : kind_(std::move(kind)), version_(version) {}

    void add(std::string key, std::string value) { entries_.emplace_back(std::move(key), std::move(value)); }
    void set(const std::string& key, std::string value);

    /// The value of a key that appears once; nullopt if absent.
    std::optional<std::string> get(const std::string& key) const;
    /// Like get(), but StateError ("<file>: missing key 'k'") if absent.
    std::string require(const std::string& key) const;
    std::vector<std::string> all(const std::string& key) const;
    const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

    std::string text() const;
    void write(const std::filesystem::path& path) const { writeFileAtomic(path, text()); }
    /// Reads and validates `path`: its kind must be `kind` and its format version `version`.
    static StateFile read(const std::filesystem::path& path, const std::string& kind, int version);
    static StateFile parse(const std::string& name, const std::string& text, const std::string& kind, int version);

    const std::string& name() const { return name_; }
    /// A StateError naming this file.
    [[noreturn]] void fail(const std::string& why) const;

private:
    std::string kind_;
    int version_;
    std::string name_;
    std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace mt3620::pluton
