/*
 * The update engine; see update.h. Order of work for a submission:
 *   1. split it into objects, collecting password:/override: lines and delete:
 *      reasons, dropping server-generated attributes with a warning; refuse a
 *      submission with too many passwords and objects that appear twice;
 *   2. open the submission's one transaction and let the channel make its claim
 *      (the mail gateway's replay claim);
 *   3. check each object on its own (strict syntax, authoritative source, current
 *      version, authentication, key-cert rules, references) with references
 *      resolving against the database plus the objects of this submission; route
 *      creations also pass the request's route_check (the authorisation list);
 *   4. fail objects that depend on an object that failed, until nothing changes;
 *   5. write the rest, contacts and maintainers first, through the one writer
 *      (store_write_object), then the route marks, audit records, password failure
 *      counts and the notification queue, and commit all of it at once: a crash or a
 *      store error leaves nothing of the submission behind;
 *   6. hand the queued notifications to sendmail (what fails stays queued for
 *      irrd's retry) and build the report from what was really committed.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rpsl_parse.h"
#include "asn.h"
#include "notify.h"
#include "rpsl_filter.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "store_read.h"
#include "store_write.h"
#include "update.h"
#include "rpsl_syntax.h"
#include "keycert.h"
#include "update_auth.h"
#include "xalloc.h"
#include "timefmt.h"
#include "audit.h"
#include "auth_limit.h"
#include "log.h"
#include "x509.h"

enum op { OP_CREATE, OP_MODIFY, OP_DELETE, OP_NOOP };

static const char *const op_names[] = { "Create", "Modify", "Delete", "No operation" };

struct item {
	bool auth_failed;              /* failed authentication: upd-to is told */
	struct rpsl_object *obj;       /* as submitted (strict parse) */
	char *submitted;               /* the object text as submitted, for the report */
	bool is_delete;
	enum op op;
	struct rpsl_object *current;   /* the version in the database, if any */
	char *current_text;
	bool failed;
	struct strbuf messages;        /* "***Error: ..." / "***Warning: ..." / "***Info: ..." lines */
	struct strbuf generated;       /* key-cert: method/owner/fingerpr lines derived from certif: */
	char *final_text;              /* what is stored */
	char auth_how[256];
	int64_t serial;
	int64_t route_mark;            /* what the route check asked `written` to record (-1: nothing yet) */
};

/* A key-cert's certificate digest, looked up once per submission. */
struct keycert_digest {
	char name[32];
	int found;                     /* 1: digest holds it; 0: no such key-cert or no certificate */
	char digest[IDENTITY_CERT_DIGEST_SIZE];
};

/* A maintainer whose passwords failed in this submission, or are not checked (suspended). */
struct password_state {
	char mntner[MAX_PRIMARY_KEY_LENGTH];
	bool is_suspended;             /* past auth.password_failures_per_hour: passwords not verified */
	time_t suspended_until;
	bool has_failed;               /* passwords were verified against it and an object's authentication failed */
	bool is_tried;                 /* passwords were verified against it (in the current authenticate_set) */
};

struct run {
	struct store *st;
	const struct config *cfg;
	const struct update_request *req;
	struct item *items;
	size_t count, capacity;
	char **passwords;
	size_t password_count, password_capacity;
	char *override;
	bool override_ok;
	bool override_suspended;       /* too many wrong overrides: not checked */
	struct auth_cache auth_cache;
	const struct update_route_check *route_check; /* the request's, or the authorisation list */
	char *refusal;                 /* the whole submission is refused: the channel's reason or ours */
	char *store_err;               /* the first store error: the submission is rolled back */
	struct keycert_digest *digests;
	size_t digest_count, digest_capacity;
	struct password_state *pw;
	size_t pw_count, pw_capacity;
	time_t now;
};

/* The override's line in auth_failures (no maintainer can have this name). */
#define OVERRIDE_LIMIT_NAME "(OVERRIDE)"

/* Remembers the first store error; the run ends in a rollback. Takes err. */
static void run_store_error(struct run *r, char *err)
{
	if (r->store_err == NULL)
		r->store_err = err ? err : xstrdup("unknown store error");
	else
		free(err);
}

static void item_message(struct item *it, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void item_message(struct item *it, const char *kind, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_printf(&it->messages, "***%s: %s\n", kind, buf);
}

static void item_error(struct item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void item_error(struct item *it, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_printf(&it->messages, "***Error:   %s\n", buf);
	it->failed = true;
}

static const char *cls_name(const struct item *it)
{
	return it->obj && it->obj->cls ? it->obj->cls->name : "unknown";
}

static const char *key_text(const struct item *it)
{
	/* The primary key as written (the lookup key is upper case). */
	const struct rpsl_object *o = it->obj;

	if (o == NULL || o->cls == NULL || o->attr_count == 0)
		return "(unparsed)";
	if (o->pkey == NULL)
		return o->attrs[0].value[0] ? o->attrs[0].value : "(no primary key)";
	if (o->cls->id == RPSL_CLASS_ROUTE || o->cls->id == RPSL_CLASS_ROUTE6) {
		static char buf[MAX_PRIMARY_KEY_LENGTH + 16];
		const struct rpsl_attr *p = rpsl_object_get(o, o->cls->name), *a = rpsl_object_get(o, "origin");

		snprintf(buf, sizeof(buf), "%s%s", p ? p->value : "", a ? a->value : "");
		return buf;
	}
	for (size_t i = 0; i < o->attr_count; i++) {
		if (o->attrs[i].def && (o->attrs[i].def->flags & ATTR_PRIMARY_KEY))
			return o->attrs[i].value;
	}
	return o->pkey;
}

/* ---- 1. splitting the submission ---- */

static bool line_starts_with(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && strncasecmp(p, word, n) == 0;
}

static char *trimmed_copy(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return xstrndup(p, (size_t)(end - p));
}

/*
 * The schema's definition of the attribute named at the start of a line (before its
 * colon) in class cls, or NULL. Used before parsing, to drop what the server generates.
 */
static const struct rpsl_attr_def *line_attr_def(const struct rpsl_class *cls, const char *p, const char *end)
{
	char name[MAX_ATTR_NAME_LENGTH + 1];
	size_t n = 0;

	while (p + n < end && p[n] != ':' && n < MAX_ATTR_NAME_LENGTH) {
		name[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	if (cls == NULL || p + n >= end || p[n] != ':')
		return NULL;
	name[n] = '\0';
	return rpsl_schema_attr(cls, name);
}

static void add_item(struct run *r, const char *text, size_t len, uint32_t line)
{
	struct strbuf kept;
	struct item *it;
	const char *p = text, *end = text + len;
	bool dropping = false, seen_first = false;
	char *delete_reason = NULL;
	const struct rpsl_class *cls = NULL;
	const char *dropped[RPSL_MAX_CLASS_ATTRS]; /* generated attributes submitted, in order of appearance */
	size_t dropped_count = 0;

	strbuf_init(&kept);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end;
		bool continuation = p < lend && (*p == ' ' || *p == '\t' || *p == '+');

		if (continuation && dropping) {
			p = nl ? nl + 1 : end;
			continue;
		}
		dropping = false;
		if (line_starts_with(p, lend, "password:")) {
			char *pw = trimmed_copy(p + 9, lend);
			bool is_known = false;

			/* the same password twice is one guess */
			for (size_t k = 0; k < r->password_count && !is_known; k++)
				is_known = strcmp(r->passwords[k], pw) == 0;
			if (is_known) {
				free(pw);
			} else {
				r->passwords = xgrow(r->passwords, &r->password_capacity, r->password_count + 1,
						     sizeof(*r->passwords));
				r->passwords[r->password_count++] = pw;
			}
			dropping = true;
		} else if (line_starts_with(p, lend, "override:")) {
			free(r->override);
			r->override = trimmed_copy(p + 9, lend);
			dropping = true;
		} else if (line_starts_with(p, lend, "delete:")) {
			free(delete_reason);
			delete_reason = trimmed_copy(p + 7, lend);
			dropping = true;
		} else if (!continuation && p < lend && *p != '#') {
			const struct rpsl_attr_def *def;

			if (!seen_first) {
				const char *colon = memchr(p, ':', (size_t)(lend - p));

				cls = colon ? rpsl_schema_class(p, (size_t)(colon - p)) : NULL;
				seen_first = true;
			}
			def = line_attr_def(cls, p, lend);
			if (def != NULL && (def->flags & ATTR_GENERATED)) {
				size_t k = 0;

				while (k < dropped_count && dropped[k] != def->name)
					k++;
				if (k == dropped_count)
					dropped[dropped_count++] = def->name;
				dropping = true;
			}
		}
		if (!dropping) {
			strbuf_append(&kept, p, (size_t)(lend - p));
			strbuf_append_char(&kept, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	/* A paragraph of only password:/override: lines is not an object. */
	for (p = kept.data; *p == '\n' || *p == ' ' || *p == '\t' || *p == '\r'; p++)
		;
	if (*p == '\0') {
		strbuf_release(&kept);
		free(delete_reason);
		return;
	}
	r->items = xgrow(r->items, &r->capacity, r->count + 1, sizeof(*r->items));
	it = &r->items[r->count++];
	memset(it, 0, sizeof(*it));
	strbuf_init(&it->messages);
	strbuf_init(&it->generated);
	it->obj = rpsl_parse_object(kept.data, kept.len, line, RPSL_STRICT);
	it->route_mark = -1;
	it->is_delete = delete_reason != NULL;
	it->op = it->is_delete ? OP_DELETE : OP_CREATE;
	it->submitted = strbuf_detach(&kept, NULL);
	for (size_t k = 0; k < dropped_count && !it->is_delete; k++)
		item_message(it, "Warning", "Attribute \"%s\" is generated by the server; the submitted value was ignored",
			     dropped[k]);
	if (it->is_delete && delete_reason[0] == '\0')
		item_message(it, "Warning", "Delete without a reason");
	free(delete_reason);
}

/* ---- 2. checks ---- */

/* Is the object in our source? Existence checks need no parse. A store error ends the run. */
static bool exists_current(struct run *r, const char *cls, const char *pkey)
{
	int rc = store_object_exists(r->st, r->cfg->source, cls, pkey);

	if (rc < 0)
		run_store_error(r, store_error(r->st, "looking up an object"));
	return rc == 1;
}

/* Parsed current version of an object of our source, or NULL (absent, or a store error that ends the run). */
static struct rpsl_object *load_current(struct run *r, const char *cls, const char *pkey, char **text_out)
{
	char *text = NULL, *err = NULL;
	struct rpsl_object *o;
	int rc = store_get_object_text(r->st, r->cfg->source, cls, pkey, &text, &err);

	if (rc != 1) {
		if (rc < 0)
			run_store_error(r, err);
		return NULL;
	}
	o = rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
	if (text_out != NULL)
		*text_out = text;
	else
		free(text);
	return o;
}

/* The submission's own (non-delete) version of an object, if any. */
static struct item *submitted_any(struct run *r, const char *cls, const char *pkey_upper)
{
	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];

		if (!it->is_delete && it->obj->cls && it->obj->pkey && strcmp(it->obj->cls->name, cls) == 0 &&
		    strcmp(it->obj->pkey, pkey_upper) == 0)
			return it;
	}
	return NULL;
}

/*
 * ... that has not failed (so far): what the checks may rely on. A check that relies
 * on another object of the submission is run again once every object's outcome is
 * known (recheck_against_outcomes), so the order of objects cannot matter.
 */
static struct item *submitted(struct run *r, const char *cls, const char *pkey_upper)
{
	struct item *it = submitted_any(r, cls, pkey_upper);

	return it != NULL && !it->failed ? it : NULL;
}

#define MAX_REFS 64

/* auth_keycert_digest_fn over our source: the certificate a key-cert holds, cached for the run. */
static int keycert_digest(void *arg, const char *name, char out[IDENTITY_CERT_DIGEST_SIZE])
{
	struct run *r = arg;
	struct keycert_digest *d;
	struct rpsl_object *kc;

	for (size_t i = 0; i < r->digest_count; i++) {
		if (strcasecmp(r->digests[i].name, name) == 0) {
			memcpy(out, r->digests[i].digest, IDENTITY_CERT_DIGEST_SIZE);
			return r->digests[i].found;
		}
	}
	r->digests = xgrow(r->digests, &r->digest_capacity, r->digest_count + 1, sizeof(*r->digests));
	d = &r->digests[r->digest_count++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	kc = load_current(r, "key-cert", name, NULL);
	if (kc != NULL) {
		char *certif = keycert_certif_text(kc), *ignored = NULL;
		X509 *cert = x509_parse_pem(certif, strlen(certif), &ignored);

		if (cert != NULL) {
			x509_sha256_hex(cert, d->digest);
			d->found = 1;
		}
		X509_free(cert);
		free(ignored);
		free(certif);
		rpsl_object_free(kc);
	}
	memcpy(out, d->digest, IDENTITY_CERT_DIGEST_SIZE);
	return d->found;
}

/* The password state of a maintainer in this run: is it suspended (asked once, from auth_failures)? */
static struct password_state *password_state(struct run *r, const char *mntner)
{
	struct password_state *ps;
	char *err = NULL;
	int rc;

	for (size_t i = 0; i < r->pw_count; i++) {
		if (strcmp(r->pw[i].mntner, mntner) == 0)
			return &r->pw[i];
	}
	r->pw = xgrow(r->pw, &r->pw_capacity, r->pw_count + 1, sizeof(*r->pw));
	ps = &r->pw[r->pw_count++];
	memset(ps, 0, sizeof(*ps));
	snprintf(ps->mntner, sizeof(ps->mntner), "%s", mntner);
	rc = auth_limit_is_suspended(r->st, r->cfg, mntner, (unsigned)r->password_count, r->now, &ps->suspended_until,
				     &err);
	if (rc < 0)
		run_store_error(r, err);
	ps->is_suspended = rc != 0;
	return ps;
}

/* Did the submitter authenticate as maintainer `name` (stored, or created in this submission)? */
static bool authenticate_mntner(struct run *r, const char *name, struct auth_outcome *outcome)
{
	struct rpsl_object *m = load_current(r, "mntner", name, NULL);
	/* a maintainer of this submission that failed still answers here: every object it
	 * authenticated then fails through propagate_failures, with the reason named */
	struct item *sub = m ? NULL : submitted_any(r, "mntner", name);
	bool ok = false;

	outcome->ok = outcome->passwords_tried = false;
	outcome->how[0] = '\0';
	/* A maintainer created in this submission authenticates with its own auth: lines. */
	if (m != NULL || (sub != NULL && sub->op == OP_CREATE)) {
		/* passwords are limited per stored maintainer: guesses against it are counted */
		struct password_state *ps = m != NULL && r->password_count > 0 ? password_state(r, name) : NULL;
		size_t passwords = ps != NULL && ps->is_suspended ? 0 : r->password_count;

		ok = update_auth_mntner(r->cfg, m ? m : sub->obj, r->passwords, passwords, r->req->identities,
					r->req->identity_count, &r->auth_cache, keycert_digest, r, outcome);
		if (ps != NULL && outcome->passwords_tried && !ok)
			ps->is_tried = true;
	}
	rpsl_object_free(m);
	return ok;
}

/*
 * Authenticates an object by one of a set of maintainers. When none authenticates,
 * the passwords verified against them count as failed guesses for each of them
 * (auth_limit): an object that passes through another maintainer guessed nothing.
 */
static bool authenticate_set(struct run *r, struct item *it, char names[][MAX_PRIMARY_KEY_LENGTH], size_t n)
{
	bool ok = false;

	for (size_t i = 0; i < r->pw_count; i++)
		r->pw[i].is_tried = false;
	for (size_t i = 0; i < n && !ok; i++) {
		struct auth_outcome outcome;

		if (authenticate_mntner(r, names[i], &outcome)) {
			snprintf(it->auth_how, sizeof(it->auth_how), "%s", outcome.how);
			ok = true;
		}
	}
	for (size_t i = 0; i < r->pw_count; i++) {
		if (!ok && r->pw[i].is_tried)
			r->pw[i].has_failed = true;
		r->pw[i].is_tried = false;
	}
	/* say why a password that may have been right was not even tried */
	for (size_t i = 0; i < n && !ok; i++) {
		for (size_t k = 0; k < r->pw_count; k++) {
			if (r->pw[k].is_suspended && strcmp(r->pw[k].mntner, names[i]) == 0) {
				char until[TIMEFMT_UTC_SIZE];

				timefmt_utc(r->pw[k].suspended_until, until);
				item_message(it, "Warning",
					     "Passwords are not checked for %s until %s: too many failed password attempts"
					     " (auth.password_failures_per_hour = %u)",
					     names[i], until, r->cfg->password_failures_per_hour);
			}
		}
	}
	return ok;
}

static void join_names(struct strbuf *sb, char names[][MAX_PRIMARY_KEY_LENGTH], size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(sb, "%s%s", i ? ", " : "", names[i]);
}

static void check_authentication(struct run *r, struct item *it)
{
	char old_set[MAX_REFS][MAX_PRIMARY_KEY_LENGTH], new_set[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	size_t old_n = rpsl_object_list_items(it->current, "mnt-by", old_set, MAX_REFS);
	size_t new_n = it->op == OP_DELETE ? 0 : rpsl_object_list_items(it->obj, "mnt-by", new_set, MAX_REFS);
	struct strbuf names;

	if (r->override_ok) {
		snprintf(it->auth_how, sizeof(it->auth_how), "override");
		item_message(it, "Info", "Authorisation override used");
		return;
	}
	strbuf_init(&names);
	if (it->current != NULL && !authenticate_set(r, it, old_set, old_n)) {
		it->auth_failed = true;
		join_names(&names, old_set, old_n);
		item_error(it, "Authorisation for [%s] %s failed\n            using \"mnt-by:\"\n            not authenticated by: %s",
			   cls_name(it), key_text(it), names.data);
	} else if (it->op != OP_DELETE && !authenticate_set(r, it, new_set, new_n)) {
		it->auth_failed = true;
		join_names(&names, new_set, new_n);
		item_error(it, "Authorisation for [%s] %s failed\n            using \"mnt-by:\"\n            not authenticated by: %s",
			   cls_name(it), key_text(it), names.data);
	}
	strbuf_release(&names);
}

/* Maintainer auth: lines that the configuration does not allow to be added. */
static void check_mntner_auth_lines(struct run *r, struct item *it)
{
	if (it->obj->cls->id != RPSL_CLASS_MNTNER || it->op == OP_DELETE)
		return;
	for (size_t i = 0; i < it->obj->attr_count; i++) {
		const struct rpsl_attr *a = &it->obj->attrs[i];
		size_t scheme_len;
		bool existed = false;

		if (strcmp(a->name, "auth") != 0)
			continue;
		scheme_len = strcspn(a->value, " ");
		if (scheme_len == 4 && strncasecmp(a->value, "NONE", 4) == 0) {
			item_error(it, "auth: NONE is not allowed: a maintainer must authenticate its changes");
			continue;
		}
		for (size_t k = 0; it->current != NULL && k < it->current->attr_count; k++)
			existed |= strcmp(it->current->attrs[k].name, "auth") == 0 &&
				   strcmp(it->current->attrs[k].value, a->value) == 0;
		if (!existed && update_auth_policy(r->cfg, a->value, scheme_len) != PASSWORD_ENABLE)
			item_error(it, "auth method %.*s may not be added to a maintainer on this server (use BCRYPT-PW, PGPKEY or X509)",
				   (int)scheme_len, a->value);
		else if (update_auth_is_password_scheme(a->value, scheme_len)) {
			const char *hash = a->value + scheme_len, *problem;

			while (*hash == ' ')
				hash++;
			problem = update_auth_hash_format_problem(a->value, scheme_len, hash);
			if (problem != NULL && !existed)
				item_error(it, "auth: %.*s holds a hash of another kind: %s", (int)scheme_len, a->value, problem);
			else if (problem != NULL)
				item_message(it, "Warning", "auth: %.*s holds a hash of another kind and authenticates nothing: %s",
					     (int)scheme_len, a->value, problem);
		}
	}
}

/* True when prefix p is selected by one item of an mnt-routes prefix list ("192.0.2.0/24^+"). */
static bool prefix_list_matches(const char *list, const struct prefix *p)
{
	for (const char *v = list; *v;) {
		size_t n = strcspn(v, ",}");
		const char *item = v, *caret, *err;
		size_t len = n;
		struct prefix range;
		struct rpsl_range_op op = { RANGE_OP_NONE, 0, 0 };

		while (len > 0 && (*item == ' ' || *item == '{'))
			item++, len--;
		while (len > 0 && item[len - 1] == ' ')
			len--;
		caret = memchr(item, '^', len);
		if (len > 0 && prefix_parse(item, caret ? (size_t)(caret - item) : len, 0, &range, &err) == 0 &&
		    (caret == NULL || rpsl_range_op_parse(caret + 1, len - (size_t)(caret - item) - 1, range.length,
							  prefix_max_length(range.family), &op, &err) == 0) &&
		    prefix_contains(&range, p)) {
			unsigned lo = range.length, hi = range.length;

			if (op.kind == RANGE_OP_PLUS)
				hi = prefix_max_length(p->family);
			else if (op.kind == RANGE_OP_MINUS)
				lo = range.length + 1u, hi = prefix_max_length(p->family);
			else if (op.kind != RANGE_OP_NONE)
				lo = op.min, hi = op.max;
			if (p->length >= lo && p->length <= hi)
				return true;
		}
		v += n;
		while (*v == ',' || *v == '}')
			v++;
	}
	return false;
}

/*
 * The maintainers of a parent that may authorise a new route below it (RFC 2725 9.1):
 * mnt-routes entries whose prefix list (if any) selects the route, else mnt-lower
 * (not for an exact match), else mnt-by. Returns how many names were put in `names`.
 */
static size_t parent_maintainers(const struct rpsl_object *parent, const struct prefix *p, bool exact,
				 char names[][MAX_PRIMARY_KEY_LENGTH], const char **which)
{
	size_t n = 0;

	for (size_t i = 0; i < parent->attr_count && n < MAX_REFS; i++) {
		const struct rpsl_attr *a = &parent->attrs[i];
		size_t name_len;
		const char *rest;

		if (strcmp(a->name, "mnt-routes") != 0)
			continue;
		name_len = strcspn(a->value, " {");
		rest = a->value + name_len;
		while (*rest == ' ')
			rest++;
		if ((*rest == '\0' || strncasecmp(rest, "ANY", 3) == 0 || prefix_list_matches(rest, p)) &&
		    name_len < MAX_PRIMARY_KEY_LENGTH) {
			for (size_t k = 0; k < name_len; k++)
				names[n][k] = (char)toupper((unsigned char)a->value[k]);
			names[n++][name_len] = '\0';
		}
	}
	if (n > 0) {
		*which = "mnt-routes";
		return n;
	}
	if (!exact && (n = rpsl_object_list_items(parent, "mnt-lower", names, MAX_REFS)) > 0) {
		*which = "mnt-lower";
		return n;
	}
	*which = "mnt-by";
	return rpsl_object_list_items(parent, "mnt-by", names, MAX_REFS);
}

/*
 * A new route/route6 must also be authorised by the address space above it: the
 * exact or closest less-specific route, else the closest covering inetnum/inet6num.
 * Space with neither passes, and so does space the route check governs (the
 * authorisation list: there the address holder's list is the authority).
 */
static void check_hierarchy(struct run *r, struct item *it)
{
	const struct rpsl_object *o = it->obj;
	bool v6 = o->cls->id == RPSL_CLASS_ROUTE6;
	char **texts = NULL, *err = NULL;
	size_t count = 0;
	bool authorised = false;
	struct strbuf tried;

	if (it->op != OP_CREATE || r->override_ok || !o->has_prefix ||
	    (o->cls->id != RPSL_CLASS_ROUTE && o->cls->id != RPSL_CLASS_ROUTE6))
		return;
	/* space under the authorisation list: the list, not the hierarchy, authorises */
	if (r->route_check != NULL && r->route_check->governs != NULL) {
		int governed = r->route_check->governs(r->route_check->arg, o, &err);

		if (governed < 0) {
			item_error(it, "The route check could not decide, so the object is refused: %s", err);
			free(err);
			return;
		}
		if (governed > 0)
			return;
	}
	long found = store_closest_covering(r->st, r->cfg->source, &o->prefix, v6 ? "route6" : "route", NULL, true,
					    &texts, &count, &err);

	if (found == 0)
		found = store_closest_covering(r->st, r->cfg->source, &o->prefix, v6 ? "inet6num" : "inetnum", NULL, true,
					       &texts, &count, &err);
	if (found < 0) {
		run_store_error(r, err);
		return;
	}
	strbuf_init(&tried);
	for (size_t i = 0; i < count && !authorised; i++) {
		struct rpsl_object *parent = rpsl_parse_object(texts[i], strlen(texts[i]), 1, RPSL_TOLERANT);
		char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
		const char *which = "mnt-by";
		bool exact = parent->has_prefix ? parent->prefix.length == o->prefix.length
						: memcmp(parent->range.first, o->range.first, 16) == 0 &&
							  memcmp(parent->range.last, o->range.last, 16) == 0;
		size_t n = parent_maintainers(parent, &o->prefix, exact, names, &which);
		char saved[sizeof(it->auth_how)];

		memcpy(saved, it->auth_how, sizeof(saved));
		authorised = n > 0 && authenticate_set(r, it, names, n);
		memcpy(it->auth_how, saved, sizeof(saved)); /* report how mnt-by was satisfied */
		if (!authorised) {
			strbuf_printf(&tried, "%s[%s] %s using \"%s:\" (", tried.len ? "; " : "", parent->cls->name,
				      rpsl_object_get(parent, parent->cls->name)->value, which);
			join_names(&tried, names, n);
			strbuf_append_char(&tried, ')');
		}
		rpsl_object_free(parent);
	}
	if (count > 0 && !authorised)
		item_error(it, "Authorisation for [%s] %s failed\n            by the address space above it: %s", cls_name(it),
			   key_text(it), tried.data);
	strbuf_release(&tried);
	for (size_t i = 0; i < count; i++)
		free(texts[i]);
	free(texts);
}

static bool is_set_class(enum rpsl_class_id id)
{
	return id == RPSL_CLASS_AS_SET || id == RPSL_CLASS_ROUTE_SET || id == RPSL_CLASS_FILTER_SET ||
	       id == RPSL_CLASS_PEERING_SET || id == RPSL_CLASS_RTR_SET;
}

/*
 * A new set with a hierarchical name (AS64500:AS-CUSTOMERS) must be authorised by
 * its parent (AS64500's aut-num, or the set named by the leading components): the
 * parent's mnt-lower, else its mnt-by (RFC 2725 section 10).
 */
static void check_set_hierarchy(struct run *r, struct item *it)
{
	const char *name = it->obj->pkey, *colon;
	char parent_key[MAX_PRIMARY_KEY_LENGTH], names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	const char *parent_cls, *which = "mnt-lower", *ignored;
	struct rpsl_object *parent;
	struct item *sub = NULL;
	uint32_t asn;
	size_t n;

	if (it->op != OP_CREATE || r->override_ok || !is_set_class(it->obj->cls->id) ||
	    (colon = strrchr(name, ':')) == NULL)
		return;
	snprintf(parent_key, sizeof(parent_key), "%.*s", (int)(colon - name), name);
	parent_cls = strchr(parent_key, ':') == NULL && asn_parse(parent_key, strlen(parent_key), true, &asn, &ignored) == 0
			     ? "aut-num"
			     : it->obj->cls->name;
	parent = load_current(r, parent_cls, parent_key, NULL);
	if (parent == NULL && (sub = submitted(r, parent_cls, parent_key)) == NULL) {
		item_error(it, "Parent object [%s] %s of this hierarchical set name does not exist", parent_cls, parent_key);
		return;
	}
	n = rpsl_object_list_items(parent ? parent : sub->obj, "mnt-lower", names, MAX_REFS);
	if (n == 0) {
		which = "mnt-by";
		n = rpsl_object_list_items(parent ? parent : sub->obj, "mnt-by", names, MAX_REFS);
	}
	{
		char saved[sizeof(it->auth_how)];

		memcpy(saved, it->auth_how, sizeof(saved));
		if (!authenticate_set(r, it, names, n)) {
			struct strbuf list;

			strbuf_init(&list);
			join_names(&list, names, n);
			item_error(it, "Authorisation for [%s] %s failed\n            by its parent [%s] %s using \"%s:\" (%s)",
				   cls_name(it), key_text(it), parent_cls, parent_key, which, list.data);
			strbuf_release(&list);
		}
		memcpy(it->auth_how, saved, sizeof(saved));
	}
	rpsl_object_free(parent);
}

/* member-of claims must be accepted by the set's mbrs-by-ref: ANY or one of our mnt-by. */
static void check_member_of(struct run *r, struct item *it)
{
	char sets[MAX_REFS][MAX_PRIMARY_KEY_LENGTH], mine[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	char refs[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	const char *set_cls;
	size_t n, own;

	if (it->op == OP_DELETE || it->op == OP_NOOP)
		return;
	switch (it->obj->cls->id) {
	case RPSL_CLASS_ROUTE:
	case RPSL_CLASS_ROUTE6:
		set_cls = "route-set";
		break;
	case RPSL_CLASS_AUT_NUM:
		set_cls = "as-set";
		break;
	case RPSL_CLASS_INET_RTR:
		set_cls = "rtr-set";
		break;
	default:
		return;
	}
	n = rpsl_object_list_items(it->obj, "member-of", sets, MAX_REFS);
	own = rpsl_object_list_items(it->obj, "mnt-by", mine, MAX_REFS);
	for (size_t i = 0; i < n; i++) {
		struct rpsl_object *set = load_current(r, set_cls, sets[i], NULL);
		struct item *sub = set ? NULL : submitted(r, set_cls, sets[i]);
		size_t nrefs;
		bool accepted = false;

		if (set == NULL && sub == NULL) {
			item_error(it, "Object %s referenced in \"member-of:\" does not exist (expected %s)", sets[i], set_cls);
			continue;
		}
		nrefs = rpsl_object_list_items(set ? set : sub->obj, "mbrs-by-ref", refs, MAX_REFS);
		for (size_t k = 0; k < nrefs && !accepted; k++) {
			accepted = strcmp(refs[k], "ANY") == 0;
			for (size_t m = 0; m < own && !accepted; m++)
				accepted = strcmp(refs[k], mine[m]) == 0;
		}
		if (!accepted)
			item_error(it, "Membership claim for %s is not supported by its \"mbrs-by-ref:\" (none of this object's maintainers is listed)",
				   sets[i]);
		rpsl_object_free(set);
	}
}

/* The references every object must resolve: attribute and the classes it may name. */
static const struct {
	const char *attr;
	const char *classes[2];
} references[] = {
	{ "mnt-by", { "mntner", NULL } },
	{ "admin-c", { "person", "role" } },
	{ "tech-c", { "person", "role" } },
};

#define REFERENCE_COUNT (sizeof(references) / sizeof(references[0]))

/* Referenced maintainers and contacts must exist (here or in this submission). */
static void check_references(struct run *r, struct item *it)
{
	char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];

	if (it->op == OP_DELETE)
		return;
	for (size_t k = 0; k < REFERENCE_COUNT; k++) {
		size_t n = rpsl_object_list_items(it->obj, references[k].attr, names, MAX_REFS);

		for (size_t i = 0; i < n; i++) {
			bool found = false;

			for (size_t c = 0; c < 2 && references[k].classes[c] && !found; c++) {
				/* an object may name itself (a maintainer maintained by itself) */
				if (strcmp(it->obj->cls->name, references[k].classes[c]) == 0 && strcmp(it->obj->pkey, names[i]) == 0) {
					found = true;
					break;
				}
				found = exists_current(r, references[k].classes[c], names[i]) ||
					submitted_any(r, references[k].classes[c], names[i]) != NULL;
			}
			if (!found)
				item_error(it, "Object %s referenced in \"%s:\" does not exist (expected %s%s%s)", names[i],
					   references[k].attr, references[k].classes[0], references[k].classes[1] ? " or " : "",
					   references[k].classes[1] ? references[k].classes[1] : "");
		}
	}
}

/* Does this maintainer's auth: name key-cert `name`? */
static bool mntner_names_keycert(const struct rpsl_object *m, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < m->attr_count; i++) {
		const char *v = m->attrs[i].value;

		if (strcmp(m->attrs[i].name, "auth") == 0 && strncasecmp(v, name, n) == 0 && (v[n] == '\0' || v[n] == ' '))
			return true;
	}
	return false;
}

/*
 * The stored maintainers of our source whose auth: names key-cert `name`, as they
 * will be after this submission: one deleted here, or changed here so that it no
 * longer names the key-cert, does not count. Returns how many went into names.
 */
static size_t mntners_naming_keycert(struct run *r, const char *name, char names[][MAX_PRIMARY_KEY_LENGTH],
				     size_t max)
{
	char **texts = NULL, *err = NULL;
	size_t count = 0, n = 0;

	if (store_find_text(r->st, r->cfg->source, "mntner", name, &texts, &count, &err) < 0) {
		run_store_error(r, err);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		struct rpsl_object *m = rpsl_parse_object(texts[i], strlen(texts[i]), 1, RPSL_TOLERANT);
		bool counts = m->pkey != NULL && mntner_names_keycert(m, name);

		for (size_t k = 0; counts && k < r->count; k++) {
			const struct item *o = &r->items[k];

			if (o->failed || o->obj->cls == NULL || o->obj->pkey == NULL || o->obj->cls->id != RPSL_CLASS_MNTNER ||
			    strcmp(o->obj->pkey, m->pkey) != 0)
				continue;
			counts = !o->is_delete && mntner_names_keycert(o->obj, name);
		}
		if (counts && n < max)
			snprintf(names[n++], MAX_PRIMARY_KEY_LENGTH, "%s", m->pkey);
		rpsl_object_free(m);
		free(texts[i]);
	}
	free(texts);
	return n;
}

/* A key-cert a maintainer's auth: names cannot be deleted: a new one of that name would take the maintainer over. */
static void check_keycert_not_referenced(struct run *r, struct item *it)
{
	char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	size_t n = mntners_naming_keycert(r, it->obj->pkey, names, MAX_REFS);
	struct strbuf by;

	if (n == 0)
		return;
	strbuf_init(&by);
	for (size_t i = 0; i < n && i < 5; i++)
		strbuf_printf(&by, "%s[mntner] %s", i ? ", " : "", names[i]);
	item_error(it, "Object [%s] %s is still referenced by %s%s (in \"auth:\") and cannot be deleted", cls_name(it),
		   key_text(it), by.data, n > 5 ? " and others" : "");
	strbuf_release(&by);
}

/* Authenticates by a set of maintainers for a rule of its own, keeping how mnt-by was satisfied. */
static bool authenticate_for_rule(struct run *r, struct item *it, char names[][MAX_PRIMARY_KEY_LENGTH], size_t n)
{
	char saved[sizeof(it->auth_how)];
	bool ok;

	memcpy(saved, it->auth_how, sizeof(saved));
	ok = authenticate_set(r, it, names, n);
	memcpy(it->auth_how, saved, sizeof(saved));
	return ok;
}

/*
 * Who may put a key into a key-cert (docs/updates.md, "Key-certs"):
 *  - every stored maintainer whose auth: already names the key-cert must authorise
 *    creating it or changing its key: a maintainer left naming a missing key-cert
 *    (loaded that way) is never satisfiable by a key-cert someone else creates;
 *  - a certificate already held by another X509 key-cert goes into a second one only
 *    with the authorisation of that key-cert's maintainers (a copy could otherwise
 *    stand in for the holder's key-cert, and was once used to lock the holder out).
 */
static void check_keycert_owners(struct run *r, struct item *it)
{
	char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	size_t n;
	char *certif, **texts = NULL, *err = NULL;
	X509 *cert = NULL;
	size_t count = 0;

	if (it->obj->cls->id != RPSL_CLASS_KEY_CERT || it->failed || r->override_ok ||
	    (it->op != OP_CREATE && it->op != OP_MODIFY))
		return;
	certif = keycert_certif_text(it->obj);
	if (it->op == OP_MODIFY) {
		char *old = keycert_certif_text(it->current);
		bool same_key = strcmp(old, certif) == 0;

		free(old);
		if (same_key) {
			free(certif);
			return;
		}
	}
	n = mntners_naming_keycert(r, it->obj->pkey, names, MAX_REFS);
	for (size_t i = 0; i < n; i++) {
		if (!authenticate_for_rule(r, it, &names[i], 1))
			item_error(it, "Authorisation for [%s] %s failed\n"
				       "            %s names this key-cert in \"auth:\" and did not authorise %s it",
				   cls_name(it), key_text(it), names[i], it->op == OP_CREATE ? "creating" : "changing the key of");
	}
	if (strncasecmp(it->obj->pkey, "X509-", 5) == 0)
		cert = x509_parse_pem(certif, strlen(certif), &err);
	free(err);
	err = NULL;
	if (cert != NULL && store_list_objects(r->st, r->cfg->source, "key-cert", "X509-", &texts, &count, &err) < 0)
		run_store_error(r, err);
	for (size_t i = 0; i < count; i++) {
		struct rpsl_object *kc = rpsl_parse_object(texts[i], strlen(texts[i]), 1, RPSL_TOLERANT);
		char *other = kc->pkey && strcmp(kc->pkey, it->obj->pkey) != 0 ? keycert_certif_text(kc) : NULL, *ignored = NULL;
		X509 *other_cert = other ? x509_parse_pem(other, strlen(other), &ignored) : NULL;

		if (other_cert != NULL && x509_same(cert, other_cert)) {
			char owners[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
			size_t k = rpsl_object_list_items(kc, "mnt-by", owners, MAX_REFS);

			if (!authenticate_for_rule(r, it, owners, k)) {
				struct strbuf list;

				strbuf_init(&list);
				join_names(&list, owners, k);
				item_error(it, "The certificate in \"certif:\" is already in key-cert %s; another key-cert may hold it\n"
					       "            only with the authorisation of %s's maintainers (%s)",
					   kc->pkey, kc->pkey, list.data);
				strbuf_release(&list);
			}
		}
		X509_free(other_cert);
		free(ignored);
		free(other);
		rpsl_object_free(kc);
		free(texts[i]);
	}
	free(texts);
	X509_free(cert);
	free(certif);
}

/* Referrers of an object being deleted, as the store hands them over. */
struct referrers {
	struct run *r;
	const struct item *it;
	struct strbuf by;
	int found;
};

static int count_referrer(void *arg, const struct store_object_row *row)
{
	struct referrers *ref = arg;
	struct run *r = ref->r;
	bool deleted_too = false;

	if (strcmp(row->cls, ref->it->obj->cls->name) == 0 && strcmp(row->pkey, ref->it->obj->pkey) == 0)
		return 0; /* an object may name itself (a maintainer maintained by itself) */
	/* objects deleted in the same submission do not count */
	for (size_t i = 0; i < r->count; i++) {
		const struct item *o = &r->items[i];

		deleted_too |= o->is_delete && !o->failed && o->obj->cls && o->obj->pkey &&
			       strcmp(o->obj->cls->name, row->cls) == 0 && strcmp(o->obj->pkey, row->pkey) == 0;
	}
	if (!deleted_too && ref->found++ < 5)
		strbuf_printf(&ref->by, "%s[%s] %s", ref->found > 1 ? ", " : "", row->cls, row->pkey);
	return 0;
}

/* An object still referenced by others cannot be deleted. */
static void check_not_referenced(struct run *r, struct item *it)
{
	static const char *const mntner_attrs[] = { "mnt-by", "mnt-lower", "mnt-routes", "mbrs-by-ref", "mnt-ref" };
	static const char *const contact_attrs[] = { "admin-c", "tech-c", "zone-c", "ping-hdl" };
	struct referrers ref = { .r = r, .it = it };
	const char *const *attrs;
	size_t attr_count;
	int64_t source_id;
	char *err = NULL;

	if (it->op != OP_DELETE)
		return;
	if (it->obj->cls->id == RPSL_CLASS_KEY_CERT) {
		check_keycert_not_referenced(r, it);
		return;
	}
	if (it->obj->cls->id == RPSL_CLASS_MNTNER) {
		attrs = mntner_attrs;
		attr_count = 5;
	} else if (it->obj->cls->id == RPSL_CLASS_PERSON || it->obj->cls->id == RPSL_CLASS_ROLE) {
		attrs = contact_attrs;
		attr_count = 4;
	} else {
		return;
	}
	source_id = store_source_id(r->st, r->cfg->source, &err);
	if (source_id < 0) {
		run_store_error(r, err);
		return;
	}
	strbuf_init(&ref.by);
	for (size_t k = 0; k < attr_count && source_id > 0; k++) {
		if (store_read_by_attr(r->st, source_id, attrs[k], it->obj->pkey, NULL, count_referrer, &ref, &err) < 0) {
			run_store_error(r, err);
			break;
		}
	}
	if (ref.found > 0)
		item_error(it, "Object [%s] %s is still referenced by %s%s and cannot be deleted", cls_name(it), key_text(it),
			   ref.by.data, ref.found > 5 ? " and others" : "");
	strbuf_release(&ref.by);
}

/* Text of an object without the generated attributes, for comparing versions. */
static char *comparable_text(const struct rpsl_object *o)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < o->attr_count; i++) {
		if (o->attrs[i].def != NULL && (o->attrs[i].def->flags & ATTR_GENERATED))
			continue;
		strbuf_printf(&sb, "%s:%s\n", o->attrs[i].name, o->attrs[i].value);
	}
	return strbuf_detach(&sb, NULL);
}

/* key-cert: the key or certificate must be usable; method/owner/fingerpr come from it. */
static void check_key_cert(struct item *it)
{
	struct strbuf warnings;
	char *err = NULL;

	if (it->obj->cls->id != RPSL_CLASS_KEY_CERT || it->op == OP_DELETE)
		return;
	strbuf_init(&warnings);
	if (keycert_generate(it->obj, &it->generated, &warnings, &err) < 0) {
		item_error(it, "The key-cert %s is not usable: %s", key_text(it), err);
		free(err);
	}
	for (char *line = warnings.data, *nl; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		item_message(it, "Warning", "%s", line);
	}
	strbuf_release(&warnings);
}

/* A maintainer's PGPKEY-/X509- auth: names a key-cert that exists or is in this submission. */
static void check_auth_key_certs(struct run *r, struct item *it)
{
	if (it->obj->cls->id != RPSL_CLASS_MNTNER || it->op == OP_DELETE)
		return;
	for (size_t i = 0; i < it->obj->attr_count; i++) {
		const struct rpsl_attr *a = &it->obj->attrs[i];
		char name[MAX_PRIMARY_KEY_LENGTH];

		if (strcmp(a->name, "auth") != 0 ||
		    (strncasecmp(a->value, "PGPKEY-", 7) != 0 && strncasecmp(a->value, "X509-", 5) != 0))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(a->value, " "), a->value);
		if (!exists_current(r, "key-cert", name) && submitted(r, "key-cert", name) == NULL)
			item_error(it, "Object %s referenced in \"auth:\" does not exist (expected key-cert)", name);
	}
}

/* The route check's view of authentication: ctx is the run. */
static bool probe_authenticated(void *ctx, const char *mntner)
{
	struct run *r = ctx;
	struct auth_outcome outcome;
	bool ok;

	for (size_t i = 0; i < r->pw_count; i++)
		r->pw[i].is_tried = false;
	ok = authenticate_mntner(r, mntner, &outcome);
	/* the route check asks about one maintainer: a password tried against it and wrong
	 * is a guess (its answer, allowed or not authenticated, would otherwise be an oracle) */
	for (size_t i = 0; i < r->pw_count; i++) {
		if (!ok && r->pw[i].is_tried)
			r->pw[i].has_failed = true;
		r->pw[i].is_tried = false;
	}
	return ok;
}

/*
 * Puts a channel check's decision into the item's report: -1 could not decide and
 * 0 refused are errors, 1 accepted reports the note (as `note_kind`) if there is one.
 * Releases why and note.
 */
static void report_check(struct item *it, int decision, struct strbuf *why, struct strbuf *note, const char *check,
			 const char *note_kind)
{
	if (decision < 0)
		item_error(it, "The %s could not decide, so the object is refused: %s", check,
			   why->len ? why->data : "unknown error");
	else if (decision == 0 && why->len > 0)
		item_error(it, "%s", why->data);
	else if (decision == 0)
		item_error(it, "Refused by the %s", check);
	else if (note->len > 0)
		item_message(it, note_kind, "%s", note->data);
	strbuf_release(why);
	strbuf_release(note);
}

/* The request's route check (the authorisation list) on a route that passed everything else. */
static void check_route_hook(struct run *r, struct item *it)
{
	const struct update_route_check *rc = r->route_check;
	struct strbuf why, note;
	int decision;

	if (it->failed || it->op != OP_CREATE ||
	    (it->obj->cls->id != RPSL_CLASS_ROUTE && it->obj->cls->id != RPSL_CLASS_ROUTE6))
		return;
	/* the engine has no policy of its own: a channel without one cannot create routes */
	if (rc == NULL) {
		item_error(it, "Route objects cannot be created through this channel: it installs no route check"
			       " (the authorisation list)");
		return;
	}
	strbuf_init(&why);
	strbuf_init(&note);
	decision = rc->check(rc->arg, it->obj, r->override_ok, probe_authenticated, r, &why, &note, &it->route_mark);
	report_check(it, decision, &why, &note, "route check", "Info");
}

/* The channel's origin check (RPKI) on a created or modified route that passed everything else. */
static void check_route_origin(struct run *r, struct item *it)
{
	const struct update_route_check *rc = r->route_check;
	struct strbuf why, note;
	int decision;

	if (it->failed || (it->op != OP_CREATE && it->op != OP_MODIFY) || rc == NULL || rc->check_origin == NULL ||
	    (it->obj->cls->id != RPSL_CLASS_ROUTE && it->obj->cls->id != RPSL_CLASS_ROUTE6))
		return;
	strbuf_init(&why);
	strbuf_init(&note);
	decision = rc->check_origin(rc->arg, it->obj, r->override_ok, &why, &note);
	report_check(it, decision, &why, &note, "RPKI check", "Warning");
}

static void check_item(struct run *r, struct item *it)
{
	struct rpsl_object *o = it->obj;

	if (rpsl_object_has_errors(o)) {
		/* the report says what the sender tried: a broken new version of a stored object is a failed modify */
		if (!it->is_delete && o->cls != NULL && o->pkey != NULL && exists_current(r, o->cls->name, o->pkey))
			it->op = OP_MODIFY;
		for (size_t i = 0; i < o->message_count; i++) {
			const struct rpsl_message *m = &o->messages[i];

			if (m->severity == RPSL_ERROR && m->line)
				item_error(it, "line %u: %s", m->line, m->text);
			else if (m->severity == RPSL_ERROR)
				item_error(it, "%s", m->text);
		}
		return;
	}
	if (o->source == NULL || strcmp(o->source, r->cfg->source) != 0) {
		item_error(it, "Source %s is not authoritative on this server (only %s can be updated here)",
			   o->source ? o->source : "(none)", r->cfg->source);
		return;
	}
	it->current = load_current(r, o->cls->name, o->pkey, &it->current_text);
	if (it->is_delete) {
		if (it->current == NULL) {
			item_error(it, "Object [%s] %s does not exist and cannot be deleted", cls_name(it), key_text(it));
			return;
		}
		char *a = comparable_text(o), *b = comparable_text(it->current);
		bool same = strcmp(a, b) == 0;

		free(a);
		free(b);
		if (!same) {
			item_error(it, "The object to delete differs from the version in the database: submit the current version");
			return;
		}
	} else if (it->current != NULL) {
		char *a = comparable_text(o), *b = comparable_text(it->current);

		it->op = strcmp(a, b) == 0 ? OP_NOOP : OP_MODIFY;
		free(a);
		free(b);
	}
	if (it->op == OP_NOOP)
		return;
	check_mntner_auth_lines(r, it);
	check_auth_key_certs(r, it);
	check_key_cert(it);
	check_authentication(r, it);
	check_keycert_owners(r, it);
	check_hierarchy(r, it);
	check_set_hierarchy(r, it);
	check_member_of(r, it);
	check_references(r, it);
	check_not_referenced(r, it);
	check_route_hook(r, it);
	check_route_origin(r, it);
}

/* ---- 3. failures propagate to objects that depend on them ---- */

static bool depends_on_failed(struct run *r, struct item *it, struct strbuf *why)
{
	char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];

	for (size_t k = 0; k < REFERENCE_COUNT; k++) {
		size_t n = rpsl_object_list_items(it->obj, references[k].attr, names, MAX_REFS);

		for (size_t i = 0; i < n; i++) {
			for (size_t c = 0; c < 2 && references[k].classes[c]; c++) {
				struct item *dep = submitted_any(r, references[k].classes[c], names[i]);

				if (dep == NULL || dep == it || !dep->failed)
					continue;
				if (!exists_current(r, references[k].classes[c], names[i])) {
					strbuf_printf(why, "%s", names[i]);
					return true;
				}
			}
		}
	}
	return false;
}

static void propagate_failures(struct run *r)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < r->count; i++) {
			struct item *it = &r->items[i];
			struct strbuf why;

			if (it->failed || it->is_delete || it->op == OP_NOOP)
				continue;
			strbuf_init(&why);
			if (depends_on_failed(r, it, &why)) {
				item_error(it, "Object %s that this object references failed in this submission", why.data);
				changed = true;
			}
			strbuf_release(&why);
		}
	}
}

/*
 * The checks whose answer depends on other objects of the same submission (a
 * maintainer that stops naming a key-cert, an object deleted alongside, a set or
 * key-cert created alongside) assume at first that those objects succeed. Once
 * objects have failed, they are asked again for every object still standing, until
 * nothing changes: an object listed before or after the one it relies on is judged
 * the same. Returns true when an object failed in this round.
 */
static bool recheck_against_outcomes(struct run *r)
{
	bool changed = false;

	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];

		if (it->failed || it->op == OP_NOOP || it->obj->cls == NULL)
			continue;
		check_auth_key_certs(r, it);
		check_keycert_owners(r, it);
		check_set_hierarchy(r, it);
		check_member_of(r, it);
		check_references(r, it);
		check_not_referenced(r, it);
		changed |= it->failed;
	}
	return changed;
}

/* ---- 4. writing ---- */

/* Rendered object with created/last-modified inserted before source:. */
static char *final_text(const struct item *it)
{
	const struct rpsl_attr *created = it->current ? rpsl_object_get(it->current, "created") : NULL;
	struct strbuf body, out;
	char now[32];
	const char *src;

	timefmt_utc(time(NULL), now);
	strbuf_init(&body);
	rpsl_render(it->obj, &body);
	strbuf_init(&out);
	src = strstr(body.data, "\nsource:");
	src = src ? src + 1 : body.data + body.len;
	if (it->generated.len > 0) {
		const char *first_end = strchr(body.data, '\n');
		size_t first_len = first_end ? (size_t)(first_end - body.data) + 1 : body.len;

		strbuf_append(&out, body.data, first_len);
		strbuf_append(&out, it->generated.data, it->generated.len);
		strbuf_append(&out, body.data + first_len, (size_t)(src - body.data) - first_len);
	} else {
		strbuf_append(&out, body.data, (size_t)(src - body.data));
	}
	strbuf_printf(&out, "created:        %s\nlast-modified:  %s\n", created ? created->value : now, now);
	strbuf_append_str(&out, src);
	strbuf_release(&body);
	return strbuf_detach(&out, NULL);
}

static int write_rank(const struct item *it)
{
	enum rpsl_class_id c = it->obj->cls->id;
	bool contact = c == RPSL_CLASS_PERSON || c == RPSL_CLASS_ROLE || c == RPSL_CLASS_MNTNER;

	if (it->op == OP_DELETE)
		return contact ? 3 : 2;
	return contact ? 0 : 1;
}

/* One audit row per object; joins the submission's transaction. 0, or -1 with *err. */
static int audit(struct run *r, const struct item *it, const char *outcome, char **err)
{
	struct strbuf who;
	int rc;

	strbuf_init(&who);
	if (it->auth_how[0])
		strbuf_append_str(&who, it->auth_how);
	for (size_t i = 0; i < r->req->identity_count; i++) {
		/* a certificate that authenticated the object already named itself in auth_how */
		if (strcmp(r->req->identities[i].description, it->auth_how) != 0)
			strbuf_printf(&who, "%s%s", who.len ? "; " : "", r->req->identities[i].description);
	}
	if (who.len == 0)
		strbuf_append_str(&who, r->password_count ? "password (not matched)" : "none");
	rc = audit_record(r->st,
			  &(struct audit_row){ .time = r->now, .channel = r->req->channel, .origin = r->req->origin,
					       .identity = who.data, .operation = op_names[it->op],
					       .cls = it->obj->cls ? it->obj->cls->name : NULL, .pkey = it->obj->pkey,
					       .outcome = outcome, .serial = it->serial },
			  err);
	strbuf_release(&who);
	return rc;
}

/* The record of a submission refused before any object was looked at. 0, or -1 with *err. */
static int audit_refusal(struct run *r, char **err)
{
	struct strbuf outcome;
	int rc;

	strbuf_init(&outcome);
	strbuf_printf(&outcome, "refused: %s", r->refusal);
	rc = audit_record(r->st,
			  &(struct audit_row){ .time = r->now, .channel = r->req->channel, .origin = r->req->origin,
					       .identity = r->req->signer ? r->req->signer
									 : r->req->refusal ? "signature" : "none",
					       .operation = "Submission", .outcome = outcome.data },
			  err);
	strbuf_release(&outcome);
	return rc;
}

/* Writes the objects that passed, contacts and maintainers first, with their route marks. 0, or -1 with *err. */
static int write_items(struct run *r, char **err)
{
	for (int rank = 0; rank < 4; rank++) {
		for (size_t i = 0; i < r->count; i++) {
			struct item *it = &r->items[i];
			bool is_route;

			if (it->failed || it->op == OP_NOOP || write_rank(it) != rank)
				continue;
			if (it->op != OP_DELETE)
				it->final_text = final_text(it);
			if (r->req->dry_run)
				continue;
			if (store_write_object(r->st, r->cfg->source, it->op == OP_DELETE ? STORE_DELETE : STORE_ADD, it->obj,
					       it->final_text, &it->serial, err) != 0) {
				if (*err == NULL)
					*err = xasprintf("[%s] %s vanished before it could be deleted", cls_name(it), key_text(it));
				return -1;
			}
			/* the route check keeps its marks (verified by entry #N) in step with the routes */
			is_route = it->obj->cls->id == RPSL_CLASS_ROUTE || it->obj->cls->id == RPSL_CLASS_ROUTE6;
			if (r->route_check != NULL && r->route_check->written != NULL && is_route &&
			    r->route_check->written(r->route_check->arg, it->obj, it->op == OP_DELETE, it->route_mark, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Counts the failed password guesses of this run against each maintainer (auth_limit). */
static int record_password_failures(struct run *r, char **err)
{
	for (size_t i = 0; i < r->pw_count; i++) {
		unsigned guesses = strcmp(r->pw[i].mntner, OVERRIDE_LIMIT_NAME) == 0 ? 1 : (unsigned)r->password_count;

		if (r->pw[i].has_failed && auth_limit_record(r->st, r->pw[i].mntner, guesses, r->now, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- notifications ---- */

/* Queues `attr` addresses of the maintainers of `o` (mnt-nfy or upd-to) and, for changes, the object's notify:. */
static void notify_object(struct run *r, struct notify_outbox *box, enum notify_kind kind, const struct rpsl_object *o,
			  const char *story)
{
	char names[MAX_REFS][MAX_PRIMARY_KEY_LENGTH];
	size_t n = rpsl_object_list_items(o, "mnt-by", names, MAX_REFS);

	for (size_t i = 0; i < n; i++) {
		struct rpsl_object *m = load_current(r, "mntner", names[i], NULL);
		struct item *sub = m ? NULL : submitted_any(r, "mntner", names[i]);
		const struct rpsl_object *mntner = m ? m : sub ? sub->obj : NULL;

		for (size_t k = 0; mntner != NULL && k < mntner->attr_count; k++) {
			if (strcmp(mntner->attrs[k].name, kind == NOTIFY_CHANGED ? "mnt-nfy" : "upd-to") == 0)
				notify_add(box, kind, mntner->attrs[k].value, story);
		}
		rpsl_object_free(m);
	}
	if (kind == NOTIFY_CHANGED) {
		for (size_t k = 0; k < o->attr_count; k++) {
			if (strcmp(o->attrs[k].name, "notify") == 0)
				notify_add(box, kind, o->attrs[k].value, story);
		}
	}
}

/*
 * Queues the notifications of this submission inside its transaction: they commit
 * with the changes they describe, and what sendmail does not take now stays queued.
 */
static int queue_notifications(struct run *r, int64_t *first, int64_t *last, char **err)
{
	struct notify_outbox *box = notify_outbox_new();

	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];
		struct strbuf story;

		if (it->obj->cls == NULL || it->op == OP_NOOP || (it->failed && !it->auth_failed))
			continue;
		strbuf_init(&story);
		strbuf_printf(&story, "---\n%s %s: [%s] %s\n\n", op_names[it->op], it->failed ? "FAILED" : "SUCCEEDED",
			      cls_name(it), key_text(it));
		rpsl_filter_hashes(&story, it->failed || it->op == OP_DELETE ? it->submitted : it->final_text);
		strbuf_append_char(&story, '\n');
		if (it->failed) {
			notify_object(r, box, NOTIFY_FAILED, it->current ? it->current : it->obj, story.data);
		} else {
			notify_object(r, box, NOTIFY_CHANGED, it->obj, story.data);
			if (it->current != NULL)
				notify_object(r, box, NOTIFY_CHANGED, it->current, story.data);
		}
		strbuf_release(&story);
	}
	return notify_outbox_queue(box, r->st, r->cfg, first, last, err);
}

/* ---- 5. the report ---- */

static void report_item(struct strbuf *out, const struct item *it, bool with_object)
{
	if (it->op == OP_NOOP && !it->failed)
		strbuf_printf(out, "---\nNo operation: [%s] %s\n", cls_name(it), key_text(it));
	else
		strbuf_printf(out, "---\n%s %s: [%s] %s\n", op_names[it->op], it->failed ? "FAILED" : "SUCCEEDED",
			      cls_name(it), key_text(it));
	if (with_object) {
		strbuf_append_char(out, '\n');
		/* password: lines were removed when splitting; auth: hashes are filtered like in whois */
		rpsl_filter_hashes(out, it->submitted);
	}
	if (it->messages.len > 0) {
		strbuf_append_char(out, '\n');
		strbuf_append_str(out, it->messages.data);
	}
	strbuf_append_char(out, '\n');
}

/* One submission-wide line in the report's explanation, before the objects. */
static void report_header_notes(const struct run *r, const struct update_result *res, const char *store_err,
				const char *notify_failures, struct strbuf *out)
{
	if (r->req->notes != NULL && r->req->notes[0] != '\0') {
		strbuf_append_str(out, r->req->notes);
		strbuf_append_char(out, '\n');
	}
	if (store_err != NULL)
		strbuf_printf(out, "***Error:   The registry could not store this submission (%s);\n"
				   "            nothing in it was changed. Send it again later.\n\n", store_err);
	if (r->refusal != NULL)
		strbuf_printf(out, "***Error:   %s\n            Nothing in the submission was processed.\n\n", r->refusal);
	if (res->notifications_queued > 0)
		strbuf_printf(out, "***Warning: %zu notification%s could not be sent now; %s queued and will be retried:\n%s\n",
			      res->notifications_queued, res->notifications_queued == 1 ? "" : "s",
			      res->notifications_queued == 1 ? "it is" : "they are", notify_failures);
}

static void build_report(struct run *r, struct update_result *res, const char *store_err, const char *notify_failures)
{
	size_t ok_by_op[4] = { 0 }, failed_by_op[4] = { 0 };
	struct strbuf *out = &res->report;

	for (size_t i = 0; i < r->count; i++) {
		if (r->items[i].failed)
			failed_by_op[r->items[i].op]++, res->failed++;
		else
			ok_by_op[r->items[i].op]++, res->succeeded++;
	}
	res->found = r->count;
	if (r->req->dry_run)
		strbuf_append_str(out, "DRY RUN: nothing was changed.\n\n");
	strbuf_append_str(out, "SUMMARY OF UPDATE:\n\n");
	strbuf_printf(out, "Number of objects found:                   %zu\n", res->found);
	strbuf_printf(out, "Number of objects processed successfully:  %zu\n", res->succeeded);
	strbuf_printf(out, "  Create:         %zu\n  Modify:         %zu\n  Delete:         %zu\n  No Operation:   %zu\n",
		      ok_by_op[OP_CREATE], ok_by_op[OP_MODIFY], ok_by_op[OP_DELETE], ok_by_op[OP_NOOP]);
	strbuf_printf(out, "Number of objects processed with errors:   %zu\n", res->failed);
	strbuf_printf(out, "  Create:         %zu\n  Modify:         %zu\n  Delete:         %zu\n\n",
		      failed_by_op[OP_CREATE], failed_by_op[OP_MODIFY], failed_by_op[OP_DELETE]);
	strbuf_append_str(out, "DETAILED EXPLANATION:\n\n");
	report_header_notes(r, res, store_err, notify_failures, out);
	if (res->failed > 0) {
		strbuf_append_str(out, "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
		strbuf_append_str(out, "The following object(s) were found to have ERRORS:\n\n");
		for (size_t i = 0; i < r->count; i++) {
			if (r->items[i].failed)
				report_item(out, &r->items[i], true);
		}
	}
	if (res->succeeded > 0) {
		strbuf_append_str(out, "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
		strbuf_append_str(out, "The following object(s) were processed SUCCESSFULLY:\n\n");
		for (size_t i = 0; i < r->count; i++) {
			if (!r->items[i].failed)
				report_item(out, &r->items[i], false);
		}
	}
	if (r->count == 0 && r->refusal == NULL && store_err == NULL)
		strbuf_append_str(out, "***Error:   No objects found in the submission\n\n");
}

/*
 * Objects with the same class and key twice in one submission: which version was
 * meant is anyone's guess, so none of them is processed, and the report says so.
 */
static void refuse_duplicates(struct run *r)
{
	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];
		struct strbuf lines;
		size_t times = 1;

		if (it->obj->cls == NULL || it->obj->pkey == NULL)
			continue;
		strbuf_init(&lines);
		strbuf_printf(&lines, "%u", it->obj->first_line);
		for (size_t k = 0; k < r->count; k++) {
			const struct item *o = &r->items[k];

			if (k != i && o->obj->cls == it->obj->cls && o->obj->pkey != NULL && strcmp(o->obj->pkey, it->obj->pkey) == 0) {
				strbuf_printf(&lines, "%s%u", k < i ? " (and) " : ", ", o->obj->first_line);
				times++;
			}
		}
		if (times > 1)
			item_error(it, "[%s] %s appears %zu times in this submission; submit each object once\n"
				       "            (none of its versions was processed)",
				   cls_name(it), key_text(it), times);
		strbuf_release(&lines);
	}
}

/* After a store error: nothing was committed, so nothing may be reported as done. */
static void fail_everything(struct run *r)
{
	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];

		if (!it->failed)
			item_error(it, "Not applied: the registry could not store the submission (see above)");
	}
}

/* Opens the transaction and lets the channel make its claim. 0 to go on, -1 on a store error (*err). */
static int begin(struct run *r, char **err)
{
	const struct update_claim *claim = r->req->claim;
	char *refusal = NULL;
	int rc;

	if (store_tx_begin(r->st, err) < 0)
		return -1;
	if (claim == NULL || r->refusal != NULL)
		return 0;
	rc = claim->claim(claim->arg, r->st, &refusal, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		r->refusal = refusal ? refusal : xstrdup("The channel refused the submission");
	else
		free(refusal);
	return 0;
}

/* A refused submission processes none of its objects, and the report lists none. */
static void drop_items(struct run *r)
{
	for (size_t i = 0; i < r->count; i++) {
		rpsl_object_free(r->items[i].obj);
		free(r->items[i].submitted);
		strbuf_release(&r->items[i].messages);
		strbuf_release(&r->items[i].generated);
	}
	r->count = 0;
}

/*
 * The override is a password too, and the strongest one: wrong guesses count like a
 * maintainer's (auth_failures, under the name "(OVERRIDE)"), and past the limit it is
 * not even checked until the hour is over.
 */
static void check_override(struct run *r)
{
	struct password_state *ps;
	size_t saved_count = r->password_count;

	r->override_ok = false;
	if (r->override == NULL)
		return;
	/* one guess per submission: password_state asks whether one more try is allowed */
	r->password_count = 1;
	ps = password_state(r, OVERRIDE_LIMIT_NAME);
	r->password_count = saved_count;
	if (ps->is_suspended) {
		char until[TIMEFMT_UTC_SIZE];

		timefmt_utc(ps->suspended_until, until);
		r->override_suspended = true;
		if (r->count > 0)
			item_message(&r->items[0], "Warning", "The override is not checked until %s: too many wrong override"
							      " passwords (auth.password_failures_per_hour = %u)",
				     until, r->cfg->password_failures_per_hour);
		return;
	}
	r->override_ok = r->cfg->override_hash != NULL && update_auth_password_matches(r->cfg->override_hash, r->override);
	ps->has_failed = !r->override_ok;
}

/* Checks, writes and records everything inside the open transaction. 0, or -1 with *err. */
static int process(struct run *r, int64_t *queued_first, int64_t *queued_last, char **err)
{
	if (r->refusal != NULL)
		drop_items(r);
	check_override(r);
	for (size_t i = 0; i < r->count; i++) {
		if (r->items[i].failed)
			continue;
		if (r->override != NULL && !r->override_ok)
			item_error(&r->items[i], "%s", r->override_suspended ? "Override is not checked now: too many wrong"
									      " override passwords (see the warning)"
									    : "Override password is wrong");
		else
			check_item(r, &r->items[i]);
	}
	do
		propagate_failures(r);
	while (recheck_against_outcomes(r));
	if (r->store_err != NULL) {
		*err = r->store_err;
		r->store_err = NULL;
		return -1;
	}
	if (write_items(r, err) < 0)
		return -1;
	if (r->req->dry_run)
		return 0;
	for (size_t i = 0; i < r->count; i++) {
		struct item *it = &r->items[i];

		if (audit(r, it, it->failed ? "failed" : "succeeded", err) < 0)
			return -1;
	}
	if (r->refusal != NULL && audit_refusal(r, err) < 0)
		return -1;
	if (record_password_failures(r, err) < 0 || queue_notifications(r, queued_first, queued_last, err) < 0)
		return -1;
	return 0;
}

/* A dry run commits nothing, but what it tried is audited and the passwords it guessed wrong still count. */
static int record_dry_run_rows(struct run *r, char **err)
{
	for (size_t i = 0; i < r->count; i++) {
		if (audit(r, &r->items[i], r->items[i].failed ? "failed (dry run)" : "succeeded (dry run)", err) < 0)
			return -1;
	}
	return record_password_failures(r, err);
}

static void record_dry_run(struct run *r)
{
	char *err = NULL;

	if (store_tx_begin(r->st, &err) < 0 || record_dry_run_rows(r, &err) < 0 || store_tx_commit(r->st, &err) < 0) {
		store_tx_rollback(r->st);
		log_error("update: counting failed passwords of a dry run: %s", err);
		free(err);
	}
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->count; i++) {
		rpsl_object_free(r->items[i].obj);
		rpsl_object_free(r->items[i].current);
		free(r->items[i].current_text);
		free(r->items[i].submitted);
		free(r->items[i].final_text);
		strbuf_release(&r->items[i].messages);
		strbuf_release(&r->items[i].generated);
	}
	free(r->items);
	for (size_t i = 0; i < r->password_count; i++)
		free(r->passwords[i]);
	free(r->passwords);
	free(r->override);
	free(r->refusal);
	free(r->store_err);
	free(r->digests);
	free(r->pw);
	auth_cache_release(&r->auth_cache);
}

int update_run(struct store *st, const struct config *cfg, const struct update_request *req,
	       struct update_result *result, char **err)
{
	struct run r = { .st = st, .cfg = cfg, .req = req, .route_check = req->route_check, .now = time(NULL) };
	struct rpsl_reader *reader = rpsl_reader_open_memory(req->text, req->len);
	struct rpsl_paragraph p;
	struct strbuf notify_failures;
	int64_t queued_first = 1, queued_last = 0;
	char *store_err = NULL;
	int rc = 0;

	memset(result, 0, sizeof(*result));
	strbuf_init(&result->report);
	strbuf_init(&notify_failures);
	if (req->refusal != NULL)
		r.refusal = xstrdup(req->refusal);
	while (r.refusal == NULL && rpsl_reader_next(reader, &p, err) == 1)
		add_item(&r, p.text, p.len, p.first_line);
	rpsl_reader_free(reader);
	if (r.refusal == NULL && r.password_count > MAX_SUBMISSION_PASSWORDS)
		r.refusal = xasprintf("The submission holds %zu different password: lines; at most %d are accepted",
				      r.password_count, MAX_SUBMISSION_PASSWORDS);
	if (r.refusal == NULL)
		refuse_duplicates(&r);
	if (begin(&r, &store_err) < 0 || process(&r, &queued_first, &queued_last, &store_err) < 0) {
		store_tx_rollback(st);
		fail_everything(&r);
		rc = -1;
	} else if (req->dry_run) {
		store_tx_rollback(st);
		record_dry_run(&r);
	} else if (store_tx_commit(st, &store_err) < 0) {
		fail_everything(&r);
		rc = -1;
	} else {
		char *queue_err = NULL;
		int left;

		result->is_committed = true;
		left = notify_queue_deliver(st, cfg, queued_first, queued_last, r.now, &notify_failures, &queue_err);
		if (left < 0) {
			log_error("update: notifications stay queued: %s", queue_err);
			free(queue_err);
		} else {
			result->notifications_queued = (size_t)left;
		}
	}
	if (r.refusal != NULL) {
		result->is_refused = true;
		snprintf(result->refusal, sizeof(result->refusal), "%s", r.refusal);
	}
	build_report(&r, result, store_err, notify_failures.data);
	if (rc < 0) {
		*err = store_err;
		store_err = NULL;
	}
	free(store_err);
	strbuf_release(&notify_failures);
	run_release(&r);
	return rc;
}
