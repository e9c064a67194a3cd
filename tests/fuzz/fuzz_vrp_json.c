/*
 * Fuzz target for the VRP JSON parser (rpki-client -j, Routinator json): arbitrary
 * bytes as a VRP file; an accepted set must hold fuzz_vrp_check's invariants.
 */
#include <stdint.h>

#include "fuzz_vrp_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrp_set *set = NULL;
	char *err = NULL;

	if (vrp_json_parse((const char *)data, size, "fuzz.json", &set, &err) == 0) {
		fuzz_vrp_check(set);
		vrp_set_free(set);
	} else if (set != NULL || err == NULL) {
		fatal("a refusal must come with a message and without a set");
	}
	free(err);
	return 0;
}
