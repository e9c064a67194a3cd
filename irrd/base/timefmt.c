/* ISO 8601 UTC timestamps; see timefmt.h. */
#include "timefmt.h"

void timefmt_utc(time_t t, char out[TIMEFMT_UTC_SIZE])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TIMEFMT_UTC_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
