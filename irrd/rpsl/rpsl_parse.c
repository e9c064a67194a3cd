/*
 * The RPSL parser: lines to attributes (continuations, comments, CRLF), then the
 * schema pipeline (class, known attributes, counts, syntax, primary key). Raw text
 * stops here; the rest of the server sees struct rpsl_object.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "irr_limits.h"
#include "rpsl_parse.h"
#include "rpsl_syntax.h"
#include "strbuf.h"
#include "xalloc.h"

/* Working state while an attribute's lines are collected. */
struct attr_builder {
	bool open;
	char name[MAX_ATTR_NAME_LENGTH + 1];
	uint32_t line;
	struct strbuf text;  /* lines joined with '\n' */
	struct strbuf value; /* comment-free pieces joined with ' ' */
};

static void trim_right(const char **start, const char **end)
{
	(void)start;
	while (*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

static void skip_left(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Adds one physical line's content (already stripped of marker and outer spaces). */
static void builder_add_piece(struct attr_builder *b, const char *p, const char *end, bool first)
{
	const char *hash = memchr(p, '#', (size_t)(end - p));
	const char *vend = hash ? hash : end;

	if (!first)
		strbuf_append_char(&b->text, '\n');
	strbuf_append(&b->text, p, (size_t)(end - p));
	trim_right(&p, &vend);
	if (vend > p) {
		if (b->value.len > 0)
			strbuf_append_char(&b->value, ' ');
		strbuf_append(&b->value, p, (size_t)(vend - p));
	}
}

static void builder_flush(struct attr_builder *b, struct rpsl_object *obj)
{
	struct rpsl_attr *attr;

	if (!b->open)
		return;
	if (strcmp(b->name, "rpki-ov-state") == 0) {
		/*
		 * whois prints it after route objects (the state under the VRPs of the
		 * moment, never stored); people resubmit whois output, so it is dropped
		 * here, silently, in every mode, as IRRd does.
		 */
		b->open = false;
		strbuf_reset(&b->text);
		strbuf_reset(&b->value);
		return;
	}
	obj->attrs = xgrow(obj->attrs, &obj->attr_capacity, obj->attr_count + 1, sizeof(*obj->attrs));
	attr = &obj->attrs[obj->attr_count++];
	attr->name = arena_strndup(&obj->arena, b->name, strlen(b->name));
	attr->text = arena_strndup(&obj->arena, b->text.data, b->text.len);
	attr->value = strcmp(b->text.data, b->value.data) == 0
			      ? attr->text
			      : arena_strndup(&obj->arena, b->value.data, b->value.len);
	attr->line = b->line;
	attr->def = NULL;
	b->open = false;
	strbuf_reset(&b->text);
	strbuf_reset(&b->value);
}

static bool is_attr_name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* Splits the paragraph into attributes. Returns false after recording an error. */
static bool split_attributes(struct rpsl_object *obj, const char *text, size_t len, uint32_t first_line)
{
	struct attr_builder b = { .open = false };
	const char *p = text, *end = text + len;
	uint32_t line = first_line;
	bool ok = true;

	strbuf_init(&b.text);
	strbuf_init(&b.value);
	if (memchr(text, '\0', len) != NULL) {
		const char *nul = memchr(text, '\0', len);
		uint32_t nul_line = first_line;

		for (const char *q = text; q < nul; q++)
			nul_line += *q == '\n';
		rpsl_object_message(obj, RPSL_ERROR, nul_line, "NUL byte in object text");
		ok = false;
		goto out;
	}
	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end, *lstart = p, *colon;

		p = nl ? nl + 1 : end;
		if (lend - lstart > MAX_LINE_LENGTH) {
			rpsl_object_message(obj, RPSL_ERROR, line, "line longer than %d bytes", MAX_LINE_LENGTH);
			ok = false;
			goto out;
		}
		trim_right(&lstart, &lend);
		if (lstart == lend)
			continue; /* stray empty line inside a paragraph handed to us */
		if (*lstart == '#')
			continue; /* whole-line comment */
		if (*lstart == ' ' || *lstart == '\t' || *lstart == '+') {
			if (!b.open) {
				rpsl_object_message(obj, RPSL_ERROR, line,
						    "continuation line before any attribute");
				ok = false;
				goto out;
			}
			lstart++;
			skip_left(&lstart, lend);
			builder_add_piece(&b, lstart, lend, false);
			continue;
		}
		builder_flush(&b, obj);
		if (obj->attr_count >= MAX_ATTRIBUTES) {
			rpsl_object_message(obj, RPSL_ERROR, line, "object has more than %d attributes",
					    MAX_ATTRIBUTES);
			ok = false;
			goto out;
		}
		colon = lstart;
		while (colon < lend && is_attr_name_char((unsigned char)*colon))
			colon++;
		if (colon == lend || *colon != ':') {
			rpsl_object_message(obj, RPSL_ERROR, line,
					    "expected \"attribute: value\": %s",
					    memchr(lstart, ':', (size_t)(lend - lstart)) == NULL
						    ? "no colon after the attribute name"
						    : "attribute name contains an invalid character");
			ok = false;
			goto out;
		}
		if (colon == lstart || colon - lstart > MAX_ATTR_NAME_LENGTH) {
			rpsl_object_message(obj, RPSL_ERROR, line, "attribute name is empty or longer than %d",
					    MAX_ATTR_NAME_LENGTH);
			ok = false;
			goto out;
		}
		for (size_t i = 0; i < (size_t)(colon - lstart); i++)
			b.name[i] = (char)tolower((unsigned char)lstart[i]);
		b.name[colon - lstart] = '\0';
		b.line = line;
		b.open = true;
		lstart = colon + 1;
		skip_left(&lstart, lend);
		builder_add_piece(&b, lstart, lend, true);
	}
	builder_flush(&b, obj);
	if (obj->attr_count == 0) {
		rpsl_object_message(obj, RPSL_ERROR, first_line, "object has no attributes");
		ok = false;
	}
out:
	strbuf_release(&b.text);
	strbuf_release(&b.value);
	return ok;
}

static enum rpsl_severity severity_for(enum rpsl_parse_mode mode, bool is_key)
{
	return mode == RPSL_STRICT || is_key ? RPSL_ERROR : RPSL_WARNING;
}

/*
 * What real registries publish that our syntax refuses, made canonical for tolerant
 * (loaded and mirrored) data, as IRRd's non-strict mode keeps it: leading zeros in
 * decimal numbers that are IPv4 octets or AS numbers ("192.0.02.0/24", "as065537"
 * become "192.0.2.0/24", "as65537"). A run of digits loses its leading zeros when it
 * starts a token or follows '.', or "AS", and ends at '.', '/', '-', ' ', ',' or the
 * end; IPv6 groups (hex, followed by ':') are left alone. Returns false when nothing
 * changed.
 */
static bool strip_leading_zeros(const char *v, size_t len, struct strbuf *out)
{
	bool changed = false;

	strbuf_reset(out);
	for (size_t i = 0; i < len;) {
		bool starts = i == 0 || v[i - 1] == '.' || v[i - 1] == ' ' || v[i - 1] == ',' || v[i - 1] == '-' ||
			      (i >= 2 && (v[i - 1] == 'S' || v[i - 1] == 's') && (v[i - 2] == 'A' || v[i - 2] == 'a') &&
			       (i == 2 || !isalnum((unsigned char)v[i - 3])));
		size_t j = i;

		if (!starts || !isdigit((unsigned char)v[i])) {
			strbuf_append_char(out, v[i++]);
			continue;
		}
		while (j < len && isdigit((unsigned char)v[j]))
			j++;
		if (j < len && v[j] != '.' && v[j] != '/' && v[j] != '-' && v[j] != ' ' && v[j] != ',') {
			strbuf_append(out, v + i, j - i);   /* part of something else (hex, a name) */
		} else {
			size_t k = i;

			while (k + 1 < j && v[k] == '0')
				k++;
			changed = changed || k > i;
			strbuf_append(out, v + k, j - k);
		}
		i = j;
	}
	return changed;
}

/* Tolerant mode: other registries' organisation ids need not start with "ORG-". */
static int check_foreign_org_id(const char *v, size_t len, struct strbuf *canon, const char **err)
{
	return rpsl_syntax_check(SYN_NIC_HANDLE, v, len, canon, err);
}

/*
 * Checks a value against an attribute's syntax (each item of a list) and writes its
 * canonical form to *canon. Returns NULL when it passes (*changed: the canonical form
 * differs), else what is wrong.
 */
static const char *check_value(const struct rpsl_attr_def *def, const char *v, enum rpsl_parse_mode mode,
			       struct strbuf *canon, bool *changed)
{
	const char *end = v + strlen(v), *err = NULL;
	size_t items = 0;

	strbuf_reset(canon);
	*changed = false;
	if (!(def->flags & ATTR_LIST)) {
		if (rpsl_syntax_check(def->syntax, v, (size_t)(end - v), canon, &err) < 0)
			return err;
		*changed = canon->len > 0 && strcmp(canon->data, v) != 0;
		return NULL;
	}
	for (const char *p = v; p <= end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *iend = comma ? comma : end, *istart = p;
		size_t before;

		skip_left(&istart, iend);
		trim_right(&istart, &iend);
		if (istart == iend) {
			if (comma == NULL && items == 0 && def->syntax == SYN_TEXT)
				break;
			if (comma == NULL && items > 0) {
				/* trailing comma: tolerated by IRRd, an error for us in strict mode */
				if (mode == RPSL_STRICT)
					return "list ends with a comma";
				break;
			}
			return "empty item in comma-separated list";
		}
		if (items++ > 0)
			strbuf_append_str(canon, ", ");
		before = canon->len;
		if (rpsl_syntax_check(def->syntax, istart, (size_t)(iend - istart), canon, &err) < 0)
			return err;
		if (canon->len == before)
			strbuf_append(canon, istart, (size_t)(iend - istart));
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*changed = strcmp(canon->len > 0 ? canon->data : "", v) != 0;
	return NULL;
}

/*
 * Tolerant mode: a value the strict syntax refused, tried again the way other
 * registries write it: an organisation id without "ORG-", or numbers without their
 * leading zeros. Returns NULL with *canon holding the value to keep (and *why what
 * was done), or the original complaint.
 */
static const char *tolerant_retry(const struct rpsl_attr_def *def, const char *v, struct strbuf *canon,
				  const char *err, const char **why)
{
	struct strbuf stripped;
	const char *again = err;
	bool changed;

	if (def->syntax == SYN_ORG_ID && !(def->flags & ATTR_LIST)) {
		strbuf_reset(canon);
		if (check_foreign_org_id(v, strlen(v), canon, &again) < 0)
			return err;
		if (canon->len == 0)
			strbuf_append_str(canon, v);
		*why = "kept as another registry writes it";
		return NULL;
	}
	strbuf_init(&stripped);
	if (strip_leading_zeros(v, strlen(v), &stripped)) {
		again = check_value(def, stripped.data, RPSL_TOLERANT, canon, &changed);
		if (again == NULL) {
			if (!changed) {
				strbuf_reset(canon);
				strbuf_append(canon, stripped.data, stripped.len);
			}
			*why = "leading zeros removed";
		}
	}
	strbuf_release(&stripped);
	return again == NULL ? NULL : err;
}

/*
 * Checks one attribute value against its syntax; replaces attr->value with the
 * canonical form (and attr->text too when the value is one plain line).
 */
static void check_attr_syntax(struct rpsl_object *obj, struct rpsl_attr *attr, enum rpsl_parse_mode mode,
			      struct strbuf *canon)
{
	const struct rpsl_attr_def *def = attr->def;
	bool is_key = (def->flags & ATTR_PRIMARY_KEY) != 0, changed = false;
	const char *err = check_value(def, attr->value, mode, canon, &changed), *why = NULL;

	if (err != NULL && mode == RPSL_TOLERANT) {
		err = tolerant_retry(def, attr->value, canon, err, &why);
		changed = err == NULL;
		if (why != NULL)
			rpsl_object_message(obj, RPSL_WARNING, attr->line, "%s: %s (was \"%s\")", attr->name, why,
					    attr->value);
	}
	if (err != NULL) {
		rpsl_object_message(obj, severity_for(mode, is_key), attr->line, "%s: %s (expected %s)",
				    attr->name, err, rpsl_syntax_describe(def->syntax));
		if (!is_key)
			attr->def = NULL; /* not indexed, rendered as given */
		return;
	}
	if (changed) {
		const char *text = attr->text;
		bool plain_line = strchr(text, '\n') == NULL && strchr(text, '#') == NULL;

		attr->value = arena_strndup(&obj->arena, canon->data, canon->len);
		if (plain_line)
			attr->text = attr->value;
	}
}

static char *upper_dup(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, n + 1);

	for (size_t i = 0; i <= n; i++)
		p[i] = (char)toupper((unsigned char)s[i]);
	return p;
}

/* Fills pkey and the typed key fields from the (validated) primary-key attributes. */
static void derive_keys(struct rpsl_object *obj)
{
	const struct rpsl_class *cls = obj->cls;
	const struct rpsl_attr *first = NULL, *origin = NULL;
	const char *err;

	for (size_t i = 0; i < obj->attr_count; i++) {
		const struct rpsl_attr *a = &obj->attrs[i];

		if (a->def == NULL || !(a->def->flags & ATTR_PRIMARY_KEY))
			continue;
		if (strcmp(a->name, "origin") == 0) {
			if (origin == NULL)
				origin = a;
		} else if (first == NULL) {
			first = a;
		}
	}
	if (first == NULL || ((cls->id == RPSL_CLASS_ROUTE || cls->id == RPSL_CLASS_ROUTE6) && origin == NULL))
		return; /* missing key already reported */

	switch (cls->id) {
	case RPSL_CLASS_ROUTE:
	case RPSL_CLASS_ROUTE6: {
		char buf[MAX_PRIMARY_KEY_LENGTH];

		if (prefix_parse(first->value, strlen(first->value), 0, &obj->prefix, &err) < 0 ||
		    asn_parse(origin->value, strlen(origin->value), true, &obj->origin, &err) < 0)
			return;
		obj->has_prefix = obj->has_origin = obj->has_range = true;
		prefix_to_range(&obj->prefix, &obj->range);
		snprintf(buf, sizeof(buf), "%sAS%u", first->value, obj->origin);
		obj->pkey = upper_dup(&obj->arena, buf);
		return;
	}
	case RPSL_CLASS_INET6NUM:
		if (prefix_parse(first->value, strlen(first->value), 6, &obj->prefix, &err) < 0)
			return;
		obj->has_prefix = obj->has_range = true;
		prefix_to_range(&obj->prefix, &obj->range);
		break;
	case RPSL_CLASS_INETNUM:
		if (addr_range_parse(first->value, strlen(first->value), 4, &obj->range, &err) < 0)
			return;
		obj->has_range = true;
		break;
	default:
		break;
	}
	obj->pkey = upper_dup(&obj->arena, first->value);
}

struct rpsl_object *rpsl_parse_object(const char *text, size_t len, uint32_t first_line,
				      enum rpsl_parse_mode mode)
{
	struct rpsl_object *obj = rpsl_object_new();
	unsigned counts[RPSL_MAX_CLASS_ATTRS] = { 0 };
	struct strbuf canon;
	const struct rpsl_class *cls;

	obj->first_line = first_line;
	if (!split_attributes(obj, text, len, first_line))
		return obj;
	cls = rpsl_schema_class(obj->attrs[0].name, strlen(obj->attrs[0].name));
	if (cls == NULL) {
		rpsl_object_message(obj, RPSL_ERROR, obj->attrs[0].line, "unknown object class \"%s\"",
				    obj->attrs[0].name);
		return obj;
	}
	obj->cls = cls;
	if (cls->is_mirror_only && mode == RPSL_STRICT) {
		rpsl_object_message(obj, RPSL_ERROR, obj->attrs[0].line,
				    "class %s is kept from other registries but is not a class of this one", cls->name);
		return obj;
	}
	strbuf_init(&canon);
	for (size_t i = 0; i < obj->attr_count; i++) {
		struct rpsl_attr *attr = &obj->attrs[i];

		attr->def = rpsl_schema_attr(cls, attr->name);
		if (attr->def == NULL) {
			if (mode == RPSL_STRICT)
				rpsl_object_message(obj, RPSL_ERROR, attr->line,
						    "attribute \"%s\" is not known in class %s", attr->name,
						    cls->name);
			continue;
		}
		counts[attr->def - cls->attrs]++;
		check_attr_syntax(obj, attr, mode, &canon);
	}
	strbuf_release(&canon);

	for (size_t d = 0; d < cls->attr_count; d++) {
		const struct rpsl_attr_def *def = &cls->attrs[d];
		bool is_key = (def->flags & ATTR_PRIMARY_KEY) || strcmp(def->name, "source") == 0;

		if ((def->flags & ATTR_MANDATORY) && counts[d] == 0)
			rpsl_object_message(obj, severity_for(mode, is_key), 0,
					    "mandatory attribute \"%s\" is missing", def->name);
		if (!(def->flags & ATTR_MULTIPLE) && counts[d] > 1)
			rpsl_object_message(obj, severity_for(mode, is_key), 0,
					    "attribute \"%s\" appears %u times but may appear only once",
					    def->name, counts[d]);
	}
	{
		const struct rpsl_attr *src = rpsl_object_get(obj, "source");
		if (src != NULL && src->def != NULL)
			obj->source = upper_dup(&obj->arena, src->value);
	}
	/* the key is read even from an object with errors elsewhere, so reports can name it */
	derive_keys(obj);
	if (!rpsl_object_has_errors(obj) && obj->pkey == NULL)
		rpsl_object_message(obj, RPSL_ERROR, 0, "primary key of class %s could not be read",
				    cls->name);
	return obj;
}

void rpsl_format_messages(const struct rpsl_object *obj, enum rpsl_severity min_severity,
			  const char *prefix, struct strbuf *out)
{
	static const char *const names[] = { "info", "warning", "error" };

	for (size_t i = 0; i < obj->message_count; i++) {
		const struct rpsl_message *m = &obj->messages[i];

		if (m->severity < min_severity)
			continue;
		strbuf_append_str(out, prefix);
		if (m->line)
			strbuf_printf(out, "%s: line %u: %s\n", names[m->severity], m->line, m->text);
		else
			strbuf_printf(out, "%s: %s\n", names[m->severity], m->text);
	}
}
