#!/usr/bin/env python3
"""Writes the malformed image package corpus (bad/*.imagepackage) from good.imagepackage.

Each file breaks one rule of the layout in docs/image-packages.md; bad/expected.txt lists,
per file, a fragment the refusal message must contain (the section and the offset).
bad/unsigned.imagepackage is made by `mt3620-emu image pack-application --unsigned`.
Run from this directory: python3 make_corpus.py
"""
import struct

good = bytearray(open("good.imagepackage", "rb").read())
size = len(good)
meta_size = struct.unpack_from("<I", good, size - 4)[0]
meta = size - meta_size


def sections(b):
    m = len(b) - struct.unpack_from("<I", b, len(b) - 4)[0]
    count = struct.unpack_from("<H", b, m + 4)[0]
    pos, out = m + 8, []
    for _ in range(count):
        tag = bytes(b[pos:pos + 2]).decode()
        length = struct.unpack_from("<H", b, pos + 2)[0]
        out.append((tag, pos, length))
        pos += 4 + length
    return m, out


def find(b, tag):
    return next(s for s in sections(b)[1] if s[0] == tag)


def rebuild(payload, secs):
    """Package bytes from a payload and a list of (tag, data) sections (no re-signing)."""
    body = b"META" + struct.pack("<HH", len(secs), 0)
    for tag, data in secs:
        body += tag.encode() + struct.pack("<H", len(data)) + data
    body += struct.pack("<I", len(body) + 4)
    return payload + body


def parts(b):
    m, secs = sections(b)
    return bytes(b[:m]), [(t, bytes(b[p + 4:p + 4 + l])) for t, p, l in secs]


cases = {}
expected = {}


def case(name, data, fragment):
    cases[name] = bytes(data)
    expected[name] = fragment


case("truncated-half", good[: size // 2], "metadata")
case("truncated-trailer", good[:-2], "metadata")
case("truncated-tiny", good[:5], "too small")
b = bytearray(good); b[meta] ^= 0xFF
case("bad-magic", b, "metadata header at offset 0x%x: bad magic" % meta)
tag, pos, length = find(good, "DB")
b = bytearray(good); struct.pack_into("<H", b, pos + 2, length + 8)
case("bad-section-length", b, "('DB') at offset 0x%x" % pos)
tag, pos, length = find(good, "SG")
b = bytearray(good); struct.pack_into("<H", b, pos + 2, 0xFFFF)
case("section-length-overflow", b, "('SG') at offset 0x%x: length 65535 runs past" % pos)
b = bytearray(good); struct.pack_into("<H", b, meta + 4, len(sections(good)[1]) + 1)
case("bad-section-count", b, "header runs past the end of the metadata")
b = bytearray(good); struct.pack_into("<H", b, meta + 4, len(sections(good)[1]) - 1)
case("trailing-metadata", b, "between the last of the")
b = bytearray(good); struct.pack_into("<I", b, size - 4, size + 10)
case("bad-metadata-size", b, "metadata trailer at offset 0x%x" % (size - 4))
payload, secs = parts(good)
case("missing-signature", rebuild(payload, [s for s in secs if s[0] != "SG"]), "no signature section 'SG'")
case("duplicate-section", rebuild(payload, secs[:1] + secs), "('ID') at offset")
case("unknown-section", rebuild(payload, [("ZZ", b"\0" * 4)] + secs), "('ZZ') at offset")
case("missing-identity", rebuild(payload, [s for s in secs if s[0] != "ID"]), "no identity section 'ID'")
tag, pos, length = find(good, "SG")
b = bytearray(good); b[pos + 4 + 24:pos + 4 + 88] = bytes(64)
case("zero-signature", b, "section 'SG' at offset 0x%x: the signature at offset 0x%x does not match" % (pos, pos + 28))
b = bytearray(good); struct.pack_into("<I", b, pos + 4 + 20, 7)
case("bad-signing-type", b, "section 'SG' at offset 0x%x: signing type 7" % pos)
b = bytearray(good); b[pos + 4] ^= 1
case("unknown-signer", b, "section 'SG' at offset 0x%x: signed by key" % pos)
b = bytearray(good); b[3] ^= 1
case("tampered-payload", b, "does not match the package contents")
tag, pos, length = find(good, "TT")
b = bytearray(good); b[pos + 4] = 0x80
case("bad-temporary-flags", b, "('TT') at offset 0x%x: unknown flag bits" % pos)

for name, data in cases.items():
    open("bad/%s.imagepackage" % name, "wb").write(data)
expected["unsigned"] = "no signature section 'SG'"
with open("bad/expected.txt", "w") as f:
    f.write("# <file> <fragment of the refusal message>\n")
    for name in sorted(expected):
        f.write("%s.imagepackage %s\n" % (name, expected[name]))
