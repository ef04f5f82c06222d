/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * liveaudit.h - relaywarden -A HOST[:PORT]: the live relay audit of the admin's own MTA. It
 * runs nmap's sixteen smtp-open-relay tests and the address tricks relaywarden knows, one SMTP
 * session each, and says per test where it was refused or that it relayed.
 */
#ifndef RW_LIVEAUDIT_H
#define RW_LIVEAUDIT_H

/* Exit statuses: nothing relayed, something relayed, bad arguments, the audit could not be
 * completed (no connection, a server that does not speak SMTP). Only 0 means "not a relay". */
#define LIVEAUDIT_CLEAN 0
#define LIVEAUDIT_RELAYED 1
#define LIVEAUDIT_USAGE 2
#define LIVEAUDIT_INCOMPLETE 3

/* liveaudit_main - argv as main got it, with -A somewhere in it. Returns an exit status. */
int liveaudit_main(int argc, char **argv);

#endif
