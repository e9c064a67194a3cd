/* AS number parsing and formatting; see asn.h. */
#include <stdio.h>

#include "asn.h"

static int parse_u32(const char *p, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (p == end || (*p == '0' && end - p > 1))
		return -1; /* empty, or leading zeros (ambiguous, refused like the RIPE DB) */
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int asn_parse(const char *text, size_t len, bool require_prefix, uint32_t *out, const char **err)
{
	const char *p = text, *end = text + len, *dot = NULL;
	uint32_t high, low;

	if (len >= 2 && (p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
		p += 2;
	else if (require_prefix) {
		*err = "AS number must start with \"AS\"";
		return -1;
	}
	for (const char *q = p; q < end; q++) {
		if (*q == '.') {
			dot = q;
			break;
		}
	}
	if (dot == NULL) {
		if (parse_u32(p, end, UINT32_MAX, out) < 0) {
			*err = "AS number is not a number in 0..4294967295";
			return -1;
		}
		return 0;
	}
	if (parse_u32(p, dot, 65535, &high) < 0 || parse_u32(dot + 1, end, 65535, &low) < 0) {
		*err = "asdot AS number must be <0..65535>.<0..65535>";
		return -1;
	}
	*out = (high << 16) | low;
	return 0;
}

void asn_format(uint32_t asn, char out[ASN_STRLEN])
{
	snprintf(out, ASN_STRLEN, "AS%u", asn);
}
