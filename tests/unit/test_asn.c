/* AS number parsing: asplain, asdot, 4-byte, prefixes and bad input. */
#include "asn.h"
#include "testlib.h"

static long long parse(const char *s, bool require_prefix)
{
	uint32_t v;
	const char *err;

	return asn_parse(s, strlen(s), require_prefix, &v, &err) == 0 ? (long long)v : -1;
}

int main(void)
{
	char buf[ASN_STRLEN];

	CHECK(parse("AS64500", true) == 64500, "asplain");
	CHECK(parse("as64500", true) == 64500, "lower-case prefix");
	CHECK(parse("AS4200000000", true) == 4200000000LL, "4-byte asplain");
	CHECK(parse("AS4294967295", true) == 4294967295LL, "largest ASN");
	CHECK(parse("AS4294967296", true) == -1, "ASN overflow refused");
	CHECK(parse("AS1.10", true) == 65546, "asdot 1.10 is 65546");
	CHECK(parse("AS65535.65535", true) == 4294967295LL, "largest asdot");
	CHECK(parse("AS65536.1", true) == -1, "asdot high part > 65535 refused");
	CHECK(parse("AS1.", true) == -1, "asdot without low part refused");
	CHECK(parse("64500", true) == -1, "missing AS refused where required");
	CHECK(parse("64500", false) == 64500, "bare number accepted in query syntax");
	CHECK(parse("AS", true) == -1, "AS alone refused");
	CHECK(parse("AS0064500", true) == -1, "leading zeros refused");
	CHECK(parse("AS0", true) == 0, "AS0 parses");
	CHECK(parse("AS-FOO", true) == -1, "set name is not an ASN");
	CHECK(parse("AS 1", true) == -1, "space refused");
	asn_format(4200000000u, buf);
	CHECK_STR(buf, "AS4200000000", "format 4-byte");
	return TEST_DONE();
}
