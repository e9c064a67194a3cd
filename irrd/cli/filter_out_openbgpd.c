/*
 * irrctl export filter --format openbgpd: one OpenBGPD 7 `prefix-set NAME { ... }`
 * (both families may share a set); each prefix matches itself only.
 */
#include "filter_export.h"

static void put_prefix(void *arg, const struct prefix *p, bool is_first)
{
	char text[PREFIX_STRLEN];

	(void)is_first;
	prefix_format(p, text);
	fprintf(arg, "\t%s\n", text);
}

int filter_out_openbgpd(FILE *out, const struct filter_export *ex)
{
	fprintf(out, "# %s, policy %s (irrctl export filter)\n", ex->target, route_policy_name(ex->policy));
	fprintf(out, "prefix-set %s {\n", ex->name);
	filter_export_each_prefix(ex, 0, put_prefix, out);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
