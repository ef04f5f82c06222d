/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c - a main() for the fuzz harnesses without libFuzzer: feeds every file named on the
 * command line (or every file in a named directory) to LLVMFuzzerTestOneInput once. make check
 * runs each harness over its corpus this way, so every crasher kept there is a regression test
 * in the ordinary and the sanitizer builds alike.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (data = malloc((size_t)n + 1)) == NULL) {
        perror(path);
        if (f != NULL)
            fclose(f);
        return -1;
    }
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        fclose(f);
        free(data);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)n);
    free(data);
    return 0;
}

int
main(int argc, char **argv)
{
    int i, files = 0, bad = 0;

    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;

        if (stat(argv[i], &st) == -1) {
            perror(argv[i]);
            bad++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad += replay_file(argv[i]) == -1;
            files++;
            continue;
        }
        if ((d = opendir(argv[i])) == NULL) {
            perror(argv[i]);
            bad++;
            continue;
        }
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            bad += replay_file(path) == -1;
            files++;
        }
        closedir(d);
    }
    printf("%d passed, %d failed\n", files - bad, bad);
    return bad ? 1 : 0;
}
