/*
 * Fuzz target for the RPSL reader, parser and renderer (libFuzzer entry point).
 * Besides not crashing, it checks the golden round-trip property on every input:
 * rendering a parsed object and parsing it again gives the same rendering.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const struct rpsl_object *obj, enum rpsl_parse_mode mode)
{
	struct strbuf a, b;
	struct rpsl_object *again;

	if (obj->attr_count == 0)
		return;
	strbuf_init(&a);
	strbuf_init(&b);
	rpsl_render(obj, &a);
	again = rpsl_parse_object(a.data, a.len, 1, mode);
	rpsl_render(again, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0 ||
	    rpsl_object_has_errors(obj) != rpsl_object_has_errors(again))
		abort(); /* round trip broken: a parser/renderer disagreement */
	rpsl_object_free(again);
	strbuf_release(&a);
	strbuf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpsl_reader *r = rpsl_reader_open_memory((const char *)data, size);
	struct rpsl_paragraph p;
	char *err = NULL;

	while (rpsl_reader_next(r, &p, &err) == 1) {
		if (p.problem != NULL)
			continue;
		for (int mode = RPSL_STRICT; mode <= RPSL_TOLERANT; mode++) {
			struct rpsl_object *obj = rpsl_parse_object(p.text, p.len, p.first_line, mode);

			/* Only objects whose split succeeded render meaningfully. */
			if (obj->cls != NULL)
				check_round_trip(obj, mode);
			rpsl_object_free(obj);
		}
	}
	rpsl_reader_free(r);
	return 0;
}
