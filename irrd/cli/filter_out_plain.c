/* irrctl export filter --format plain: one prefix a line, IPv4 before IPv6, each once. */
#include "filter_export.h"

static void put_prefix(void *arg, const struct prefix *p, bool is_first)
{
	char text[PREFIX_STRLEN];

	(void)is_first;
	prefix_format(p, text);
	fprintf(arg, "%s\n", text);
}

int filter_out_plain(FILE *out, const struct filter_export *ex)
{
	filter_export_each_prefix(ex, 0, put_prefix, out);
	return ferror(out) ? -1 : 0;
}
