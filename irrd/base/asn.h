/* AS numbers: parsing asplain ("AS64500") and asdot ("AS1.10") into uint32_t. */
#ifndef IRRD_ASN_H
#define IRRD_ASN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASN_STRLEN 16 /* "AS4294967295" and NUL */

/*
 * Parses an AS number. With require_prefix the "AS" prefix (any case) is mandatory,
 * as in RPSL; without it, bare numbers are accepted too (query syntax).
 * Returns 0, or -1 with *err set to a static message.
 */
int asn_parse(const char *text, size_t len, bool require_prefix, uint32_t *out, const char **err);
/* Canonical "AS<asplain>". */
void asn_format(uint32_t asn, char out[ASN_STRLEN]);

#endif
