/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpreply.h - the SMTP reply parser of the live relay audit (relaywarden -A): the server's
 * bytes are untrusted, so a reply is read from a bounded buffer, every line is checked
 * (RFC 5321 4.2: a three-digit code, '-' on every line but the last, the same code on each)
 * and a reply past the limits below is an error, never a cut one.
 */
#ifndef RW_SMTPREPLY_H
#define RW_SMTPREPLY_H

#include <stddef.h>

/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets, its CRLF included. */
#define SMTPREPLY_LINE_MAX 512
/* Lines in one reply: an EHLO answer lists one extension a line, a dozen or two in practice;
 * 64 leaves room and bounds what a hostile server can make the client hold. */
#define SMTPREPLY_LINES_MAX 64
/* The most bytes one reply can take: what the client's read buffer must hold. */
#define SMTPREPLY_MAX (SMTPREPLY_LINE_MAX * SMTPREPLY_LINES_MAX)
/* The text of the last line kept for the report, control and 8-bit bytes shown as '?'. Longer
 * text ends in "..." so that the cut shows. */
#define SMTPREPLY_TEXT_MAX 160

struct smtp_reply {
    int code;   /* 200 to 599 */
    int nlines; /* 1 to SMTPREPLY_LINES_MAX */
    char text[SMTPREPLY_TEXT_MAX + 4];
};

/*
 * smtpreply_parse - the first reply in buf[0..len). Returns 1 with *r filled and *used set to
 * the bytes it took (the next reply starts there); 0 when buf holds the start of a valid reply
 * but not its end yet (read more); -1 when the bytes are no SMTP reply (bad or mixed codes, a
 * NUL byte, a line longer than SMTPREPLY_LINE_MAX, more than SMTPREPLY_LINES_MAX lines), with
 * the reason in why. A line ends in CRLF or a bare LF. Nothing is kept from buf.
 */
int smtpreply_parse(const char *buf, size_t len, struct smtp_reply *r, size_t *used, char *why,
                    size_t whylen);

/*
 * smtpreply_offers_tls - 1 when a line of the reply in reply[0..len) (a whole one, as
 * smtpreply_parse took it) is the EHLO keyword STARTTLS in any case, followed by the line's end
 * or a space ("250-STARTTLS", "250 starttls"); else 0. Reads nothing past reply[len - 1].
 */
int smtpreply_offers_tls(const char *reply, size_t len);

#endif
