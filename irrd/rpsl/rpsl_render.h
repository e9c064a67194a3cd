/* Rendering a struct rpsl_object back to RPSL text, RIPE layout (names padded to 16). */
#ifndef IRRD_RPSL_RENDER_H
#define IRRD_RPSL_RENDER_H

#include "rpsl_object.h"
#include "strbuf.h"

#define RPSL_VALUE_COLUMN 16

/*
 * Appends the object's text to out: one line per attribute line, each ending in
 * '\n', no trailing blank line. Continuation lines are indented to the value column;
 * an empty continuation line is written as "+". Parsing the result gives the same
 * object (golden round trip).
 */
void rpsl_render(const struct rpsl_object *obj, struct strbuf *out);

#endif
