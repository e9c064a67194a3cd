/*
 * Mirroring another registry's source (issue 16, docs/mirroring.md): the first run
 * imports the upstream's dump at its CURRENTSERIAL; every run after asks NRTMv3 for
 * the changes from that serial + 1 (`-g SOURCE:3:N-LAST`) and applies each block
 * (%START ... %END) in one transaction, keeping the upstream's serials in our journal
 * so that our own mirrors ask with the same numbers. A bad stream (cut, garbage, a
 * second START, another source, serials going backwards) applies nothing of the open
 * block and is recorded; when the upstream's journal no longer reaches our serial
 * ("Serials A - B do not exist") the source is imported again from the dump, loudly.
 *
 * The state of each source is the table mirror_status: serial, last attempt, last
 * success, last progress, last error, failures in a row; a source whose serial has not
 * moved for stall_after seconds while its runs fail is reported stalled (IRRd issue
 * #877: mirrors that stop silently for months).
 */
#ifndef IRRD_MIRROR_H
#define IRRD_MIRROR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "mirror_state.h"
#include "store.h"

struct mirror_result {
	bool imported;             /* the dump was (re)loaded */
	int64_t serial_before, serial_after;
	uint64_t objects;          /* imported objects */
	uint64_t changes;          /* NRTM changes applied */
	uint64_t skipped;          /* changes whose object could not be read (logged, not applied) */
};

/*
 * One run for one mirrored source at `now`: import when needed, then NRTM. Records the
 * outcome in mirror_status. 0, or -1 with *err (recorded as the source's last error;
 * nothing of a failed block is applied).
 */
int mirror_run(struct store *st, const struct config *cfg, const struct mirror_config *m, time_t now,
	       struct mirror_result *res, char **err);

#endif
