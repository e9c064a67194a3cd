/*
 * The update engine's route check hook (where the authorisation list plugs in): it
 * runs on route/route6 creations that passed authentication, sees whether the
 * submitter authenticated as a given maintainer, and its refusal reaches the report.
 */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "store.h"
#include "testlib.h"
#include "update.h"

struct hook_log {
	int calls;
	bool saw_override;
	bool authenticated_self, authenticated_other;
};

/* Refuses origin AS64511; records what the engine told it. */
static int test_check(void *arg, const struct rpsl_object *route, bool is_override,
		      bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, struct strbuf *why,
		      struct strbuf *note, int64_t *mark)
{
	struct hook_log *log = arg;
	const struct rpsl_attr *origin = rpsl_object_get(route, "origin");

	(void)note;
	(void)mark;
	log->calls++;
	log->saw_override |= is_override;
	log->authenticated_self = is_authenticated(auth_ctx, "MAINT-HOOK");
	log->authenticated_other = is_authenticated(auth_ctx, "MAINT-OTHER");
	if (origin != NULL && strcmp(origin->value, "AS64511") == 0) {
		strbuf_printf(why, "Route %s: origin AS64511 is not in the authorisation list entry #7", route->pkey);
		return 0;
	}
	return 1;
}

static int run(struct store *st, const struct config *cfg, const struct update_route_check *hook, const char *text,
	       struct update_result *res)
{
	struct update_request req = { .channel = "test", .origin = "test", .text = text, .len = strlen(text),
				      .route_check = hook };
	char *err = NULL;
	int rc = update_run(st, cfg, &req, res, &err);

	free(err);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/routereg-hook-XXXXXX", path[512];
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct hook_log log = { 0 };
	struct update_route_check hook = { .check = test_check, .arg = &log };
	struct update_result res;
	char *err = NULL;
	FILE *f;
	/* MD5-crypt of "hook": fast, fine for a unit test */
	const char *setup =
		"person:         Hook Person\naddress:        Tokyo\nphone:          +81 3 0000 0000\n"
		"nic-hdl:        HP1-JP\nmnt-by:         MAINT-HOOK\nsource:         JPIRR\n\n"
		"mntner:         MAINT-HOOK\nadmin-c:        HP1-JP\nupd-to:         hook@example.jp\n"
		"auth:           MD5-PW $1$hooksalt$h9InfT7.6SrJJQL/jhI4r1\nmnt-by:         MAINT-HOOK\nsource:         JPIRR\n\n"
		"password: hook\n";

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/irr.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "database = %s/irr.db\nsource = JPIRR\nauth.md5_pw = enable\nmail.sendmail = /bin/true\n", dir);
	fclose(f);
	CHECK(config_load(path, &cfg, &err) == 0, "config loads");
	snprintf(path, sizeof(path), "%s/irr.db", dir);
	CHECK(store_open(path, STORE_READ_WRITE, &st, &err) == 0, "store opens");

	CHECK(run(st, cfg, &hook, setup, &res) == 0 && res.succeeded == 2, "maintainer and person created");
	CHECK(log.calls == 0, "the hook is not called for other classes");
	strbuf_release(&res.report);

	run(st, cfg, &hook,
	    "route:          192.0.2.0/24\norigin:         AS64500\nmnt-by:         MAINT-HOOK\nsource:         JPIRR\n\n"
	    "password: hook\n",
	    &res);
	CHECK(res.succeeded == 1, "route accepted by the hook is created");
	CHECK(log.calls == 1, "the hook ran once");
	CHECK(log.authenticated_self, "the hook learns the submitter authenticated as MAINT-HOOK");
	CHECK(!log.authenticated_other, "... and not as MAINT-OTHER");
	CHECK(!log.saw_override, "no override");
	strbuf_release(&res.report);

	run(st, cfg, &hook,
	    "route6:         2001:db8::/32\norigin:         AS64511\nmnt-by:         MAINT-HOOK\nsource:         JPIRR\n\n"
	    "password: hook\n",
	    &res);
	CHECK(res.failed == 1, "route6 refused by the hook fails");
	CHECK(strstr(res.report.data,
		     "***Error:   Route 2001:DB8::/32AS64511: origin AS64511 is not in the authorisation list entry #7") != NULL,
	      "the hook's reason is the report's error line");
	CHECK(log.calls == 2, "the hook ran for the route6");
	strbuf_release(&res.report);

	run(st, cfg, &hook,
	    "route:          192.0.2.0/24\ndescr:          modified\norigin:         AS64500\nmnt-by:         MAINT-HOOK\n"
	    "source:         JPIRR\n\npassword: hook\n",
	    &res);
	CHECK(res.succeeded == 1 && log.calls == 2, "a modify of the same prefix and origin does not run the hook");
	strbuf_release(&res.report);

	run(st, cfg, &hook,
	    "route:          198.51.100.0/24\norigin:         AS64500\nmnt-by:         MAINT-HOOK\nsource:         JPIRR\n\n"
	    "password: wrong\n",
	    &res);
	CHECK(res.failed == 1 && log.calls == 2, "a route failing authentication never reaches the hook");
	strbuf_release(&res.report);

	store_close(st);
	config_free(cfg);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return test_failures != 0;
}
