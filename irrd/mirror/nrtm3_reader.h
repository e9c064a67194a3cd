/*
 * The NRTMv3 stream reader of a mirror (issue 16): bytes from an upstream's answer to
 * `-g SOURCE:3:FIRST-LAST` in, events out, every rule of the protocol checked
 * (PROTOCOLS.md, "NRTMv3"). Push-based: feed whatever arrived, as often as it
 * arrives, so one reader serves a one-shot answer and a stream kept open (-k) alike.
 *
 * A block is `%START Version: V SOURCE FIRST-LAST` (IRRd, RIPE; `% START` and ARIN's
 * trailing ` FILTERED` accepted), changes (`ADD n` / `DEL n` with version 3, `ADD` /
 * `DEL` with version 1, then a blank line and the object), and `%END SOURCE`. The
 * caller applies a block's changes in one transaction when NRTM3_END arrives, and
 * nothing of it when the feed fails or the stream ends inside the block. After an
 * END another block may follow (our own server pushes one per commit).
 *
 * Refused (-1, *err naming it): a second START inside a block, another source than
 * the one asked for, a version other than 1 or 3, a change outside a block, a serial
 * outside the block's range or not above the previous one or the one the mirror
 * holds, a malformed line, an object over MAX_OBJECT_SIZE or a line over
 * MAX_LINE_LENGTH. An upstream's error (`%% ERROR: ...`, `%ERROR:...`) and "no
 * (newer) updates" warnings are events, not failures of the stream.
 */
#ifndef IRRD_NRTM3_READER_H
#define IRRD_NRTM3_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irr_limits.h"

enum nrtm3_event_kind {
	NRTM3_START,         /* version, source, first, last */
	NRTM3_CHANGE,        /* is_add, serial, object */
	NRTM3_END,           /* the block is complete: apply it */
	NRTM3_NOTHING_NEW,   /* "% Warning: there are no (newer) updates available" */
	NRTM3_UPSTREAM_ERROR /* the upstream refused: text */
};

struct nrtm3_event {
	enum nrtm3_event_kind kind;
	int version;
	char source[MAX_SOURCE_NAME_LENGTH + 1];
	int64_t first, last;        /* START */
	bool is_add;                /* CHANGE: ADD (a new object or a new version) or DEL */
	int64_t serial;             /* CHANGE: its serial (version 1: counted from first) */
	const char *object;         /* CHANGE: the object's text, lines ending in '\n' */
	size_t object_len;
	const char *text;           /* UPSTREAM_ERROR, NOTHING_NEW: the line */
};

struct nrtm3_reader;

/*
 * A reader for `source` (upper case) whose mirror holds every change up to serial
 * `applied` (0: none yet): changes at or below it are refused, as serials going
 * backwards.
 */
struct nrtm3_reader *nrtm3_reader_new(const char *source, int64_t applied);
void nrtm3_reader_free(struct nrtm3_reader *r);

/*
 * Feeds bytes. Calls fn for every complete event (the pointers in an event are valid
 * during the call). fn returns 0 to go on, -1 to stop (then *err is fn's to set).
 * Returns 0, or -1 with *err (caller frees): the stream is bad, drop it and what of
 * the open block was received.
 */
typedef int (*nrtm3_event_fn)(void *arg, const struct nrtm3_event *ev, char **err);
int nrtm3_reader_feed(struct nrtm3_reader *r, const char *data, size_t len, nrtm3_event_fn fn, void *arg,
		      char **err);

/* The stream ended: 0 when no block is open, else -1 with *err ("ended inside a block, no %END"). */
int nrtm3_reader_finish(struct nrtm3_reader *r, nrtm3_event_fn fn, void *arg, char **err);

/* The newest serial of the blocks completed so far (the `applied` given at first). */
int64_t nrtm3_reader_applied(const struct nrtm3_reader *r);

#endif
