// libFuzzer target: Linux ARM executables for the A7 (ElfFile::parseLinux, the Linux loading
// rules, and loading into a real address space with the initial stack).
#include <spdlog/sinks/null_sink.h>

#include <cstdint>
#include <vector>

#include "cpu/CortexA7.h"
#include "machine/Scheduler.h"
#include "os/GuestFs.h"
#include "os/GuestMemory.h"
#include "os/LinuxElfLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mt3620;
    static Scheduler scheduler;
    static Log log(std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>()));
    try {
        ElfFile elf = ElfFile::parseLinux("fuzz.elf", std::vector<std::uint8_t>(data, data + size));
        CortexA7 core(scheduler, log);
        os::GuestMemory mem(core.engine());
        os::GuestFs fs;  // empty root: a PT_INTERP is refused with a message
        os::LoadRequest req;
        req.guest_path = "/mnt/apps/fuzz/app";
        req.argv = {req.guest_path};
        os::loadLinuxProgram(mem, fs, elf, req);
    } catch (const ImageError&) {
        // Rejected with a message: the expected outcome for bad input.
    }
    return 0;
}
