/*
 * The mailed RPKI reports: irrd's timer (job rpki-report, every rpki.report_interval)
 * collects every finding of rpki_findings.h, works out who is told (the LIR holding
 * the space: its contact addresses; each maintainer of the route: mnt-nfy and its
 * contacts' e-mail as IRRd mails about invalid routes, else its upd-to), and
 * sends each address one mail with what is wrong now and was not mailed to it before.
 * What each address was told is kept (table rpki_report_sent): a finding that stays
 * wrong is mailed once; one that is fixed is forgotten, so if it comes back it is new
 * again. The mails and that record commit in one transaction: a crash mails nothing
 * twice and loses nothing.
 */
#ifndef IRRD_RPKI_NOTIFY_H
#define IRRD_RPKI_NOTIFY_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "store.h"

struct rpki_notify_result {
	size_t findings;         /* findings over everything */
	size_t addresses;        /* addresses with at least one finding */
	size_t mails;            /* mails queued (addresses with something new) */
	size_t new_findings;     /* (address, finding) pairs mailed for the first time */
	size_t still_queued;     /* mails sendmail did not take yet (irrd's retry sends them) */
};

/*
 * One run at `now`. Returns 1 done, 0 skipped because irrd has written no VRPs (nothing
 * can be decided), -1 with *err.
 */
int rpki_notify_run(struct store *st, const struct config *cfg, time_t now, struct rpki_notify_result *res,
		    char **err);

#endif
