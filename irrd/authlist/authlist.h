/*
 * The authorisation list (AUTHLIST.md): which maintainer may register route objects
 * for which prefixes of an LIR, optionally from which origin ASes. Entries are
 * added, changed and deleted by LIR staff (inside their allocations) or registry
 * staff, each change checked against the six rules of A.1.2.1; searched and sorted
 * as the LIR screens need; the same functions serve irrctl and the web portal.
 */
#ifndef IRRD_AUTHLIST_H
#define IRRD_AUTHLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alloc.h"
#include "config.h"
#include "prefix.h"
#include "store.h"
#include "strbuf.h"

#define AUTHLIST_MAX_ORIGINS 100

enum authlist_action { AUTHLIST_ALLOW, AUTHLIST_DENY };
const char *authlist_action_name(enum authlist_action a);

struct authlist_entry {
	int64_t id;
	char lir[LIR_ID_SIZE];
	struct prefix prefix;          /* covers itself and everything more specific */
	enum authlist_action action;
	char mntner[80];               /* upper case */
	uint32_t origins[AUTHLIST_MAX_ORIGINS];
	size_t origin_count;           /* 0: any origin */
	char remarks[256];
	char created_by[80], modified_by[80];
	int64_t created_at, modified_at;
	char flagged[320];             /* the consistency check's finding; empty: none */
};

/* Who acts: LIR staff of one account (rule 1 applies), or registry staff. */
struct authlist_actor {
	bool is_staff;
	char lir[LIR_ID_SIZE];         /* LIR staff: their account */
	char name[64];                 /* for created_by / modified_by */
};

/*
 * Parses "AS1, AS2 AS3" (commas or blanks, asplain or asdot) into e->origins.
 * Returns 0, or -1 with *refusal (a bad number, or rule 6: more than 100).
 */
int authlist_parse_origins(const char *text, struct authlist_entry *e, char **refusal);

/*
 * Adds an entry (e->id ignored; e->lir is the actor's account for LIR staff, the
 * given one for registry staff). Every rule is checked; a refusal names the rule and
 * the conflicting entry. Returns 0 with *id, 1 refused (*refusal), -1 store error
 * (*refusal holds it). The caller frees *refusal.
 */
int authlist_add(struct store *st, const struct config *cfg, const struct authlist_actor *who,
		 const struct authlist_entry *e, int64_t *id, char **refusal);
/* Changes entry e->id to e (prefix, action, maintainer, origins, remarks). Same returns. */
int authlist_change(struct store *st, const struct config *cfg, const struct authlist_actor *who,
		    const struct authlist_entry *e, char **refusal);
/* Deletes an entry. Same returns. */
int authlist_delete(struct store *st, const struct config *cfg, const struct authlist_actor *who, int64_t id,
		    char **refusal);
/* Returns 1 with *out, 0 when there is no such entry, -1 with *err. */
int authlist_get(struct store *st, int64_t id, struct authlist_entry *out, char **err);

enum authlist_match { AUTHLIST_MATCH_EXACT, AUTHLIST_MATCH_LESS, AUTHLIST_MATCH_MORE };
enum authlist_sort { AUTHLIST_SORT_ID, AUTHLIST_SORT_PREFIX, AUTHLIST_SORT_MNTNER, AUTHLIST_SORT_ORIGIN };

struct authlist_query {
	const char *lir;                 /* NULL: every LIR */
	bool has_prefix;
	struct prefix prefix;
	enum authlist_match match;       /* exact, less-specific-or-equal, more-specific-or-equal */
	const char *mntner;              /* NULL: any */
	bool has_origin;
	uint32_t origin;                 /* entries listing this AS */
	bool flagged_only;
	enum authlist_sort sort;
	bool descending;
	size_t limit;                    /* 0: all */
};

/* Runs a search (caller frees *out). Returns 0 or -1 with *err. */
int authlist_search(struct store *st, const struct authlist_query *q, struct authlist_entry **out, size_t *count,
		    char **err);

/* The plain-text export of entries: a header line and one line per entry. */
void authlist_format_text(const struct authlist_entry *e, size_t count, struct strbuf *out);
/* "#12 1.1.0.0/16 allow MAINT-A (origins AS1 AS2)" for messages. */
void authlist_describe(const struct authlist_entry *e, struct strbuf *out);
json_t *authlist_entry_json(const struct authlist_entry *e);

/*
 * Entries registry staff entered, and that nobody but registry staff changed since:
 * PI and multihoming space lies outside the LIR's allocations on purpose, so they
 * are never out of force (AUTHLIST.md). Once LIR staff change such an entry it is
 * theirs, bound to their LIR's allocations like any of their entries (else an LIR
 * could move a staff entry onto its own block and keep it after the block left).
 */
bool authlist_entry_is_staff(const struct authlist_entry *e);
/*
 * Is the entry in force? An entry authorises only while its prefix lies inside an
 * allocation of its LIR (or registry staff created it). Computed from the allocations
 * at every decision, never read from the stored flag (that is the consistency check's
 * report text). 1 in force, 0 not (it authorises nothing), -1 with *err.
 */
int authlist_entry_in_force(struct store *st, const struct authlist_entry *e, char **err);

/*
 * The deciding entry of `mntner` for p: its most specific entry in force covering p
 * (equal or less specific); entries out of force are skipped, so the new holder's
 * entries decide in space that moved. Returns 1 with *out, 0 none, -1 with *err.
 * outside (may be NULL) receives the most specific covering entry that is out of
 * force (id 0: none), for the refusal's reason.
 */
int authlist_deciding_entry(struct store *st, const char *mntner, const struct prefix *p, struct authlist_entry *out,
			    struct authlist_entry *outside, char **err);
/* Does any entry (any maintainer) cover p? 1 yes, 0 no, -1 *err. */
int authlist_any_covering(struct store *st, const struct prefix *p, char **err);
/* Is asn in the entry's origin list (an empty list allows any)? */
bool authlist_origin_allowed(const struct authlist_entry *e, uint32_t asn);
/* "AS1 AS2" */
void authlist_format_origins(const struct authlist_entry *e, struct strbuf *out);

/*
 * The marks of route objects ("verified by authorisation list entry #N", table
 * route_verification) follow the list. Each function works inside the caller's
 * transaction (the one that changed the list or the allocations) and re-decides
 * routes of cfg->source without authentication (authlist_decide): a route whose
 * marked entry still allows it for that entry's maintainer keeps its mark; else,
 * accepted by entry M: marked M; refused (or accepted unmarked in space nobody holds):
 * a verified mark is removed, a registry staff override mark stays.
 */
/* Routes equal to or more specific than p that mntner maintains or whose mark names entry (0: none). 0 or -1 *err. */
int authlist_marks_refresh(struct store *st, const struct config *cfg, const char *mntner, const struct prefix *p,
			   int64_t entry, char **err);
/* After allocation changes: the routes of every entry equal to or inside one of the blocks. 0 or -1 *err. */
int authlist_marks_refresh_blocks(struct store *st, const struct config *cfg, const struct prefix *blocks, size_t n,
				  char **err);
/*
 * Every route of cfg->source that has a mark (after a bulk reload of our source
 * replaced the objects the marks were about: a changed mnt-by or origin must not keep
 * a verified mark). 0 or -1 *err.
 */
int authlist_marks_refresh_all(struct store *st, const struct config *cfg, char **err);
/* One route by class and primary key (the consistency check's repairs). 0 or -1 *err. */
int authlist_marks_refresh_route(struct store *st, const struct config *cfg, const char *cls, const char *pkey,
				 char **err);

#endif
