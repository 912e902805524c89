#pragma once
// Reads a board file (YAML; see docs/board-files.md) into a BoardDescription, checking
// everything that can be checked without a machine: fields, ranges, durations, CSV data, and
// that no two devices fight over a pad or a key. A refused file raises a BoardError whose
// one-line message names the file, the line and the reason:
//
//   rdb.yaml:12: device 'LED9': pin 120 is out of range (GPIO 0-93)
#include <filesystem>
#include <string>

#include "board/BoardDescription.h"
#include "board/BoardError.h"

namespace mt3620 {

class BoardFile {
public:
    /// The only chip a board file may name.
    static constexpr const char* kChip = "mt3620";

    /// Reads and parses `path`; CSV paths in it are relative to its folder.
    static BoardDescription load(const std::string& path);

    /// Parses `text`; `name` is the file name messages show, `base_dir` the folder relative
    /// paths resolve against.
    static BoardDescription parse(std::string name, const std::string& text, std::filesystem::path base_dir = {});
    /// The board file at `path`, or the built-in MT3620 reference board when `path` is empty.
    static BoardDescription loadOrBuiltIn(const std::string& path);
};

}  // namespace mt3620
