/* irrctl export dump: the dumps mirrors import (docs/irrctl.md, dump_export.h). */
#ifndef IRRD_DUMP_CLI_H
#define IRRD_DUMP_CLI_H

#include "config.h"
#include "store.h"

/* irrctl export dump [--source NAME]... [--dir DIR]; argv[0] is "dump". Returns irrctl's exit code. */
int dump_cli(const struct config *cfg, struct store *st, int argc, char **argv);

#endif
