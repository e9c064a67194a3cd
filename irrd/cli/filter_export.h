/*
 * irrctl export filter: the routes an AS or as-set may announce, chosen by a policy
 * (IRR, RPKI, the authorisation list, or all three), written as a prefix list for a
 * router. filter_export.c collects and applies the policy; each output format is one
 * filter_out_*.c behind filter_export_write (rpki-client's output-*.c).
 */
#ifndef IRRD_FILTER_EXPORT_H
#define IRRD_FILTER_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "irr_limits.h"
#include "prefix.h"
#include "rov.h"
#include "store.h"
#include "vrp.h"

enum filter_format { FILTER_FORMAT_PLAIN, FILTER_FORMAT_JSON, FILTER_FORMAT_BIRD, FILTER_FORMAT_OPENBGPD };

/* One route object that passed the policy. */
struct filter_route {
	struct prefix prefix;
	uint32_t origin;
	char source[MAX_SOURCE_NAME_LENGTH + 1];
	int64_t mark;           /* the authorisation list entry that verified it; 0: not verified */
	enum rov_state rpki;    /* meaningful when the export's is_rpki_loaded */
	struct vrp_set *covering; /* the VRPs covering it (owned; empty without VRPs) */
};

/* MAX_FILTER_NAME_LENGTH: a set name both BIRD and OpenBGPD take without quoting. */
#define MAX_FILTER_NAME_LENGTH 64

struct filter_export {
	const char *target;      /* the AS or as-set asked for (not owned) */
	char name[MAX_FILTER_NAME_LENGTH + 1];    /* [A-Za-z_][A-Za-z0-9_]* */
	enum route_policy policy;
	uint8_t family;          /* 4, 6, or 0 for both */
	bool is_rpki_loaded;     /* irrd has written the VRP table */
	struct filter_route *items; /* sorted by prefix, origin, then source order; caller releases */
	size_t count, capacity;
};

/* Releases the routes; the struct may be collected into again. */
void filter_export_release(struct filter_export *ex);

/*
 * Expands ex->target (an as-set, or one AS "AS64496") over the default sources, reads
 * the route/route6 prefixes of every AS (of ex->family), and keeps those ex->policy
 * allows. The RPKI policies refuse when irrd never wrote the VRP table (nothing could
 * be decided). 1 done, 0 target unknown, -1 with *err (caller frees).
 */
int filter_export_collect(struct store *st, const struct config *cfg, struct filter_export *ex, char **err);

/* Writes ex in the format: 0, or -1 when writing failed. The formats, one file each. */
int filter_export_write(FILE *out, enum filter_format format, const struct filter_export *ex);
int filter_out_plain(FILE *out, const struct filter_export *ex);
int filter_out_json(FILE *out, const struct filter_export *ex);
int filter_out_bird(FILE *out, const struct filter_export *ex);
int filter_out_openbgpd(FILE *out, const struct filter_export *ex);

/* The distinct prefixes of family fam (0: any), in order: calls fn for each. */
void filter_export_each_prefix(const struct filter_export *ex, uint8_t fam,
			       void (*fn)(void *arg, const struct prefix *p, bool is_first), void *arg);

/* irrctl export filter ...; argv[0] is "export". Returns irrctl's exit code. */
int filter_export_cli(const struct config *cfg, struct store *st, int argc, char **argv);

#endif
