/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_content.c - content screening through the session engine: each content condition and
 * action on small messages, the body negotiated only when a rule reads it, SMFIS_SKIP once the
 * answer is settled (and never before), failures that tempfail, and every message of
 * tests/mime/ fed in one piece, at every split point of the body and byte by byte with the
 * same findings and the same verdict each time.
 */
#include "buf.h"
#include "session.h"
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>

static struct env no_env = {NULL, NULL, NULL, NULL, NULL};

/* A message given as text: header fields (one per line, "Name: value", continuation lines
 * start with white space) and the body after the empty line. */
struct msg {
    const char *text;
    size_t len;
};

/* Feeds the header fields of m as libmilter does (name, value without the space after the
 * colon); returns the offset of the body. */
static size_t
feed_headers(struct session *s, const char *m, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t e = i, fe, next;
        char *h, *colon, *v;
        while (e < len && m[e] != '\n')
            e++;
        next = e < len ? e + 1 : e;
        fe = e > i && m[e - 1] == '\r' ? e - 1 : e;
        if (fe == i)
            return next;
        while (next < len && (m[next] == ' ' || m[next] == '\t')) {
            e = next;
            while (e < len && m[e] != '\n')
                e++;
            fe = e > next && m[e - 1] == '\r' ? e - 1 : e;
            next = e < len ? e + 1 : e;
        }
        h = strndup(m + i, fe - i);
        ck_assert_ptr_nonnull(h);
        /* unfolded line ends as libmilter gives them: LF kept, CR dropped */
        for (char *r = h, *w = h;; r++) {
            if (*r != '\r')
                *w++ = *r;
            if (*r == '\0')
                break;
        }
        if ((colon = strchr(h, ':')) != NULL) {
            *colon = '\0';
            v = colon + 1;
            if (*v == ' ')
                v++;
            session_header(s, h, v);
        }
        free(h);
        i = next;
    }
    return len;
}

/* One transaction on listener "in": header fields, body in the chunks given by cuts (offsets
 * into the body, ascending, ending with the body's length) or byte by byte (cuts NULL,
 * bytewise 1), end of message. Appends every finding, the verdict and its logs to out. */
static void
run_message(struct ruleset *rs, const char *m, size_t len, const size_t *cuts, size_t ncuts,
            int bytewise, struct buf *out, int *skipped)
{
    struct session *s = session_new(rs, &no_env);
    struct ev_connect ce = {0};
    struct ev_mail me = {0};
    const struct verdict *v;
    size_t body, pos, i;

    ck_assert_ptr_nonnull(s);
    session_trace_content(s, 1);
    ce.daemon = "in";
    ce.addr = "192.0.2.7";
    ce.name = "client.example";
    session_connect(s, &ce);
    me.from = "<a@remote.example>";
    session_mail(s, &me);
    session_rcpt(s, "<b@example.com>", NULL);
    body = feed_headers(s, m, len);
    session_eoh(s, NULL);
    *skipped = 0;
    pos = body;
    for (i = 0; pos < len; i++) {
        size_t end = bytewise ? pos + 1 : i < ncuts ? body + cuts[i] : len;
        if (end <= pos)
            continue;
        v = session_body(s, m + pos, end - pos);
        pos = end;
        if (v->skip) {
            *skipped = 1;
            break;
        }
    }
    v = session_eom(s, "QID");
    for (i = 0; i < v->nfindings; i++) {
        buf_put(out, v->findings[i], strlen(v->findings[i]));
        buf_putc(out, '\n');
    }
    for (i = 0; i < v->nlog; i++) {
        buf_put(out, v->log[i], strlen(v->log[i]));
        buf_putc(out, '\n');
    }
    {
        char line[200];
        snprintf(line, sizeof(line), "reply=%d code=%s quarantine=%s nrcpts=%zu nedits=%zu\n",
                 v->reply, v->code, v->quarantine ? v->quarantine : "-", v->nrcpts, v->nedits);
        buf_put(out, line, strlen(line));
    }
    session_free(s);
}

static char *
dump_message(struct ruleset *rs, const char *m, size_t len, const size_t *cuts, size_t ncuts,
             int bytewise, int *skipped)
{
    struct buf out;
    char *r;

    buf_init(&out, 64 * 1024 * 1024);
    run_message(rs, m, len, cuts, ncuts, bytewise, &out, skipped);
    r = strdup(buf_str(&out));
    buf_free(&out);
    return r;
}

static const char rules_all[] =
    "keywords secret { \"project falcon\", confidential }\n"
    "keywords spam word { sex, \"casino bonus\" }\n"
    "names exe { exe, scr, js }\n"
    "listener in daemon \"in\"\n"
    "policy in {\n"
    "    content log-only reject mime malformed\n"
    "    content log-only reject mime limit\n"
    "    content log-only reject keyword <secret>\n"
    "    content log-only reject keyword <spam>\n"
    "    content log-only reject attachment ext <exe>\n"
    "    content log-only reject attachment truetype { exe, elf, zip, ooxml-macro }\n"
    "    content log-only reject attachment inner-ext <exe>\n"
    "    content log-only reject attachment encrypted\n"
    "    content log-only reject attachment double-ext\n"
    "    content log-only reject attachment bidi\n"
    "    content log-only reject size over 1k\n"
    "}\n";

static const struct {
    const char *name;
    const char *rules; /* NULL: rules_all */
    const char *msg;
    const char *want;  /* in the dump */
    const char *wantnot;
} rows[] = {
    {"keyword in the Subject across two encoded words", NULL,
     "Subject: =?utf-8?Q?project_fal?= =?utf-8?Q?con?=\n\nhello\n",
     "keyword \\\"project falcon\\\" in Subject", NULL},
    {"keyword across a line break in the text", NULL, "Subject: x\n\nabout project\n  falcon\n",
     "keyword \\\"project falcon\\\" in part 0", NULL},
    {"a second Subject is scanned too", NULL, "Subject: hello\nSubject: about project falcon\n\nx\n",
     "keyword \\\"project falcon\\\" in Subject", NULL},
    {"whole word: sex not in Essex", NULL, "Subject: Essex news\n\nEssex county\n", NULL,
     "keyword <spam>"},
    {"keyword in quoted-printable split by a soft break", NULL,
     "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nproject fal=\n"
     "con\n",
     "keyword \\\"project falcon\\\" in part 0", NULL},
    {"keyword in base64 text", NULL,
     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
     "cHJvamVjdCBmYWxjb24K\n",
     "keyword \\\"project falcon\\\" in part 0", NULL},
    {"keyword in HTML split by a tag", NULL,
     "Content-Type: text/html\n\n<p>project fal<b>con</b></p>\n",
     "keyword \\\"project falcon\\\" in part 0", NULL},
    {"executable attachment by extension", NULL,
     "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
     "Content-Type: text/plain\n\nhi\n--b\nContent-Type: application/octet-stream\n"
     "Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\n\nxx\n--b--\n",
     "would-reject: stage=content", "mime malformed"},
    {"multipart without a boundary is malformed", NULL,
     "MIME-Version: 1.0\nContent-Type: multipart/mixed\n\nbody\n",
     "(multipart without a usable boundary)", NULL},
};

START_TEST(test_content_rows)
{
    struct ruleset *rs = testutil_load(rows[_i].rules ? rows[_i].rules : rules_all);
    int skipped;
    char *d = dump_message(rs, rows[_i].msg, strlen(rows[_i].msg), NULL, 0, 0, &skipped);

    if (rows[_i].want != NULL)
        ck_assert_msg(strstr(d, rows[_i].want) != NULL, "%s: want \"%s\" in\n%s", rows[_i].name,
                      rows[_i].want, d);
    if (rows[_i].wantnot != NULL)
        ck_assert_msg(strstr(d, rows[_i].wantnot) == NULL, "%s: do not want \"%s\" in\n%s",
                      rows[_i].name, rows[_i].wantnot, d);
    free(d);
    rules_unref(rs);
}
END_TEST

/* The body is asked for only when a loaded policy reads it. */
START_TEST(test_negotiate_body)
{
    struct ruleset *with = testutil_load("keywords k { x }\nlistener in daemon \"in\"\n"
                                         "policy in {\n    content reject keyword <k>\n}\n");
    struct ruleset *without = testutil_load("listener in daemon \"in\"\npolicy in {\n"
                                            "    content quarantine from { x.example }\n}\n");
    struct negotiation n;

    session_negotiate(with, &n);
    ck_assert(n.events & (1u << EV_BODY));
    ck_assert(!(n.noreply & (1u << EV_BODY)));
    session_negotiate(without, &n);
    ck_assert(!(n.events & (1u << EV_BODY)));
    rules_unref(with);
    rules_unref(without);
}
END_TEST

/* A terminal rule settled by the first chunk: the rest is skipped. A rule that can only be
 * known at the end (mime malformed) before it: nothing is skipped. */
START_TEST(test_skip)
{
    struct ruleset *early = testutil_load("keywords k { falcon }\nlistener in daemon \"in\"\n"
                                          "policy in {\n    content reject keyword <k>\n}\n");
    struct ruleset *late = testutil_load("keywords k { falcon }\nlistener in daemon \"in\"\n"
                                         "policy in {\n    content reject mime malformed\n"
                                         "    content reject keyword <k>\n}\n");
    struct ruleset *other = testutil_load("keywords k { falcon }\nlistener in daemon \"in\"\n"
                                          "listener out daemon \"out\" policy out\n"
                                          "policy in {\n}\npolicy out {\n"
                                          "    content reject keyword <k>\n}\n");
    static const char m[] = "Subject: x\n\nfalcon in the first chunk\nand more\nand more\n";
    size_t cuts[] = {25, 34, sizeof(m) - 1 - 12};
    int skipped;
    char *d;

    d = dump_message(early, m, sizeof(m) - 1, cuts, 3, 0, &skipped);
    ck_assert_int_eq(skipped, 1);
    ck_assert_msg(strstr(d, "reject: stage=content") != NULL, "%s", d);
    ck_assert_msg(strstr(d, "the rest is not read") != NULL, "%s", d);
    free(d);
    d = dump_message(late, m, sizeof(m) - 1, cuts, 3, 0, &skipped);
    ck_assert_int_eq(skipped, 0);
    ck_assert_msg(strstr(d, "reject: stage=content") != NULL, "%s", d);
    free(d);
    /* a listener whose policy reads no body skips it at once */
    d = dump_message(other, m, sizeof(m) - 1, cuts, 3, 0, &skipped);
    ck_assert_int_eq(skipped, 1);
    free(d);
    rules_unref(early);
    rules_unref(late);
    rules_unref(other);
}
END_TEST

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Every message of tests/mime/: one piece, every two-chunk split of its body, byte by byte.
 * The split points are all of them for bodies up to SPLIT_ALL_MAX, SPLIT_SAMPLES spread over
 * larger ones; RW_SPLIT_STRIDE=N (the sanitizer build sets it) takes every Nth everywhere. */
#define SPLIT_ALL_MAX (32 * 1024)
#define SPLIT_SAMPLES 2048
START_TEST(test_mime_corpus_splits)
{
    char dir[512], path[1024];
    struct ruleset *rs = testutil_load(rules_all);
    const char *st = getenv("RW_SPLIT_STRIDE");
    size_t stride = st ? (size_t)atoi(st) : 1, nfiles = 0;
    struct dirent *de;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/mime", TEST_SRCDIR);
    if ((d = opendir(dir)) == NULL)
        return; /* no corpus in this tree */
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name), len, body, cut, blen, step;
        char *m, *one, *other;
        int skipped;
        if (n < 5 || strcmp(de->d_name + n - 4, ".eml") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        m = slurp(path, &len);
        if (getenv("RW_SPLIT_VERBOSE"))
            fprintf(stderr, "%s (%zu bytes)\n", de->d_name, len);
        one = dump_message(rs, m, len, NULL, 0, 0, &skipped);
        other = dump_message(rs, m, len, NULL, 0, 1, &skipped);
        ck_assert_msg(strcmp(one, other) == 0, "%s: byte by byte differs:\n%s\n---\n%s",
                      de->d_name, one, other);
        free(other);
        /* the body's offset, as feed_headers finds it */
        body = 0;
        {
            const char *p = m;
            while ((size_t)(p - m) < len) {
                const char *e = memchr(p, '\n', len - (size_t)(p - m));
                if (e == NULL)
                    break;
                if (e == p || (e == p + 1 && *p == '\r')) {
                    body = (size_t)(e + 1 - m);
                    break;
                }
                p = e + 1;
            }
        }
        blen = len > body ? len - body : 0;
        /* every split point of a body up to SPLIT_ALL_MAX; past it about SPLIT_SAMPLES of
         * them, evenly spread (the few large corpus files: a 2,000-entry zip, an ISO) */
        step = stride > 0 ? stride : 1;
        if (blen > SPLIT_ALL_MAX && step < blen / SPLIT_SAMPLES)
            step = blen / SPLIT_SAMPLES | 1;
        for (cut = 1; cut < blen; cut += step) {
            size_t cuts[2] = {cut, blen};
            other = dump_message(rs, m, len, cuts, 2, 0, &skipped);
            ck_assert_msg(strcmp(one, other) == 0, "%s: split at body byte %zu differs:\n%s\n---\n%s",
                          de->d_name, cut, one, other);
            free(other);
        }
        free(one);
        free(m);
        nfiles++;
    }
    closedir(d);
    rules_unref(rs);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("content");
    TCase *tc = tcase_create("content");

    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_content_rows, 0, sizeof(rows) / sizeof(rows[0]));
    tcase_add_test(tc, test_negotiate_body);
    tcase_add_test(tc, test_skip);
    tcase_add_test(tc, test_mime_corpus_splits);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
