/*
 * Dropping root after binding port 43 (bgpd, Postfix): when irrd starts as root and
 * the configuration names a `user`, it becomes that user (its primary group and
 * supplementary groups) before it opens the database or serves anyone.
 */
#ifndef IRRD_PRIVILEGES_H
#define IRRD_PRIVILEGES_H

/*
 * Becomes `user` when running as root; does nothing for user NULL. Returns 0, or -1
 * with *err (caller frees): a daemon that cannot drop what it was told to must not go on.
 * Running as another user than root with `user` set is refused unless it is that user.
 */
int privileges_drop(const char *user, char **err);

#endif
