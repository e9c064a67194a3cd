/*
 * The VRPs in force, as readers see them: a set, its validation index and when it
 * was loaded, shared by reference. A new set (a changed file, an RTR delta) makes
 * a new view; readers that took the old one (a whois query on a worker) keep it
 * until they let go, so a swap never changes a state under a query.
 */
#ifndef IRRD_RPKI_VIEW_H
#define IRRD_RPKI_VIEW_H

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "prefix.h"
#include "rov.h"
#include "vrp.h"

struct rpki_view {
	struct vrp_set *vrps;       /* sorted; SLURM applied */
	struct rov_index *index;
	/* indices of vrps ordered by AS, for the RPKI pseudo-source's !g: made on first use
	 * (a sort of the whole set, which a new set should not wait for) under the lock */
	uint32_t *_Atomic by_origin;
	pthread_mutex_t by_origin_lock;
	time_t loaded_at;           /* when the data was read */
	time_t next_expiry;         /* the earliest "expires" of its VRPs; 0: none says */
	atomic_uint refs;           /* rpki_view_ref / rpki_view_unref, from any thread */
};

/* A view of vrps (taken over; sorted by the caller). One reference; NULL-safe unref frees. */
struct rpki_view *rpki_view_new(struct vrp_set *vrps, time_t loaded_at);
/* Another holder (any thread). Returns v. */
struct rpki_view *rpki_view_ref(struct rpki_view *v);
/* Lets go (any thread); the last one frees the view, its set and index. NULL-safe. */
void rpki_view_unref(struct rpki_view *v);

/*
 * Reads a VRP file (vrp_file_load) and applies a SLURM file when slurm_path is not
 * NULL. Returns 0 with a new view in *out, or -1 with *err (caller frees) naming
 * the file and what was wrong; nothing changes for a caller that keeps its view.
 */
int rpki_view_load(const char *vrp_path, const char *slurm_path, struct rpki_view **out, char **err);

/*
 * A delta from an RPKI cache: *base (the cache's set as last applied; *base NULL:
 * none yet) less `removed`, plus `added` (both sorted, as rtr_client_take hands
 * them over) becomes the new *base in every case: what the cache said is never
 * lost. The new view is that set with SLURM applied when slurm_path is not NULL.
 * Returns 0 with *out, or -1 with *err (caller frees) when the SLURM file fails to
 * load: then *out is NULL and *bare (when not NULL) a view of the cache's set without
 * the local exceptions, for a caller that has nothing in force yet.
 */
int rpki_view_apply(struct vrp_set **base, const struct vrp_set *added, const struct vrp_set *removed,
		    const char *slurm_path, struct rpki_view **out, struct rpki_view **bare, char **err);

/*
 * Calls fn for every VRP of this AS (in prefix order); what whois answers as the
 * route objects of the pseudo-source RPKI (one per VRP, as IRRd makes them).
 * v may be NULL (none).
 */
void rpki_view_for_origin(const struct rpki_view *v, uint32_t asn, void (*fn)(void *ctx, const struct vrp *vrp),
			  void *ctx);

/*
 * Calls fn for every VRP whose prefix is p (more_specific false) or lies strictly
 * inside p (true), in prefix order: the pseudo-source's objects by prefix. v may be NULL.
 */
void rpki_view_for_prefix(const struct rpki_view *v, const struct prefix *p, bool more_specific,
			  void (*fn)(void *ctx, const struct vrp *vrp), void *ctx);

/* A VRP's place in the view (0 .. count-1): names its pseudo object while the view lives. */
size_t rpki_view_vrp_index(const struct rpki_view *v, const struct vrp *vrp);

/* The trust anchor's name of one of the view's VRPs. */
const char *rpki_view_ta_name(const struct rpki_view *v, const struct vrp *vrp);

/* RFC 6811 state of a route under the view; not_found when v is NULL (no VRPs). */
enum rov_state rpki_view_state(const struct rpki_view *v, const struct prefix *route, uint32_t origin);

#endif
