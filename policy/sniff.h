/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sniff.h - the true type of a file from its first (and a few last) bytes, by a small table of
 * magic numbers: what the rules test with `truetype`. A table, not libmagic: libmagic answers
 * about 4,000 calls a second, the table millions, and the table names only what mail rules ask.
 */
#ifndef RW_SNIFF_H
#define RW_SNIFF_H

#include <stddef.h>

/*
 * sniff_type - the keyword for content of size bytes whose first hlen bytes are head and whose
 * last tlen bytes are tail (tail NULL and tlen 0 when head holds it all; head and tail never
 * overlap). Keywords: "empty", "exe" (PE/MZ, also DLLs), "elf", "macho" (also fat), "java",
 * "script" (#!), "ole", "ole-macro" (a VBA project's directory entry seen), "ooxml" (a zip with
 * [Content_Types].xml), "ooxml-macro" (and vbaProject.bin), "zip", "rar" (4 and 5), "7z",
 * "gzip", "bzip2", "xz", "cab", "tar", "pdf" (%PDF- in the first 1024 bytes, as readers
 * accept), "iso" (CD001 at 32769, 34817 or 36865), "vhd", "vhdx", "onenote", "chm", "rtf",
 * "lnk", "html" (a document that starts with a tag browsers run: HTML smuggling), "unknown".
 * The string is static.
 */
const char *sniff_type(const unsigned char *head, size_t hlen, const unsigned char *tail,
                       size_t tlen, unsigned long long size);

/* sniff_names - every keyword sniff_type can return, for rule checks and hints; *n is set. */
const char *const *sniff_names(size_t *n);

/* sniff_is_archive - 1 if the keyword names a type libarchive lists (zip, ooxml, rar, 7z,
 * gzip, bzip2, xz, cab, tar, iso), else 0. */
int sniff_is_archive(const char *type);

#endif
