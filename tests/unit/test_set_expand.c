/*
 * Set expansion in C (query layer), beside the whois tests: direct members once each,
 * recursion through nested sets with cycles broken, member-of claims honoured only
 * when mbrs-by-ref accepts them (ANY or one of the claimant's maintainers), names that
 * do not resolve dropped, the first source holding a set winning, route-sets with
 * range operators, ASNs and as-sets inside route-sets, and the limits answering an
 * error instead of a silently empty or cut list. Range operators compose through every
 * level of nesting (an outer operator only narrows): a table of compositions, a brute
 * force over length sets, and the nestings an attacker used to widen a filter.
 */
#include <stdlib.h>
#include <unistd.h>

#include "query.h"
#include "rpsl_parse.h"
#include "rpsl_render.h"
#include "set_expand.h"
#include "store.h"
#include "store_write.h"
#include "testdb.h"
#include "testlib.h"

static struct store *st;
static struct query_context ctx;

static void load(const char *source, const char *const *texts, size_t n)
{
	CHECK(testdb_load(st, source, texts, n) == (long)n, "source %s loaded (%zu objects)", source, n);
}

static const char *const first[] = {
	"as-set: AS-TOP\nmembers: AS1, AS-MID, AS-NOWHERE, as1\nsource: ONE\n",
	"as-set: AS-MID\nmembers: AS2, AS-TOP\nmbrs-by-ref: MNT-OK\nsource: ONE\n",
	"aut-num: AS3\nas-name: BY-REF\nmember-of: AS-MID\nmnt-by: MNT-OK\nsource: ONE\n",
	"aut-num: AS4\nas-name: NOT-ACCEPTED\nmember-of: AS-MID\nmnt-by: MNT-OTHER\nsource: ONE\n",
	"route-set: RS-TOP\nmembers: 192.0.2.0/24^+, RS-SUB^25-26, AS64500, AS-ROUTES^32\nsource: ONE\n",
	"route-set: RS-SUB\nmembers: 198.51.100.0/24, 198.51.100.0/27^28\nsource: ONE\n",
	"as-set: AS-ROUTES\nmembers: AS64501\nsource: ONE\n",
	"route: 203.0.113.0/24\norigin: AS64500\nmnt-by: MNT-OK\nsource: ONE\n",
	"route: 203.0.113.128/25\norigin: AS64501\nmnt-by: MNT-OK\nsource: ONE\n",
	"as-set: AS-SHADOWED\nmembers: AS10\nsource: ONE\n",
};
/*
 * Outer operators over nested sets (the attack on branch attack-whois, range_ops.sh):
 * each must reach every prefix below it, through route-sets, ASes, as-sets and
 * mbrs-by-ref, along every path, and cycles must end.
 */
static const char *const ops[] = {
	"route: 198.51.100.0/24\norigin: AS64497\nmnt-by: MNT-SETS\nsource: OPS\n",
	/* ^+ then ^32: ^32 */
	"route-set: RS-A1\nmembers: RS-B1^32\nsource: OPS\n",
	"route-set: RS-B1\nmembers: 192.0.2.0/24^+\nsource: OPS\n",
	/* three levels: the outermost ^32 reaches the prefix under ^+ */
	"route-set: RS-A2\nmembers: RS-B2^32\nsource: OPS\n",
	"route-set: RS-B2\nmembers: RS-C2^+\nsource: OPS\n",
	"route-set: RS-C2\nmembers: 192.0.2.0/24\nsource: OPS\n",
	/* ^26 (on an AS) then ^32: no length in both, nothing */
	"route-set: RS-A3\nmembers: RS-B3^32\nsource: OPS\n",
	"route-set: RS-B3\nmembers: AS64497^26\nsource: OPS\n",
	/* one set reached by two paths with different operators: the union */
	"route-set: RS-A4\nmembers: RS-B4^32, RS-C4^+\nsource: OPS\n",
	"route-set: RS-B4\nmembers: RS-C4^-\nsource: OPS\n",
	"route-set: RS-C4\nmembers: 192.0.2.0/24\nsource: OPS\n",
	"route-set: RS-A5\nmembers: RS-C4^+, RS-B4^32\nsource: OPS\n",
	/* a cycle through operators */
	"route-set: RS-A6\nmembers: 192.0.2.0/24^+, RS-B6^32\nsource: OPS\n",
	"route-set: RS-B6\nmembers: RS-A6^-\nsource: OPS\n",
	/* an as-set (nested) inside a route-set, under two levels of operators */
	"route-set: RS-A7\nmembers: RS-B7^32\nsource: OPS\n",
	"route-set: RS-B7\nmembers: AS-R7^+\nsource: OPS\n",
	"as-set: AS-R7\nmembers: AS-R7B\nsource: OPS\n",
	"as-set: AS-R7B\nmembers: AS64497\nsource: OPS\n",
	/* mbrs-by-ref routes under two levels of operators */
	"route-set: RS-A8\nmembers: RS-B8^-\nsource: OPS\n",
	"route-set: RS-B8\nmembers: RS-C8^24-26\nsource: OPS\n",
	"route-set: RS-C8\nmbrs-by-ref: ANY\nsource: OPS\n",
	"route: 203.0.113.0/24\norigin: AS64498\nmember-of: RS-C8\nmnt-by: MNT-SETS\nsource: OPS\n",
	/* five levels, each narrowing: ^+ ^- ^24-30 ^26-32 give ^26-30 */
	"route-set: RS-D0\nmembers: RS-D1^+\nsource: OPS\n",
	"route-set: RS-D1\nmembers: RS-D2^-\nsource: OPS\n",
	"route-set: RS-D2\nmembers: RS-D3^24-30\nsource: OPS\n",
	"route-set: RS-D3\nmembers: RS-D4^26-32\nsource: OPS\n",
	"route-set: RS-D4\nmembers: 192.0.2.0/24\nsource: OPS\n",
	/* an outer ^+ never widens a member's own ^26 */
	"route-set: RS-W\nmembers: RS-W2^+\nsource: OPS\n",
	"route-set: RS-W2\nmembers: 192.0.2.0/24^26\nsource: OPS\n",
	/* an operator on a set member that does not parse drops the member, not the operator */
	"route-set: RS-BADOP\nmembers: RS-C2^x, RS-C2^30-26, RS-C2^200, AS64497^+-\nsource: OPS\n",
	/* a cycle over two sets under several operators: every path, and it ends */
	"route-set: RS-X\nmembers: RS-Y^26-32, 192.0.2.0/24^+\nsource: OPS\n",
	"route-set: RS-Y\nmembers: RS-X^-, RS-X^24-28\nsource: OPS\n",
	/* lengths past the family's longest and shorter than the prefix are not selected */
	"route-set: RS-FAM\nmembers: RS-FAM4^24-48, RS-FAM6^32\nsource: OPS\n",
	"route-set: RS-FAM4\nmembers: 192.0.2.0/24, 198.51.100.0/24^25\nsource: OPS\n",
	"route-set: RS-FAM6\nmembers: 2001:db8::/32^+, 2001:db8::/48\nsource: OPS\n",
	"route-set: RS-SHORT\nmembers: RS-C2^16-28, RS-C2^16\nsource: OPS\n",
};

static const char *const second[] = {
	"as-set: AS-SHADOWED\nmembers: AS20\nsource: TWO\n",
	"as-set: AS-ONLY-TWO\nmembers: AS30\nsource: TWO\n",
};

static bool expand(const char *sources, const char *name, bool recursive, struct set_result *r, char **err)
{
	struct query_sources srcs;
	char unknown[MAX_SOURCE_NAME_LENGTH + 1];

	memset(r, 0, sizeof(*r));
	if (query_parse_sources(&ctx, sources, &srcs, unknown) != 0)
		return false;
	return set_expand(&ctx, &srcs, name, recursive, r, err) == 0;
}

/* The result as one line: members, ASNs or prefixes with their operators. */
static char *joined(const struct set_result *r)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < r->member_count; i++)
		strbuf_printf(&sb, "%s%s", sb.len ? " " : "", r->members[i]);
	for (size_t i = 0; i < r->asn_count; i++)
		strbuf_printf(&sb, "%sAS%u", sb.len ? " " : "", r->asns[i]);
	for (size_t i = 0; i < r->prefix_count; i++) {
		if (sb.len)
			strbuf_append_char(&sb, ' ');
		set_prefix_format(&r->prefixes[i], &sb);
	}
	return strbuf_detach(&sb, NULL);
}

static void expect(const char *sources, const char *name, bool recursive, const char *want, const char *what)
{
	struct set_result r;
	char *err = NULL, *got;

	CHECK(expand(sources, name, recursive, &r, &err), "%s: expands", what);
	got = joined(&r);
	CHECK_STR(got, want, "%s", what);
	free(got);
	free(err);
	set_result_release(&r);
}

/* The range of an operator written after a set name ("" for none, "+", "24-26"). */
static struct set_range range_of(const char *text)
{
	struct rpsl_range_op op = { RANGE_OP_NONE, 0, 0 };
	const char *err;

	if (*text != '\0' && rpsl_range_op_parse(text, strlen(text), 0, 128, &op, &err) < 0)
		abort();
	return set_range_of_op(&op);
}

/* "outer" composed over "inner" on prefix `pfx`, formatted ("-" when dropped). */
static char *composed(const char *outer, const char *inner, const char *pfx)
{
	struct set_prefix sp;
	struct strbuf sb;
	const char *err;

	if (prefix_parse(pfx, strlen(pfx), 0, &sp.prefix, &err) < 0)
		abort();
	strbuf_init(&sb);
	if (set_range_apply(set_range_compose(range_of(outer), range_of(inner)), &sp.prefix, &sp.op))
		set_prefix_format(&sp, &sb);
	else
		strbuf_append_str(&sb, "-");
	return strbuf_detach(&sb, NULL);
}

static void expect_composed(const char *outer, const char *inner, const char *pfx, const char *want)
{
	char *got = composed(outer, inner, pfx);

	CHECK_STR(got, want, "%s^%s under ^%s: %s", pfx, *inner ? inner : "(none)", *outer ? outer : "(none)",
		  want);
	free(got);
}

/* The operators of the brute force: none, ^-, ^+, ^n and ^n-m over a spread of lengths. */
static size_t brute_ops(struct rpsl_range_op *out)
{
	static const uint8_t len[] = { 0, 16, 24, 25, 26, 32, 33, 48, 128 };
	const size_t n = sizeof(len) / sizeof(len[0]);
	size_t k = 0;

	out[k++] = (struct rpsl_range_op){ RANGE_OP_NONE, 0, 0 };
	out[k++] = (struct rpsl_range_op){ RANGE_OP_PLUS, 0, 128 };
	out[k++] = (struct rpsl_range_op){ RANGE_OP_MINUS, 1, 128 };
	for (size_t i = 0; i < n; i++) {
		out[k++] = (struct rpsl_range_op){ RANGE_OP_LENGTH, len[i], len[i] };
		for (size_t j = i + 1; j < n; j++)
			out[k++] = (struct rpsl_range_op){ RANGE_OP_RANGE, len[i], len[j] };
	}
	return k;
}

/* A set of prefix lengths 0..128, bit l for length l. */
struct lengths {
	uint64_t w[3];
};

static struct lengths lengths_between(unsigned lo, unsigned hi)
{
	struct lengths s = { { 0, 0, 0 } };

	for (unsigned l = lo; l <= hi && l <= 128; l++)
		s.w[l / 64] |= 1ull << (l % 64);
	return s;
}

static struct lengths lengths_and(struct lengths a, struct lengths b)
{
	for (int i = 0; i < 3; i++)
		a.w[i] &= b.w[i];
	return a;
}

static bool lengths_empty(struct lengths a)
{
	return (a.w[0] | a.w[1] | a.w[2]) == 0;
}

/*
 * The lengths an operator stands for on a prefix of length p (RFC 2622 section 2),
 * written out from the RFC's definitions rather than from set_range. On a set name,
 * no operator constrains nothing.
 */
static struct lengths op_lengths(const struct rpsl_range_op *op, unsigned p, unsigned max, bool on_set)
{
	switch (op->kind) {
	case RANGE_OP_NONE:
		return on_set ? lengths_between(0, 128) : lengths_between(p, p);
	case RANGE_OP_PLUS:
		return lengths_between(p, max);
	case RANGE_OP_MINUS:
		return lengths_between(p + 1, max);
	default:
		return lengths_between(op->min, op->max);
	}
}

/*
 * Every chain of three operators (outer, middle, inner) on prefixes of both families:
 * the lengths answered are exactly those every operator selects that are more specifics
 * of the prefix (the prefix itself only when no operator is written), whatever the
 * order of composition.
 */
static void brute_force(void)
{
	static struct rpsl_range_op o[64];
	static const char *const pfx[] = { "0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/24", "192.0.2.0/25",
					   "192.0.2.1/32", "2001:db8::/32", "2001:db8::/48", "2001:db8::1/128" };
	size_t n = brute_ops(o), checked = 0, wrong = 0, unordered = 0;

	for (size_t f = 0; f < sizeof(pfx) / sizeof(pfx[0]); f++) {
		struct lengths sel[64], valid;
		struct prefix p;
		const char *err;
		unsigned max;

		if (prefix_parse(pfx[f], strlen(pfx[f]), 0, &p, &err) < 0)
			abort();
		max = prefix_max_length(p.family);
		valid = lengths_between(p.length, max);
		for (size_t i = 0; i < n; i++)
			sel[i] = op_lengths(&o[i], p.length, max, true);
		for (size_t a = 0; a < n; a++) {
			for (size_t b = 0; b < n; b++) {
				for (size_t c = 0; c < n; c++) {
					struct set_range ra = set_range_of_op(&o[a]), rb = set_range_of_op(&o[b]),
							 rc = set_range_of_op(&o[c]);
					struct set_range left = set_range_compose(set_range_compose(ra, rb), rc);
					struct set_range right = set_range_compose(ra, set_range_compose(rc, rb));
					struct rpsl_range_op got, got2;
					struct lengths want = lengths_and(lengths_and(sel[a], sel[b]), lengths_and(sel[c], valid));
					bool kept = set_range_apply(left, &p, &got);

					if (kept != set_range_apply(right, &p, &got2) ||
					    (kept && memcmp(&got, &got2, sizeof(got)) != 0))
						unordered++;
					if (o[a].kind == RANGE_OP_NONE && o[b].kind == RANGE_OP_NONE &&
					    o[c].kind == RANGE_OP_NONE)
						want = lengths_between(p.length, p.length);
					checked++;
					if (kept != !lengths_empty(want)) {
						wrong++;
					} else if (kept) {
						struct lengths has = op_lengths(&got, p.length, max, false);

						if (memcmp(&has, &want, sizeof(has)) != 0)
							wrong++;
					}
				}
			}
		}
	}
	CHECK(wrong == 0, "brute force: %zu chains of three operators on 8 prefixes select exactly the lengths all"
			  " of them select (%zu wrong)", checked, wrong);
	CHECK(unordered == 0, "brute force: composition is associative and commutative (%zu differ)", unordered);
}

int main(void)
{
	char dir[] = "/tmp/routereg-sets-XXXXXX", path[512];
	char *err = NULL;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/irr.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0, "store opens");
	ctx.st = st;
	load("ONE", first, sizeof(first) / sizeof(first[0]));
	load("TWO", second, sizeof(second) / sizeof(second[0]));

	expect("ONE", "AS-TOP", false, "AS1 AS-MID AS-NOWHERE", "direct members: each once, as written first");
	expect("ONE", "AS-TOP", true, "AS1 AS2 AS3", "recursive: the cycle AS-TOP <-> AS-MID is broken, AS-NOWHERE dropped,"
					     " AS3's member-of accepted by mbrs-by-ref, AS4's refused");
	expect("ONE", "as-top", true, "AS1 AS2 AS3", "set names in any case");
	expect("ONE", "RS-TOP", true,
	       "192.0.2.0/24^+ 198.51.100.0/24^25-26 203.0.113.0/24 203.0.113.128/25^32",
	       "route-set: operators kept, applied to nested sets (a /27^28 member under ^25-26 is dropped),"
	       " an AS's routes, an as-set's routes under its operator");
	/* the composition table: each operator under each, on a /24 (RFC 2622 section 2) */
	expect_composed("", "", "192.0.2.0/24", "192.0.2.0/24");
	expect_composed("", "+", "192.0.2.0/24", "192.0.2.0/24^+");
	expect_composed("+", "", "192.0.2.0/24", "192.0.2.0/24^+");
	expect_composed("-", "", "192.0.2.0/24", "192.0.2.0/24^-");
	expect_composed("26", "", "192.0.2.0/24", "192.0.2.0/24^26");
	expect_composed("25-27", "", "192.0.2.0/24", "192.0.2.0/24^25-27");
	expect_composed("+", "+", "192.0.2.0/24", "192.0.2.0/24^+");
	expect_composed("+", "-", "192.0.2.0/24", "192.0.2.0/24^-");
	expect_composed("-", "+", "192.0.2.0/24", "192.0.2.0/24^-");
	expect_composed("-", "-", "192.0.2.0/24", "192.0.2.0/24^-");
	expect_composed("32", "+", "192.0.2.0/24", "192.0.2.0/24^32");
	expect_composed("+", "32", "192.0.2.0/24", "192.0.2.0/24^32");
	expect_composed("32", "-", "192.0.2.0/24", "192.0.2.0/24^32");
	expect_composed("-", "32", "192.0.2.0/24", "192.0.2.0/24^32");
	expect_composed("24", "+", "192.0.2.0/24", "192.0.2.0/24");
	expect_composed("+", "24", "192.0.2.0/24", "192.0.2.0/24");
	expect_composed("24", "-", "192.0.2.0/24", "-");
	expect_composed("-", "24", "192.0.2.0/24", "-");
	expect_composed("32", "26", "192.0.2.0/24", "-");
	expect_composed("26", "32", "192.0.2.0/24", "-");
	expect_composed("26", "26", "192.0.2.0/24", "192.0.2.0/24^26");
	expect_composed("24-28", "26-32", "192.0.2.0/24", "192.0.2.0/24^26-28");
	expect_composed("26-32", "24-28", "192.0.2.0/24", "192.0.2.0/24^26-28");
	expect_composed("24-25", "26-32", "192.0.2.0/24", "-");
	expect_composed("26-32", "24-25", "192.0.2.0/24", "-");
	expect_composed("24-26", "-", "192.0.2.0/24", "192.0.2.0/24^25-26");
	expect_composed("-", "24-26", "192.0.2.0/24", "192.0.2.0/24^25-26");
	expect_composed("24-25", "-", "192.0.2.0/24", "192.0.2.0/24^25");
	expect_composed("24-32", "+", "192.0.2.0/24", "192.0.2.0/24^+");
	expect_composed("25-32", "+", "192.0.2.0/24", "192.0.2.0/24^-");
	expect_composed("24-26", "26", "192.0.2.0/24", "192.0.2.0/24^26");
	expect_composed("26", "24-26", "192.0.2.0/24", "192.0.2.0/24^26");
	expect_composed("16-28", "", "192.0.2.0/24", "192.0.2.0/24^24-28");
	expect_composed("16", "", "192.0.2.0/24", "-");
	expect_composed("24-48", "", "192.0.2.0/24", "192.0.2.0/24^+");
	expect_composed("33-48", "", "192.0.2.0/24", "-");
	expect_composed("-", "", "192.0.2.1/32", "-");
	expect_composed("+", "", "192.0.2.1/32", "192.0.2.1/32");
	expect_composed("32", "+", "2001:db8::/32", "2001:db8::/32");
	expect_composed("48-64", "-", "2001:db8::/32", "2001:db8::/32^48-64");
	brute_force();

	/* the attack: outer operators below the first level of nesting */
	load("OPS", ops, sizeof(ops) / sizeof(ops[0]));
	expect("OPS", "RS-A1", true, "192.0.2.0/24^32", "RS-B1^32 over 192.0.2.0/24^+: ^32");
	expect("OPS", "RS-A2", true, "192.0.2.0/24^32", "^32 over ^+ over 192.0.2.0/24: the outermost reaches the prefix");
	expect("OPS", "RS-A3", true, "", "^32 over AS64497^26: no length in both, nothing");
	{
		struct set_result r;

		CHECK(expand("OPS", "RS-A3", true, &r, &err) && r.found && r.prefix_count == 0,
		      "... the set is found and empty (whois answers C, not D)");
		set_result_release(&r);
	}
	expect("OPS", "RS-A4", true, "192.0.2.0/24^+ 192.0.2.0/24^32",
	       "one set by two paths (^32 over ^-, and ^+): the union of both");
	expect("OPS", "RS-A5", true, "192.0.2.0/24^+ 192.0.2.0/24^32", "... whichever path is listed first");
	expect("OPS", "RS-A6", true, "192.0.2.0/24^+ 192.0.2.0/24^32", "a cycle through ^32 and ^-: ends, every path");
	expect("OPS", "RS-A7", true, "198.51.100.0/24^32", "^32 over ^+ over nested as-sets: the AS's routes get ^32");
	expect("OPS", "RS-A8", true, "203.0.113.0/24^25-26", "^- over ^24-26 over routes by mbrs-by-ref: ^25-26");
	expect("OPS", "RS-D0", true, "192.0.2.0/24^26-30", "five levels of operators: every one narrows");
	expect("OPS", "RS-W", true, "192.0.2.0/24^26", "an outer ^+ does not widen a member's ^26");
	expect("OPS", "RS-BADOP", true, "", "set and AS members with operators that do not parse are dropped");
	expect("OPS", "RS-X", true, "192.0.2.0/24^+ 192.0.2.0/24^26-28 192.0.2.0/24^26-32",
	       "a two-set cycle under ^26-32, ^- and ^24-28: ends, with every path's prefixes");
	expect("OPS", "RS-FAM", true, "192.0.2.0/24^+ 198.51.100.0/24^25 2001:db8::/32",
	       "^24-48 on IPv4 keeps lengths up to 32 (^+ on a /24); ^32 keeps an IPv6 /32, drops a /48");
	expect("OPS", "RS-SHORT", true, "192.0.2.0/24^24-28", "^16-28 on a /24 keeps 24-28; ^16 selects nothing");
	expect("OPS", "RS-A2", false, "RS-B2^32", "non-recursive !i still answers members as written");
	/* a set naming itself under 47 operators: every composed range once, and it ends */
	{
		static char self[4096];
		const char *texts[1] = { self };
		struct set_result r;
		size_t n = 0;

		n += (size_t)snprintf(self + n, sizeof(self) - n,
				      "route-set: RS-SELF\nmembers: 192.0.2.0/24, RS-SELF^-, RS-SELF^+");
		for (int lo = 24; lo <= 32; lo++)
			for (int hi = lo; hi <= 32; hi++)
				n += (size_t)snprintf(self + n, sizeof(self) - n, ", RS-SELF^%d-%d", lo, hi);
		snprintf(self + n, sizeof(self) - n, "\nsource: SELF\n");
		load("SELF", texts, 1);
		CHECK(expand("SELF", "RS-SELF", true, &r, &err) && r.prefix_count == 45,
		      "a set naming itself under 47 operators ends with the 45 length ranges within /24-/32 (%zu)",
		      r.prefix_count);
		set_result_release(&r);
	}

	expect("ONE,TWO", "AS-SHADOWED", true, "AS10", "the first source holding a set wins");
	expect("TWO,ONE", "AS-SHADOWED", true, "AS20", "... in the order the query gives");
	expect("ONE,TWO", "AS-ONLY-TWO", true, "AS30", "a set found only in a later source");
	{
		struct set_result r;

		CHECK(expand("ONE", "AS-NOT-THERE", true, &r, &err) && !r.found && r.asn_count == 0,
		      "an unknown set: not found, nothing, no error");
		set_result_release(&r);
	}
	/* the limits answer an error, never a cut list */
	{
		static char big[40 * 1024];
		const char *texts[1] = { big };
		struct set_result r;
		size_t n = 0;

		n += (size_t)snprintf(big + n, sizeof(big) - n, "as-set: AS-WIDE\nmembers: ");
		for (int i = 0; i < 2000 && n < sizeof(big) - 64; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "%sAS-W%d", i ? ", " : "", i);
		snprintf(big + n, sizeof(big) - n, "\nsource: WIDE\n");
		load("WIDE", texts, 1);
		CHECK(expand("WIDE", "AS-WIDE", true, &r, &err) && r.asn_count == 0,
		      "2,000 member sets that do not exist: expanded to nothing, within the limits");
		set_result_release(&r);
	}

	store_close(st);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return TEST_DONE();
}
