/*
 * Serving NRTM (issue 16): `-g SOURCE:V:FIRST-LAST` answered from the journal with
 * IRRd 4.5's framing and error texts byte for byte (PROTOCOLS.md, "NRTMv3"):
 *
 *   %START Version: 3 JPIRR 101-103
 *
 *   ADD 101
 *
 *   <object>
 *
 *   DEL 103
 *
 *   <object>
 *
 *   %END JPIRR
 *
 * With -k and LAST (`-k -g JPIRR:3:101-LAST`) the connection follows the source:
 * the server pushes each later commit as a block of its own (%START ... %END) the
 * moment it is committed (s->nrtm_follow; whois_server.c watches the database).
 * Version 1 leaves the serials off ADD/DEL. `LAST` is taken in any case, as RIPE's
 * server does (IRRd refuses "last"): the Debian whois client lower-cases whole queries. Objects have their password hashes
 * removed. Who may ask is nrtm.access (address prefixes, per source or for all);
 * nobody by default, as IRRd.
 */
#ifndef WHOIS_NRTM_SERVE_H
#define WHOIS_NRTM_SERVE_H

#include "query.h"
#include "spool.h"
#include "whois_query.h"

/* Answers the -g argument `arg` ("SOURCE:V:FIRST-LAST") into answer. */
void nrtm_serve(const struct query_context *ctx, struct whois_session *s, const char *arg, struct spool *answer);

#endif
