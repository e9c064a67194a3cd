/* The NRTMv3 stream reader; see nrtm3_reader.h. */
#include "nrtm3_reader.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decimal.h"
#include "strbuf.h"
#include "xalloc.h"

enum state {
	OUTSIDE,        /* between blocks: %START, warnings, errors, comments */
	IN_BLOCK,       /* after %START or an object: ADD/DEL, %END */
	BEFORE_OBJECT,  /* after ADD/DEL: blank lines, then the object */
	IN_OBJECT,      /* the object's lines, until an empty line */
};

struct nrtm3_reader {
	char source[MAX_SOURCE_NAME_LENGTH + 1];
	int64_t applied;           /* newest serial of the completed blocks */
	enum state state;
	struct strbuf pending;     /* bytes after the last complete line */
	struct strbuf object;      /* the object being read */
	struct nrtm3_event block;  /* the open block's START */
	bool is_add;
	int64_t serial, previous;  /* the change being read; the block's last serial so far */
	int64_t count;             /* changes in the open block (version 1 numbering) */
	uint64_t line;             /* lines read, for messages */
};

struct nrtm3_reader *nrtm3_reader_new(const char *source, int64_t applied)
{
	struct nrtm3_reader *r = xcalloc(1, sizeof(*r));

	snprintf(r->source, sizeof(r->source), "%s", source);
	r->applied = applied;
	strbuf_init(&r->pending);
	strbuf_init(&r->object);
	return r;
}

void nrtm3_reader_free(struct nrtm3_reader *r)
{
	if (r == NULL)
		return;
	strbuf_release(&r->pending);
	strbuf_release(&r->object);
	free(r);
}

int64_t nrtm3_reader_applied(const struct nrtm3_reader *r)
{
	return r->applied;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct nrtm3_reader *r, char **err, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	*err = xasprintf("NRTM stream of %s, line %llu: %s", r->source, (unsigned long long)r->line, text);
	return -1;
}

/* "%START Version: V SOURCE FIRST-LAST[ FILTERED]" (or "% START"); fills r->block. 0, or -1 with *err. */
static int parse_start(struct nrtm3_reader *r, const char *line, char **err)
{
	char source[MAX_SOURCE_NAME_LENGTH + 2], range[48], extra[16];
	const char *p = line + 1, *dash;
	int version, n;

	while (*p == ' ')
		p++;
	n = sscanf(p, "START Version: %d %33s %47s %15s", &version, source, range, extra);
	if (n < 3 || (n == 4 && strcasecmp(extra, "FILTERED") != 0))
		return fail(r, err, "malformed START line: %s", line);
	if (version != 1 && version != 3)
		return fail(r, err, "version %d is not 1 or 3", version);
	if (strlen(source) > MAX_SOURCE_NAME_LENGTH || strcasecmp(source, r->source) != 0)
		return fail(r, err, "START for another source: %s", source);
	dash = strchr(range, '-');
	if (dash == NULL || !decimal_parse(range, (size_t)(dash - range), &r->block.first) ||
	    !decimal_parse(dash + 1, strlen(dash + 1), &r->block.last) || r->block.first > r->block.last)
		return fail(r, err, "malformed serial range in START: %s", range);
	if (r->block.first <= r->applied)
		return fail(r, err, "serials going backwards: START %s at or below what the mirror holds", range);
	r->block.kind = NRTM3_START;
	r->block.version = version;
	snprintf(r->block.source, sizeof(r->block.source), "%s", r->source);
	r->previous = 0;
	r->count = 0;
	return 0;
}

/* "ADD n" / "DEL n" (version 3), "ADD" / "DEL" (version 1). 1 it was one, 0 not, -1 with *err. */
static int parse_operation(struct nrtm3_reader *r, const char *line, char **err)
{
	bool is_add = strncmp(line, "ADD", 3) == 0, is_del = strncmp(line, "DEL", 3) == 0;
	const char *rest = line + 3;

	if ((!is_add && !is_del) || (rest[0] != '\0' && rest[0] != ' '))
		return 0;
	while (*rest == ' ')
		rest++;
	if (r->block.version == 1) {
		if (*rest != '\0')
			return fail(r, err, "a serial after ADD/DEL in a version 1 stream: %s", line);
		r->serial = r->block.first + r->count;
	} else if (!decimal_parse(rest, strlen(rest), &r->serial)) {
		return fail(r, err, "ADD/DEL without a serial: %s", line);
	}
	if (r->serial < r->block.first || r->serial > r->block.last)
		return fail(r, err, "serial outside the block's range: %s", line);
	if (r->serial <= r->previous || r->serial <= r->applied)
		return fail(r, err, "serials going backwards: %s", line);
	r->is_add = is_add;
	r->count++;
	return 1;
}

static bool is_upstream_error(const char *line)
{
	return strncmp(line, "%% ERROR", 8) == 0 || strncmp(line, "%ERROR", 6) == 0;
}

static bool is_nothing_new(const char *line)
{
	return strcmp(line, "% Warning: there are no newer updates available") == 0 ||
	       strcmp(line, "% Warning: there are no updates available") == 0;
}

static int emit_change(struct nrtm3_reader *r, nrtm3_event_fn fn, void *arg, char **err)
{
	struct nrtm3_event ev = { .kind = NRTM3_CHANGE, .version = r->block.version, .is_add = r->is_add,
				  .serial = r->serial, .object = r->object.data, .object_len = r->object.len };

	snprintf(ev.source, sizeof(ev.source), "%s", r->source);
	r->previous = r->serial;
	r->state = IN_BLOCK;
	if (fn(arg, &ev, err) < 0)
		return -1;
	strbuf_reset(&r->object);
	return 0;
}

static int read_line(struct nrtm3_reader *r, const char *line, nrtm3_event_fn fn, void *arg, char **err)
{
	bool is_blank = line[0] == '\0';

	r->line++;
	if (r->state == IN_OBJECT) {
		if (!is_blank && strncmp(line, "%END", 4) != 0) {
			if (r->object.len + strlen(line) + 1 > MAX_OBJECT_SIZE)
				return fail(r, err, "an object larger than %d bytes", MAX_OBJECT_SIZE);
			strbuf_append_str(&r->object, line);
			strbuf_append_char(&r->object, '\n');
			return 0;
		}
		if (emit_change(r, fn, arg, err) < 0)
			return -1;
		if (is_blank)
			return 0;
		/* "%END" right after the object, without the blank line: read it as the end */
	}
	if (is_blank)
		return 0;
	if (r->state == BEFORE_OBJECT) {
		if (line[0] == '%')
			return fail(r, err, "ADD/DEL without an object: %s", line);
		r->state = IN_OBJECT;
		strbuf_append_str(&r->object, line);
		strbuf_append_char(&r->object, '\n');
		return 0;
	}
	if (is_upstream_error(line)) {
		struct nrtm3_event ev = { .kind = NRTM3_UPSTREAM_ERROR, .text = line };

		if (r->state != OUTSIDE)
			return fail(r, err, "the upstream reported an error inside a block: %s", line);
		snprintf(ev.source, sizeof(ev.source), "%s", r->source);
		return fn(arg, &ev, err);
	}
	if (line[0] == '%' && (strncmp(line + 1, "START", 5) == 0 || strncmp(line + 1, " START", 6) == 0)) {
		if (r->state != OUTSIDE)
			return fail(r, err, "a second START inside a block: %s", line);
		if (parse_start(r, line, err) < 0)
			return -1;
		r->state = IN_BLOCK;
		return fn(arg, &r->block, err);
	}
	if (strncmp(line, "%END", 4) == 0) {
		struct nrtm3_event ev = { .kind = NRTM3_END, .version = r->block.version, .first = r->block.first,
					  .last = r->block.last };
		const char *name = line + 4;

		if (r->state != IN_BLOCK)
			return fail(r, err, "%%END outside a block: %s", line);
		while (*name == ' ')
			name++;
		if (strcasecmp(name, r->source) != 0)
			return fail(r, err, "%%END of another source: %s", line);
		snprintf(ev.source, sizeof(ev.source), "%s", r->source);
		ev.serial = r->previous;
		if (r->previous > r->applied)
			r->applied = r->previous;
		r->state = OUTSIDE;
		return fn(arg, &ev, err);
	}
	if (r->state == OUTSIDE) {
		if (is_nothing_new(line)) {
			struct nrtm3_event ev = { .kind = NRTM3_NOTHING_NEW, .text = line };

			snprintf(ev.source, sizeof(ev.source), "%s", r->source);
			return fn(arg, &ev, err);
		}
		if (line[0] == '%' || line[0] == '#')
			return 0;   /* comments between blocks (RIPE's banner) */
		if (strncmp(line, "ADD", 3) == 0 || strncmp(line, "DEL", 3) == 0)
			return fail(r, err, "ADD/DEL before START: %s", line);
		return fail(r, err, "unexpected text outside a block: %s", line);
	}
	/* IN_BLOCK */
	switch (parse_operation(r, line, err)) {
	case 1:
		r->state = BEFORE_OBJECT;
		return 0;
	case 0:
		return fail(r, err, "expected ADD, DEL or %%END: %s", line);
	default:
		return -1;
	}
}

int nrtm3_reader_feed(struct nrtm3_reader *r, const char *data, size_t len, nrtm3_event_fn fn, void *arg,
		      char **err)
{
	size_t start = 0;

	strbuf_append(&r->pending, data, len);
	if (memchr(data, '\0', len) != NULL)
		return fail(r, err, "a NUL byte in the stream");
	for (size_t i = 0; i < r->pending.len; i++) {
		char *line;

		if (r->pending.data[i] != '\n')
			continue;
		line = r->pending.data + start;
		r->pending.data[i] = '\0';
		if (i > start && r->pending.data[i - 1] == '\r')
			r->pending.data[i - 1] = '\0';
		if (i - start > MAX_LINE_LENGTH)
			return fail(r, err, "a line longer than %d bytes", MAX_LINE_LENGTH);
		if (read_line(r, line, fn, arg, err) < 0)
			return -1;
		start = i + 1;
	}
	if (r->pending.len - start > MAX_LINE_LENGTH) {
		r->line++;
		return fail(r, err, "a line longer than %d bytes", MAX_LINE_LENGTH);
	}
	memmove(r->pending.data, r->pending.data + start, r->pending.len - start);
	r->pending.len -= start;
	if (r->pending.data != NULL)
		r->pending.data[r->pending.len] = '\0';
	return 0;
}

int nrtm3_reader_finish(struct nrtm3_reader *r, nrtm3_event_fn fn, void *arg, char **err)
{
	/* a last line without its newline */
	if (r->pending.len > 0 && nrtm3_reader_feed(r, "\n", 1, fn, arg, err) < 0)
		return -1;
	if (r->state != OUTSIDE)
		return fail(r, err, "the stream ended inside a block (no %%END %s): nothing of it applies", r->source);
	return 0;
}
