#pragma once
// The device types a board file may use, keyed by their `type:` name. Each type is one device
// class that provides, next to its constructor:
//
//   using Spec = XxxSpec;                                   // its entry in DeviceSpec
//   static constexpr std::string_view kType = "xxx";        // its `type:` name
//   static Spec parse(FieldReader& fields);                 // its fields (name/type are read)
//   static std::vector<ResourceClaim> claims(const Spec&);  // pads and keys it occupies
//   Xxx(const Spec&, BoardWiring&);                         // the live device
//
// and is registered with one line in DeviceRegistry.cpp. BoardFile and Board know no type.
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "board/BoardDescription.h"
#include "board/BoardDevice.h"
#include "board/FieldReader.h"

namespace mt3620 {

struct DeviceType {
    std::string_view name;
    std::size_t spec_index;  // which DeviceSpec alternative it parses into
    DeviceSpec (*parse)(FieldReader& fields);
    std::vector<ResourceClaim> (*claims)(const DeviceSpec& spec);
    std::unique_ptr<BoardDevice> (*build)(const DeviceSpec& spec, BoardWiring& wiring);

    /// The entry for a device class written as described above.
    template <class Device>
    static DeviceType of() {
        using Spec = typename Device::Spec;
        return DeviceType{
            Device::kType,
            DeviceSpec(std::in_place_type<Spec>).index(),
            [](FieldReader& fields) -> DeviceSpec { return Device::parse(fields); },
            [](const DeviceSpec& spec) { return Device::claims(std::get<Spec>(spec)); },
            [](const DeviceSpec& spec, BoardWiring& wiring) -> std::unique_ptr<BoardDevice> {
                return std::make_unique<Device>(std::get<Spec>(spec), wiring);
            },
        };
    }
};

/// Every registered type, sorted by name.
const std::vector<DeviceType>& deviceTypes();
/// The type called `name`, or null.
const DeviceType* findDeviceType(std::string_view name);
/// The type that produced `spec`.
const DeviceType& deviceTypeOf(const DeviceSpec& spec);

}  // namespace mt3620
