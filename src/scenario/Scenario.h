#pragma once
// Scenario files (docs/scenarios.md): a firmware test written as data. A scenario names a
// board, the images for the M4 cores and the A7's high-level app, a virtual-time timeout and ordered steps (wait for serial
// output, press a button, check a pin, a PWM channel, a register, a fault...). ScenarioFile reads
// and checks one; ScenarioRunner runs it on a fresh Machine.
//
// Everything that can be checked without running is checked when the file is read (unknown
// step, unknown UART, LED, button or pin, malformed duration, missing image, YAML syntax), and
// a refused file raises a ScenarioError whose one-line message is "file:line: reason".
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "board/BoardDescription.h"
#include "common/VirtualTime.h"
#include "image/RtAppImage.h"
#include "machine/CoreId.h"

namespace mt3620::scenario {

class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Step;

/// One image on one core: an RTApp on an M4, or a high-level app on the A7.
struct CoreImage {
    CoreId core = CoreId::M4_0;
    std::string path;                  // resolved: variables substituted, relative to the file
    std::optional<RtAppImage> image;   // M4: loaded when the file is read (unless load_images is off)
    int line = 0;
    std::string manifest;              // the app's manifest; empty: none (M4) or the app directory's (A7)
    // A7 only: how the emulated OS starts the app (Machine::HlAppOptions).
    std::vector<std::string> args;     // after the manifest's CmdArgs
    std::vector<std::string> env;      // NAME=VALUE
    std::string storage_dir;           // empty: no mutable storage
    bool temporary_storage = false;    // `storage: temporary`: a fresh empty folder for each run
    bool network = false;              // `network: true`: host sockets (docs/networking.md), not deterministic
};

struct Scenario {
    Scenario();
    ~Scenario();
    Scenario(Scenario&&) noexcept;
    Scenario& operator=(Scenario&&) noexcept;

    std::string file;  // as given on the command line (messages, JUnit)
    std::string name;  // `name:`, or the file's stem
    std::string description;
    std::optional<BoardDescription> board;  // nullopt: the bare chip (`board: none`)
    /// Where the board comes from, for the machine the runner builds: a board file (resolved
    /// path), or else YAML text (the built-in board) named `board_name` in messages.
    std::string board_file;
    std::string board_yaml;
    std::string board_name;
    std::vector<CoreImage> cores;
    Picos timeout = 0;
    std::vector<std::unique_ptr<Step>> steps;

    bool hasCore(CoreId id) const;
    /// Stable scenario key for JUnit classname: the file's stem.
    std::string stem() const;
};

/// What reading a scenario needs besides its text.
struct ParseOptions {
    /// The board used when the file names none (or names it): the CLI's built-in RDB.
    std::string default_board_name = "mt3620-rdb";
    std::string default_board_yaml;
    /// ${NAME} substitutions in paths; looked up here first, then in the environment.
    std::map<std::string, std::string> variables;
    /// Load and check the ELF images (off only in tests that parse without firmware).
    bool load_images = true;
};

class ScenarioFile {
public:
    /// Default virtual-time limit for a scenario that gives no `timeout`.
    static constexpr Picos kDefaultTimeout = 10 * kPicosPerSecond;

    static Scenario load(const std::string& path, const ParseOptions& options);
    /// `name` is the file as messages show it; relative paths resolve against `base_dir`.
    static Scenario parse(const std::string& name, const std::string& text, const std::filesystem::path& base_dir,
                          const ParseOptions& options);
};

/// "500ms", "1s", "1.5s", "250us": the shortest exact way to write a duration.
std::string formatDuration(Picos t);

}  // namespace mt3620::scenario
