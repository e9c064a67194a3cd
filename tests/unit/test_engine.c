/*
 * The update engine's decisions, in C beside the shell tests: authentication of
 * creates, modifies and deletes (old and new mnt-by), the address hierarchy
 * (mnt-routes with prefix lists, mnt-lower, exact matches), hierarchical set names,
 * member-of claims, references, the override; and fault injection: a store error at
 * the second write or at commit leaves nothing of the submission behind, and the
 * report says so; a route check that cannot decide refuses (fail closed).
 */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "rpsl_parse.h"
#include "rpsl_render.h"
#include "store.h"
#include "store_write.h"
#include "testdb.h"
#include "testlib.h"
#include "update.h"

/* MD5-crypt hashes (fast; auth.md5_pw = enable in this test's configuration). */
#define HASH_A "$1$saltaaaa$dGOcH38Lx/nXRRfO3CYRD0"
#define HASH_B "$1$saltbbbb$hSWvynlUIP.PC45EBqfBa/"
#define HASH_P "$1$saltpppp$eDqmjBCtcxM1nZyvQpmqr/"

static const char *base_objects[] = {
	"mntner: MAINT-A\nadmin-c: P1-JP\nupd-to: a@example.jp\nauth: MD5-PW " HASH_A "\nmnt-by: MAINT-A\nsource: JPIRR\n",
	"mntner: MAINT-B\nadmin-c: P1-JP\nupd-to: b@example.jp\nauth: MD5-PW " HASH_B "\nmnt-by: MAINT-B\nsource: JPIRR\n",
	"mntner: MAINT-PARENT\nadmin-c: P1-JP\nupd-to: p@example.jp\nauth: MD5-PW " HASH_P "\nmnt-by: MAINT-PARENT\nsource: JPIRR\n",
	"person: Unit Person\naddress: Tokyo\nphone: +81 3 0000 0000\nnic-hdl: P1-JP\nmnt-by: MAINT-A\nsource: JPIRR\n",
	"inetnum: 192.0.2.0 - 192.0.2.255\nnetname: ROUTES-BY-A\ncountry: JP\nadmin-c: P1-JP\ntech-c: P1-JP\n"
	"mnt-by: MAINT-PARENT\nmnt-routes: MAINT-A { 192.0.2.0/24^+ }\nsource: JPIRR\n",
	"inetnum: 198.51.100.0 - 198.51.100.255\nnetname: LOWER-B\ncountry: JP\nadmin-c: P1-JP\ntech-c: P1-JP\n"
	"mnt-by: MAINT-PARENT\nmnt-lower: MAINT-B\nsource: JPIRR\n",
	"aut-num: AS64500\nas-name: UNIT\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\nmnt-lower: MAINT-B\nsource: JPIRR\n",
	"as-set: AS-OPEN\nmbrs-by-ref: ANY\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\nsource: JPIRR\n",
	"as-set: AS-CLOSED\nmbrs-by-ref: MAINT-B\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-B\nsource: JPIRR\n",
};

static int check_calls;
static int check_answer = 1; /* what the route check says: 1 accept, 0 refuse, -1 cannot decide */

static int route_check(void *arg, const struct rpsl_object *route, bool is_override,
		       bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, struct strbuf *why,
		       struct strbuf *note, int64_t *mark)
{
	(void)arg, (void)route, (void)is_override, (void)is_authenticated, (void)auth_ctx, (void)note, (void)mark;
	check_calls++;
	if (check_answer < 0)
		strbuf_append_str(why, "reading the list: disk I/O error");
	else if (check_answer == 0)
		strbuf_append_str(why, "refused by the test");
	return check_answer;
}

static int written(void *arg, const struct rpsl_object *route, bool is_delete, int64_t mark, char **err)
{
	(void)arg, (void)route, (void)is_delete, (void)mark, (void)err;
	return 0;
}

static const struct update_route_check hook = { .check = route_check, .written = written };

static struct store *st;
static struct config *cfg;
static struct update_result res;
static int rc;

/* Runs a submission; the result stays in `res` (and `rc`) until the next one. */
static void submit(const char *text)
{
	struct update_request req = { .channel = "test", .origin = "test_engine", .text = text, .len = strlen(text),
				      .route_check = &hook };
	char *err = NULL;

	strbuf_release(&res.report);
	rc = update_run(st, cfg, &req, &res, &err);
	free(err);
}

static bool says(const char *text)
{
	bool found = res.report.data != NULL && strstr(res.report.data, text) != NULL;

	if (!found)
		printf("# report lacks [%s]:\n%s", text, res.report.data ? res.report.data : "(none)");
	return found;
}

static bool lacks(const char *text)
{
	return res.report.data == NULL || strstr(res.report.data, text) == NULL;
}

static bool exists(const char *cls, const char *pkey)
{
	return store_object_exists(st, "JPIRR", cls, pkey) == 1;
}

static long long count(const char *sql)
{
	sqlite3_stmt *stmt;
	long long n = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void load_base(void)
{
	size_t n = sizeof(base_objects) / sizeof(base_objects[0]);

	CHECK(testdb_load(st, "JPIRR", base_objects, n) == (long)n, "base registry loaded");
}

#define ROUTE(prefix, origin, mnt) "route: " prefix "\norigin: " origin "\nmnt-by: " mnt "\nsource: JPIRR\n"

int main(void)
{
	char dir[] = "/tmp/routereg-engine-XXXXXX", path[512];
	char *err = NULL;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/irr.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "database = %s/irr.db\nsource = JPIRR\nauth.md5_pw = enable\nmail.sendmail = /bin/true\n"
		   "auth.override_hash = " HASH_P "\n", dir);
	fclose(f);
	CHECK(config_load(path, &cfg, &err) == 0, "config loads");
	snprintf(path, sizeof(path), "%s/irr.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0, "store opens");
	load_base();

	/* ---- authentication of mnt-by ---- */
	submit(ROUTE("192.0.2.0/25", "AS64500", "MAINT-A") "\npassword: a\n");
	CHECK(rc == 0 && res.succeeded == 1 && exists("route", "192.0.2.0/25AS64500"),
	      "create: mnt-by MAINT-A authenticated by its password; mnt-routes of the inetnum selects the prefix");
	CHECK(res.is_committed, "the submission committed");
	submit(ROUTE("192.0.2.0/26", "AS64500", "MAINT-A") "\npassword: wrong\n");
	CHECK(res.failed == 1 && says("not authenticated by: MAINT-A"), "create with a wrong password fails");
	submit(ROUTE("192.0.2.0/25", "AS64500", "MAINT-B") "\npassword: b\n");
	CHECK(res.failed == 1 && says("Modify FAILED") && says("not authenticated by: MAINT-A"),
	      "modify: the stored version's mnt-by must authenticate, not only the new one's");
	submit(ROUTE("192.0.2.0/25", "AS64500", "MAINT-B") "\npassword: a\n");
	CHECK(res.failed == 1 && says("not authenticated by: MAINT-B"), "modify: the new version's mnt-by must authenticate too");
	submit(ROUTE("192.0.2.0/25", "AS64500", "MAINT-A") "delete: test\n\npassword: b\n");
	CHECK(res.failed == 1 && exists("route", "192.0.2.0/25AS64500"), "delete needs the stored mnt-by");

	/* ---- the address hierarchy ---- */
	submit(ROUTE("192.0.2.128/25", "AS64501", "MAINT-B") "\npassword: b\n");
	CHECK(res.failed == 1 &&
		      says("by the address space above it: [inetnum] 192.0.2.0 - 192.0.2.255 using \"mnt-routes:\" (MAINT-A)"),
	      "a route in space whose inetnum names mnt-routes needs those maintainers");
	submit(ROUTE("198.51.100.0/24", "AS64501", "MAINT-B") "\npassword: b\n");
	CHECK(res.failed == 1 && says("using \"mnt-by:\" (MAINT-PARENT)"),
	      "an exact match of an inetnum uses its mnt-by, not mnt-lower");
	submit(ROUTE("198.51.100.0/25", "AS64501", "MAINT-B") "\npassword: b\n");
	CHECK(res.succeeded == 1, "a more specific route uses the inetnum's mnt-lower");
	submit(ROUTE("198.51.100.0/26", "AS64501", "MAINT-A") "\npassword: a\n");
	CHECK(res.failed == 1 && says("above it: [route] 198.51.100.0/25 using \"mnt-by:\" (MAINT-B)"),
	      "the closest less specific route is the parent, before the inetnum");
	submit(ROUTE("198.51.100.0/26", "AS64501", "MAINT-A") "\npassword: a\npassword: b\n");
	CHECK(res.succeeded == 1, "with the parent route's maintainer too, it passes");

	/* ---- sets ---- */
	submit("as-set: AS64500:AS-CUSTOMERS\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\nsource: JPIRR\n\npassword: a\n");
	CHECK(res.failed == 1 && says("by its parent [aut-num] AS64500 using \"mnt-lower:\" (MAINT-B)"),
	      "a hierarchical set name needs its parent's mnt-lower");
	submit("as-set: AS64500:AS-CUSTOMERS\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\nsource: JPIRR\n\npassword: a\npassword: b\n");
	CHECK(res.succeeded == 1, "with the parent's mnt-lower it passes");
	submit("as-set: AS64999:AS-ORPHAN\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\nsource: JPIRR\n\npassword: a\n");
	CHECK(res.failed == 1 && says("Parent object [aut-num] AS64999 of this hierarchical set name does not exist"),
	      "a hierarchical set name needs an existing parent");
	submit("aut-num: AS64510\nas-name: X\nmember-of: AS-CLOSED\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\n"
	       "source: JPIRR\n\npassword: a\n");
	CHECK(res.failed == 1 && says("Membership claim for AS-CLOSED is not supported by its \"mbrs-by-ref:\""),
	      "member-of a set whose mbrs-by-ref does not list us is refused");
	submit("aut-num: AS64510\nas-name: X\nmember-of: AS-OPEN\nadmin-c: P1-JP\ntech-c: P1-JP\nmnt-by: MAINT-A\n"
	       "source: JPIRR\n\npassword: a\n");
	CHECK(res.succeeded == 1, "member-of a set with mbrs-by-ref: ANY is accepted");

	/* ---- references ---- */
	submit("person: Other\naddress: x\nphone: +81 3 0000 0001\nnic-hdl: P2-JP\nmnt-by: MAINT-NOPE\nsource: JPIRR\n\npassword: a\n");
	CHECK(res.failed == 1 && says("Object MAINT-NOPE referenced in \"mnt-by:\" does not exist (expected mntner)"),
	      "mnt-by must name an existing maintainer");
	submit("mntner: MAINT-A\nadmin-c: P1-JP\nupd-to: a@example.jp\nauth: MD5-PW " HASH_A "\nmnt-by: MAINT-A\nsource: JPIRR\n"
	       "delete: test\n\npassword: a\n");
	CHECK(res.failed == 1 && says("is still referenced by"), "a referenced maintainer cannot be deleted");

	/* ---- override ---- */
	submit(ROUTE("203.0.113.0/24", "AS64500", "MAINT-B") "\noverride: p\n");
	CHECK(res.succeeded == 1 && says("***Info: Authorisation override used"), "the override authenticates anything, and says so");
	submit(ROUTE("203.0.113.0/25", "AS64500", "MAINT-B") "\noverride: wrong\npassword: b\n");
	CHECK(res.failed == 1 && says("Override password is wrong"), "a wrong override fails every object");

	/* ---- the route check: fail closed ---- */
	check_answer = -1;
	submit(ROUTE("192.0.2.64/26", "AS64500", "MAINT-A") "\npassword: a\n");
	CHECK(res.failed == 1 && says("The route check could not decide, so the object is refused: reading the list: disk I/O error"),
	      "a route check that cannot decide refuses the object with its error (fail closed)");
	CHECK(!exists("route", "192.0.2.64/26AS64500"), "... and nothing was created");
	check_answer = 0;
	submit(ROUTE("192.0.2.64/26", "AS64500", "MAINT-A") "\npassword: a\n");
	CHECK(res.failed == 1 && says("refused by the test"), "a refusing route check refuses with its reason");
	check_answer = 1;

	/* ---- fault injection: nothing of a failed submission remains ---- */
	{
		long long objects = count("SELECT count(*) FROM objects"), journal = count("SELECT count(*) FROM journal");
		long long audit = count("SELECT count(*) FROM audit");

		store_fault_inject(st, STORE_FAULT_WRITE_OBJECT, 2);
		submit(ROUTE("192.0.2.0/27", "AS64500", "MAINT-A") "\n" ROUTE("192.0.2.32/27", "AS64500", "MAINT-A")
		       "\npassword: a\n");
		CHECK(rc == -1 && !res.is_committed, "a store error at the second write fails the run");
		CHECK(says("The registry could not store this submission (writing object: injected fault)"),
		      "the report names the store error");
		CHECK(res.succeeded == 0 && res.failed == 2 && lacks("SUCCEEDED"), "no object is reported as succeeded");
		CHECK(count("SELECT count(*) FROM objects") == objects && count("SELECT count(*) FROM journal") == journal,
		      "the first object's write was rolled back with the second's");
		CHECK(count("SELECT count(*) FROM audit") == audit, "no audit row claims anything");

		store_fault_inject(st, STORE_FAULT_COMMIT, 1);
		submit(ROUTE("192.0.2.0/27", "AS64500", "MAINT-A") "\npassword: a\n");
		CHECK(rc == -1 && says("COMMIT: injected fault") && lacks("SUCCEEDED"), "a failed commit is reported, not success");
		CHECK(count("SELECT count(*) FROM objects") == objects && count("SELECT count(*) FROM audit") == audit,
		      "a failed commit leaves nothing behind");
		CHECK(!store_in_tx(st), "no transaction is left open");

		submit(ROUTE("192.0.2.0/27", "AS64500", "MAINT-A") "\npassword: a\n");
		CHECK(rc == 0 && res.succeeded == 1 && exists("route", "192.0.2.0/27AS64500"), "the same submission then applies");
	}

	strbuf_release(&res.report);
	store_close(st);
	config_free(cfg);
	free(err);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return TEST_DONE();
}
