#include "board/BoardFile.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "board/DeviceRegistry.h"
#include "board/FieldReader.h"

namespace mt3620 {

namespace {

std::string knownTypes() {
    std::vector<std::string_view> names;
    for (const DeviceType& t : deviceTypes()) names.push_back(t.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

/// Who holds a resource so far.
struct Holder {
    std::string device;
    int line;
    bool exclusive;
};

}  // namespace

BoardDescription BoardFile::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BoardError(fmt::format("{}: cannot read board file: {}", path, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    return parse(path, text.str(), std::filesystem::path(path).parent_path());
}

BoardDescription BoardFile::parse(std::string name, const std::string& text, std::filesystem::path base_dir) {
    BoardFileContext context{std::move(name), std::move(base_dir), ""};
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        context.fail(e.mark.line < 0 ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
    }
    if (!root || root.IsNull()) context.fail(0, "the board file is empty");

    FieldReader top(root, context, "", lineOf(root));
    BoardDescription board;
    board.file = context.file;
    board.board = top.string("board");
    board.chip = top.string("chip");
    if (board.chip != kChip)
        top.fail("chip", fmt::format("chip '{}' is not supported (only {})", board.chip, kChip));
    board.description = top.optionalString("description").value_or("");
    std::optional<YAML::Node> devices = top.optionalNode("devices");
    top.finish();
    if (!devices || devices->IsNull()) return board;  // a bare chip is a board too
    if (!devices->IsSequence())
        top.fail("devices", "devices must be a list, each device starting with '- type: ...'");

    std::map<std::string, int> names;         // device name -> line
    std::map<std::string, Holder> resources;  // "pin 12" -> who has it
    int index = 0;
    for (const YAML::Node& node : *devices) {
        ++index;
        int line = lineOf(node);
        // Name the device in messages from the start if it has a usable name.
        std::string label = fmt::format("device #{}", index);
        if (node.IsMap()) {
            const YAML::Node name = node["name"];  // const: looking up must not add the key
            if (name.IsDefined() && name.IsScalar()) label = fmt::format("device '{}'", name.Scalar());
        }
        FieldReader fields(node, BoardFileContext{context.file, context.base_dir, label}, "", line);
        std::string device = fields.string("name");
        fields.setDevice(fmt::format("device '{}'", device));
        std::string type_name = fields.string("type");
        const DeviceType* type = findDeviceType(type_name);
        if (!type)
            fields.fail("type", fmt::format("unknown device type '{}' (known: {})", type_name, knownTypes()));
        DeviceSpec spec = type->parse(fields);
        fields.finish();
        std::visit([&](DeviceSpecBase& base) { base.name = device; base.line = line; }, spec);

        if (auto [it, fresh] = names.emplace(device, line); !fresh)
            fields.fail("name", fmt::format("duplicate device name '{}' (first on line {})", device, it->second));
        for (const ResourceClaim& claim : type->claims(spec)) {
            auto [it, fresh] = resources.emplace(claim.resource, Holder{device, line, claim.exclusive});
            if (fresh) continue;
            if (claim.exclusive || it->second.exclusive)
                fields.fail(claim.field, fmt::format("{} is already used by device '{}' (line {}){}", claim.described,
                                                     it->second.device, it->second.line,
                                                     claim.resource.starts_with("pin ") ? "; only LEDs may share a pad" : ""));
        }
        board.devices.push_back(std::move(spec));
    }
    return board;
}

}  // namespace mt3620
