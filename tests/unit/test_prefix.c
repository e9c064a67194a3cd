/* Prefix and range parsing, canonical text, containment and CIDR splitting. */
#include <arpa/inet.h>
#include <stdio.h>

#include "prefix.h"
#include "testlib.h"

static const char *canon(const char *text, uint8_t family)
{
	static char buf[PREFIX_STRLEN];
	struct prefix p;
	const char *err;

	if (prefix_parse(text, strlen(text), family, &p, &err) < 0)
		return err;
	prefix_format(&p, buf);
	return buf;
}

static int parses(const char *text, uint8_t family)
{
	struct prefix p;
	const char *err;

	return prefix_parse(text, strlen(text), family, &p, &err) == 0;
}

/* The hand-made dotted quad (a table of octets) against inet_ntop, for every octet value and length. */
static void test_format_every_octet(void)
{
	int bad = 0;

	for (unsigned v = 0; v < 256; v++) {
		struct prefix p = { .family = 4, .length = (uint8_t)(v % 33) };
		char want[PREFIX_STRLEN], addr[INET_ADDRSTRLEN], got[PREFIX_STRLEN];
		size_t len;

		p.addr[0] = (uint8_t)v;
		p.addr[1] = (uint8_t)(255 - v);
		p.addr[2] = (uint8_t)(v * 7);
		p.addr[3] = (uint8_t)(v / 3);
		inet_ntop(AF_INET, p.addr, addr, sizeof(addr));
		snprintf(want, sizeof(want), "%s/%u", addr, (unsigned)p.length);
		memset(got, 'x', sizeof(got));
		len = prefix_format(&p, got);
		if (strcmp(got, want) != 0 || len != strlen(want)) {
			if (bad++ < 5)
				printf("# %s formatted as %s (length %zu)\n", want, got, len);
		}
	}
	CHECK(bad == 0, "every octet value formats as inet_ntop does, with the right length (%d wrong)", bad);
}

int main(void)
{
	struct prefix p, q;
	struct addr_range r;
	struct prefix blocks[256];
	const char *err;
	char buf[128];
	size_t n;

	test_format_every_octet();
	CHECK_STR(canon("192.0.2.0/24", 4), "192.0.2.0/24", "IPv4 prefix canonical");
	CHECK_STR(canon("0.0.0.0/0", 0), "0.0.0.0/0", "default route");
	CHECK_STR(canon("2001:DB8:0:0::/32", 6), "2001:db8::/32", "IPv6 lower case and :: compressed");
	CHECK_STR(canon("2001:db8::/128", 6), "2001:db8::/128", "IPv6 host prefix");
	CHECK(!parses("1.2.3.4/24", 4), "host bits set refused");
	CHECK_STR(canon("1.2.3.4/24", 4), "host bits set: address is not the network address for this length",
		  "host bits message names the rule");
	CHECK(!parses("192.0.2.0/33", 4), "/33 refused");
	CHECK(!parses("2001:db8::/129", 6), "/129 refused");
	CHECK(!parses("192.0.2.0", 4), "missing length refused");
	CHECK(!parses("192.0.2.0/", 4), "empty length refused");
	CHECK(!parses("192.0.2.0/024", 4), "leading zero length refused");
	CHECK(!parses("192.0.2.0/2x", 4), "junk after length refused");
	CHECK(!parses("192.000.002.000/24", 4), "octets with leading zeros refused");
	CHECK(!parses("256.0.0.0/8", 4), "octet > 255 refused");
	CHECK(!parses("2001:db8::/32", 4), "IPv6 refused where IPv4 wanted");
	CHECK(!parses("192.0.2.0/24", 6), "IPv4 refused where IPv6 wanted");
	CHECK(!parses("", 0), "empty refused");
	CHECK(!parses("1.2.3.0/24\n", 4), "trailing newline refused");

	prefix_parse("10.0.0.0/8", 10, 4, &p, &err);
	prefix_parse("10.1.0.0/16", 11, 4, &q, &err);
	CHECK(prefix_contains(&p, &q), "10/8 contains 10.1/16");
	CHECK(!prefix_contains(&q, &p), "10.1/16 does not contain 10/8");
	CHECK(prefix_contains(&p, &p), "a prefix contains itself");
	q = prefix_truncate(&q, 8);
	prefix_format(&q, buf);
	CHECK_STR(buf, "10.0.0.0/8", "truncate to /8");

	CHECK(addr_range_parse("192.0.2.0 - 192.0.2.255", 23, 4, &r, &err) == 0, "inetnum range parses");
	n = addr_range_to_prefixes(&r, blocks);
	prefix_format(&blocks[0], buf);
	CHECK(n == 1 && strcmp(buf, "192.0.2.0/24") == 0, "a CIDR range is one block");
	CHECK(addr_range_parse("192.0.2.0 - 192.0.3.127", 23, 4, &r, &err) == 0, "non-CIDR range parses");
	n = addr_range_to_prefixes(&r, blocks);
	prefix_format(&blocks[1], buf);
	CHECK(n == 2 && strcmp(buf, "192.0.3.0/25") == 0, "non-CIDR range splits into /24 + /25");
	CHECK(addr_range_parse("0.0.0.1 - 255.255.255.254", 25, 4, &r, &err) == 0, "near-full range parses");
	n = addr_range_to_prefixes(&r, blocks);
	CHECK(n == 62, "0.0.0.1-255.255.255.254 is 62 blocks (got %zu)", n);
	CHECK(addr_range_parse("0.0.0.0 - 255.255.255.255", 25, 4, &r, &err) == 0 &&
		      addr_range_to_prefixes(&r, blocks) == 1 && blocks[0].length == 0,
	      "whole IPv4 space is 0.0.0.0/0");
	CHECK(addr_range_parse("192.0.2.255 - 192.0.2.0", 23, 4, &r, &err) < 0, "reversed range refused");
	CHECK(addr_range_parse("192.0.2.0 - 2001:db8::", 22, 4, &r, &err) < 0, "mixed family range refused");
	addr_range_parse("192.0.2.0 - 192.0.3.127", 23, 4, &r, &err);
	addr_range_format(&r, buf, sizeof(buf));
	CHECK_STR(buf, "192.0.2.0 - 192.0.3.127", "range canonical text");
	return TEST_DONE();
}
