/* Timestamps as the registry writes them everywhere: ISO 8601 in UTC, 2026-11-22T14:25:20Z. */
#ifndef IRRD_TIMEFMT_H
#define IRRD_TIMEFMT_H

#include <time.h>

#define TIMEFMT_UTC_SIZE 32

void timefmt_utc(time_t t, char out[TIMEFMT_UTC_SIZE]);

#endif
