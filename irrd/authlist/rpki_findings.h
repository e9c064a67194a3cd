/*
 * Where the routes of our source, the authorisation list and the VRPs irrd has in
 * force (the rpki_vrp table) disagree: the findings behind `irrctl rpki report` and
 * the mailed RPKI reports (rpki_notify.h). Four kinds (docs/irrctl.md, "rpki report"):
 *
 *   invalid           a route RPKI-invalid (RFC 6811), with the VRPs covering it
 *   not_found         a route the list verifies that no VRP covers, with the ROA to
 *                     create (RFC 9319: the route's prefix and origin, no maxLength)
 *   entry_disagrees   an allow entry with an origin list whose covering VRPs disagree
 *   vrp_without_route a VRP (not AS0) in an LIR's allocations no route of ours matches
 *
 * The last two belong to an LIR; the first two to the LIR holding the route's space
 * and to the maintainers in the route's mnt-by.
 */
#ifndef IRRD_RPKI_FINDINGS_H
#define IRRD_RPKI_FINDINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "store.h"

enum rpki_finding_kind {
	RPKI_FINDING_INVALID,
	RPKI_FINDING_NOT_FOUND,
	RPKI_FINDING_ENTRY_DISAGREES,
	RPKI_FINDING_VRP_WITHOUT_ROUTE,
	RPKI_FINDING_KINDS
};

struct rpki_finding {
	enum rpki_finding_kind kind;
	/*
	 * What is wrong, stable from one run to the next while it stays wrong: the kind and
	 * the route, entry (with its disagreement) or VRP. The mailed reports remember it to
	 * mail only what is new.
	 */
	char *key;
	char *line;                  /* one line of plain text, no indent, no newline */
	json_t *json;                /* the same as a JSON object (owned) */
	char lir[64];                /* the LIR whose space it is in; "" when nobody's (scope "all" only) */
	char **mntners;              /* the route's mnt-by (scope "all", route kinds only) */
	size_t mntner_count;
};

struct rpki_findings {
	struct rpki_finding *items;  /* route kinds in address order, then the LIR kinds (print by kind) */
	size_t count, capacity;
	bool is_text_only;           /* set before collecting: no JSON kept (the mailed reports: memory) */
};

/* Whose findings: one LIR, one maintainer, or everything (lir and mntner NULL). */
struct rpki_findings_scope {
	const char *lir, *mntner;
};

/*
 * The findings in `scope`, appended to *out. A maintainer has no list entries or
 * allocations of its own: only the route kinds. Returns 1 done, 0 no such LIR or maintainer, -1 *err.
 * Callers check rpki_findings_vrps_loaded first: without VRPs every route is not_found.
 */
int rpki_findings_collect(struct store *st, const struct config *cfg, const struct rpki_findings_scope *scope,
			  struct rpki_findings *out, char **err);

/* Whether irrd has written its VRPs to the database. 0 or -1 *err. */
int rpki_findings_vrps_loaded(struct store *st, bool *is_loaded, char **err);

void rpki_findings_release(struct rpki_findings *f);

/* "RPKI-invalid routes", ... and "invalid", ... (the JSON section names). */
const char *rpki_finding_kind_title(enum rpki_finding_kind kind);
const char *rpki_finding_kind_name(enum rpki_finding_kind kind);

#endif
