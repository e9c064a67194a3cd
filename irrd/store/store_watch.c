/* Change notices for the database files through inotify; see store_watch.h. */
#include "store_watch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "xalloc.h"

/*
 * A commit becomes visible when the writer updates the WAL index in shared memory,
 * just after writing its last frame; that update makes no inotify event. So after
 * a write the answer stays "maybe" for this long: far longer than the gap between
 * those two steps (no fsync between them with synchronous = NORMAL in WAL mode).
 */
#define STORE_WATCH_LINGER_NS (10ull * 1000 * 1000 * 1000)

struct store_watch {
	int fd;            /* inotify, non-blocking; -1: no watch, always "maybe" */
	unsigned long long last_event_ns; /* CLOCK_MONOTONIC of the last write seen */
	char *base;        /* the database file's name inside its directory */
	size_t base_len;
};

struct store_watch *store_watch_new(struct store *st)
{
	struct store_watch *w = xcalloc(1, sizeof(*w));
	const char *path = sqlite3_db_filename(store_db(st), "main");
	const char *slash;
	char *dir = NULL;

	w->fd = -1;
	if (path == NULL || path[0] == '\0')
		return w; /* an in-memory database: nobody else writes it */
	slash = strrchr(path, '/');
	dir = slash != NULL ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	w->base = xstrdup(slash != NULL ? slash + 1 : path);
	w->base_len = strlen(w->base);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	/* The directory, not the files: SQLite deletes and creates -wal and -journal. */
	if (w->fd < 0 || inotify_add_watch(w->fd, dir, IN_MODIFY | IN_CREATE | IN_DELETE |
							   IN_MOVED_TO | IN_MOVED_FROM) < 0) {
		log_warn("store: cannot watch %s for changes (%s); checking the change counter before every query",
			 dir, strerror(errno));
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
	}
	free(dir);
	return w;
}

void store_watch_free(struct store_watch *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->base);
	free(w);
}

/* The database file itself or one SQLite keeps beside it. */
static bool is_database_file(const struct store_watch *w, const char *name)
{
	if (strncmp(name, w->base, w->base_len) != 0)
		return false;
	name += w->base_len;
	return name[0] == '\0' || strcmp(name, "-wal") == 0 || strcmp(name, "-journal") == 0;
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

bool store_watch_may_have_changed(struct store_watch *w)
{
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;

	if (w->fd < 0)
		return true;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: nothing (more) queued */
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if ((ev->mask & IN_Q_OVERFLOW) || (ev->len > 0 && is_database_file(w, ev->name)))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed) {
		w->last_event_ns = monotonic_ns();
		return true;
	}
	return w->last_event_ns != 0 && monotonic_ns() - w->last_event_ns < STORE_WATCH_LINGER_NS;
}
