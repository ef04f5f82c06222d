/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.h - the author headers of a message (From:, Sender:) parsed for sender binding and
 * anti-spoofing. RFC 5322 address lists: display names, comments, quoted strings, groups,
 * several mailboxes, the obsolete route. Every text a mail reader displays (display names,
 * comments anywhere, group names) is brought to the normal form of textnorm.h and scanned for
 * addresses, which are kept as "hidden" mailboxes: '"boss@example.com" <x@evil>' names both.
 */
#ifndef RW_HDRADDR_H
#define RW_HDRADDR_H

#include "addr.h"

#include <stddef.h>

/* Mailboxes kept per message from From: and Sender:, hidden ones included; a message naming
 * more is broken. Real mail names one author, rarely a handful; 16 leaves room for lists. */
#define HDR_MAILBOXES_MAX 16
/* Longest From: or Sender: value accepted. RFC 5322 allows 998 octets a line and folding
 * allows more; 8 KiB is eight full lines, beyond any author header a mailer writes. */
#define HDR_VALUE_MAX 8192
/* Longest display text (one display name, group name, or the comments around one address)
 * after decoding: a Latin-1 byte becomes two UTF-8 bytes, a base64 word three bytes per four,
 * NFKC some characters several. Four times the longest value covers every real header. */
#define HDR_TEXT_MAX (4 * HDR_VALUE_MAX)

struct author {
    int nfrom;   /* From: headers seen */
    int nsender; /* Sender: headers seen */
    int broken;  /* a From:/Sender: could not be parsed, was too long, or named too many */
    char why[128];
    int nbox; /* mailboxes in From: and Sender:, and addresses found in their display text */
    struct addr box[HDR_MAILBOXES_MAX]; /* every hop kept: see eval.c for claims and owners */
    unsigned char hidden[HDR_MAILBOXES_MAX]; /* 1: box[i] was found in display text */
    int nhidden;
};

/* hdraddr_add - feed one header (NUL-terminated value as the MTA gives it); only From and
 * Sender (any case) are looked at. A header that cannot be parsed marks au broken with why. */
void hdraddr_add(struct author *au, const char *name, const char *value);

/*
 * hdraddr_parse - parse the address list value[0..len) (a NUL byte in it is an error).
 * Returns 0 with the mailboxes appended to au, or -1 with the reason in err; on -1 au may
 * hold some of the mailboxes (the caller marks it broken). No length limit of its own:
 * hdraddr_add applies HDR_VALUE_MAX.
 */
int hdraddr_parse(const char *value, size_t len, struct author *au, char *err, size_t errlen);

/*
 * hdraddr_check - the syntax of the address list value[0..len) alone, for outbound hygiene:
 * RFC 5322, and with utf8 (MAIL FROM said SMTPUTF8) RFC 6532 3.2 too - valid UTF-8 without C1
 * controls in atoms, quoted strings, comments and domain labels. Display text is not scanned
 * for hidden addresses and nothing is kept. Returns the mailboxes written (1 or more), or -1
 * with the reason in err: past HDR_VALUE_MAX, more than HDR_MAILBOXES_MAX mailboxes, bad
 * syntax, bad UTF-8. The anti-spoofing parse (hdraddr_add) stays ASCII-only whatever utf8.
 */
int hdraddr_check(const char *value, size_t len, int utf8, char *err, size_t errlen);

/*
 * hdraddr_check_mailbox - a field that holds one mailbox (Sender:, RFC 5322 3.6.2: sender =
 * "Sender:" mailbox): hdraddr_check's syntax and limits, and exactly one mailbox outside any
 * group. 0, or -1 with the reason in err ("2 mailboxes, not one (RFC 5322 3.6.2)", "a group,
 * not one mailbox (RFC 5322 3.6.2)", or hdraddr_check's).
 */
int hdraddr_check_mailbox(const char *value, size_t len, int utf8, char *err, size_t errlen);

#endif
