/*
 * The consistency check of the authorisation list (AUTHLIST.md): entries whose
 * prefix is no longer inside their LIR's allocations are flagged (never deleted),
 * and route objects of our source that the list would now refuse are listed, naming
 * every mnt-by maintainer; verified marks that no longer hold are re-decided. Both
 * are reported per LIR and per maintainer, and mailed to them on request. Runs from
 * `irrctl authlist check` and irrd's daily timer; works in memory so a million
 * routes take seconds.
 */
#ifndef IRRD_AUTHLIST_CHECK_H
#define IRRD_AUTHLIST_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "store.h"
#include "strbuf.h"

struct authlist_check_result {
	size_t entries_checked, entries_flagged, entries_newly_flagged, entries_unflagged;
	size_t routes_checked, routes_refused;
	size_t marks_redecided;    /* verified marks naming an entry that no longer allowed the route */
	size_t notifications;      /* mails handed to mail.sendmail */
	struct strbuf report;      /* AUTHLIST_CHECK_REPORT: summary, then per LIR, then per maintainer */
	json_t *findings;          /* AUTHLIST_CHECK_FINDINGS: [{kind, lir, mntner ("MNT1, MNT2"), mntners [..],
	                              entry, route, reason}], else NULL */
};

/* What a run produces besides the flags and counts (a million findings are big). */
#define AUTHLIST_CHECK_NOTIFY   1u  /* mail each LIR (contact addresses) and maintainer (upd-to) its findings */
#define AUTHLIST_CHECK_REPORT   2u  /* the text report in res->report */
#define AUTHLIST_CHECK_FINDINGS 4u  /* the JSON findings in res->findings */

/*
 * Runs the check, updating the entries' flags in one transaction. Returns 0 (release
 * *res with authlist_check_result_release), -1 with *err.
 */
int authlist_check(struct store *st, const struct config *cfg, unsigned what, struct authlist_check_result *res,
		   char **err);
void authlist_check_result_release(struct authlist_check_result *res);

#endif
