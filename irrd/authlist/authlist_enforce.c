/* The authorisation-list route check, its marks, and the decision shared with the consistency check. */
#include "authlist_enforce.h"
#include "rpki_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "authlist.h"
#include "mntner_contact.h"
#include "xalloc.h"


int authlist_space_is_held(struct store *st, const struct prefix *p, char **err)
{
	int held = alloc_covering(st, p, NULL, NULL, err);

	return held == 0 ? authlist_any_covering(st, p, err) : held;
}

int authlist_decide(struct store *st, const struct config *cfg, const struct rpsl_object *route, int held,
		    bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, int64_t *entry,
		    struct strbuf *why)
{
	char names[MAX_ROUTE_MNTNERS][MAX_PRIMARY_KEY_LENGTH], p[PREFIX_STRLEN];
	size_t n = rpsl_object_list_items(route, "mnt-by", names, MAX_ROUTE_MNTNERS);
	struct strbuf reasons;
	char *err = NULL;

	*entry = 0;
	prefix_format(&route->prefix, p);
	if (held < 0)
		held = authlist_space_is_held(st, &route->prefix, &err);
	if (held < 0) {
		strbuf_append_str(why, err);
		free(err);
		return -1;
	}
	if (held == 0) {
		if (cfg->authlist_allow_unallocated)
			return 1;
		strbuf_printf(why, "No LIR holds %s and no authorisation list entry covers it;\n"
				   "            routes for such space are refused here (authlist.unallocated = reject)", p);
		return 0;
	}
	strbuf_init(&reasons);
	for (size_t i = 0; i < n; i++) {
		struct authlist_entry e, outside;
		int rc = authlist_deciding_entry(st, names[i], &route->prefix, &e, &outside, &err);

		if (rc < 0) {
			strbuf_append_str(why, err);
			free(err);
			strbuf_release(&reasons);
			return -1;
		}
		strbuf_append_str(&reasons, "\n            ");
		if (rc == 0 && outside.id > 0) {
			/* returned or moved space: the old holder's entry is kept for the record only */
			strbuf_printf(&reasons, "%s: entry #%lld of LIR %s is outside that LIR's current allocations and"
						" authorises nothing", names[i], (long long)outside.id, outside.lir);
		} else if (rc == 0) {
			strbuf_printf(&reasons, "%s: no authorisation list entry of %s covers %s", names[i], names[i], p);
		} else if (e.action == AUTHLIST_DENY) {
			strbuf_printf(&reasons, "%s: denied by entry ", names[i]);
			authlist_describe(&e, &reasons);
		} else if (!authlist_origin_allowed(&e, route->origin)) {
			strbuf_printf(&reasons, "%s: origin AS%u is not in the list of entry #%lld (allowed: ", names[i],
				      route->origin, (long long)e.id);
			authlist_format_origins(&e, &reasons);
			strbuf_append_char(&reasons, ')');
		} else if (is_authenticated != NULL && !is_authenticated(auth_ctx, names[i])) {
			strbuf_printf(&reasons, "%s: allowed by entry #%lld, but the submission did not authenticate as %s",
				      names[i], (long long)e.id, names[i]);
		} else {
			*entry = e.id;
			strbuf_release(&reasons);
			return 1;
		}
	}
	strbuf_printf(why, "Refused by the authorisation list for %s origin AS%u:%s", p, route->origin,
		      n ? reasons.data : "\n            the object has no mnt-by");
	strbuf_release(&reasons);
	return 0;
}

/* Marks: -1 none (space nobody holds, accepted), 0 the registry staff override, N the deciding entry. */
static int hook_check(void *arg, const struct rpsl_object *route, bool is_override,
		      bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, struct strbuf *why,
		      struct strbuf *note, int64_t *mark)
{
	struct authlist_hook_state *s = arg;
	int64_t entry = 0;
	int rc;

	if (is_override) {
		strbuf_append_str(note, "Accepted by the registry staff override, not by the authorisation list");
		*mark = 0;
		return 1;
	}
	rc = authlist_decide(s->st, s->cfg, route,
			     route->pkey && strcmp(route->pkey, s->governed_pkey) == 0 ? s->is_governed : -1,
			     is_authenticated, auth_ctx, &entry, why);
	if (rc <= 0)
		return rc;
	if (entry > 0) {
		strbuf_printf(note, "Verified by authorisation list entry #%lld", (long long)entry);
		*mark = entry;
	} else {
		strbuf_append_str(note, "No LIR holds this space and no authorisation list entry covers it\n"
					"            (accepted: authlist.unallocated = allow)");
		*mark = -1;
	}
	return 1;
}

/* Records or clears the mark of a route just written, in the submission's transaction. */
static int hook_written(void *arg, const struct rpsl_object *route, bool is_delete, int64_t mark, char **err)
{
	struct authlist_hook_state *s = arg;
	sqlite3_stmt *del = store_stmt(s->st, "DELETE FROM route_verification WHERE source_id = ?1 AND class = ?2 AND pkey = ?3");
	sqlite3_stmt *put = store_stmt(s->st, "INSERT OR REPLACE INTO route_verification(source_id, class, pkey, entry, verified_at)"
					      " VALUES (?1, ?2, ?3, nullif(?4, 0), ?5)");
	sqlite3_stmt *stmt = is_delete || mark < 0 ? del : put;
	/* the source's id only: store_source_get also counts its objects, far too dear per route */
	int64_t source_id = store_source_id(s->st, s->cfg->source, err);
	int rc;

	if (source_id < 0)
		return -1;
	if (route->pkey == NULL || source_id == 0)
		return 0;
	/* a modified route (its mnt-by may have changed) or one accepted in space nobody
	 * holds: decide its mark again, as any change of the list does */
	if (!is_delete && mark < 0)
		return authlist_marks_refresh_route(s->st, s->cfg, route->cls->name, route->pkey, err);
	if (stmt == put) {
		sqlite3_bind_int64(put, 4, mark);
		sqlite3_bind_int64(put, 5, (sqlite3_int64)time(NULL));
	}
	sqlite3_bind_int64(stmt, 1, source_id);
	sqlite3_bind_text(stmt, 2, route->cls->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, route->pkey, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(s->st, "authorisation list: recording the mark of a route");
		return -1;
	}
	return 0;
}

/* Space an LIR holds or an entry covers is the list's to decide; a store error decides nothing. */
static int hook_governs(void *arg, const struct rpsl_object *route, char **err)
{
	struct authlist_hook_state *s = arg;
	int held = authlist_space_is_held(s->st, &route->prefix, err);

	/* remembered for the check that follows on the same route */
	snprintf(s->governed_pkey, sizeof(s->governed_pkey), "%s", held >= 0 && route->pkey ? route->pkey : "");
	s->is_governed = held > 0;
	return held;
}

static int hook_check_origin(void *arg, const struct rpsl_object *route, bool is_override, struct strbuf *why,
			     struct strbuf *note)
{
	struct authlist_hook_state *s = arg;

	return rpki_check_route(s->st, s->cfg, route, is_override, why, note);
}

void authlist_hook_init(struct update_route_check *hook, struct authlist_hook_state *state, struct store *st,
			const struct config *cfg)
{
	memset(state, 0, sizeof(*state));
	state->st = st;
	state->cfg = cfg;
	hook->check = hook_check;
	hook->written = hook_written;
	hook->governs = hook_governs;
	hook->check_origin = hook_check_origin;
	hook->arg = state;
}
