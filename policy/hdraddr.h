/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.h - the author headers of a message (From:, Sender:) parsed for sender binding and
 * anti-spoofing. RFC 5322 address lists: display names, comments, quoted strings, groups,
 * several mailboxes. RFC 2047 encoded words in display names and comments are decoded, and any
 * address hidden in them is kept too, so "=?utf-8?b?...?=" cannot smuggle one past the check.
 */
#ifndef RW_HDRADDR_H
#define RW_HDRADDR_H

#include "addr.h"

#include <stddef.h>

/* Mailboxes kept per message from From: and Sender:; a message naming more is broken. */
#define HDR_MAILBOXES_MAX 16
/* Longest From: or Sender: value accepted (RFC 5322 allows 998 octets a line, folded more). */
#define HDR_VALUE_MAX 8192

struct mailbox {
    unsigned flags; /* ADDR_F_* of the parsed addr-spec */
    char local[ADDR_PATH_MAX + 1];
    char domain[ADDR_DOMAIN_MAX + 1];
};

struct author {
    int nfrom;   /* From: headers seen */
    int nsender; /* Sender: headers seen */
    int broken;  /* a From:/Sender: could not be parsed, was too long, or named too many */
    char why[128];
    int nbox; /* mailboxes in From: and Sender:, and addresses hidden in display names */
    struct mailbox box[HDR_MAILBOXES_MAX];
    int nhidden; /* how many of box[] came from display names or comments */
};

/* hdraddr_add - feed one header; only From and Sender (any case) are looked at. */
void hdraddr_add(struct author *au, const char *name, const char *value);

/* hdraddr_parse - parse one address list; 0 and the mailboxes appended, or -1 with err. */
int hdraddr_parse(const char *value, struct author *au, char *err, size_t errlen);

/* hdraddr_decode_words - decode RFC 2047 encoded words in src into dst (raw bytes). */
void hdraddr_decode_words(const char *src, char *dst, size_t dstlen);

#endif
