#pragma once
// The MT3620's hardware firewalls assign each peripheral to one core (reference section 5).
// Every peripheral access is checked here before it reaches a model. Until manifests fill the
// rules, a peripheral is owned by every core; per-core blocks are owned by their own core.
#include <cstdint>
#include <map>
#include <string>

#include "machine/CoreId.h"

namespace mt3620 {

class Firewall {
public:
    /// Owners of the peripheral named `name` (e.g. "ISU0"); every core unless restricted.
    std::uint32_t owners(const std::string& name) const {
        auto it = owners_.find(name);
        return it == owners_.end() ? kAllCores : it->second;
    }
    void assign(const std::string& name, std::uint32_t core_mask) { owners_[name] = core_mask; }

private:
    std::map<std::string, std::uint32_t> owners_;
};

}  // namespace mt3620
