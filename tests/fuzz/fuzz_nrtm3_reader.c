/*
 * Fuzz target for the NRTMv3 stream reader: arbitrary bytes as an upstream's answer,
 * fed in two pieces split at a point the input chooses (a stream arrives in pieces).
 * Invariants: a failure comes with a message; changes arrive only inside a block,
 * with serials inside its range and increasing; the serial a reader reports applied
 * never goes down.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrtm3_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct watch {
	bool in_block;
	int64_t first, last, previous;
};

static void fatal(const char *what)
{
	fprintf(stderr, "fuzz_nrtm3_reader: %s\n", what);
	abort();
}

static int on_event(void *arg, const struct nrtm3_event *ev, char **err)
{
	struct watch *w = arg;

	(void)err;
	switch (ev->kind) {
	case NRTM3_START:
		if (w->in_block || ev->first > ev->last)
			fatal("START inside a block or with a reversed range");
		*w = (struct watch){ .in_block = true, .first = ev->first, .last = ev->last, .previous = 0 };
		break;
	case NRTM3_CHANGE:
		if (!w->in_block || ev->serial < w->first || ev->serial > w->last || ev->serial <= w->previous ||
		    ev->object_len == 0 || ev->object[ev->object_len - 1] != '\n')
			fatal("a change outside a block, out of range, not increasing or without its text");
		w->previous = ev->serial;
		break;
	case NRTM3_END:
		if (!w->in_block)
			fatal("END outside a block");
		w->in_block = false;
		break;
	default:
		if (w->in_block)
			fatal("an upstream error or warning reported inside a block");
		break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nrtm3_reader *r = nrtm3_reader_new("TEST", 5);
	struct watch w = { 0 };
	size_t split = size > 0 ? data[0] % (size + 1) : 0;
	char *err = NULL;
	int64_t before;

	if (nrtm3_reader_feed(r, (const char *)data, split, on_event, &w, &err) == 0) {
		before = nrtm3_reader_applied(r);
		if (nrtm3_reader_feed(r, (const char *)data + split, size - split, on_event, &w, &err) == 0 &&
		    nrtm3_reader_applied(r) < before)
			fatal("the applied serial went down");
		if (err == NULL && nrtm3_reader_finish(r, on_event, &w, &err) == 0 && w.in_block)
			fatal("finish accepted a stream ending inside a block");
	}
	if (err != NULL && strlen(err) == 0)
		fatal("a failure without a message");
	if (nrtm3_reader_applied(r) < 5)
		fatal("the applied serial went below where it started");
	free(err);
	nrtm3_reader_free(r);
	return 0;
}
