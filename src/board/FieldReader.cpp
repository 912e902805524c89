#include "board/FieldReader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "board/BoardError.h"

namespace mt3620 {

void BoardFileContext::fail(int line, const std::string& reason) const {
    std::string msg = file;
    if (line > 0) msg += fmt::format(":{}", line);
    msg += ": ";
    if (!device.empty()) msg += device + ": ";
    msg += reason;
    throw BoardError(msg);
}

int lineOf(const YAML::Node& node) {
    // Nodes that are not in the document carry Mark::null_mark(), whose line is -1.
    int line = node.Mark().line;
    return line < 0 ? 0 : line + 1;
}

FieldReader::FieldReader(const YAML::Node& map, BoardFileContext context, std::string where, int line)
    : context_(std::move(context)), where_(std::move(where)), line_(line) {
    if (!map.IsMap()) {
        std::string what = where_.empty() ? (context_.device.empty() ? "the file" : "the device entry")
                                          : "'" + where_ + "'";
        context_.fail(line_, what + " must be a map of 'key: value' fields");
    }
    for (auto it = map.begin(); it != map.end(); ++it) {
        int key_line = mt3620::lineOf(it->first);
        if (!it->first.IsScalar()) context_.fail(key_line, "field names must be plain words");
        std::string key = it->first.Scalar();
        // yaml-cpp 0.7 keeps both copies of a repeated key; which one wins would be a surprise.
        if (const Field* first = find(key))
            context_.fail(key_line, fmt::format("{} '{}' is given twice (first on line {})",
                                                context_.device.empty() && where_.empty() ? "top-level key" : "field",
                                                fieldName(key), first->line));
        fields_.push_back(Field{key, it->second, key_line ? key_line : line_});
    }
}

std::string FieldReader::fieldName(std::string_view key) const {
    return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

const FieldReader::Field* FieldReader::find(std::string_view key) const {
    for (const Field& f : fields_)
        if (f.key == key) return &f;
    return nullptr;
}

int FieldReader::lineOf(std::string_view key) const {
    const Field* f = find(key);
    return f ? f->line : line_;
}

void FieldReader::fail(std::string_view key, const std::string& reason) const {
    context_.fail(lineOf(key), reason);
}

const FieldReader::Field& FieldReader::required(std::string_view key) {
    asked_.emplace_back(key);
    const Field* f = find(key);
    if (!f) {
        bool top = context_.device.empty() && where_.empty();
        failHere(fmt::format("missing required {} '{}'", top ? "top-level key" : "field", fieldName(key)));
    }
    f->known = true;
    return *f;
}

std::string FieldReader::scalarText(const Field& f, std::string_view expected) const {
    if (!f.value.IsScalar())
        context_.fail(f.line, fmt::format("{} must be {}", fieldName(f.key), expected));
    return f.value.Scalar();
}

YAML::Node FieldReader::node(std::string_view key) { return required(key).value; }

std::optional<YAML::Node> FieldReader::optionalNode(std::string_view key) {
    if (!has(key)) {
        asked_.emplace_back(key);
        return std::nullopt;
    }
    return node(key);
}

std::string FieldReader::string(std::string_view key) {
    const Field& f = required(key);
    std::string text = scalarText(f, "a text");
    if (text.empty()) context_.fail(f.line, fmt::format("{} must not be empty", fieldName(key)));
    return text;
}

std::optional<std::string> FieldReader::optionalString(std::string_view key) {
    if (!has(key)) {
        asked_.emplace_back(key);
        return std::nullopt;
    }
    return string(key);
}

long long FieldReader::integer(std::string_view key) {
    const Field& f = required(key);
    std::string text = scalarText(f, "a whole number");
    try {
        return f.value.as<long long>();
    } catch (const YAML::Exception&) {
        context_.fail(f.line, fmt::format("{} must be a whole number, not '{}'", fieldName(key), text));
    }
}

std::optional<long long> FieldReader::optionalInteger(std::string_view key) {
    if (!has(key)) {
        asked_.emplace_back(key);
        return std::nullopt;
    }
    return integer(key);
}

unsigned FieldReader::index(std::string_view key, unsigned last, std::string_view range) {
    long long value = integer(key);
    if (value < 0 || value > static_cast<long long>(last))
        fail(key, fmt::format("{} {} is out of range ({})", fieldName(key), value, range));
    return static_cast<unsigned>(value);
}

unsigned FieldReader::index(std::string_view key, unsigned last, std::string_view range, unsigned default_value) {
    if (!has(key)) {
        asked_.emplace_back(key);
        return default_value;
    }
    return index(key, last, range);
}

double FieldReader::number(std::string_view key) {
    const Field& f = required(key);
    std::string text = scalarText(f, "a number");
    double value = 0;
    try {
        value = f.value.as<double>();
    } catch (const YAML::Exception&) {
        context_.fail(f.line, fmt::format("{} must be a number, not '{}'", fieldName(key), text));
    }
    if (!std::isfinite(value))
        context_.fail(f.line, fmt::format("{} must be a finite number, not '{}'", fieldName(key), text));
    return value;
}

bool FieldReader::level(std::string_view key, bool default_high) {
    if (!has(key)) {
        asked_.emplace_back(key);
        return default_high;
    }
    const Field& f = required(key);
    std::string text = scalarText(f, "high or low");
    if (text == "high") return true;
    if (text == "low") return false;
    context_.fail(f.line, fmt::format("{} must be high or low, not '{}'", fieldName(key), text));
}

Picos FieldReader::period(std::string_view key) {
    const Field& f = required(key);
    std::string text = scalarText(f, "a duration");
    std::optional<Picos> t = parseDuration(text);
    if (!t)
        context_.fail(f.line, fmt::format("{} '{}' is not a duration (a number and a unit: s, ms, us, "
                                          "ns or ps, such as 500ms)",
                                          fieldName(key), text));
    if (*t == 0) context_.fail(f.line, fmt::format("{} must be longer than 0", fieldName(key)));
    return *t;
}

FieldReader FieldReader::map(std::string_view key) {
    const Field& f = required(key);
    return FieldReader(f.value, context_, fieldName(key), f.line);
}

std::string FieldReader::onlyKey(std::string_view what) {
    if (fields_.size() != 1)
        failHere(fmt::format("{} must name exactly one of: {}", where_.empty() ? "the map" : where_, what));
    return fields_.front().key;
}

void FieldReader::finish() const {
    for (const Field& f : fields_) {
        if (f.known) continue;
        std::vector<std::string> known = asked_;
        std::sort(known.begin(), known.end());
        known.erase(std::unique(known.begin(), known.end()), known.end());
        bool top = context_.device.empty() && where_.empty();
        context_.fail(f.line, fmt::format("unknown {} '{}' (known: {})", top ? "top-level key" : "field",
                                          fieldName(f.key), fmt::join(known, ", ")));
    }
}

}  // namespace mt3620
