/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * content.h - content screening of one message: the header fields and body chunks the MTA
 * passes go through the streaming MIME parser (mime.c); each part's decoded bytes go to the
 * attachment facts (attach.c: names, true type, SHA-256, names inside archives) and, for text,
 * through the charset and HTML converter (textconv.c) into the keyword scanner (kw.c). What the
 * rules ask is answered as the message goes by and kept as one bit per content condition and
 * per keyword list, so memory does not grow with the message or its number of parts.
 *
 *   c = content_new(rs, policy, trace);       per message
 *   content_header(c, name, value);  ...     the message's header fields (each Subject is
 *                                             scanned for keywords as it comes)
 *   content_eoh(c);                           the header is complete
 *   content_body(c, chunk, len); ...          the body, in chunks of any size
 *   content_end(c);                           the facts are complete
 *   content_facts(c)                          what the conditions read
 *   content_free(c);
 *
 * Every function returns 0, or -1 when relaywarden itself failed (out of memory, the scanner
 * failed): the facts then say why (facts.error) and the conditions are undecidable, so the
 * on-error action applies. A broken or over-limit message is not an error: it is a fact
 * (mime malformed, mime limit) the rules act on.
 */
#ifndef RW_CONTENT_H
#define RW_CONTENT_H

#include "attach.h"
#include "buf.h"
#include "rules.h"

#include <stddef.h>

/* What is known of one part when it ends: what the attachment conditions test. */
struct part_facts {
    unsigned index;                     /* 0 the message itself, then as headers end */
    const char *type;                   /* declared media type, lower-cased */
    const struct attach_name *names[2]; /* filename= and name=, normalised; NULL: absent */
    const struct attach_facts *af;      /* true type, hash, archive; NULL for containers */
};

/* Where a keyword was first found, and what matched a condition first: for the log. */
struct content_hit {
    int found;
    unsigned part;     /* part number; CONTENT_SUBJECT for the Subject */
    char what[160];    /* the keyword, or the name (escaped when logged) */
};
#define CONTENT_SUBJECT 0xffffffffu

struct content_facts {
    unsigned long long size;   /* header fields and body as the MTA passed them, in bytes */
    int malformed;             /* the MIME structure is broken past repair */
    int limit;                 /* a limit was passed: screening is incomplete */
    char mime_why[160];        /* what was broken or which limit */
    unsigned char *kw_hits;    /* bit per keyword list (list->kw_index) */
    struct content_hit *kw_first; /* per keyword list */
    unsigned char *cond_hits;  /* bit per content condition (cond->id) */
    struct content_hit *cond_first; /* per content condition */
    char error[160];           /* relaywarden failed: why ("" when not) */
    int done;                  /* content_end was called */
};

struct content;

/* trace: keep a line per finding (every part's facts, every keyword hit) for the trial. */
struct content *content_new(const struct ruleset *rs, const struct policy *pol, int trace);
void content_free(struct content *c);
int content_header(struct content *c, const char *name, const char *value);
int content_eoh(struct content *c);
int content_body(struct content *c, const void *chunk, size_t len);
int content_end(struct content *c);
/* content_stop - the rest of the body will not be read (the answer was settled, or screening
 * failed): the facts stay as they are, and content_end will not look for a closing boundary. */
void content_stop(struct content *c);
const struct content_facts *content_facts(const struct content *c);
/* content_findings - the trace lines ("part 2: ..."), NUL-separated; NULL without trace. */
const struct buf *content_findings(const struct content *c);

/* content_compile - after parsing: number the content conditions, compile every keyword list
 * into rs->kw. 0, or -1 with the reason in err (which list, which keyword). */
int content_compile(struct ruleset *rs, char *err, size_t errlen);

#endif
