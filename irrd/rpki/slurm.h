/*
 * SLURM (RFC 8416): an operator's local exceptions to the RPKI. Prefix filters take
 * VRPs out of the validator's output, prefix assertions add VRPs of their own. BGPsec
 * filters and assertions are checked and counted but do nothing here: we validate
 * origins, not paths.
 */
#ifndef IRRD_RPKI_SLURM_H
#define IRRD_RPKI_SLURM_H

#include <stddef.h>

#include "vrp.h"

/* The trust anchor name VRPs of prefix assertions carry. */
#define SLURM_TA_NAME "slurm"

struct slurm;

struct slurm_counts {
	size_t files;
	size_t prefix_filters, bgpsec_filters;
	size_t prefix_assertions, bgpsec_assertions;
};

/*
 * Reads and checks SLURM files (at most MAX_SLURM_FILES of at most MAX_SLURM_FILE_SIZE
 * bytes) to be used together. Each must be a version 1 SLURM file with exactly the
 * members RFC 8416 defines; several files must not overlap as RFC 8416 section 4.2
 * requires (no address in prefix filters or assertions of two files, no AS in BGPsec
 * filters or assertions of two files). All or nothing: returns 0 with *out (free with
 * slurm_free), or -1 with *out NULL and *err naming the file, the entry and the
 * problem (caller frees).
 */
int slurm_load(const char *const *paths, size_t n_paths, struct slurm **out, char **err);
/* One file's bytes in memory; name is used in messages only. */
int slurm_parse(const char *data, size_t len, const char *name, struct slurm **out, char **err);
/* NULL-safe. */
void slurm_free(struct slurm *slurm);

void slurm_counts(const struct slurm *slurm, struct slurm_counts *out);

/*
 * Fills the empty set `out` with the sorted set `in` less the VRPs any prefix filter
 * matches (RFC 8416 section 3.3.1: a prefix filter matches a VRP whose prefix is
 * equal to or more specific than the filter's prefix, an AS filter a VRP of that AS,
 * a filter with both a VRP meeting both), plus one VRP per prefix assertion
 * (maxLength: maxPrefixLength, else the prefix length; trust anchor SLURM_TA_NAME;
 * no expiry). Assertions are not filtered. `out` ends sorted. slurm may be NULL:
 * `out` is then a copy of `in`.
 */
void slurm_apply(const struct slurm *slurm, const struct vrp_set *in, struct vrp_set *out);

#endif
