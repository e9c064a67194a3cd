/* RPSL rendering; see rpsl_render.h. */
#include <string.h>

#include "rpsl_render.h"

void rpsl_render(const struct rpsl_object *obj, struct strbuf *out)
{
	for (size_t i = 0; i < obj->attr_count; i++) {
		const struct rpsl_attr *a = &obj->attrs[i];
		size_t name_len = strlen(a->name);
		const char *p = a->text;
		bool first = true;

		strbuf_append(out, a->name, name_len);
		strbuf_append_char(out, ':');
		if (*p == '\0') {
			strbuf_append_char(out, '\n');
			continue;
		}
		for (;;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			if (first) {
				size_t used = name_len + 1;
				if (n > 0) /* no trailing blanks after an empty first line */
					strbuf_append_repeat(out, ' ', used < RPSL_VALUE_COLUMN ? RPSL_VALUE_COLUMN - used : 1);
				first = false;
			} else if (n == 0) {
				strbuf_append_char(out, '+');
			} else {
				strbuf_append_repeat(out, ' ', RPSL_VALUE_COLUMN);
			}
			strbuf_append(out, p, n);
			strbuf_append_char(out, '\n');
			if (nl == NULL)
				break;
			p = nl + 1;
		}
	}
}
