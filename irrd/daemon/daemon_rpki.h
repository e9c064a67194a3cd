/*
 * irrd's VRPs (issue 15): loads rpki.vrp_file (and rpki.slurm_file) at start, looks
 * for a changed file every rpki.refresh_interval, loads it on a thread of its own
 * and swaps the new set into the query context on the loop thread. A file that
 * fails to load leaves the set in force; a set older than rpki.stale_after is
 * reported stale (logged once) but stays in force: never "no ROAs" by accident.
 */
#ifndef IRRD_DAEMON_RPKI_H
#define IRRD_DAEMON_RPKI_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "event_loop.h"
#include "query.h"

struct daemon_rpki;

/*
 * Starts (the first load runs before this returns, so whois starts with the VRPs
 * in force). *cfg is read at every tick (SIGHUP replaces it); ctx->rpki is set
 * and replaced on the loop thread. Returns NULL with *err when the worker cannot
 * start; a VRP file that fails to load is logged, not fatal.
 */
struct daemon_rpki *daemon_rpki_start(struct event_loop *loop, struct query_context *ctx, struct config *const *cfg,
				      char **err);
/* Waits for a load in progress, drops the set. NULL-safe. */
void daemon_rpki_free(struct daemon_rpki *r);

/* For status: VRPs in force, when they were loaded (0: never), whether stale, the last error or NULL. */
struct daemon_rpki_status {
	size_t vrps;
	time_t loaded_at;
	bool is_stale;
	const char *last_error;
};
void daemon_rpki_status(const struct daemon_rpki *r, struct daemon_rpki_status *out);

#endif
