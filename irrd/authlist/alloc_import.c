/*
 * Parsers for allocation imports (untrusted files, every field checked):
 *   RIR delegated-extended statistics, "registry|cc|type|start|value|date|status|opaque-id",
 *   IPv4 value = a count of addresses (not always a power of two), IPv6 value = a
 *   prefix length; only allocated/assigned lines are allocations;
 *   RPSL inetnum/inet6num dumps, mapped by the configured attribute (org or mnt-by),
 *   status ALLOCATED* / ASSIGNED* / *PI.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "rpsl_object.h"
#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "xalloc.h"

#define DELEGATED_FIELDS 8

static void add_raw(struct alloc_raw **out, size_t *count, size_t *cap, const struct alloc_raw *r)
{
	*out = xgrow(*out, cap, *count + 1, sizeof(**out));
	(*out)[(*count)++] = *r;
}

/* A YYYYMMDD date, or empty ("00000000" and "" mean unknown). */
static void copy_date(char out[16], const char *p, size_t n)
{
	out[0] = '\0';
	if (n != 8 || memcmp(p, "00000000", 8) == 0)
		return;
	for (size_t i = 0; i < 8; i++) {
		if (!isdigit((unsigned char)p[i]))
			return;
	}
	memcpy(out, p, 8);
	out[8] = '\0';
}

/* The last address of an IPv4 block of `count` addresses from `first`; false when it overflows. */
static bool ipv4_range(const struct prefix *first, unsigned long long count, struct addr_range *r)
{
	unsigned long long start = ((unsigned long long)first->addr[0] << 24) | ((unsigned)first->addr[1] << 16) |
				   ((unsigned)first->addr[2] << 8) | first->addr[3];
	unsigned long long last = start + count - 1;

	if (count == 0 || last > 0xffffffffull)
		return false;
	memset(r, 0, sizeof(*r));
	r->family = 4;
	memcpy(r->first, first->addr, 4);
	for (int i = 0; i < 4; i++)
		r->last[i] = (uint8_t)(last >> (24 - 8 * i));
	return true;
}

static void parse_delegated_line(const char *line, size_t len, unsigned lineno, struct alloc_raw **out, size_t *count,
				 size_t *cap, struct strbuf *problems)
{
	const char *f[DELEGATED_FIELDS + 1];
	size_t flen[DELEGATED_FIELDS + 1], nf = 0, start = 0;
	struct alloc_raw r;
	struct prefix p;
	const char *why;
	char buf[128], *end;

	if (len == 0 || line[0] == '#')
		return;
	for (size_t i = 0; i <= len && nf <= DELEGATED_FIELDS; i++) {
		if (i == len || line[i] == '|') {
			f[nf] = line + start;
			flen[nf++] = i - start;
			start = i + 1;
		}
	}
	/* the version line ("2|apnic|...") and summaries ("apnic|*|ipv4|*|123|summary") */
	if (nf < 7 || (flen[1] == 1 && f[1][0] == '*') || (nf >= 6 && flen[5] == 7 && memcmp(f[5], "summary", 7) == 0))
		return;
	if ((flen[2] != 4 || (memcmp(f[2], "ipv4", 4) != 0 && memcmp(f[2], "ipv6", 4) != 0)))
		return; /* asn lines */
	if (!((flen[6] == 9 && memcmp(f[6], "allocated", 9) == 0) || (flen[6] == 8 && memcmp(f[6], "assigned", 8) == 0)))
		return; /* available, reserved */
	memset(&r, 0, sizeof(r));
	r.line = lineno;
	r.status = f[6][1] == 'l' ? ALLOC_ALLOCATED : ALLOC_ASSIGNED;
	if (nf < DELEGATED_FIELDS || flen[7] == 0 || flen[7] >= sizeof(r.key)) {
		strbuf_printf(problems, "line %u: no opaque-id (the 8th field of delegated-extended)\n", lineno);
		return;
	}
	for (size_t i = 0; i < flen[7]; i++) {
		if ((unsigned char)f[7][i] <= ' ' || f[7][i] == 0x7f) {
			strbuf_printf(problems, "line %u: the opaque-id holds a control character or a blank\n", lineno);
			return;
		}
	}
	memcpy(r.key, f[7], flen[7]);
	copy_date(r.date, f[5], flen[5]);
	if (flen[3] >= 64 || flen[4] == 0 || flen[4] >= 24) {
		strbuf_printf(problems, "line %u: malformed start or value\n", lineno);
		return;
	}
	if (f[2][3] == '4') {
		unsigned long long n;

		memcpy(buf, f[4], flen[4]);
		buf[flen[4]] = '\0';
		n = strtoull(buf, &end, 10);
		if (*end != '\0' || !isdigit((unsigned char)buf[0]) ||
		    prefix_parse_address(f[3], flen[3], 4, &p, &why) < 0 || !ipv4_range(&p, n, &r.range)) {
			strbuf_printf(problems, "line %u: not an IPv4 start address and address count\n", lineno);
			return;
		}
	} else {
		struct prefix v6;

		snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)flen[3], f[3], (int)flen[4], f[4]);
		if (prefix_parse(buf, strlen(buf), 6, &v6, &why) < 0) {
			strbuf_printf(problems, "line %u: not an IPv6 prefix (%s)\n", lineno, why);
			return;
		}
		prefix_to_range(&v6, &r.range);
	}
	add_raw(out, count, cap, &r);
}

static bool status_of(const char *s, enum alloc_status *out)
{
	if (strcasestr(s, "PI") != NULL && (strncasecmp(s, "ASSIGNED", 8) == 0 || strncasecmp(s, "ALLOCATED", 9) == 0))
		*out = ALLOC_PI;
	else if (strncasecmp(s, "ALLOCATED", 9) == 0)
		*out = ALLOC_ALLOCATED;
	else if (strncasecmp(s, "ASSIGNED", 8) == 0)
		*out = ALLOC_ASSIGNED;
	else
		return false;
	return true;
}

static void parse_rpsl_object(const struct rpsl_paragraph *p, const char *attribute, struct alloc_raw **out,
			      size_t *count, size_t *cap, struct strbuf *problems)
{
	struct rpsl_object *o = rpsl_parse_object(p->text, p->len, p->first_line, RPSL_TOLERANT);
	const struct rpsl_attr *status, *key, *created;
	struct alloc_raw r;

	if (o == NULL)
		return;
	if (o->cls == NULL || (strcmp(o->cls->name, "inetnum") != 0 && strcmp(o->cls->name, "inet6num") != 0))
		goto out;
	status = rpsl_object_get(o, "status");
	key = rpsl_object_get(o, attribute);
	memset(&r, 0, sizeof(r));
	r.line = p->first_line;
	if (!o->has_range) {
		strbuf_printf(problems, "line %u: %s without a usable address range\n", p->first_line, o->cls->name);
		goto out;
	}
	if (status == NULL || !status_of(status->value, &r.status))
		goto out; /* sub-allocations, legacy space: not allocations */
	if (key == NULL || strlen(key->value) >= sizeof(r.key)) {
		strbuf_printf(problems, "line %u: %s %s has no %s: attribute to map it to an LIR\n", p->first_line,
			      o->cls->name, o->pkey ? o->pkey : "", attribute);
		goto out;
	}
	snprintf(r.key, sizeof(r.key), "%s", key->value);
	r.range = o->range;
	/* tolerant parsing keeps what strict parsing refuses: check what we rely on (found by fuzz_alloc_import) */
	if (r.key[0] == '\0' || memcmp(r.range.first, r.range.last, 16) > 0) {
		strbuf_printf(problems, "line %u: %s %s: %s\n", p->first_line, o->cls->name, o->pkey ? o->pkey : "",
			      r.key[0] ? "the range ends before it starts" : "an empty mapping attribute");
		goto out;
	}
	created = rpsl_object_get(o, "created");
	if (created != NULL && strlen(created->value) >= 10) {
		char d[9] = { created->value[0], created->value[1], created->value[2], created->value[3],
			      created->value[5], created->value[6], created->value[8], created->value[9], 0 };

		copy_date(r.date, d, 8);
	}
	add_raw(out, count, cap, &r);
out:
	rpsl_object_free(o);
}

size_t alloc_import_parse(const char *text, size_t len, enum alloc_format fmt, const char *rpsl_attribute,
			  struct alloc_raw **out, struct strbuf *problems)
{
	size_t count = 0, cap = 0;

	*out = NULL;
	if (fmt == ALLOC_FORMAT_DELEGATED) {
		unsigned lineno = 0;
		size_t i = 0;

		while (i < len) {
			size_t n = 0;

			while (i + n < len && text[i + n] != '\n')
				n++;
			lineno++;
			parse_delegated_line(text + i, n > 0 && text[i + n - 1] == '\r' ? n - 1 : n, lineno, out, &count,
					     &cap, problems);
			i += n + 1;
		}
	} else {
		struct rpsl_reader *reader = rpsl_reader_open_memory(text, len);
		struct rpsl_paragraph p;
		char *err = NULL;

		while (rpsl_reader_next(reader, &p, &err) == 1) {
			if (p.problem != NULL)
				strbuf_printf(problems, "line %u: %s\n", p.first_line, p.problem);
			else
				parse_rpsl_object(&p, rpsl_attribute, out, &count, &cap, problems);
		}
		free(err);
		rpsl_reader_free(reader);
	}
	return count;
}
