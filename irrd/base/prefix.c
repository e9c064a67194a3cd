/* IPv4/IPv6 prefix and range parsing, formatting and arithmetic; see prefix.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

/* Copies at most cap-1 bytes of text into buf; fails when text does not fit. */
static int copy_token(const char *text, size_t len, char *buf, size_t cap)
{
	if (len == 0 || len >= cap)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return 0;
}

static int parse_address_text(const char *text, uint8_t family_wanted, uint8_t *family,
			      uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (strchr(text, ':') != NULL) {
		if (family_wanted == 4)
			return -1;
		if (inet_pton(AF_INET6, text, addr) != 1)
			return -1;
		*family = 6;
		return 0;
	}
	if (family_wanted == 6)
		return -1;
	if (inet_pton(AF_INET, text, addr) != 1)
		return -1;
	*family = 4;
	return 0;
}

static bool host_bits_clear(const uint8_t addr[16], unsigned length, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++) {
		unsigned bit_start = (unsigned)i * 8;
		uint8_t mask;

		if (bit_start + 8 <= length)
			continue;
		mask = bit_start >= length ? 0xff : (uint8_t)(0xff >> (length - bit_start));
		if (addr[i] & mask)
			return false;
	}
	return true;
}

int prefix_parse(const char *text, size_t len, uint8_t family_wanted, struct prefix *out,
		 const char **err)
{
	char buf[PREFIX_STRLEN];
	char *slash, *end;
	unsigned long length;
	uint8_t family;

	if (copy_token(text, len, buf, sizeof(buf)) < 0) {
		*err = "prefix is empty or too long";
		return -1;
	}
	slash = strchr(buf, '/');
	if (slash == NULL) {
		*err = "prefix has no length (expected address/length)";
		return -1;
	}
	*slash = '\0';
	if (slash[1] < '0' || slash[1] > '9') {
		*err = "prefix length is not a number";
		return -1;
	}
	length = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || (slash[1] == '0' && slash[2] != '\0')) {
		*err = "prefix length is not a number";
		return -1;
	}
	if (parse_address_text(buf, family_wanted, &family, out->addr) < 0) {
		*err = family_wanted == 4 ? "not a valid IPv4 address"
		       : family_wanted == 6 ? "not a valid IPv6 address"
					    : "not a valid IP address";
		return -1;
	}
	if (length > prefix_max_length(family)) {
		*err = family == 4 ? "prefix length exceeds 32" : "prefix length exceeds 128";
		return -1;
	}
	if (!host_bits_clear(out->addr, (unsigned)length, prefix_addr_bytes(family))) {
		*err = "host bits set: address is not the network address for this length";
		return -1;
	}
	out->family = family;
	out->length = (uint8_t)length;
	return 0;
}

int prefix_parse_address(const char *text, size_t len, uint8_t family_wanted, struct prefix *out,
			 const char **err)
{
	char buf[PREFIX_STRLEN];

	if (copy_token(text, len, buf, sizeof(buf)) < 0 ||
	    parse_address_text(buf, family_wanted, &out->family, out->addr) < 0) {
		*err = "not a valid IP address";
		return -1;
	}
	out->length = (uint8_t)prefix_max_length(out->family);
	return 0;
}

/*
 * The decimal text of 0..255: up to three digits, then how many of them count
 * (constant, so no first-use race between threads).
 */
#define OCTET_TEXT(n)                                                                       \
	{ (char)('0' + ((n) >= 100 ? (n) / 100 : (n) >= 10 ? (n) / 10 : (n))),             \
	  (char)('0' + ((n) >= 100 ? (n) / 10 % 10 : (n) % 10)), (char)('0' + (n) % 10),      \
	  (char)((n) >= 100 ? 3 : (n) >= 10 ? 2 : 1) }
#define OCTET_TEXT4(n) OCTET_TEXT(n), OCTET_TEXT((n) + 1), OCTET_TEXT((n) + 2), OCTET_TEXT((n) + 3)
#define OCTET_TEXT16(n) OCTET_TEXT4(n), OCTET_TEXT4((n) + 4), OCTET_TEXT4((n) + 8), OCTET_TEXT4((n) + 12)
#define OCTET_TEXT64(n) OCTET_TEXT16(n), OCTET_TEXT16((n) + 16), OCTET_TEXT16((n) + 32), OCTET_TEXT16((n) + 48)
static const char octet_text[256][4] = { OCTET_TEXT64(0), OCTET_TEXT64(64), OCTET_TEXT64(128), OCTET_TEXT64(192) };

/*
 * Writes 0..255 in decimal at out; returns the end. Copies four bytes: the caller
 * has room for them and overwrites what lies past the end.
 */
static char *put_decimal(char *out, unsigned v)
{
	memcpy(out, octet_text[v], 4);
	return out + octet_text[v][3];
}

/*
 * Dotted quad by hand: whois answers format every prefix of a set (millions for the
 * largest), and inet_ntop plus snprintf cost more than the rest of an answer. At
 * most 15 characters, written with a scratch byte after them (put_decimal).
 */
static char *put_ipv4(char *out, const uint8_t addr[4])
{
	out = put_decimal(out, addr[0]);
	*out++ = '.';
	out = put_decimal(out, addr[1]);
	*out++ = '.';
	out = put_decimal(out, addr[2]);
	*out++ = '.';
	return put_decimal(out, addr[3]);
}

void prefix_format_address(uint8_t family, const uint8_t addr[16], char out[PREFIX_STRLEN])
{
	if (family == 4) {
		*put_ipv4(out, addr) = '\0';
		return;
	}
	if (inet_ntop(AF_INET6, addr, out, PREFIX_STRLEN) == NULL)
		snprintf(out, PREFIX_STRLEN, "?");
}

size_t prefix_format(const struct prefix *p, char out[PREFIX_STRLEN])
{
	char *end;

	if (p->family == 4) {
		end = put_ipv4(out, p->addr);
	} else {
		prefix_format_address(p->family, p->addr, out);
		end = out + strlen(out);
	}
	*end++ = '/';
	end = put_decimal(end, p->length);
	*end = '\0';
	return (size_t)(end - out);
}

int prefix_compare(const struct prefix *a, const struct prefix *b)
{
	int c = (int)a->family - (int)b->family;

	if (c == 0)
		c = memcmp(a->addr, b->addr, 16);
	if (c == 0)
		c = (int)a->length - (int)b->length;
	return c;
}

void prefix_to_range(const struct prefix *p, struct addr_range *out)
{
	size_t bytes = prefix_addr_bytes(p->family);

	out->family = p->family;
	memset(out->first, 0, sizeof(out->first));
	memset(out->last, 0, sizeof(out->last));
	memcpy(out->first, p->addr, bytes);
	for (size_t i = 0; i < bytes; i++) {
		unsigned bit_start = (unsigned)i * 8;
		uint8_t host_mask;

		if (bit_start + 8 <= p->length)
			host_mask = 0;
		else if (bit_start >= p->length)
			host_mask = 0xff;
		else
			host_mask = (uint8_t)(0xff >> (p->length - bit_start));
		out->last[i] = (uint8_t)(p->addr[i] | host_mask);
	}
}

struct prefix prefix_truncate(const struct prefix *p, unsigned length)
{
	struct prefix t = *p;
	size_t bytes = prefix_addr_bytes(p->family);

	if (length > p->length)
		length = p->length;
	for (size_t i = 0; i < bytes; i++) {
		unsigned bit_start = (unsigned)i * 8;

		if (bit_start + 8 <= length)
			continue;
		if (bit_start >= length)
			t.addr[i] = 0;
		else
			t.addr[i] &= (uint8_t)(0xff << (8 - (length - bit_start)));
	}
	t.length = (uint8_t)length;
	return t;
}

bool prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	struct prefix t;

	if (outer->family != inner->family || outer->length > inner->length)
		return false;
	t = prefix_truncate(inner, outer->length);
	return memcmp(t.addr, outer->addr, prefix_addr_bytes(outer->family)) == 0;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

int addr_range_parse(const char *text, size_t len, uint8_t family_wanted, struct addr_range *out,
		     const char **err)
{
	const char *end = text + len, *dash = memchr(text, '-', len);
	struct prefix a, b;
	const char *p, *q;

	if (dash == NULL) {
		/* A single prefix is accepted too (inet6num is written as a prefix). */
		if (prefix_parse(text, len, family_wanted, &a, err) < 0)
			return -1;
		prefix_to_range(&a, out);
		return 0;
	}
	p = skip_spaces(text, dash);
	q = dash;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (prefix_parse_address(p, (size_t)(q - p), family_wanted, &a, err) < 0) {
		*err = "range start is not a valid address";
		return -1;
	}
	p = skip_spaces(dash + 1, end);
	q = end;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (prefix_parse_address(p, (size_t)(q - p), a.family, &b, err) < 0) {
		*err = "range end is not a valid address of the same family";
		return -1;
	}
	if (memcmp(a.addr, b.addr, 16) > 0) {
		*err = "range start is above range end";
		return -1;
	}
	out->family = a.family;
	memcpy(out->first, a.addr, 16);
	memcpy(out->last, b.addr, 16);
	return 0;
}

void addr_range_format(const struct addr_range *r, char *out, size_t out_size)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	prefix_format_address(r->family, r->first, a);
	prefix_format_address(r->family, r->last, b);
	snprintf(out, out_size, "%s - %s", a, b);
}

/* Adds one to a big-endian number of `bytes` bytes; returns true on wrap-around. */
static bool addr_increment(uint8_t *addr, size_t bytes)
{
	for (size_t i = bytes; i-- > 0;) {
		if (++addr[i] != 0)
			return false;
	}
	return true;
}

size_t addr_range_to_prefixes(const struct addr_range *r, struct prefix *out)
{
	size_t bytes = prefix_addr_bytes(r->family), n = 0;
	unsigned bits = prefix_max_length(r->family);
	uint8_t cur[16];

	memcpy(cur, r->first, 16);
	for (;;) {
		/* Largest block starting at cur that is aligned and does not pass last. */
		struct prefix block = { .family = r->family };
		struct addr_range br;
		unsigned length = bits;

		memcpy(block.addr, cur, 16);
		while (length > 0) {
			struct prefix wider = block;

			wider.length = (uint8_t)(length - 1);
			if (!host_bits_clear(cur, length - 1, bytes))
				break;
			prefix_to_range(&wider, &br);
			if (memcmp(br.last, r->last, bytes) > 0)
				break;
			length--;
		}
		block.length = (uint8_t)length;
		out[n++] = block;
		prefix_to_range(&block, &br);
		if (memcmp(br.last, r->last, bytes) >= 0)
			break;
		memcpy(cur, br.last, 16);
		if (addr_increment(cur, bytes))
			break;
	}
	return n;
}
