/*
 * VRP files and sets: the real rpki-client 8.2 output (tests/fixtures/rpki/) read as
 * JSON and as CSV gives one set, Routinator's shapes the same VRPs; every cut of a
 * file is refused or complete; hostile entries are refused with file, line, entry and
 * reason; sets sort, drop duplicates and diff.
 */
#include <stdlib.h>

#include "irr_limits.h"
#include "strbuf.h"
#include "testlib.h"
#include "vrp.h"
#include "vrp_file.h"

#define FIXTURES "tests/fixtures/rpki/"

static struct vrp_set *load(const char *path)
{
	struct vrp_set *set = NULL;
	char *err = NULL;

	if (vrp_file_load(path, &set, &err) < 0) {
		printf("# %s\n", err);
		free(err);
	}
	return set;
}

/* Parses text; returns the error (caller frees) or NULL when it parsed. */
static char *parse_error(const char *text)
{
	struct vrp_set *set = NULL;
	char *err = NULL;

	if (vrp_file_parse(text, strlen(text), "t.json", &set, &err) == 0) {
		vrp_set_free(set);
		return NULL;
	}
	if (set != NULL)
		printf("# a set came back with an error\n");
	return err;
}

static void expect_error(const char *text, const char *needle, const char *what)
{
	char *err = parse_error(text);

	CHECK(err != NULL && strstr(err, needle) != NULL, "%s: refused with \"%s\"", what, needle);
	if (err == NULL || strstr(err, needle) == NULL)
		printf("#   got: %s\n", err ? err : "(accepted)");
	free(err);
}

static const char *ta_of(const struct vrp_set *set, size_t i)
{
	return vrp_set_ta_name(set, vrp_set_get(set, i));
}

static void test_fixtures(void)
{
	struct vrp_set *json = load(FIXTURES "rpki-client.json"), *csv = load(FIXTURES "rpki-client.csv");
	struct vrp_set *rjson = load(FIXTURES "routinator.json"), *rcsv = load(FIXTURES "routinator.csv");
	struct vrp_set *added = NULL, *removed = NULL;
	char text[VRP_STRLEN];

	CHECK(json != NULL && csv != NULL && rjson != NULL && rcsv != NULL, "the four fixtures load");
	if (json == NULL || csv == NULL || rjson == NULL || rcsv == NULL)
		goto out;
	CHECK(vrp_set_count(json) == 11, "rpki-client JSON: 11 VRPs (got %zu)", vrp_set_count(json));
	CHECK(vrp_set_equal(json, csv), "rpki-client -j and -c give the same set, trust anchors and expiries included");
	CHECK(vrp_set_is_sorted(json), "the set comes back sorted");
	vrp_format(vrp_set_get(json, 0), text);
	CHECK_STR(text, "192.0.2.0/24-24 AS64496", "sorted by prefix: the /24 before the /25");
	vrp_format(vrp_set_get(json, 10), text);
	CHECK_STR(text, "2001:db8:ffff::/48-64 AS4200000000", "IPv6 last, 4-byte AS intact");
	CHECK_STR(ta_of(json, 3), "local", "trust anchor name from the TAL file name");
	CHECK(vrp_set_get(json, 3)->expires == 1796304919, "expiry from rpki-client");
	vrp_format(vrp_set_get(json, 5), text);
	CHECK_STR(text, "203.0.113.0/24-24 AS0", "the AS0 ROA is a VRP of AS 0");
	vrp_set_diff(json, rjson, &added, &removed);
	CHECK(vrp_set_count(added) == 0 && vrp_set_count(removed) == 0, "Routinator's json holds the same VRPs");
	vrp_set_free(added);
	vrp_set_free(removed);
	CHECK(vrp_set_get(rjson, 0)->expires == 0, "Routinator's json has no expiry: 0");
	CHECK(vrp_set_equal(rjson, rcsv), "Routinator's json and csv agree");
out:
	vrp_set_free(json);
	vrp_set_free(csv);
	vrp_set_free(rjson);
	vrp_set_free(rcsv);
}

static void test_load_errors(void)
{
	struct vrp_set *set = (struct vrp_set *)1;
	char *err = NULL;

	CHECK(vrp_file_load(FIXTURES "no-such-file.json", &set, &err) < 0 && set == NULL, "a missing file is an error");
	CHECK(err != NULL && strstr(err, "no-such-file.json: cannot read") != NULL, "the message names the file");
	free(err);
	err = NULL;
	CHECK(vrp_file_load("tests/unit", &set, &err) < 0, "a directory is an error");
	free(err);
	expect_error("", "t.json: file is empty", "an empty file");
	expect_error(" \n\t\n", "file is empty", "a file of white space");
	expect_error("<html>busy</html>\n", "not a VRP file", "an HTML error page");
	expect_error("[{\"asn\": 1}]", "not a VRP file", "a JSON array");
	expect_error("\xef\xbb\xbf{\"roas\":[]}", "not a VRP file", "a byte order mark");
}

static char *read_fixture(const char *path, size_t *len)
{
	char *data = strbuf_read_file(path, MAX_VRP_FILE_SIZE, len);

	if (data == NULL)
		printf("# cannot read %s\n", path);
	return data;
}

/* Every cut of the JSON file is refused as truncated, until the closing brace is in. */
static void test_json_cuts(void)
{
	size_t len, last = 0, wrong = 0, unclear = 0;
	char *data = read_fixture(FIXTURES "rpki-client.json", &len);

	if (data == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '}')
			last = i;
	}
	for (size_t cut = 1; cut < len; cut++) {
		struct vrp_set *set = NULL;
		char *err = NULL;
		int rc = vrp_file_parse(data, cut, "cut.json", &set, &err);

		if ((rc == 0) != (cut > last))
			wrong++;
		if (rc < 0 && strstr(err, "truncated or half-written") == NULL && unclear++ == 0)
			printf("# cut at %zu: %s\n", cut, err);
		vrp_set_free(set);
		free(err);
	}
	CHECK(wrong == 0, "each of %zu cuts of the JSON file is refused, unless only trailing space is missing", len - 1);
	CHECK(unclear == 0, "every refusal of a cut says the file looks truncated (%zu did not)", unclear);
	free(data);
}

/* A CSV cut mid-line is refused; a cut at a line end is a shorter, valid file. */
static void test_csv_cuts(void)
{
	size_t len, wrong = 0;
	char *data = read_fixture(FIXTURES "rpki-client.csv", &len);

	if (data == NULL)
		return;
	for (size_t cut = 1; cut <= len; cut++) {
		struct vrp_set *set = NULL;
		char *err = NULL;
		int rc = vrp_file_parse(data, cut, "cut.csv", &set, &err);

		/* "A", "AS", "ASN" are not recognised as CSV at all */
		if ((rc == 0) != (data[cut - 1] == '\n') ||
		    (rc < 0 && cut > 3 && strstr(err, "truncated or half-written") == NULL)) {
			if (wrong++ == 0)
				printf("# cut at %zu: %s\n", cut, rc < 0 ? err : "accepted");
		}
		vrp_set_free(set);
		free(err);
	}
	CHECK(wrong == 0, "each of %zu cuts of the CSV file: refused mid-line as truncated, whole lines accepted", len);
	free(data);
}

#define ROA(fields) "{\"roas\": [" fields "]}"

static void test_json_hostile(void)
{
	static const struct {
		const char *text, *needle, *what;
	} cases[] = {
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 16, \"ta\": \"x\"}"),
		  "roas entry 1: maxLength is below the prefix length (prefix 192.0.2.0/24, maxLength 16)", "maxLength below the length" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 33, \"ta\": \"x\"}"),
		  "maxLength exceeds 32", "maxLength 33 for IPv4" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"2001:db8::/32\", \"maxLength\": 129, \"ta\": \"x\"}"),
		  "maxLength exceeds 128", "maxLength 129 for IPv6" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"2001:db8::/32\", \"maxLength\": 100000, \"ta\": \"x\"}"),
		  "maxLength exceeds 128", "a huge maxLength" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", \"maxLength\": -1, \"ta\": \"x\"}"),
		  "maxLength is negative", "a negative maxLength" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24.0, \"ta\": \"x\"}"),
		  "maxLength is not an integer", "maxLength 24.0" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", \"maxLength\": \"24\", \"ta\": \"x\"}"),
		  "maxLength is not an integer", "maxLength as a string" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.1/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "prefix \"192.0.2.1/24\": host bits set", "host bits set" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "prefix has no length", "a prefix without a length" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"300.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "not a valid IP address", "a bad address" },
		{ ROA("{\"asn\": 64496, \"prefix\": \"192.0.2.0/33\", \"maxLength\": 33, \"ta\": \"x\"}"),
		  "prefix length exceeds 32", "a /33" },
		{ ROA("{\"asn\": 64496, \"prefix\": 3221225984, \"maxLength\": 24, \"ta\": \"x\"}"),
		  "prefix is not a string", "a prefix as a number" },
		{ ROA("{\"asn\": \"64496\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not \"AS\" followed by a number", "an AS string without AS" },
		{ ROA("{\"asn\": \"AS4294967296\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not \"AS\" followed by a number", "AS4294967296" },
		{ ROA("{\"asn\": \"AS1.10\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not \"AS\" followed by a number", "an asdot AS" },
		{ ROA("{\"asn\": \"AS\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not \"AS\" followed by a number", "AS alone" },
		{ ROA("{\"asn\": -1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not in 0..4294967295", "a negative AS" },
		{ ROA("{\"asn\": 4294967296, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is not in 0..4294967295", "AS 2^32" },
		{ ROA("{\"asn\": 64496.5, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is neither an integer", "a fractional AS" },
		{ ROA("{\"asn\": null, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "asn is neither an integer", "a null AS" },
		{ ROA("{\"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"), "missing field \"asn\"", "no asn" },
		{ ROA("{\"asn\": 1, \"maxLength\": 24, \"ta\": \"x\"}"), "missing field \"prefix\"", "no prefix" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"ta\": \"x\"}"), "missing field \"maxLength\"", "no maxLength" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}"), "missing field \"ta\"", "no ta" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\", \"source\": []}"),
		  "roas entry 1: unknown field \"source\"", "Routinator's jsonext source" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\", \"max_length\": 24}"),
		  "unknown field \"max_length\"", "a misspelt field" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\", \"asn\\u0000x\": 2}"),
		  "NUL byte in object key", "a field name with a NUL" },
		{ ROA("{\"asn\": 1, \"asn\": 2, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}"),
		  "duplicate object key", "a field twice" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"\"}"),
		  "trust anchor name is empty", "an empty ta" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"a\\u0007b\"}"),
		  "control character", "a ta with a bell" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"a,b\"}"), "comma", "a ta with a comma" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\", \"expires\": \"soon\"}"),
		  "expires is not a non-negative integer", "expires as text" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\", \"expires\": -5}"),
		  "expires is not a non-negative integer", "a negative expiry" },
		{ ROA("1"), "roas entry 1 is not an object", "an entry that is a number" },
		{ ROA("{}, 1"), "roas entry 1: missing field", "the first of two bad entries is named" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"} {}"),
		  "expected ',' or ']' after roas entry 1", "entries without a comma" },
		{ ROA("{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"\xff\"}"),
		  "unable to decode byte 0xff", "a ta that is not UTF-8" },
		{ "{\"roas\": {}}", "\"roas\" is not an array", "roas as an object" },
		{ "{\"roas\": null}", "\"roas\" is not an array", "roas null" },
		{ "{\"metadata\": {}}", "no \"roas\" array", "no roas" },
		{ "{}", "no \"roas\" array", "an empty object" },
		{ "{\"roas\": [], \"roas\": []}", "\"roas\" appears twice", "roas twice" },
		{ "{\"roas\": []} x", "data after the end of the JSON object", "trailing text" },
		{ "{\"roas\": []}{}", "data after the end", "two objects" },
		{ "{\"roas\": [] \"metadata\": 1}", "expected ',' or '}'", "members without a comma" },
		{ "{roas: []}", "expected a member name in double quotes", "a bare member name" },
		{ "{\"roas\" []}", "expected ':'", "no colon" },
		{ "{\"metadata\": tru, \"roas\": []}", "top-level member", "a bad literal in a skipped member" },
		{ "{\"metadata\": {\"a\": [1, 2}, \"roas\": []}", "top-level member", "a broken skipped member" },
		{ "{\"metadata\": @, \"roas\": []}", "not a JSON value", "garbage for a value" },
		{ "{\"roas\": [", "truncated or half-written", "a cut after the bracket" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].needle, cases[i].what);
}

static void test_json_messages_and_tolerance(void)
{
	const char *text = "{\n  \"roas\": [\n"
			   "    { \"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\" },\n"
			   "    { \"asn\": 2, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\" },\n"
			   "    { \"asn\": 3, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 20, \"ta\": \"x\" }\n  ]\n}\n";
	const char *tolerated =
		"{\"metadata\": {\"buildtime\": \"2024-01-01T00:00:00Z\", \"talfiles\": [\"/a.tal\"], \"n\": [1.5e3, true, null]},"
		"\"roas\": [{\"ta\": \"ripe\", \"expires\": 1, \"maxLength\": 24, \"prefix\": \"192.0.2.0/24\", \"asn\": \"as64496\"}],"
		"\"bgpsec_keys\": [], \"aspas\": [{\"customer\": \"AS1\", \"providers\": [\"AS2\"]}],"
		"\"provider_authorizations\": {\"ipv4\": [], \"ipv6\": []}, \"number\": -0.5, \"s\": \"\\\"}\", \"t\": false}";
	struct vrp_set *set = NULL;
	char *err = parse_error(text), *deep;
	struct strbuf sb;

	CHECK(err != NULL && strstr(err, "t.json: line 5: roas entry 3: maxLength is below") != NULL,
	      "the message names the file, the line and the entry: %s", err ? err : "(accepted)");
	free(err);
	err = NULL;
	CHECK(vrp_file_parse(tolerated, strlen(tolerated), "t.json", &set, &err) == 0 && vrp_set_count(set) == 1,
	      "other top-level members (metadata, bgpsec_keys, aspas, provider_authorizations, any value) are skipped");
	vrp_set_free(set);
	free(err);
	err = NULL;
	CHECK(vrp_file_parse("{\"roas\":[]}", 11, "t.json", &set, &err) == 0 && vrp_set_count(set) == 0,
	      "an empty roas array is an empty set");
	vrp_set_free(set);
	set = NULL;
	/* nesting deeper than jansson allows: refused, no stack exhaustion */
	strbuf_init(&sb);
	strbuf_append_str(&sb, "{\"metadata\": ");
	strbuf_append_repeat(&sb, '[', 100000);
	strbuf_append_repeat(&sb, ']', 100000);
	strbuf_append_str(&sb, ", \"roas\": []}");
	deep = parse_error(sb.data);
	CHECK(deep != NULL && strstr(deep, "maximum parsing depth") != NULL, "100,000 nested arrays are refused: %s",
	      deep ? deep : "(accepted)");
	free(deep);
	strbuf_reset(&sb);
	strbuf_append_str(&sb, "{\"roas\": [");
	for (int i = 0; i <= MAX_TRUST_ANCHORS; i++)
		strbuf_printf(&sb, "%s{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"ta%d\"}",
			      i ? "," : "", i);
	strbuf_append_str(&sb, "]}");
	deep = parse_error(sb.data);
	CHECK(deep != NULL && strstr(deep, "roas entry 65: more than 64 trust anchor names") != NULL,
	      "a 65th trust anchor name is refused: %s", deep ? deep : "(accepted)");
	free(deep);
	strbuf_release(&sb);
	err = parse_error("{\"roas\": [{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"},"
			  " {\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"ta\": \"x\"}]}\r\n");
	CHECK(err == NULL, "the same VRP twice and CRLF line ends are fine");
	free(err);
	{
		static const char with_nul[] = "{\"roas\": [\0]}";

		err = NULL;
		CHECK(vrp_file_parse(with_nul, sizeof(with_nul) - 1, "t.json", &set, &err) < 0, "a NUL byte is refused");
		free(err);
	}
}

static void test_csv_hostile(void)
{
	static const struct {
		const char *text, *needle, *what;
	} cases[] = {
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,16,x,1\n",
		  "t.json: line 2: maxLength is below the prefix length (prefix 192.0.2.0/24, maxLength 16)", "maxLength below" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,33,x,1\n", "maxLength exceeds 32", "maxLength 33" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,2001:db8::/32,999,x,1\n", "maxLength exceeds 128",
		  "maxLength 999" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,1000,x,1\n", "Max Length \"1000\" is not a number",
		  "maxLength 1000" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,024,x,1\n", "is not a number", "a leading zero" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,+24,x,1\n", "is not a number", "a sign" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n1,192.0.2.0/24,24,x,1\n", "ASN \"1\" is not", "an AS without AS" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS,192.0.2.0/24,24,x,1\n", "ASN \"AS\" is not", "AS alone" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS01,192.0.2.0/24,24,x,1\n", "ASN \"AS01\"", "AS01" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.1/24,24,x,1\n", "host bits set", "host bits" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1, 192.0.2.0/24,24,x,1\n", "not a valid IP address",
		  "a space before the prefix" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,,1\n", "trust anchor name is empty", "no ta" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x,-1\n", "Expires \"-1\"", "a negative expiry" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x,99999999999999999999\n",
		  "Expires \"99999999999999999999\"", "an expiry past 64 bits" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x\n", "4 columns where the header has 5",
		  "a Routinator line under an rpki-client header" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor\nAS1,192.0.2.0/24,24,x,1\n", "more than 4 columns", "a line too wide" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x,1\n\nAS2,192.0.2.0/24,24,x,1\n",
		  "line 3: empty line", "a blank line" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x\x01y,1\n", "control character",
		  "a control character" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,\xc3\xa9,1\n", "non-ASCII", "UTF-8 text" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,x,1", "last line has no newline",
		  "no final newline" },
		{ "ASN,Prefix,Max Length,Trust Anchor,Expires\n", "header \"ASN,Prefix,", "a wrong header" },
		{ "ASN,IP Prefix,Max Length,Trust Anchor,Expires,More\n", "is not \"ASN,IP Prefix", "a longer header" },
	};
	struct strbuf sb;
	char *err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].needle, cases[i].what);
	strbuf_init(&sb);
	strbuf_append_str(&sb, "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS1,192.0.2.0/24,24,");
	strbuf_append_repeat(&sb, 'x', 600);
	strbuf_append_str(&sb, ",1\n");
	expect_error(sb.data, "line 2: line longer than 512 bytes", "a very long line");
	strbuf_release(&sb);
	err = parse_error("ASN,IP Prefix,Max Length,Trust Anchor,Expires\r\nAS1,192.0.2.0/24,24,x,1\r\n");
	CHECK(err == NULL, "CRLF line ends are fine");
	free(err);
	err = parse_error("ASN,IP Prefix,Max Length,Trust Anchor,Expires\n");
	CHECK(err == NULL, "a header alone is an empty set");
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

static int add(struct vrp_set *set, const char *prefix, unsigned max_length, uint32_t asn, const char *ta,
	       int64_t expires)
{
	struct prefix p = pfx(prefix);
	const char *err;

	return vrp_set_add(set, &p, max_length, asn, ta, expires, &err);
}

static void test_sets(void)
{
	struct vrp_set *a = vrp_set_new(), *b = vrp_set_new(), *added, *removed;
	struct prefix p = pfx("192.0.2.0/24");
	char text[VRP_STRLEN], q[80];
	const char *err;

	CHECK(add(a, "192.0.2.0/24", 24, 1, "ripe", 10) == 0, "add");
	CHECK(vrp_set_is_sorted(a), "one VRP is sorted");
	add(a, "10.0.0.0/8", 8, 1, "ripe", 10);
	CHECK(!vrp_set_is_sorted(a), "out of order: not sorted");
	add(a, "192.0.2.0/24", 24, 1, "arin", 20);
	add(a, "192.0.2.0/24", 24, 1, "apnic", 5);
	add(a, "192.0.2.0/24", 25, 1, "ripe", 10);
	vrp_set_sort(a);
	CHECK(vrp_set_count(a) == 3, "duplicates of one (prefix, maxLength, AS) kept once (%zu)", vrp_set_count(a));
	CHECK(vrp_set_get(a, 1)->expires == 20 && strcmp(vrp_set_ta_name(a, vrp_set_get(a, 1)), "arin") == 0,
	      "the duplicate kept is the one expiring last, with its trust anchor");
	vrp_format(vrp_set_get(a, 0), text);
	CHECK_STR(text, "10.0.0.0/8-8 AS1", "sorted");
	CHECK(vrp_set_add(a, &p, 23, 1, "x", 0, &err) < 0 && strstr(err, "below") != NULL, "vrp_set_add checks maxLength");
	p.addr[3] = 1;
	CHECK(vrp_set_add(a, &p, 24, 1, "x", 0, &err) < 0 && strstr(err, "host bits") != NULL, "and host bits");
	p = pfx("2001:db8::/32");
	CHECK(vrp_set_add(a, &p, 129, 1, "x", 0, &err) < 0 && strstr(err, "exceeds 128") != NULL, "and the family's bound");
	p.family = 5;
	CHECK(vrp_set_add(a, &p, 32, 1, "x", 0, &err) < 0, "and the family");

	add(b, "10.0.0.0/8", 8, 1, "other", 99); /* same triple, other trust anchor: unchanged */
	add(b, "192.0.2.0/24", 24, 2, "ripe", 10);
	add(b, "192.0.2.0/24", 25, 1, "ripe", 10);
	add(b, "2001:db8::/32", 48, 3, "ripe", 10);
	vrp_set_sort(b);
	vrp_set_diff(a, b, &added, &removed);
	CHECK(vrp_set_count(added) == 2 && vrp_set_count(removed) == 1, "diff: 2 added, 1 removed");
	vrp_format(vrp_set_get(added, 0), text);
	CHECK_STR(text, "192.0.2.0/24-24 AS2", "added: the new origin");
	vrp_format(vrp_set_get(added, 1), text);
	CHECK_STR(text, "2001:db8::/32-48 AS3", "added: the IPv6 VRP");
	vrp_format(vrp_set_get(removed, 0), text);
	CHECK_STR(text, "192.0.2.0/24-24 AS1", "removed: the old origin");
	CHECK(vrp_set_is_sorted(added) && vrp_set_is_sorted(removed), "diff results are sorted");
	CHECK_STR(vrp_set_ta_name(added, vrp_set_get(added, 0)), "ripe", "diff results keep trust anchor names");
	vrp_set_free(added);
	vrp_set_free(removed);
	vrp_set_diff(NULL, b, &added, &removed);
	CHECK(vrp_set_count(added) == 4 && vrp_set_count(removed) == 0, "diff from nothing: all added");
	vrp_set_free(added);
	vrp_set_free(removed);
	CHECK(!vrp_set_equal(a, b) && vrp_set_equal(a, a), "equal");
	vrp_set_free(a);
	vrp_set_free(b);

	vrp_quote("a\"b\n\xff", 5, q, sizeof(q));
	CHECK_STR(q, "\"a\\x22b\\x0a\\xff\"", "quoted text escapes quotes, control and non-ASCII bytes");
	memset(text, 'z', sizeof(text));
	vrp_quote(text, sizeof(text), q, sizeof(q));
	CHECK(strlen(q) < sizeof(q) && strstr(q, "...\"") != NULL, "and cuts long text");
}

/* JSON → CSV → set: the CSV writer and both parsers agree. */
static void test_round_trip(void)
{
	struct vrp_set *json = load(FIXTURES "rpki-client.json"), *again = NULL;
	struct strbuf sb;
	char *err = NULL;
	size_t len;
	char *fixture = read_fixture(FIXTURES "rpki-client.csv", &len);

	strbuf_init(&sb);
	if (json != NULL)
		vrp_csv_format(json, &sb);
	CHECK(vrp_csv_parse(sb.data, sb.len, "round", &again, &err) == 0 && vrp_set_equal(json, again),
	      "the set written as CSV reads back equal");
	CHECK(fixture != NULL && sb.len == len, "and as long as rpki-client's own CSV (%zu, %zu bytes)", sb.len, len);
	free(err);
	free(fixture);
	vrp_set_free(again);
	vrp_set_free(json);
	strbuf_release(&sb);
}

int main(void)
{
	test_fixtures();
	test_load_errors();
	test_json_cuts();
	test_csv_cuts();
	test_json_hostile();
	test_json_messages_and_tolerance();
	test_csv_hostile();
	test_sets();
	test_round_trip();
	return TEST_DONE();
}
