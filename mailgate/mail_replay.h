/*
 * Replay protection for signed mail: the digest of every signed body the gateway
 * applied is remembered (table mail_replay) for twice the signing-time window, so
 * the same signed message delivered again is refused; older ones fail the window.
 */
#ifndef MAILGATE_MAIL_REPLAY_H
#define MAILGATE_MAIL_REPLAY_H

#include <time.h>

#include "store.h"

/*
 * Claims a digest before the submission is applied. Returns 1 when it is new (now
 * recorded), 0 when it was seen before (*seen_at says when), -1 on a store error
 * (*err). Forgets digests older than 2 * window on the way.
 */
int mail_replay_claim(struct store *st, const char *digest, const char *message_id, time_t now, unsigned window,
		      time_t *seen_at, char **err);

/* Gives a claim back (the submission could not be applied now and the MTA will retry). */
int mail_replay_release(struct store *st, const char *digest, char **err);

#endif
