/*
 * Splits RPSL text into object paragraphs: from a file (plain or gzip, detected by
 * content) or from memory. Lines starting with '#' or '%' between objects are
 * dump headers and are skipped; a blank line (empty or only whitespace) ends an
 * object, or only an empty one (rpsl_reader_whitespace_continues). Oversized lines and objects are reported per paragraph, never fatal.
 */
#ifndef IRRD_RPSL_READER_H
#define IRRD_RPSL_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rpsl_reader;

struct rpsl_paragraph {
	const char *text;     /* valid until the next call; lines end in '\n' */
	size_t len;
	uint32_t first_line;  /* 1-based line number of text[0] */
	const char *problem;  /* non-NULL: the paragraph was cut short (too long) and must be refused */
};

/* Opens a file; returns NULL with *err (caller frees) when it cannot be opened. */
struct rpsl_reader *rpsl_reader_open_file(const char *path, char **err);
/* Reads from a memory buffer that must outlive the reader. */
struct rpsl_reader *rpsl_reader_open_memory(const char *data, size_t len);
/*
 * Returns 1 with the next paragraph, 0 at the end, -1 on a read error (corrupt or
 * truncated gzip, I/O error) with *err (caller frees).
 */
int rpsl_reader_next(struct rpsl_reader *r, struct rpsl_paragraph *out, char **err);
/*
 * Tolerant reading (loads and mirrors, as IRRd reads other registries' files): a line
 * of only spaces or tabs inside an object continues it instead of ending it. Only an
 * empty line ends an object then. Off by default (updates: any blank line separates).
 */
void rpsl_reader_whitespace_continues(struct rpsl_reader *r, bool on);
/* Bytes of uncompressed input consumed so far. */
uint64_t rpsl_reader_bytes(const struct rpsl_reader *r);
void rpsl_reader_free(struct rpsl_reader *r);

#endif
