/*
 * The update engine: every change to our authoritative source, whatever the channel
 * (irrctl submit, the mail gateway, the web portal), goes through update_run.
 * Channels authenticate their user first and pass the identities they established
 * (a verified certificate, a PGP signature); the engine adds passwords and override
 * from the submission text and decides per object.
 */
#ifndef IRRD_UPDATE_H
#define IRRD_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "identity.h"
#include "rpsl_object.h"
#include "store.h"
#include "strbuf.h"

/*
 * A channel's check on every route/route6 creation (a changed prefix or origin is a
 * new object, the key being prefix+origin), run after the object passed
 * authentication and the hierarchy rules. The engine has no policy of its own: each
 * channel installs one (the authorisation list, AUTHLIST.md: authlist_hook_init in
 * irrd/authlist/authlist_enforce.h), and a request without a route check cannot
 * create route or route6 objects at all. Every function runs inside the
 * submission's transaction.
 *
 * check: is_authenticated tells whether the submitter authenticated as a maintainer
 * (by password, signature or certificate) without the override. Returns 1 to accept,
 * with an optional report line in *note ("Verified by ...") and in *mark what
 * `written` should record for the route (the engine keeps it per object; it starts
 * at -1); 0 to refuse with the reason in *why, which becomes the object's ***Error
 * line; -1 when the check could not decide (a store error, its text in *why): the
 * object is refused with that text, never accepted (fail closed).
 *
 * written: told of every route written, after the engine wrote it in the same
 * transaction: created (is_delete false, with the mark its check set), modified
 * (is_delete false, mark -1: the check does not run on a modify, but a changed
 * mnt-by may change what the mark should say) or deleted. Returns 0, or -1 with
 * *err: the whole submission is then rolled back.
 *
 * governs (may be NULL): 1 when the check alone decides about this route's space: the
 * address hierarchy (maintainers of less-specific routes and inetnums) is then not
 * consulted, because the address holder's list is that authority (JPIRR); 0 when
 * not; -1 with *err when it cannot tell (the object is refused with that text).
 *
 * check_origin (may be NULL): on every create and modify of a route (RPKI: the
 * state follows the prefix and origin, which a modify keeps, but the VRPs may have
 * changed since the route was made): 1 accept (with a note, e.g. a warning), 0
 * refuse with why, -1 cannot decide (refused, why says why). Never on a delete.
 */
struct update_route_check {
	int (*check)(void *arg, const struct rpsl_object *route, bool is_override,
		     bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, struct strbuf *why,
		     struct strbuf *note, int64_t *mark);
	int (*written)(void *arg, const struct rpsl_object *route, bool is_delete, int64_t mark, char **err);
	int (*governs)(void *arg, const struct rpsl_object *route, char **err);
	int (*check_origin)(void *arg, const struct rpsl_object *route, bool is_override, struct strbuf *why,
			    struct strbuf *note);
	void *arg;
};

/*
 * A claim a channel makes inside the submission's transaction before any object is
 * looked at (the mail gateway's replay claim), so that it commits or rolls back with
 * the objects: a crash or a store error leaves neither, and the MTA's retry works.
 * Returns 0 to go on, 1 to refuse the whole submission with *refusal (the engine
 * frees it), -1 on a store error with *err.
 */
struct update_claim {
	int (*claim)(void *arg, struct store *st, char **refusal, char **err);
	void *arg;
};

struct update_request {
	const char *channel;   /* "irrctl", "mail", "web" */
	const char *text;      /* the submission: objects, password:/override: lines */
	size_t len;
	const struct identity *identities;
	size_t identity_count;
	bool dry_run;          /* process everything, commit nothing */
	const char *origin;    /* for the audit record: Message-ID, client address, user */
	const char *notes;     /* the channel's report lines about the signature ("***Warning: ..."), or NULL */
	const char *refusal;   /* the channel refuses the whole submission (a broken signature): why; else NULL */
	const char *signer;    /* who signed, as the channel saw it, for the audit of a refusal; NULL: unknown */
	const struct update_route_check *route_check; /* NULL: route/route6 creations are refused */
	const struct update_claim *claim;             /* NULL: none */
};

struct update_result {
	size_t found, succeeded, failed;
	bool is_committed;     /* the submission's transaction committed (false: nothing changed) */
	bool is_refused;       /* the whole submission was refused (the channel's refusal, its claim, our limits) */
	char refusal[200];     /* why, cut for a log line */
	size_t notifications_queued; /* notifications that could not be sent now and wait for a retry */
	struct strbuf report;  /* the acknowledgement text */
};

/*
 * Processes a submission against cfg->source in one transaction: the objects that
 * pass, their index rows, journal entries, route marks, audit rows, queued
 * notifications and the channel's claim commit together or not at all. Returns 0
 * when the submission was processed (whatever the outcome per object: see result),
 * -1 on a store error with *err (caller frees): nothing was changed, and the report
 * in result says so. The caller releases result->report.
 */
int update_run(struct store *st, const struct config *cfg, const struct update_request *req,
	       struct update_result *result, char **err);

#endif
