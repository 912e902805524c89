// libFuzzer target: the GDB remote protocol byte stream and command parser.
#include <cstdint>
#include <string_view>
#include <vector>

#include "gdb/GdbPacket.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mt3620::gdb::PacketReader reader;
    std::vector<mt3620::gdb::PacketReader::Event> events;
    reader.feed(std::string_view(reinterpret_cast<const char*>(data), size), events);
    for (const auto& e : events)
        if (e.kind == mt3620::gdb::PacketReader::Event::Kind::Packet) mt3620::gdb::parseCommand(e.payload);
    mt3620::gdb::parseCommand(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
