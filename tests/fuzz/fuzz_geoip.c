/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_geoip.c - libFuzzer target for the GeoIP lists and the login country lock: the first
 * byte picks the list type (countries, asns, logins-from), the bytes up to the first NUL are
 * its items, one per line (as a list file gives them), and the rest is the SASL login the MTA
 * reports, untrusted and of any length. Every refused item must say why; every match answers
 * in its range; the stamp text stays within GEOIP_STAMP_MAX.
 */
#include "geoip.h"
#include "list.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum list_type types[] = {LIST_COUNTRIES, LIST_ASNS, LIST_LOGINS_FROM};
    static const struct geoip_result probes[] = {
        {"DE", 3320, 0}, {"", 0, 0}, {"US", 4294967295UL, 0}, {"ZZ", 1, 0}};
    struct list *l;
    char *buf, *items, *login, *line, *next, err[300], stamp[GEOIP_STAMP_MAX];
    size_t i, nitems;

    if (size == 0)
        return 0;
    if ((buf = malloc(size + 1)) == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    buf[size] = '\0';
    items = buf;
    nitems = strlen(items);
    login = nitems + 1 < size ? items + nitems + 1 : items + nitems;
    l = list_new("fuzz", types[data[0] % 3], "fuzz.rules", 1);
    if (l == NULL) {
        free(buf);
        return 0;
    }
    for (line = items; line != NULL; line = next) {
        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        err[0] = '\0';
        if (list_add(l, line, err, sizeof(err)) == -1 && err[0] == '\0')
            abort(); /* a refusal always says why */
    }
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        int r;
        if (l->type == LIST_LOGINS_FROM) {
            r = geoip_login_allowed(l, login, &probes[i]);
            if (r < -1 || r > 2)
                abort();
        } else {
            r = l->type == LIST_COUNTRIES ? geoip_match_country(l, &probes[i])
                                          : geoip_match_asn(l, &probes[i]);
            if (r != 0 && r != 1)
                abort();
        }
        geoip_format(&probes[i], stamp, sizeof(stamp));
        if (strlen(stamp) + 1 >= sizeof(stamp))
            abort(); /* the stamp never comes near its limit */
    }
    if (geoip_country_valid(login) && strlen(login) != 2)
        abort();
    list_free(l);
    free(buf);
    return 0;
}
