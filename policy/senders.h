/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * senders.h - which sender addresses each login owns. One line per login:
 *     LOGIN ADDRESS [ADDRESS ...]      (commas optional)
 * where ADDRESS is user@domain, @domain (the whole domain) or a glob (noreply-*@example.com),
 * and LOGIN may be a glob too (app-*), for shared service accounts. A login may have many
 * lines and an address many logins: delegates and aliases are ordinary entries.
 */
#ifndef RW_SENDERS_H
#define RW_SENDERS_H

#include "strset.h"

#include <stddef.h>

enum senders_opt {
    SENDERS_ALLOW_NULL = 1 << 0,   /* an authenticated login may use the null sender <> */
    SENDERS_SUBADDRESS = 1 << 1,   /* user+tag@ counts as user@ */
    SENDERS_NOCASE_LOCAL = 1 << 2, /* local parts compare case-insensitively */
};

struct senders_owned; /* what one login (or login glob) owns */

struct senders {
    unsigned opts;
    struct strset logins; /* exact login (lower case) -> struct senders_owned * */
    struct senders_glob {
        char *pattern;
        struct senders_owned *owned;
    } * globs;
    size_t nglobs;
};

void senders_init(struct senders *s);
void senders_free(struct senders *s);
/* senders_add_line - one "LOGIN ADDRESS..." entry; 0, or -1 with a message in err. */
int senders_add_line(struct senders *s, const char *line, char *err, size_t errlen);
/*
 * senders_owns - 1 if login may send as local@domain (flags are the address's ADDR_F_*:
 * routed or null addresses are owned only as the options say), else 0.
 */
int senders_owns(const struct senders *s, const char *login, const char *local, const char *domain,
                 unsigned flags);

#endif
