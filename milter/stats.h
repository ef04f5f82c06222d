/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.h - the daemon's counters: volume per listener, decisions per action and rule, rDNS
 * verdicts and lookups, GeoIP lookups and reopens, reloads, internal errors. Lock-free (relaxed
 * atomics in a table that only grows), kept across reloads (series are keyed by names, not by
 * rules snapshots), and written in the Prometheus text format to a file for node_exporter's
 * textfile collector.
 */
#ifndef RW_STATS_H
#define RW_STATS_H

#include "session.h"

#include <stddef.h>
#include <stdio.h>

/* Series kept: every listener x action x rule of a rules file of several hundred rules, and
 * the fixed ones, fit; a series past it is not kept, and counted in
 * relaywarden_stats_series_dropped_total instead - never a silent loss. */
#define STATS_MAX_SERIES 4096
/* Longest label set of one series: a rule's file path, line and name with their escapes. A
 * longer one (a path of over ~900 bytes) is a dropped series, counted as above. */
#define STATS_LABELS_MAX 1024
/* Longest line stats_show reads: a series line is its name, labels and a number. */
#define STATS_LINE_MAX (STATS_LABELS_MAX + 128)
/* How often the textfile is rewritten by default, in seconds: Prometheus' default scrape
 * interval, so node_exporter never serves a value older than one scrape. */
#define STATS_INTERVAL_DEFAULT 15
#define STATS_INTERVAL_MAX 3600

/* stats_init - once, before threads: the zero series. 0, or -1 out of memory. */
int stats_init(void);

/* The counting hooks. None blocks, none fails: what cannot be kept is counted as dropped. */
void stats_verdict(const struct session *s, const struct verdict *v, enum event ev);
void stats_body(const struct session *s, size_t len);
void stats_internal_error(void);
void stats_reload(int ok);
void stats_lookup(long long ms, int failed);
/* limits (rate limits): a message or recipient over limit (counted in where: local, redis,
 * fallback, overflow), or one counted in the overflow counter; Redis trouble (event: error,
 * fallback, tempfail). */
void stats_limit(const char *limit, const char *where, int over);
void stats_limit_redis(const char *event);
/* geoip: one lookup in the database of a kind ("country", "asn") and what it gave ("found",
 * "unknown", "error"); a database a reload reopened (ok) or could not (then the reload fails). */
void stats_geoip_lookup(const char *database, const char *result);
void stats_geoip_reopen(const char *database, int ok);

/* stats_write - every series in the Prometheus text format (0.0.4) to f. 0, or -1 when f
 * failed. */
int stats_write(FILE *f);

/* stats_textfile_start - a thread that writes the textfile path (through a temporary file in
 * its directory and rename(), so a reader never sees half a file) every interval seconds and
 * once more at stats_textfile_stop. 0, or -1 with the reason in err. */
int stats_textfile_start(const char *path, int interval, char *err, size_t errlen);
void stats_textfile_stop(void);

/* How every metrics file stats_write writes begins (its first HELP line): what an existing -m
 * file must begin with for relaywarden to replace it. */
#define STATS_FILE_MAGIC "# HELP relaywarden_"

/* stats_textfile_check - whether path may be replaced by the metrics file, checked before the
 * daemon starts, as -P checks its pid file: absent, empty, or a regular file of one link whose
 * first line is a relaywarden metrics file's. Refused: a symbolic link, a FIFO or any other
 * non-regular file, a file of several links, one of protect (the nprotect paths the rules were
 * read from: protect[0] the rules file, then the included and list files), and any other
 * non-empty file. 0, or -1 with the reason in err. Nothing is opened but a regular file (the
 * kind of file, its links and its identity are ownfile_open's checks, shared with -P). */
int stats_textfile_check(const char *path, const char *const *protect, size_t nprotect, char *err,
                         size_t errlen);

/* stats_show - the human view of a textfile written by a running relaywarden: volume per
 * listener (per direction), decisions per action and per rule. 0, or -1 with the reason in
 * err (missing file, a line longer than STATS_LINE_MAX). */
int stats_show(const char *path, FILE *out, char *err, size_t errlen);

#endif
