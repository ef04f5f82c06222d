/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session_geoip.c - GeoIP in the session: the one lookup per connection (at connect, through
 * env->geoip, kept until the session ends) and the stamp header at the end of a message.
 */
#include "session_int.h"
#include "util.h"

#include <string.h>

void
sess_geoip_connect(struct session *s)
{
    const struct ruleset *rs = s->rs;

    memset(&s->geo, 0, sizeof(s->geo));
    s->geo_error[0] = '\0';
    s->have_geo = 0;
    if (rs->geoip.ndbs == 0)
        return;
    /* no address from the MTA, or no lookup function: unknown, a fact like any other */
    s->have_geo = 1;
    if (!s->have_client || s->env == NULL || s->env->geoip == NULL)
        return;
    if (s->env->geoip(s->env->ctx, &rs->geoip, &s->client, &s->geo, s->geo_error,
                      sizeof(s->geo_error)) == -1) {
        if (s->geo_error[0] == '\0')
            util_strlcpy(s->geo_error, "geoip lookup failed", sizeof(s->geo_error));
        if (s->geo.failed != 0) /* one database failed: the other's answer still decides */
            return;
        s->have_geo = 0;
        memset(&s->geo, 0, sizeof(s->geo));
    }
}

void
sess_geoip_stamp(struct session *s)
{
    const struct listener *l = s->listener;
    char value[GEOIP_STAMP_MAX];

    if (l == NULL || !l->geoip_stamp)
        return;
    if (!s->have_geo || s->geo.failed) /* a lookup failed: no stamp rather than one that lies */
        return;
    geoip_format(&s->geo, value, sizeof(value));
    verdict_edit(s, EDIT_INSERT, 0, l->geoip_header ? l->geoip_header : GEOIP_STAMP_HEADER, value);
}

const struct geoip_result *
session_geoip(const struct session *s)
{
    return s->have_geo ? &s->geo : NULL;
}
