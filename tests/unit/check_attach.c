/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_attach.c - attachment facts: file names (every normalisation and flag, the limits at
 * -1/limit/+1), the true-type table (one row per entry, near misses, truncated heads) and
 * SHA-256 fed at every split point. Names inside archives: check_arclist.c.
 */
#include "attach.h"
#include "sniff.h"

#include "testutil.h"

/* ---- names ---- */

static const struct {
    const char *name;
    const char *in;
    const char *want; /* normal form */
    const char *exts; /* extensions, last first, space-separated */
    unsigned flags;
} name_rows[] = {
    {"plain", "report.pdf", "report.pdf", "pdf", 0},
    {"double extension", "invoice.pdf.exe", "invoice.pdf.exe", "exe pdf", NAME_DOUBLE_EXT},
    {"upper case is folded for the extensions", "INVOICE.PDF.EXE", "INVOICE.PDF.EXE", "exe pdf",
     NAME_DOUBLE_EXT},
    {"tar.gz counts twice", "backup.tar.gz", "backup.tar.gz", "gz tar", NAME_DOUBLE_EXT},
    {"trailing dots and spaces dropped", "evil.exe. . .", "evil.exe", "exe", NAME_TRAILING},
    {"trailing space after the extension", "evil.exe ", "evil.exe", "exe", NAME_TRAILING},
    {"path with slashes", "C:/Users/x/evil.exe", "evil.exe", "exe", NAME_PATH},
    {"path with backslashes", "..\\..\\Startup\\evil.lnk", "evil.lnk", "lnk", NAME_PATH},
    {"a path and nothing after it", "dir/", "", "", NAME_PATH | NAME_EMPTY},
    {"RLO hides exe (U+202E)",
     "invoice\xe2\x80\xae"
     "fdp.exe",
     "invoicefdp.exe", "exe", NAME_BIDI},
    {"RLO inside the extension", "photo.e\xe2\x80\xaexe", "photo.exe", "exe", NAME_BIDI},
    {"isolates (U+2066, U+2069)",
     "a\xe2\x81\xa6"
     "b\xe2\x81\xa9.js",
     "ab.js", "js", NAME_BIDI},
    {"LRM, RLM, ALM", "x\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c.scr", "x.scr", "scr", NAME_BIDI},
    {"LRE, RLE, PDF, LRO (U+202A..D)", "a\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad.vbs",
     "a.vbs", "vbs", NAME_BIDI},
    {"zero-width space and joiner", "ev\xe2\x80\x8bil.e\xe2\x80\x8dxe", "evil.exe", "exe",
     NAME_INVISIBLE},
    {"soft hyphen", "ev\xc2\xadil.exe", "evil.exe", "exe", NAME_INVISIBLE},
    {"byte order mark", "\xef\xbb\xbfx.hta", "x.hta", "hta", NAME_INVISIBLE},
    {"C0 control", "evil\x01.exe", "evil.exe", "exe", NAME_CONTROL},
    {"tab, DEL and C1 (U+0085)",
     "a\t\x7f\xc2\x85"
     "b.txt",
     "ab.txt", "txt", NAME_CONTROL},
    {"NFC composes", "Cafe\xcc\x81.txt", "Caf\xc3\xa9.txt", "txt", 0},
    {"RFC 2231-decoded UTF-8 kept", "Rechnung M\xc3\xa4rz.pdf", "Rechnung M\xc3\xa4rz.pdf", "pdf",
     0},
    {"sharp s folds to ss", "MA\xc3\x9f.EXE", "MA\xc3\x9f.EXE", "exe", 0},
    {"Turkish dotted I", "\xc4\xb0NVOICE.EXE", "\xc4\xb0NVOICE.EXE", "exe", 0},
    {"fullwidth full stop is no dot",
     "evil\xef\xbc\x8e"
     "exe",
     "evil\xef\xbc\x8e"
     "exe",
     "", 0},
    {"padding before the last dot", "invoice.pdf      .exe", "invoice.pdf      .exe", "exe pdf",
     NAME_DOUBLE_EXT | NAME_EXT_PADDED},
    {"padding in the stem", "invoice      .exe", "invoice      .exe", "exe", NAME_EXT_PADDED},
    {"the stem never counts", "exe.pdf", "exe.pdf", "pdf", 0},
    {"a piece with a hyphen stops the walk", "John.Smith-CV.pdf", "John.Smith-CV.pdf", "pdf", 0},
    {"a piece with a space stops the walk", "a.p df.exe", "a.p df.exe", "exe", 0},
    {"the last extension always counts", "Notes. Read me", "Notes. Read me", " read me", 0},
    {"dot file", ".htaccess", ".htaccess", "htaccess", 0},
    {"dot file with a second dot", ".config.exe", ".config.exe", "exe config", NAME_DOUBLE_EXT},
    {"no dot", "README", "README", "", 0},
    {"only dots", "...", "", "", NAME_TRAILING | NAME_EMPTY},
    {"empty", "", "", "", NAME_EMPTY},
    {"not UTF-8", "a\xff.exe", "a\xef\xbf\xbd.exe", "exe", NAME_BAD_UTF8},
    {"U+FFFD given is UTF-8", "a\xef\xbf\xbd.exe", "a\xef\xbf\xbd.exe", "exe", 0},
    {"everything at once", "C:\\x\\Re\xe2\x80\x8bport\xe2\x80\xae.pdf     .exe .",
     "Report.pdf     .exe", "exe pdf",
     NAME_PATH | NAME_INVISIBLE | NAME_BIDI | NAME_TRAILING | NAME_DOUBLE_EXT | NAME_EXT_PADDED},
};

/* The extensions of n joined by spaces. */
static const char *
name_exts(const struct attach_name *n)
{
    static char s[ATTACH_NAME_MAX * 2];

    s[0] = '\0';
    for (size_t i = 0; i < n->next; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, n->ext[i]);
    }
    return s;
}

START_TEST(test_name_table)
{
    struct attach_name n;
    char err[128];

    ck_assert_int_eq(attach_name_norm(name_rows[_i].in, &n, err, sizeof(err)), 0);
    ck_assert_msg(strcmp(n.name, name_rows[_i].want) == 0 &&
                      strcmp(name_exts(&n), name_rows[_i].exts) == 0 &&
                      n.flags == name_rows[_i].flags,
                  "%s: got name \"%s\" exts \"%s\" flags %#x, want \"%s\" \"%s\" %#x",
                  name_rows[_i].name, n.name, name_exts(&n), n.flags, name_rows[_i].want,
                  name_rows[_i].exts, name_rows[_i].flags);
    for (size_t i = 0; i < n.next; i++)
        ck_assert(attach_name_has_ext(&n, n.ext[i]));
    ck_assert(!attach_name_has_ext(&n, "nope"));
}
END_TEST

START_TEST(test_name_folded)
{
    static const struct {
        const char *name, *in, *want;
    } rows[] = {
        {"ASCII", "INVOICE.PDF.EXE", "invoice.pdf.exe"},
        {"sharp s", "MA\xc3\x9f.EXE", "mass.exe"},
        {"Greek final sigma", "\xce\xa3\xce\xa3.TXT", "\xcf\x83\xcf\x83.txt"},
        {"NFC after folding", "CAFE\xcc\x81.TXT", "caf\xc3\xa9.txt"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct attach_name n;
        char err[128];
        ck_assert_int_eq(attach_name_norm(rows[i].in, &n, err, sizeof(err)), 0);
        ck_assert_msg(strcmp(n.folded, rows[i].want) == 0, "%s: got \"%s\" want \"%s\"",
                      rows[i].name, n.folded, rows[i].want);
    }
}
END_TEST

/* ATTACH_NAME_MAX bytes of input: -1 and at the limit a name, +1 "too long" and nothing else;
 * also with a two-byte character straddling the limit. */
START_TEST(test_name_limit)
{
    static struct attach_name n;
    char err[128], *s = malloc(ATTACH_NAME_MAX + 8);

    for (int d = -1; d <= 1; d++) {
        size_t len = (size_t)(ATTACH_NAME_MAX + d);
        memset(s, 'x', len - 4);
        memcpy(s + len - 4, ".exe", 5);
        ck_assert_int_eq(attach_name_norm(s, &n, err, sizeof(err)), 0);
        if (d <= 0)
            ck_assert_msg(n.flags == 0 && strlen(n.name) == len && n.next == 1,
                          "limit%+d: got flags %#x len %zu", d, n.flags, strlen(n.name));
        else
            ck_assert_msg(n.flags == NAME_TOO_LONG && n.name[0] == '\0' && n.next == 0,
                          "limit%+d: got flags %#x len %zu, want too long", d, n.flags,
                          strlen(n.name));
        /* the same length ending in a two-byte letter */
        memset(s, 'x', len);
        memcpy(s + len - 2, "\xc3\xa9", 3);
        ck_assert_int_eq(attach_name_norm(s, &n, err, sizeof(err)), 0);
        ck_assert_msg((n.flags == NAME_TOO_LONG) == (d > 0), "limit%+d, 2-byte end: flags %#x", d,
                      n.flags);
    }
    free(s);
}
END_TEST

/* Stray bytes become U+FFFD, three bytes each: a normal form over ATTACH_NAME_MAX is too long
 * although the input was not (341 bytes give 1023, 342 give 1026). */
START_TEST(test_name_limit_normal_form)
{
    static struct attach_name n;
    char err[128], s[400];

    for (size_t k = 341; k <= 342; k++) {
        memset(s, 0xff, k);
        s[k] = '\0';
        ck_assert_int_eq(attach_name_norm(s, &n, err, sizeof(err)), 0);
        ck_assert_msg(k == 341 ? (n.flags == NAME_BAD_UTF8 && strlen(n.name) == 3 * k)
                               : (n.flags == NAME_TOO_LONG && n.name[0] == '\0'),
                      "%zu stray bytes: got flags %#x length %zu", k, n.flags, strlen(n.name));
    }
}
END_TEST

/* ATTACH_NAME_EXTS_MAX extensions: -1, the limit, +1 (NAME_MANY_EXT, the last 8 listed). */
START_TEST(test_name_exts_limit)
{
    static struct attach_name n;
    char err[128], s[256];

    for (int d = -1; d <= 1; d++) {
        int k = ATTACH_NAME_EXTS_MAX + d;
        strcpy(s, "stem");
        for (int i = k - 1; i >= 0; i--)
            sprintf(s + strlen(s), ".e%d", i);
        ck_assert_int_eq(attach_name_norm(s, &n, err, sizeof(err)), 0);
        ck_assert_msg(n.next == (size_t)(d > 0 ? ATTACH_NAME_EXTS_MAX : k) &&
                          ((n.flags & NAME_MANY_EXT) != 0) == (d > 0) &&
                          strcmp(n.ext[0], "e0") == 0,
                      "%d extensions: got %zu flags %#x ext0 %s", k, n.next, n.flags, n.ext[0]);
    }
}
END_TEST

/* ATTACH_NAME_EXT_LEN_MAX letters in a piece before the last dot: -1, limit count, +1 not. */
START_TEST(test_name_ext_len_limit)
{
    static struct attach_name n;
    char err[128], s[64];

    for (int d = -1; d <= 1; d++) {
        int len = ATTACH_NAME_EXT_LEN_MAX + d;
        sprintf(s, "a.%.*s.exe", len, "abcdefghijklmnop");
        ck_assert_int_eq(attach_name_norm(s, &n, err, sizeof(err)), 0);
        ck_assert_msg(n.next == (d > 0 ? 1u : 2u), "%d letters: got %zu extensions", len, n.next);
    }
}
END_TEST

/* ---- true type ---- */

#define B(s) s, sizeof(s) - 1
static const struct {
    const char *name;
    const char *bytes;
    size_t len;
    const char *want;
} sniff_rows[] = {
    {"empty", B(""), "empty"},
    {"PE", B("MZ\x90\0\x03\0\0\0"), "exe"},
    {"MZ alone", B("MZ"), "exe"},
    {"truncated MZ", B("M"), "unknown"},
    {"ELF",
     B("\x7f"
       "ELF\x02\x01\x01"),
     "elf"},
    {"truncated ELF",
     B("\x7f"
       "EL"),
     "unknown"},
    {"Mach-O 32 BE", B("\xfe\xed\xfa\xce"), "macho"},
    {"Mach-O 64 BE", B("\xfe\xed\xfa\xcf"), "macho"},
    {"Mach-O 32 LE", B("\xce\xfa\xed\xfe"), "macho"},
    {"Mach-O 64 LE", B("\xcf\xfa\xed\xfe\x07\0\0\x01"), "macho"},
    {"Mach-O fat, 2 archs", B("\xca\xfe\xba\xbe\0\0\0\x02"), "macho"},
    {"Mach-O fat, 29 archs", B("\xca\xfe\xba\xbe\0\0\0\x1d"), "macho"},
    {"Mach-O fat, SNIFF_FAT_ARCH_MAX archs", B("\xca\xfe\xba\xbe\0\0\0\x1e"), "macho"},
    {"31 archs is a Java class", B("\xca\xfe\xba\xbe\0\0\0\x1f"), "java"},
    {"Java class (version 52)", B("\xca\xfe\xba\xbe\0\0\0\x34"), "java"},
    {"script", B("#!/bin/sh\n"), "script"},
    {"a lone hash", B("#"), "unknown"},
    {"OLE", B("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "ole"},
    {"truncated OLE", B("\xd0\xcf\x11\xe0\xa1\xb1\x1a"), "unknown"},
    {"zip", B("PK\x03\x04\x14\0\0\0"), "zip"},
    {"empty zip", B("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), "zip"},
    {"spanned zip", B("PK\x07\x08PK\x03\x04"), "zip"},
    {"truncated zip", B("PK\x03"), "unknown"},
    {"OOXML (head)",
     B("PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0"
       "[Content_Types].xml"
       "0123456789abcdef"),
     "ooxml"},
    {"OOXML with a macro (head)",
     B("PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0"
       "[Content_Types].xml"
       "PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0"
       "word/vbaProject.bin"
       "0123456789abcdef"),
     "ooxml-macro"},
    {"RAR 4", B("Rar!\x1a\x07\x00"), "rar"},
    {"RAR 5", B("Rar!\x1a\x07\x01\x00"), "rar"},
    {"truncated RAR", B("Rar!\x1a\x07"), "unknown"},
    {"7z", B("7z\xbc\xaf\x27\x1c\0\x04"), "7z"},
    {"gzip", B("\x1f\x8b\x08\0"), "gzip"},
    {"gzip with another method", B("\x1f\x8b\x07\0"), "unknown"},
    {"bzip2", B("BZh91AY&SY"), "bzip2"},
    {"bzip2 block size 0", B("BZh0"), "unknown"},
    {"bzip2 without block size", B("BZh"), "unknown"},
    {"xz",
     B("\xfd"
       "7zXZ\0\0\x04"),
     "xz"},
    {"cab", B("MSCF\0\0\0\0\x10\0"), "cab"},
    {"cab reserved bytes set", B("MSCF\0\0\0\x01"), "unknown"},
    {"PDF", B("%PDF-1.7\n"), "pdf"},
    {"RTF", B("{\\rtf1\\ansi"), "rtf"},
    {"RTF as Word reads it", B("{\\rt"), "rtf"},
    {"not RTF", B("{\\r"), "unknown"},
    {"shortcut", B("L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46\x9b"), "lnk"},
    {"truncated shortcut", B("L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0"), "unknown"},
    {"VHD (dynamic, header copy)", B("conectix\0\0\0\x02"), "vhd"},
    {"VHDX", B("vhdxfile"), "vhdx"},
    {"OneNote", B("\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3"), "onenote"},
    {"CHM", B("ITSF\x03\0\0\0\x60\0"), "chm"},
    {"HTML doctype", B("<!DOCTYPE html>\n"), "html"},
    {"HTML after white space", B("  \r\n<HTML>"), "html"},
    {"HTML script after a BOM", B("\xef\xbb\xbf<script src=x>"), "html"},
    {"not a tag browsers run", B("<header>"), "unknown"},
    {"a tag at the very end", B("<html"), "unknown"},
    {"text", B("hello world\n"), "unknown"},
};
#undef B

START_TEST(test_sniff_table)
{
    const char *got = sniff_type((const unsigned char *)sniff_rows[_i].bytes, sniff_rows[_i].len,
                                 NULL, 0, sniff_rows[_i].len);

    ck_assert_msg(strcmp(got, sniff_rows[_i].want) == 0, "%s: got %s want %s", sniff_rows[_i].name,
                  got, sniff_rows[_i].want);
}
END_TEST

/* Magic numbers away from the start: each at its offset, one byte off, and truncated. */
START_TEST(test_sniff_offsets)
{
    static const struct {
        const char *name, *magic, *want;
        size_t at, len;
    } rows[] = {
        {"tar", "ustar", "tar", 257, 512},
        {"tar one byte early", "ustar", "unknown", 256, 512},
        {"tar head cut in the magic", "ustar", "unknown", 257, 261},
        {"ISO 9660 at 32769", "CD001", "iso", 32769, 40960},
        {"ISO 9660 at 34817", "CD001", "iso", 34817, 40960},
        {"ISO 9660 at 36865", "CD001", "iso", 36865, 40960},
        {"ISO 9660 one byte early", "CD001", "unknown", 32768, 40960},
        {"PDF after junk, ending at 1024", "%PDF-", "pdf", 1019, 2048},
        {"PDF after junk, ending at 1025", "%PDF-", "unknown", 1020, 2048},
        {"fixed VHD footer", "conectix", "vhd", 1024 - 512, 1024},
        {"VHD footer misplaced", "conectix", "unknown", 1024 - 511, 1024},
    };
    unsigned char *p = calloc(1, 65536);

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got;
        size_t mlen = strlen(rows[i].magic);
        memset(p, 'x', 65536);
        memcpy(p + rows[i].at, rows[i].magic,
               mlen < rows[i].len - rows[i].at ? mlen : rows[i].len - rows[i].at);
        got = sniff_type(p, rows[i].len, NULL, 0, rows[i].len);
        ck_assert_msg(strcmp(got, rows[i].want) == 0, "%s: got %s want %s", rows[i].name, got,
                      rows[i].want);
    }
    free(p);
}
END_TEST

/* An OLE file bigger than the windows whose directory is written at its end: the VBA entry is
 * found in the tail window on a 128-byte slot, and not one byte off it. */
START_TEST(test_sniff_ole_tail)
{
    static const struct {
        const char *name;
        size_t size, at;
        const char *want;
    } rows[] = {
        {"directory entry in the tail", 400 * 1024, 400 * 1024 - 1024, "ole-macro"},
        {"entry off the 128-byte grid", 400 * 1024, 400 * 1024 - 1024 + 64, "ole"},
        {"entry between the windows", 400 * 1024, 100 * 1024, "ole"},
        {"entry in the head", 400 * 1024, 512 + 128, "ole-macro"},
    };
    static const char vba[] = "_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0";

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        unsigned char *p = calloc(rows[r].size, 1);
        struct attach *a = attach_new();
        char err[128];

        memcpy(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
        memcpy(p + rows[r].at, vba, sizeof(vba) - 1);
        p[rows[r].at + 64] = (unsigned char)(sizeof(vba) - 1 + 2);
        p[rows[r].at + 66] = 2;
        for (size_t i = 0; i < rows[r].size; i += 8192)
            ck_assert_int_eq(
                attach_feed(a, p + i, rows[r].size - i < 8192 ? rows[r].size - i : 8192), 0);
        ck_assert_int_eq(attach_end(a, err, sizeof(err)), 0);
        ck_assert_msg(strcmp(attach_facts(a)->truetype, rows[r].want) == 0, "%s: got %s want %s",
                      rows[r].name, attach_facts(a)->truetype, rows[r].want);
        attach_free(a);
        free(p);
    }
}
END_TEST

/* Every keyword of the table is one sniff_names lists, and every listed one is reachable. */
START_TEST(test_sniff_names)
{
    size_t n;
    const char *const *names = sniff_names(&n);

    for (size_t i = 0; i < sizeof(sniff_rows) / sizeof(sniff_rows[0]); i++) {
        size_t k;
        for (k = 0; k < n && strcmp(names[k], sniff_rows[i].want) != 0; k++)
            ;
        ck_assert_msg(k < n, "%s: %s is not in sniff_names", sniff_rows[i].name,
                      sniff_rows[i].want);
    }
    ck_assert_int_eq(sniff_is_archive("zip"), 1);
    ck_assert_int_eq(sniff_is_archive("exe"), 0);
}
END_TEST

/* ---- SHA-256 ---- */

static struct attach *
facts_of(const unsigned char *p, size_t n, size_t split, size_t chunk)
{
    struct attach *a = attach_new();
    char err[256];
    size_t i = 0;

    ck_assert_ptr_nonnull(a);
    if (split > 0) {
        ck_assert_int_eq(attach_feed(a, p, split), 0);
        i = split;
    }
    while (i < n) {
        size_t k = n - i < chunk ? n - i : chunk;
        ck_assert_int_eq(attach_feed(a, p + i, k), 0);
        i += k;
    }
    ck_assert_int_eq(attach_feed(a, p, 0), 0);
    ck_assert_msg(attach_end(a, err, sizeof(err)) == 0, "attach_end: %s", err);
    return a;
}

START_TEST(test_sha256_splits)
{
    static const struct {
        const char *name, *in, *want;
    } rows[] = {
        {"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"896 bits",
         "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        size_t n = strlen(rows[r].in);
        for (size_t split = 0; split <= n; split++) {
            for (size_t chunk = 1; chunk <= 2; chunk++) {
                struct attach *a =
                    facts_of((const unsigned char *)rows[r].in, n, split, chunk == 1 ? 1 : n + 1);
                const struct attach_facts *f = attach_facts(a);
                ck_assert_msg(strcmp(f->sha256, rows[r].want) == 0 && f->size == n,
                              "%s split %zu chunk %zu: got %s want %s", rows[r].name, split, chunk,
                              f->sha256, rows[r].want);
                attach_free(a);
            }
        }
    }
}
END_TEST

/* A million 'a's, past both windows, in pieces of several sizes. */
START_TEST(test_sha256_million)
{
    static const size_t chunks[] = {1000000, 65536, 4093, 131073, 7};
    unsigned char *p = malloc(1000000);

    memset(p, 'a', 1000000);
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        struct attach *a = facts_of(p, 1000000, 0, chunks[c]);
        const struct attach_facts *f = attach_facts(a);
        ck_assert_msg(
            strcmp(f->sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") ==
                0,
            "chunk %zu: got %s", chunks[c], f->sha256);
        ck_assert_str_eq(f->truetype, "unknown");
        ck_assert(f->size == 1000000);
        attach_free(a);
    }
    free(p);
}
END_TEST

START_TEST(test_api_misuse)
{
    struct attach *a = attach_new();
    char err[128] = "";

    ck_assert_ptr_null(attach_facts(a));
    ck_assert_int_eq(attach_end(a, err, sizeof(err)), 0);
    ck_assert_str_eq(attach_facts(a)->truetype, "empty");
    ck_assert_int_eq(attach_feed(a, (const unsigned char *)"x", 1), -1);
    ck_assert_int_eq(attach_end(a, err, sizeof(err)), -1);
    ck_assert(err[0] != '\0');
    attach_free(a);
    attach_free(NULL);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("attach");
    TCase *tn = tcase_create("names"), *ts = tcase_create("sniff"), *th = tcase_create("sha256");

    tcase_add_loop_test(tn, test_name_table, 0, (int)(sizeof(name_rows) / sizeof(name_rows[0])));
    tcase_add_test(tn, test_name_folded);
    tcase_add_test(tn, test_name_limit);
    tcase_add_test(tn, test_name_limit_normal_form);
    tcase_add_test(tn, test_name_exts_limit);
    tcase_add_test(tn, test_name_ext_len_limit);
    tcase_add_loop_test(ts, test_sniff_table, 0, (int)(sizeof(sniff_rows) / sizeof(sniff_rows[0])));
    tcase_add_test(ts, test_sniff_offsets);
    tcase_add_test(ts, test_sniff_names);
    tcase_add_test(ts, test_sniff_ole_tail);
    tcase_add_test(th, test_sha256_splits);
    tcase_add_test(th, test_sha256_million);
    tcase_add_test(th, test_api_misuse);
    tcase_set_timeout(th, 60);
    suite_add_tcase(s, tn);
    suite_add_tcase(s, ts);
    suite_add_tcase(s, th);
    return testutil_run(s);
}
