/* irrd's VRPs: load, reload, swap; see daemon_rpki.h. */
#include "daemon_rpki.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "rpki_table.h"
#include "rpki_view.h"
#include "rtr_client.h"
#include "store.h"
#include "worker_pool.h"
#include "xalloc.h"

/* What a file looked like when it was last read: a change of any of these means read it again. */
struct file_mark {
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct load_task {
	struct worker_task base;
	struct daemon_rpki *owner;
	char *vrp_path, *slurm_path;
	struct vrp_set *added, *removed;  /* an RTR delta: applied to owner->rtr_base instead of reading vrp_path */
	struct file_mark vrp_mark, slurm_mark;
	struct rpki_view *view;  /* result */
	struct rpki_view *bare;  /* RTR with a SLURM file that failed: the cache's set without it */
	char *err;               /* or this */
	double seconds;          /* the load or delta took this long */
};

/* Writing a view's VRPs to the database, for the processes that check updates. */
struct table_task {
	struct worker_task base;
	struct daemon_rpki *owner;
	struct rpki_view *view;  /* a reference */
	char *origin;
	char *err;
	double seconds;
};

struct daemon_rpki {
	struct event_loop *loop;
	struct query_context *ctx;
	struct config *const *cfg;
	struct worker_pool *pool;        /* loads and deltas: a new view */
	struct worker_pool *writer;      /* the VRP table, behind the views: whois never waits for it */
	bool is_writing, is_table_dirty; /* a table write runs; a newer view waits for the next one */
	bool is_closing;                 /* daemon_rpki_free: no new tasks from done callbacks */
	struct event_timer *tick;
	struct rtr_client *rtr;          /* rpki.rtr_cache */
	struct event_watch *rtr_watch;
	struct vrp_set *rtr_base;        /* the cache's set as last applied (before SLURM); the worker's */
	bool rtr_waiting;                /* a delta is waiting in the client while the worker applies one */
	struct rpki_view *view;          /* the set in force (ctx->rpki points to it) */
	struct file_mark vrp_mark, slurm_mark;
	struct file_mark tried_vrp_mark, tried_slurm_mark; /* the files that last failed (read again once they change) */
	time_t last_look, last_success;
	bool is_loading, is_stale, last_failed;
	char *last_error;
};

static void mark_file(const char *path, struct file_mark *m)
{
	struct stat st;

	memset(m, 0, sizeof(*m));
	if (path == NULL || stat(path, &st) < 0)
		return;
	m->exists = true;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtime = st.st_mtim;
}

static bool same_mark(const struct file_mark *a, const struct file_mark *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void load_run(void *thread_state, struct worker_task *base)
{
	struct load_task *t = (struct load_task *)base;
	struct timespec a, b;

	(void)thread_state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (t->added != NULL)
		rpki_view_apply(&t->owner->rtr_base, t->added, t->removed, t->slurm_path, &t->view, &t->bare, &t->err);
	else
		rpki_view_load(t->vrp_path, t->slurm_path, &t->view, &t->err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t->seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void table_run(void *thread_state, struct worker_task *base)
{
	struct table_task *t = (struct table_task *)base;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	rpki_table_replace(thread_state, t->view->vrps, t->origin, &t->err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t->seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void write_table(struct daemon_rpki *r);

static void table_done(struct worker_task *base, bool was_run)
{
	struct table_task *t = (struct table_task *)base;
	struct daemon_rpki *r = t->owner;

	r->is_writing = false;
	if (was_run && t->err != NULL)
		log_error("RPKI: %s; updates are checked against the VRPs written before", t->err);
	else if (was_run)
		log_debug("RPKI: %zu VRPs written to the database in %.2f s", vrp_set_count(t->view->vrps), t->seconds);
	rpki_view_unref(t->view);
	free(t->origin);
	free(t->err);
	free(t);
	if (r->is_table_dirty && was_run) {
		r->is_table_dirty = false;
		write_table(r);
	}
}

/* The processes that check updates read the set in force from the database: write the newest. */
static void write_table(struct daemon_rpki *r)
{
	const struct config *cfg = *r->cfg;
	struct table_task *t;

	if (r->writer == NULL || r->view == NULL || r->is_closing)
		return;
	if (r->is_writing) {
		r->is_table_dirty = true;
		return;
	}
	t = xcalloc(1, sizeof(*t));
	t->owner = r;
	t->view = rpki_view_ref(r->view);
	t->origin = xstrdup(cfg->rpki_vrp_file ? cfg->rpki_vrp_file : cfg->rpki_rtr_cache ? cfg->rpki_rtr_cache : "");
	r->is_writing = true;
	worker_pool_submit(r->writer, &t->base, table_run, table_done);
}

static void load_task_free(struct load_task *t)
{
	rpki_view_unref(t->view);
	vrp_set_free(t->added);
	vrp_set_free(t->removed);
	free(t->vrp_path);
	rpki_view_unref(t->bare);
	free(t->slurm_path);
	free(t->err);
	free(t);
}

/* Swaps t's view in, for whois now and for the update checks by the table write. */
static void put_in_force(struct daemon_rpki *r, struct load_task *t)
{
	rpki_view_unref(r->view);
	r->view = t->view;
	t->view = NULL;
	r->ctx->rpki = r->view;
	r->vrp_mark = t->vrp_mark;
	r->slurm_mark = t->slurm_mark;
	r->last_success = r->view->loaded_at;
	/* a file is as fresh as its last rewrite (a restart on an old file is stale at once) */
	if (t->added == NULL && t->vrp_mark.exists && t->vrp_mark.mtime.tv_sec < r->last_success)
		r->last_success = t->vrp_mark.mtime.tv_sec;
	r->is_stale = false;
	write_table(r);
}

/* On the loop thread: put a good set in force, or keep the old one and say why. */
static void finish_load(struct daemon_rpki *r, struct load_task *t)
{
	if (t->view == NULL && t->bare != NULL && r->view == NULL) {
		/* nothing in force yet: the cache's set without the local exceptions beats no ROAs at all */
		log_error("RPKI: %s; until it loads, the RPKI cache's %zu VRPs are in force without its exceptions",
			  t->err ? t->err : "the SLURM file failed", vrp_set_count(t->bare->vrps));
		t->view = t->bare;
		t->bare = NULL;
		free(r->last_error);
		r->last_error = t->err;
		t->err = NULL;
		put_in_force(r, t);
		r->last_failed = true;   /* the SLURM file is still to be read: looked at again when it changes */
		return;
	}
	if (t->view == NULL) {
		log_error("RPKI: %s; the %zu VRPs loaded before stay in force%s", t->err ? t->err : "load failed",
			  r->view != NULL ? vrp_set_count(r->view->vrps) : 0,
			  t->added != NULL ? " (the cache's changes are kept: they apply once the SLURM file loads)" : "");
		r->tried_vrp_mark = t->vrp_mark;
		r->tried_slurm_mark = t->slurm_mark;
		free(r->last_error);
		r->last_error = t->err;
		t->err = NULL;
		r->last_failed = true;
		return;
	}
	if (t->added != NULL)
		log_info("RPKI: %zu VRPs in force from the RPKI cache %s (%zu added, %zu withdrawn, applied in %.2f s)%s%s",
			 vrp_set_count(t->view->vrps), t->vrp_path, vrp_set_count(t->added), vrp_set_count(t->removed),
			 t->seconds, t->slurm_path ? " with SLURM " : "", t->slurm_path ? t->slurm_path : "");
	else
		log_info("RPKI: %zu VRPs in force from %s%s%s (read in %.2f s)", vrp_set_count(t->view->vrps), t->vrp_path,
			 t->slurm_path ? " with SLURM " : "", t->slurm_path ? t->slurm_path : "", t->seconds);
	put_in_force(r, t);
	r->last_failed = false;
	free(r->last_error);
	r->last_error = NULL;
}

static void rtr_take(struct daemon_rpki *r);

static void load_done(struct worker_task *base, bool was_run)
{
	struct load_task *t = (struct load_task *)base;
	struct daemon_rpki *r = t->owner;

	r->is_loading = false;
	if (was_run)
		finish_load(r, t);
	load_task_free(t);
	if (r->rtr_waiting && r->rtr != NULL && !r->is_closing) {
		r->rtr_waiting = false;
		event_watch_set(r->loop, r->rtr_watch, EVENT_READ);
		rtr_take(r);
	}
}

/* Applies a delta (possibly empty: the SLURM file changed) to the cache's set on the worker. */
static void submit_rtr_delta(struct daemon_rpki *r, struct vrp_set *added, struct vrp_set *removed)
{
	const struct config *cfg = *r->cfg;
	struct load_task *t = xcalloc(1, sizeof(*t));

	t->owner = r;
	t->vrp_path = xstrdup(cfg->rpki_rtr_cache);
	t->slurm_path = cfg->rpki_slurm_file ? xstrdup(cfg->rpki_slurm_file) : NULL;
	mark_file(t->slurm_path, &t->slurm_mark);   /* before reading: a change during the read is seen next */
	t->added = added;
	t->removed = removed;
	r->is_loading = true;
	worker_pool_submit(r->pool, &t->base, load_run, load_done);
}

/* Takes what the cache's completed syncs changed and applies it on the worker. */
static void rtr_take(struct daemon_rpki *r)
{
	struct vrp_set *added = vrp_set_new(), *removed = vrp_set_new();

	if (rtr_client_take(r->rtr, added, removed) == 0 ||
	    (vrp_set_count(added) == 0 && vrp_set_count(removed) == 0 && r->view != NULL && !r->last_failed)) {
		/* a status change, or a sync that changed nothing: the set in force is current (tick renews it) */
		vrp_set_free(added);
		vrp_set_free(removed);
		return;
	}
	submit_rtr_delta(r, added, removed);
}

/* The client's eventfd: a sync completed or its status changed. */
static void rtr_event(void *arg, unsigned events)
{
	struct daemon_rpki *r = arg;

	(void)events;
	if (r->is_loading) {
		/* one delta at a time: the client keeps gathering until the worker is done */
		r->rtr_waiting = true;
		event_watch_set(r->loop, r->rtr_watch, 0);
		return;
	}
	rtr_take(r);
}

static struct load_task *new_task(struct daemon_rpki *r, const struct config *cfg)
{
	struct load_task *t = xcalloc(1, sizeof(*t));

	t->owner = r;
	t->vrp_path = xstrdup(cfg->rpki_vrp_file);
	t->slurm_path = cfg->rpki_slurm_file ? xstrdup(cfg->rpki_slurm_file) : NULL;
	/* marked before reading: a change during the read is seen at the next look */
	mark_file(t->vrp_path, &t->vrp_mark);
	mark_file(t->slurm_path, &t->slurm_mark);
	return t;
}

static void tick(void *arg, time_t now)
{
	struct daemon_rpki *r = arg;
	const struct config *cfg = *r->cfg;
	struct file_mark vrp, slurm;

	if (r->rtr != NULL) {
		struct rtr_client_status st;

		rtr_client_status(r->rtr, &st);
		if (st.last_sync > r->last_success)
			r->last_success = st.last_sync; /* a sync that changed nothing renews the set too */
		if (cfg->rpki_slurm_file != NULL && !r->is_loading && r->rtr_base != NULL &&
		    now - r->last_look >= (time_t)cfg->rpki_refresh_interval) {
			struct file_mark current;

			r->last_look = now;
			mark_file(cfg->rpki_slurm_file, &current);
			/* the SLURM file changed (or was fixed): the cache's set again with it on top */
			if (!same_mark(&current, &r->slurm_mark) &&
			    !(r->last_failed && same_mark(&current, &r->tried_slurm_mark)))
				submit_rtr_delta(r, vrp_set_new(), vrp_set_new());
		}
	} else if (cfg->rpki_vrp_file == NULL) {
		return;
	}
	if (r->view != NULL && !r->is_stale && now - r->last_success > (time_t)cfg->rpki_stale_after) {
		r->is_stale = true;
		log_warn("RPKI: the VRP set in force is stale: no fresh VRPs for %lld s (rpki.stale_after %u s: the %s); it "
			 "stays in force", (long long)(now - r->last_success), cfg->rpki_stale_after,
			 r->rtr != NULL ? "cache has not synced" : "file was neither rewritten nor loaded");
	}
	if (r->rtr != NULL || r->is_loading || now - r->last_look < (time_t)cfg->rpki_refresh_interval)
		return;
	r->last_look = now;
	mark_file(cfg->rpki_vrp_file, &vrp);
	mark_file(cfg->rpki_slurm_file, &slurm);
	if (!r->last_failed && r->view != NULL && same_mark(&vrp, &r->vrp_mark) && same_mark(&slurm, &r->slurm_mark) &&
	    (r->view->next_expiry == 0 || now < r->view->next_expiry)) {
		/*
		 * The file we loaded is still the file. Validators rewrite theirs at every run: the
		 * data is as fresh as the file, and a file nobody rewrites goes stale.
		 */
		r->last_success = vrp.mtime.tv_sec < now ? vrp.mtime.tv_sec : now;
		return;
	}
	if (r->last_failed && same_mark(&vrp, &r->tried_vrp_mark) && same_mark(&slurm, &r->tried_slurm_mark))
		return; /* the same broken file again: said once, read again when it changes */
	r->is_loading = true;
	worker_pool_submit(r->pool, &new_task(r, cfg)->base, load_run, load_done);
}

/*
 * Connects to rpki.rtr_cache: polls every rpki.refresh_interval, retries after
 * the same (at most RTR_CLIENT_RETRY_MAX), and keeps our last complete set however
 * long the cache is gone (RTRlib's own expiry is set past both, as RFC 8210 wants).
 */
static int start_rtr(struct daemon_rpki *r, const struct config *cfg, char **err)
{
	char *host = xstrdup(cfg->rpki_rtr_cache), *port = strrchr(host, ':');
	unsigned refresh = cfg->rpki_refresh_interval;
	unsigned retry = refresh < RTR_CLIENT_RETRY_MAX ? refresh : RTR_CLIENT_RETRY_MAX;
	unsigned expire = refresh + retry + 1 < RTR_CLIENT_EXPIRE_MIN ? RTR_CLIENT_EXPIRE_MIN : refresh + retry + 1;
	int rc = -1;

	*port++ = '\0';
	if (host[0] == '[' && port - host > 2 && port[-2] == ']') { /* [v6]:port */
		memmove(host, host + 1, (size_t)(port - host) - 3);
		port[-3] = '\0';
	}
	r->rtr = rtr_client_new(host, port, refresh, retry, expire, err);
	if (r->rtr != NULL && rtr_client_start(r->rtr, err) == 0) {
		r->rtr_watch = event_watch_fd(r->loop, rtr_client_fd(r->rtr), EVENT_READ, rtr_event, r, err);
		rc = r->rtr_watch != NULL ? 0 : -1;
		if (rc == 0)
			log_info("RPKI: VRPs from the RPKI cache %s (RTR); none in force until its first sync",
				 cfg->rpki_rtr_cache);
	}
	free(host);
	return rc;
}

/*
 * Until the file loads or the cache's first sync: the set the last run wrote to the
 * database (what the update checks and exports use meanwhile), so whois does not answer
 * without filtering in the meantime. Reported stale after rpki.stale_after as any set.
 */
static void start_with_table(struct daemon_rpki *r)
{
	struct vrp_set *set = NULL;
	bool is_loaded = false;
	char *why = NULL;

	if (rpki_table_read_all(r->ctx->st, &set, &is_loaded, &why) < 0) {
		log_error("RPKI: reading the VRPs of the last run: %s", why);
		free(why);
		return;
	}
	if (!is_loaded || vrp_set_count(set) == 0) {
		vrp_set_free(set);
		return;
	}
	r->view = rpki_view_new(set, time(NULL));
	r->ctx->rpki = r->view;
	r->last_success = r->view->loaded_at;
	log_warn("RPKI: the %zu VRPs the last run wrote to the database are in force until %s answers",
		 vrp_set_count(r->view->vrps), (*r->cfg)->rpki_rtr_cache != NULL ? "the RPKI cache" : "the VRP file");
}

/* The worker's own connection, to write the VRP table. */
static void *open_writer(void *arg, unsigned index, char **err)
{
	const struct config *cfg = arg;
	struct store *st = NULL;

	(void)index;
	return store_open(cfg->database, STORE_READ_WRITE, &st, err) < 0 ? NULL : st;
}

static void close_writer(void *state)
{
	store_close(state);
}

static void *no_state(void *arg, unsigned index, char **err)
{
	(void)index, (void)err;
	return arg;
}

struct daemon_rpki *daemon_rpki_start(struct event_loop *loop, struct query_context *ctx, struct config *const *cfg,
				      char **err)
{
	struct daemon_rpki *r = xcalloc(1, sizeof(*r));
	struct worker_thread_hooks hooks = { .init = no_state, .arg = r };
	struct worker_thread_hooks writer_hooks = { .init = open_writer, .fini = close_writer, .arg = *cfg };

	r->loop = loop;
	r->ctx = ctx;
	r->cfg = cfg;
	if ((*cfg)->rpki_vrp_file == NULL && (*cfg)->rpki_rtr_cache == NULL) {
		char *why = NULL;

		/* RPKI off: the set an earlier run wrote must not go on deciding exports and updates */
		if (rpki_table_clear(ctx->st, &why) < 0) {
			log_error("RPKI: emptying the VRP table: %s", why);
			free(why);
		}
	}
	if ((*cfg)->rpki_vrp_file != NULL) {
		struct load_task *t = new_task(r, *cfg);

		/* the first load before whois answers (its table is written once the writer runs) */
		load_run(NULL, &t->base);
		finish_load(r, t);
		load_task_free(t);
		r->last_look = time(NULL);
	}
	if (r->view == NULL && ((*cfg)->rpki_vrp_file != NULL || (*cfg)->rpki_rtr_cache != NULL))
		start_with_table(r);
	r->pool = worker_pool_new(loop, 1, &hooks, err);
	if (r->pool != NULL && ((*cfg)->rpki_vrp_file != NULL || (*cfg)->rpki_rtr_cache != NULL)) {
		r->writer = worker_pool_new(loop, 1, &writer_hooks, err);
		if (r->writer == NULL) {
			daemon_rpki_free(r);
			return NULL;
		}
		write_table(r);
	}
	if (r->pool == NULL || ((*cfg)->rpki_rtr_cache != NULL && start_rtr(r, *cfg, err) < 0)) {
		daemon_rpki_free(r);
		return NULL;
	}
	r->tick = event_timer_every(loop, 1, tick, r);
	return r;
}

void daemon_rpki_free(struct daemon_rpki *r)
{
	if (r == NULL)
		return;
	r->is_closing = true;
	if (r->rtr_watch != NULL)
		event_unwatch(r->loop, r->rtr_watch);
	rtr_client_free(r->rtr);
	r->rtr = NULL;
	worker_pool_free(r->pool);
	worker_pool_free(r->writer);
	vrp_set_free(r->rtr_base);
	if (r->tick != NULL)
		event_timer_cancel(r->loop, r->tick);
	if (r->ctx->rpki == r->view)
		r->ctx->rpki = NULL;
	rpki_view_unref(r->view);
	free(r->last_error);
	free(r);
}

void daemon_rpki_status(const struct daemon_rpki *r, struct daemon_rpki_status *out)
{
	out->vrps = r->view != NULL ? vrp_set_count(r->view->vrps) : 0;
	out->loaded_at = r->view != NULL ? r->view->loaded_at : 0;
	out->is_stale = r->is_stale;
	out->last_error = r->last_error;
}
