// The MT3620 reference board built into the binary (generated from boards/mt3620-rdb.yaml), so
// `run`, the embedding API and the scenario runner work without a board file.
#include "DefaultBoard.h"
#include "board/BoardFile.h"

namespace mt3620 {

BoardDescription BoardFile::loadOrBuiltIn(const std::string& path) {
    return path.empty() ? parse(cli::kDefaultBoardName, cli::kDefaultBoardYaml) : load(path);
}

}  // namespace mt3620
