/*
 * Fuzz target for the SLURM parser (RFC 8416): arbitrary bytes as a SLURM file. An
 * accepted file is applied to a small VRP set; the result must be sorted and hold no
 * more than the set plus the file's prefix assertions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "slurm.h"
#include "vrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add(struct vrp_set *set, const char *text, unsigned max_length, uint32_t asn)
{
	struct prefix p;
	const char *err;

	if (prefix_parse(text, strlen(text), 0, &p, &err) < 0 || vrp_set_add(set, &p, max_length, asn, "t", 1, &err) < 0)
		fatal("fuzz_slurm: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slurm *s = NULL;
	char *err = NULL;

	if (slurm_parse((const char *)data, size, "fuzz.json", &s, &err) == 0) {
		struct vrp_set *in = vrp_set_new(), *out = vrp_set_new();
		struct slurm_counts c;

		add(in, "192.0.2.0/24", 24, 64496);
		add(in, "198.51.100.0/24", 32, 0);
		add(in, "2001:db8::/32", 48, 64497);
		add(in, "0.0.0.0/0", 0, 1);
		vrp_set_sort(in);
		slurm_apply(s, in, out);
		slurm_counts(s, &c);
		if (!vrp_set_is_sorted(out) || vrp_set_count(out) > vrp_set_count(in) + c.prefix_assertions)
			fatal("fuzz_slurm: %zu VRPs out of %zu and %zu assertions", vrp_set_count(out), vrp_set_count(in),
			      c.prefix_assertions);
		for (size_t i = 1; i < vrp_set_count(out); i++) {
			if (vrp_compare(vrp_set_get(out, i - 1), vrp_set_get(out, i)) >= 0)
				fatal("fuzz_slurm: output out of order");
		}
		vrp_set_free(in);
		vrp_set_free(out);
		slurm_free(s);
	} else if (s != NULL || err == NULL) {
		fatal("fuzz_slurm: a refusal must come with a message and without a result");
	}
	free(err);
	return 0;
}
