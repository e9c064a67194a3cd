/* The store's schema and its forward migrations (used by store_open only). */
#ifndef IRRD_STORE_SCHEMA_H
#define IRRD_STORE_SCHEMA_H

#include <sqlite3.h>

/* Brings the database to STORE_SCHEMA_VERSION. Returns 0 or -1 with *err (caller frees). */
int store_schema_migrate(sqlite3 *db, char **err);

#endif
