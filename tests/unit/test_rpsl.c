/*
 * RPSL parser, renderer and reader: the behaviours of RFC 2622/4012 text as the RIPE
 * database and IRRd use it, hostile input, strict vs tolerant mode, and the golden
 * round trip (parse -> render -> parse gives the same object) over the demo registry.
 * Run from the repository root (tests/run does).
 */
#include <stdlib.h>

#include "irr_limits.h"
#include "rpsl_filter.h"
#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "rpsl_syntax.h"
#include "strbuf.h"
#include "testlib.h"
#include "xalloc.h"

static struct rpsl_object *parse(const char *text, enum rpsl_parse_mode mode)
{
	return rpsl_parse_object(text, strlen(text), 1, mode);
}

/* All messages of an object as one string, for substring checks. */
static char *messages(const struct rpsl_object *obj)
{
	struct strbuf sb;

	strbuf_init(&sb);
	rpsl_format_messages(obj, RPSL_INFO, "", &sb);
	return strbuf_detach(&sb, NULL);
}

static int has_message(const struct rpsl_object *obj, const char *needle)
{
	char *m = messages(obj);
	int found = strstr(m, needle) != NULL;

	if (!found)
		printf("#   messages were: %s\n", m);
	free(m);
	return found;
}

static char *render(const struct rpsl_object *obj)
{
	struct strbuf sb;

	strbuf_init(&sb);
	rpsl_render(obj, &sb);
	return strbuf_detach(&sb, NULL);
}

/* Parses, renders, parses the rendering and renders again: both renderings must match. */
static int round_trips(const char *text, size_t len, enum rpsl_parse_mode mode, char **why)
{
	struct rpsl_object *a = rpsl_parse_object(text, len, 1, mode), *b;
	char *ra, *rb;
	int ok;

	ra = render(a);
	b = rpsl_parse_object(ra, strlen(ra), 1, mode);
	rb = render(b);
	ok = strcmp(ra, rb) == 0 && a->attr_count == b->attr_count &&
	     rpsl_object_has_errors(a) == rpsl_object_has_errors(b) &&
	     ((a->pkey == NULL && b->pkey == NULL) || (a->pkey && b->pkey && strcmp(a->pkey, b->pkey) == 0));
	for (size_t i = 0; ok && i < a->attr_count; i++)
		ok = strcmp(a->attrs[i].name, b->attrs[i].name) == 0 &&
		     strcmp(a->attrs[i].value, b->attrs[i].value) == 0 &&
		     strcmp(a->attrs[i].text, b->attrs[i].text) == 0;
	if (!ok && why != NULL) {
		*why = ra;
		ra = NULL;
	}
	free(ra);
	free(rb);
	rpsl_object_free(a);
	rpsl_object_free(b);
	return ok;
}

static void test_basics(void)
{
	struct rpsl_object *o;
	char *r;

	o = parse("ROUTE: 192.0.2.0/24\nOrigin: as64500\nDescr: x\nMNT-BY: MAINT-A, maint-b\nSource: jpirr\n",
		  RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "upper/mixed-case class and attribute names accepted");
	CHECK(o->cls && strcmp(o->cls->name, "route") == 0, "class is route");
	CHECK_STR(o->pkey, "192.0.2.0/24AS64500", "route primary key is prefix + origin");
	CHECK_STR(o->source, "JPIRR", "source is upper-cased");
	CHECK(o->has_origin && o->origin == 64500, "origin parsed as a number");
	CHECK_STR(rpsl_object_get(o, "origin")->text, "AS64500", "origin canonicalised in the text");
	r = render(o);
	CHECK_STR(r, "route:          192.0.2.0/24\norigin:         AS64500\ndescr:          x\n"
		     "mnt-by:         MAINT-A, maint-b\nsource:         jpirr\n",
		  "render pads names to 16 columns, lower-cases names");
	free(r);
	rpsl_object_free(o);

	/* whois output resubmitted: its rpki-ov-state line is dropped silently (issue 15) */
	o = parse("route: 192.0.2.0/24\norigin: AS64500\nmnt-by: MAINT-A\nsource: JPIRR\nRPKI-OV-State:  invalid\n",
		  RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o) && rpsl_object_get(o, "rpki-ov-state") == NULL,
	      "rpki-ov-state dropped silently in strict mode");
	r = render(o);
	CHECK(strstr(r, "rpki") == NULL, "and absent from the rendered object");
	free(r);
	rpsl_object_free(o);

	o = parse("route6: 2001:DB8::/32\norigin: AS1.10\nmnt-by: M\nsource: X\n", RPSL_STRICT);
	CHECK_STR(o->pkey, "2001:DB8::/32AS65546", "route6 key canonical (asdot to asplain)");
	CHECK_STR(rpsl_object_get(o, "route6")->text, "2001:db8::/32", "IPv6 prefix rendered canonical");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\r\norigin: AS1   \r\nmnt-by: M\t\r\nsource: X\r\n", RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "CRLF and trailing whitespace accepted");
	CHECK_STR(rpsl_object_get(o, "mnt-by")->value, "M", "trailing tab and CR stripped");
	rpsl_object_free(o);

	o = parse("as-set: AS-FOO\ndescr: first\n second line\n\tthird # comment\n+\n+ fifth\n"
		  "members: AS1, # first\n AS2,\n+ AS-BAR\n"
		  "# a comment line\nadmin-c: A1\ntech-c: A1\nmnt-by: M\nsource: X\n",
		  RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "continuation lines with space, tab and + accepted");
	CHECK_STR(rpsl_object_get(o, "descr")->text, "first\nsecond line\nthird # comment\n\nfifth",
		  "continuation layout kept, comment kept in text");
	CHECK_STR(rpsl_object_get(o, "descr")->value, "first second line third fifth",
		  "cleaned value drops comments and joins lines");
	CHECK_STR(rpsl_object_get(o, "members")->value, "AS1, AS2, AS-BAR", "multi-line list joined");
	r = render(o);
	CHECK(strstr(r, "descr:          first\n                second line\n                third # comment\n+\n"
			"                fifth\n") != NULL,
	      "continuations rendered at column 16, empty line as +");
	free(r);
	rpsl_object_free(o);

	o = parse("person: J\xe9r\xf4me \xff\xfe\naddress: x\nphone: +1\nnic-hdl: JX1-TEST\nmnt-by: M\nsource: X\n",
		  RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "invalid UTF-8 (latin-1) accepted");
	CHECK_STR(rpsl_object_get(o, "person")->text, "J\xe9r\xf4me \xff\xfe", "latin-1 bytes kept as they were");
	CHECK_STR(o->pkey, "JX1-TEST", "person key is nic-hdl");
	rpsl_object_free(o);

	o = parse("mntner: MAINT-X\ndescr: x\nadmin-c: A1\nupd-to: a@b.c\nauth: BCRYPT-PW $2b$12$x\nmnt-by: MAINT-X\n"
		  "source: X", RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "object without final newline (truncated input) parses");
	rpsl_object_free(o);
}

static void test_errors(void)
{
	struct rpsl_object *o;
	const char nul_text[] = "route: 192.0.2.0/24\norigin: AS1\nde\0scr: x\nsource: X\n";

	o = rpsl_parse_object(nul_text, sizeof(nul_text) - 1, 10, RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 12: NUL byte"), "NUL byte refused, line named");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\norigin AS1\nsource: X\n", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 2: expected \"attribute: value\""),
	      "attribute without colon refused, line named");
	rpsl_object_free(o);

	o = parse(" continuation\nroute: 192.0.2.0/24\n", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 1: continuation line before any attribute"),
	      "continuation before any attribute refused");
	rpsl_object_free(o);

	o = parse("rout: 192.0.2.0/24\nsource: X\n", RPSL_TOLERANT);
	CHECK(has_message(o, "unknown object class \"rout\""), "unknown class named");
	rpsl_object_free(o);

	o = parse("route: 1.2.3.4/24\norigin: AS1\nmnt-by: M\nsource: X\n", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 1: route: host bits set"),
	      "route with host bits refused even in tolerant mode");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/33\norigin: AS1\nmnt-by: M\nsource: X\n", RPSL_TOLERANT);
	CHECK(has_message(o, "prefix length exceeds 32"), "/33 refused");
	rpsl_object_free(o);

	o = parse("route: 2001:db8::/32\norigin: AS1\nmnt-by: M\nsource: X\n", RPSL_TOLERANT);
	CHECK(has_message(o, "not a valid IPv4 address"), "IPv6 prefix in a route object refused");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\norigin: AS4294967296\nmnt-by: M\nsource: X\n", RPSL_TOLERANT);
	CHECK(has_message(o, "origin: AS number is not a number"), "ASN overflow refused");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\norigin: AS4200000000\nmnt-by: M\nsource: X\n", RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o) && o->origin == 4200000000u, "4-byte origin accepted");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\nmnt-by: M\nsource: X\n", RPSL_TOLERANT);
	CHECK(has_message(o, "mandatory attribute \"origin\" is missing"), "missing key attribute refused");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\norigin: AS1\nmnt-by: M\n", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "\"source\" is missing"), "missing source refused");
	rpsl_object_free(o);

	/* Objects cut off part-way, as a truncated dump or mail body leaves them. */
	o = parse("route: 192.0.2.0/24\norigin: AS", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 2: origin:"), "object cut inside a value refused");
	rpsl_object_free(o);
	o = parse("route: 192.0.2.0/24\nori", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "line 2: expected \"attribute: value\": no colon"),
	      "object cut inside an attribute name refused");
	rpsl_object_free(o);
	o = parse("route: 192.0.2.0/2", RPSL_TOLERANT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "mandatory attribute \"origin\" is missing"),
	      "object cut after its first line refused");
	rpsl_object_free(o);

	o = parse("route : 192.0.2.0/24\n", RPSL_TOLERANT);
	CHECK(has_message(o, "invalid character"), "space before colon refused");
	rpsl_object_free(o);
}

static void test_modes(void)
{
	struct rpsl_object *o;
	const char *text = "route: 192.0.2.0/24\norigin: AS1\nmnt-by: M\nx-foo: bar\nmember-of: NOT-A-SET\n"
			   "origin: AS2\nsource: X\n";
	char *r;

	o = parse(text, RPSL_STRICT);
	CHECK(has_message(o, "line 4: attribute \"x-foo\" is not known in class route"),
	      "strict: unknown attribute is an error naming the line");
	CHECK(has_message(o, "line 5: member-of:"), "strict: bad member-of syntax is an error");
	CHECK(has_message(o, "\"origin\" appears 2 times"), "strict: repeated single attribute is an error");
	rpsl_object_free(o);

	o = parse("route: 192.0.2.0/24\norigin: AS1\nmnt-by: M\nx-foo: bar\nmember-of: NOT-A-SET\nsource: X\n",
		  RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o), "tolerant: unknown attribute and bad lookup value are not errors");
	CHECK(has_message(o, "warning: line 5: member-of"), "tolerant: bad lookup value warned");
	CHECK(rpsl_object_get(o, "member-of")->def == NULL, "tolerant: bad lookup value not indexed");
	r = render(o);
	CHECK(strstr(r, "x-foo:          bar\n") != NULL, "tolerant: unknown attribute kept");
	free(r);
	rpsl_object_free(o);

	o = parse("mntner: MAINT-X\ndescr: no admin-c\nupd-to: a@b.c\nauth: NONE\nmnt-by: MAINT-X\nsource: X\n",
		  RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && has_message(o, "warning: mandatory attribute \"admin-c\""),
	      "tolerant: missing non-key mandatory attribute is a warning");
	rpsl_object_free(o);
	o = parse("mntner: MAINT-X\ndescr: no admin-c\nupd-to: a@b.c\nauth: NONE\nmnt-by: MAINT-X\nsource: X\n",
		  RPSL_STRICT);
	CHECK(rpsl_object_has_errors(o), "strict: missing mandatory attribute is an error");
	rpsl_object_free(o);
}

static int set_ok(enum rpsl_set_kind kind, const char *name)
{
	const char *err;

	return rpsl_set_name_check(kind, name, strlen(name), &err) == 0;
}

static int op_ok(const char *op, unsigned len, unsigned max)
{
	struct rpsl_range_op out;
	const char *err;

	return rpsl_range_op_parse(op, strlen(op), len, max, &out, &err) == 0;
}

static void test_syntax(void)
{
	struct rpsl_object *o;

	CHECK(set_ok(SET_KIND_AS, "AS-FOO"), "as-set name");
	CHECK(set_ok(SET_KIND_AS, "AS65000:AS-FOO"), "hierarchical as-set name");
	CHECK(set_ok(SET_KIND_AS, "AS65000:AS-FOO:AS65001"), "hierarchical name ending in ASN");
	CHECK(!set_ok(SET_KIND_AS, "FOO"), "as-set name without AS- refused");
	CHECK(!set_ok(SET_KIND_AS, "AS1:AS2"), "hierarchical name without a set component refused");
	CHECK(!set_ok(SET_KIND_AS, "AS-FOO:"), "empty component refused");
	CHECK(!set_ok(SET_KIND_AS, "AS-ANY"), "reserved word AS-ANY refused as a name");
	CHECK(set_ok(SET_KIND_ROUTE, "RS-FOO"), "route-set name");
	CHECK(!set_ok(SET_KIND_ROUTE, "AS-FOO"), "as-set name is not a route-set name");
	CHECK(op_ok("+", 24, 32) && op_ok("-", 24, 32) && op_ok("24", 24, 32) && op_ok("25-32", 24, 32),
	      "range operators ^+ ^- ^n ^n-m");
	CHECK(!op_ok("33", 24, 32), "^33 refused");
	CHECK(!op_ok("16", 24, 32), "^n shorter than the prefix refused");
	CHECK(!op_ok("28-26", 24, 32), "^n-m with n > m refused");
	CHECK(!op_ok("x", 24, 32), "junk range operator refused");

	o = parse("route-set: RS-X\nmembers: 192.0.2.0/24^+, 10.0.0.0/8^16-24, AS1^+, AS-FOO, RS-Y^-\n"
		  "mp-members: 2001:DB8::/32^48\nadmin-c: A\ntech-c: A\nmnt-by: M\nsource: X\n",
		  RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "route-set members with range operators accepted");
	CHECK_STR(rpsl_object_get(o, "mp-members")->value, "2001:db8::/32^48", "mp-members canonicalised");
	rpsl_object_free(o);

	o = parse("route-set: RS-X\nmembers: 2001:db8::/32\nadmin-c: A\ntech-c: A\nmnt-by: M\nsource: X\n",
		  RPSL_STRICT);
	CHECK(has_message(o, "members:"), "IPv6 in route-set members (not mp-members) refused");
	rpsl_object_free(o);

	o = parse("inetnum: 192.0.2.0 - 192.0.3.127\nnetname: N\ncountry: JP\nadmin-c: A\ntech-c: A\n"
		  "mnt-by: M\nsource: X\n", RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o) && o->has_range && !o->has_prefix, "inetnum range object");
	CHECK_STR(o->pkey, "192.0.2.0 - 192.0.3.127", "inetnum key canonical");
	rpsl_object_free(o);

	o = parse("mntner: M-X\ndescr: d\nadmin-c: A\nupd-to: not-an-address\nauth: FOO-PW x\nmnt-by: M-X\n"
		  "source: X\n", RPSL_STRICT);
	CHECK(has_message(o, "upd-to: not an e-mail address") && has_message(o, "auth: unknown auth method"),
	      "bad e-mail and auth method named");
	rpsl_object_free(o);
}

static void test_large(void)
{
	struct strbuf sb;
	struct rpsl_object *o;
	char *why = NULL;

	strbuf_init(&sb);
	strbuf_append_str(&sb, "as-set: AS-BIG\nadmin-c: A\ntech-c: A\nmnt-by: M\nsource: X\nmembers: AS1");
	for (int i = 2; i <= 100000; i++)
		strbuf_printf(&sb, ",\n AS%d", i);
	strbuf_append_char(&sb, '\n');
	o = rpsl_parse_object(sb.data, sb.len, 1, RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o), "100,000-line object parses");
	CHECK(strlen(rpsl_object_get(o, "members")->value) > 600000, "all 100,000 members kept");
	rpsl_object_free(o);
	CHECK(round_trips(sb.data, sb.len, RPSL_STRICT, &why), "100,000-line object round trips");
	free(why);

	strbuf_reset(&sb);
	strbuf_append_str(&sb, "as-set: AS-BIG\n");
	for (int i = 0; i < 100000; i++)
		strbuf_printf(&sb, "members: AS%d\n", i + 1);
	strbuf_append_str(&sb, "admin-c: A\ntech-c: A\nmnt-by: M\nsource: X\n");
	o = rpsl_parse_object(sb.data, sb.len, 1, RPSL_STRICT);
	CHECK(!rpsl_object_has_errors(o) && o->attr_count == 100005, "100,000 attributes parse");
	rpsl_object_free(o);
	strbuf_release(&sb);
}

/* Golden round trip over every object of a file; strict says whether all must be valid. */
static void test_golden_file(const char *path, enum rpsl_parse_mode mode)
{
	char *err = NULL, *why = NULL;
	struct rpsl_reader *r = rpsl_reader_open_file(path, &err);
	struct rpsl_paragraph p;
	unsigned count = 0, valid = 0, trips = 0;

	CHECK(r != NULL, "open %s", path);
	if (r == NULL) {
		free(err);
		return;
	}
	while (rpsl_reader_next(r, &p, &err) == 1) {
		struct rpsl_object *o = rpsl_parse_object(p.text, p.len, p.first_line, mode);

		count++;
		valid += !rpsl_object_has_errors(o);
		if (rpsl_object_has_errors(o)) {
			char *m = messages(o);
			printf("# %s:%u: %s", path, p.first_line, m);
			free(m);
		}
		rpsl_object_free(o);
		if (round_trips(p.text, p.len, mode, &why)) {
			trips++;
		} else {
			printf("# %s:%u does not round trip; rendered:\n%s", path, p.first_line, why);
			free(why);
			why = NULL;
		}
	}
	CHECK(count > 0 && valid == count, "%s: all %u objects valid (%s)", path, count,
	      mode == RPSL_STRICT ? "strict" : "tolerant");
	CHECK(trips == count, "%s: golden round trip for %u/%u objects", path, trips, count);
	rpsl_reader_free(r);
}

static void test_reader(void)
{
	const char *text = "# header\n% remark\n\nroute: 192.0.2.0/24\norigin: AS1\n \t \n"
			   "\n\nroute: 192.0.3.0/24\norigin: AS2";
	struct rpsl_reader *r = rpsl_reader_open_memory(text, strlen(text));
	struct rpsl_paragraph p;
	char *err = NULL;
	struct strbuf big;

	CHECK(rpsl_reader_next(r, &p, &err) == 1 && p.first_line == 4 && p.len == 32,
	      "first paragraph after header comments, line 4");
	CHECK(rpsl_reader_next(r, &p, &err) == 1 && p.first_line == 9, "whitespace-only line ends an object");
	CHECK(strcmp(p.text, "route: 192.0.3.0/24\norigin: AS2\n") == 0, "last object without newline");
	CHECK(rpsl_reader_next(r, &p, &err) == 0, "end of input");
	rpsl_reader_free(r);

	strbuf_init(&big);
	strbuf_append_str(&big, "remarks: ");
	strbuf_append_repeat(&big, 'x', MAX_LINE_LENGTH + 10);
	strbuf_append_str(&big, "\n\nroute: 192.0.2.0/24\n");
	r = rpsl_reader_open_memory(big.data, big.len);
	CHECK(rpsl_reader_next(r, &p, &err) == 1 && p.problem != NULL, "overlong line reported as a problem");
	CHECK(rpsl_reader_next(r, &p, &err) == 1 && p.problem == NULL && p.first_line == 3,
	      "the next object is read normally");
	rpsl_reader_free(r);
	strbuf_release(&big);
}

/* What real registries publish (issue 16, "Keep what real registries publish"). */
static void test_foreign_shapes(void)
{
	struct rpsl_object *o;
	const char *text = "route: 203.0.113.0/24\norigin: AS1\n \t \ndescr: same object\nsource: X\n\nroute: 1.0.0.0/8\n";
	struct rpsl_reader *r;
	struct rpsl_paragraph p;
	char *err = NULL;

	o = parse("route: 192.0.02.0/24\norigin: as065537\nmnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->pkey && strcmp(o->pkey, "192.0.2.0/24AS65537") == 0,
	      "tolerant: leading zeros in an octet and an ASN removed from the key (%s)", o->pkey ? o->pkey : "-");
	CHECK(has_message(o, "leading zeros removed (was \"192.0.02.0/24\")"), "with a warning naming the original");
	CHECK(strcmp(rpsl_object_get(o, "route")->text, "192.0.2.0/24") == 0, "the text is the normalised form");
	rpsl_object_free(o);
	o = parse("route: 192.0.02.0/24\norigin: AS1\nmnt-by: M\nsource: RIPE\n", RPSL_STRICT);
	CHECK(rpsl_object_has_errors(o), "strict: leading zeros stay an error (our own source)");
	rpsl_object_free(o);
	o = parse("route: 010.0.0.0/8\norigin: AS0065537\nmnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(o->pkey && strcmp(o->pkey, "10.0.0.0/8AS65537") == 0, "a leading-zero first octet and several zeros (%s)",
	      o->pkey ? o->pkey : "-");
	rpsl_object_free(o);
	o = parse("route6: 2001:0db8:0100::/40\norigin: AS1\nmnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && !has_message(o, "leading zeros"), "IPv6 groups are left alone");
	rpsl_object_free(o);
	o = parse("inetnum: 192.000.002.000 - 192.000.002.255\nnetname: N\ncountry: NL\nadmin-c: A1-X\ntech-c: A1-X\n"
		  "geofeed: https://example.net/geofeed.csv\nmnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->pkey && strcmp(o->pkey, "192.0.2.0 - 192.0.2.255") == 0,
	      "an inetnum range with zero-padded octets (%s)", o->pkey ? o->pkey : "-");
	CHECK(rpsl_object_get(o, "geofeed") != NULL && rpsl_object_get(o, "geofeed")->def != NULL,
	      "geofeed: is a known attribute of inetnum (RFC 9632)");
	rpsl_object_free(o);
	o = parse("organisation: EXAMPLE-ORG\norg-name: X\ncountry: NL\ne-mail: a@example.net\nmnt-by: M\nsource: ARIN\n",
		  RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->pkey && strcmp(o->pkey, "EXAMPLE-ORG") == 0,
	      "tolerant: an organisation key without ORG-");
	rpsl_object_free(o);
	o = parse("organisation: EXAMPLE-ORG\norg-name: X\ne-mail: a@example.net\nmnt-by: M\nsource: JPIRR\n",
		  RPSL_STRICT);
	CHECK(rpsl_object_has_errors(o), "strict: our organisation ids start with ORG-");
	rpsl_object_free(o);
	o = parse("domain: 2.0.192.in-addr.arpa\nadmin-c: A1-X\ntech-c: A1-X\nzone-c: A1-X\nnserver: ns.example.net\n"
		  "mnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->cls->id == RPSL_CLASS_DOMAIN, "tolerant: RIPE's domain class is kept");
	rpsl_object_free(o);
	o = parse("irt: IRT-X\naddress: A\ne-mail: i@example.net\nadmin-c: A1-X\ntech-c: A1-X\nauth: PGPKEY-1234ABCD\n"
		  "mnt-by: M\nsource: RIPE\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->cls->id == RPSL_CLASS_IRT, "tolerant: RIPE's irt class is kept");
	rpsl_object_free(o);
	o = parse("domain: 2.0.192.in-addr.arpa\nadmin-c: A1-X\ntech-c: A1-X\nzone-c: A1-X\nmnt-by: M\nsource: JPIRR\n",
		  RPSL_STRICT);
	CHECK(rpsl_object_has_errors(o) && has_message(o, "not a class of this one"), "strict: domain is refused in updates");
	rpsl_object_free(o);

	r = rpsl_reader_open_memory(text, strlen(text));
	rpsl_reader_whitespace_continues(r, true);
	CHECK(rpsl_reader_next(r, &p, &err) == 1 && strstr(p.text, "same object") != NULL,
	      "tolerant reader: a line of blanks continues the object");
	CHECK(rpsl_reader_next(r, &p, &err) == 1 && strncmp(p.text, "route: 1.0.0.0/8", 16) == 0,
	      "an empty line still ends it");
	rpsl_reader_free(r);
	o = parse("route: 203.0.113.0/24\norigin: AS1\n \t \ndescr: same object\nsource: X\n", RPSL_TOLERANT);
	CHECK(!rpsl_object_has_errors(o) && o->attr_count == 4, "the parser reads the blank line as nothing (%zu attrs)",
	      o->attr_count);
	rpsl_object_free(o);
}

static void expect_filtered(const char *in, const char *want, const char *what)
{
	struct strbuf out;

	strbuf_init(&out);
	rpsl_filter_hashes(&out, in);
	CHECK(strcmp(out.data, want) == 0, "hash filter: %s", what);
	if (strcmp(out.data, want) != 0)
		printf("#   got: %s", out.data);
	strbuf_release(&out);
}

/* Password hashes never leave the server, wherever the attribute puts them (found by the NRTM review). */
static void test_hash_filter(void)
{
	expect_filtered("mntner: M\nauth:           BCRYPT-PW $2b$12$abc\nsource: X\n",
			"mntner: M\nauth:           BCRYPT-PW # Filtered\nsource: X\n", "one line, padding kept");
	expect_filtered("auth:\n                MD5-PW $1$abcdefgh$SECRET\nsource: X\n",
			"auth:           MD5-PW # Filtered\nsource: X\n", "the scheme and hash on a continuation line");
	expect_filtered("auth:           MD5-PW $1$x$y # comment\n+               SECRETPLUSCONT\nsource: X\n",
			"auth:           MD5-PW # Filtered\nsource: X\n", "a tail on a '+' continuation goes too");
	expect_filtered("Auth:   crypt-pw Ab12\n\tmore\nsource: X\n", "Auth:   CRYPT-PW # Filtered\nsource: X\n",
			"any case, a tab continuation");
	expect_filtered("auth:           PGPKEY-1234ABCD\n                # a comment\nsource: X\n",
			"auth:           PGPKEY-1234ABCD\n                # a comment\nsource: X\n", "other schemes untouched");
	expect_filtered("auth:           MD5-PWX not a scheme\n", "auth:           MD5-PWX not a scheme\n",
			"a longer word is no scheme");
	expect_filtered("auth:           MD5-PW $1$a$b", "auth:           MD5-PW # Filtered\n", "the last line without newline");
}

int main(void)
{
	test_basics();
	test_errors();
	test_modes();
	test_syntax();
	test_large();
	test_reader();
	test_foreign_shapes();
	test_hash_filter();
	test_golden_file("demo/jpirr.db", RPSL_STRICT);
	test_golden_file("demo/radb.db", RPSL_TOLERANT);
	return TEST_DONE();
}
