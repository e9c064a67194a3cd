/*
 * One whois answer being built. Its bytes stay in memory until they pass a
 * threshold, then go to an unlinked temporary file (as IRRd legacy spooled large
 * answers), so that an answer of a hundred megabytes waiting for a slow client costs
 * page cache, not the server's memory. The file part is sent with sendfile
 * (whois_output.h). Room is kept before the file's bytes for a header known only at
 * the end (IRRd framing "A<length>").
 */
#ifndef WHOIS_SPOOL_H
#define WHOIS_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

struct spool {
	struct strbuf text;      /* the bytes after the file's, appended to directly */
	int fd;                  /* -1: every byte is in text */
	off_t file_start;        /* the file holds the answer's first bytes at [file_start, file_end) */
	off_t file_end;
	size_t spill_at;         /* spool_checkpoint spills when text reaches this; 0: never */
	const char *directory;   /* for the temporary file (borrowed) */
	bool is_broken;          /* the file failed under us (I/O error): answer with an error instead */
};

/* An empty answer that spills past spill_at bytes (0: stays in memory) into directory. */
void spool_init(struct spool *sp, size_t spill_at, const char *directory);
/* Closes the file and frees the text; the spool may be re-initialised. */
void spool_release(struct spool *sp);
/* Bytes in the answer. */
size_t spool_length(const struct spool *sp);
/* Bytes of the answer held in memory. */
static inline size_t spool_memory(const struct spool *sp)
{
	return sp->text.len;
}

/*
 * Call between items (objects, prefixes) while building: moves the text to the file
 * when it passed spill_at. A file that cannot be written is logged once and the
 * answer stays in memory (no answer is lost to a full disk).
 */
void spool_checkpoint(struct spool *sp);
/*
 * The answer is complete: when part of it went to a file, the rest follows it there,
 * so a large answer waiting for its client holds no memory at all.
 */
void spool_finish(struct spool *sp);
/* Puts bytes (at most 64) before the answer's first byte (sets is_broken when the file fails). */
void spool_prepend(struct spool *sp, const char *bytes, size_t len);
/*
 * Appends src's bytes to dst and releases src. Takes src's file over when dst is
 * empty (no copy); otherwise copies.
 */
void spool_append_spool(struct spool *dst, struct spool *src);
/* Drops the last bytes while they are '\n' or ' ' and in memory (IRRd data ends without them). */
void spool_trim_end(struct spool *sp);

#endif
