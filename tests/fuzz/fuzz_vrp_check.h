/*
 * What the VRP fuzz targets assert about every set a parser accepts: sorted without
 * duplicates, every VRP a valid one, the CSV writer's output read back equal, and the
 * origin validation index calling each VRP's own route valid (invalid for AS0).
 */
#ifndef FUZZ_VRP_CHECK_H
#define FUZZ_VRP_CHECK_H

#include <stdlib.h>

#include "log.h"
#include "rov.h"
#include "strbuf.h"
#include "vrp.h"
#include "vrp_file.h"

static void fuzz_vrp_check(const struct vrp_set *set)
{
	struct rov_index *idx = rov_index_build(set);
	struct vrp_set *again = NULL;
	struct strbuf csv;
	char *err = NULL;

	for (size_t i = 0; i < vrp_set_count(set); i++) {
		const struct vrp *v = vrp_set_get(set, i);
		const char *why;
		enum rov_state want = v->asn == 0 ? ROV_INVALID : ROV_VALID;

		if (vrp_check(&v->prefix, v->max_length, &why) < 0)
			fatal("accepted VRP %zu is not valid: %s", i, why);
		if (i > 0 && vrp_compare(vrp_set_get(set, i - 1), v) >= 0)
			fatal("VRPs %zu and %zu out of order or duplicated", i - 1, i);
		if (rov_validate(idx, &v->prefix, v->asn, NULL) != want)
			fatal("VRP %zu does not validate its own route", i);
	}
	strbuf_init(&csv);
	vrp_csv_format(set, &csv);
	if (vrp_csv_parse(csv.data, csv.len, "again", &again, &err) < 0)
		fatal("CSV round trip refused: %s", err);
	if (!vrp_set_equal(set, again))
		fatal("CSV round trip differs");
	vrp_set_free(again);
	strbuf_release(&csv);
	rov_index_free(idx);
}

#endif
