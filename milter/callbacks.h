/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * callbacks.h - the libmilter callback table. The callbacks translate milter events and macros
 * into policy sessions, apply the verdicts with smfi_*, and log one line per decision.
 */
#ifndef RW_CALLBACKS_H
#define RW_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc callbacks_desc;
/* callbacks_open - connections open now (with a session), counted at a stop. */
int callbacks_open(void);
/* Set when metrics are written (-m): every connection asks for the body, without replies,
 * so that the byte counters see it. */
extern int callbacks_count_bytes;

#endif
