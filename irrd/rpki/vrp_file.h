/*
 * VRP files as RPKI validators write them: one dispatch (vrp_file.c) in front of
 * one parser per format (vrp_json.c: rpki-client -j and Routinator's json;
 * vrp_csv.c: rpki-client -c and Routinator's csv). A file is taken whole or not at
 * all: on any error there is no set and the caller keeps the one it had.
 */
#ifndef IRRD_RPKI_VRP_FILE_H
#define IRRD_RPKI_VRP_FILE_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"
#include "vrp.h"

/*
 * Reads the file at path (at most MAX_VRP_FILE_SIZE bytes), recognises its format
 * by its content and parses it. Returns 0 with a new sorted set in *out (caller
 * frees with vrp_set_free), or -1 with *out NULL and *err a message (caller frees
 * with free()) that names the file, the line and, for JSON, the "roas" entry, and
 * says what was wrong.
 */
int vrp_file_load(const char *path, struct vrp_set **out, char **err);
/* The same on bytes in memory; name is used in messages only. */
int vrp_file_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err);

/*
 * The formats behind the dispatch, with vrp_file_parse's contract.
 * JSON: a top-level object whose "roas" array holds objects with exactly the members
 * "asn" (number or "AS<number>"), "prefix", "maxLength", "ta" and optionally
 * "expires"; other top-level members are skipped.
 * CSV: the header "ASN,IP Prefix,Max Length,Trust Anchor,Expires" (rpki-client) or
 * "ASN,IP Prefix,Max Length,Trust Anchor" (Routinator), one VRP per line, every line
 * ending in a newline.
 */
int vrp_json_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err);
int vrp_csv_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err);

/* Appends the set as rpki-client's CSV (header included): what vrp_csv_parse reads back. */
void vrp_csv_format(const struct vrp_set *set, struct strbuf *out);

/*
 * A trust anchor name as the parsers accept it: 1 to MAX_TRUST_ANCHOR_NAME_LENGTH
 * printable ASCII characters, no comma (it would split a CSV line). Returns 0, or -1
 * with *err a static message.
 */
int vrp_file_check_ta(const char *name, size_t len, const char **err);

/*
 * VRPs as our JSON outputs show them (reports, exports): {"prefix", "max_length",
 * "asn", "ta"} for one VRP of `set`, and an array of every VRP of a set.
 */
json_t *vrp_to_json(const struct vrp_set *set, const struct vrp *v);
json_t *vrp_set_to_json(const struct vrp_set *set);

#endif
