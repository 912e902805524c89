#pragma once
// Typed, checked access to one YAML map of a board file (the top level, a device, or a nested
// map such as a device's `source`). Every error it raises is a BoardError that names the file,
// the line of the offending field and the device. It remembers which fields were asked for, so
// finish() can refuse the ones nobody knows (usually a typo) and list the known ones.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/VirtualTime.h"

namespace mt3620 {

/// Where a map sits: the file, the folder relative paths resolve against, and the device.
struct BoardFileContext {
    std::string file;                // as shown in messages
    std::filesystem::path base_dir;  // the board file's folder
    std::string device;              // "device 'LED1-red'", or empty at the top level

    /// Throws the BoardError "file:line: device 'X': reason" (line is 1-based; 0 omits it).
    [[noreturn]] void fail(int line, const std::string& reason) const;
};

/// 1-based line of a node, or 0 if it has none (a node that is not in the document).
int lineOf(const YAML::Node& node);

class FieldReader {
public:
    /// `map` must be a YAML map; `where` names it in messages ("device", "source.sine").
    /// Refuses a key given twice.
    FieldReader(const YAML::Node& map, BoardFileContext context, std::string where, int line);

    const BoardFileContext& context() const { return context_; }
    /// Renames the device in messages, once its name is known.
    void setDevice(std::string device) { context_.device = std::move(device); }
    int line() const { return line_; }
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /// Line of a field (its key), or of the map if the field is absent.
    int lineOf(std::string_view key) const;

    // Each accessor marks the field as known. The required ones fail if it is missing.
    YAML::Node node(std::string_view key);
    std::optional<YAML::Node> optionalNode(std::string_view key);
    std::string string(std::string_view key);
    std::optional<std::string> optionalString(std::string_view key);
    long long integer(std::string_view key);
    std::optional<long long> optionalInteger(std::string_view key);
    /// A whole number in [0, last]; otherwise "pin 120 is out of range (GPIO 0-93)", where
    /// `range` is the text in parentheses.
    unsigned index(std::string_view key, unsigned last, std::string_view range);
    unsigned index(std::string_view key, unsigned last, std::string_view range, unsigned default_value);
    double number(std::string_view key);
    /// A level written `high` or `low`; true for high.
    bool level(std::string_view key, bool default_high);
    /// A duration with a unit ("500ms", "2s"), longer than zero.
    Picos period(std::string_view key);
    /// A nested map.
    FieldReader map(std::string_view key);

    /// The map's only key (for a choice such as `source: {sine: ...}`); fails unless there is
    /// exactly one. `what` names the choices in the message.
    std::string onlyKey(std::string_view what);

    /// Fails for a field no accessor asked for.
    void finish() const;

    [[noreturn]] void fail(std::string_view key, const std::string& reason) const;
    [[noreturn]] void failHere(const std::string& reason) const { context_.fail(line_, reason); }

    /// The name the field is known by in messages: "period" or "source.sine.period".
    std::string fieldName(std::string_view key) const;

private:
    struct Field {
        std::string key;
        YAML::Node value;
        int line;
        mutable bool known = false;
    };
    const Field* find(std::string_view key) const;
    const Field& required(std::string_view key);
    std::string scalarText(const Field& f, std::string_view expected) const;

    BoardFileContext context_;
    std::string where_;
    int line_;
    std::vector<Field> fields_;
    std::vector<std::string> asked_;  // every field an accessor asked for: the known ones
};

}  // namespace mt3620
