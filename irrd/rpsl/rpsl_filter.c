/* Secret filtering for RPSL text; see rpsl_filter.h. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "rpsl_filter.h"

/* Password hash schemes whose data is never shown. */
static const char *const hashed_schemes[] = { "MD5-PW", "BCRYPT-PW", "CRYPT-PW" };

void rpsl_filter_hashes(struct strbuf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool filtered = false;

		if (n > 5 && strncasecmp(p, "auth:", 5) == 0) {
			const char *v = p + 5;

			while (v < p + n && (*v == ' ' || *v == '\t'))
				v++;
			for (size_t i = 0; i < sizeof(hashed_schemes) / sizeof(hashed_schemes[0]); i++) {
				size_t sl = strlen(hashed_schemes[i]);

				if ((size_t)(p + n - v) >= sl && strncasecmp(v, hashed_schemes[i], sl) == 0 &&
				    (v + sl == p + n || v[sl] == ' ' || v[sl] == '\t')) {
					strbuf_append(out, p, (size_t)(v - p));
					strbuf_append_str(out, hashed_schemes[i]);
					strbuf_append_str(out, " # Filtered\n");
					filtered = true;
					break;
				}
			}
		}
		if (!filtered) {
			strbuf_append(out, p, n);
			strbuf_append_char(out, '\n');
		}
		p += n + (nl != NULL);
	}
}
