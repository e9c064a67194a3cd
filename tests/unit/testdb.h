/*
 * For unit tests that need registry objects: loads RPSL texts into a source through
 * the store's bulk load (tolerant parse, rendered text), as `irrctl load` would.
 */
#ifndef TESTDB_H
#define TESTDB_H

#include <stdlib.h>
#include <string.h>

#include "rpsl_parse.h"
#include "rpsl_render.h"
#include "store.h"
#include "store_write.h"

/* Replaces `source` with the n objects. Returns how many were stored, or -1 (printed). */
static inline long testdb_load(struct store *st, const char *source, const char *const *texts, size_t n)
{
	struct store_bulk *bulk = store_bulk_new(st, source);
	uint64_t stored = 0;
	char *err = NULL;

	for (size_t i = 0; i < n; i++) {
		struct rpsl_object *o = rpsl_parse_object(texts[i], strlen(texts[i]), 1, RPSL_TOLERANT);
		struct strbuf sb;

		strbuf_init(&sb);
		rpsl_render(o, &sb);
		store_bulk_add(bulk, o, sb.data, sb.len, "test", (uint32_t)i);
		strbuf_release(&sb);
		rpsl_object_free(o);
	}
	if (store_bulk_commit(bulk, 0, NULL, NULL, &stored, &err) < 0) {
		printf("# loading %s: %s\n", source, err);
		free(err);
		return -1;
	}
	return (long)stored;
}

#endif
