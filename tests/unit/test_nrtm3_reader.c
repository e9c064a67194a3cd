/*
 * The NRTMv3 stream reader (issue 16): the block IRRd serves, version 1, ARIN's
 * FILTERED, CRLF, two blocks (our push), a stream fed one byte at a time, and every
 * refusal of PROTOCOLS.md: a second START, another source, a version other than 1/3,
 * ADD/DEL before START, serials out of range or going backwards, a stream ending
 * inside a block; upstream errors and "no newer updates" as events.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "nrtm3_reader.h"
#include "strbuf.h"
#include "testlib.h"

/* Each event as one line: "START 3 6-9", "ADD 6 <first line of the object>", "END 8", ... */
static int record(void *arg, const struct nrtm3_event *ev, char **err)
{
	struct strbuf *log = arg;
	const char *nl;

	(void)err;
	switch (ev->kind) {
	case NRTM3_START:
		strbuf_printf(log, "START %d %lld-%lld\n", ev->version, (long long)ev->first, (long long)ev->last);
		break;
	case NRTM3_CHANGE:
		nl = memchr(ev->object, '\n', ev->object_len);
		strbuf_printf(log, "%s %lld %.*s\n", ev->is_add ? "ADD" : "DEL", (long long)ev->serial,
			      (int)(nl - ev->object), ev->object);
		break;
	case NRTM3_END:
		strbuf_printf(log, "END %lld\n", (long long)ev->serial);
		break;
	case NRTM3_NOTHING_NEW:
		strbuf_printf(log, "NOTHING-NEW\n");
		break;
	case NRTM3_UPSTREAM_ERROR:
		strbuf_printf(log, "ERROR %s\n", ev->text);
		break;
	}
	return 0;
}

/* Reads `text` (in pieces of `piece` bytes; 0: at once) for a mirror holding `applied`; the log, or "FAIL: why". */
static char *read_all(const char *text, int64_t applied, size_t piece)
{
	struct nrtm3_reader *r = nrtm3_reader_new("TEST", applied);
	struct strbuf log;
	size_t len = strlen(text), step = piece ? piece : len;
	char *err = NULL;
	int rc = 0;

	strbuf_init(&log);
	for (size_t at = 0; at < len && rc == 0; at += step)
		rc = nrtm3_reader_feed(r, text + at, len - at < step ? len - at : step, record, &log, &err);
	if (rc == 0)
		rc = nrtm3_reader_finish(r, record, &log, &err);
	if (rc < 0) {
		strbuf_reset(&log);
		strbuf_printf(&log, "FAIL: %s", err);
	}
	free(err);
	nrtm3_reader_free(r);
	return strbuf_detach(&log, NULL);
}

static void expect(const char *text, int64_t applied, const char *want, const char *what)
{
	char *got = read_all(text, applied, 0), *bytewise = read_all(text, applied, 1);

	bool is_ok = strcmp(got, want) == 0 || (strncmp(want, "FAIL: ", 6) == 0 && strstr(got, want + 6) != NULL);

	CHECK(is_ok, "%s", what);
	if (!is_ok)
		printf("#   got: %s\n#   want: %s\n", got, want);
	CHECK(strcmp(got, bytewise) == 0, "%s: the same fed one byte at a time", what);
	free(got);
	free(bytewise);
}

#define ROUTE "route:          192.0.2.0/24\norigin:         AS64496\nsource:         TEST\n"

int main(void)
{
	expect("%START Version: 3 TEST 6-9\n\nADD 6\n\n" ROUTE "\nDEL 8\n\n" ROUTE "\n%END TEST\n", 5,
	       "START 3 6-9\nADD 6 route:          192.0.2.0/24\nDEL 8 route:          192.0.2.0/24\nEND 8\n",
	       "version 3 as IRRd serves it, a gap in the serials");
	expect("% The objects are in RPSL format.\n\n%START Version: 3 TEST 6-6\n\nADD 6\n\n" ROUTE "\n%END TEST\n", 5,
	       "START 3 6-6\nADD 6 route:          192.0.2.0/24\nEND 6\n", "a banner comment before START is skipped");
	expect("% START Version: 1 TEST 6-7 FILTERED\n\nADD\n\n" ROUTE "\nDEL\n\n" ROUTE "\n%END TEST\n", 5,
	       "START 1 6-7\nADD 6 route:          192.0.2.0/24\nDEL 7 route:          192.0.2.0/24\nEND 7\n",
	       "version 1 (serials counted), \"% START\" and ARIN's FILTERED");
	expect("%START Version: 3 TEST 6-6\r\n\r\nADD 6\r\n\r\n" ROUTE "\r\n%END TEST\r\n"
	       "%START Version: 3 TEST 7-7\n\nADD 7\n\n" ROUTE "\n%END TEST\n", 5,
	       "START 3 6-6\nADD 6 route:          192.0.2.0/24\nEND 6\nSTART 3 7-7\nADD 7 route:          192.0.2.0/24\nEND 7\n",
	       "CRLF lines, and a second block after an END (a pushed stream)");
	expect("%START Version: 3 TEST 6-6\n\nADD 6\n\n" ROUTE "%END TEST\n", 5,
	       "START 3 6-6\nADD 6 route:          192.0.2.0/24\nEND 6\n", "%END right after an object");
	expect("% Warning: there are no newer updates available\n", 5, "NOTHING-NEW\n", "nothing newer: an event");
	expect("%% ERROR: Serials 1 - 2 do not exist\n", 5, "ERROR %% ERROR: Serials 1 - 2 do not exist\n",
	       "an upstream error: an event");
	expect("%ERROR:401: invalid range: Not within 1-2\n", 5, "ERROR %ERROR:401: invalid range: Not within 1-2\n",
	       "RIPE's numbered error form");

	expect("%START Version: 3 TEST 6-9\n\nADD 6\n\n" ROUTE, 5, "FAIL: the stream ended inside a block",
	       "a stream cut inside an object: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 6\n\n" ROUTE "\n", 5, "FAIL: no %END TEST",
	       "a stream without %END: refused");
	expect("%START Version: 3 TEST 6-9\n%START Version: 3 TEST 6-9\n", 5, "FAIL: a second START inside a block",
	       "a second START: refused");
	expect("%START Version: 3 OTHER 6-9\n", 5, "FAIL: START for another source: OTHER", "another source: refused");
	expect("%START Version: 3 TEST 6-6\n\nADD 6\n\n" ROUTE "\n%END OTHER\n", 5, "FAIL: %END of another source",
	       "an END of another source: refused");
	expect("%START Version: 2 TEST 6-9\n", 5, "FAIL: version 2 is not 1 or 3", "version 2: refused");
	expect("ADD 6\n\n" ROUTE "\n", 5, "FAIL: ADD/DEL before START", "ADD before START: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 7\n\n" ROUTE "\nADD 6\n\n" ROUTE "\n%END TEST\n", 5,
	       "FAIL: serials going backwards: ADD 6", "serials going backwards: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 7\n\n" ROUTE "\nADD 7\n\n" ROUTE "\n%END TEST\n", 5,
	       "FAIL: serials going backwards: ADD 7", "a serial repeated: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 10\n\n" ROUTE "\n%END TEST\n", 5,
	       "FAIL: serial outside the block's range: ADD 10", "a serial past the block's range: refused");
	expect("%START Version: 3 TEST 3-9\n", 5, "FAIL: START 3-9 at or below what the mirror holds",
	       "a block starting at or below the mirror's serial: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD\n\n" ROUTE "\n%END TEST\n", 5, "FAIL: ADD/DEL without a serial",
	       "version 3 without serials: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 6\n\n%END TEST\n", 5, "FAIL: ADD/DEL without an object",
	       "ADD without an object: refused");
	expect("%START Version: 3 TEST 9-6\n", 5, "FAIL: malformed serial range", "a reversed range: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD 6\n\n" ROUTE "\n%% ERROR: internal\n", 5,
	       "FAIL: the upstream reported an error inside a block", "an upstream error inside a block: refused");
	expect("%START Version: 3 TEST 6-9\n\nbogus\n", 5, "FAIL: expected ADD, DEL or %END: bogus",
	       "garbage inside a block: refused");
	expect("%START Version: 3 TEST 6-9\n\nADD -7\n", 5, "FAIL: ADD/DEL without a serial",
	       "a negative serial: refused");
	return TEST_DONE();
}
