/*
 * RPSL text to struct rpsl_object. One paragraph (the lines of one object, without
 * the terminating blank line) at a time; splitting a stream into paragraphs is
 * rpsl_reader.c's job.
 */
#ifndef IRRD_RPSL_PARSE_H
#define IRRD_RPSL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "rpsl_object.h"

enum rpsl_parse_mode {
	/* Our own updates: every rule enforced; any violation is an error. */
	RPSL_STRICT,
	/*
	 * Loaded and mirrored data (IRRd's non-strict mode): the class, primary key and
	 * source must be valid; unknown attributes are kept; other problems are warnings
	 * and a lookup value that fails its syntax is not indexed.
	 */
	RPSL_TOLERANT,
};

/*
 * Parses one object. `first_line` is the line number of text[0] in its file, used in
 * every message. Never returns NULL: check rpsl_object_has_errors(); obj->cls is
 * NULL when the class is unknown. Caller frees with rpsl_object_free.
 */
struct rpsl_object *rpsl_parse_object(const char *text, size_t len, uint32_t first_line,
				      enum rpsl_parse_mode mode);

/* Appends "line N: text" / "text" for every message of obj at or above min_severity. */
struct strbuf;
void rpsl_format_messages(const struct rpsl_object *obj, enum rpsl_severity min_severity,
			  const char *prefix, struct strbuf *out);

#endif
