/*
 * !J: the status of the sources as JSON (IRRd's database status query): per source
 * its kind (authoritative, mirror, loaded), objects, journal serials, for a mirror the
 * upstream's serial, last success and error and whether it is stalled, and whether
 * RPKI-invalid routes are filtered. `!J-*` or `!J` alone: every source; `!JA,B`: those.
 */
#ifndef WHOIS_STATUS_H
#define WHOIS_STATUS_H

#include <jansson.h>

#include "query.h"

/* The JSON object for the sources named in arg (caller decrefs), or NULL with *err naming an unknown source. */
json_t *whois_status_json(const struct query_context *ctx, const char *arg, char **err);

#endif
