/*
 * Notification mails about updates: collected per recipient while a submission is
 * processed, then sent through the configured sendmail command, one message per
 * recipient. Addresses come from RPSL data and are re-validated before use.
 */
#ifndef IRRD_NOTIFY_H
#define IRRD_NOTIFY_H

#include <stddef.h>

#include "config.h"
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
 * Sends every queued message with cfg->sendmail. Returns the number of messages
 * handed over, -1 when the command failed (logged). Frees the outbox.
 */
int notify_send(struct notify_outbox *box, const struct config *cfg);

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
