/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * env_milter.h - the real environment for the policy library (policy/env.h): the monotonic
 * clock, relaywarden's own iprev lookup with c-ares (dns.c) and the process's iprev cache.
 */
#ifndef RW_ENV_MILTER_H
#define RW_ENV_MILTER_H

#include "env.h"

/* env_milter_init - once, before threads: c-ares and the cache. 0 / -1. */
int env_milter_init(void);
/* env_milter - the environment every session of the process shares. */
const struct env *env_milter(void);

#endif
