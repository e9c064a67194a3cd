/*
 * The authorisation list's decisions in C (AUTHLIST.md), beside authlist.sh: the six
 * A.1.2.1 rules on adding entries, the most specific entry deciding per maintainer,
 * deny holes, origin lists, authentication asked through the callback, space nobody
 * holds, entries out of force after an allocation leaves, and fail closed: a store
 * error while deciding is an error (-1) with the store's text, never "not held".
 */
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "authlist.h"
#include "authlist_enforce.h"
#include "config.h"
#include "rpsl_parse.h"
#include "store.h"
#include "store_write.h"
#include "rpsl_render.h"
#include "testdb.h"
#include "testlib.h"

static struct store *st;
static struct config *cfg;
static const struct authlist_actor lir_a = { .is_staff = false, .lir = "LIR-A", .name = "alice" };
static const struct authlist_actor lir_b = { .is_staff = false, .lir = "LIR-B", .name = "bob" };
static const struct authlist_actor staff = { .is_staff = true, .name = "registry" };
static char *refusal;

static void load_maintainers(void)
{
	static const char *const texts[] = {
		"mntner: MNT1\nadmin-c: P1-JP\nupd-to: a@example.jp\nauth: MD5-PW $1$x$y\nmnt-by: MNT1\nsource: JPIRR\n",
		"mntner: MNT2\nadmin-c: P1-JP\nupd-to: a@example.jp\nauth: MD5-PW $1$x$y\nmnt-by: MNT2\nsource: JPIRR\n",
	};

	CHECK(testdb_load(st, "JPIRR", texts, 2) == 2, "maintainers loaded");
}

static struct prefix pfx(const char *text)
{
	struct prefix p;
	const char *err;

	if (prefix_parse(text, strlen(text), 0, &p, &err) < 0)
		abort();
	return p;
}

/* Adds an entry: 0 added, 1 refused (refusal kept for says()), -1 error. */
static int add(const struct authlist_actor *who, const char *lir, const char *prefix, enum authlist_action action,
	       const char *mntner, const char *origins, int64_t *id)
{
	struct authlist_entry e = { .action = action };
	int64_t ignored;

	free(refusal);
	refusal = NULL;
	snprintf(e.lir, sizeof(e.lir), "%s", lir);
	snprintf(e.mntner, sizeof(e.mntner), "%s", mntner);
	e.prefix = pfx(prefix);
	if (origins != NULL && authlist_parse_origins(origins, &e, &refusal) < 0)
		return 1;
	return authlist_add(st, cfg, who, &e, id ? id : &ignored, &refusal);
}

static bool refused_with(const char *text)
{
	bool ok = refusal != NULL && strstr(refusal, text) != NULL;

	if (!ok)
		printf("# refusal: %s\n", refusal ? refusal : "(none)");
	return ok;
}

/* Who the "submitter" authenticated as, for the decisions: a comma list of maintainers. */
static const char *authenticated_as;

static bool is_authenticated(void *ctx, const char *mntner)
{
	(void)ctx;
	return authenticated_as != NULL && strstr(authenticated_as, mntner) != NULL;
}

static struct rpsl_object *route(const char *prefix, const char *origin, const char *mntners)
{
	char text[512];

	snprintf(text, sizeof(text), "route: %s\norigin: %s\nmnt-by: %s\nsource: JPIRR\n", prefix, origin, mntners);
	return rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
}

static struct strbuf why;

/* The decision for one route: 1 accepted (*entry), 0 refused (why), -1 error (why). */
static int decide(const char *prefix, const char *origin, const char *mntners, int64_t *entry)
{
	struct rpsl_object *o = route(prefix, origin, mntners);
	int64_t ignored;
	int rc;

	strbuf_reset(&why);
	rc = authlist_decide(st, cfg, o, -1, is_authenticated, NULL, entry ? entry : &ignored, &why);
	rpsl_object_free(o);
	return rc;
}

static bool why_says(const char *text)
{
	bool ok = why.data != NULL && strstr(why.data, text) != NULL;

	if (!ok)
		printf("# why: %s\n", why.data ? why.data : "(none)");
	return ok;
}

int main(void)
{
	char dir[] = "/tmp/routereg-authlist-XXXXXX", path[512];
	struct lir_account a = { .id = "LIR-A", .name = "A", .emails = "a@example.jp" };
	struct lir_account b = { .id = "LIR-B", .name = "B", .emails = "b@example.jp" };
	char *err = NULL;
	int64_t e1, e2, e3, e4, entry = 0;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return 1;
	strbuf_init(&why);
	snprintf(path, sizeof(path), "%s/irr.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "database = %s/irr.db\nsource = JPIRR\nmail.sendmail = /bin/true\n", dir);
	fclose(f);
	CHECK(config_load(path, &cfg, &err) == 0, "config loads");
	snprintf(path, sizeof(path), "%s/irr.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0, "store opens");
	load_maintainers();
	CHECK(lir_add(st, &a, &err) == 0 && lir_add(st, &b, &err) == 0, "two LIR accounts");
	{
		struct prefix a1 = pfx("1.1.0.0/16"), b1 = pfx("5.5.0.0/16");

		CHECK(alloc_add_staff(st, cfg, "LIR-A", &a1, ALLOC_ALLOCATED, "20110101", &err) == 0 &&
			      alloc_add_staff(st, cfg, "LIR-B", &b1, ALLOC_ALLOCATED, "20110101", &err) == 0,
		      "allocations: 1.1.0.0/16 to LIR-A, 5.5.0.0/16 to LIR-B");
	}

	/* ---- the six rules (A.1.2.1) ---- */
	CHECK(add(&lir_a, "LIR-A", "1.1.0.0/16", AUTHLIST_ALLOW, "MNT1", "AS12345", &e1) == 0, "entry #1: the seed's example");
	CHECK(add(&lir_a, "LIR-A", "5.5.0.0/24", AUTHLIST_ALLOW, "MNT1", NULL, NULL) == 1 && refused_with("Rule 1"),
	      "rule 1: outside the LIR's allocations");
	CHECK(add(&staff, "LIR-A", "203.0.113.0/24", AUTHLIST_ALLOW, "MNT1", NULL, &e4) == 0,
	      "rule 1: registry staff may enter any prefix (PI)");
	CHECK(add(&lir_a, "LIR-A", "1.1.1.0/24", AUTHLIST_ALLOW, "MNT-NOPE", NULL, NULL) == 1 && refused_with("Rule 2"),
	      "rule 2: the maintainer must exist");
	CHECK(add(&lir_a, "LIR-A", "1.1.1.0/24", AUTHLIST_ALLOW, "MNT1", NULL, NULL) == 1 && refused_with("Rule 3"),
	      "rule 3: same maintainer and action may not overlap");
	CHECK(add(&lir_a, "LIR-A", "1.1.128.0/17", AUTHLIST_DENY, "MNT1", NULL, &e2) == 0,
	      "a deny inside an allow of the same maintainer (a hole) is fine");
	CHECK(add(&lir_a, "LIR-A", "1.1.128.0/24", AUTHLIST_ALLOW, "MNT1", NULL, NULL) == 1 && refused_with("Rule 4"),
	      "rule 4: an allow may not be inside a deny");
	CHECK(add(&lir_a, "LIR-A", "1.0.0.0/8", AUTHLIST_DENY, "MNT2", NULL, NULL) == 1 && refused_with("Rule 1"),
	      "a deny outside the allocations is refused by rule 1 first");
	CHECK(add(&lir_a, "LIR-A", "1.1.0.0/17", AUTHLIST_ALLOW, "MNT2", NULL, &e3) == 0, "entry for MNT2");
	CHECK(add(&lir_a, "LIR-A", "1.1.0.0/16", AUTHLIST_DENY, "MNT2", NULL, NULL) == 1 && refused_with("Rule 5"),
	      "rule 5: a deny may not contain an allow");
	{
		char many[1200] = "";

		for (int i = 0; i < 101; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many), "AS%d ", 64512 + i);
		CHECK(add(&lir_a, "LIR-A", "1.1.2.0/24", AUTHLIST_ALLOW, "MNT2", many, NULL) == 1 && refused_with("100"),
		      "rule 6: at most 100 origin ASes");
	}

	/* ---- decisions ---- */
	authenticated_as = "MNT1";
	CHECK(decide("1.1.0.0/16", "AS12345", "MNT1", &entry) == 1 && entry == e1, "the seed: allowed by #1");
	CHECK(decide("1.1.0.0/16", "AS23456", "MNT1", NULL) == 0 && why_says("origin AS23456 is not in the list of entry #"),
	      "the seed: another origin is refused, naming the allowed ones");
	CHECK(decide("1.1.200.0/24", "AS12345", "MNT1", NULL) == 0 && why_says("denied by entry"),
	      "the most specific entry decides: the deny hole");
	CHECK(decide("1.1.0.0/17", "AS64501", "MNT2", NULL) == 0 && why_says("did not authenticate as MNT2"),
	      "an allowing entry needs the submitter to be its maintainer");
	authenticated_as = "MNT1 MNT2";
	CHECK(decide("1.1.0.0/17", "AS64501", "MNT2", &entry) == 1 && entry == e3, "... and then it allows");
	CHECK(decide("1.1.0.0/17", "AS64501", "MNT1, MNT2", &entry) == 1 && entry == e3,
	      "one of several maintainers allowing is enough");
	CHECK(decide("198.51.100.0/24", "AS1", "MNT1", NULL) == 0 && why_says("No LIR holds 198.51.100.0/24"),
	      "space nobody holds: refused by default (authlist.unallocated = reject)");
	CHECK(decide("203.0.113.0/25", "AS1", "MNT1", &entry) == 1 && entry == e4,
	      "a registry staff entry outside any allocation is in force");

	/* ---- out of force: the allocation moves to LIR-B ---- */
	/* the decision follows the allocations at once (here changed underneath, as a reload would) */
	{
		sqlite3 *db = store_db(st);

		CHECK(sqlite3_exec(db, "UPDATE allocation SET lir = 'LIR-B' WHERE prefix = '1.1.0.0/16'", NULL, NULL, NULL) == 0,
		      "1.1.0.0/16 now held by LIR-B");
	}
	authenticated_as = "MNT1";
	CHECK(decide("1.1.0.0/16", "AS12345", "MNT1", NULL) == 0 && why_says("outside that LIR's current allocations"),
	      "returned or moved space: the old LIR's entry authorises nothing");
	CHECK(add(&lir_b, "LIR-B", "1.1.0.0/16", AUTHLIST_ALLOW, "MNT1", NULL, NULL) == 0,
	      "the new holder may enter the same maintainer for the same space (rules ignore entries out of force)");
	CHECK(decide("1.1.0.0/16", "AS12345", "MNT1", &entry) == 1 && entry > e4, "... and its entry decides");

	/* ---- fail closed: a store error while deciding ---- */
	{
		sqlite3 *db = store_db(st);

		CHECK(sqlite3_exec(db, "ALTER TABLE authlist RENAME TO authlist_gone", NULL, NULL, NULL) == 0,
		      "the list's table disappears under the decision (a damaged database)");
		CHECK(decide("1.1.0.0/16", "AS12345", "MNT1", NULL) == -1 && why.len > 0,
		      "a store error decides nothing: -1 with the store's error, never \"not held\"");
		printf("# %s\n", why.data);
		sqlite3_exec(db, "ALTER TABLE authlist_gone RENAME TO authlist", NULL, NULL, NULL);
	}

	free(refusal);
	strbuf_release(&why);
	store_close(st);
	config_free(cfg);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return TEST_DONE();
}
