/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hygiene.h - outbound hygiene: the defects of a message an application sent badly (no Date,
 * no Message-ID, a missing or unparsable From, a Sender that is not one mailbox, 8-bit header
 * bytes without SMTPUTF8, lines over 998 octets, stray CR or LF, repeated singleton headers),
 * found as the message streams by.
 *
 *   hygiene_init(&h, smtputf8);             per message, at MAIL (no allocation)
 *   hygiene_header(&h, name, value);        each header as the MTA gives it
 *   hygiene_eoh(&h);                        what is missing, the From: verdict
 *   hygiene_body(&h, chunk, len);           each body chunk, any split
 *   hygiene_end(&h);                        end of message: the body's last line
 *
 * Nothing is allocated; the state is a plain struct the caller owns. The defects only grow,
 * except that hygiene_fix() takes away the two it can repair (Date, Message-ID).
 */
#ifndef RW_HYGIENE_H
#define RW_HYGIENE_H

#include "hdraddr.h"

#include <stddef.h>

/* RFC 5322 2.1.1: "Each line of characters MUST be no more than 998 characters, excluding
 * the CRLF." Lines longer are the defect long-line; 998 octets pass. */
#define HYGIENE_LINE_MAX 998
/* Header names kept for the log (the first long, 8-bit, stray-CR or repeated one): a longer
 * one is cut there and marked "...", for the log alone; the defect is found whatever the
 * length. Real header names are a few dozen octets at most. */
#define HYGIENE_NAME_LOG 64
/* A header name quoted in a reply (duplicate-header, long-line): the longest common one,
 * Content-Transfer-Encoding, is 25 octets; a longer name, or one with a byte other than a
 * letter, digit or '-', is left out so that the reply stays one short line of known bytes. */
#define HYGIENE_REPLY_NAME 32
/* The reply with its detail: the longest table text (about 150 octets) and " (header " +
 * a name of HYGIENE_REPLY_NAME + ")". */
#define HYGIENE_REPLY_MAX 256

enum hygiene_defect {
    HYG_MISSING_DATE = 1u << 0,
    HYG_MISSING_MSGID = 1u << 1,
    HYG_BAD_FROM = 1u << 2,
    HYG_8BIT_HEADER = 1u << 3,
    HYG_LONG_LINE = 1u << 4,
    HYG_BARE_CR = 1u << 5,
    HYG_DUP_HEADER = 1u << 6,
    HYG_BAD_SENDER = 1u << 7,
};
#define HYG_ALL 0xffu
/* The defects known once the headers are complete; the others need the body. */
#define HYG_HEADER_DEFECTS                                                                         \
    (HYG_MISSING_DATE | HYG_MISSING_MSGID | HYG_BAD_FROM | HYG_8BIT_HEADER | HYG_DUP_HEADER |      \
     HYG_BAD_SENDER)
/* The ones fix repairs: a Date and a Message-ID can be added without guessing. */
#define HYG_FIXABLE (HYG_MISSING_DATE | HYG_MISSING_MSGID)

/* The singleton headers of RFC 5322 3.6 (at most one each) that are counted. */
#define HYGIENE_NSINGLE 10

struct hygiene {
    int smtputf8;     /* MAIL FROM said SMTPUTF8: 8-bit header bytes are allowed */
    unsigned defects; /* HYG_* found so far */
    unsigned fixed;   /* HYG_FIXABLE defects fix took away (the headers to add) */
    int count[HYGIENE_NSINGLE];
    int eoh;
    int from_bad;                           /* a From: failed hdraddr_check */
    int from_boxes;                         /* most mailboxes one From: field names */
    char why_from[128];                     /* bad-from: what hdraddr_check said */
    int sender_bad;                         /* a Sender: failed hdraddr_check_mailbox */
    char why_sender[128];                   /* bad-sender: what it said */
    char long_where[HYGIENE_NAME_LOG + 16]; /* "header Subject", "body line 7" */
    char bit8_name[HYGIENE_NAME_LOG + 4];   /* room for "..." */
    char cr_where[HYGIENE_NAME_LOG + 16];
    char dup_name[HYGIENE_NAME_LOG + 4];
    char reply[HYGIENE_REPLY_MAX]; /* hygiene_reply's text */
    /* the body as it streams: octets on the current line (saturating past the limit), the
     * line number, a CR waiting for its LF */
    size_t line_len;
    unsigned long line_no;
    int pending_cr;
    int ended; /* hygiene_end: the body's defects are all known */
};

void hygiene_init(struct hygiene *h, int smtputf8);
/* hygiene_header - one header field: name and its value as the MTA gives it (folds as "\n"
 * or "\r\n" followed by white space; Postfix drops the space after the colon, so the first
 * line is counted as "Name: value"). NULL name or value: ignored. A From: is checked with
 * hdraddr_check, a Sender: with hdraddr_check_mailbox (one mailbox, no group), RFC 6532 UTF-8
 * allowed when MAIL FROM said SMTPUTF8; the anti-spoofing parse of the session is not
 * touched. */
void hygiene_header(struct hygiene *h, const char *name, const char *value);
/* hygiene_header_lead - the same, with the octets of the field's first line before the value
 * given (relaywarden -t, which holds the real line: "Subject:x" is 8, "From : " 7); the
 * daemon's hygiene_header counts strlen(name) + 2. */
void hygiene_header_lead(struct hygiene *h, const char *name, const char *value, size_t lead);
/* hygiene_eoh - the headers are complete: what is missing is known now; From: is bad when
 * missing, unparsable, or naming several mailboxes without a Sender: (RFC 5322 3.6.2). */
void hygiene_eoh(struct hygiene *h);
void hygiene_body(struct hygiene *h, const void *chunk, size_t len);
void hygiene_end(struct hygiene *h);
/* hygiene_fix - takes away the fixable defects found (missing Date, Message-ID) and returns
 * them: the caller adds those headers. Calling it again returns 0. */
unsigned hygiene_fix(struct hygiene *h);

/* The defects by keyword, in the order the man page lists them ("any" is every one). */
struct hygiene_def {
    const char *name;  /* "missing-date" */
    unsigned defect;   /* HYG_*; HYG_ALL for any */
    const char *reply; /* the default reject text: what to repair, with the RFC */
    const char *help;  /* for the condition table: "holds when ..." */
};
size_t hygiene_count(void);
const struct hygiene_def *hygiene_at(size_t i);
/* hygiene_lookup - the row for a keyword, or NULL. */
const struct hygiene_def *hygiene_lookup(const char *name);

/* hygiene_describe - "missing-date,long-line (body line 3)" for the defects of mask that h
 * found, with where, into buf (cut to len; the caller escapes it for a log). Returns buf. */
char *hygiene_describe(const struct hygiene *h, unsigned mask, char *buf, size_t len);
/* hygiene_reply - the default reject text for the first defect of mask that h found:
 * "message has no Date header (RFC 5322 3.6.1); fix the sending application"; duplicate-header
 * and long-line add where, "(Subject)", "(header X-Data)", "(body line 3)", when the name is
 * a safe one (HYGIENE_REPLY_NAME). The text is in h, valid until the next hygiene_reply on h
 * or until h goes away. */
const char *hygiene_reply(struct hygiene *h, unsigned mask);

/* hygiene_date - "Thu, 03 Dec 2026 17:16:51 +0000" (RFC 5322 3.3) for a time in seconds since
 * the epoch, in UTC. hygiene_msgid - "<20261203171651.123456.QID@host>" from the time in
 * microseconds, the queue id (unique on the MTA) and the host name. 0, or -1 when buf is too
 * small or the time cannot be written. */
int hygiene_date(long long secs, char *buf, size_t len);
int hygiene_msgid(long long usecs, const char *qid, const char *host, char *buf, size_t len);

#endif
