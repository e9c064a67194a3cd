/*
 * Change notices for the database; see store_watch.h. In WAL mode, the header of
 * SQLite's WAL index in shared memory; otherwise inotify on the database's files.
 */
#include "store_watch.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/*
 * The WAL index header (https://www.sqlite.org/walformat.html, "The WAL-Index
 * Header"): two copies of 48 bytes at the start of the first region of the -shm
 * file. Every commit rewrites both (its change counter, last frame, checksums);
 * a reader's snapshot is whatever they hold when its transaction starts.
 */
#define WAL_INDEX_HEADER_WORDS (2 * 48 / 8)
/* The size SQLite maps the wal-index in (its WALINDEX_PGSZ); we ask for the first one only. */
#define WAL_INDEX_REGION_BYTES (32 * 1024)

struct store_watch {
	/* WAL mode: SQLite's own mapping of the header (valid while the connection is open) */
	const volatile uint64_t *wal_header;
	uint64_t seen[WAL_INDEX_HEADER_WORDS];
	/* otherwise inotify */
	int fd;            /* inotify, non-blocking; -1: no watch, always "maybe" */
	unsigned long long last_event_ns; /* CLOCK_MONOTONIC of the last write seen */
	char *base;        /* the database file's name inside its directory */
	size_t base_len;
};

static bool is_wal_mode(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	bool is_wal = false;

	if (sqlite3_prepare_v2(db, "PRAGMA main.journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(stmt, 0);

		is_wal = mode != NULL && strcasecmp(mode, "wal") == 0;
	}
	sqlite3_finalize(stmt);
	return is_wal;
}

/*
 * The connection's mapping of the WAL index's first region, through the VFS's own
 * xShmMap (no file of ours: a second descriptor on the -shm file would drop the
 * process's POSIX locks on it when closed). NULL when there is none to be had.
 */
static const volatile uint64_t *map_wal_header(sqlite3 *db)
{
	sqlite3_file *file = NULL;
	void volatile *region = NULL;

	if (!is_wal_mode(db))
		return NULL;
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == NULL ||
	    file->pMethods == NULL || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == NULL)
		return NULL;
	if (file->pMethods->xShmMap(file, 0, WAL_INDEX_REGION_BYTES, 0, &region) != SQLITE_OK)
		return NULL;
	return region;
}

static void read_wal_header(const struct store_watch *w, uint64_t out[WAL_INDEX_HEADER_WORDS])
{
	for (size_t i = 0; i < WAL_INDEX_HEADER_WORDS; i++)
		out[i] = w->wal_header[i];
}

static void watch_files(struct store_watch *w, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash != NULL ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");

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
}

struct store_watch *store_watch_new(struct store *st)
{
	struct store_watch *w = xcalloc(1, sizeof(*w));
	const char *path = sqlite3_db_filename(store_db(st), "main");

	w->fd = -1;
	if (path == NULL || path[0] == '\0')
		return w; /* an in-memory database: nobody else writes it */
	w->wal_header = map_wal_header(store_db(st));
	if (w->wal_header != NULL)
		read_wal_header(w, w->seen);
	else
		watch_files(w, path);
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

/*
 * Any difference from the header last seen: a commit (or a checkpoint restarting the
 * WAL, or a header caught half written, which the caller's data_version sorts out).
 */
static bool wal_header_changed(struct store_watch *w)
{
	uint64_t now[WAL_INDEX_HEADER_WORDS];
	bool changed = false;

	for (size_t i = 0; i < WAL_INDEX_HEADER_WORDS; i++) {
		now[i] = w->wal_header[i];
		changed |= now[i] != w->seen[i];
	}
	if (changed)
		memcpy(w->seen, now, sizeof(now));
	return changed;
}

bool store_watch_may_have_changed(struct store_watch *w)
{
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;

	if (w->wal_header != NULL)
		return wal_header_changed(w);
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
