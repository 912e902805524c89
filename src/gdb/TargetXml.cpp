#include "gdb/TargetXml.h"

#include <cstdio>

namespace mt3620::gdb {

unsigned registerSize(unsigned n) {
    if (n < kRegD0) return 4;
    if (n < kRegFpscr) return 8;
    if (n < kRegCount) return 4;
    return 0;
}

namespace {

std::string buildTargetXml() {
    std::string x =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
        "<target version=\"1.0\">\n"
        "  <architecture>arm</architecture>\n"
        "  <feature name=\"org.gnu.gdb.arm.m-profile\">\n";
    char line[160];
    for (unsigned i = 0; i <= 12; ++i) {
        std::snprintf(line, sizeof line, "    <reg name=\"r%u\" bitsize=\"32\" regnum=\"%u\"/>\n", i, i);
        x += line;
    }
    x += "    <reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\" regnum=\"13\"/>\n"
         "    <reg name=\"lr\" bitsize=\"32\" regnum=\"14\"/>\n"
         "    <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"15\"/>\n"
         "    <reg name=\"xpsr\" bitsize=\"32\" regnum=\"16\"/>\n"
         "  </feature>\n"
         "  <feature name=\"org.gnu.gdb.arm.vfp\">\n";
    for (unsigned i = 0; i < 16; ++i) {
        std::snprintf(line, sizeof line,
                      "    <reg name=\"d%u\" bitsize=\"64\" type=\"ieee_double\" group=\"float\" regnum=\"%u\"/>\n", i,
                      kRegD0 + i);
        x += line;
    }
    x += "    <reg name=\"fpscr\" bitsize=\"32\" type=\"int\" group=\"float\" regnum=\"33\"/>\n"
         "  </feature>\n"
         "  <feature name=\"org.gnu.gdb.arm.m-system\">\n"
         "    <reg name=\"msp\" bitsize=\"32\" type=\"data_ptr\" group=\"system\" regnum=\"34\"/>\n"
         "    <reg name=\"psp\" bitsize=\"32\" type=\"data_ptr\" group=\"system\" regnum=\"35\"/>\n"
         "    <reg name=\"primask\" bitsize=\"32\" type=\"int\" group=\"system\" regnum=\"36\"/>\n"
         "    <reg name=\"basepri\" bitsize=\"32\" type=\"int\" group=\"system\" regnum=\"37\"/>\n"
         "    <reg name=\"faultmask\" bitsize=\"32\" type=\"int\" group=\"system\" regnum=\"38\"/>\n"
         "    <reg name=\"control\" bitsize=\"32\" type=\"int\" group=\"system\" regnum=\"39\"/>\n"
         "  </feature>\n"
         "</target>\n";
    return x;
}

}  // namespace

const std::string& targetXml() {
    static const std::string xml = buildTargetXml();
    return xml;
}

const std::string& memoryMapXml() {
    static const std::string xml =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" "
        "\"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
        "<memory-map>\n"
        "  <memory type=\"ram\" start=\"0x00100000\" length=\"0x30000\"/>\n"
        "  <memory type=\"flash\" start=\"0x10000000\" length=\"0x100000\">\n"
        "    <property name=\"blocksize\">0x1000</property>\n"
        "  </memory>\n"
        "  <memory type=\"ram\" start=\"0x20000000\" length=\"0x2000000\"/>\n"
        "  <memory type=\"ram\" start=\"0x22000000\" length=\"0x10000\"/>\n"
        "  <memory type=\"ram\" start=\"0x30000000\" length=\"0x10000000\"/>\n"
        "  <memory type=\"ram\" start=\"0x80000000\" length=\"0x400000\"/>\n"
        "  <memory type=\"ram\" start=\"0xe0000000\" length=\"0x100000\"/>\n"
        "</memory-map>\n";
    return xml;
}

}  // namespace mt3620::gdb
