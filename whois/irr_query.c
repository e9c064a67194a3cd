/*
 * IRRd-style '!' commands with the exact framing bgpq4 and bgpq3 depend on
 * (../shared/docs/PROTOCOLS.md): data as "A<n>\n<data>\nC\n" with n = bytes of data
 * + 1, "C\n" for success without data, "D\n" for nothing found, "F <message>\n" for
 * errors. Answers are built in a spool (spool.h): a large one goes to a temporary
 * file as it grows, and its "A<n>" header is put in front once n is known.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"
#include "set_expand.h"
#include "spool.h"
#include "version.h"
#include "whois_query.h"
#include "whois_rpki.h"
#include "whois_status.h"
#include "xalloc.h"

static void answer_data(struct spool *out, const char *data, size_t len)
{
	if (len == 0) {
		strbuf_append_str(&out->text, "D\n");
		return;
	}
	strbuf_printf(&out->text, "A%zu\n", len + 1);
	strbuf_append(&out->text, data, len);
	strbuf_append_str(&out->text, "\nC\n");
}

static void answer_ok(struct spool *out)
{
	strbuf_append_str(&out->text, "C\n");
}

static void answer_none(struct spool *out)
{
	strbuf_append_str(&out->text, "D\n");
}

/* "F <message>\n"; the message is cleaned of control characters (it may quote the client). */
static void answer_error(struct spool *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void answer_error(struct spool *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	whois_append_error(&out->text, "F ", "\n", fmt, ap);
	va_end(ap);
}

/* A data spool for an answer being built: spills like the answer it goes into. */
static void data_init(struct spool *data, const struct spool *out)
{
	spool_init(data, out->spill_at, out->directory);
}

/*
 * Frames a data spool as "A<n>\n<data>\nC\n" (trailing newlines and blanks of the
 * data dropped) and appends it to out; empty data answers if_empty ("D\n" or "C\n").
 * Releases data.
 */
static void answer_spool(struct spool *out, struct spool *data, const char *if_empty)
{
	char header[32];
	size_t len;
	int n;

	spool_trim_end(data);
	len = spool_length(data);
	if (len == 0) {
		spool_release(data);
		strbuf_append_str(&out->text, if_empty);
		return;
	}
	n = snprintf(header, sizeof(header), "A%zu\n", len + 1);
	spool_prepend(data, header, (size_t)n);
	strbuf_append_str(&data->text, "\nC\n");
	spool_append_spool(out, data);
}

/* Appends prefixes separated by blanks to a data spool. */
static void append_prefixes(struct spool *data, const struct prefix_vec *v)
{
	for (size_t i = 0; i < v->count; i++) {
		char buf[PREFIX_STRLEN];

		prefix_format(&v->items[i], buf);
		if (i > 0)
			strbuf_append_char(&data->text, ' ');
		strbuf_append_str(&data->text, buf);
		if ((i & 1023) == 1023)
			spool_checkpoint(data);
	}
}

static bool sources_or_fail(const struct query_context *ctx, const struct whois_session *s,
			    struct query_sources *srcs, struct spool *out)
{
	if (whois_session_sources(ctx, s, srcs) < 0) {
		answer_error(out, "internal error reading sources");
		return false;
	}
	return true;
}

static void cmd_sources(const struct query_context *ctx, struct whois_session *s, const char *arg,
			struct spool *out)
{
	struct query_sources srcs;
	struct strbuf data;

	if (strcmp(arg, "-lc") == 0) {
		if (!sources_or_fail(ctx, s, &srcs, out))
			return;
		strbuf_init(&data);
		for (size_t i = 0; i < srcs.count; i++)
			strbuf_printf(&data, "%s%s", i ? "," : "", srcs.items[i].name);
		answer_data(out, data.data, data.len);
		strbuf_release(&data);
		return;
	}
	if (strcmp(arg, "-*") == 0) {
		if (query_sources_all(ctx, &srcs) < 0) {
			answer_error(out, "internal error reading sources");
			return;
		}
		for (size_t i = 0; i < srcs.count; i++)
			memcpy(s->sources[i], srcs.items[i].name, sizeof(s->sources[i]));
		s->source_count = srcs.count;
		s->sources_set = true;
		answer_ok(out);
		return;
	}
	{
		char unknown[MAX_SOURCE_NAME_LENGTH + 1];

		switch (query_parse_sources(ctx, arg, &srcs, unknown)) {
		case -1:
			answer_error(out, *arg ? "Invalid source list" : "Missing source list");
			return;
		case -2:
			answer_error(out, "Unknown source %s", unknown);
			return;
		}
		for (size_t i = 0; i < srcs.count; i++)
			memcpy(s->sources[i], srcs.items[i].name, sizeof(s->sources[i]));
		s->source_count = srcs.count;
		s->sources_set = true;
		answer_ok(out);
	}
}

/* Writes n in decimal at out; returns the end. */
static char *put_size(char *out, size_t n)
{
	char digits[24];
	size_t k = 0;

	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	while (k > 0)
		*out++ = digits[--k];
	return out;
}

/*
 * Answers up to this many prefixes are formatted straight into out's memory (at most
 * 33 KB); more go through a data spool, which can spill to a file as it grows.
 */
#define DIRECT_ANSWER_PREFIXES 512
/* Room for "A<n>\n" before the data while it is written (moved up to the header's end after). */
#define DIRECT_HEADER_ROOM 24

/*
 * Appends the prefixes as one data answer, "A<n>\n<prefixes>\nC\n", or "D\n" when
 * there are none. A small answer (the common !g) is formatted in place: no data
 * spool, no snprintf, one move of the data to close up to its header.
 */
static void answer_prefixes(struct spool *out, const struct prefix_vec *v)
{
	struct spool data;
	char *start, *data_start, *p;
	size_t len, header_len;

	if (v->count == 0) {
		answer_none(out);
		return;
	}
	if (v->count > DIRECT_ANSWER_PREFIXES) {
		data_init(&data, out);
		append_prefixes(&data, v);
		answer_spool(out, &data, "D\n");
		return;
	}
	/* each prefix takes at most PREFIX_STRLEN bytes with its NUL, so a blank and the next one fit */
	strbuf_reserve(&out->text, DIRECT_HEADER_ROOM + v->count * (PREFIX_STRLEN + 1) + 3);
	start = out->text.data + out->text.len;
	data_start = p = start + DIRECT_HEADER_ROOM;
	for (size_t i = 0; i < v->count; i++) {
		if (i > 0)
			*p++ = ' ';
		p += prefix_format(&v->items[i], p);
	}
	len = (size_t)(p - data_start);
	p = start;
	*p++ = 'A';
	p = put_size(p, len + 1);
	*p++ = '\n';
	header_len = (size_t)(p - start);
	memmove(p, data_start, len);
	memcpy(p + len, "\nC\n", 4);
	out->text.len += header_len + len + 3;
	spool_checkpoint(out);
}

/* !g / !6: distinct prefixes of route / route6 objects with this origin. */
static void cmd_origin(const struct query_context *ctx, struct whois_session *s, const char *arg, uint8_t family,
		       struct spool *out)
{
	struct query_sources srcs;
	struct prefix_vec v = { 0 };
	size_t contributing = 0;
	uint32_t asn;
	const char *err;

	if (asn_parse(arg, strlen(arg), false, &asn, &err) < 0) {
		answer_error(out, "Invalid AS number %s", arg);
		return;
	}
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	for (size_t i = 0; i < srcs.count; i++) {
		size_t first = v.count;

		if (query_origin_prefixes(ctx, &srcs.items[i], asn, family, &v) < 0) {
			answer_error(out, "internal error reading routes");
			prefix_vec_release(&v);
			return;
		}
		whois_policy_trim(ctx, s, srcs.items[i].name, &v, first, asn);
		contributing += v.count > first;
	}
	/* one source's prefixes come sorted and unique (query_origin_prefixes); several are merged */
	if (contributing > 1)
		prefix_vec_sort_unique(&v);
	answer_prefixes(out, &v);
	prefix_vec_release(&v);
}

/* !i<set>[,1] */
static void cmd_set(const struct query_context *ctx, struct whois_session *s, const char *arg, struct spool *out)
{
	struct query_sources srcs;
	struct set_result r;
	struct spool data;
	char name[MAX_PRIMARY_KEY_LENGTH];
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	bool recursive = comma != NULL && strcmp(comma + 1, "1") == 0;
	struct whois_route_filter policy;
	char *err = NULL;

	if (n == 0) {
		answer_error(out, "Missing required set name for i query");
		return;
	}
	if (n >= sizeof(name) || (comma != NULL && !recursive)) {
		answer_error(out, "Invalid set query %s", arg);
		return;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	/* a route-set's routes follow the answer's policy as !g's do (bgpq4 expands route-sets with !i,1) */
	whois_route_filter_init(&policy, ctx, s);
	if (set_expand_filtered(ctx, &srcs, name, recursive, &policy.filter, &r, &err) < 0) {
		answer_error(out, "%s", err);
		free(err);
		return;
	}
	if (!r.found) {
		answer_none(out);
		set_result_release(&r);
		return;
	}
	data_init(&data, out);
	if (!recursive) {
		for (size_t i = 0; i < r.member_count; i++) {
			if (i)
				strbuf_append_char(&data.text, ' ');
			strbuf_append_str(&data.text, r.members[i]);
			if ((i & 1023) == 1023)
				spool_checkpoint(&data);
		}
	} else if (r.is_route_set) {
		for (size_t i = 0; i < r.prefix_count; i++) {
			if (i)
				strbuf_append_char(&data.text, ' ');
			set_prefix_format(&r.prefixes[i], &data.text);
			if ((i & 1023) == 1023)
				spool_checkpoint(&data);
		}
	} else {
		for (size_t i = 0; i < r.asn_count; i++) {
			strbuf_printf(&data.text, "%sAS%u", i ? " " : "", r.asns[i]);
			if ((i & 1023) == 1023)
				spool_checkpoint(&data);
		}
	}
	/* A set that exists but is empty answers C: the key was found. */
	answer_spool(out, &data, "C\n");
	set_result_release(&r);
}

/* !a[4|6]<as-set>: prefixes of the routes originated by the set's ASNs. */
static void cmd_as_set_prefixes(const struct query_context *ctx, struct whois_session *s, const char *arg,
				struct spool *out)
{
	uint8_t family = 0;
	struct query_sources srcs;
	struct set_result r;
	struct prefix_vec v = { 0 };
	struct spool data;
	char *err = NULL;

	if (arg[0] == '4' || arg[0] == '6') {
		family = arg[0] == '4' ? 4 : 6;
		arg++;
	}
	if (*arg == '\0') {
		answer_error(out, "Missing required set name for A query");
		return;
	}
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	if (set_expand(ctx, &srcs, arg, true, &r, &err) < 0) {
		answer_error(out, "%s", err);
		free(err);
		return;
	}
	if (!r.found || r.is_route_set) {
		answer_none(out);
		set_result_release(&r);
		return;
	}
	for (size_t i = 0; i < r.asn_count; i++) {
		for (size_t k = 0; k < srcs.count; k++) {
			size_t first = v.count;

			if (query_origin_prefixes(ctx, &srcs.items[k], r.asns[i], family, &v) < 0) {
				answer_error(out, "internal error reading routes");
				goto out;
			}
			whois_policy_trim(ctx, s, srcs.items[k].name, &v, first, r.asns[i]);
		}
		if (v.count > MAX_SET_MEMBERS) {
			answer_error(out, "set has more than 2,000,000 route prefixes");
			goto out;
		}
	}
	prefix_vec_sort_unique(&v);
	data_init(&data, out);
	append_prefixes(&data, &v);
	answer_spool(out, &data, "C\n");
out:
	prefix_vec_release(&v);
	set_result_release(&r);
}

/* Appends the objects' text, separated by blank lines, to a data spool. */
static void append_objects(struct spool *data, const struct query_objects *objs)
{
	for (size_t i = 0; i < objs->count; i++) {
		/* spill before each object, so the last one (whose end is trimmed) is in memory */
		spool_checkpoint(data);
		if (i > 0)
			strbuf_append_char(&data->text, '\n');
		whois_append_filtered(&data->text, objs->items[i].text);
	}
}

/* Answers with the objects (separated by blank lines), or the too-many error; frees them. */
static void answer_objects(struct spool *out, struct query_objects *objs)
{
	struct spool data;

	if (objs->truncated) {
		answer_error(out, "Too many objects (more than 100,000)");
	} else {
		data_init(&data, out);
		append_objects(&data, objs);
		answer_spool(out, &data, "D\n");
	}
	query_objects_release(objs);
}

/* !m<class>,<key>: the object from the first source that has it. */
static void cmd_match(const struct query_context *ctx, struct whois_session *s, const char *arg, struct spool *out)
{
	const char *comma = strchr(arg, ',');
	char cls[32];
	struct query_sources srcs;
	struct query_objects objs;
	size_t n;

	if (comma == NULL || comma == arg || (n = (size_t)(comma - arg)) >= sizeof(cls) || comma[1] == '\0') {
		answer_error(out, "Invalid syntax: use !m<object-class>,<primary-key>");
		return;
	}
	for (size_t i = 0; i < n; i++)
		cls[i] = (char)tolower((unsigned char)arg[i]);
	cls[n] = '\0';
	if (rpsl_schema_class(cls, n) == NULL) {
		answer_error(out, "Unknown object class %s", cls);
		return;
	}
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	query_objects_init(&objs);
	for (size_t i = 0; i < srcs.count && objs.count == 0; i++)
		query_by_key(ctx, &srcs.items[i], cls, comma + 1, &objs);
	whois_rpki_drop_hidden(ctx, s, &objs);
	answer_objects(out, &objs);
}

/* !o<mntner>: every object maintained by it. */
static void cmd_maintained(const struct query_context *ctx, struct whois_session *s, const char *arg,
			   struct spool *out)
{
	struct query_sources srcs;
	struct query_objects objs;

	if (*arg == '\0') {
		answer_error(out, "Missing maintainer name");
		return;
	}
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	query_objects_init(&objs);
	for (size_t i = 0; i < srcs.count; i++)
		query_by_attr(ctx, &srcs.items[i], "mnt-by", arg, NULL, &objs);
	whois_rpki_drop_hidden(ctx, s, &objs);
	answer_objects(out, &objs);
}

/* !r<prefix>[,o|l|L|M] over route and route6 objects. */
/* An origin found by a route search and where it was first found. */
struct found_origin {
	uint32_t asn;
	size_t order;
};

static int compare_by_asn(const void *a, const void *b)
{
	const struct found_origin *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static int compare_by_order(const void *a, const void *b)
{
	const struct found_origin *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

static void cmd_route_search(const struct query_context *ctx, struct whois_session *s, const char *arg,
			     struct spool *out)
{
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	char option = comma ? comma[1] : '\0';
	enum query_match match = MATCH_EXACT;
	bool origins_only = false;
	struct query_sources srcs;
	struct query_objects objs;
	struct spool data;
	struct prefix p;
	const char *err;

	if (prefix_parse(arg, n, 0, &p, &err) < 0) {
		answer_error(out, "Invalid prefix %s", arg);
		return;
	}
	if (comma != NULL && (comma[1] == '\0' || comma[2] != '\0')) {
		answer_error(out, "Invalid option: use one of o, l, L, M after the comma");
		return;
	}
	switch (option) {
	case '\0':
		break;
	case 'o':
		origins_only = true;
		break;
	case 'l':
		match = MATCH_LESS_ONE;
		break;
	case 'L':
		match = MATCH_LESS_ALL_INCL_EXACT;
		break;
	case 'M':
		match = MATCH_MORE_ALL;
		break;
	default:
		answer_error(out, "Invalid option: use one of o, l, L, M after the comma");
		return;
	}
	if (!sources_or_fail(ctx, s, &srcs, out))
		return;
	query_objects_init(&objs);
	for (size_t i = 0; i < srcs.count; i++)
		query_by_prefix(ctx, &srcs.items[i], &p, match, p.family == 4 ? "route" : "route6", &objs);
	whois_rpki_drop_hidden(ctx, s, &objs);
	if (objs.truncated) {
		answer_error(out, "Too many objects (more than 100,000)");
	} else if (origins_only) {
		/* distinct origins, in the order their routes were found */
		struct found_origin *found = xcalloc(objs.count + 1, sizeof(*found));
		size_t count = 0, distinct = 0;

		for (size_t i = 0; i < objs.count; i++) {
			const char *as = strrchr(objs.items[i].pkey, 'A');
			uint32_t asn;

			if (as != NULL && asn_parse(as, strlen(as), true, &asn, &err) == 0) {
				found[count].asn = asn;
				found[count].order = count;
				count++;
			}
		}
		qsort(found, count, sizeof(*found), compare_by_asn);
		for (size_t i = 0; i < count; i++) {
			if (distinct == 0 || found[distinct - 1].asn != found[i].asn)
				found[distinct++] = found[i];
		}
		qsort(found, distinct, sizeof(*found), compare_by_order);
		data_init(&data, out);
		for (size_t i = 0; i < distinct; i++)
			strbuf_printf(&data.text, "%sAS%u", i ? " " : "", found[i].asn);
		free(found);
		answer_spool(out, &data, "D\n");
	} else {
		data_init(&data, out);
		append_objects(&data, &objs);
		answer_spool(out, &data, "D\n");
	}
	query_objects_release(&objs);
}

/* !j<source> / !j-*: serial status "SOURCE:Y|N:first-last". */
static void cmd_serials(const struct query_context *ctx, const char *arg, struct spool *out)
{
	struct query_sources srcs;
	struct strbuf data;

	if (strcmp(arg, "-*") == 0) {
		if (query_sources_all(ctx, &srcs) < 0) {
			answer_error(out, "internal error reading sources");
			return;
		}
	} else {
		char unknown[MAX_SOURCE_NAME_LENGTH + 1];

		switch (query_parse_sources(ctx, arg, &srcs, unknown)) {
		case -1:
			answer_error(out, "Invalid source list");
			return;
		case -2:
			answer_error(out, "Unknown source %s", unknown);
			return;
		}
	}
	strbuf_init(&data);
	for (size_t i = 0; i < srcs.count; i++) {
		struct query_source_state st;

		if (query_source_state(ctx, srcs.items[i].name, &st) != 1)
			continue;
		if (st.serial_oldest > 0)
			strbuf_printf(&data, "%s%s:Y:%lld-%lld", i ? "\n" : "", st.source.name,
				      (long long)st.serial_oldest, (long long)st.serial_newest);
		else
			strbuf_printf(&data, "%s%s:N:0-%lld", i ? "\n" : "", st.source.name,
				      (long long)st.serial_newest);
	}
	answer_data(out, data.data, data.len);
	strbuf_release(&data);
}

static void dispatch(const struct query_context *ctx, struct whois_session *s, char cmd, const char *arg,
		     struct spool *out);

void irr_query(const struct query_context *ctx, struct whois_session *s, const char *line, size_t len,
	       struct spool *out)
{
	char *arg;

	if (len < 2) {
		answer_error(out, "Missing command");
		return;
	}
	if (memchr(line, '\0', len) != NULL) {
		answer_error(out, "Query contains a NUL byte");
		return;
	}
	arg = xstrndup(line + 2, len - 2);
	dispatch(ctx, s, line[1], arg, out);
	free(arg);
}

static void dispatch(const struct query_context *ctx, struct whois_session *s, char cmd, const char *arg,
		     struct spool *out)
{
	switch (cmd) {
	case '!':
		s->multi = true; /* no reply: bgpq4 does not read one */
		return;
	case 'q':
		s->close = true;
		return;
	case 't': {
		char *end;
		long t = strtol(arg, &end, 10);

		if (!isdigit((unsigned char)arg[0]) || *end != '\0' || t < 1 || t > 86400) {
			answer_error(out, "Invalid timeout: use !t<seconds>, 1 to 86400");
			return;
		}
		s->timeout = (unsigned)t;
		answer_ok(out);
		return;
	}
	case 'v': {
		char version[64];
		int n = snprintf(version, sizeof(version), "routereg %s", ROUTEREG_VERSION);

		answer_data(out, version, (size_t)n);
		return;
	}
	case 'n': {
		size_t n = strnlen(arg, sizeof(s->agent) - 1);

		memcpy(s->agent, arg, n);
		s->agent[n] = '\0';
		answer_ok(out);
		return;
	}
	case 's':
		cmd_sources(ctx, s, arg, out);
		return;
	case 'a':
		cmd_as_set_prefixes(ctx, s, arg, out);
		return;
	case 'g':
		cmd_origin(ctx, s, arg, 4, out);
		return;
	case '6':
		cmd_origin(ctx, s, arg, 6, out);
		return;
	case 'i':
		cmd_set(ctx, s, arg, out);
		return;
	case 'm':
		cmd_match(ctx, s, arg, out);
		return;
	case 'o':
		cmd_maintained(ctx, s, arg, out);
		return;
	case 'r':
		cmd_route_search(ctx, s, arg, out);
		return;
	case 'j':
		cmd_serials(ctx, arg, out);
		return;
	case 'J': {
		char *err = NULL;
		json_t *status = whois_status_json(ctx, arg, &err);
		char *text;

		if (status == NULL) {
			answer_error(out, "%s", err);
			free(err);
			return;
		}
		text = json_dumps(status, JSON_INDENT(4) | JSON_SORT_KEYS);
		json_decref(status);
		answer_data(out, text, strlen(text));
		free(text);
		return;
	}
	case 'f':
		if (strcmp(arg, "no-rpki-filter") != 0) {
			answer_error(out, "Unrecognized command: !f%s (the only one is !fno-rpki-filter)", arg);
			return;
		}
		s->no_rpki_filter = true;
		answer_ok(out);
		return;
	default:
		answer_error(out, "Unrecognized command: !%c", cmd);
		return;
	}
}
