/* The recorded state of each mirrored source (table mirror_status); see mirror.h for the mirroring. */
#ifndef IRRD_MIRROR_STATE_H
#define IRRD_MIRROR_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "store.h"

struct mirror_state {
	bool exists;               /* a row exists (the source was ever run) */
	int64_t serial;            /* 0: never imported */
	int64_t last_attempt, last_success, last_progress, last_error_at;
	char last_error[512];
	int64_t failures;
	bool reload_requested;
};

/* The recorded state of `source` (upper case). 0, or -1 with *err. */
int mirror_state_read(struct store *st, const char *source, struct mirror_state *out, char **err);

/* Asks for a full reload from the dump at the next run (irrctl mirror reload). 0, or -1 with *err. */
int mirror_request_reload(struct store *st, const char *source, char **err);

/* True when the source's runs have failed and its serial has not moved for m->stall_after seconds. */
bool mirror_is_stalled(const struct mirror_config *m, const struct mirror_state *state, time_t now);

/*
 * Runs one statement on mirror_status with ?1 = source, ?2 = a, ?3 = b, ?4 = text (the
 * parameters the statement has). 0, or -1 with *err. For mirror.c's records.
 */
int mirror_status_exec(struct store *st, const char *sql, const char *source, int64_t a, int64_t b, const char *text,
		       char **err);

#endif
