/* `irrctl ca ...`: the operator's commands for the certificate authority. */
#ifndef CERT_CA_CLI_H
#define CERT_CA_CLI_H

#include "config.h"
#include "store.h"

/* argv[0] is "ca". Returns the process exit code: 0 done, 1 refused or failed, 2 usage. */
int ca_cli(const struct config *cfg, struct store *st, int argc, char **argv);

#endif
