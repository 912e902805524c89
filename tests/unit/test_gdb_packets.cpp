// GDB remote protocol: framing (checksums, escapes, run-length), command parsing, malformed input.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "gdb/GdbPacket.h"
#include "gdb/TargetXml.h"

using namespace mt3620::gdb;
using K = Command::Kind;
using EK = PacketReader::Event::Kind;

namespace {

std::vector<PacketReader::Event> feedAll(std::string_view bytes) {
    PacketReader r;
    std::vector<PacketReader::Event> out;
    r.feed(bytes, out);
    return out;
}

}  // namespace

TEST(GdbPacketFraming, ChecksumIsModulo256Sum) {
    EXPECT_EQ(checksum(""), 0);
    EXPECT_EQ(checksum("OK"), 0x9a);
    EXPECT_EQ(checksum(std::string(300, '\xff')), static_cast<std::uint8_t>(300 * 0xff));
}

TEST(GdbPacketFraming, FramesWithChecksum) {
    EXPECT_EQ(framePacket("OK"), "$OK#9a");
    EXPECT_EQ(framePacket(""), "$#00");
    EXPECT_EQ(framePacket("S05"), "$S05#b8");
}

TEST(GdbPacketFraming, EscapesSpecialBytes) {
    // '$' '#' '}' '*' go out as '}' + (byte ^ 0x20); the checksum covers the escaped bytes.
    EXPECT_EQ(escapeBinary("a}b#c$d*"), std::string("a}]b}\x03" "c}\x04" "d}\x0a"));
    std::string framed = framePacket("}");
    EXPECT_EQ(framed.substr(0, 3), "$}]");
    EXPECT_EQ(framed.substr(3), "#" + std::string("da"));  // '}' 0x7d + ']' 0x5d = 0xda
}

TEST(GdbPacketFraming, UnescapeRoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    auto back = unescapeBinary(escapeBinary(all));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, all);
    EXPECT_FALSE(unescapeBinary("abc}"));  // a lone escape at the end
}

TEST(GdbPacketFraming, RunLengthExpansion) {
    EXPECT_EQ(expandRunLength("0* "), "0000");  // ' ' = 32: 3 more
    EXPECT_EQ(expandRunLength("ab"), "ab");
    EXPECT_FALSE(expandRunLength("*a"));
    EXPECT_FALSE(expandRunLength("a*"));
}

TEST(GdbPacketFraming, HexHelpers) {
    EXPECT_EQ(toHex(std::string("\x01\xab", 2)), "01ab");
    EXPECT_EQ(*fromHex("01AB"), std::string("\x01\xab", 2));
    EXPECT_FALSE(fromHex("0"));
    EXPECT_FALSE(fromHex("zz"));
    EXPECT_EQ(*parseHex("100290"), 0x100290u);
    EXPECT_FALSE(parseHex(""));
    EXPECT_FALSE(parseHex("12345678901234567"));
    EXPECT_EQ(registerHex(0x12345678, 4), "78563412");
    EXPECT_EQ(registerHex(0x1122334455667788ull, 8), "8877665544332211");
    EXPECT_EQ(*parseRegisterHex("78563412", 4), 0x12345678u);
    EXPECT_FALSE(parseRegisterHex("785634", 4));
}

TEST(GdbPacketReader, SplitsPacketsAcksAndInterrupts) {
    auto evs = feedAll("+$g#67-\x03$m0,4#fd");
    ASSERT_EQ(evs.size(), 5u);
    EXPECT_EQ(evs[0].kind, EK::Ack);
    EXPECT_EQ(evs[1].kind, EK::Packet);
    EXPECT_EQ(evs[1].payload, "g");
    EXPECT_EQ(evs[2].kind, EK::Nak);
    EXPECT_EQ(evs[3].kind, EK::Interrupt);
    EXPECT_EQ(evs[4].kind, EK::Packet);
    EXPECT_EQ(evs[4].payload, "m0,4");
}

TEST(GdbPacketReader, AcceptsPacketsSplitAcrossReads) {
    PacketReader r;
    std::vector<PacketReader::Event> out;
    std::string wire = framePacket("qSupported:swbreak+");
    for (char c : wire) r.feed(std::string_view(&c, 1), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, EK::Packet);
    EXPECT_EQ(out[0].payload, "qSupported:swbreak+");
}

TEST(GdbPacketReader, BadChecksumIsReported) {
    auto evs = feedAll("$g#00$g#zz");
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].kind, EK::BadChecksum);
    EXPECT_EQ(evs[1].kind, EK::BadChecksum);
    // Upper-case checksum digits are fine.
    auto ok = feedAll("$OK#9A");
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].kind, EK::Packet);
}

TEST(GdbPacketReader, OverlongPacketIsDiscarded) {
    std::string big(kMaxPacketSize + 10, 'a');
    auto evs = feedAll("$" + big + "#00" + framePacket("g"));
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].kind, EK::Overlong);
    EXPECT_EQ(evs[1].kind, EK::Packet);
    EXPECT_EQ(evs[1].payload, "g");
}

TEST(GdbPacketReader, RestartsOnDollarInsideAPacketAndIgnoresNoise) {
    auto evs = feedAll("xyz$abc$g#67");
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].payload, "g");
}

TEST(GdbPacketReader, BinaryPayloadStaysEscapedUntilParsed) {
    std::string data = std::string("\x7d\x23\x24\x2a\x00\x03", 6);
    std::string payload = "X100000,6:" + escapeBinary(data);
    char cs[3];
    std::snprintf(cs, sizeof cs, "%02x", checksum(payload));
    auto evs = feedAll("$" + payload + "#" + cs);  // as GDB sends it: escaped once
    ASSERT_EQ(evs.size(), 1u);
    ASSERT_EQ(evs[0].kind, EK::Packet);
    Command c = parseCommand(evs[0].payload);
    ASSERT_EQ(c.kind, K::WriteMemory);
    EXPECT_EQ(c.address, 0x100000u);
    EXPECT_EQ(c.length, 6u);
    EXPECT_EQ(c.data, data);
}

TEST(GdbPacketParse, SimpleCommands) {
    EXPECT_EQ(parseCommand("?").kind, K::HaltReason);
    EXPECT_EQ(parseCommand("g").kind, K::ReadRegisters);
    EXPECT_EQ(parseCommand("k").kind, K::Kill);
    EXPECT_EQ(parseCommand("vKill;1").kind, K::Kill);
    EXPECT_EQ(parseCommand("D").kind, K::Detach);
    EXPECT_EQ(parseCommand("D;1").kind, K::Detach);
    EXPECT_EQ(parseCommand("Hg0").kind, K::SetThread);
    EXPECT_EQ(parseCommand("Hc-1").kind, K::SetThread);
    EXPECT_EQ(parseCommand("T1").kind, K::ThreadAlive);
    EXPECT_EQ(parseCommand("qSupported:multiprocess+;swbreak+").kind, K::Supported);
    EXPECT_EQ(parseCommand("qAttached").kind, K::Attached);
    EXPECT_EQ(parseCommand("qAttached:1").kind, K::Attached);
    EXPECT_EQ(parseCommand("qC").kind, K::CurrentThread);
    EXPECT_EQ(parseCommand("qfThreadInfo").kind, K::FirstThreadInfo);
    EXPECT_EQ(parseCommand("qsThreadInfo").kind, K::NextThreadInfo);
    EXPECT_EQ(parseCommand("QStartNoAckMode").kind, K::StartNoAckMode);
    EXPECT_EQ(parseCommand("vCont?").kind, K::VContQuery);
    EXPECT_EQ(parseCommand("vMustReplyEmpty").kind, K::MustReplyEmpty);
    EXPECT_EQ(parseCommand("vFlashDone").kind, K::FlashDone);
}

TEST(GdbPacketParse, UnknownCommandsAreUnknown) {
    for (const char* p : {"", "qTStatus", "qOffsets", "vFoo", "!", "qSymbol::", "QNonStop:1", "vCont;t"})
        EXPECT_EQ(parseCommand(p).kind, K::Unknown) << p;
}

TEST(GdbPacketParse, Registers) {
    Command p = parseCommand("p1f");
    ASSERT_EQ(p.kind, K::ReadRegister);
    EXPECT_EQ(p.reg, 0x1fu);
    Command P = parseCommand("Pf=91021000");
    ASSERT_EQ(P.kind, K::WriteRegister);
    EXPECT_EQ(P.reg, 15u);
    EXPECT_EQ(*parseRegisterHex(P.data, 4), 0x00100291u);
    Command G = parseCommand("G0102");
    ASSERT_EQ(G.kind, K::WriteRegisters);
    EXPECT_EQ(G.data, std::string("\x01\x02"));
    EXPECT_EQ(parseCommand("p").kind, K::Malformed);
    EXPECT_EQ(parseCommand("pxyz").kind, K::Malformed);
    EXPECT_EQ(parseCommand("Pf").kind, K::Malformed);
    EXPECT_EQ(parseCommand("Pf=1").kind, K::Malformed);
    EXPECT_EQ(parseCommand("G0").kind, K::Malformed);
    EXPECT_EQ(parseCommand("gx").kind, K::Malformed);
}

TEST(GdbPacketParse, Memory) {
    Command m = parseCommand("m20001000,40");
    ASSERT_EQ(m.kind, K::ReadMemory);
    EXPECT_EQ(m.address, 0x20001000u);
    EXPECT_EQ(m.length, 0x40u);
    Command M = parseCommand("M100000,2:abcd");
    ASSERT_EQ(M.kind, K::WriteMemory);
    EXPECT_EQ(M.data, std::string("\xab\xcd"));
    Command X0 = parseCommand("X100000,0:");  // GDB's probe for X support
    ASSERT_EQ(X0.kind, K::WriteMemory);
    EXPECT_TRUE(X0.data.empty());
    EXPECT_EQ(parseCommand("m100000").kind, K::Malformed);
    EXPECT_EQ(parseCommand("m,4").kind, K::Malformed);
    EXPECT_EQ(parseCommand("M100000,2:ab").kind, K::Malformed);  // length mismatch
    EXPECT_EQ(parseCommand("M100000,1").kind, K::Malformed);
    EXPECT_EQ(parseCommand("X100000,2:a").kind, K::Malformed);
    EXPECT_EQ(parseCommand("X100000,1:}").kind, K::Malformed);
}

TEST(GdbPacketParse, BreakAndWatchPoints) {
    Command z0 = parseCommand("Z0,1001d0,2");
    ASSERT_EQ(z0.kind, K::InsertPoint);
    EXPECT_EQ(z0.reg, 0u);
    EXPECT_EQ(z0.address, 0x1001d0u);
    EXPECT_EQ(z0.length, 2u);
    Command z2 = parseCommand("z2,22000000,4");
    ASSERT_EQ(z2.kind, K::RemovePoint);
    EXPECT_EQ(z2.reg, 2u);
    Command cond = parseCommand("Z1,100,2;X2,0a0b");
    ASSERT_EQ(cond.kind, K::InsertPoint);
    EXPECT_EQ(cond.reg, 1u);
    EXPECT_EQ(parseCommand("Z5,100,2").kind, K::Malformed);
    EXPECT_EQ(parseCommand("Z0,100").kind, K::Malformed);
    EXPECT_EQ(parseCommand("Z0").kind, K::Malformed);
}

TEST(GdbPacketParse, ContinueAndStep) {
    EXPECT_EQ(parseCommand("c").kind, K::Continue);
    Command ca = parseCommand("c100290");
    EXPECT_EQ(ca.kind, K::Continue);
    EXPECT_TRUE(ca.has_address);
    EXPECT_EQ(ca.address, 0x100290u);
    EXPECT_EQ(parseCommand("C05").kind, K::Continue);
    Command sa = parseCommand("S05;100");
    EXPECT_EQ(sa.kind, K::Step);
    EXPECT_EQ(sa.address, 0x100u);
    EXPECT_EQ(parseCommand("s").kind, K::Step);
    EXPECT_EQ(parseCommand("cxyz").kind, K::Malformed);
    EXPECT_EQ(parseCommand("C").kind, K::Malformed);

    EXPECT_EQ(parseCommand("vCont;c").kind, K::Continue);
    EXPECT_EQ(parseCommand("vCont;s:1;c").kind, K::Step);
    EXPECT_EQ(parseCommand("vCont;C05").kind, K::Continue);
    Command r = parseCommand("vCont;r100,110:1;c");
    ASSERT_EQ(r.kind, K::RangeStep);
    EXPECT_EQ(r.address, 0x100u);
    EXPECT_EQ(r.length, 0x110u);
    EXPECT_EQ(parseCommand("vCont").kind, K::Malformed);
    EXPECT_EQ(parseCommand("vCont;").kind, K::Malformed);
    EXPECT_EQ(parseCommand("vCont;r100").kind, K::Malformed);
}

TEST(GdbPacketParse, XferAndMonitor) {
    Command x = parseCommand("qXfer:features:read:target.xml:0,ffb");
    ASSERT_EQ(x.kind, K::Xfer);
    EXPECT_EQ(x.object, "features");
    EXPECT_EQ(x.annex, "target.xml");
    EXPECT_EQ(x.offset, 0u);
    EXPECT_EQ(x.length, 0xffbu);
    Command mm = parseCommand("qXfer:memory-map:read::100,200");
    ASSERT_EQ(mm.kind, K::Xfer);
    EXPECT_EQ(mm.object, "memory-map");
    EXPECT_EQ(mm.annex, "");
    EXPECT_EQ(mm.offset, 0x100u);
    EXPECT_EQ(parseCommand("qXfer:features:read:target.xml").kind, K::Malformed);
    EXPECT_EQ(parseCommand("qXfer:features:write:target.xml:0,1:x").kind, K::Unknown);

    Command mon = parseCommand("qRcmd," + toHex("vtime"));
    ASSERT_EQ(mon.kind, K::Monitor);
    EXPECT_EQ(mon.data, "vtime");
    EXPECT_EQ(parseCommand("qRcmd,7").kind, K::Malformed);
}

TEST(GdbPacketParse, Flash) {
    Command e = parseCommand("vFlashErase:10000000,1000");
    ASSERT_EQ(e.kind, K::FlashErase);
    EXPECT_EQ(e.address, 0x10000000u);
    EXPECT_EQ(e.length, 0x1000u);
    Command w = parseCommand("vFlashWrite:10000000:" + escapeBinary(std::string("\x7d\x01", 2)));
    ASSERT_EQ(w.kind, K::FlashWrite);
    EXPECT_EQ(w.data, std::string("\x7d\x01", 2));
    EXPECT_EQ(parseCommand("vFlashWrite:10000000").kind, K::Malformed);
}

TEST(GdbPacketXfer, ChunksDocument) {
    EXPECT_EQ(xferChunk("abcdef", 0, 4), "mabcd");
    EXPECT_EQ(xferChunk("abcdef", 4, 4), "lef");
    EXPECT_EQ(xferChunk("abcdef", 0, 6), "labcdef");
    EXPECT_EQ(xferChunk("abcdef", 6, 4), "l");
    EXPECT_EQ(xferChunk("abcdef", 100, 4), "l");
}

TEST(GdbTargetXml, DescribesMProfileVfpAndSystemRegisters) {
    const std::string& xml = targetXml();
    EXPECT_NE(xml.find("org.gnu.gdb.arm.m-profile"), std::string::npos);
    EXPECT_NE(xml.find("org.gnu.gdb.arm.vfp"), std::string::npos);
    EXPECT_NE(xml.find("org.gnu.gdb.arm.m-system"), std::string::npos);
    EXPECT_NE(xml.find("name=\"xpsr\""), std::string::npos);
    EXPECT_NE(xml.find("name=\"d15\" bitsize=\"64\""), std::string::npos);
    EXPECT_NE(xml.find("name=\"control\""), std::string::npos);
    EXPECT_EQ(registerSize(kRegPc), 4u);
    EXPECT_EQ(registerSize(kRegD0), 8u);
    EXPECT_EQ(registerSize(kRegFpscr), 4u);
    EXPECT_EQ(registerSize(kRegCount), 0u);
    const std::string& map = memoryMapXml();
    EXPECT_NE(map.find("<memory type=\"ram\" start=\"0x00100000\" length=\"0x30000\"/>"), std::string::npos);
    EXPECT_NE(map.find("<memory type=\"flash\" start=\"0x10000000\""), std::string::npos);
    EXPECT_NE(map.find("blocksize"), std::string::npos);
    EXPECT_NE(map.find("start=\"0x22000000\" length=\"0x10000\""), std::string::npos);
    EXPECT_NE(map.find("start=\"0x80000000\" length=\"0x400000\""), std::string::npos);
}

TEST(GdbPacketFuzz, RandomBytesNeverCrashTheReaderOrParser) {
    std::mt19937 rng(1234);
    const std::string alphabet = "$#}*+-\x03" "0123456789abcdefgmMXZzcsvCqQkD?:,;=pPGHT";
    PacketReader r;
    std::vector<PacketReader::Event> out;
    for (int round = 0; round < 2000; ++round) {
        std::string chunk;
        std::size_t n = rng() % 64;
        for (std::size_t i = 0; i < n; ++i)
            chunk.push_back(rng() % 4 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng()));
        r.feed(chunk, out);
        for (const auto& e : out) (void)parseCommand(e.payload);
        out.clear();
        (void)parseCommand(chunk);
    }
    SUCCEED();
}
