/*
 * irrctl export filter --format bird: BIRD 2 prefix sets, `define NAME_v4 = [ ... ];`
 * and `define NAME_v6 = [ ... ];` (a BIRD prefix set holds one family). Each prefix
 * matches itself only; an empty family is written as a set of no prefixes.
 */
#include "filter_export.h"

static void put_prefix(void *arg, const struct prefix *p, bool is_first)
{
	char text[PREFIX_STRLEN];

	prefix_format(p, text);
	fprintf(arg, "%s\n\t%s", is_first ? "" : ",", text);
}

static void put_set(FILE *out, const struct filter_export *ex, uint8_t fam)
{
	fprintf(out, "define %s_v%u = [", ex->name, fam);
	filter_export_each_prefix(ex, fam, put_prefix, out);
	fputs("\n];\n", out);
}

int filter_out_bird(FILE *out, const struct filter_export *ex)
{
	fprintf(out, "# %s, policy %s (irrctl export filter)\n", ex->target, route_policy_name(ex->policy));
	if (ex->family != 6)
		put_set(out, ex, 4);
	if (ex->family != 4)
		put_set(out, ex, 6);
	return ferror(out) ? -1 : 0;
}
