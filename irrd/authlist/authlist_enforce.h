/*
 * The authorisation list applied to route/route6 creations (AUTHLIST.md,
 * "Enforcement"): for each mnt-by maintainer the most specific entry decides; the
 * route passes when one of them allows it (origin listed or no list) and the
 * submitter authenticated as that maintainer. Space nobody holds follows
 * authlist.unallocated. Accepted routes get a mark (table route_verification) that
 * whois shows; deletions are never checked.
 */
#ifndef IRRD_AUTHLIST_ENFORCE_H
#define IRRD_AUTHLIST_ENFORCE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "rpsl_object.h"
#include "store.h"
#include "strbuf.h"
#include "update.h"

/* The route check's state for one submission. */
struct authlist_hook_state {
	struct store *st;
	const struct config *cfg;
	char governed_pkey[256];   /* governs() answered for this route: the check need not ask again */
	bool is_governed;
};

/* Sets *hook to the authorisation list's check, with its state in *state. */
void authlist_hook_init(struct update_route_check *hook, struct authlist_hook_state *state, struct store *st,
			const struct config *cfg);

/*
 * The decision for one route, for the check and the consistency check alike. With
 * is_authenticated NULL, authentication is not asked (the consistency check: would
 * the list accept this object now?). Returns 1 accepted (*entry: the deciding
 * entry, 0 for space nobody holds under authlist.unallocated = allow), 0 refused
 * (*why), -1 store error (*why). held: 1 or 0 when the caller knows already whether
 * an LIR holds the space or an entry covers it (authlist_space_is_held), -1 to ask.
 */
int authlist_decide(struct store *st, const struct config *cfg, const struct rpsl_object *route, int held,
		    bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, int64_t *entry,
		    struct strbuf *why);

/* Does an LIR hold p, or an entry cover it? 1 yes, 0 no, -1 with *err. */
int authlist_space_is_held(struct store *st, const struct prefix *p, char **err);

#endif
