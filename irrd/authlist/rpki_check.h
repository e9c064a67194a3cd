/*
 * The RPKI policy on updates (issue 15): a created or modified route of our
 * source that the VRPs in force (rpki_table.h) make RPKI-invalid is refused,
 * listing the VRPs it conflicts with (rpki.reject_invalid_updates); one no VRP
 * covers is accepted with a warning that suggests the ROA to publish (RFC 9319).
 */
#ifndef IRRD_RPKI_CHECK_H
#define IRRD_RPKI_CHECK_H

#include <stdbool.h>

#include "config.h"
#include "rpsl_object.h"
#include "store.h"
#include "strbuf.h"

/* The update_route_check.check_origin contract: 1 accept (note), 0 refuse (why), -1 cannot decide (why). */
int rpki_check_route(struct store *st, const struct config *cfg, const struct rpsl_object *route, bool is_override,
		     struct strbuf *why, struct strbuf *note);

#endif
