/*
 * VRPs from rpki-client's JSON (-j) and Routinator's json output. The top level is
 * walked here, one member at a time; each "roas" entry and each skipped member is
 * decoded by jansson on its own, so a million VRPs never become a million-node
 * document in memory. Errors name the line and the entry.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "irr_limits.h"
#include "vrp_file.h"
#include "xalloc.h"

struct scan {
	const char *data;
	size_t len, pos;
	size_t counted; /* bytes whose newlines are in `line` */
	size_t line;
	const char *name;
	char *err;
};

/* The 1-based line of byte `at`; positions asked for only grow. */
static size_t line_of(struct scan *s, size_t at)
{
	if (at < s->counted) {
		s->counted = 0;
		s->line = 1;
	}
	for (; s->counted < at && s->counted < s->len; s->counted++) {
		if (s->data[s->counted] == '\n')
			s->line++;
	}
	return s->line;
}

static int fail_at(struct scan *s, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(struct scan *s, size_t at, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (s->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	s->err = xasprintf("%s: line %zu: %s", s->name, line_of(s, at), msg ? msg : "out of memory");
	free(msg);
	return -1;
}

static int fail_eof(struct scan *s, const char *what)
{
	return fail_at(s, s->len, "unexpected end of file %s (truncated or half-written file?)", what);
}

static void skip_ws(struct scan *s)
{
	while (s->pos < s->len) {
		char c = s->data[s->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		s->pos++;
	}
}

/* The end (one past the closing quote) of the string starting at s->pos; 0 at end of file. */
static size_t string_end(const struct scan *s)
{
	for (size_t i = s->pos + 1; i < s->len; i++) {
		if (s->data[i] == '\\')
			i++;
		else if (s->data[i] == '"')
			return i + 1;
	}
	return 0;
}

/* "roas entry 7", or `what` alone when entry is 0. */
static void value_name(char out[64], const char *what, size_t entry)
{
	if (entry > 0)
		snprintf(out, 64, "%s %zu", what, entry);
	else
		snprintf(out, 64, "%s", what);
}

/*
 * Reports a jansson error of a value that started at byte `start`; `what` names the
 * value, followed by `entry` when that is not 0 ("roas entry 7").
 */
static int fail_json(struct scan *s, size_t start, const json_error_t *je, const char *what, size_t entry)
{
	size_t line = line_of(s, start) + (je->line > 1 ? (size_t)je->line - 1 : 0);
	char name[64];

	value_name(name, what, entry);
	if (json_error_code(je) == json_error_premature_end_of_input)
		return fail_at(s, s->len, "unexpected end of file in %s (truncated or half-written file?)", name);
	s->err = xasprintf("%s: line %zu: %s: %s", s->name, line, name, je->text);
	return -1;
}

/*
 * Decodes the value starting at s->pos and moves past it: an object or array up to
 * its closing bracket (jansson says where that was), a string or bare literal as the
 * slice found here. Returns the value (caller decrefs) or NULL with s->err set.
 */
static json_t *decode_value(struct scan *s, const char *what, size_t entry, size_t flags)
{
	size_t start = s->pos, stop;
	json_error_t je;
	json_t *v;
	char c = s->data[s->pos];

	if (c == '{' || c == '[') {
		v = json_loadb(s->data + start, s->len - start, flags | JSON_DISABLE_EOF_CHECK, &je);
		if (v == NULL) {
			fail_json(s, start, &je, what, entry);
			return NULL;
		}
		if (je.position <= 0 || (size_t)je.position > s->len - start) {
			char name[64];

			value_name(name, what, entry);
			json_decref(v);
			fail_at(s, start, "%s: cannot find its end", name);
			return NULL;
		}
		s->pos = start + (size_t)je.position;
		return v;
	}
	if (c == '"') {
		stop = string_end(s);
		if (stop == 0) {
			fail_eof(s, "in a string");
			return NULL;
		}
	} else {
		stop = start;
		while (stop < s->len && strchr("0123456789+-.eEtrufalsn", s->data[stop]) != NULL && s->data[stop] != '\0')
			stop++;
		if (stop == start) {
			fail_at(s, start, "%s: not a JSON value", what);
			return NULL;
		}
	}
	v = json_loadb(s->data + start, stop - start, flags | JSON_DECODE_ANY, &je);
	if (v == NULL) {
		fail_json(s, start, &je, what, entry);
		return NULL;
	}
	s->pos = stop;
	return v;
}

/* An AS number as a JSON integer (rpki-client) or "AS<number>" string (Routinator). */
static int roa_asn(const json_t *v, uint32_t *out, const char **why)
{
	const char *text, *err;
	size_t len;

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > (json_int_t)UINT32_MAX) {
			*why = "asn is not in 0..4294967295";
			return -1;
		}
		*out = (uint32_t)n;
		return 0;
	}
	if (!json_is_string(v)) {
		*why = "asn is neither an integer nor an \"AS<number>\" string";
		return -1;
	}
	text = json_string_value(v);
	len = json_string_length(v);
	if (memchr(text, '.', len) != NULL || asn_parse(text, len, true, out, &err) < 0) {
		*why = "asn is not \"AS\" followed by a number in 0..4294967295";
		return -1;
	}
	return 0;
}

enum roa_member { ROA_ASN = 1, ROA_PREFIX = 2, ROA_MAXLENGTH = 4, ROA_TA = 8, ROA_EXPIRES = 16 };
static const struct {
	const char *name;
	enum roa_member bit;
} roa_members[] = {
	{ "asn", ROA_ASN }, { "prefix", ROA_PREFIX }, { "maxLength", ROA_MAXLENGTH },
	{ "ta", ROA_TA },   { "expires", ROA_EXPIRES },
};
#define ROA_REQUIRED (ROA_ASN | ROA_PREFIX | ROA_MAXLENGTH | ROA_TA)

/* One "roas" entry into the set; entry is its 1-based index, at its first byte. */
static int roa_entry(struct scan *s, struct vrp_set *set, const json_t *obj, size_t entry, size_t at)
{
	struct prefix prefix;
	uint32_t asn = 0;
	json_int_t max_length = 0, expires = 0;
	char ta[MAX_TRUST_ANCHOR_NAME_LENGTH + 1] = "";
	char q[96];
	const char *why = NULL;
	unsigned seen = 0;

	memset(&prefix, 0, sizeof(prefix));
	for (void *it = json_object_iter((json_t *)obj); it != NULL; it = json_object_iter_next((json_t *)obj, it)) {
		const char *key = json_object_iter_key(it);
		size_t key_len = json_object_iter_key_len(it);
		const json_t *v = json_object_iter_value(it);
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(roa_members) / sizeof(roa_members[0]); i++) {
			if (strlen(roa_members[i].name) == key_len && memcmp(roa_members[i].name, key, key_len) == 0)
				bit = roa_members[i].bit;
		}
		if (bit == 0) {
			vrp_quote(key, key_len, q, sizeof(q));
			return fail_at(s, at, "roas entry %zu: unknown field %s (a VRP has asn, prefix, maxLength, ta and expires)",
				       entry, q);
		}
		seen |= bit;
		switch (bit) {
		case ROA_ASN:
			if (roa_asn(v, &asn, &why) < 0)
				goto bad;
			break;
		case ROA_PREFIX:
			if (!json_is_string(v)) {
				why = "prefix is not a string";
				goto bad;
			}
			if (prefix_parse(json_string_value(v), json_string_length(v), 0, &prefix, &why) < 0) {
				vrp_quote(json_string_value(v), json_string_length(v), q, sizeof(q));
				return fail_at(s, at, "roas entry %zu: prefix %s: %s", entry, q, why);
			}
			break;
		case ROA_MAXLENGTH:
			if (!json_is_integer(v)) {
				why = "maxLength is not an integer";
				goto bad;
			}
			max_length = json_integer_value(v);
			break;
		case ROA_TA:
			if (!json_is_string(v)) {
				why = "ta is not a string";
				goto bad;
			}
			if (vrp_file_check_ta(json_string_value(v), json_string_length(v), &why) < 0)
				goto bad;
			memcpy(ta, json_string_value(v), json_string_length(v) + 1);
			break;
		case ROA_EXPIRES:
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				why = "expires is not a non-negative integer (Unix time)";
				goto bad;
			}
			expires = json_integer_value(v);
			break;
		}
	}
	for (size_t i = 0; i < sizeof(roa_members) / sizeof(roa_members[0]); i++) {
		if ((ROA_REQUIRED & roa_members[i].bit) && !(seen & roa_members[i].bit))
			return fail_at(s, at, "roas entry %zu: missing field \"%s\"", entry, roa_members[i].name);
	}
	if (max_length < 0)
		why = "maxLength is negative";
	else if (max_length > 128)
		why = prefix.family == 4 ? "maxLength exceeds 32" : "maxLength exceeds 128";
	else
		(void)vrp_check(&prefix, (unsigned)max_length, &why);
	if (why != NULL) {
		char p[PREFIX_STRLEN];

		prefix_format(&prefix, p);
		return fail_at(s, at, "roas entry %zu: %s (prefix %s, maxLength %lld)", entry, why, p,
			       (long long)max_length);
	}
	if (vrp_set_add(set, &prefix, (unsigned)max_length, asn, ta, (int64_t)expires, &why) < 0)
		goto bad;
	return 0;
bad:
	return fail_at(s, at, "roas entry %zu: %s", entry, why);
}

/* The "roas" array, at s->pos. */
static int roas_array(struct scan *s, struct vrp_set *set)
{
	size_t entry = 0;

	if (s->data[s->pos] != '[')
		return fail_at(s, s->pos, "\"roas\" is not an array");
	s->pos++;
	skip_ws(s);
	if (s->pos < s->len && s->data[s->pos] == ']') {
		s->pos++;
		return 0;
	}
	for (;;) {
		size_t at;
		json_t *obj;
		int rc;

		skip_ws(s);
		if (s->pos >= s->len)
			return fail_eof(s, "in \"roas\"");
		at = s->pos;
		entry++;
		if (entry > MAX_VRPS)
			return fail_at(s, at, "more than %d VRPs", MAX_VRPS);
		if (s->data[at] != '{')
			return fail_at(s, at, "roas entry %zu is not an object", entry);
		obj = decode_value(s, "roas entry", entry, JSON_REJECT_DUPLICATES);
		if (obj == NULL)
			return -1;
		rc = roa_entry(s, set, obj, entry, at);
		json_decref(obj);
		if (rc < 0)
			return -1;
		skip_ws(s);
		if (s->pos >= s->len)
			return fail_eof(s, "in \"roas\"");
		if (s->data[s->pos] == ']') {
			s->pos++;
			return 0;
		}
		if (s->data[s->pos] != ',')
			return fail_at(s, s->pos, "expected ',' or ']' after roas entry %zu", entry);
		s->pos++;
	}
}

int vrp_json_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err)
{
	struct scan s = { .data = data, .len = len, .line = 1, .name = name };
	struct vrp_set *set = vrp_set_new();
	bool have_roas = false;

	*out = NULL;
	skip_ws(&s);
	if (s.pos >= len) {
		fail_at(&s, len, "file is empty");
		goto fail;
	}
	if (data[s.pos] != '{') {
		fail_at(&s, s.pos, "not a JSON object");
		goto fail;
	}
	s.pos++;
	skip_ws(&s);
	if (s.pos < len && data[s.pos] == '}') {
		s.pos++;
	} else {
		for (;;) {
			json_t *key;
			size_t key_at;
			bool is_roas;

			skip_ws(&s);
			if (s.pos >= len) {
				fail_eof(&s, "in the top-level object");
				goto fail;
			}
			key_at = s.pos;
			if (data[s.pos] != '"') {
				fail_at(&s, s.pos, "expected a member name in double quotes");
				goto fail;
			}
			key = decode_value(&s, "member name", 0, 0);
			if (key == NULL)
				goto fail;
			is_roas = json_string_length(key) == 4 && memcmp(json_string_value(key), "roas", 4) == 0;
			json_decref(key);
			skip_ws(&s);
			if (s.pos >= len) {
				fail_eof(&s, "after a member name");
				goto fail;
			}
			if (data[s.pos] != ':') {
				fail_at(&s, s.pos, "expected ':' after a member name");
				goto fail;
			}
			s.pos++;
			skip_ws(&s);
			if (s.pos >= len) {
				fail_eof(&s, "before a value");
				goto fail;
			}
			if (is_roas) {
				if (have_roas) {
					fail_at(&s, key_at, "\"roas\" appears twice");
					goto fail;
				}
				have_roas = true;
				if (roas_array(&s, set) < 0)
					goto fail;
			} else {
				/* metadata, bgpsec_keys, aspas, provider_authorizations ...: checked as JSON, not used */
				json_t *skipped = decode_value(&s, "top-level member", 0, 0);

				if (skipped == NULL)
					goto fail;
				json_decref(skipped);
			}
			skip_ws(&s);
			if (s.pos >= len) {
				fail_eof(&s, "in the top-level object");
				goto fail;
			}
			if (data[s.pos] == '}') {
				s.pos++;
				break;
			}
			if (data[s.pos] != ',') {
				fail_at(&s, s.pos, "expected ',' or '}' in the top-level object");
				goto fail;
			}
			s.pos++;
		}
	}
	skip_ws(&s);
	if (s.pos < len) {
		fail_at(&s, s.pos, "data after the end of the JSON object");
		goto fail;
	}
	if (!have_roas) {
		fail_at(&s, len, "no \"roas\" array: not VRPs from rpki-client -j or Routinator's json");
		goto fail;
	}
	vrp_set_sort(set);
	*out = set;
	return 0;
fail:
	vrp_set_free(set);
	*err = s.err != NULL ? s.err : xasprintf("%s: cannot parse", name);
	return -1;
}

json_t *vrp_to_json(const struct vrp_set *set, const struct vrp *v)
{
	char text[PREFIX_STRLEN];

	prefix_format(&v->prefix, text);
	return json_pack("{s:s, s:i, s:I, s:s}", "prefix", text, "max_length", v->max_length, "asn", (json_int_t)v->asn,
			 "ta", vrp_set_ta_name(set, v));
}

json_t *vrp_set_to_json(const struct vrp_set *set)
{
	json_t *a = json_array();

	for (size_t i = 0; i < vrp_set_count(set); i++)
		json_array_append_new(a, vrp_to_json(set, vrp_set_get(set, i)));
	return a;
}
