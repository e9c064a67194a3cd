/* Secret filtering for RPSL text; see rpsl_filter.h. */
#include "rpsl_filter.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Password hash schemes whose data is never shown. */
static const char *const hashed_schemes[] = { "MD5-PW", "BCRYPT-PW", "CRYPT-PW" };

static size_t line_length(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

/* A line that continues the attribute before it (RPSL: a space, a tab or '+'). */
static bool is_continuation(const char *p)
{
	return *p == ' ' || *p == '\t' || *p == '+';
}

/* The hashed scheme `value` starts with (after blanks, or a '+' of a continuation), or NULL. */
static const char *hashed_scheme_at(const char *v, const char *end)
{
	while (v < end && (*v == ' ' || *v == '\t' || *v == '+'))
		v++;
	for (size_t i = 0; i < sizeof(hashed_schemes) / sizeof(hashed_schemes[0]); i++) {
		size_t sl = strlen(hashed_schemes[i]);

		if ((size_t)(end - v) >= sl && strncasecmp(v, hashed_schemes[i], sl) == 0 &&
		    (v + sl == end || v[sl] == ' ' || v[sl] == '\t' || v[sl] == '\r'))
			return hashed_schemes[i];
	}
	return NULL;
}

/*
 * An auth: attribute is the line and every continuation line after it: the scheme may
 * stand on a continuation line ("auth:" alone, then "  MD5-PW $1$..."), and a hash or
 * its tail may follow on one. When the value's first word is a hashed scheme, the
 * whole attribute becomes one line "auth:  SCHEME # Filtered".
 */
void rpsl_filter_hashes(struct strbuf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = line_length(p);

		if (n >= 5 && strncasecmp(p, "auth:", 5) == 0) {
			const char *attr_end = p + n + (p[n] == '\n'), *scheme, *v = p + 5;
			size_t first_blank = 5;

			/* the attribute's continuation lines */
			while (*attr_end && is_continuation(attr_end))
				attr_end += line_length(attr_end) + (attr_end[line_length(attr_end)] == '\n');
			scheme = hashed_scheme_at(v, p + n);
			if (scheme == NULL) {
				/* nothing on the first line: the value starts on the next line */
				const char *w = v;

				while (w < p + n && (*w == ' ' || *w == '\t' || *w == '\r'))
					w++;
				if (w == p + n && p + n + 1 < attr_end)
					scheme = hashed_scheme_at(p + n + 1, p + n + 1 + line_length(p + n + 1));
			}
			if (scheme != NULL) {
				/* keep the original padding when the scheme was on the first line */
				while (p + first_blank < p + n && (p[first_blank] == ' ' || p[first_blank] == '\t'))
					first_blank++;
				if (first_blank > 5 && first_blank < n)
					strbuf_append(out, p, first_blank);
				else
					strbuf_append_str(out, "auth:           ");
				strbuf_append_str(out, scheme);
				strbuf_append_str(out, " # Filtered\n");
				p = attr_end;
				continue;
			}
		}
		strbuf_append(out, p, n);
		strbuf_append_char(out, '\n');
		p += n + (p[n] == '\n');
	}
}
