#pragma once
// `mt3620-emu image`: show and build Azure Sphere image packages (docs/image-packages.md).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace mt3620::cli {

struct ImageOptions {
    std::string file;             // show
    std::string manifest;         // pack-*
    std::string input_dir;        // pack-application
    std::string elf;              // pack-rtapp
    std::string output;
    std::uint32_t version = 1;    // the 'RV' section (anti-rollback)
    std::string key;              // signing key state file; empty: the developer key
    std::string key_seed;         // create the signing key from this seed if it does not exist
    bool unsigned_package = false;
    std::uint32_t abi_version = 1;
    CLI::App* show = nullptr;
    CLI::App* pack_application = nullptr;
    CLI::App* pack_rtapp = nullptr;
};

void addImageOptions(CLI::App& cmd, ImageOptions& opts);
int imageCommand(const ImageOptions& opts);

}  // namespace mt3620::cli
