/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpreply.c - one SMTP reply out of a buffer of untrusted bytes, line by line, each line
 * bounded before it is looked at. Used by the live relay audit's client (milter/liveaudit.c).
 */
#include "smtpreply.h"
#include "util.h"

#include <string.h>
#include <strings.h>

/* The code of a line: three digits, 2-5, 0-5, 0-9; -1 if it has none. */
static int
smtpreply_code(const char *s, size_t n)
{
    if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' || s[2] < '0' || s[2] > '9')
        return -1;
    return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* The text after "250 " of the last line, printable ASCII only, cut with "..." */
static void
smtpreply_text(struct smtp_reply *r, const char *s, size_t n)
{
    size_t i, o = 0;

    for (i = 0; i < n && o < SMTPREPLY_TEXT_MAX; i++)
        r->text[o++] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
    if (i < n) {
        memcpy(r->text + o, "...", 3);
        o += 3;
    }
    r->text[o] = '\0';
}

int
smtpreply_parse(const char *buf, size_t len, struct smtp_reply *r, size_t *used, char *why,
                size_t whylen)
{
    size_t pos = 0;
    int lines = 0, code = -1;

    memset(r, 0, sizeof(*r));
    for (;;) {
        const char *line = buf + pos, *nl;
        size_t avail = len - pos, n, end;
        int c;

        /* look no further than one line may be long */
        nl = memchr(line, '\n', avail < SMTPREPLY_LINE_MAX ? avail : SMTPREPLY_LINE_MAX);
        if (nl == NULL) {
            if (avail >= SMTPREPLY_LINE_MAX) {
                util_errf(why, whylen, "reply line %d is longer than %d bytes", lines + 1,
                          SMTPREPLY_LINE_MAX);
                return -1;
            }
            if (memchr(line, '\0', avail) != NULL) {
                util_errf(why, whylen, "reply line %d holds a NUL byte", lines + 1);
                return -1;
            }
            return 0; /* the line is not complete yet */
        }
        end = (size_t)(nl - line) + 1;
        n = end - 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (memchr(line, '\0', n) != NULL) {
            util_errf(why, whylen, "reply line %d holds a NUL byte", lines + 1);
            return -1;
        }
        if ((c = smtpreply_code(line, n)) < 0 || (n > 3 && line[3] != ' ' && line[3] != '-')) {
            util_errf(why, whylen, "reply line %d does not start with a reply code", lines + 1);
            return -1;
        }
        if (code >= 0 && c != code) {
            util_errf(why, whylen, "reply line %d has code %d, the lines before %d", lines + 1, c,
                      code);
            return -1;
        }
        code = c;
        if (++lines > SMTPREPLY_LINES_MAX) {
            util_errf(why, whylen, "reply has more than %d lines", SMTPREPLY_LINES_MAX);
            return -1;
        }
        pos += end;
        if (n == 3 || line[3] == ' ') {
            r->code = code;
            r->nlines = lines;
            smtpreply_text(r, line + (n > 3 ? 4 : 3), n > 3 ? n - 4 : 0);
            *used = pos;
            return 1;
        }
    }
}

int
smtpreply_offers_tls(const char *reply, size_t len)
{
    size_t i;

    for (i = 0; i + 12 < len; i++)
        if ((i == 0 || reply[i - 1] == '\n') && strncasecmp(reply + i + 4, "STARTTLS", 8) == 0 &&
            (reply[i + 12] == '\r' || reply[i + 12] == '\n' || reply[i + 12] == ' '))
            return 1;
    return 0;
}
