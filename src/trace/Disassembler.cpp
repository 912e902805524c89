#include "trace/Disassembler.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

namespace mt3620 {

Disassembler::Disassembler(Mode mode) {
    csh h = 0;
    cs_mode m = mode == Mode::Thumb ? cs_mode(CS_MODE_THUMB | CS_MODE_MCLASS) : CS_MODE_ARM;
    ok_ = cs_open(CS_ARCH_ARM, m, &h) == CS_ERR_OK;
    handle_ = h;
}

Disassembler::~Disassembler() {
    if (ok_) {
        csh h = handle_;
        cs_close(&h);
    }
}

std::vector<std::string> Disassembler::lines(const std::uint8_t* code, std::size_t size,
                                             std::uint32_t address, std::size_t max) const {
    std::vector<std::string> out;
    if (!ok_ || !code || size == 0) return out;
    cs_insn* insn = nullptr;
    std::size_t n = cs_disasm(handle_, code, size, address, max, &insn);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(fmt::format("{:#010x}: {} {}", insn[i].address, insn[i].mnemonic, insn[i].op_str));
    if (n) cs_free(insn, n);
    if (n == 0) out.push_back(fmt::format("{:#010x}: <cannot disassemble>", address));
    return out;
}

}  // namespace mt3620
