/*
 * The gateway's spool: a message it could not process now, or whose outcome it
 * could not deliver, is kept here with the reason, so nothing is lost. Files are
 * <name>.eml (the message as received) and <name>.reason, both 0600.
 */
#ifndef MAILGATE_MAIL_SPOOL_H
#define MAILGATE_MAIL_SPOOL_H

#include <stddef.h>

/*
 * Writes the message and the reason into dir (created 0700 when missing); each file
 * appears whole or not at all. Returns 0 with the file name stem in name (may be
 * NULL), or -1 (errno set).
 */
int mail_spool_keep(const char *dir, const char *message, size_t len, const char *reason, char *name,
		    size_t name_size);

#endif
