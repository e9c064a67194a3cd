/*
 * Set expansion in C (query layer), beside the whois tests: direct members once each,
 * recursion through nested sets with cycles broken, member-of claims honoured only
 * when mbrs-by-ref accepts them (ANY or one of the claimant's maintainers), names that
 * do not resolve dropped, the first source holding a set winning, route-sets with
 * range operators, ASNs and as-sets inside route-sets, and the limits answering an
 * error instead of a silently empty or cut list.
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
