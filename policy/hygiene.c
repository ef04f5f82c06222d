/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hygiene.c - the defects of outbound mail (see hygiene.h): header fields counted and scanned
 * as they come, From: and Sender: judged from hdraddr.c's parse, the body's lines measured
 * chunk by chunk with a few bytes of state, so that any split of the body gives the same answer.
 */
#include "hygiene.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* RFC 5322 3.6: the fields that may occur at most once (Bcc aside: the MTA removes it). */
static const char *const hygiene_single[HYGIENE_NSINGLE] = {
    "Date", "From", "Sender",   "Subject",     "Message-ID",
    "To",   "Cc",   "Reply-To", "In-Reply-To", "References",
};
#define HYG_IDX_DATE 0
#define HYG_IDX_FROM 1
#define HYG_IDX_SENDER 2
#define HYG_IDX_MSGID 4

static const struct hygiene_def hygiene_table[] = {
    {"missing-date", HYG_MISSING_DATE,
     "message has no Date header (RFC 5322 3.6.1); fix the sending application",
     "the message has no Date: header"},
    {"missing-message-id", HYG_MISSING_MSGID,
     "message has no Message-ID header (RFC 5322 3.6.4); fix the sending application",
     "the message has no Message-ID: header"},
    {"bad-from", HYG_BAD_FROM,
     "message has no From header, one that cannot be parsed, or several authors and no Sender "
     "(RFC 5322 3.6.2); fix the sending application",
     "From: is missing, names no mailbox, cannot be parsed, or names several without a "
     "Sender:"},
    {"bad-sender", HYG_BAD_SENDER,
     "message has a Sender header that cannot be parsed or is not one mailbox (RFC 5322 "
     "3.6.2); fix the sending application",
     "a Sender: is there but cannot be parsed, names several mailboxes or is a group"},
    {"8bit-header", HYG_8BIT_HEADER,
     "message has 8-bit bytes in a header but MAIL FROM did not say SMTPUTF8 (RFC 6532, "
     "RFC 2047); fix the sending application",
     "a header field holds a byte over 127 and MAIL FROM did not say SMTPUTF8"},
    {"long-line", HYG_LONG_LINE,
     "message has a line over 998 octets (RFC 5322 2.1.1); fix the sending application",
     "a header or body line is longer than 998 octets"},
    {"bare-cr-lf", HYG_BARE_CR,
     "message has a CR or LF outside a CRLF line end (RFC 5322 2.3); fix the sending "
     "application",
     "a CR not followed by LF, or a LF that is no line end, in a header value or the body"},
    {"duplicate-header", HYG_DUP_HEADER,
     "message repeats a header that may occur only once (RFC 5322 3.6); fix the sending "
     "application",
     "Date, From, Sender, Subject, Message-ID, To, Cc, Reply-To, In-Reply-To or References "
     "occurs twice"},
    {"fixable", HYG_FIXABLE,
     "message has no Date or no Message-ID header (RFC 5322 3.6); fix the sending application",
     "the message lacks Date: or Message-ID: (what fix adds)"},
    {"any", HYG_ALL, "message is malformed (RFC 5322); fix the sending application",
     "the message has any of the defects above"},
};
#define HYGIENE_TABLE_LEN (sizeof(hygiene_table) / sizeof(hygiene_table[0]))

size_t
hygiene_count(void)
{
    return HYGIENE_TABLE_LEN;
}

const struct hygiene_def *
hygiene_at(size_t i)
{
    return i < HYGIENE_TABLE_LEN ? &hygiene_table[i] : NULL;
}

const struct hygiene_def *
hygiene_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < HYGIENE_TABLE_LEN; i++)
        if (strcmp(hygiene_table[i].name, name) == 0)
            return &hygiene_table[i];
    return NULL;
}

void
hygiene_init(struct hygiene *h, int smtputf8)
{
    memset(h, 0, sizeof(*h));
    h->smtputf8 = smtputf8;
    h->line_no = 1;
}

/* The first occurrence of a defect says where; later ones only count. */
static void
hygiene_note(struct hygiene *h, unsigned d, char *where, size_t len, const char *prefix,
             const char *name)
{
    if (h->defects & d)
        return;
    h->defects |= d;
    snprintf(where, len, "%s%.*s%s", prefix, HYGIENE_NAME_LOG, name,
             strlen(name) > HYGIENE_NAME_LOG ? "..." : "");
}

/* One From: field, judged alone (RFC 5322 3.6.2; RFC 6532 under SMTPUTF8). */
static void
hygiene_from(struct hygiene *h, const char *value)
{
    char err[96];
    int n;

    if ((n = hdraddr_check(value, strlen(value), h->smtputf8, err, sizeof(err))) == -1) {
        if (!h->from_bad)
            snprintf(h->why_from, sizeof(h->why_from), "From: %.100s", err);
        h->from_bad = 1;
        return;
    }
    if (n > h->from_boxes) /* per field: two From: fields are duplicate-header's */
        h->from_boxes = n;
}

/* One Sender: field: when there, exactly one mailbox (RFC 5322 3.6.2; RFC 6532 under
 * SMTPUTF8). A missing Sender is fine. */
static void
hygiene_sender(struct hygiene *h, const char *value)
{
    char err[96];

    if (hdraddr_check_mailbox(value, strlen(value), h->smtputf8, err, sizeof(err)) == 0)
        return;
    if (!h->sender_bad)
        snprintf(h->why_sender, sizeof(h->why_sender), "Sender: %.100s", err);
    h->sender_bad = 1;
    h->defects |= HYG_BAD_SENDER;
}

void
hygiene_header(struct hygiene *h, const char *name, const char *value)
{
    if (name == NULL || value == NULL)
        return;
    hygiene_header_lead(h, name, value, strlen(name) + 2);
}

void
hygiene_header_lead(struct hygiene *h, const char *name, const char *value, size_t lead)
{
    size_t nlen, line, i;
    const unsigned char *v;

    if (name == NULL || value == NULL)
        return;
    if (strcasecmp(name, "From") == 0)
        hygiene_from(h, value);
    else if (strcasecmp(name, "Sender") == 0)
        hygiene_sender(h, value);
    for (i = 0; i < HYGIENE_NSINGLE; i++)
        if (strcasecmp(name, hygiene_single[i]) == 0 && ++h->count[i] == 2)
            hygiene_note(h, HYG_DUP_HEADER, h->dup_name, sizeof(h->dup_name), "",
                         hygiene_single[i]);
    nlen = strlen(name);
    if (!h->smtputf8)
        for (i = 0; i < nlen; i++)
            if ((unsigned char)name[i] >= 0x80)
                hygiene_note(h, HYG_8BIT_HEADER, h->bit8_name, sizeof(h->bit8_name), "", name);
    /* the first line is "Name: value" (lead octets before the value); each fold starts a
     * line of its own */
    line = lead;
    if (line > HYGIENE_LINE_MAX) /* the name alone is past the limit */
        hygiene_note(h, HYG_LONG_LINE, h->long_where, sizeof(h->long_where), "header ", name);
    for (v = (const unsigned char *)value; *v != '\0'; v++) {
        if (*v >= 0x80 && !h->smtputf8)
            hygiene_note(h, HYG_8BIT_HEADER, h->bit8_name, sizeof(h->bit8_name), "", name);
        if (*v == '\r' && v[1] == '\n')
            continue; /* the LF ends the line */
        if (*v == '\r' || (*v == '\n' && v[1] != ' ' && v[1] != '\t'))
            hygiene_note(h, HYG_BARE_CR, h->cr_where, sizeof(h->cr_where), "header ", name);
        if (*v == '\n') {
            line = 0;
            continue;
        }
        if (line <= HYGIENE_LINE_MAX && ++line > HYGIENE_LINE_MAX)
            hygiene_note(h, HYG_LONG_LINE, h->long_where, sizeof(h->long_where), "header ", name);
    }
}

void
hygiene_eoh(struct hygiene *h)
{
    h->eoh = 1;
    if (h->count[HYG_IDX_DATE] == 0)
        h->defects |= HYG_MISSING_DATE;
    if (h->count[HYG_IDX_MSGID] == 0)
        h->defects |= HYG_MISSING_MSGID;
    if (h->count[HYG_IDX_FROM] == 0)
        snprintf(h->why_from, sizeof(h->why_from), "no From header");
    else if (h->from_bad)
        ; /* why_from says why */
    else if (h->from_boxes > 1 && h->count[HYG_IDX_SENDER] == 0)
        /* RFC 5322 3.6.2: several authors need a Sender: saying which one sent it */
        snprintf(h->why_from, sizeof(h->why_from), "From names %d mailboxes and there is no Sender",
                 h->from_boxes);
    else
        return;
    h->defects |= HYG_BAD_FROM;
}

static void
hygiene_body_line_end(struct hygiene *h)
{
    h->line_len = 0;
    h->line_no++;
}

static void
hygiene_body_octet(struct hygiene *h)
{
    char where[32];

    if (h->line_len > HYGIENE_LINE_MAX)
        return; /* already found; the count stays saturated */
    if (++h->line_len > HYGIENE_LINE_MAX && !(h->defects & HYG_LONG_LINE)) {
        snprintf(where, sizeof(where), "%lu", h->line_no);
        hygiene_note(h, HYG_LONG_LINE, h->long_where, sizeof(h->long_where), "body line ", where);
    }
}

static void
hygiene_bare(struct hygiene *h)
{
    char where[32];

    if (h->defects & HYG_BARE_CR)
        return;
    snprintf(where, sizeof(where), "%lu", h->line_no);
    hygiene_note(h, HYG_BARE_CR, h->cr_where, sizeof(h->cr_where), "body line ", where);
}

void
hygiene_body(struct hygiene *h, const void *chunk, size_t len)
{
    const unsigned char *p = chunk, *end = p + len;

    for (; p < end; p++) {
        if (h->pending_cr) {
            h->pending_cr = 0;
            if (*p == '\n') {
                hygiene_body_line_end(h);
                continue;
            }
            hygiene_bare(h); /* the CR stays on the line, one octet of it */
            hygiene_body_octet(h);
        }
        if (*p == '\r') {
            h->pending_cr = 1;
        } else if (*p == '\n') {
            hygiene_bare(h); /* a LF alone; ends the line as a mail reader would */
            hygiene_body_line_end(h);
        } else {
            hygiene_body_octet(h);
        }
    }
}

void
hygiene_end(struct hygiene *h)
{
    h->ended = 1;
    if (h->pending_cr) {
        h->pending_cr = 0;
        hygiene_bare(h);
    }
}

unsigned
hygiene_fix(struct hygiene *h)
{
    unsigned f = h->defects & HYG_FIXABLE;

    h->defects &= ~f;
    h->fixed |= f;
    return f;
}

char *
hygiene_describe(const struct hygiene *h, unsigned mask, char *buf, size_t len)
{
    size_t i, o = 0;
    const char *where;
    int n;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (i = 0; i < HYGIENE_TABLE_LEN && o < len; i++) {
        const struct hygiene_def *d = &hygiene_table[i];
        if (d->defect & (d->defect - 1))
            continue; /* fixable, any: several defects, each named by its own row */
        if (!(h->defects & mask & d->defect))
            continue;
        where = d->defect == HYG_BAD_FROM      ? h->why_from
                : d->defect == HYG_BAD_SENDER  ? h->why_sender
                : d->defect == HYG_8BIT_HEADER ? h->bit8_name
                : d->defect == HYG_LONG_LINE   ? h->long_where
                : d->defect == HYG_BARE_CR     ? h->cr_where
                : d->defect == HYG_DUP_HEADER  ? h->dup_name
                                               : "";
        n = snprintf(buf + o, len - o, "%s%s%s%s%s", o ? ", " : "", d->name, where[0] ? " (" : "",
                     where, where[0] ? ")" : "");
        if (n < 0)
            break;
        o += (size_t)n;
    }
    return buf;
}

/* where, for a reply: "" unless every byte after the prefix is a letter, digit or '-' and
 * the name fits HYGIENE_REPLY_NAME (body line numbers always do). */
static const char *
hygiene_reply_where(const char *where)
{
    const char *name = strncmp(where, "header ", 7) == 0 ? where + 7 : where;
    size_t i, n = strlen(name);

    if (strncmp(where, "body line ", 10) == 0)
        return where;
    if (n == 0 || n > HYGIENE_REPLY_NAME)
        return "";
    for (i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
            return "";
    return where;
}

const char *
hygiene_reply(struct hygiene *h, unsigned mask)
{
    const char *where = "";
    size_t i;

    for (i = 0; i < HYGIENE_TABLE_LEN; i++)
        if (h->defects & mask & hygiene_table[i].defect)
            break;
    if (i == HYGIENE_TABLE_LEN)
        i = HYGIENE_TABLE_LEN - 1;
    if (hygiene_table[i].defect == HYG_DUP_HEADER)
        where = hygiene_reply_where(h->dup_name);
    else if (hygiene_table[i].defect == HYG_LONG_LINE)
        where = hygiene_reply_where(h->long_where);
    snprintf(h->reply, sizeof(h->reply), "%s%s%s%s", hygiene_table[i].reply, where[0] ? " (" : "",
             where, where[0] ? ")" : "");
    return h->reply;
}

int
hygiene_date(long long secs, char *buf, size_t len)
{
    /* RFC 5322 3.3 with English names whatever the locale: strftime's %a would follow it */
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    time_t t = (time_t)secs;
    int n;

    if (secs < 0 || gmtime_r(&t, &tm) == NULL)
        return -1;
    n = snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                 mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* RFC 5322 3.6.4: both sides of a msg-id are dot-atom-text - atoms joined by single dots,
 * none first or last. A queue id or host name that is not one, or holds a byte outside the
 * few atext ones taken here (a hostile or odd configuration: "x..y", ".lead"), is left out
 * rather than written into a header: the queue id part is dropped, the host becomes
 * "localhost". */
static int
hygiene_dotatom(const char *s)
{
    const char *p;

    if (s == NULL || s[0] == '\0' || s[0] == '.')
        return 0;
    for (p = s; *p; p++) {
        if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
            return 0;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("-._+=", *p) != NULL))
            return 0;
    }
    return 1;
}

int
hygiene_msgid(long long usecs, const char *qid, const char *host, char *buf, size_t len)
{
    struct tm tm;
    time_t t = (time_t)(usecs / 1000000);
    int n;

    if (usecs < 0 || gmtime_r(&t, &tm) == NULL)
        return -1;
    n = snprintf(buf, len, "<%04d%02d%02d%02d%02d%02d.%06lld%s%s@%s>", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usecs % 1000000,
                 hygiene_dotatom(qid) ? "." : "", hygiene_dotatom(qid) ? qid : "",
                 hygiene_dotatom(host) ? host : "localhost");
    return n < 0 || (size_t)n >= len ? -1 : 0;
}
