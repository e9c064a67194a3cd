/* Dropping root; see privileges.h. */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

int privileges_drop(const char *user, char **err)
{
	struct passwd *pw;

	if (user == NULL)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		*err = xasprintf("user %s: %s", user, errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0;
		*err = xasprintf("user = %s, but irrd runs as uid %d, not root: it cannot become %s", user, (int)geteuid(),
				 user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		*err = xasprintf("user = %s is root: name an unprivileged user", user);
		return -1;
	}
	if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		*err = xasprintf("cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	/* a process that can get root back has not dropped it */
	if (setuid(0) == 0 || geteuid() == 0) {
		*err = xasprintf("still able to become root after switching to %s", user);
		return -1;
	}
	log_info("running as %s (uid %d, gid %d)", user, (int)pw->pw_uid, (int)pw->pw_gid);
	return 0;
}
