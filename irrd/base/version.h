/* The release version, shown by `irrd -V`, `irrctl version` and (later) whois `!v`. */
#ifndef IRRD_VERSION_H
#define IRRD_VERSION_H
#define ROUTEREG_VERSION "0.1.0"
#endif
