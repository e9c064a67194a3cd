/*
 * RIPE-style queries: "[flags] [search key]". Objects are printed as stored (names
 * padded to 16 columns), each followed by one blank line; nothing found prints
 * "%  No entries found for the selected source(s)."; errors are "%% ERROR: <message>".
 * Contact objects named by admin-c/tech-c/zone-c are appended unless -r (RIPE DB).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "authlist_mark.h"
#include "timefmt.h"
#include "rpsl_parse.h"
#include "rpsl_schema.h"
#include "set_expand.h"
#include "spool.h"
#include "version.h"
#include "whois_query.h"
#include "nrtm_serve.h"
#include "whois_rpki.h"
#include "xalloc.h"

#define NO_ENTRIES "%  No entries found for the selected source(s).\n\n"

struct ripe_request {
	bool no_recursion;     /* -r */
	bool brief;            /* -B: no filtering of contact data (we never hide more than hashes) */
	bool no_grouping;      /* -G */
	bool primary_keys;     /* -K */
	bool fast_raw;         /* -F */
	enum query_match match;
	bool match_set;        /* one of -x -l -L -M given */
	bool classes[RPSL_CLASS_COUNT];
	bool class_filter;     /* -T given */
	const char *inverse;   /* -i attribute */
	const char *template;  /* -t class */
	const char *key;       /* the search key, NULL when only flags */
};

/* Splits the query into whitespace-separated words (in a copy owned by the caller). */
static size_t split_words(char *q, char **words, size_t max)
{
	size_t n = 0;

	while (*q && n < max) {
		while (*q == ' ' || *q == '\t')
			*q++ = '\0';
		if (*q == '\0')
			break;
		words[n++] = q;
		while (*q && *q != ' ' && *q != '\t')
			q++;
	}
	return n;
}

static bool parse_classes(struct ripe_request *req, const char *list, struct strbuf *out)
{
	const char *p = list;

	req->class_filter = true;
	while (*p) {
		size_t n = strcspn(p, ",");
		const struct rpsl_class *cls = rpsl_schema_class(p, n);

		if (cls == NULL) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(n < 60 ? n : 60), p);
			whois_ripe_error(out, "unknown object type %s", name);
			return false;
		}
		req->classes[cls->id] = true;
		p += n + (p[n] == ',');
	}
	return true;
}

static bool set_sources(const struct query_context *ctx, struct whois_session *s, const char *list,
			struct strbuf *out)
{
	struct query_sources srcs;
	char unknown[MAX_SOURCE_NAME_LENGTH + 1];

	switch (query_parse_sources(ctx, list, &srcs, unknown)) {
	case -1:
		whois_ripe_error(out, "invalid source list");
		return false;
	case -2:
		whois_ripe_error(out, "unknown source %s", unknown);
		return false;
	}
	for (size_t i = 0; i < srcs.count; i++)
		memcpy(s->sources[i], srcs.items[i].name, sizeof(s->sources[i]));
	s->source_count = srcs.count;
	s->sources_set = true;
	return true;
}

static void print_template(const char *name, struct strbuf *out)
{
	const struct rpsl_class *cls = rpsl_schema_class(name, strlen(name));

	if (cls == NULL) {
		whois_ripe_error(out, "unknown object type %s", name);
		return;
	}
	for (size_t i = 0; i < cls->attr_count; i++) {
		const struct rpsl_attr_def *d = &cls->attrs[i];
		size_t n = strlen(d->name) + 1;

		strbuf_printf(out, "%s:", d->name);
		strbuf_append_repeat(out, ' ', n < 16 ? 16 - n : 1);
		strbuf_printf(out, "[%s] [%s] [%s]\n", d->flags & ATTR_MANDATORY ? "mandatory" : "optional",
			      d->flags & ATTR_MULTIPLE ? "multiple" : "single",
			      d->flags & ATTR_PRIMARY_KEY  ? "primary/look-up key"
			      : d->flags & ATTR_LOOKUP_KEY ? "inverse key"
							   : "");
	}
	strbuf_append_char(out, '\n');
}

static bool class_wanted(const struct ripe_request *req, const char *cls)
{
	const struct rpsl_class *c;

	if (!req->class_filter)
		return true;
	c = rpsl_schema_class(cls, strlen(cls));
	return c != NULL && req->classes[c->id];
}

/* "AS1-AS9" or "AS1 - AS9" as the canonical as-block key "AS1 - AS9". */
static bool as_range_key(const char *key, char *out, size_t size)
{
	const char *dash = strchr(key, '-');
	char lo[ASN_STRLEN], hi[ASN_STRLEN];
	uint32_t a, b;
	const char *err, *p, *end;

	if (dash == NULL)
		return false;
	for (end = dash; end > key && end[-1] == ' '; end--)
		;
	for (p = dash + 1; *p == ' '; p++)
		;
	if (asn_parse(key, (size_t)(end - key), true, &a, &err) != 0 || asn_parse(p, strlen(p), true, &b, &err) != 0)
		return false;
	asn_format(a, lo);
	asn_format(b, hi);
	snprintf(out, size, "%s - %s", lo, hi);
	return true;
}

/* Runs the lookups a search key implies; results go to objs in source order. */
static void lookup(const struct query_context *ctx, const struct query_sources *srcs, const struct ripe_request *req,
		   struct query_objects *objs)
{
	const char *key = req->key, *err;
	struct prefix p;
	uint32_t asn;
	char range_key[64];

	for (size_t s = 0; s < srcs->count; s++) {
		const struct query_source *src = &srcs->items[s];

		if (req->inverse != NULL) {
			query_by_attr(ctx, src, req->inverse, key, NULL, objs);
			continue;
		}
		if (prefix_parse(key, strlen(key), 0, &p, &err) == 0 ||
		    prefix_parse_address(key, strlen(key), 0, &p, &err) == 0) {
			enum query_match m = req->match_set ? req->match : MATCH_EXACT;
			size_t before = objs->count;

			query_by_prefix(ctx, src, &p, m, NULL, objs);
			/* Default: the exact match, else the closest less specific (RIPE DB). */
			if (!req->match_set && objs->count == before)
				query_by_prefix(ctx, src, &p, MATCH_LESS_ONE, NULL, objs);
			continue;
		}
		if (asn_parse(key, strlen(key), true, &asn, &err) == 0) {
			char canon[ASN_STRLEN];

			asn_format(asn, canon);
			query_by_key(ctx, src, "aut-num", canon, objs);
			if (req->class_filter && req->classes[RPSL_CLASS_AS_BLOCK])
				query_as_block(ctx, src, asn, objs);
			continue;
		}
		if (as_range_key(key, range_key, sizeof(range_key))) {
			query_by_key(ctx, src, "as-block", range_key, objs);
			continue;
		}
		/* Any class whose primary key this could be. */
		for (int c = 0; c < RPSL_CLASS_COUNT; c++) {
			const struct rpsl_class *cls = rpsl_schema_class_by_id((enum rpsl_class_id)c);

			if (cls->id == RPSL_CLASS_ROUTE || cls->id == RPSL_CLASS_ROUTE6)
				continue;
			query_by_key(ctx, src, cls->name, key, objs);
		}
		/* route keys are prefix+origin: "192.0.2.0/24AS1" */
		if (strchr(key, '/') != NULL) {
			query_by_key(ctx, src, "route", key, objs);
			query_by_key(ctx, src, "route6", key, objs);
		}
	}
}

/*
 * Appends the person/role objects the results name as contacts, once each: only
 * of results that will be printed (a -T filter drops the others, and their
 * contacts with them).
 */
static void add_contacts(const struct query_context *ctx, const struct ripe_request *req,
			 const struct query_sources *srcs, struct query_objects *objs)
{
	static const char *const contact_attrs[] = { "admin-c", "tech-c", "zone-c" };
	size_t original = objs->count;

	for (size_t i = 0; i < original; i++) {
		struct rpsl_object *o;

		if (!class_wanted(req, objs->items[i].cls))
			continue;
		o = rpsl_parse_object(objs->items[i].text, strlen(objs->items[i].text), 1, RPSL_TOLERANT);

		for (size_t a = 0; a < o->attr_count; a++) {
			bool is_contact = false;
			const char *v;

			for (size_t k = 0; k < 3; k++)
				is_contact |= strcmp(o->attrs[a].name, contact_attrs[k]) == 0;
			if (!is_contact)
				continue;
			for (v = o->attrs[a].value; *v;) {
				size_t n = strcspn(v, ",");
				char *handle = xstrndup(v, n), *h = handle;

				while (*h == ' ')
					h++;
				for (size_t s = 0; s < srcs->count; s++) {
					size_t before = objs->count;

					query_by_key(ctx, &srcs->items[s], "person", h, objs);
					query_by_key(ctx, &srcs->items[s], "role", h, objs);
					if (objs->count > before)
						break;
				}
				free(handle);
				v += n + (v[n] == ',');
			}
		}
		rpsl_object_free(o);
	}
}

/*
 * Route objects of our source carry the authorisation list's mark as a comment line
 * before the object (a comment, so the RPSL itself stays as stored for parsers).
 */
static void print_route_mark(const struct query_context *ctx, const struct query_object *o, struct strbuf *out)
{
	int64_t entry = 0, when = 0;
	int rc;

	if ((strcmp(o->cls, "route") != 0 && strcmp(o->cls, "route6") != 0) || strcasecmp(o->source, ctx->cfg->source) != 0)
		return;
	rc = authlist_route_mark(ctx->st, ctx->cfg->source, o->cls, o->pkey, &entry, &when);
	if (rc == 1 && entry > 0) {
		char t[TIMEFMT_UTC_SIZE];

		timefmt_utc((time_t)when, t);
		strbuf_printf(out, "%% Verified by authorisation list entry #%lld (%s)\n", (long long)entry, t);
	} else if (rc == 1) {
		strbuf_append_str(out, "% Accepted by registry staff override, not verified by the authorisation list\n");
	} else if (rc == 0) {
		strbuf_append_str(out, "% Not verified by the authorisation list\n");
	}
}

/* objs[0, direct) matched the query; the rest are their contacts, printed whatever -T says. */
static void print_objects(const struct query_context *ctx, const struct ripe_request *req, const struct query_objects *objs,
			  size_t direct, struct spool *answer)
{
	struct strbuf *out = &answer->text;
	size_t printed = 0;

	for (size_t i = 0; i < objs->count; i++) {
		const struct query_object *o = &objs->items[i];

		spool_checkpoint(answer);

		if (i < direct && !class_wanted(req, o->cls))
			continue;
		if (req->primary_keys) {
			/* -K: only the primary key attributes */
			struct rpsl_object *obj = rpsl_parse_object(o->text, strlen(o->text), 1, RPSL_TOLERANT);

			for (size_t a = 0; a < obj->attr_count; a++) {
				const struct rpsl_attr *at = &obj->attrs[a];

				if (at->def != NULL && (at->def->flags & ATTR_PRIMARY_KEY)) {
					size_t n = strlen(at->name) + 1;

					strbuf_printf(out, "%s:", at->name);
					strbuf_append_repeat(out, ' ', n < 16 ? 16 - n : 1);
					strbuf_printf(out, "%s\n", at->value);
				}
			}
			rpsl_object_free(obj);
		} else {
			enum rov_state state;

			print_route_mark(ctx, o, out);
			whois_append_filtered(out, o->text);
			/* as IRRd prints it: an attribute after the object, not stored in it */
			if (whois_route_state(ctx, o, &state))
				strbuf_printf(out, "rpki-ov-state:  %s\n", rov_state_name(state));
		}
		strbuf_append_char(out, '\n');
		printed++;
	}
	if (printed == 0)
		strbuf_append_str(out, NO_ENTRIES);
}

void ripe_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
		struct spool *answer)
{
	struct strbuf *out = &answer->text;
	struct ripe_request req = { .match = MATCH_EXACT };
	char *copy, *words[64], *key_parts[64];
	size_t n, key_words = 0;
	struct strbuf key;
	struct query_sources srcs;
	struct query_objects objs;

	if (memchr(line, '\0', len) != NULL) {
		whois_ripe_error(out, "query contains a NUL byte");
		return;
	}
	copy = xstrndup(line, len);
	strbuf_init(&key);
	n = split_words(copy, words, 64);
	for (size_t i = 0; i < n; i++) {
		const char *w = words[i];
		const char *next = i + 1 < n ? words[i + 1] : NULL;

		if (w[0] != '-' || w[1] == '\0') {
			/* Words that are not flags or flag arguments form the key (person names have spaces). */
			if (key_words < 64)
				key_parts[key_words++] = words[i];
			continue;
		}
		if (strcmp(w, "--") == 0)
			continue;
		for (const char *f = w + 1; *f; f++) {
			/* Flags with an argument take the next word and must end their group ("-rT route"). */
			if (strchr("TtisqVg", *f) != NULL && (f[1] != '\0' || next == NULL)) {
				whois_ripe_error(out, "flag -%c needs an argument as the next word", *f);
				goto out;
			}
			switch (*f) {
			case 'r':
				req.no_recursion = true;
				break;
			case 'B':
				req.brief = true;
				break;
			case 'G':
				req.no_grouping = true;
				break;
			case 'K':
				req.primary_keys = true;
				break;
			case 'F':
				req.fast_raw = true;
				break;
			case 'k':
				if (n == 1) {
					/* "-k" alone toggles the persistent connection and answers nothing */
					s->keepalive = !s->keepalive;
					goto out;
				}
				s->keepalive = true;
				break;
			case 'x':
				req.match = MATCH_EXACT, req.match_set = true;
				break;
			case 'l':
				req.match = MATCH_LESS_ONE, req.match_set = true;
				break;
			case 'L':
				req.match = MATCH_LESS_ALL_INCL_EXACT, req.match_set = true;
				break;
			case 'M':
				req.match = MATCH_MORE_ALL, req.match_set = true;
				break;
			case 'T':
				if (!parse_classes(&req, words[++i], out))
					goto out;
				goto next_word;
			case 't':
				req.template = words[++i];
				goto next_word;
			case 'i': {
				char *attr = words[++i];

				for (char *c = attr; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				if (strcmp(attr, "mnt-by") != 0 && strcmp(attr, "admin-c") != 0 &&
				    strcmp(attr, "tech-c") != 0 && strcmp(attr, "member-of") != 0 &&
				    strcmp(attr, "mbrs-by-ref") != 0 && strcmp(attr, "members") != 0 &&
				    strcmp(attr, "mp-members") != 0 && strcmp(attr, "origin") != 0 &&
				    strcmp(attr, "mnt-lower") != 0 && strcmp(attr, "mnt-routes") != 0 &&
				    strcmp(attr, "org") != 0 && strcmp(attr, "notify") != 0 &&
				    strcmp(attr, "upd-to") != 0 && strcmp(attr, "mnt-nfy") != 0 &&
				    strcmp(attr, "e-mail") != 0 && strcmp(attr, "mnt-ref") != 0 &&
				    strcmp(attr, "local-as") != 0 && strcmp(attr, "zone-c") != 0) {
					whois_ripe_error(out, "attribute %s is not an inverse key", attr);
					goto out;
				}
				req.inverse = attr;
				goto next_word;
			}
			case 'a':
				s->sources_set = false; /* all sources: back to the default order */
				break;
			case 's':
				if (!set_sources(ctx, s, words[++i], out))
					goto out;
				goto next_word;
			case 'q': {
				const char *what = words[++i];

				if (strcmp(what, "version") == 0) {
					strbuf_printf(out, "%% routereg %s\n\n", ROUTEREG_VERSION);
				} else if (strcmp(what, "sources") == 0) {
					if (whois_session_sources(ctx, s, &srcs) == 0) {
						for (size_t k = 0; k < srcs.count; k++) {
							struct query_source_state info;

							if (query_source_state(ctx, srcs.items[k].name, &info) != 1)
								continue;
							strbuf_printf(out, "%s:3:%c:%lld-%lld\n", info.source.name,
								      info.serial_oldest > 0 ? 'Y' : 'N',
								      (long long)info.serial_oldest,
								      (long long)info.serial_newest);
						}
					}
					strbuf_append_char(out, '\n');
				} else {
					whois_ripe_error(out, "unknown -q argument %s", what);
				}
				goto out;
			}
			case 'g':
				/* NRTM: the rest of the query does not matter (IRRd answers the -g alone) */
				nrtm_serve(ctx, s, words[++i], answer);
				goto out;
			case 'V': {
				const char *agent = words[++i];
				size_t an = strnlen(agent, sizeof(s->agent) - 1);

				memcpy(s->agent, agent, an);
				s->agent[an] = '\0';
				goto next_word;
			}
			default:
				whois_ripe_error(out, "invalid option -%c", *f);
				goto out;
			}
		}
	next_word:;
	}
	if (req.template != NULL) {
		print_template(req.template, out);
		goto out;
	}
	for (size_t k = 0; k < key_words; k++)
		strbuf_printf(&key, "%s%s", k ? " " : "", key_parts[k]);
	if (key_words > 0)
		req.key = key.data;
	if (req.key == NULL) {
		if (!s->keepalive || n == 0)
			whois_ripe_error(out, "no search key specified");
		goto out;
	}
	if (whois_session_sources(ctx, s, &srcs) < 0) {
		whois_ripe_error(out, "internal error reading sources");
		goto out;
	}
	query_objects_init(&objs);
	lookup(ctx, &srcs, &req, &objs);
	whois_rpki_drop_hidden(ctx, s, &objs);
	if (objs.truncated) {
		whois_ripe_error(out, "too many objects match (more than 100,000): narrow the query");
	} else {
		size_t direct = objs.count;

		if (!req.no_recursion && !req.primary_keys)
			add_contacts(ctx, &req, &srcs, &objs);
		print_objects(ctx, &req, &objs, direct, answer);
	}
	query_objects_release(&objs);
out:
	strbuf_release(&key);
	free(copy);
}
