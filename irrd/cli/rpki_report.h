/*
 * irrctl rpki report: the mismatches between the routes of an LIR or a maintainer,
 * the authorisation list and the VRPs irrd has in force (docs/irrctl.md).
 */
#ifndef IRRD_RPKI_REPORT_H
#define IRRD_RPKI_REPORT_H

#include "config.h"
#include "store.h"

/* irrctl rpki report ...; argv[0] is "rpki". Returns irrctl's exit code. */
int rpki_report_cli(const struct config *cfg, struct store *st, int argc, char **argv);

#endif
