/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.c - iprev lookups with c-ares. c-ares was chosen over res_n*: it takes a per-channel
 * server list and timeout (the rules can point it at a dedicated resolver), reports NXDOMAIN,
 * SERVFAIL and timeout as distinct codes, and never touches process-global resolver state,
 * so concurrent connections cannot disturb each other. One channel per lookup keeps the
 * threads apart. Verdicts are cached by the policy library (policy/iprev.c).
 *
 * Every PTR name is checked (up to RDNS_PTR_MAX), their forward queries sent together on the
 * lookup's channel and bounded by its one deadline; policy/rdns.c decides from the answers.
 * Fixed buffers here: a PTR name (struct dns_fwd_step, see there), the reverse name
 * (DNS_RNAME_LEN, made from a parsed address) and the client address (16 bytes, inet_pton).
 * Forward addresses are compared where c-ares left them, not copied.
 */
#include "dns.h"
#include "util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>


struct dns_lookup;

/*
 * One PTR name and its forward (A or AAAA) query. name holds one byte more than the longest
 * host name: a longer name from DNS (c-ares writes odd bytes as \DDD, so its text can run to
 * 1000 bytes) is cut to RDNS_NAME_MAX + 1 bytes, which rdns_name_is_host still refuses as too
 * long, so the cut can neither overflow nor turn it into a different name that confirms.
 */
struct dns_fwd_step {
    struct dns_lookup *lk;
    int queried, done;
    int status; /* ARES_* */
    int matched;
    char name[RDNS_NAME_MAX + 2];
};

/* One iprev lookup: the client address, the PTR query, then a forward query per PTR name, all
 * on one channel. names has room for one name past RDNS_PTR_MAX: it is never queried, it only
 * tells rdns_from_lookups that there were more. */
struct dns_lookup {
    int family, alen;
    unsigned char bin[16];
    int pending; /* queries sent and not yet answered or cancelled */
    int ptr_status;
    int nnames;
    struct dns_fwd_step names[RDNS_PTR_MAX + 1];
};


int
dns_init(void)
{
    return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -1;
}

/* Keeps a PTR name unless it is there already (a resolver may repeat one, and c-ares 1.18
 * lists every name in h_aliases and the last one again in h_name). */
static void
dns_add_name(struct dns_lookup *lk, const char *name)
{
    int i;

    if (name == NULL || lk->nnames >= RDNS_PTR_MAX + 1)
        return;
    for (i = 0; i < lk->nnames; i++)
        if (strlen(name) < sizeof(lk->names[i].name) && strcasecmp(lk->names[i].name, name) == 0)
            return;
    util_strlcpy(lk->names[lk->nnames].name, name, sizeof(lk->names[lk->nnames].name));
    lk->names[lk->nnames++].lk = lk;
}

/* ares_query callbacks: the raw reply, parsed here. ares_gethostbyaddr is not used: it turns
 * SERVFAIL, REFUSED and timeouts into "not found", which would stamp a broken resolver as a
 * missing PTR record. */
static void
dns_ptr_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct dns_lookup *lk = arg;
    struct hostent *h = NULL;
    int i;

    lk->pending--;
    lk->ptr_status = status;
    if (status != ARES_SUCCESS)
        return;
    lk->ptr_status = ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET, &h);
    if (lk->ptr_status != ARES_SUCCESS || h == NULL) {
        if (h != NULL)
            ares_free_hostent(h);
        return;
    }
    /* Every PTR name, in the order of the answer: c-ares puts them all in h_aliases. */
    for (i = 0; h->h_aliases != NULL && h->h_aliases[i] != NULL; i++)
        dns_add_name(lk, h->h_aliases[i]);
    dns_add_name(lk, h->h_name);
    ares_free_hostent(h);
}

static void
dns_fwd_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct dns_fwd_step *st = arg;
    struct dns_lookup *lk = st->lk;
    struct hostent *h = NULL;
    int i;

    lk->pending--;
    st->done = 1;
    st->status = status;
    if (status != ARES_SUCCESS)
        return;
    if (lk->family == AF_INET)
        st->status = ares_parse_a_reply(abuf, alen, &h, NULL, NULL);
    else
        st->status = ares_parse_aaaa_reply(abuf, alen, &h, NULL, NULL);
    if (st->status != ARES_SUCCESS || h == NULL) {
        if (h != NULL)
            ares_free_hostent(h);
        return;
    }
    /* Compared where they are, so no address is left out however many there are. */
    for (i = 0; h->h_length == lk->alen && h->h_addr_list != NULL && h->h_addr_list[i] != NULL; i++)
        st->matched |= memcmp(h->h_addr_list[i], lk->bin, (size_t)lk->alen) == 0;
    ares_free_hostent(h);
}

/* The reverse name: 7.2.0.192.in-addr.arpa, or the nibbles of an IPv6 address in ip6.arpa.
 * Made from the 4 or 16 bytes of a parsed address, never from DNS: at most 72 characters
 * (64 for the nibbles, 8 for "ip6.arpa"), and out holds DNS_RNAME_LEN. */
#define DNS_RNAME_LEN 80
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

/* Runs the channel until no query is pending or the deadline passes (then cancels them all:
 * their callbacks see ARES_ECANCELLED). */
static void
dns_run(ares_channel ch, const int *pending, long deadline)
{
    while (*pending > 0) {
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
        if (n == 0 && wait_ms == 0) {
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
dns_status(int done, int status)
{
    if (!done || status == ARES_ETIMEOUT || status == ARES_ECANCELLED)
        return RDNS_TIMEOUT;
    if (status == ARES_SUCCESS)
        return RDNS_OK;
    if (status == ARES_ENOTFOUND || status == ARES_ENODATA) /* NXDOMAIN, NOERROR/0 */
        return RDNS_NONE;
    return RDNS_SERVFAIL; /* SERVFAIL, REFUSED, connection refused, bad reply */
}

/* What really failed, when it was not a plain SERVFAIL; NULL otherwise. */
static const char *
dns_why(int status)
{
    if (status == ARES_EREFUSED)
        return "REFUSED";
    if (status == ARES_ECONNREFUSED)
        return "resolver unreachable";
    if (status == ARES_EBADRESP || status == ARES_EFORMERR)
        return "bad reply";
    return NULL;
}

/* A lookup that could not even be made counts as failed, with the reason. */
static void
dns_fail(struct rdns_result *r, const char *why)
{
    rdns_from_lookup(RDNS_SERVFAIL, NULL, RDNS_SERVFAIL, 0, r);
    util_strlcpy(r->detail, why, sizeof(r->detail));
}

void
dns_iprev(const char *addr, const struct dns_config *cfg, struct rdns_result *r)
{
    struct ares_options opt;
    ares_channel ch;
    struct dns_lookup lk;
    struct rdns_fwd fwd[RDNS_PTR_MAX + 1];
    char rname[DNS_RNAME_LEN];
    int i, type;
    long deadline = dns_now_ms() + cfg->timeout_ms;

    memset(&lk, 0, sizeof(lk));
    lk.family = AF_INET;
    lk.alen = 4;
    if (inet_pton(AF_INET, addr, lk.bin) != 1) {
        lk.family = AF_INET6;
        lk.alen = 16;
        if (inet_pton(AF_INET6, addr, lk.bin) != 1) {
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
    dns_reverse_name(lk.bin, lk.family, rname, sizeof(rname));
    lk.pending = 1;
    ares_query(ch, rname, C_IN, T_PTR, dns_ptr_cb, &lk);
    dns_run(ch, &lk.pending, deadline);
    if (dns_status(lk.pending == 0, lk.ptr_status) != RDNS_OK || lk.nnames == 0) {
        rdns_from_lookups(dns_status(lk.pending == 0, lk.ptr_status), NULL, 0, r);
        if (r->verdict == RDNS_FAILED && dns_why(lk.ptr_status) != NULL)
            util_strlcpy(r->detail, dns_why(lk.ptr_status), sizeof(r->detail));
    } else {
        /* Every name's forward query at once, on the one channel, within the one deadline.
         * Names that cannot be host names are not asked about: they cannot confirm. */
        type = lk.family == AF_INET ? T_A : T_AAAA;
        for (i = 0; i < lk.nnames && i < RDNS_PTR_MAX; i++) {
            if (!rdns_name_is_host(lk.names[i].name))
                continue;
            lk.names[i].queried = 1;
            lk.pending++;
            ares_query(ch, lk.names[i].name, C_IN, type, dns_fwd_cb, &lk.names[i]);
        }
        dns_run(ch, &lk.pending, deadline);
        for (i = 0; i < lk.nnames; i++) {
            const struct dns_fwd_step *st = &lk.names[i];
            fwd[i].name = st->name;
            fwd[i].status = st->queried ? dns_status(st->done, st->status) : RDNS_NONE;
            fwd[i].matched = st->queried && st->matched;
            fwd[i].why = st->queried ? dns_why(st->status) : NULL;
        }
        rdns_from_lookups(RDNS_OK, fwd, lk.nnames, r);
    }
    ares_destroy(ch);
}
