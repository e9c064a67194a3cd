/*
 * SLURM files (RFC 8416): a checklist per member, every unknown member refused, the
 * overlap rules between files (section 4.2), and the filters and assertions applied
 * to a VRP set; see slurm.h.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irr_limits.h"
#include "log.h"
#include "slurm.h"
#include "strbuf.h"
#include "xalloc.h"

/* Where an entry came from, for messages. */
struct origin {
	uint16_t file;
	uint16_t list; /* LIST_* */
	uint32_t entry; /* 1-based */
};

enum { LIST_PREFIX_FILTERS, LIST_BGPSEC_FILTERS, LIST_PREFIX_ASSERTIONS, LIST_BGPSEC_ASSERTIONS };
static const char *const list_names[] = {
	"validationOutputFilters.prefixFilters", "validationOutputFilters.bgpsecFilters",
	"locallyAddedAssertions.prefixAssertions", "locallyAddedAssertions.bgpsecAssertions",
};

struct slurm_filter {
	struct prefix prefix;
	uint32_t asn;
	bool has_prefix, has_asn;
	struct origin from;
};

struct slurm_assertion {
	struct prefix prefix;
	uint8_t max_length;
	uint32_t asn;
	struct origin from;
};

/* An AS named by a BGPsec filter or assertion: only the overlap rule between files uses them. */
struct slurm_bgpsec_as {
	uint32_t asn;
	struct origin from;
};

struct slurm {
	char **names; /* file names, for messages */
	size_t n_names;
	struct slurm_filter *filters;
	size_t n_filters, cap_filters;
	struct slurm_assertion *assertions;
	size_t n_assertions, cap_assertions;
	struct slurm_bgpsec_as *bgpsec;
	size_t n_bgpsec, cap_bgpsec;
	uint32_t *as_only; /* ASes of filters without a prefix, sorted */
	size_t n_as_only;
	struct slurm_counts counts;
};

struct parse {
	struct slurm *s;
	const char *name;
	uint16_t file;
	char *err;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	p->err = xasprintf("%s: %s", p->name, msg ? msg : "out of memory");
	free(msg);
	return -1;
}

static bool key_is(const char *key, size_t key_len, const char *name)
{
	return strlen(name) == key_len && memcmp(key, name, key_len) == 0;
}

/* Refuses members of obj not in `allowed` (NULL-terminated); `where` names obj in messages. */
static int only_members(struct parse *p, const json_t *obj, const char *const *allowed, const char *where)
{
	for (void *it = json_object_iter((json_t *)obj); it != NULL; it = json_object_iter_next((json_t *)obj, it)) {
		const char *key = json_object_iter_key(it);
		size_t key_len = json_object_iter_key_len(it);
		bool known = false;
		char q[96];

		for (size_t i = 0; allowed[i] != NULL; i++)
			known = known || key_is(key, key_len, allowed[i]);
		if (!known) {
			vrp_quote(key, key_len, q, sizeof(q));
			return fail(p, "%s: unknown member %s", where, q);
		}
	}
	return 0;
}

/* The array member `name` of obj, which must be there. */
static const json_t *member_array(struct parse *p, const json_t *obj, const char *name, const char *where)
{
	const json_t *v = json_object_get(obj, name);

	if (v == NULL) {
		fail(p, "%s: missing member \"%s\"", where, name);
		return NULL;
	}
	if (!json_is_array(v)) {
		fail(p, "%s: \"%s\" is not an array", where, name);
		return NULL;
	}
	return v;
}

static int get_asn(struct parse *p, const json_t *v, uint32_t *out, const char *where)
{
	json_int_t n;

	if (!json_is_integer(v))
		return fail(p, "%s: \"asn\" is not a number", where);
	n = json_integer_value(v);
	if (n < 0 || n > (json_int_t)UINT32_MAX)
		return fail(p, "%s: \"asn\" %lld is not in 0..4294967295", where, (long long)n);
	*out = (uint32_t)n;
	return 0;
}

static int get_prefix(struct parse *p, const json_t *v, struct prefix *out, const char *where)
{
	const char *why;
	char q[96];

	if (!json_is_string(v))
		return fail(p, "%s: \"prefix\" is not a string", where);
	if (prefix_parse(json_string_value(v), json_string_length(v), 0, out, &why) < 0) {
		vrp_quote(json_string_value(v), json_string_length(v), q, sizeof(q));
		return fail(p, "%s: prefix %s: %s", where, q, why);
	}
	return 0;
}

static int check_comment(struct parse *p, const json_t *entry, const char *where)
{
	const json_t *v = json_object_get(entry, "comment");

	if (v != NULL && !json_is_string(v))
		return fail(p, "%s: \"comment\" is not a string", where);
	return 0;
}

/* RFC 8416: SKI and routerPublicKey are base64url (RFC 4648 section 5) without padding. */
static int check_base64url(struct parse *p, const json_t *entry, const char *name, const char *where)
{
	const json_t *v = json_object_get(entry, name);
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return fail(p, "%s: \"%s\" is not a string", where, name);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n % 4 == 1)
		return fail(p, "%s: \"%s\" is not base64url of whole bytes", where, name);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return fail(p, "%s: \"%s\" holds a character outside base64url without padding", where, name);
	}
	return 0;
}

static void where_of(char *out, size_t cap, int list, size_t entry)
{
	snprintf(out, cap, "%s entry %zu", list_names[list], entry);
}

static int entries_room(struct parse *p, size_t more)
{
	struct slurm_counts *c = &p->s->counts;
	size_t have = c->prefix_filters + c->bgpsec_filters + c->prefix_assertions + c->bgpsec_assertions;

	if (have + more > MAX_SLURM_ENTRIES)
		return fail(p, "more than %d filters and assertions", MAX_SLURM_ENTRIES);
	return 0;
}

static int prefix_filters(struct parse *p, const json_t *list)
{
	static const char *const allowed[] = { "prefix", "asn", "comment", NULL };
	struct slurm *s = p->s;
	size_t i;
	const json_t *e;

	if (entries_room(p, json_array_size(list)) < 0)
		return -1;
	json_array_foreach(list, i, e) {
		struct slurm_filter f;
		const json_t *v;
		char where[96];

		where_of(where, sizeof(where), LIST_PREFIX_FILTERS, i + 1);
		memset(&f, 0, sizeof(f));
		if (!json_is_object(e))
			return fail(p, "%s is not an object", where);
		if (only_members(p, e, allowed, where) < 0 || check_comment(p, e, where) < 0)
			return -1;
		if ((v = json_object_get(e, "prefix")) != NULL) {
			if (get_prefix(p, v, &f.prefix, where) < 0)
				return -1;
			f.has_prefix = true;
		}
		if ((v = json_object_get(e, "asn")) != NULL) {
			if (get_asn(p, v, &f.asn, where) < 0)
				return -1;
			f.has_asn = true;
		}
		if (!f.has_prefix && !f.has_asn)
			return fail(p, "%s: a prefix filter needs \"prefix\", \"asn\" or both", where);
		f.from = (struct origin){ p->file, LIST_PREFIX_FILTERS, (uint32_t)(i + 1) };
		s->filters = xgrow(s->filters, &s->cap_filters, s->n_filters + 1, sizeof(*s->filters));
		s->filters[s->n_filters++] = f;
		s->counts.prefix_filters++;
	}
	return 0;
}

static void add_bgpsec_as(struct slurm *s, uint32_t asn, struct origin from)
{
	s->bgpsec = xgrow(s->bgpsec, &s->cap_bgpsec, s->n_bgpsec + 1, sizeof(*s->bgpsec));
	s->bgpsec[s->n_bgpsec++] = (struct slurm_bgpsec_as){ asn, from };
}

static int bgpsec_filters(struct parse *p, const json_t *list)
{
	static const char *const allowed[] = { "asn", "SKI", "comment", NULL };
	size_t i;
	const json_t *e;

	if (entries_room(p, json_array_size(list)) < 0)
		return -1;
	json_array_foreach(list, i, e) {
		const json_t *v;
		char where[96];
		bool any = false;

		where_of(where, sizeof(where), LIST_BGPSEC_FILTERS, i + 1);
		if (!json_is_object(e))
			return fail(p, "%s is not an object", where);
		if (only_members(p, e, allowed, where) < 0 || check_comment(p, e, where) < 0)
			return -1;
		if ((v = json_object_get(e, "asn")) != NULL) {
			uint32_t asn;

			if (get_asn(p, v, &asn, where) < 0)
				return -1;
			add_bgpsec_as(p->s, asn, (struct origin){ p->file, LIST_BGPSEC_FILTERS, (uint32_t)(i + 1) });
			any = true;
		}
		if (json_object_get(e, "SKI") != NULL) {
			if (check_base64url(p, e, "SKI", where) < 0)
				return -1;
			any = true;
		}
		if (!any)
			return fail(p, "%s: a BGPsec filter needs \"asn\", \"SKI\" or both", where);
		p->s->counts.bgpsec_filters++;
	}
	return 0;
}

static int prefix_assertions(struct parse *p, const json_t *list)
{
	static const char *const allowed[] = { "prefix", "asn", "maxPrefixLength", "comment", NULL };
	struct slurm *s = p->s;
	size_t i;
	const json_t *e;

	if (entries_room(p, json_array_size(list)) < 0)
		return -1;
	json_array_foreach(list, i, e) {
		struct slurm_assertion a;
		const json_t *v;
		char where[96];
		const char *why;

		where_of(where, sizeof(where), LIST_PREFIX_ASSERTIONS, i + 1);
		memset(&a, 0, sizeof(a));
		if (!json_is_object(e))
			return fail(p, "%s is not an object", where);
		if (only_members(p, e, allowed, where) < 0 || check_comment(p, e, where) < 0)
			return -1;
		if ((v = json_object_get(e, "prefix")) == NULL)
			return fail(p, "%s: missing member \"prefix\"", where);
		if (get_prefix(p, v, &a.prefix, where) < 0)
			return -1;
		if ((v = json_object_get(e, "asn")) == NULL)
			return fail(p, "%s: missing member \"asn\"", where);
		if (get_asn(p, v, &a.asn, where) < 0)
			return -1;
		a.max_length = a.prefix.length;
		if ((v = json_object_get(e, "maxPrefixLength")) != NULL) {
			json_int_t m;

			if (!json_is_integer(v))
				return fail(p, "%s: \"maxPrefixLength\" is not a number", where);
			m = json_integer_value(v);
			if (m < 0 || m > 128)
				return fail(p, "%s: \"maxPrefixLength\" %lld is not in %u..%u", where, (long long)m,
					    (unsigned)a.prefix.length, prefix_max_length(a.prefix.family));
			if (vrp_check(&a.prefix, (unsigned)m, &why) < 0)
				return fail(p, "%s: maxPrefixLength %lld: %s", where, (long long)m, why);
			a.max_length = (uint8_t)m;
		}
		a.from = (struct origin){ p->file, LIST_PREFIX_ASSERTIONS, (uint32_t)(i + 1) };
		s->assertions = xgrow(s->assertions, &s->cap_assertions, s->n_assertions + 1, sizeof(*s->assertions));
		s->assertions[s->n_assertions++] = a;
		s->counts.prefix_assertions++;
	}
	return 0;
}

static int bgpsec_assertions(struct parse *p, const json_t *list)
{
	static const char *const allowed[] = { "asn", "SKI", "routerPublicKey", "comment", NULL };
	size_t i;
	const json_t *e;

	if (entries_room(p, json_array_size(list)) < 0)
		return -1;
	json_array_foreach(list, i, e) {
		const json_t *v;
		char where[96];
		uint32_t asn;

		where_of(where, sizeof(where), LIST_BGPSEC_ASSERTIONS, i + 1);
		if (!json_is_object(e))
			return fail(p, "%s is not an object", where);
		if (only_members(p, e, allowed, where) < 0 || check_comment(p, e, where) < 0)
			return -1;
		if ((v = json_object_get(e, "asn")) == NULL)
			return fail(p, "%s: missing member \"asn\"", where);
		if (get_asn(p, v, &asn, where) < 0)
			return -1;
		if (json_object_get(e, "SKI") == NULL)
			return fail(p, "%s: missing member \"SKI\"", where);
		if (json_object_get(e, "routerPublicKey") == NULL)
			return fail(p, "%s: missing member \"routerPublicKey\"", where);
		if (check_base64url(p, e, "SKI", where) < 0 || check_base64url(p, e, "routerPublicKey", where) < 0)
			return -1;
		add_bgpsec_as(p->s, asn, (struct origin){ p->file, LIST_BGPSEC_ASSERTIONS, (uint32_t)(i + 1) });
		p->s->counts.bgpsec_assertions++;
	}
	return 0;
}

/* One file's text into s as file number `file`. */
static int parse_into(struct parse *p, const char *data, size_t len)
{
	static const char *const top[] = { "slurmVersion", "validationOutputFilters", "locallyAddedAssertions", NULL };
	static const char *const filters[] = { "prefixFilters", "bgpsecFilters", NULL };
	static const char *const assertions[] = { "prefixAssertions", "bgpsecAssertions", NULL };
	json_error_t je;
	json_t *root;
	const json_t *v, *obj, *list;
	int rc = -1;

	if (len == 0)
		return fail(p, "file is empty");
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		if (json_error_code(&je) == json_error_premature_end_of_input)
			return fail(p, "line %d: unexpected end of file (truncated or half-written file?)", je.line);
		return fail(p, "line %d: not valid JSON: %s", je.line, je.text);
	}
	if (!json_is_object(root)) {
		fail(p, "not a SLURM file: the top level is not a JSON object");
		goto out;
	}
	if (only_members(p, root, top, "top level") < 0)
		goto out;
	v = json_object_get(root, "slurmVersion");
	if (v == NULL) {
		fail(p, "top level: missing member \"slurmVersion\"");
		goto out;
	}
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		fail(p, "slurmVersion is not 1 (RFC 8416 defines version 1 only)");
		goto out;
	}
	obj = json_object_get(root, "validationOutputFilters");
	if (obj == NULL || !json_is_object(obj)) {
		fail(p, "top level: \"validationOutputFilters\" is %s", obj == NULL ? "missing" : "not an object");
		goto out;
	}
	if (only_members(p, obj, filters, "validationOutputFilters") < 0)
		goto out;
	if ((list = member_array(p, obj, "prefixFilters", "validationOutputFilters")) == NULL ||
	    prefix_filters(p, list) < 0)
		goto out;
	if ((list = member_array(p, obj, "bgpsecFilters", "validationOutputFilters")) == NULL ||
	    bgpsec_filters(p, list) < 0)
		goto out;
	obj = json_object_get(root, "locallyAddedAssertions");
	if (obj == NULL || !json_is_object(obj)) {
		fail(p, "top level: \"locallyAddedAssertions\" is %s", obj == NULL ? "missing" : "not an object");
		goto out;
	}
	if (only_members(p, obj, assertions, "locallyAddedAssertions") < 0)
		goto out;
	if ((list = member_array(p, obj, "prefixAssertions", "locallyAddedAssertions")) == NULL ||
	    prefix_assertions(p, list) < 0)
		goto out;
	if ((list = member_array(p, obj, "bgpsecAssertions", "locallyAddedAssertions")) == NULL ||
	    bgpsec_assertions(p, list) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static struct slurm *slurm_new(void)
{
	return xcalloc(1, sizeof(struct slurm));
}

void slurm_free(struct slurm *slurm)
{
	if (slurm == NULL)
		return;
	for (size_t i = 0; i < slurm->n_names; i++)
		free(slurm->names[i]);
	free(slurm->names);
	free(slurm->filters);
	free(slurm->assertions);
	free(slurm->bgpsec);
	free(slurm->as_only);
	free(slurm);
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Entry description for overlap messages: "FILE, LIST entry N". */
static void describe(const struct slurm *s, struct origin from, char *out, size_t cap)
{
	snprintf(out, cap, "%s, %s entry %u", s->names[from.file], list_names[from.list], (unsigned)from.entry);
}

/* A chain of prefixes each containing the next: lengths 0..128. */
#define MAX_CHAIN_DEPTH 129

struct ranked_prefix {
	struct prefix prefix;
	struct origin from;
};

static int compare_ranked(const void *pa, const void *pb)
{
	const struct ranked_prefix *a = pa, *b = pb;

	return prefix_compare(&a->prefix, &b->prefix);
}

static int compare_bgpsec(const void *pa, const void *pb)
{
	const struct slurm_bgpsec_as *a = pa, *b = pb;

	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	return (int)a->from.file - (int)b->from.file;
}

/*
 * RFC 8416 section 4.2: files used together must not both speak about one address
 * (prefix filters and assertions) or one AS (BGPsec filters and assertions). Within
 * one file overlaps are allowed.
 */
static char *check_overlaps(struct slurm *s)
{
	struct ranked_prefix *all;
	size_t n = 0, depth = 0;
	size_t stack[MAX_CHAIN_DEPTH];
	char a[512], b[512], pa[PREFIX_STRLEN], pb[PREFIX_STRLEN];
	char *err = NULL;

	all = xmalloc((s->n_filters + s->n_assertions + 1) * sizeof(*all));
	for (size_t i = 0; i < s->n_filters; i++) {
		if (s->filters[i].has_prefix)
			all[n++] = (struct ranked_prefix){ s->filters[i].prefix, s->filters[i].from };
	}
	for (size_t i = 0; i < s->n_assertions; i++)
		all[n++] = (struct ranked_prefix){ s->assertions[i].prefix, s->assertions[i].from };
	qsort(all, n, sizeof(*all), compare_ranked);
	/* In prefix order, the prefixes containing the current one are a stack; prefixes
	 * overlap exactly when one contains the other. */
	for (size_t i = 0; i < n && err == NULL; i++) {
		while (depth > 0 && !prefix_contains(&all[stack[depth - 1]].prefix, &all[i].prefix))
			depth--;
		for (size_t k = 0; k < depth; k++) {
			const struct ranked_prefix *outer = &all[stack[k]];

			if (outer->from.file == all[i].from.file)
				continue;
			describe(s, outer->from, a, sizeof(a));
			describe(s, all[i].from, b, sizeof(b));
			prefix_format(&outer->prefix, pa);
			prefix_format(&all[i].prefix, pb);
			err = xasprintf("SLURM files overlap (RFC 8416 section 4.2): %s (%s) and %s (%s)", pa, a, pb, b);
			break;
		}
		/* An equal prefix of the same file adds nothing; so lengths grow along the stack. */
		if (err == NULL && !(depth > 0 && prefix_compare(&all[stack[depth - 1]].prefix, &all[i].prefix) == 0))
			stack[depth++] = i;
	}
	free(all);
	if (err != NULL)
		return err;
	if (s->n_bgpsec > 0)
		qsort(s->bgpsec, s->n_bgpsec, sizeof(*s->bgpsec), compare_bgpsec);
	for (size_t i = 1; i < s->n_bgpsec; i++) {
		if (s->bgpsec[i].asn == s->bgpsec[i - 1].asn && s->bgpsec[i].from.file != s->bgpsec[i - 1].from.file) {
			describe(s, s->bgpsec[i - 1].from, a, sizeof(a));
			describe(s, s->bgpsec[i].from, b, sizeof(b));
			return xasprintf("SLURM files overlap (RFC 8416 section 4.2): AS%u in %s and in %s",
					 s->bgpsec[i].asn, a, b);
		}
	}
	return NULL;
}

static void finish(struct slurm *s)
{
	for (size_t i = 0; i < s->n_filters; i++) {
		if (!s->filters[i].has_prefix) {
			s->as_only = xrealloc(s->as_only, (s->n_as_only + 1) * sizeof(*s->as_only));
			s->as_only[s->n_as_only++] = s->filters[i].asn;
		}
	}
	if (s->n_as_only > 0)
		qsort(s->as_only, s->n_as_only, sizeof(*s->as_only), compare_u32);
	s->counts.files = s->n_names;
}

static int parse_file(struct slurm *s, const char *data, size_t len, const char *name, char **err)
{
	struct parse p = { .s = s, .name = name, .file = (uint16_t)s->n_names };

	s->names = xrealloc(s->names, (s->n_names + 1) * sizeof(*s->names));
	s->names[s->n_names++] = xstrdup(name);
	if (parse_into(&p, data, len) < 0) {
		*err = p.err;
		return -1;
	}
	return 0;
}

int slurm_parse(const char *data, size_t len, const char *name, struct slurm **out, char **err)
{
	struct slurm *s = slurm_new();

	*out = NULL;
	if (parse_file(s, data, len, name, err) < 0) {
		slurm_free(s);
		return -1;
	}
	finish(s);
	*out = s;
	return 0;
}

int slurm_load(const char *const *paths, size_t n_paths, struct slurm **out, char **err)
{
	struct slurm *s = slurm_new();
	char *msg;

	*out = NULL;
	if (n_paths > MAX_SLURM_FILES) {
		*err = xasprintf("more than %d SLURM files", MAX_SLURM_FILES);
		goto fail;
	}
	for (size_t i = 0; i < n_paths; i++) {
		size_t len;
		char *data = strbuf_read_regular_file(paths[i], MAX_SLURM_FILE_SIZE, &len);
		int rc;

		if (data == NULL) {
			if (errno == EFBIG)
				*err = xasprintf("%s: larger than %d MiB (MAX_SLURM_FILE_SIZE)", paths[i],
						 MAX_SLURM_FILE_SIZE / (1024 * 1024));
			else
				*err = xasprintf("%s: cannot read: %s", paths[i],
						 errno == EINVAL ? "not a regular file" : strerror(errno));
			goto fail;
		}
		rc = parse_file(s, data, len, paths[i], err);
		free(data);
		if (rc < 0)
			goto fail;
	}
	if (n_paths > 1 && (msg = check_overlaps(s)) != NULL) {
		*err = msg;
		goto fail;
	}
	finish(s);
	*out = s;
	return 0;
fail:
	slurm_free(s);
	return -1;
}

void slurm_counts(const struct slurm *slurm, struct slurm_counts *out)
{
	if (slurm == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = slurm->counts;
}

/* The first VRP of a sorted array whose prefix sorts at or after `key`. */
static size_t lower_bound(const struct vrp *items, size_t n, const struct prefix *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_compare(&items[mid].prefix, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void add_vrp(struct vrp_set *out, const struct prefix *prefix, unsigned max_length, uint32_t asn,
		    const char *ta, int64_t expires)
{
	const char *why;

	if (vrp_set_add(out, prefix, max_length, asn, ta, expires, &why) < 0)
		fatal("slurm_apply: a checked VRP refused: %s", why);
}

void slurm_apply(const struct slurm *slurm, const struct vrp_set *in, struct vrp_set *out)
{
	size_t n = vrp_set_count(in);
	const struct vrp *items = vrp_set_items(in);
	bool *dropped;

	if (!vrp_set_is_sorted(in))
		fatal("slurm_apply: the VRP set is not sorted");
	if (vrp_set_count(out) != 0)
		fatal("slurm_apply: the output set is not empty");
	dropped = xcalloc(n + 1, sizeof(*dropped));
	for (size_t f = 0; slurm != NULL && f < slurm->n_filters; f++) {
		const struct slurm_filter *flt = &slurm->filters[f];
		struct prefix key;

		if (!flt->has_prefix)
			continue;
		/* The VRPs inside the filter's prefix are one run of the sorted set: from its
		 * first address on, while the address stays inside. */
		key = flt->prefix;
		key.length = 0;
		for (size_t i = lower_bound(items, n, &key); i < n; i++) {
			const struct vrp *v = &items[i];
			struct prefix start = prefix_truncate(&v->prefix, flt->prefix.length);

			if (v->prefix.family != flt->prefix.family ||
			    memcmp(start.addr, flt->prefix.addr, sizeof(start.addr)) != 0)
				break;
			if (v->prefix.length >= flt->prefix.length && (!flt->has_asn || v->asn == flt->asn))
				dropped[i] = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = &items[i];

		if (dropped[i])
			continue;
		if (slurm != NULL && slurm->n_as_only > 0 &&
		    bsearch(&v->asn, slurm->as_only, slurm->n_as_only, sizeof(uint32_t), compare_u32) != NULL)
			continue;
		add_vrp(out, &v->prefix, v->max_length, v->asn, vrp_set_ta_name(in, v), v->expires);
	}
	for (size_t a = 0; slurm != NULL && a < slurm->n_assertions; a++) {
		const struct slurm_assertion *as = &slurm->assertions[a];

		add_vrp(out, &as->prefix, as->max_length, as->asn, SLURM_TA_NAME, 0);
	}
	free(dropped);
	vrp_set_sort(out);
}
