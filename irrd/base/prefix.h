/*
 * IPv4/IPv6 prefixes and address ranges as typed values. Raw text stops here:
 * parse once, then compare and index as big-endian byte arrays (memcmp order is
 * address order, which is what the store's BLOB indexes rely on).
 */
#ifndef IRRD_PREFIX_H
#define IRRD_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFIX_STRLEN 64 /* room for the longest IPv6 prefix text and NUL */

struct prefix {
	uint8_t family;   /* 4 or 6 */
	uint8_t length;   /* 0..32 or 0..128 */
	uint8_t addr[16]; /* network address, big-endian; IPv4 uses addr[0..3], rest zero */
};

struct addr_range {
	uint8_t family;
	uint8_t first[16];
	uint8_t last[16];
};

/* Bytes of address for a family: 4 or 16. */
static inline size_t prefix_addr_bytes(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static inline unsigned prefix_max_length(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

/*
 * Parses "a.b.c.d/n" or "x::y/n". family_wanted is 4, 6, or 0 for either.
 * Host bits set is an error ("1.2.3.4/24") because RPSL keys must be canonical.
 * Returns 0, or -1 with *err pointing to a static message.
 */
int prefix_parse(const char *text, size_t len, uint8_t family_wanted, struct prefix *out,
		 const char **err);
/* Parses a bare address (no length) into a host prefix (/32 or /128). */
int prefix_parse_address(const char *text, size_t len, uint8_t family_wanted, struct prefix *out,
			 const char **err);
/* Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, :: compression). Returns its length. */
size_t prefix_format(const struct prefix *p, char out[PREFIX_STRLEN]);
void prefix_format_address(uint8_t family, const uint8_t addr[16], char out[PREFIX_STRLEN]);

/* Orders by family, then address, then length: the order answers list prefixes in. */
int prefix_compare(const struct prefix *a, const struct prefix *b);

void prefix_to_range(const struct prefix *p, struct addr_range *out);
/* True when `outer` contains `inner` (equal counts as contained). */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);
/* Returns p masked to `length` bits (length <= p->length). */
struct prefix prefix_truncate(const struct prefix *p, unsigned length);

/*
 * Parses an inetnum-style range "a - b" (or a single prefix for inet6num/inetnum).
 * Returns 0 or -1 with *err.
 */
int addr_range_parse(const char *text, size_t len, uint8_t family_wanted, struct addr_range *out,
		     const char **err);
/* "a - b" in canonical address text. */
void addr_range_format(const struct addr_range *r, char *out, size_t out_size);
/*
 * Splits a range into the minimal list of CIDR prefixes (at most 2*bits). Returns the
 * number written to out (capacity must be >= 256).
 */
size_t addr_range_to_prefixes(const struct addr_range *r, struct prefix *out);

#endif
