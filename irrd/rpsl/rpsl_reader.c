/* Paragraph splitter over gzip/plain files and memory; see rpsl_reader.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "irr_limits.h"
#include "rpsl_reader.h"
#include "strbuf.h"
#include "xalloc.h"

#define READ_CHUNK (1024 * 1024)

struct rpsl_reader {
	gzFile gz;                /* NULL for a memory reader */
	const char *mem;
	size_t mem_len, mem_pos;
	char *buf;                /* file reader: unconsumed bytes are buf[pos..fill) */
	size_t pos, fill;
	bool eof;
	bool cutting;             /* dropping the tail of an overlong line */
	uint32_t line;            /* lines consumed so far */
	uint64_t bytes;
	struct strbuf para;
	const char *problem;
	char *path;
	bool whitespace_continues; /* a line of only blanks inside an object continues it */
};

static struct rpsl_reader *reader_new(void)
{
	struct rpsl_reader *r = xcalloc(1, sizeof(*r));

	strbuf_init(&r->para);
	return r;
}

struct rpsl_reader *rpsl_reader_open_file(const char *path, char **err)
{
	struct rpsl_reader *r;
	gzFile gz = gzopen(path, "rb");

	if (gz == NULL) {
		*err = xasprintf("%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
		return NULL;
	}
	gzbuffer(gz, 256 * 1024);
	r = reader_new();
	r->gz = gz;
	r->buf = xmalloc(READ_CHUNK + MAX_LINE_LENGTH + 2);
	r->path = xstrdup(path);
	return r;
}

struct rpsl_reader *rpsl_reader_open_memory(const char *data, size_t len)
{
	struct rpsl_reader *r = reader_new();

	r->mem = data;
	r->mem_len = len;
	return r;
}

static int read_error(struct rpsl_reader *r, char **err)
{
	int code = 0;
	const char *msg = gzerror(r->gz, &code);

	*err = xasprintf("%s: read error after line %u: %s", r->path, r->line, code == Z_ERRNO ? strerror(errno) : msg);
	return -1;
}

/*
 * Makes the next line available. Returns 1 with [*start, *end) excluding '\n'
 * (a line longer than MAX_LINE_LENGTH is cut and *too_long set), 0 at end, -1 on error.
 */
static int next_line(struct rpsl_reader *r, const char **start, const char **end, bool *too_long,
		     char **err)
{
	*too_long = false;
	if (r->gz == NULL) {
		const char *p = r->mem + r->mem_pos, *nl;
		size_t left = r->mem_len - r->mem_pos;

		if (left == 0)
			return 0;
		nl = memchr(p, '\n', left);
		*start = p;
		*end = nl ? nl : p + left;
		r->mem_pos += (size_t)(*end - p) + (nl ? 1 : 0);
		r->bytes = r->mem_pos;
		if (*end - *start > MAX_LINE_LENGTH) {
			*end = *start + MAX_LINE_LENGTH;
			*too_long = true;
		}
		r->line++;
		return 1;
	}
	for (;;) {
		char *p = r->buf + r->pos, *nl = memchr(p, '\n', r->fill - r->pos);
		int n;

		if (nl != NULL || (r->eof && r->fill > r->pos)) {
			char *e = nl ? nl : r->buf + r->fill;

			*start = p;
			*end = e;
			r->pos = (size_t)(e - r->buf) + (nl ? 1 : 0);
			r->line++;
			*too_long = r->cutting;
			r->cutting = false;
			if (*end - *start > MAX_LINE_LENGTH) {
				*end = *start + MAX_LINE_LENGTH;
				*too_long = true;
			}
			return 1;
		}
		if (r->eof)
			return 0;
		/* Keep the partial line at the front of the buffer. */
		memmove(r->buf, r->buf + r->pos, r->fill - r->pos);
		r->fill -= r->pos;
		r->pos = 0;
		if (r->fill > MAX_LINE_LENGTH) {
			/* Overlong line: keep its first MAX_LINE_LENGTH bytes, drop the rest. */
			r->fill = MAX_LINE_LENGTH;
			r->cutting = true;
		}
		n = gzread(r->gz, r->buf + r->fill, READ_CHUNK);
		if (n < 0)
			return read_error(r, err);
		if (n == 0) {
			int code = 0;

			gzerror(r->gz, &code);
			if (code != Z_OK && code != Z_STREAM_END)
				return read_error(r, err);
			r->eof = true;
		}
		r->bytes += (uint64_t)n;
		if (r->cutting) {
			char *q = memchr(r->buf + r->fill, '\n', (size_t)n);

			if (q == NULL)
				continue; /* still inside the overlong line: discard this chunk */
			memmove(r->buf + r->fill, q, (size_t)(r->buf + r->fill + n - q));
			n = (int)(r->buf + r->fill + n - q);
		}
		r->fill += (size_t)n;
	}
}

/* Nothing on the line but its line end ("\r" of CRLF). */
static bool is_empty(const char *p, const char *end)
{
	return p == end || (end - p == 1 && *p == '\r');
}

void rpsl_reader_whitespace_continues(struct rpsl_reader *r, bool on)
{
	r->whitespace_continues = on;
}

static bool is_blank(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	}
	return true;
}

int rpsl_reader_next(struct rpsl_reader *r, struct rpsl_paragraph *out, char **err)
{
	const char *start = NULL, *end = NULL;
	bool too_long = false, in_object = false;
	int rc;

	strbuf_reset(&r->para);
	r->problem = NULL;
	while ((rc = next_line(r, &start, &end, &too_long, err)) == 1) {
		if (is_blank(start, end)) {
			if (!in_object)
				continue;
			if (!r->whitespace_continues || is_empty(start, end))
				break;
		}
		if (!in_object && (*start == '#' || *start == '%'))
			continue;
		if (!in_object) {
			in_object = true;
			out->first_line = r->line;
		}
		if (too_long && r->problem == NULL)
			r->problem = "a line is longer than the maximum line length (65536 bytes)";
		if (r->para.len + (size_t)(end - start) + 1 > MAX_OBJECT_SIZE) {
			if (r->problem == NULL)
				r->problem = "object is larger than the maximum object size (4 MiB)";
			continue;
		}
		strbuf_append(&r->para, start, (size_t)(end - start));
		strbuf_append_char(&r->para, '\n');
	}
	if (rc < 0)
		return -1;
	if (!in_object)
		return 0;
	out->text = r->para.data;
	out->len = r->para.len;
	out->problem = r->problem;
	return 1;
}

uint64_t rpsl_reader_bytes(const struct rpsl_reader *r)
{
	return r->bytes;
}

void rpsl_reader_free(struct rpsl_reader *r)
{
	if (r == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	free(r->buf);
	free(r->path);
	strbuf_release(&r->para);
	free(r);
}
