/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * audit.h - the static audit of a loaded ruleset: listeners that relay for anyone or by network
 * alone, logins without TLS, our domains open to outsiders as senders, rules that can never
 * match, log-only rules that are a listener's only relay protection, a permissive default.
 */
#ifndef RW_AUDIT_H
#define RW_AUDIT_H

#include "addr.h"
#include "rules.h"

#include <stddef.h>

/* Warnings past this are counted but not listed, as RULES_MAX_REPORTED_ERRORS: a generated
 * rules file with a thousand dead rules should not flood a terminal or the log. */
#define AUDIT_MAX_REPORTED 50

/*
 * audit_ruleset - audit rs. Writes every warning (up to AUDIT_MAX_REPORTED, then one line
 * saying how many more) as "file:line: warning: text\n", in file and line order, into out
 * (NUL-terminated, cut to outlen; the caller owns out). Returns the number of warnings, 0 when
 * the rules are clean, or -1 when memory ran out (out says so). rs is only read.
 */
int audit_ruleset(const struct ruleset *rs, char *out, size_t outlen);

/* Room for one domain of audit_sender_domains: a domain name, and the "audit." a wildcard item
 * (*.partner.example) is sampled with. */
#define AUDIT_DOMAIN_LEN (ADDR_DOMAIN_MAX + 8)

/*
 * audit_sender_domains - one domain of each domains list the rules of rs test senders against
 * (from, from-claims, header-from) or recipients against as ours, without repeats: the senders
 * an outsider can forge, for the live audit (relaywarden -A -c). Copies up to max of them into
 * out (the caller owns out) and returns how many there are, which may be more than max (the
 * caller says so rather than dropping some), or (size_t)-1 when memory ran out. rs is only read.
 */
size_t audit_sender_domains(const struct ruleset *rs, char (*out)[AUDIT_DOMAIN_LEN], size_t max);

/*
 * audit_domain_decides_relay - 1 if domain (a bare domain name, lower case as addr.c keeps it)
 * is inside a domains list some rule of rs tests recipients against (to): a list that decides
 * relay, so the domain cannot stand for a foreign one (relaywarden -A -c --foreign). 0 if it
 * is outside every such list. rs is only read.
 */
int audit_domain_decides_relay(const struct ruleset *rs, const char *domain);

#endif
