/*
 * Notification mails about updates: collected per recipient while a submission is
 * processed, then sent through the configured sendmail command, one message per
 * recipient. Addresses come from RPSL data and are re-validated before use.
 */
#ifndef IRRD_NOTIFY_H
#define IRRD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "store.h"
#include "strbuf.h"

enum notify_kind {
	NOTIFY_CHANGED,   /* mnt-nfy of the maintainers, notify: of the object: a change succeeded */
	NOTIFY_FAILED,    /* upd-to of the maintainers: an update failed authentication */
};

struct notify_outbox;

struct notify_outbox *notify_outbox_new(void);
/* Queues `body` (one object's story) for `address`; invalid addresses are ignored. */
void notify_add(struct notify_outbox *box, enum notify_kind kind, const char *address, const char *body);
/*
 * Puts every message of the outbox into the notification queue (table notify_queue),
 * inside the caller's transaction: a submission's notifications commit with it or
 * not at all. *first and *last get the range of queue ids written (*first > *last
 * when nothing was queued), for notify_queue_deliver after the commit. Frees the
 * outbox. Returns 0, or -1 with *err.
 */
int notify_outbox_queue(struct notify_outbox *box, struct store *st, const struct config *cfg, int64_t *first,
			int64_t *last, char **err);

/*
 * Hands queued notifications to cfg->sendmail: those with ids first..last, or with
 * first = 0 every one whose retry time has come. A message sendmail took leaves the
 * queue; one it refused gets its next attempt later (1, 5, 15 minutes, then hourly)
 * and is dropped, logged, after NOTIFY_QUEUE_LIFETIME. Appends one line per failure
 * ("<address>: <why>") to *failures when not NULL. Returns how many of the messages
 * tried are still queued, or -1 with *err on a store error.
 */
#define NOTIFY_QUEUE_LIFETIME (5 * 24 * 3600)
int notify_queue_deliver(struct store *st, const struct config *cfg, int64_t first, int64_t last, time_t now,
			 struct strbuf *failures, char **err);

/* Messages waiting in the queue, -1 on a store error. */
int64_t notify_queue_count(struct store *st);

/* One line per queued message into *out: id, queued at, attempts, next attempt, recipient, last error. 0 or -1. */
int notify_queue_list(struct store *st, struct strbuf *out, char **err);

/* Makes every queued message due now (irrctl notify send --all). 0 or -1 with *err. */
int notify_queue_make_due(struct store *st, time_t now, char **err);

/*
 * Formats one plain-text mail from mail.from to `to` with the usual headers (Date,
 * Message-ID, Auto-Submitted: auto-generated, UTF-8) into *out. Returns 0, or -1
 * when the address is not valid.
 */
int notify_compose(const struct config *cfg, const char *to, const char *subject, const char *body, size_t len,
		   struct strbuf *out);

/*
 * Queues one plain-text mail (outside a submission: the consistency check) and tries
 * to send it at once; what sendmail refuses stays queued for irrd's retry. Must not
 * run inside a transaction that is still to commit (sendmail would see a message that
 * may be rolled back). Returns 0 when sent, 1 when queued for later, -1 on an invalid
 * address or a store error (*err).
 */
int notify_queue_text(struct store *st, const struct config *cfg, const char *to, const char *subject, const char *body,
		      size_t len, char **err);

/*
 * Queues one plain-text mail without sending it, inside the caller's transaction (a
 * job whose record of what it mailed must commit with the mail); *id for
 * notify_queue_deliver after the commit. 0, or -1 on an invalid address or a store
 * error (*err).
 */
int notify_queue_text_held(struct store *st, const struct config *cfg, const char *to, const char *subject,
			   const char *body, size_t len, int64_t *id, char **err);

/*
 * Sends one plain-text mail from mail.from to `to` (validated first) with the usual
 * headers (Date, Message-ID, Auto-Submitted: auto-generated, UTF-8). Returns 0, or -1
 * when the address is not valid or the sendmail command failed.
 */
int notify_send_text(const struct config *cfg, const char *to, const char *subject, const char *body, size_t len);

/*
 * Hands one whole RFC 5322 message to cfg->sendmail (which reads the recipients from
 * its headers). Returns 0 when the command took it and exited 0, else -1.
 */
int notify_sendmail(const struct config *cfg, const char *message, size_t len);

#endif
