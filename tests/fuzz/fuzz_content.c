/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_content.c - libFuzzer target for content screening as the daemon runs it: the session
 * engine with rules that use every content condition (log-only, so every rule is evaluated),
 * fed a message (header fields, blank line, body) in chunks whose sizes are drawn from the
 * input's first byte. Invariants: no crash, no leak; the findings, decision lines and verdict
 * are the same fed in chunks as in one piece.
 */
#include "buf.h"
#include "rules.h"
#include "session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_rules[] =
    "keywords secret { \"project falcon\", confidential, \"секретно\" }\n"
    "keywords spam word { sex, \"casino bonus\" }\n"
    "names exe { exe, scr, \"j?\" }\n"
    "names exename { \"*.exe\", \"application/x-*\" }\n"
    "hashes h { e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 }\n"
    "listener in default\n"
    "policy in {\n"
    "    content log-only reject mime malformed\n"
    "    content log-only reject mime limit\n"
    "    content log-only reject keyword <secret>\n"
    "    content log-only reject keyword <spam>\n"
    "    content log-only reject attachment name <exename>\n"
    "    content log-only reject attachment ext <exe>\n"
    "    content log-only reject attachment type <exename>\n"
    "    content log-only reject attachment truetype { exe, elf, zip, ooxml-macro, ole-macro }\n"
    "    content log-only reject attachment hash <h>\n"
    "    content log-only reject attachment inner-name <exename>\n"
    "    content log-only reject attachment inner-ext <exe>\n"
    "    content log-only reject attachment encrypted\n"
    "    content log-only reject attachment double-ext\n"
    "    content log-only reject attachment bidi\n"
    "    content log-only reject size over 2k\n"
    "    content reject keyword <secret> !attachment ext <exe>\n"
    "}\n";

static struct ruleset *fz_rs;

static void
fz_append(struct buf *out, char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        buf_put(out, v[i], strlen(v[i]));
        buf_putc(out, '\n');
    }
}

/* One transaction; chunk 0 feeds the body in one piece. */
static void
fz_run(const uint8_t *m, size_t len, uint32_t seed, size_t chunk, struct buf *out)
{
    struct env env = {NULL, NULL, NULL, NULL, NULL};
    struct session *s = session_new(fz_rs, &env);
    struct ev_connect ce = {0};
    struct ev_mail me = {0};
    const struct verdict *v;
    size_t i = 0, body;
    char line[128];

    if (s == NULL)
        abort();
    session_trace_content(s, 1);
    ce.addr = "192.0.2.7";
    session_connect(s, &ce);
    me.from = "<a@remote.example>";
    session_mail(s, &me);
    session_rcpt(s, "<b@example.com>", NULL);
    /* header fields: one per line up to an empty line; a line without a colon is skipped */
    while (i < len) {
        const uint8_t *nl = memchr(m + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - m) : len, fe = e;
        char *h, *colon;
        if (fe > i && m[fe - 1] == '\r')
            fe--;
        if (fe == i) {
            i = e < len ? e + 1 : e;
            break;
        }
        if ((h = strndup((const char *)m + i, fe - i)) == NULL)
            abort();
        if (strlen(h) == fe - i && (colon = strchr(h, ':')) != NULL) {
            *colon = '\0';
            session_header(s, h, colon[1] == ' ' ? colon + 2 : colon + 1);
        }
        free(h);
        i = e < len ? e + 1 : e;
    }
    session_eoh(s, NULL);
    for (body = i; body < len;) {
        size_t n = len - body;
        if (chunk > 0) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 8) % chunk;
            if (n > len - body)
                n = len - body;
        }
        v = session_body(s, m + body, n);
        body += n;
        if (v->skip)
            break;
    }
    v = session_eom(s, "Q");
    fz_append(out, v->findings, v->nfindings);
    fz_append(out, v->log, v->nlog);
    snprintf(line, sizeof(line), "reply=%d nedits=%zu nrcpts=%zu\n", v->reply, v->nedits, v->nrcpts);
    buf_put(out, line, strlen(line));
    session_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf one, chunked;
    char err[2048];

    if (fz_rs == NULL &&
        (fz_rs = rules_load_buffer("fuzz.rules", fz_rules, sizeof(fz_rules) - 1, NULL, err,
                                   sizeof(err))) == NULL)
        abort();
    if (size < 1)
        return 0;
    buf_init(&one, 64 * 1024 * 1024);
    buf_init(&chunked, 64 * 1024 * 1024);
    fz_run(data + 1, size - 1, data[0], 0, &one);
    fz_run(data + 1, size - 1, data[0], 1 + (size_t)data[0] * 8, &chunked);
    if (one.len != chunked.len || memcmp(buf_str(&one), buf_str(&chunked), one.len) != 0)
        abort();
    buf_free(&one);
    buf_free(&chunked);
    return 0;
}
