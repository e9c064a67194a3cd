/* irrctl mirror status | reload SOURCE: the state of the mirrored sources (docs/mirroring.md). */
#ifndef IRRD_MIRROR_CLI_H
#define IRRD_MIRROR_CLI_H

#include "config.h"
#include "store.h"

/* argv[0] is "mirror". Returns irrctl's exit code. */
int mirror_cli(const struct config *cfg, struct store *st, int argc, char **argv);

#endif
