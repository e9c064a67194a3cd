/*
 * Replay protection for signed mail: the replay key of every signed message the
 * gateway applied (the signer and what the signature covers, mail_verify.h) is
 * remembered (table mail_replay) for twice the signing-time window, so the same
 * signed message delivered again is refused; older ones fail the window.
 */
#ifndef MAILGATE_MAIL_REPLAY_H
#define MAILGATE_MAIL_REPLAY_H

#include <time.h>

#include "store.h"

/*
 * Claims a replay key, inside the submission's transaction (the update engine calls
 * it through update_claim, so the claim commits or rolls back with the objects).
 * Returns 1 when it is new (now recorded), 0 when it was seen before (*seen_at says
 * when), -1 on a store error (*err). Forgets keys older than 2 * window on the way.
 */
int mail_replay_claim(struct store *st, const char *digest, const char *message_id, time_t now, unsigned window,
		      time_t *seen_at, char **err);

#endif
