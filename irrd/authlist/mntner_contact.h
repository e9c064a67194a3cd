/*
 * Whom to tell about an object of our source: its maintainers, and a maintainer's
 * upd-to addresses (the contact RPSL gives for failures and problems). Read from the
 * stored objects, parsed tolerantly; addresses are validated again when mail is made.
 */
#ifndef IRRD_MNTNER_CONTACT_H
#define IRRD_MNTNER_CONTACT_H

#include <stddef.h>

#include "config.h"
#include "store.h"

/* At most this many maintainers of one object are read (mnt-by items) */
#define MAX_ROUTE_MNTNERS 16

/* The upd-to addresses of our maintainer `mntner`, space separated (caller frees); NULL when unknown or none. */
char *mntner_upd_to(struct store *st, const struct config *cfg, const char *mntner);

/*
 * Whom to tell about problems with a maintainer's objects, as IRRd mails about newly
 * RPKI-invalid routes: the maintainer's mnt-nfy and the e-mail of its admin-c and
 * tech-c (person or role objects of our source); its upd-to when none of these gives
 * an address. Space separated (caller frees); NULL when the maintainer is unknown.
 */
char *mntner_notify_contacts(struct store *st, const struct config *cfg, const char *mntner);

/*
 * The mnt-by values of the object `cls` `pkey` of our source, upper case, each once, as a
 * new array in *out (caller frees each and the array; none when the object is gone).
 * 0 or -1 with *err.
 */
int object_mntners(struct store *st, const struct config *cfg, const char *cls, const char *pkey, char ***out,
		   size_t *count, char **err);

#endif
