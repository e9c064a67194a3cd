/*
 * Validated ROA Payloads (VRPs) and sets of them: what an RPKI validator hands us,
 * one (prefix, maxLength, origin AS) triple each, with the trust anchor it came
 * from and when it expires. A set is an array kept sorted and free of duplicates,
 * the shape both origin validation (rov.h) and set differences work on.
 */
#ifndef IRRD_RPKI_VRP_H
#define IRRD_RPKI_VRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

/* Room for "2001:db8::/32-48 AS4294967295" and NUL. */
#define VRP_STRLEN (PREFIX_STRLEN + 4 + 16)

struct vrp {
	struct prefix prefix;
	uint8_t max_length; /* prefix.length..32 or ..128 */
	uint16_t ta;        /* trust anchor: an index into its set's names (vrp_set_ta_name) */
	uint32_t asn;       /* 0: AS0, "this prefix is not to be originated" (RFC 6483) */
	int64_t expires;    /* Unix time the VRP stops being valid; 0 when the source does not say */
};

struct vrp_set;

/* An empty set; free with vrp_set_free. */
struct vrp_set *vrp_set_new(void);
/* NULL-safe. */
void vrp_set_free(struct vrp_set *set);

/*
 * Checks that (prefix, max_length) can be a VRP: family 4 or 6, no host bits, and
 * prefix length <= max_length <= 32/128. Returns 0, or -1 with *err a static message.
 */
int vrp_check(const struct prefix *prefix, unsigned max_length, const char **err);

/*
 * Appends one VRP; ta is its trust anchor's name (copied once per set; NULL or ""
 * for none). The set is unsorted until vrp_set_sort. Returns 0, or -1 with *err a
 * static message when vrp_check fails or the set already names MAX_TRUST_ANCHORS
 * trust anchors.
 */
int vrp_set_add(struct vrp_set *set, const struct prefix *prefix, unsigned max_length, uint32_t asn,
		const char *ta, int64_t expires, const char **err);

/*
 * Sorts by prefix (prefix_compare: family, address, length), then maxLength, then AS,
 * and drops duplicates of the same (prefix, maxLength, AS) triple: the one kept is
 * the one expiring last (the trust anchor goes with it). Validation treats the
 * triples as the VRPs; which trust anchor said it twice changes nothing.
 */
void vrp_set_sort(struct vrp_set *set);
bool vrp_set_is_sorted(const struct vrp_set *set);

size_t vrp_set_count(const struct vrp_set *set);
/* The i-th VRP (i < count); the pointer stays valid until the set changes. */
const struct vrp *vrp_set_get(const struct vrp_set *set, size_t i);
/* All VRPs as one array of vrp_set_count entries (NULL when empty). */
const struct vrp *vrp_set_items(const struct vrp_set *set);
/* The trust anchor name of a VRP of this set ("" for none). */
const char *vrp_set_ta_name(const struct vrp_set *set, const struct vrp *v);

/* Orders VRPs as vrp_set_sort does: prefix, maxLength, AS. */
int vrp_compare(const struct vrp *a, const struct vrp *b);
/* The same order on the triple itself (for records that are not struct vrp). */
int vrp_triple_compare(const struct prefix *pa, unsigned max_a, uint32_t asn_a, const struct prefix *pb, unsigned max_b,
		       uint32_t asn_b);
/* "192.0.2.0/24-24 AS64496" (maxLength always shown). */
void vrp_format(const struct vrp *v, char out[VRP_STRLEN]);

/*
 * What changed between two sorted sets, by (prefix, maxLength, AS): *added holds
 * the VRPs of `new_set` missing from `old_set`, *removed those of `old_set` missing
 * from `new_set`. A VRP whose only change is its trust anchor or expiry counts as
 * unchanged (validation does not look at either). Both results are new sorted sets
 * the caller frees with vrp_set_free. Either input may be NULL (an empty set).
 */
void vrp_set_diff(const struct vrp_set *old_set, const struct vrp_set *new_set, struct vrp_set **added,
		  struct vrp_set **removed);

/* True when both sorted sets hold the same VRPs with the same trust anchor names and expiries. */
bool vrp_set_equal(const struct vrp_set *a, const struct vrp_set *b);

/*
 * Copies at most n bytes of untrusted text into out as a quoted, printable string for
 * error messages: control and non-ASCII bytes become \xNN, and long text is cut with
 * "...". out must hold at least 80 bytes; cap is its size.
 */
void vrp_quote(const char *text, size_t n, char *out, size_t cap);

#endif
