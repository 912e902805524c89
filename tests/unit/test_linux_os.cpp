// The A7's Linux personality without the cross toolchain: hand-built ARM Linux ELF files for
// the loader (refusals, the initial stack and auxv), hand-assembled programs for the syscall
// path, and the address space, filesystem and event objects on their own.
#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "cpu/CortexA7.h"
#include "machine/Machine.h"
#include "machine/Scheduler.h"
#include "os/Epoll.h"
#include "os/EventFiles.h"
#include "os/FdTable.h"
#include "os/GuestFs.h"
#include "os/GuestMemory.h"
#include "os/HlProcess.h"
#include "os/LinuxElfLoader.h"
#include "os/StreamFiles.h"

namespace mt3620::os {
namespace {

std::shared_ptr<spdlog::logger> quiet() {
    return std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
}

/// A minimal ARM Linux executable: ELF header, program headers, then `code` in one R+X PT_LOAD
/// at `vaddr` (file offset 0 mapped there, as linkers do). Options break one field at a time.
struct ElfSpec {
    std::vector<std::uint32_t> code;
    std::uint16_t type = 2;             // ET_EXEC
    std::uint32_t flags = 0x05000400;   // EABI5, hard-float
    std::uint32_t vaddr = 0x00010000;
    std::uint32_t load_offset = 0;      // p_offset of the PT_LOAD
    std::string interp;                 // PT_INTERP path, if any
    std::uint32_t bss = 0x2000;         // memsz - filesz
};

std::vector<std::uint8_t> buildElf(const ElfSpec& s) {
    const std::uint32_t phnum = s.interp.empty() ? 1 : 2;
    const std::uint32_t code_off = 52 + 32 * phnum + 64;  // room for the interpreter string
    std::vector<std::uint8_t> f(code_off + s.code.size() * 4, 0);
    auto w16 = [&](std::size_t o, std::uint16_t v) { std::memcpy(&f[o], &v, 2); };
    auto w32 = [&](std::size_t o, std::uint32_t v) { std::memcpy(&f[o], &v, 4); };
    const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1, 0};
    std::memcpy(f.data(), ident, sizeof ident);
    w16(0x10, s.type);
    w16(0x12, 40);
    w32(0x14, 1);
    w32(0x18, s.vaddr + code_off);  // entry: the first instruction (ARM state)
    w32(0x1c, 52);
    w32(0x24, s.flags);
    w16(0x28, 52);
    w16(0x2a, 32);
    w16(0x2c, static_cast<std::uint16_t>(phnum));
    w16(0x2e, 40);
    std::size_t ph = 52;
    w32(ph + 0, 1);  // PT_LOAD
    w32(ph + 4, s.load_offset);
    w32(ph + 8, s.vaddr);
    w32(ph + 12, s.vaddr);
    w32(ph + 16, static_cast<std::uint32_t>(f.size()) - s.load_offset);
    w32(ph + 20, static_cast<std::uint32_t>(f.size()) - s.load_offset + s.bss);
    w32(ph + 24, 5 | 2);  // R W X: the bss is written by tests
    w32(ph + 28, 0x1000);
    if (!s.interp.empty()) {
        ph += 32;
        const std::uint32_t at = 52 + 32 * phnum;
        std::memcpy(&f[at], s.interp.c_str(), s.interp.size() + 1);
        w32(ph + 0, 3);  // PT_INTERP
        w32(ph + 4, at);
        w32(ph + 8, s.vaddr + at);
        w32(ph + 16, static_cast<std::uint32_t>(s.interp.size() + 1));
        w32(ph + 20, static_cast<std::uint32_t>(s.interp.size() + 1));
        w32(ph + 24, 4);
    }
    std::memcpy(&f[code_off], s.code.data(), s.code.size() * 4);
    return f;
}

std::string writeTemp(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    std::filesystem::create_directories(std::string(TEST_TMP_DIR) + "/linux-os");
    std::string path = std::string(TEST_TMP_DIR) + "/linux-os/" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    return path;
}

// ARM encodings used below (ARM ARM, A1 encodings).
constexpr std::uint32_t kSvc0 = 0xef000000;
constexpr std::uint32_t movR0(std::uint8_t imm) { return 0xe3a00000 | imm; }
constexpr std::uint32_t movR7(std::uint8_t imm) { return 0xe3a07000 | imm; }
constexpr std::uint32_t movwR7(std::uint16_t imm) { return 0xe3007000 | ((imm & 0xf000u) << 4) | (imm & 0xfffu); }

std::string loaderError(const ElfSpec& spec) {
    Scheduler sched;
    Log log(quiet());
    CortexA7 core(sched, log);
    GuestMemory mem(core.engine());
    GuestFs fs;
    try {
        ElfFile elf = ElfFile::parseLinux("app.elf", buildElf(spec));
        LoadRequest req;
        req.guest_path = "/mnt/apps/x/app";
        req.argv = {"app"};
        loadLinuxProgram(mem, fs, elf, req);
    } catch (const ImageError& e) {
        return e.what();
    }
    return "";
}

TEST(LinuxElfLoader, RefusesBadExecutablesNamingTheField) {
    ElfSpec eabi4;
    eabi4.code = {kSvc0};
    eabi4.flags = 0x04000000;
    EXPECT_EQ(loaderError(eabi4), "app.elf: e_flags 0x04000000 at offset 0x24: ARM EABI version 4 (the A7 runs EABI "
                                  "version 5 Linux executables, e.g. from arm-linux-musleabihf-gcc)");
    ElfSpec misaligned;
    misaligned.code = {kSvc0};
    misaligned.load_offset = 0x10;
    EXPECT_NE(loaderError(misaligned).find("app.elf: program header 0: p_vaddr 0x10000 and p_offset 0x10 differ modulo "
                                           "the page size"),
              std::string::npos);
    ElfSpec relocatable;
    relocatable.code = {kSvc0};
    relocatable.type = 1;
    EXPECT_NE(loaderError(relocatable).find("app.elf: e_type 1 at offset 0x10: file is a relocatable object"),
              std::string::npos);
    ElfSpec no_interp;
    no_interp.code = {kSvc0};
    no_interp.interp = "/lib/ld-nowhere.so.1";
    EXPECT_EQ(loaderError(no_interp), "app.elf: PT_INTERP '/lib/ld-nowhere.so.1': no such file in the emulated root "
                                      "filesystem (install musl:armhf, scripts/setup.sh)");
    ElfSpec good;
    good.code = {kSvc0};
    EXPECT_EQ(loaderError(good), "");
}

TEST(LinuxElfLoader, InitialStackHasArgsEnvAndAuxv) {
    Scheduler sched;
    Log log(quiet());
    CortexA7 core(sched, log);
    GuestMemory mem(core.engine());
    GuestFs fs;
    ElfSpec spec;
    spec.code = {kSvc0};
    ElfFile elf = ElfFile::parseLinux("app.elf", buildElf(spec));
    LoadRequest req;
    req.guest_path = "/mnt/apps/x/app";
    req.argv = {"/mnt/apps/x/app", "one"};
    req.envp = {"A=1"};
    for (int k = 0; k < 16; ++k) req.random[k] = static_cast<std::uint8_t>(k + 1);
    LoadedProgram p = loadLinuxProgram(mem, fs, elf, req);

    EXPECT_EQ(p.sp % 16, 0u);
    EXPECT_EQ(p.entry, elf.entry());
    auto word = [&](std::uint32_t i) { return *mem.readValue<std::uint32_t>(p.sp + 4 * i); };
    ASSERT_EQ(word(0), 2u);  // argc
    EXPECT_EQ(*mem.readString(word(1)), "/mnt/apps/x/app");
    EXPECT_EQ(*mem.readString(word(2)), "one");
    EXPECT_EQ(word(3), 0u);
    EXPECT_EQ(*mem.readString(word(4)), "A=1");
    EXPECT_EQ(word(5), 0u);
    std::map<std::uint32_t, std::uint32_t> aux;
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 6;; i += 2) {
        order.push_back(word(i));
        aux[word(i)] = word(i + 1);
        if (word(i) == auxv::kNull) break;
    }
    EXPECT_EQ(aux.count(auxv::kSysinfoEhdr), 0u);  // no vDSO
    EXPECT_EQ(aux[auxv::kPagesz], 4096u);
    EXPECT_EQ(aux[auxv::kPhent], 32u);
    EXPECT_EQ(aux[auxv::kPhnum], 1u);
    EXPECT_EQ(aux[auxv::kEntry], elf.entry());
    EXPECT_EQ(aux[auxv::kBase], 0u);  // static: no interpreter
    EXPECT_EQ(aux[auxv::kHwcap], kA7Hwcap);
    EXPECT_EQ(aux[auxv::kHwcap] & (1u << 15), 1u << 15);  // HWCAP_TLS: musl reads TPIDRURO
    EXPECT_EQ(aux[auxv::kSecure], 0u);
    EXPECT_EQ(*mem.readString(aux[auxv::kPlatform]), "v7l");
    EXPECT_EQ(*mem.readString(aux[auxv::kExecfn]), "/mnt/apps/x/app");
    std::uint8_t random[16];
    ASSERT_TRUE(mem.read(aux[auxv::kRandom], random, 16));
    EXPECT_EQ(random[0], 1);
    EXPECT_EQ(random[15], 16);
    // AT_PHDR: the program headers as mapped (file offset 52 of the PT_LOAD at offset 0).
    auto phdr_type = mem.readValue<std::uint32_t>(aux[auxv::kPhdr]);
    ASSERT_TRUE(phdr_type);
    EXPECT_EQ(aux[auxv::kPhdr], spec.vaddr + 52);
    EXPECT_EQ(*phdr_type, 1u);  // PT_LOAD
    // The kuser helper version word and __kuser_get_tls.
    EXPECT_EQ(*mem.readValue<std::uint32_t>(0xffff0ffc), 2u);
    EXPECT_EQ(*mem.readValue<std::uint32_t>(0xffff0fe0), 0xee1d0f70u);  // mrc p15, 0, r0, c13, c0, 3
    // .bss is mapped and zero; brk starts on the page after it.
    EXPECT_EQ(*mem.readValue<std::uint32_t>(spec.vaddr + 0x1000), 0u);
    EXPECT_EQ(p.brk % kPageSize, 0u);
    EXPECT_TRUE(mem.isFree(p.brk, kPageSize));
}

/// Runs a hand-assembled program as the A7 app; returns the process for inspection.
struct RunResult {
    HlProcess::Status status;
    int exit_code;
    std::string output;
    Picos end;
    std::string fault;  // the A7's fault report
};

RunResult runProgram(const std::string& name, std::vector<std::uint32_t> code) {
    ElfSpec spec;
    spec.code = std::move(code);
    const std::string path = writeTemp(name, buildElf(spec));
    MachineConfig cfg;
    cfg.logger = quiet();
    Machine m(cfg);
    HlAppSpec app;
    app.elf_path = path;
    m.loadHlApp(app);
    m.runFor(kPicosPerSecond);
    return {m.hlApp()->status(), m.hlApp()->exitCode(), m.a7Capture().text(), m.now(), m.hlApp()->core().faultReport()};
}

TEST(A7Syscalls, ExitGroupEndsTheAppWithItsCode) {
    RunResult r = runProgram("exit42", {movR0(42), movR7(248), kSvc0});
    EXPECT_EQ(r.status, HlProcess::Status::Exited);
    EXPECT_EQ(r.exit_code, 42);
}

TEST(A7Syscalls, UnknownSyscallReturnsEnosys) {
    // r7 = 999 (no such call): r0 = -ENOSYS (-38), then exit(r0): status (-38) & 0xff = 218.
    RunResult r = runProgram("enosys", {movwR7(999), kSvc0, movR7(1), kSvc0});
    EXPECT_EQ(r.status, HlProcess::Status::Exited);
    EXPECT_EQ(r.exit_code, 218);
}

TEST(A7Syscalls, WriteToStdoutReachesTheA7Stream) {
    // "hi\n" is built in r1, pushed, then write(1, sp, 3).
    std::vector<std::uint32_t> prog = {
        0xe3061968,        // movw r1, #0x6968 ("hi")
        0xe340100a,        // movt r1, #0x000a ("\n")
        0xe52d1004,        // push {r1}
        0xe3a00001,        // mov r0, #1
        0xe1a0100d,        // mov r1, sp
        0xe3a02003,        // mov r2, #3
        movR7(4), kSvc0,   // write(1, sp, 3)
        movR0(0), movR7(1), kSvc0,
    };
    RunResult r = runProgram("write", prog);
    EXPECT_EQ(r.status, HlProcess::Status::Exited);
    EXPECT_EQ(r.output, "hi\n");
}

TEST(A7Syscalls, FaultBecomesSigsegvNotAHostCrash) {
    // ldr r0, [r0] with r0 = 0: the null page is never mapped.
    RunResult r = runProgram("segv", {movR0(0), 0xe5900000, movR7(1), kSvc0});
    EXPECT_EQ(r.status, HlProcess::Status::Killed);
    EXPECT_EQ(r.exit_code, 128 + 11);
}

// The hand-built ELF's first instruction is at 0x10094 (buildElf: 52 + 32 + 64 bytes in).
TEST(A7Faults, ReportNamesTheFaultingInstructionEvenWhenAnEarlierOneMatches) {
    // ldr r2, [r1] with r1 = sp reads fine; then r1 = 0x10 and ldr r3, [r1] faults. Stepped
    // again from the fault's registers, the first load faults too: it must be passed over
    // because the mov in between wrote its address register.
    RunResult r = runProgram("segv-later", {0xe1a0100d, 0xe5912000, 0xe3a01010, 0xe5913000, movR7(1), kSvc0});
    EXPECT_EQ(r.status, HlProcess::Status::Killed);
    EXPECT_NE(r.fault.find("unmapped read from address 0x00000010 (PC 0x000100a0"), std::string::npos) << r.fault;
    // Two stores through the same bad pointer: the first faulted (nothing between them changes r0).
    RunResult s = runProgram("segv-first", {0xe3a02007, 0xe3a00010, 0xe5802000, 0xe5803000, movR7(1), kSvc0});
    EXPECT_NE(s.fault.find("unmapped write to address 0x00000010 (PC 0x0001009c"), std::string::npos) << s.fault;
    EXPECT_NE(s.fault.find("r2  0x00000007"), std::string::npos) << s.fault;  // registers as before the store
}

TEST(A7Syscalls, NanosleepAdvancesVirtualTimeWithoutExecuting) {
    // struct timespec {0, 250 ms} on the stack; nanosleep(sp, 0); exit(0).
    std::vector<std::uint32_t> prog = {
        0xe30b1280,  // movw r1, #0xb280
        0xe3401ee6,  // movt r1, #0x0ee6  -> 250000000 = 0x0ee6b280
        0xe52d1004,  // push {r1}          tv_nsec
        0xe3a01000,  // mov r1, #0
        0xe52d1004,  // push {r1}          tv_sec
        0xe1a0000d,  // mov r0, sp
        0xe3a01000,  // mov r1, #0
        movR7(162), kSvc0,  // nanosleep
        movR0(0), movR7(1), kSvc0,
    };
    RunResult r = runProgram("sleep", prog);
    EXPECT_EQ(r.status, HlProcess::Status::Exited);
    EXPECT_GE(r.end, 250 * kPicosPerMilli);
    EXPECT_LT(r.end, 251 * kPicosPerMilli);
}

TEST(GuestMemory, PartialUnmapAndProtectSplitMappings) {
    Scheduler sched;
    Log log(quiet());
    CortexA7 core(sched, log);
    GuestMemory mem(core.engine());
    ASSERT_TRUE(mem.mapFixed(0x20000000, 4 * kPageSize, kProtRead | kProtWrite, "test"));
    std::uint32_t v = 0x12345678;
    ASSERT_TRUE(mem.write(0x20003000, &v, 4));
    mem.unmap(0x20001000, kPageSize);
    EXPECT_TRUE(mem.isFree(0x20001000, kPageSize));
    EXPECT_TRUE(mem.isMapped(0x20002000, 2 * kPageSize));
    EXPECT_EQ(*mem.readValue<std::uint32_t>(0x20003000), 0x12345678u);  // the tail kept its bytes
    EXPECT_FALSE(mem.read(0x20000ffe, &v, 4));                           // runs into the hole: EFAULT
    ASSERT_TRUE(mem.protect(0x20002000, kPageSize, kProtRead));
    EXPECT_FALSE(mem.write(0x20002000, &v, 4));
    EXPECT_TRUE(mem.write(0x20003000, &v, 4));
    EXPECT_FALSE(mem.protect(0x20001000, kPageSize, kProtRead));  // not mapped
    auto a = mem.mapAnywhere(3 * kPageSize, kProtRead, "anon");
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, kMmapTop - 3 * kPageSize);  // top-down
    auto b = mem.mapAnywhere(kPageSize, kProtRead, "anon");
    EXPECT_EQ(*b, *a - kPageSize);
}

TEST(GuestFs, PathsStayInsideTheEmulatedRootAndTheImageIsReadOnly) {
    EXPECT_EQ(GuestFs::normalize("../../etc/passwd", "/mnt/apps/x"), "/mnt/etc/passwd");
    EXPECT_EQ(GuestFs::normalize("../../../../../etc/passwd", "/mnt/apps/x"), "/etc/passwd");  // stops at /
    EXPECT_EQ(GuestFs::normalize("a//b/./c/..", "/"), "/a/b");
    GuestFs fs;
    const std::string dir = std::string(TEST_TMP_DIR) + "/linux-os/app";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/data.txt") << "abc";
    fs.mountHost("/mnt/apps/x", dir);
    fs.setCwd("/mnt/apps/x");
    auto f = fs.open("data.txt", kORdOnly);
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<GuestFile>>(f));
    std::uint8_t buf[8];
    EXPECT_EQ(std::get<std::shared_ptr<GuestFile>>(f)->read(buf), 3);
    EXPECT_EQ(std::get<int>(fs.open("data.txt", kOWrOnly)), -EROFS);
    EXPECT_EQ(std::get<int>(fs.open("new.txt", kOWrOnly | kOCreat)), -EROFS);
    EXPECT_EQ(std::get<int>(fs.open("../../../../etc/passwd", kORdOnly)), -ENOENT);  // host /etc is not visible
    EXPECT_EQ(std::get<int>(fs.open("data.txt/x", kORdOnly)), -ENOENT);
    // Directories above mount points exist and list the mount points.
    auto mnt = fs.open("/mnt/apps", kORdOnly | kODirectory);
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<GuestFile>>(mnt));
    std::vector<GuestDirEntry> entries;
    std::get<std::shared_ptr<GuestFile>>(mnt)->listDirectory(entries);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[2].name, "x");
    // A device file with a factory that refuses (as a manifest check would).
    fs.addDevice("/dev/gpiochip0", [](std::uint32_t) { return std::variant<std::shared_ptr<GuestFile>, int>(-EACCES); });
    EXPECT_EQ(std::get<int>(fs.open("/dev/gpiochip0", kORdWr)), -EACCES);
    EXPECT_EQ(std::get<GuestStat>(fs.stat("/dev/gpiochip0")).mode & kModeTypeMask, kModeChr);
}

TEST(FdTableAndEvents, LowestFreeDescriptorAndTimerfdInEpoll) {
    Scheduler sched;
    FdTable fds;
    auto tfd = std::make_shared<TimerFd>(sched, 1, 1);
    auto efd = std::make_shared<EventFd>(0, false, 2);
    EXPECT_EQ(fds.install(tfd), 0);
    EXPECT_EQ(fds.install(efd), 1);
    EXPECT_EQ(fds.close(0), 0);
    EXPECT_EQ(fds.install(efd), 0);  // lowest free
    EXPECT_EQ(fds.close(7), -EBADF);

    Epoll ep(3);
    EXPECT_EQ(ep.add(5, tfd, {kPollIn, 55}), 0);
    EXPECT_EQ(ep.add(5, tfd, {kPollIn, 55}), -EEXIST);
    EXPECT_EQ(ep.add(6, efd, {kPollIn, 66}), 0);
    EXPECT_TRUE(ep.ready(8).empty());
    tfd->set(10'000'000, 10'000'000, false);  // 10 ms, periodic
    sched.advanceTo(25 * kPicosPerMilli);
    auto ready = ep.ready(8);
    ASSERT_EQ(ready.size(), 1u);
    EXPECT_EQ(ready[0].data, 55u);
    std::uint64_t n = 0;
    EXPECT_EQ(tfd->read({reinterpret_cast<std::uint8_t*>(&n), 8}), 8);
    EXPECT_EQ(n, 2u);  // expired at 10 ms and 20 ms
    EXPECT_EQ(tfd->read({reinterpret_cast<std::uint8_t*>(&n), 8}), -EAGAIN);
    std::uint64_t one = 1;
    efd->write({reinterpret_cast<std::uint8_t*>(&one), 8});
    ready = ep.ready(8);
    ASSERT_EQ(ready.size(), 1u);
    EXPECT_EQ(ready[0].data, 66u);
    EXPECT_EQ(ep.pollEvents() & kPollIn, kPollIn);
}

TEST(FdTableAndEvents, PipeEndsSeeEofAndEpipe) {
    auto buf = std::make_shared<PipeBuffer>();
    auto r = std::make_shared<PipeEnd>(buf, false);
    auto w = std::make_shared<PipeEnd>(buf, true);
    std::uint8_t b[4] = {'a', 'b', 'c', 'd'};
    EXPECT_EQ(r->read(b), -EAGAIN);
    EXPECT_EQ(w->write(b), 4);
    EXPECT_EQ(r->pollEvents() & kPollIn, kPollIn);
    EXPECT_EQ(r->read(b), 4);
    w.reset();
    EXPECT_EQ(r->read(b), 0);  // writer gone: end of file
    auto w2 = std::make_shared<PipeEnd>(buf, true);
    r.reset();
    EXPECT_EQ(w2->write(b), -EPIPE);
}

}  // namespace
}  // namespace mt3620::os
