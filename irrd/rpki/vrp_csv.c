/*
 * VRPs from rpki-client's CSV (-c: "ASN,IP Prefix,Max Length,Trust Anchor,Expires")
 * and Routinator's csv (the same without Expires), and the CSV we write back.
 * Strict: the header as written, the column count of the header on every line, no
 * blank lines, and a newline after the last line (a file cut mid-line is refused).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "irr_limits.h"
#include "vrp_file.h"
#include "xalloc.h"

#define CSV_HEADER_RPKI_CLIENT "ASN,IP Prefix,Max Length,Trust Anchor,Expires"
#define CSV_HEADER_ROUTINATOR  "ASN,IP Prefix,Max Length,Trust Anchor"
/* The longest line we take: an IPv6 prefix, a long trust anchor name, all numbers. */
#define CSV_MAX_LINE 512
#define CSV_MAX_COLUMNS 5

struct field {
	const char *p;
	size_t n;
};

static char *csv_error(const char *name, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static char *csv_error(const char *name, size_t line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *out;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	out = xasprintf("%s: line %zu: %s", name, line, msg ? msg : "out of memory");
	free(msg);
	return out;
}

/* A decimal number without sign or leading zeros, at most max. */
static int parse_decimal(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || (p[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* One data line (without its newline) into the set; NULL or an error message. */
static char *csv_line(struct vrp_set *set, const char *name, size_t line, const char *p, size_t n,
		      size_t columns)
{
	struct field f[CSV_MAX_COLUMNS];
	size_t nf = 0, start = 0;
	struct prefix prefix;
	uint32_t asn;
	uint64_t max_length, expires = 0;
	char ta[MAX_TRUST_ANCHOR_NAME_LENGTH + 1], q[96];
	const char *why;

	if (n == 0)
		return csv_error(name, line, "empty line");
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != ',')
			continue;
		if (nf == columns)
			return csv_error(name, line, "more than %zu columns", columns);
		f[nf].p = p + start;
		f[nf].n = i - start;
		nf++;
		start = i + 1;
	}
	if (nf != columns)
		return csv_error(name, line, "%zu columns where the header has %zu", nf, columns);
	if (f[0].n < 3 || memchr(f[0].p, '.', f[0].n) != NULL || asn_parse(f[0].p, f[0].n, true, &asn, &why) < 0) {
		vrp_quote(f[0].p, f[0].n, q, sizeof(q));
		return csv_error(name, line, "ASN %s is not \"AS\" followed by a number in 0..4294967295", q);
	}
	if (prefix_parse(f[1].p, f[1].n, 0, &prefix, &why) < 0) {
		vrp_quote(f[1].p, f[1].n, q, sizeof(q));
		return csv_error(name, line, "prefix %s: %s", q, why);
	}
	if (parse_decimal(f[2].p, f[2].n, 999, &max_length) < 0) {
		vrp_quote(f[2].p, f[2].n, q, sizeof(q));
		return csv_error(name, line, "Max Length %s is not a number", q);
	}
	if (vrp_check(&prefix, (unsigned)max_length, &why) < 0) {
		char t[PREFIX_STRLEN];

		prefix_format(&prefix, t);
		return csv_error(name, line, "%s (prefix %s, maxLength %u)", why, t, (unsigned)max_length);
	}
	if (vrp_file_check_ta(f[3].p, f[3].n, &why) < 0)
		return csv_error(name, line, "%s", why);
	memcpy(ta, f[3].p, f[3].n);
	ta[f[3].n] = '\0';
	if (columns == 5 && parse_decimal(f[4].p, f[4].n, INT64_MAX, &expires) < 0) {
		vrp_quote(f[4].p, f[4].n, q, sizeof(q));
		return csv_error(name, line, "Expires %s is not a number (Unix time)", q);
	}
	if (vrp_set_add(set, &prefix, (unsigned)max_length, asn, ta, (int64_t)expires, &why) < 0)
		return csv_error(name, line, "%s", why);
	return NULL;
}

int vrp_csv_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err)
{
	struct vrp_set *set = vrp_set_new();
	size_t pos = 0, line = 0, columns = 0;
	char *msg = NULL;

	*out = NULL;
	if (len == 0) {
		msg = xasprintf("%s: file is empty", name);
		goto fail;
	}
	while (pos < len) {
		const char *p = data + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - p) : len - pos;

		line++;
		if (n > CSV_MAX_LINE) {
			msg = csv_error(name, line, "line longer than %d bytes", CSV_MAX_LINE);
			goto fail;
		}
		if (nl == NULL) {
			msg = csv_error(name, line, "last line has no newline (truncated or half-written file?)");
			goto fail;
		}
		pos += n + 1;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f) {
				msg = csv_error(name, line, "control character or non-ASCII byte 0x%02x", (unsigned char)p[i]);
				goto fail;
			}
		}
		if (line == 1) {
			if (n == strlen(CSV_HEADER_RPKI_CLIENT) && memcmp(p, CSV_HEADER_RPKI_CLIENT, n) == 0) {
				columns = 5;
			} else if (n == strlen(CSV_HEADER_ROUTINATOR) && memcmp(p, CSV_HEADER_ROUTINATOR, n) == 0) {
				columns = 4;
			} else {
				char q[96];

				vrp_quote(p, n, q, sizeof(q));
				msg = csv_error(name, line, "header %s is not \"" CSV_HEADER_RPKI_CLIENT "\" (rpki-client -c) or \"" CSV_HEADER_ROUTINATOR "\"", q);
				goto fail;
			}
			continue;
		}
		if (line - 1 > MAX_VRPS) {
			msg = csv_error(name, line, "more than %d VRPs", MAX_VRPS);
			goto fail;
		}
		msg = csv_line(set, name, line, p, n, columns);
		if (msg != NULL)
			goto fail;
	}
	vrp_set_sort(set);
	*out = set;
	return 0;
fail:
	vrp_set_free(set);
	*err = msg;
	return -1;
}

void vrp_csv_format(const struct vrp_set *set, struct strbuf *out)
{
	strbuf_append_str(out, CSV_HEADER_RPKI_CLIENT "\n");
	for (size_t i = 0; i < vrp_set_count(set); i++) {
		const struct vrp *v = vrp_set_get(set, i);
		char p[PREFIX_STRLEN];

		prefix_format(&v->prefix, p);
		strbuf_printf(out, "AS%" PRIu32 ",%s,%u,%s,%" PRId64 "\n", v->asn, p, (unsigned)v->max_length,
			      vrp_set_ta_name(set, v), v->expires);
	}
}
