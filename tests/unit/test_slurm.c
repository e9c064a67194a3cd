/*
 * SLURM (RFC 8416): files with every kind of entry parse and count; filters take out
 * what section 3.3.1 says and no more; assertions are added and never filtered;
 * unknown members, wrong versions, bad prefixes and lengths are refused with the
 * entry named; files used together must not overlap (section 4.2).
 */
#include <stdlib.h>

#include "slurm.h"
#include "strbuf.h"
#include "testlib.h"
#include "vrp.h"
#include "vrp_file.h"

#define FIXTURES "tests/fixtures/rpki/"

static void expect_error(const char *text, const char *needle, const char *what)
{
	struct slurm *s = NULL;
	char *err = NULL;
	int rc = slurm_parse(text, strlen(text), "s.json", &s, &err);

	CHECK(rc < 0 && s == NULL && err != NULL && strstr(err, needle) != NULL, "%s: refused with \"%s\"", what, needle);
	if (rc == 0 || strstr(err, needle) == NULL)
		printf("#   got: %s\n", rc == 0 ? "(accepted)" : err);
	slurm_free(s);
	free(err);
}

static char *formatted(const struct vrp_set *set)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < vrp_set_count(set); i++) {
		char t[VRP_STRLEN];

		vrp_format(vrp_set_get(set, i), t);
		strbuf_printf(&sb, "%s%s", i ? ", " : "", t);
	}
	return strbuf_detach(&sb, NULL);
}

static void test_fixture_apply(void)
{
	const char *paths[] = { FIXTURES "slurm-example.json", FIXTURES "slurm-other.json" };
	struct vrp_set *in = NULL, *out = vrp_set_new(), *both = vrp_set_new(), *copy = vrp_set_new();
	struct slurm *s = NULL, *s2 = NULL;
	struct slurm_counts c;
	char *err = NULL, *text;

	if (vrp_file_load(FIXTURES "rpki-client.json", &in, &err) < 0 || slurm_load(paths, 1, &s, &err) < 0) {
		CHECK(0, "fixtures: %s", err);
		free(err);
		goto out;
	}
	slurm_counts(s, &c);
	CHECK(c.files == 1 && c.prefix_filters == 3 && c.bgpsec_filters == 2 && c.prefix_assertions == 2 &&
		      c.bgpsec_assertions == 1,
	      "the example counts 3 prefix filters, 2 BGPsec filters, 2 prefix assertions, 1 BGPsec assertion");
	slurm_apply(s, in, out);
	text = formatted(out);
	CHECK_STR(text,
		  "192.0.2.0/24-24 AS64496, 192.0.2.0/25-26 AS64498, 198.51.100.0/25-25 AS64496, "
		  "203.0.113.0/24-24 AS0, 203.0.113.0/25-25 AS64501, 2001:db8::/32-48 AS64496, "
		  "2001:db8:1000::/36-48 AS64499, 2001:db8:f000::/36-48 AS64511, 2001:db8:ffff::/48-64 AS4200000000",
		  "filters take out 198.51.100.0/24 and below, AS64502, AS64500 in 2001:db8::/32; assertions are added");
	free(text);
	CHECK(vrp_set_is_sorted(out), "the result is sorted");
	CHECK_STR(vrp_set_ta_name(out, vrp_set_get(out, 2)), SLURM_TA_NAME, "an assertion's trust anchor is \"slurm\"");
	CHECK_STR(vrp_set_ta_name(out, vrp_set_get(out, 0)), "local", "a kept VRP keeps its trust anchor");
	CHECK(vrp_set_get(out, 0)->expires == 1796304919 && vrp_set_get(out, 2)->expires == 0, "and its expiry");

	CHECK(slurm_load(paths, 2, &s2, &err) == 0, "two files that do not overlap load together");
	slurm_counts(s2, &c);
	CHECK(c.files == 2 && c.prefix_filters == 4 && c.prefix_assertions == 3, "their entries add up");
	slurm_apply(s2, in, both);
	text = formatted(both);
	CHECK(strstr(text, "203.0.113.0/24-24 AS0") == NULL && strstr(text, "192.0.2.128/25-25 AS64498") != NULL &&
		      strstr(text, "198.51.100.0/25-25 AS64496") != NULL && vrp_set_count(both) == 9,
	      "the second file's filter and assertion apply as well: %s", text);
	free(text);
	slurm_apply(NULL, in, copy);
	CHECK(vrp_set_equal(in, copy), "no SLURM: the set unchanged");
out:
	vrp_set_free(in);
	vrp_set_free(out);
	vrp_set_free(both);
	vrp_set_free(copy);
	slurm_free(s);
	slurm_free(s2);
}

static void test_load_errors(void)
{
	const char *overlap[] = { FIXTURES "slurm-example.json", FIXTURES "slurm-overlap.json" };
	const char *bgpsec[] = { FIXTURES "slurm-example.json", FIXTURES "slurm-bgpsec-overlap.json" };
	const char *missing[] = { FIXTURES "slurm-example.json", FIXTURES "no-such-slurm.json" };
	const char *same[] = { FIXTURES "slurm-other.json", FIXTURES "slurm-other.json" };
	const char *many[17];
	struct slurm *s = NULL;
	char *err = NULL;

	CHECK(slurm_load(overlap, 2, &s, &err) < 0 && s == NULL && err != NULL &&
		      strstr(err, "SLURM files overlap (RFC 8416 section 4.2): 2001:db8::/32 (" FIXTURES
				  "slurm-example.json, validationOutputFilters.prefixFilters entry 3) and 2001:db8:1::/48 (" FIXTURES
				  "slurm-overlap.json, locallyAddedAssertions.prefixAssertions entry 1)") != NULL,
	      "a prefix in two files is refused, both entries named: %s", err ? err : "(accepted)");
	free(err);
	err = NULL;
	CHECK(slurm_load(bgpsec, 2, &s, &err) < 0 && err != NULL && strstr(err, "AS64510 in") != NULL,
	      "an AS in BGPsec entries of two files is refused: %s", err ? err : "(accepted)");
	free(err);
	err = NULL;
	CHECK(slurm_load(same, 2, &s, &err) < 0 && err != NULL && strstr(err, "192.0.2.128/25") != NULL,
	      "the same file twice overlaps itself");
	free(err);
	err = NULL;
	CHECK(slurm_load(missing, 2, &s, &err) < 0 && err != NULL && strstr(err, "no-such-slurm.json: cannot read") != NULL,
	      "an unreadable file fails the whole set");
	free(err);
	err = NULL;
	for (int i = 0; i < 17; i++)
		many[i] = FIXTURES "slurm-other.json";
	CHECK(slurm_load(many, 17, &s, &err) < 0 && err != NULL && strstr(err, "more than 16 SLURM files") != NULL,
	      "more than MAX_SLURM_FILES files are refused");
	free(err);
	err = NULL;
	CHECK(slurm_load(NULL, 0, &s, &err) == 0 && s != NULL, "no files: an empty SLURM");
	slurm_free(s);
}

#define HEAD "{\"slurmVersion\": 1, "
#define FILTERS(pf, bf) "\"validationOutputFilters\": {\"prefixFilters\": [" pf "], \"bgpsecFilters\": [" bf "]}, "
#define ASSERTIONS(pa, ba) \
	"\"locallyAddedAssertions\": {\"prefixAssertions\": [" pa "], \"bgpsecAssertions\": [" ba "]}}"
#define EMPTY_FILTERS FILTERS("", "")
#define EMPTY_ASSERTIONS ASSERTIONS("", "")

static void test_hostile(void)
{
	static const struct {
		const char *text, *needle, *what;
	} cases[] = {
		{ "", "s.json: file is empty", "an empty file" },
		{ "[]", "the top level is not a JSON object", "an array" },
		{ "{\"slurmVersion\": 1", "truncated or half-written", "a cut file" },
		{ "{\"slurmVersion\": 1} x", "not valid JSON", "trailing text" },
		{ "{\"slurmVersion\": 2, " EMPTY_FILTERS EMPTY_ASSERTIONS, "slurmVersion is not 1", "version 2" },
		{ "{\"slurmVersion\": \"1\", " EMPTY_FILTERS EMPTY_ASSERTIONS, "slurmVersion is not 1", "version as text" },
		{ "{" EMPTY_FILTERS EMPTY_ASSERTIONS, "missing member \"slurmVersion\"", "no version" },
		{ HEAD EMPTY_ASSERTIONS, "\"validationOutputFilters\" is missing", "no filters" },
		{ HEAD "\"validationOutputFilters\": []}", "\"validationOutputFilters\" is not an object", "filters as an array" },
		{ HEAD EMPTY_FILTERS "\"locallyAddedAssertions\": {\"prefixAssertions\": []}}",
		  "missing member \"bgpsecAssertions\"", "no bgpsecAssertions" },
		{ HEAD "\"validationOutputFilters\": {\"bgpsecFilters\": []}, " EMPTY_ASSERTIONS,
		  "missing member \"prefixFilters\"", "no prefixFilters" },
		{ HEAD "\"validationOutputFilters\": {\"prefixFilters\": {}, \"bgpsecFilters\": []}, " EMPTY_ASSERTIONS,
		  "\"prefixFilters\" is not an array", "prefixFilters as an object" },
		{ HEAD EMPTY_FILTERS "\"locallyAddedAssertions\": {\"prefixAssertions\": [], \"bgpsecAssertions\": []}, \"x\": 1}",
		  "top level: unknown member \"x\"", "an unknown top-level member" },
		{ HEAD "\"validationOutputFilters\": {\"prefixFilters\": [], \"bgpsecFilters\": [], \"aspaFilters\": []}, "
		       EMPTY_ASSERTIONS,
		  "validationOutputFilters: unknown member \"aspaFilters\"", "an unknown filter list (SLURM v2's ASPA)" },
		{ HEAD EMPTY_FILTERS
		  "\"locallyAddedAssertions\": {\"prefixAssertions\": [], \"bgpsecAssertions\": [], \"aspaAssertions\": []}}",
		  "locallyAddedAssertions: unknown member \"aspaAssertions\"", "an unknown assertion list" },
		{ HEAD FILTERS("{\"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}", "") EMPTY_ASSERTIONS,
		  "validationOutputFilters.prefixFilters entry 1: unknown member \"maxLength\"", "a member filters do not have" },
		{ HEAD FILTERS("{\"comment\": \"nothing\"}", "") EMPTY_ASSERTIONS,
		  "prefixFilters entry 1: a prefix filter needs \"prefix\", \"asn\" or both", "a filter of nothing" },
		{ HEAD FILTERS("{\"asn\": 1}, {\"prefix\": \"192.0.2.1/24\"}", "") EMPTY_ASSERTIONS,
		  "prefixFilters entry 2: prefix \"192.0.2.1/24\": host bits set", "host bits in the second filter" },
		{ HEAD FILTERS("{\"asn\": \"AS1\"}", "") EMPTY_ASSERTIONS, "\"asn\" is not a number", "an AS as text" },
		{ HEAD FILTERS("{\"asn\": -1}", "") EMPTY_ASSERTIONS, "\"asn\" -1 is not in 0..4294967295", "a negative AS" },
		{ HEAD FILTERS("{\"asn\": 4294967296}", "") EMPTY_ASSERTIONS, "is not in 0..4294967295", "AS 2^32" },
		{ HEAD FILTERS("{\"asn\": 1, \"comment\": 5}", "") EMPTY_ASSERTIONS, "\"comment\" is not a string",
		  "a comment that is a number" },
		{ HEAD FILTERS("\"192.0.2.0/24\"", "") EMPTY_ASSERTIONS, "prefixFilters entry 1 is not an object",
		  "a filter that is a string" },
		{ HEAD FILTERS("", "{\"comment\": \"x\"}") EMPTY_ASSERTIONS, "a BGPsec filter needs \"asn\", \"SKI\" or both",
		  "an empty BGPsec filter" },
		{ HEAD FILTERS("", "{\"SKI\": \"abc=\"}") EMPTY_ASSERTIONS, "outside base64url without padding",
		  "an SKI with padding" },
		{ HEAD FILTERS("", "{\"SKI\": \"a+b/\"}") EMPTY_ASSERTIONS, "outside base64url", "an SKI in plain base64" },
		{ HEAD FILTERS("", "{\"SKI\": \"abcde\"}") EMPTY_ASSERTIONS, "not base64url of whole bytes", "an SKI of 5 characters" },
		{ HEAD FILTERS("", "{\"asn\": 1, \"routerPublicKey\": \"abcd\"}") EMPTY_ASSERTIONS,
		  "bgpsecFilters entry 1: unknown member \"routerPublicKey\"", "a key in a filter" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"prefix\": \"192.0.2.0/24\"}", ""),
		  "prefixAssertions entry 1: missing member \"asn\"", "an assertion without AS" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1}", ""), "missing member \"prefix\"", "an assertion without prefix" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxPrefixLength\": 16}", ""),
		  "maxPrefixLength 16: maxLength is below the prefix length", "maxPrefixLength below the length" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxPrefixLength\": 33}", ""),
		  "maxLength exceeds 32", "maxPrefixLength 33" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1, \"prefix\": \"2001:db8::/32\", \"maxPrefixLength\": 200}", ""),
		  "\"maxPrefixLength\" 200 is not in 32..128", "maxPrefixLength 200" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxPrefixLength\": \"24\"}", ""),
		  "\"maxPrefixLength\" is not a number", "maxPrefixLength as text" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}", ""),
		  "unknown member \"maxLength\"", "rpki-client's name for maxPrefixLength" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("", "{\"asn\": 1, \"SKI\": \"abcd\"}"),
		  "bgpsecAssertions entry 1: missing member \"routerPublicKey\"", "a BGPsec assertion without key" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("", "{\"asn\": 1, \"routerPublicKey\": \"abcd\"}"), "missing member \"SKI\"",
		  "a BGPsec assertion without SKI" },
		{ HEAD EMPTY_FILTERS ASSERTIONS("", "{\"SKI\": \"abcd\", \"routerPublicKey\": \"abcd\"}"),
		  "missing member \"asn\"", "a BGPsec assertion without AS" },
		{ "{\"slurmVersion\": 1, \"slurmVersion\": 1, " EMPTY_FILTERS EMPTY_ASSERTIONS, "duplicate object key",
		  "a member twice" },
	};
	struct slurm *s = NULL;
	char *err = NULL;
	const char *ok = HEAD FILTERS("{\"asn\": 0}", "{\"SKI\": \"Q8KMeBsCto1PJ6EuhowleIGNL7A\"}")
		ASSERTIONS("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxPrefixLength\": 32}, "
			   "{\"asn\": 2, \"prefix\": \"192.0.2.0/24\", \"comment\": \"overlaps within one file: allowed\"}",
			   "");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].needle, cases[i].what);
	CHECK(slurm_parse(ok, strlen(ok), "s.json", &s, &err) == 0, "overlaps within one file are allowed");
	slurm_free(s);
	free(err);
}

static struct prefix pfx(const char *text)
{
	struct prefix p;
	const char *err;

	if (prefix_parse(text, strlen(text), 0, &p, &err) < 0)
		printf("# bad test prefix %s\n", text);
	return p;
}

static void add(struct vrp_set *set, const char *prefix, unsigned max_length, uint32_t asn)
{
	struct prefix p = pfx(prefix);
	const char *err;

	if (vrp_set_add(set, &p, max_length, asn, "t", 0, &err) < 0)
		printf("# %s\n", err);
}

/* Section 3.3.1 on a set built for it: equal and more specific prefixes match, less specific not. */
static void test_filter_rules(void)
{
	const char *text = HEAD FILTERS("{\"prefix\": \"10.1.0.0/16\"}, {\"prefix\": \"10.3.0.0/16\", \"asn\": 3}, "
					"{\"asn\": 4}, {\"prefix\": \"2001:db8::/32\"}",
					"")
		EMPTY_ASSERTIONS;
	struct vrp_set *in = vrp_set_new(), *out = vrp_set_new();
	struct slurm *s = NULL;
	char *err = NULL, *got;

	add(in, "10.0.0.0/8", 24, 1);     /* less specific than the /16 filter: kept */
	add(in, "10.1.0.0/16", 16, 1);    /* equal: out */
	add(in, "10.1.0.0/16", 24, 2);    /* equal, other maxLength and AS: out */
	add(in, "10.1.255.0/24", 24, 1);  /* more specific, at the end of the /16: out */
	add(in, "10.2.0.0/16", 16, 1);    /* next to it: kept */
	add(in, "10.0.255.0/24", 24, 1);  /* just before it: kept */
	add(in, "10.3.0.0/24", 24, 3);    /* inside, same AS: out */
	add(in, "10.3.0.0/24", 24, 5);    /* inside, other AS: kept */
	add(in, "10.4.0.0/16", 16, 4);    /* AS 4 anywhere: out */
	add(in, "2001:db8::/48", 48, 4);  /* AS 4 and inside the IPv6 filter: out */
	add(in, "2001:db8:1::/48", 48, 6); /* inside the IPv6 filter: out */
	add(in, "2001:db9::/32", 32, 6);  /* outside: kept */
	add(in, "0.0.0.0/0", 0, 7);       /* the /0 is less specific than every filter: kept */
	vrp_set_sort(in);
	if (slurm_parse(text, strlen(text), "rules.json", &s, &err) < 0) {
		CHECK(0, "%s", err);
		free(err);
	}
	slurm_apply(s, in, out);
	got = formatted(out);
	CHECK_STR(got,
		  "0.0.0.0/0-0 AS7, 10.0.0.0/8-24 AS1, 10.0.255.0/24-24 AS1, 10.2.0.0/16-16 AS1, 10.3.0.0/24-24 AS5, "
		  "2001:db9::/32-32 AS6",
		  "RFC 8416 section 3.3.1: prefix, AS, and prefix-and-AS filters");
	free(got);
	vrp_set_free(in);
	vrp_set_free(out);
	slurm_free(s);
}

int main(void)
{
	test_fixture_apply();
	test_load_errors();
	test_hostile();
	test_filter_rules();
	return TEST_DONE();
}
