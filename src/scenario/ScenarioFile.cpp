#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "board/BoardError.h"
#include "board/BoardFile.h"
#include "board/FieldReader.h"
#include "image/AppManifest.h"
#include "image/ElfFile.h"
#include "os/HlAppPackage.h"
#include "os/LinuxElfLoader.h"
#include "scenario/Scenario.h"
#include "scenario/Steps.h"

namespace mt3620::scenario {

Scenario::Scenario() = default;
Scenario::~Scenario() = default;
Scenario::Scenario(Scenario&&) noexcept = default;
Scenario& Scenario::operator=(Scenario&&) noexcept = default;

bool Scenario::hasCore(CoreId id) const {
    for (const CoreImage& c : cores)
        if (c.core == id) return true;
    return false;
}

std::string Scenario::stem() const { return std::filesystem::path(file).stem().string(); }

std::string formatDuration(Picos t) {
    struct Unit {
        Picos scale;
        const char* name;
    };
    static constexpr Unit kUnits[] = {{kPicosPerSecond, "s"}, {kPicosPerMilli, "ms"}, {kPicosPerMicro, "us"},
                                      {kPicosPerNano, "ns"}, {1, "ps"}};
    if (t == 0) return "0s";
    for (const Unit& u : kUnits)
        if (t % u.scale == 0) return fmt::format("{}{}", t / u.scale, u.name);
    // Not a whole number of any unit above ps: the largest unit it reaches, with decimals.
    for (const Unit& u : kUnits)
        if (t >= u.scale) return fmt::format("{:g}{}", static_cast<double>(t) / static_cast<double>(u.scale), u.name);
    return fmt::format("{}ps", t);
}

namespace {

/// Substitutes ${NAME} from the options' variables, then the environment.
std::string substitute(const std::string& text, const ParseOptions& options, const BoardFileContext& ctx, int line) {
    std::string out;
    std::size_t p = 0;
    while (p < text.size()) {
        std::size_t open = text.find("${", p);
        if (open == std::string::npos) {
            out += text.substr(p);
            break;
        }
        std::size_t close = text.find('}', open);
        if (close == std::string::npos) ctx.fail(line, fmt::format("unterminated '${{' in '{}'", text));
        out += text.substr(p, open - p);
        std::string name = text.substr(open + 2, close - open - 2);
        if (auto it = options.variables.find(name); it != options.variables.end()) {
            out += it->second;
        } else if (const char* env = std::getenv(name.c_str()); env && *env) {
            out += env;
        } else {
            ctx.fail(line, fmt::format("'{}' uses ${{{}}}, which is not set (set it in the environment{})", text, name,
                                       name == "FIRMWARE_DIR" ? " or with --firmware-dir" : " or with --var " + name + "=..."));
        }
        p = close + 1;
    }
    return out;
}

/// `cores.a7`: the A7's high-level app, `a7: PATH` or a map with `app` (an app directory or an
/// ELF) and optionally `manifest`, `args`, `env`, `storage` and `network`.
template <class ResolvePath>
CoreImage parseHlApp(FieldReader& cores, const BoardFileContext& ctx, const ParseOptions& options,
                     const ResolvePath& resolvePath) {
    CoreImage img;
    img.core = CoreId::A7;
    img.line = cores.lineOf("a7");
    YAML::Node node = cores.node("a7");
    auto strings = [&](FieldReader& f, std::string_view key) {
        std::vector<std::string> out;
        auto n = f.optionalNode(key);
        if (!n) return out;
        if (!n->IsSequence()) f.fail(key, fmt::format("{} must be a list such as [a, b]", f.fieldName(key)));
        for (const YAML::Node& item : *n) {
            if (!item.IsScalar()) f.fail(key, fmt::format("{} must be a list of plain values", f.fieldName(key)));
            out.push_back(item.Scalar());
        }
        return out;
    };
    if (node.IsScalar()) {
        img.path = resolvePath(node.Scalar(), img.line);
    } else if (node.IsMap()) {
        FieldReader a7(node, ctx, "cores.a7", lineOf(node) ? lineOf(node) : img.line);
        img.path = resolvePath(a7.string("app"), a7.lineOf("app"));
        if (auto m = a7.optionalString("manifest")) img.manifest = resolvePath(*m, a7.lineOf("manifest"));
        img.args = strings(a7, "args");
        img.env = strings(a7, "env");
        for (const std::string& e : img.env)
            if (e.find('=') == std::string::npos || e.front() == '=')
                a7.fail("env", fmt::format("cores.a7.env: '{}' must be NAME=VALUE", e));
        if (auto net = a7.optionalString("network")) {
            if (*net != "true" && *net != "false")
                a7.fail("network", fmt::format("cores.a7.network must be true or false, not '{}'", *net));
            img.network = *net == "true";
        }
        if (auto st = a7.optionalString("storage")) {
            if (*st == "temporary") img.temporary_storage = true;
            else img.storage_dir = resolvePath(*st, a7.lineOf("storage"));
        }
        a7.finish();
    } else {
        cores.fail("a7", "cores.a7 must be a high-level app (an app directory or ELF), or a map with app, manifest, "
                         "args, env, storage and network");
    }
    if (options.load_images) {
        std::error_code ec;
        if (!std::filesystem::exists(img.path, ec))
            cores.fail("a7", fmt::format("a7 app '{}' does not exist", img.path));
        try {
            // The checks the OS makes before it starts an app: the manifest, its EntryPoint, and
            // an executable the A7's Linux can run.
            const mt3620::os::HlAppPackage pkg = mt3620::os::resolveHlApp(img.path, img.manifest, img.args, img.env);
            mt3620::os::checkLinuxExecutable(ElfFile::parseLinux(pkg.spec.elf_path, readFileBytes(pkg.spec.elf_path)));
        } catch (const std::exception& e) {
            cores.fail("a7", fmt::format("a7 app: {}", e.what()));
        }
    }
    return img;
}

}  // namespace

Scenario ScenarioFile::load(const std::string& path, const ParseOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(fmt::format("{}: cannot read scenario file: {}", path, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    return parse(path, text.str(), std::filesystem::path(path).parent_path(), options);
}

Scenario ScenarioFile::parse(const std::string& name, const std::string& text, const std::filesystem::path& base_dir,
                             const ParseOptions& options) {
    // FieldReader and BoardFile speak BoardError; a scenario's messages have the same form.
    try {
        BoardFileContext ctx{name, base_dir, ""};
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            ctx.fail(e.mark.line < 0 ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
        }
        if (!root || root.IsNull()) ctx.fail(0, "the scenario file is empty");

        auto resolvePath = [&](const std::string& raw, int line) {
            std::filesystem::path p(substitute(raw, options, ctx, line));
            if (p.is_relative() && !base_dir.empty()) p = base_dir / p;
            return p.lexically_normal().string();
        };

        FieldReader top(root, ctx, "", lineOf(root));
        Scenario s;
        s.file = name;
        s.name = top.optionalString("name").value_or(std::filesystem::path(name).stem().string());
        s.description = top.optionalString("description").value_or("");

        // The board: built in by default, `none` for the bare chip, or a board file.
        std::string board = top.optionalString("board").value_or(options.default_board_name);
        try {
            if (board == "none") {
                s.board.reset();
            } else if (board == options.default_board_name) {
                if (options.default_board_yaml.empty())
                    top.fail("board", fmt::format("board '{}': no built-in board text given", board));
                s.board_name = options.default_board_name + " (built in)";
                s.board_yaml = options.default_board_yaml;
                s.board = BoardFile::parse(s.board_name, s.board_yaml);
            } else {
                s.board_file = resolvePath(board, top.lineOf("board"));
                s.board = BoardFile::load(s.board_file);
            }
        } catch (const BoardError& e) {
            if (std::string_view(e.what()).starts_with(name + ":")) throw;
            top.fail("board", fmt::format("board: {}", e.what()));
        }

        // The images.
        FieldReader cores = top.map("cores");
        for (const char* core_name : {"m4-0", "m4-1"}) {
            auto node = cores.optionalNode(core_name);
            if (!node) continue;
            CoreImage img;
            img.core = *parseCoreName(core_name);
            img.line = cores.lineOf(core_name);
            if (node->IsMap()) {
                // {image: ELF, manifest: app_manifest.json}: the RTApp's component ID and
                // peripherals, as the OS loads it (firewall, inter-core connections).
                FieldReader m4(*node, ctx, std::string("cores.") + core_name, lineOf(*node) ? lineOf(*node) : img.line);
                img.path = resolvePath(m4.string("image"), m4.lineOf("image"));
                if (auto m = m4.optionalString("manifest")) {
                    img.manifest = resolvePath(*m, m4.lineOf("manifest"));
                    if (options.load_images) {
                        try {
                            AppManifest::load(img.manifest);
                        } catch (const std::exception& e) {
                            m4.fail("manifest", fmt::format("{} manifest: {}", core_name, e.what()));
                        }
                    }
                }
                m4.finish();
            } else {
                img.path = resolvePath(cores.string(core_name), img.line);
            }
            if (options.load_images) {
                std::error_code ec;
                if (!std::filesystem::exists(img.path, ec))
                    cores.fail(core_name, fmt::format("{} image '{}' does not exist", core_name, img.path));
                try {
                    img.image = RtAppImage::load(img.path);
                } catch (const std::exception& e) {
                    cores.fail(core_name, fmt::format("{} image: {}", core_name, e.what()));
                }
            }
            s.cores.push_back(std::move(img));
        }
        if (cores.has("a7")) s.cores.push_back(parseHlApp(cores, ctx, options, resolvePath));
        cores.finish();
        if (s.cores.empty()) top.fail("cores", "cores must give an image for m4-0, m4-1 and/or a7");

        if (top.has("timeout")) s.timeout = top.period("timeout");
        else {
            top.optionalString("timeout");
            s.timeout = kDefaultTimeout;
        }

        YAML::Node steps = top.node("steps");
        top.finish();
        if (!steps.IsSequence() || steps.size() == 0)
            top.fail("steps", "steps must be a non-empty list, each step starting with '- '");

        StepParseContext pc{ctx, s, options, resolvePath};
        int i = 0;
        for (const YAML::Node& node : steps) s.steps.push_back(parseStep(node, pc, "", ++i));
        return s;
    } catch (const BoardError& e) {
        throw ScenarioError(e.what());
    }
}

}  // namespace mt3620::scenario
