/*
 * Fuzz target for the allocation import parsers (irrd/alloc_import.c): the first
 * byte picks the format (delegated-extended or RPSL inetnum/inet6num), the rest is
 * the file. Every record must come back with a range whose CIDR split is sane.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alloc_raw *recs = NULL;
	struct strbuf problems;
	size_t n;

	if (size == 0)
		return 0;
	strbuf_init(&problems);
	n = alloc_import_parse((const char *)data + 1, size - 1, data[0] & 1 ? ALLOC_FORMAT_RPSL : ALLOC_FORMAT_DELEGATED,
			       data[0] & 2 ? "mnt-by" : "org", &recs, &problems);
	for (size_t i = 0; i < n; i++) {
		struct prefix blocks[256];
		size_t nb = addr_range_to_prefixes(&recs[i].range, blocks);

		if (nb == 0 || nb > 256 || recs[i].key[0] == '\0')
			fatal("alloc_import: record %zu has no blocks or no key", i);
	}
	free(recs);
	strbuf_release(&problems);
	return 0;
}
