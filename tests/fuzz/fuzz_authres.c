/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_authres.c - libFuzzer target for the Authentication-Results authserv-id reader, which
 * reads what any sender writes. The input is read as a header value, in a buffer of exactly its
 * size (ASan catches a read past the view). Invariants: an id read is a non-empty token no
 * longer than the input or AUTHRES_ID_MAX, equals itself, fits a buffer of its size + 1 and is
 * refused (never cut) by one byte less; what cannot be read counts as ours. Then a token ID
 * made from the input: "ID; none", its quoted-pair spelling, its upper case and a commented
 * spelling are all found ours for ID, and "IDx" is not.
 */
#include "authres.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 2045 token characters: printable US-ASCII but tspecials. */
static const char fuzz_token[] = "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`"
                                 "abcdefghijklmnopqrstuvwxyz{|}~";

static void
fuzz_check_read(const char *v, size_t size)
{
    char id[AUTHRES_ID_MAX + 1], small[AUTHRES_ID_MAX + 2], other[AUTHRES_ID_MAX + 2];
    size_t n, i;

    if (authres_id(v, size, id, sizeof(id)) == -1) {
        if (id[0] != '\0' || authres_is_ours(v, size, "mx.example.com") != 1)
            abort();
        return;
    }
    n = strlen(id);
    if (n == 0 || n > size || n > AUTHRES_ID_MAX)
        abort();
    for (i = 0; i < n; i++)
        if (strchr(fuzz_token, id[i]) == NULL)
            abort();
    if (authres_is_ours(v, size, id) != 1)
        abort();
    if (authres_id(v, size, small, n) != -1 || small[0] != '\0')
        abort(); /* one byte short: refused, not cut */
    if (authres_id(v, size, small, n + 1) != 0 || strcmp(small, id) != 0)
        abort();
    snprintf(other, sizeof(other), "%sx", id);
    if (authres_is_ours(v, size, other) != 0)
        abort();
}

/* Builds "PREFIX ID SUFFIX" spellings of a token ID and checks each is ours for ID. */
static void
fuzz_check_spellings(const uint8_t *data, size_t size)
{
    char id[AUTHRES_ID_MAX + 1], up[AUTHRES_ID_MAX + 1], other[AUTHRES_ID_MAX + 2];
    char hdr[4 * AUTHRES_ID_MAX + 64], got[AUTHRES_ID_MAX + 1];
    size_t n = size < AUTHRES_ID_MAX ? size : AUTHRES_ID_MAX, i, o;

    if (n == 0)
        return;
    for (i = 0; i < n; i++) {
        id[i] = fuzz_token[data[i] % (sizeof(fuzz_token) - 1)];
        up[i] = id[i] >= 'a' && id[i] <= 'z' ? (char)(id[i] - 'a' + 'A') : id[i];
    }
    id[n] = up[n] = '\0';
    snprintf(other, sizeof(other), "%sx", id);

    o = (size_t)snprintf(hdr, sizeof(hdr), "%s; none", id);
    if (authres_id(hdr, o, got, sizeof(got)) != 0 || strcmp(got, id) != 0 ||
        authres_is_ours(hdr, o, id) != 1 || authres_is_ours(hdr, o, up) != 1 ||
        authres_is_ours(hdr, o, other) != 0)
        abort();

    /* "\"\\I\\D\" ; none": every character a quoted-pair */
    o = 0;
    hdr[o++] = '"';
    for (i = 0; i < n; i++) {
        hdr[o++] = '\\';
        hdr[o++] = id[i];
    }
    o += (size_t)snprintf(hdr + o, sizeof(hdr) - o, "\" ; none");
    if (authres_id(hdr, o, got, sizeof(got)) != 0 || strcmp(got, id) != 0 ||
        authres_is_ours(hdr, o, other) != 0)
        abort();

    /* A comment with escaped parentheses and a fold before it, a version after it. */
    o = (size_t)snprintf(hdr, sizeof(hdr), "\n (a\\) (b\\() c)\r\n\t%s 1 (v); none", up);
    if (authres_is_ours(hdr, o, id) != 1 || authres_is_ours(hdr, o, other) != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = malloc(size > 0 ? size : 1);

    if (v == NULL)
        return 0;
    memcpy(v, data, size);
    fuzz_check_read(v, size);
    free(v);
    fuzz_check_spellings(data, size);
    return 0;
}
