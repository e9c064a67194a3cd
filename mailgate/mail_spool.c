/* Spool files written through a temporary name and rename(2), then fsync'ed. */
#include "mail_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_whole(const char *dir, const char *stem, const char *suffix, const char *data, size_t len)
{
	char tmp[4096], final[4096];
	int fd, saved;
	size_t done = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s%s.tmp", dir, stem, suffix) >= sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/%s%s", dir, stem, suffix) >= sizeof(final)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, final) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int mail_spool_keep(const char *dir, const char *message, size_t len, const char *reason, char *name,
		    size_t name_size)
{
	char stem[128];
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, sizeof(stem), "%s-%ld-%09ld", when, (long)getpid(), (long)ts.tv_nsec);
	/* the reason first: an .eml without its .reason would be a mystery to the operator */
	if (write_whole(dir, stem, ".reason", reason, strlen(reason)) < 0 ||
	    write_whole(dir, stem, ".eml", message, len) < 0)
		return -1;
	if (name != NULL)
		snprintf(name, name_size, "%s", stem);
	return 0;
}
