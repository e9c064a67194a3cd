/* irrctl lir|alloc|authlist: the command lines of the authorisation list (docs/authlist.md). */
#ifndef IRRD_AUTHLIST_CLI_H
#define IRRD_AUTHLIST_CLI_H

#include "config.h"
#include "store.h"

/* command is "lir", "alloc" or "authlist"; argv[0] is that word. Returns irrctl's exit code. */
int authlist_cli(const struct config *cfg, struct store *st, const char *command, int argc, char **argv);

#endif
