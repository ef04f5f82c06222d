/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mimedump.c - prints the MIME parser's events for a .eml file (header fields, a blank line,
 * the body), as the unit tests dump them (tests/mime/dump.h): the golden files' tool.
 *   mimedump [-s] [-c SIZE] FILE   -s: DATA as length and SHA-256; -c: the body in SIZE-byte chunks
 */
#include "mime.h"
#include "dump.h"

#include <unistd.h>

static size_t
mimedump_chunk(void *arg, size_t i)
{
    (void)i;
    return *(size_t *)arg;
}

int
main(int argc, char **argv)
{
    struct dump d = {0};
    size_t chunk = 0, n = 0, cap = 0, r;
    char *msg = NULL;
    FILE *f;
    int c;

    while ((c = getopt(argc, argv, "sc:")) != -1) {
        if (c == 's')
            d.hash_only = 1;
        else if (c == 'c')
            chunk = (size_t)strtoul(optarg, NULL, 10);
        else
            goto usage;
    }
    if (optind != argc - 1)
        goto usage;
    if ((f = fopen(argv[optind], "rb")) == NULL) {
        perror(argv[optind]);
        return 1;
    }
    do {
        if (n + 65536 > cap && (msg = realloc(msg, cap = cap * 2 + 65536)) == NULL) {
            perror("realloc");
            return 1;
        }
        r = fread(msg + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    dump_message(&d, msg, n, chunk > 0 ? mimedump_chunk : NULL, &chunk);
    fputs(d.s != NULL ? d.s : "", stdout);
    free(d.s);
    EVP_MD_CTX_free(d.md);
    free(msg);
    return 0;
usage:
    fprintf(stderr, "usage: mimedump [-s] [-c SIZE] FILE\n");
    return 2;
}
