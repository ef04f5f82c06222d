/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.c - iprev lookups with c-ares. c-ares was chosen over res_n*: it takes a per-channel
 * server list and timeout (the rules can point it at a dedicated resolver), reports NXDOMAIN,
 * SERVFAIL and timeout as distinct codes, and never touches process-global resolver state,
 * so concurrent connections cannot disturb each other. One channel per lookup keeps the
 * threads apart; the cache keeps repeat clients cheap.
 */
#include "dns.h"
#include "strset.h"
#include "util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Cached verdicts; past this the cache is emptied and starts again: bounded, and simple. */
#define DNS_CACHE_MAX 16384
/* Forward records compared per lookup: a name with more addresses than this is odd anyway. */
#define DNS_MAX_ADDRS 32

struct dns_step {
    int type; /* T_PTR, T_A or T_AAAA */
    int done;
    int status; /* ARES_* */
    char name[RDNS_NAME_MAX + 1];
    int naddrs;
    unsigned char addrs[DNS_MAX_ADDRS][16];
};

struct dns_cache_entry {
    time_t expires;
    struct rdns_result r;
};

static pthread_mutex_t dns_mu = PTHREAD_MUTEX_INITIALIZER;
static struct strset dns_cache; /* address -> struct dns_cache_entry * */

int
dns_init(void)
{
    return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -1;
}

/* ares_query callback: the raw reply, parsed here. ares_gethostbyaddr is not used: it turns
 * SERVFAIL, REFUSED and timeouts into "not found", which would stamp a broken resolver as a
 * missing PTR record. */
static void
dns_query_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct dns_step *st = arg;
    struct hostent *h = NULL;
    int i;

    st->done = 1;
    st->status = status;
    if (status != ARES_SUCCESS)
        return;
    if (st->type == T_PTR) {
        st->status = ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET, &h);
    } else if (st->type == T_A) {
        st->status = ares_parse_a_reply(abuf, alen, &h, NULL, NULL);
    } else {
        st->status = ares_parse_aaaa_reply(abuf, alen, &h, NULL, NULL);
    }
    if (st->status != ARES_SUCCESS || h == NULL) {
        if (h != NULL)
            ares_free_hostent(h);
        return;
    }
    if (h->h_name != NULL)
        util_strlcpy(st->name, h->h_name, sizeof(st->name));
    for (i = 0; st->type != T_PTR && h->h_addr_list != NULL && h->h_addr_list[i] != NULL &&
                i < DNS_MAX_ADDRS;
         i++)
        memcpy(st->addrs[st->naddrs++], h->h_addr_list[i], (size_t)h->h_length);
    ares_free_hostent(h);
}

/* The reverse name: 7.2.0.192.in-addr.arpa, or the nibbles of an IPv6 address in ip6.arpa. */
static void
dns_reverse_name(const unsigned char *bin, int family, char *out, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    int i;

    if (family == AF_INET) {
        snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", bin[3], bin[2], bin[1], bin[0]);
        return;
    }
    for (i = 15; i >= 0 && o + 4 < len; i--) {
        out[o++] = hex[bin[i] & 15];
        out[o++] = '.';
        out[o++] = hex[bin[i] >> 4];
        out[o++] = '.';
    }
    util_strlcpy(out + o, "ip6.arpa", len - o);
}

static long
dns_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* c-ares' ARES_GETSOCK_READABLE/WRITABLE shift a signed 1 into bit 31 (undefined behaviour,
 * which UBSan reports); these are the same tests on unsigned bits. */
#define DNS_SOCK_READABLE(bits, i) (((unsigned)(bits) >> (i)) & 1u)
#define DNS_SOCK_WRITABLE(bits, i) (((unsigned)(bits) >> ((i) + ARES_GETSOCK_MAXNUM)) & 1u)

/* Runs the channel until st is done or the deadline passes (then cancels: ARES_ECANCELLED). */
static void
dns_run(ares_channel ch, struct dns_step *st, long deadline)
{
    while (!st->done) {
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct timeval tv, *tvp, max;
        long left = deadline - dns_now_ms();
        int bits, n = 0, i, wait_ms;

        if (left <= 0) {
            ares_cancel(ch);
            break;
        }
        bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
        for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            if (!DNS_SOCK_READABLE(bits, i) && !DNS_SOCK_WRITABLE(bits, i))
                continue;
            pfd[n].fd = socks[i];
            pfd[n].events = (short)((DNS_SOCK_READABLE(bits, i) ? POLLIN : 0) |
                                    (DNS_SOCK_WRITABLE(bits, i) ? POLLOUT : 0));
            pfd[n++].revents = 0;
        }
        max.tv_sec = left / 1000;
        max.tv_usec = (left % 1000) * 1000;
        tvp = ares_timeout(ch, &max, &tv);
        wait_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
        if (n == 0 && wait_ms == 0 && !st->done) {
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            continue;
        }
        if (poll(pfd, (nfds_t)n, wait_ms) <= 0) {
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts, retries */
            continue;
        }
        for (i = 0; i < n; i++)
            ares_process_fd(
                ch, pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
                pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
    }
}

static enum rdns_status
dns_status(const struct dns_step *st)
{
    if (!st->done || st->status == ARES_ETIMEOUT || st->status == ARES_ECANCELLED)
        return RDNS_TIMEOUT;
    if (st->status == ARES_SUCCESS)
        return RDNS_OK;
    if (st->status == ARES_ENOTFOUND || st->status == ARES_ENODATA) /* NXDOMAIN, NOERROR/0 */
        return RDNS_NONE;
    return RDNS_SERVFAIL; /* SERVFAIL, REFUSED, connection refused, bad reply */
}

static int
dns_cache_get(const char *addr, struct rdns_result *r)
{
    struct strset_entry *e;
    int hit = 0;

    pthread_mutex_lock(&dns_mu);
    e = strset_get(&dns_cache, addr);
    if (e != NULL && ((struct dns_cache_entry *)e->value)->expires > time(NULL)) {
        *r = ((struct dns_cache_entry *)e->value)->r;
        hit = 1;
    }
    pthread_mutex_unlock(&dns_mu);
    return hit;
}

static void
dns_cache_put(const char *addr, const struct rdns_result *r, int secs)
{
    struct strset_entry *e;
    struct dns_cache_entry *c;

    pthread_mutex_lock(&dns_mu);
    if (dns_cache.len >= DNS_CACHE_MAX)
        strset_free(&dns_cache, free);
    if ((e = strset_get(&dns_cache, addr)) != NULL) {
        c = e->value;
    } else if ((c = malloc(sizeof(*c))) != NULL && strset_add(&dns_cache, addr, c) != 1) {
        free(c);
        c = NULL;
    }
    if (c != NULL) {
        c->expires = time(NULL) + secs;
        c->r = *r;
    }
    pthread_mutex_unlock(&dns_mu);
}

/* A lookup that could not even be made counts as failed, with the reason. */
static void
dns_fail(struct rdns_result *r, const char *why)
{
    rdns_from_lookup(RDNS_SERVFAIL, NULL, RDNS_SERVFAIL, 0, r);
    util_strlcpy(r->detail, why, sizeof(r->detail));
}

/* Say what really failed when it was not a plain SERVFAIL. */
static void
dns_detail(const struct dns_step *st, struct rdns_result *r)
{
    const char *what = NULL;

    if (st->status == ARES_EREFUSED)
        what = "REFUSED";
    else if (st->status == ARES_ECONNREFUSED)
        what = "resolver unreachable";
    else if (st->status == ARES_EBADRESP || st->status == ARES_EFORMERR)
        what = "bad reply";
    if (what != NULL && r->verdict == RDNS_FAILED)
        snprintf(r->detail, sizeof(r->detail), "%s%s", what,
                 st->type == T_PTR ? "" : " on the forward lookup");
}

void
dns_iprev(const char *addr, const struct dns_config *cfg, struct rdns_result *r)
{
    struct ares_options opt;
    ares_channel ch;
    struct dns_step ptr, fwd;
    unsigned char bin[16];
    char rname[80];
    int family = AF_INET, alen = 4, i, match = 0;
    long deadline = dns_now_ms() + cfg->timeout_ms;

    if (cfg->cache_secs > 0 && dns_cache_get(addr, r))
        return;
    if (inet_pton(AF_INET, addr, bin) != 1) {
        family = AF_INET6;
        alen = 16;
        if (inet_pton(AF_INET6, addr, bin) != 1) {
            dns_fail(r, "not a numeric address");
            return;
        }
    }
    memset(&opt, 0, sizeof(opt));
    opt.timeout = cfg->timeout_ms / 2 > 0 ? cfg->timeout_ms / 2 : 1; /* per try */
    opt.tries = 2;
    opt.lookups = (char *)"b"; /* DNS only: /etc/hosts is not evidence about a client */
    /* Hand SERVFAIL and REFUSED answers to us as such, instead of trying the next server and
     * reporting "could not contact DNS servers" at the end. */
    opt.flags = ARES_FLAG_NOCHECKRESP;
    if (ares_init_options(&ch, &opt,
                          ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
                              ARES_OPT_FLAGS) != ARES_SUCCESS) {
        dns_fail(r, "resolver could not start");
        return;
    }
    if (cfg->server != NULL && ares_set_servers_ports_csv(ch, cfg->server) != ARES_SUCCESS) {
        ares_destroy(ch);
        dns_fail(r, "bad resolver address");
        return;
    }
    memset(&ptr, 0, sizeof(ptr));
    ptr.type = T_PTR;
    dns_reverse_name(bin, family, rname, sizeof(rname));
    ares_query(ch, rname, C_IN, T_PTR, dns_query_cb, &ptr);
    dns_run(ch, &ptr, deadline);
    if (dns_status(&ptr) != RDNS_OK || ptr.name[0] == '\0') {
        rdns_from_lookup(ptr.name[0] == '\0' && dns_status(&ptr) == RDNS_OK ? RDNS_NONE
                                                                            : dns_status(&ptr),
                         NULL, RDNS_NONE, 0, r);
        dns_detail(&ptr, r);
    } else {
        memset(&fwd, 0, sizeof(fwd));
        fwd.type = family == AF_INET ? T_A : T_AAAA;
        ares_query(ch, ptr.name, C_IN, fwd.type, dns_query_cb, &fwd);
        dns_run(ch, &fwd, deadline);
        for (i = 0; i < fwd.naddrs; i++)
            match |= memcmp(fwd.addrs[i], bin, (size_t)alen) == 0;
        rdns_from_lookup(RDNS_OK, ptr.name, dns_status(&fwd), match, r);
        dns_detail(&fwd, r);
    }
    ares_destroy(ch);
    /* Timeouts are not cached: the next connection may get an answer. */
    if (cfg->cache_secs > 0 && r->verdict != RDNS_TEMPERROR)
        dns_cache_put(addr, r, cfg->cache_secs);
}
