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

#include "config.h"
#include "rpsl_object.h"
#include "store.h"
#include "strbuf.h"

/* What a channel established about the submitter before handing the text over. */
enum update_identity_kind {
	IDENTITY_PGP_KEY,      /* a verified PGP signature: key_id matches auth: PGPKEY-<key_id> */
	IDENTITY_X509_KEYCERT, /* a certificate matching a key-cert: key_cert matches auth: X509-<n> */
	IDENTITY_CA_CERT,      /* a certificate issued by our CA: mntner is the maintainer it acts for */
};

struct update_identity {
	enum update_identity_kind kind;
	char key_id[32];       /* PGP: 8 hex digits, upper case */
	char key_cert[32];     /* X509-<n> */
	char mntner[80];       /* CA certificate: the maintainer named in it */
	char description[256]; /* for reports and the audit record: serial, subject, key id */
};

/*
 * A check on every route/route6 creation (a changed prefix or origin is a new
 * object, the key being prefix+origin), run after the object passed authentication
 * and the hierarchy rules: the authorisation list (AUTHLIST.md, irrd/authlist_enforce.c)
 * is the one update_run uses unless the request names another. is_authenticated
 * tells whether the submitter authenticated as a maintainer (by password, signature
 * or certificate) without the override. Returns true to accept, with an optional
 * report line in *note ("Verified by ..."); false with the reason in *why, which
 * becomes the object's ***Error line. `written` (may be NULL) is told of every route
 * written afterwards: created (is_delete false) or deleted, so the check can keep
 * its marks in step.
 */
struct update_route_check {
	bool (*check)(void *arg, const struct rpsl_object *route, bool is_override,
		      bool (*is_authenticated)(void *auth_ctx, const char *mntner), void *auth_ctx, struct strbuf *why,
		      struct strbuf *note);
	void (*written)(void *arg, const struct rpsl_object *route, bool is_delete);
	/* May be NULL. True when the check alone decides about this route's space: the
	 * address hierarchy (maintainers of less-specific routes and inetnums) is then
	 * not consulted, because the address holder's list is that authority (JPIRR). */
	bool (*governs)(void *arg, const struct rpsl_object *route);
	void *arg;
};

struct update_request {
	const char *channel;   /* "irrctl", "mail", "web" */
	const char *text;      /* the submission: objects, password:/override: lines */
	size_t len;
	const struct update_identity *identities;
	size_t identity_count;
	bool dry_run;          /* process everything, commit nothing */
	const char *origin;    /* for the audit record: Message-ID, client address, user */
	const char *notes;     /* the channel's report lines about the signature ("***Warning: ..."), or NULL */
	const char *refusal;   /* the channel refuses the whole submission (a broken signature): why; else NULL */
	const char *signer;    /* who signed, as the channel saw it, for the audit of a refusal; NULL: unknown */
	const struct update_route_check *route_check; /* NULL: the authorisation list */
};

struct update_result {
	size_t found, succeeded, failed;
	struct strbuf report;  /* the acknowledgement text */
};

/*
 * Processes a submission against cfg->source. Returns 0 when the submission was
 * processed (whatever the outcome per object: see result), -1 on a store error
 * with *err (caller frees). The caller releases result->report.
 */
int update_run(struct store *st, const struct config *cfg, const struct update_request *req,
	       struct update_result *result, char **err);

#endif
