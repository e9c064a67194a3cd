/*
 * Parse-only benchmark: reads a dump, parses (tolerant) and renders every object,
 * stores nothing. Separates parser cost from store cost in docs/performance.md.
 *   usage: bench_parse FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rpsl_parse.h"
#include "rpsl_reader.h"
#include "rpsl_render.h"
#include "strbuf.h"

int main(int argc, char **argv)
{
	struct rpsl_reader *r;
	struct rpsl_paragraph p;
	struct strbuf out;
	struct timespec t0, t1;
	char *err = NULL;
	unsigned long objects = 0, bad = 0;
	double secs;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_parse FILE\n");
		return 2;
	}
	r = rpsl_reader_open_file(argv[1], &err);
	if (r == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	strbuf_init(&out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (rpsl_reader_next(r, &p, &err) == 1) {
		struct rpsl_object *obj = rpsl_parse_object(p.text, p.len, p.first_line, RPSL_TOLERANT);

		bad += rpsl_object_has_errors(obj);
		strbuf_reset(&out);
		rpsl_render(obj, &out);
		rpsl_object_free(obj);
		objects++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("parsed %lu objects (%lu with errors) in %.2f s: %.0f objects/s\n", objects, bad, secs,
	       (double)objects / secs);
	strbuf_release(&out);
	rpsl_reader_free(r);
	return 0;
}
