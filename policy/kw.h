/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kw.h - keyword matching: every keyword of the loaded rules compiled once into one Hyperscan
 * database, scanned in streaming mode over each text stream (the Subject, each text part), so a
 * keyword cut by a chunk boundary is still found. Literal text, case-insensitive, optionally
 * whole-word. The text is textconv's output (valid UTF-8 in its normal form).
 */
#ifndef RW_KW_H
#define RW_KW_H

#include <stddef.h>

/* Longest keyword, in bytes of its normal form: a keyword is a word or a phrase; 256 holds any
 * phrase an admin lists and keeps one keyword from bloating the database. Longer is an error. */
#define KW_KEYWORD_MAX 256

/* kw_pattern.flags */
#define KW_WORD 0x1 /* whole word: no letter, digit or combining mark right before or after */

struct kw_pattern {
    const char *text; /* UTF-8, matched literally (regex characters are plain characters) */
    unsigned id;      /* the caller's: e.g. list number << 16 | keyword number */
    unsigned flags;   /* KW_WORD */
};

struct kw_set;
struct kw_scan;

/*
 * kw_compile - compiles n keywords (rules load time). The keyword is put in the same normal form
 * as text (textconv: white space runs are one space, none at either end; zero-width characters
 * dropped), so "project  falcon" matches "project\r\n falcon". Matching is case-insensitive for
 * every script, character by character: each letter matches its simple lower, upper and title
 * case when they are as long in UTF-8 (U+00E9 and U+00C9, U+0434 and U+0414; not U+00DF and
 * "SS", nor U+1E9E or U+2126 OHM SIGN, longer than their folds; textconv has already written
 * U+017F LONG S, U+212A KELVIN and U+212B ANGSTROM SIGN as s, k and U+00C5). Whole word (KW_WORD)
 * asks for a non-word character or the stream's start/end next to each end of the keyword that is
 * itself a word character (so "c++" whole-word is bounded only at its start). n may be 0: nothing
 * matches. Returns the set, or NULL with err saying which keyword and why (empty, not UTF-8, longer
 * than KW_KEYWORD_MAX, out of memory). The caller owns the set (kw_set_free); it copies the
 * patterns, so p may go. It is immutable: any number of kw_scan may use it at once, in any thread.
 */
struct kw_set *kw_compile(const struct kw_pattern *p, size_t n, char *err, size_t errlen);
void kw_set_free(struct kw_set *set);
/* kw_set_count - the number of patterns compiled. */
size_t kw_set_count(const struct kw_set *set);

/*
 * kw_hit_fn - one match: p points into the set (its text as given to kw_compile, its id and
 * flags; valid while the set lives); offset is where the match ends in the stream's bytes (for
 * a whole-word keyword, possibly after the one character that bounds it). Each pattern is
 * reported at most once per stream, at its first match. Return 0 to go on, non-zero to stop
 * scanning this stream (nothing more is reported for it until kw_scan_begin).
 */
typedef int (*kw_hit_fn)(void *arg, const struct kw_pattern *p, unsigned long long offset);

/*
 * kw_scan_new - scanning state for one session (or one thread): allocates vectorscan's scratch
 * space and one stream's state for set, which must outlive it. NULL: out of memory. The caller
 * owns it (kw_scan_free); it scans one stream at a time.
 */
struct kw_scan *kw_scan_new(const struct kw_set *set);
/* kw_scan_begin - a new stream; whatever an unfinished previous stream held is dropped. 0/-1. */
int kw_scan_begin(struct kw_scan *sc);
/* kw_scan_feed - len more bytes of the stream (valid UTF-8 as a whole, cut anywhere). Matches
 * are reported to fn before it returns, except a whole-word keyword that ends where these bytes
 * end: the next character decides, in the next feed or at kw_scan_end. 0, or -1 when
 * vectorscan fails (out of memory). */
int kw_scan_feed(struct kw_scan *sc, const char *utf8, size_t len, kw_hit_fn fn, void *arg);
/* kw_scan_end - the stream ended: reports the matches its end completes (a whole-word keyword
 * at the very end). 0/-1. The next stream starts with kw_scan_begin. */
int kw_scan_end(struct kw_scan *sc, kw_hit_fn fn, void *arg);
void kw_scan_free(struct kw_scan *sc);

#endif
