/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_mime.c - the streaming MIME parser. Each row is a message (header, blank line, body)
 * and the event dump it must give (tests/mime/dump.h), fed in one piece, at every split point
 * of the body and byte by byte: the dumps must be identical. Then every named limit at
 * limit - 1, limit and limit + 1.
 */
#define _GNU_SOURCE
#include "mime.h"
#include "mimeparam.h"
#include "testutil.h"
#include "../mime/dump.h"

#define ROW(name, msg, want)                                                                       \
    {                                                                                              \
        name, msg, sizeof(msg) - 1, want                                                           \
    }
static const struct {
    const char *name;
    const char *msg;
    size_t len;
    const char *want;
} rows[] = {
#include "mime_rows.h"
};

static size_t
ck_split_at(void *arg, size_t i)
{
    return i == 0 ? *(size_t *)arg : 0;
}

static size_t
ck_one(void *arg, size_t i)
{
    (void)arg;
    (void)i;
    return 1;
}

START_TEST(test_mime_table)
{
    struct dump one = {0};
    const char *msg = rows[_i].msg, *body;
    size_t n = rows[_i].len, k;

    dump_message(&one, msg, n, NULL, NULL);
    ck_assert_msg(strcmp(one.s, rows[_i].want) == 0, "%s:\n got:\n%s\n want:\n%s", rows[_i].name,
                  one.s, rows[_i].want);
    body = memmem(msg, n, "\n\n", 2);
    body = body != NULL ? body + 2 : msg;
    if (memmem(msg, n, "\r\n\r\n", 4) != NULL &&
        (const char *)memmem(msg, n, "\r\n\r\n", 4) + 4 < body)
        body = (const char *)memmem(msg, n, "\r\n\r\n", 4) + 4;
    for (k = 1; k < (size_t)(msg + n - body); k++) {
        struct dump d = {0};
        dump_message(&d, msg, n, ck_split_at, &k);
        ck_assert_msg(strcmp(d.s, one.s) == 0, "%s: split at %zu:\n got:\n%s\n want:\n%s",
                      rows[_i].name, k, d.s, one.s);
        free(d.s);
    }
    {
        struct dump d = {0};
        dump_message(&d, msg, n, ck_one, NULL);
        ck_assert_msg(strcmp(d.s, one.s) == 0, "%s: byte by byte:\n got:\n%s\n want:\n%s",
                      rows[_i].name, d.s, one.s);
        free(d.s);
    }
    free(one.s);
}
END_TEST

/* A message built for a limit test: header, then body, in a buffer the test frees. */
static char *
ck_msg(const char *header, const char *body_start, const char *fill_line, size_t fill_count,
       const char *body_end)
{
    size_t hl = strlen(header), sl = strlen(body_start), fl = strlen(fill_line),
           el = strlen(body_end), n = hl + sl + fl * fill_count + el, i;
    char *m = malloc(n + 1), *p = m;

    ck_assert_ptr_nonnull(m);
    memcpy(p, header, hl);
    p += hl;
    memcpy(p, body_start, sl);
    p += sl;
    for (i = 0; i < fill_count; i++, p += fl)
        memcpy(p, fill_line, fl);
    memcpy(p, body_end, el);
    p[el] = '\0';
    return m;
}

/* Dumps msg (in one piece and in 7-byte chunks: the same) and returns the dump. */
static char *
ck_dump(const char *msg, unsigned *status)
{
    struct dump one = {0}, seven = {0};
    size_t k = 7;

    *status = dump_message(&one, msg, strlen(msg), NULL, NULL);
    dump_message(&seven, msg, strlen(msg), ck_split_at, &k);
    ck_assert_str_eq(one.s, seven.s);
    free(seven.s);
    return one.s;
}

static void
ck_limit(const char *what, size_t limit, size_t at, unsigned status, const char *dump,
         const char *why)
{
    int over = at > limit;

    ck_assert_msg(((status & MIME_S_LIMIT) != 0) == over, "%s at %zu (limit %zu): status %#x\n%s",
                  what, at, limit, status, dump);
    if (over)
        ck_assert_msg(strstr(dump, why) != NULL, "%s at %zu: want \"%s\" in\n%s", what, at, why,
                      dump);
}

START_TEST(test_mime_line_max)
{
    size_t len = MIME_LINE_MAX - 1 + (size_t)_i;
    char *pad = malloc(len + 1), *msg, *d;
    unsigned st;

    /* a part header line of len bytes before its LF */
    memset(pad, 'a', len);
    memcpy(pad, "X-Pad: ", 7);
    pad[len] = '\0';
    msg = ck_msg("Content-Type: multipart/mixed; boundary=b\n\n", "--b\n", pad, 1,
                 "\nContent-Type: text/html\n\nx\n--b--\n");
    d = ck_dump(msg, &st);
    ck_limit("part header line", MIME_LINE_MAX, len, st, d,
             "part header line longer than 4096 bytes");
    if (len <= MIME_LINE_MAX)
        ck_assert_msg(strstr(d, "+1^0 text/html\n=1 \"x\"\n-1\n") != NULL, "%s", d);
    free(d);
    free(msg);
    /* a boundary line of len bytes: "--b" and white space */
    memset(pad, ' ', len);
    memcpy(pad, "--b", 3);
    msg = ck_msg("Content-Type: multipart/mixed; boundary=b\n\n", "--b\n\nx\n", pad, 1,
                 "\n\ny\n--b--\n");
    d = ck_dump(msg, &st);
    ck_limit("boundary line", MIME_LINE_MAX, len, st, d, "boundary line longer than 4096 bytes");
    if (len <= MIME_LINE_MAX)
        ck_assert_msg(strstr(d, "=1 \"x\"\n-1\n+2^0 text/plain\n=2 \"y\"\n") != NULL, "%s", d);
    free(d);
    free(msg);
    /* a long line that starts like a boundary but is content is no limit */
    memset(pad, 'z', len);
    memcpy(pad, "--b", 3);
    msg = ck_msg("Content-Type: multipart/mixed; boundary=b\n\n", "--b\n\n", pad, 1, "\n--b--\n");
    d = ck_dump(msg, &st);
    ck_assert_msg(st == 0 && strstr(d, "=1 \"--bzzz") != NULL, "%s", d);
    free(d);
    free(msg);
    free(pad);
}
END_TEST

START_TEST(test_mime_header_max)
{
    /* a header block of exactly MIME_HEADER_MAX - 1 + _i bytes: 64-byte lines and one more */
    size_t want = MIME_HEADER_MAX - 1 + (size_t)_i, lines = (want - 100) / 64,
           rest = want - lines * 64;
    char fill[65], last[200], *msg, *d, *hv;
    struct dump hd = {.data_idx = -1};
    unsigned st;
    struct mime *m;

    memset(fill, 'a', 64);
    memcpy(fill, "X-Pad: ", 7);
    fill[63] = '\n';
    fill[64] = '\0';
    memset(last, 'r', rest);
    memcpy(last, "X-R: ", 5);
    last[rest - 1] = '\n';
    last[rest] = '\0';
    msg = ck_msg("Content-Type: multipart/mixed; boundary=b\n\n--b\n", "", fill, lines, last);
    d = malloc(strlen(msg) + 200);
    sprintf(d, "%s\nx\n--b--\n", msg);
    free(msg);
    msg = ck_dump(d, &st);
    ck_limit("part header block", MIME_HEADER_MAX, want, st, msg,
             "part header block larger than 65536 bytes");
    if (want <= MIME_HEADER_MAX)
        ck_assert_msg(strstr(msg, "=1 \"x\"") != NULL, "%s", msg);
    free(msg);
    free(d);
    /* the message's own header field, as libmilter gives it */
    hv = malloc(want + 1);
    memset(hv, 'a', want);
    memcpy(hv, "text/plain; x=", 14);
    hv[want] = '\0';
    m = mime_new(dump_cb, &hd);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(mime_header(m, "Content-Type", hv), 0);
    ck_assert_int_eq(mime_body(m, "x\n", 2), 0);
    ck_assert_int_eq(mime_end(m), 0);
    ck_limit("header field", MIME_HEADER_MAX, want, mime_status(m, NULL), "", "");
    mime_free(m);
    free(hd.s);
    free(hv);
}
END_TEST

START_TEST(test_mime_depth_max)
{
    /* a leaf at depth MIME_DEPTH_MAX - 1 + _i: that many nested multiparts above it */
    unsigned depth = MIME_DEPTH_MAX - 1 + (unsigned)_i, i;
    char *msg = calloc(depth, 128), *p = msg, *d, want[64];
    unsigned st;

    ck_assert_ptr_nonnull(msg);
    p += sprintf(p, "Content-Type: multipart/mixed; boundary=b0\n\n");
    for (i = 1; i < depth; i++)
        p += sprintf(p, "--b%u\nContent-Type: multipart/mixed; boundary=b%u\n\n", i - 1, i);
    p += sprintf(p, "--b%u\n\nleaf\n", depth - 1);
    d = ck_dump(msg, &st);
    ck_limit("depth", MIME_DEPTH_MAX, depth, st, d, "parts nested deeper than 32 levels");
    snprintf(want, sizeof(want), "+%u^%u text/plain\n=%u \"leaf\\n\"", depth, depth - 1, depth);
    ck_assert_msg((strstr(d, want) != NULL) == (depth <= MIME_DEPTH_MAX), "%s", d);
    free(d);
    free(msg);
}
END_TEST

START_TEST(test_mime_parts_max)
{
    size_t parts = MIME_PARTS_MAX - 1 + (size_t)_i;
    char *msg = ck_msg("Content-Type: multipart/mixed; boundary=b\n\n", "", "--b\n\nx\n", parts,
                       "--b--\n"),
         *d;
    unsigned st;

    d = ck_dump(msg, &st);
    ck_limit("parts", MIME_PARTS_MAX, parts, st, d, "more than 1000 parts");
    ck_assert_msg((strstr(d, "\n+1000^0 text/plain\n") != NULL) == (parts >= MIME_PARTS_MAX),
                  "part 1000");
    ck_assert(strstr(d, "\n+1001^") == NULL);
    free(d);
    free(msg);
    /* uuencoded blocks count as parts too */
    msg = ck_msg("Subject: x\n\n", "", "begin 644 a\n#86)C\nend\n", parts, "");
    d = ck_dump(msg, &st);
    ck_limit("uuencoded parts", MIME_PARTS_MAX, parts, st, d, "more than 1000 parts");
    free(d);
    free(msg);
}
END_TEST

START_TEST(test_mime_boundary_max)
{
    size_t len = MIME_BOUNDARY_MAX - 1 + (size_t)_i;
    char b[MIME_BOUNDARY_MAX + 2], *msg, *d;
    unsigned st;

    memset(b, 'q', len);
    b[len] = '\0';
    msg = malloc(4 * len + 200);
    sprintf(msg, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n\nx\n--%s--\n", b, b, b);
    d = ck_dump(msg, &st);
    ck_limit("boundary", MIME_BOUNDARY_MAX, len, st, d, "boundary longer than 200 characters");
    ck_assert_msg((strstr(d, "=1 \"x\"") != NULL) == (len <= MIME_BOUNDARY_MAX), "%s", d);
    free(d);
    free(msg);
}
END_TEST

START_TEST(test_mime_name_max)
{
    size_t len = MIMEPARAM_VALUE_MAX - 1 + (size_t)_i;
    char *name = malloc(len + 1), *msg, *d;
    unsigned st;

    memset(name, 'n', len);
    name[len] = '\0';
    msg = malloc(3 * len + 200);
    /* in a parameter, and on a uuencode begin line */
    sprintf(msg,
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Disposition: "
            "attachment; filename=\"%s\"\n\nx\n--b--\n",
            name);
    d = ck_dump(msg, &st);
    ck_limit("file name", MIMEPARAM_VALUE_MAX, len, st, d,
             "file name longer than 1024 bytes");
    free(d);
    sprintf(msg, "Subject: x\n\nbegin 644 %s\n#86)C\nend\n", name);
    d = ck_dump(msg, &st);
    ck_limit("uuencode name", MIMEPARAM_VALUE_MAX, len, st, d,
             "file name longer than 1024 bytes");
    ck_assert_msg((strstr(d, "=1 \"abc\"") != NULL) == (len <= MIMEPARAM_VALUE_MAX), "%s", d);
    free(d);
    /* a begin line longer than MIME_LINE_MAX has such a name too */
    free(msg);
    msg = malloc(MIME_LINE_MAX + 100);
    memset(msg, 'n', MIME_LINE_MAX + 99);
    memcpy(msg, "Subject: x\n\nbegin 644 ", 22);
    strcpy(msg + MIME_LINE_MAX + 80, "\n#86)C\nend\n");
    d = ck_dump(msg, &st);
    ck_limit("uuencode begin line", MIME_LINE_MAX, MIME_LINE_MAX + 1, st, d,
             "file name longer than 1024 bytes");
    free(d);
    free(msg);
    free(name);
}
END_TEST

START_TEST(test_mime_type_max)
{
    size_t len = MIME_TYPE_MAX - 1 + (size_t)_i;
    char msg[MIME_TYPE_MAX + 64], *d;
    unsigned st;

    memcpy(msg, "Content-Type: application/", 26);
    memset(msg + 26, 't', len - 12);
    strcpy(msg + 26 + len - 12, "\n\nx\n");
    d = ck_dump(msg, &st);
    ck_assert_msg((strstr(d, "f=badtype") != NULL) == (len > MIME_TYPE_MAX), "%zu: %s", len, d);
    free(d);
}
END_TEST

struct ck_count {
    unsigned long long bytes;
    unsigned parts;
};

static int
ck_count_cb(void *arg, enum mime_event ev, const struct mime_part *p, const unsigned char *data,
            size_t len)
{
    struct ck_count *c = arg;

    (void)p;
    (void)data;
    if (ev == MIME_PART_DATA)
        c->bytes += len;
    c->parts += ev == MIME_PART_BEGIN;
    return 0;
}

START_TEST(test_mime_decoded_max)
{
    /* a 7bit body of MIME_DECODED_MAX - 1 + _i bytes, fed in 1 MiB chunks and in one piece */
    size_t n = MIME_DECODED_MAX - 1 + (size_t)_i, off, k, pass;
    char *body = malloc(n);

    ck_assert_ptr_nonnull(body);
    memset(body, 'x', n);
    for (pass = 0; pass < 2; pass++) {
        struct ck_count c = {0};
        struct mime *m = mime_new(ck_count_cb, &c);
        const char *why;
        for (off = 0; off < n; off += k) {
            k = pass == 0 ? n : n - off < (1u << 20) ? n - off : (1u << 20);
            ck_assert_int_eq(mime_body(m, body + off, k), 0);
        }
        if (n > MIME_DECODED_MAX) /* safe to feed past the limit */
            ck_assert_int_eq(mime_body(m, "more", 4), 0);
        ck_assert_int_eq(mime_end(m), 0);
        ck_assert_uint_eq(c.bytes, n <= MIME_DECODED_MAX ? n : MIME_DECODED_MAX);
        unsigned st = mime_status(m, &why);
        ck_limit("decoded bytes", MIME_DECODED_MAX, n, st, why,
                 "decoded content larger than 64 MiB");
        mime_free(m);
    }
    free(body);
}
END_TEST

static int
ck_stop_cb(void *arg, enum mime_event ev, const struct mime_part *p, const unsigned char *data,
           size_t len)
{
    (void)arg;
    (void)p;
    (void)data;
    (void)len;
    return ev == MIME_PART_DATA ? -1 : 0;
}

START_TEST(test_mime_callback_stops)
{
    struct mime *m = mime_new(ck_stop_cb, NULL);

    ck_assert_int_eq(mime_header(m, "Content-Type", "text/plain"), 0);
    ck_assert_int_eq(mime_body(m, "abc\n", 4), -1);
    ck_assert_int_eq(mime_body(m, "abc\n", 4), -1);
    ck_assert_int_eq(mime_end(m), -1);
    ck_assert_int_eq(mime_header(m, "Subject", "x"), -1);
    mime_free(m);
    mime_free(NULL);
}
END_TEST

static Suite *
mime_suite(void)
{
    Suite *s = suite_create("mime");
    TCase *tc = tcase_create("mime");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_mime_table, 0, sizeof(rows) / sizeof(rows[0]));
    tcase_add_loop_test(tc, test_mime_line_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_header_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_depth_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_parts_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_boundary_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_name_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_type_max, 0, 3);
    tcase_add_loop_test(tc, test_mime_decoded_max, 0, 3);
    tcase_add_test(tc, test_mime_callback_stops);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return testutil_run(mime_suite());
}
