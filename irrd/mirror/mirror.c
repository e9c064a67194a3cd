/* Mirroring another registry's source; see mirror.h. */
#include "mirror.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "loader.h"
#include "log.h"
#include "nrtm3_reader.h"
#include "rpsl_parse.h"
#include "store_write.h"
#include "xalloc.h"

/* Seconds an upstream may stay silent (connecting, or mid-answer) before the run fails. */
#define MIRROR_IO_TIMEOUT 60
/* Seconds one NRTM answer may take in all: a trickling or endless upstream must not hold the job. */
#define MIRROR_ANSWER_DEADLINE 600

/* The new serial, in the caller's transaction (an import or a block commits with it). */
static int record_serial(struct store *st, const char *source, int64_t serial, time_t now, char **err)
{
	return mirror_status_exec(st,
			   "INSERT INTO mirror_status(source, serial, last_progress, reload_requested) VALUES (?1, ?2, ?3, 0)"
			   " ON CONFLICT(source) DO UPDATE SET serial = ?2, reload_requested = 0,"
			   " last_progress = CASE WHEN serial <> ?2 THEN ?3 ELSE last_progress END",
			   source, serial, (int64_t)now, NULL, err);
}

static int record_outcome(struct store *st, const char *source, time_t now, const char *error, char **err)
{
	if (error == NULL)
		return mirror_status_exec(st,
				   "INSERT INTO mirror_status(source, last_attempt, last_success) VALUES (?1, ?2, ?3)"
				   " ON CONFLICT(source) DO UPDATE SET last_attempt = ?2, last_success = ?3, failures = 0",
				   source, (int64_t)now, (int64_t)now, NULL, err);
	return mirror_status_exec(st,
			   "INSERT INTO mirror_status(source, last_attempt, last_error, last_error_at, failures)"
			   " VALUES (?1, ?2, ?4, ?3, 1)"
			   " ON CONFLICT(source) DO UPDATE SET last_attempt = ?2, last_error = ?4, last_error_at = ?3,"
			   " failures = failures + 1",
			   source, (int64_t)now, (int64_t)now, error, err);
}

/* ---- the import ---- */

struct import_hook {
	const char *source;
	int64_t serial;
	time_t now;
};

static int import_before_commit(void *arg, struct store *st, char **err)
{
	const struct import_hook *h = arg;

	/* last_progress marks the import done, whatever the serial (0 is an upstream's serial too) */
	return record_serial(st, h->source, h->serial, h->now, err) < 0 ||
			       mirror_status_exec(st, "UPDATE mirror_status SET last_progress = ?2 WHERE source = ?1", h->source,
						  (int64_t)h->now, 0, NULL, err) < 0
		       ? -1
		       : 0;
}

static const char *temp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && t[0] ? t : "/tmp";
}

static int import_dump(struct store *st, const struct mirror_config *m, time_t now, struct mirror_result *res,
		       char **err)
{
	struct import_hook hook = { .source = m->source, .now = now };
	struct loader_options opts = { .source = m->source, .max_skipped_percent = 100, .max_shrink_percent = 100,
				       .skip_binary = true, .report = NULL };
	struct loader_result lr;
	char *path = NULL;
	int rc;

	if (m->dump == NULL || m->serial == NULL) {
		*err = xasprintf("%s: a full import is needed but mirror.%s.dump or .serial is not set", m->source,
				 m->source);
		return -1;
	}
	/* the serial first: a dump at least as new as it, never one missing changes we would not ask for */
	if (fetch_serial(m->serial, temp_dir(), MIRROR_IO_TIMEOUT, &hook.serial, err) < 0 ||
	    fetch_to_file(m->dump, temp_dir(), MIRROR_IO_TIMEOUT, &path, err) < 0)
		return -1;
	opts.serial = hook.serial;
	opts.before_commit = import_before_commit;
	opts.before_commit_arg = &hook;
	opts.report = fopen("/dev/null", "w");
	rc = loader_run(st, &opts, &path, 1, &lr, err);
	if (opts.report != NULL)
		fclose(opts.report);
	unlink(path);
	free(path);
	if (rc < 0)
		return -1;
	if (lr.refused) {
		*err = xasprintf("%s: the dump %s was refused (%s)", m->source, m->dump,
				 lr.refused & LOADER_REFUSED_EMPTY ? "no object in it" : "not a registry dump");
		return -1;
	}
	res->imported = true;
	res->objects = lr.loaded;
	res->serial_after = hook.serial;
	log_info("mirror %s: imported %llu objects from %s at serial %lld (%llu skipped)", m->source,
		 (unsigned long long)lr.loaded, m->dump, (long long)hook.serial, (unsigned long long)lr.skipped);
	return 0;
}

/* ---- NRTM ---- */

struct applier {
	struct store *st;
	const struct mirror_config *m;
	time_t now;
	struct mirror_result *res;
	bool is_open;             /* a block's transaction is open */
	bool is_gap;              /* the upstream no longer has our serials */
	int64_t serial;           /* the mirror's serial after the blocks applied */
	char upstream_error[256];
};

static int apply_event(void *arg, const struct nrtm3_event *ev, char **err)
{
	struct applier *a = arg;
	struct rpsl_object *obj;
	int64_t serial;
	int rc;

	switch (ev->kind) {
	case NRTM3_START:
		/* one transaction per block: all of it or nothing */
		if (store_tx_begin(a->st, err) < 0)
			return -1;
		a->is_open = true;
		return 0;
	case NRTM3_CHANGE:
		obj = rpsl_parse_object(ev->object, ev->object_len, 1, RPSL_TOLERANT);
		if (obj->cls == NULL || obj->pkey == NULL || rpsl_object_has_errors(obj) ||
		    (obj->source != NULL && strcasecmp(obj->source, a->m->source) != 0)) {
			log_warn("mirror %s: serial %lld: %s object not applied (it cannot be read as one of %s)", a->m->source,
				 (long long)ev->serial, ev->is_add ? "an added" : "a deleted", a->m->source);
			a->res->skipped++;
			rpsl_object_free(obj);
			return 0;
		}
		serial = ev->serial;
		rc = store_write_object_at(a->st, a->m->source, ev->is_add ? STORE_ADD : STORE_DELETE, obj, ev->object,
					   &serial, err);
		rpsl_object_free(obj);
		if (rc < 0)
			return -1;
		a->res->changes++;
		return 0;
	case NRTM3_END:
		if (ev->serial > a->serial)
			a->serial = ev->serial;
		if (record_serial(a->st, a->m->source, a->serial, a->now, err) < 0 ||
		    store_source_advance_serial(a->st, a->m->source, a->serial, err) < 0 || store_tx_commit(a->st, err) < 0)
			return -1;
		a->is_open = false;
		return 0;
	case NRTM3_NOTHING_NEW:
		return 0;
	case NRTM3_UPSTREAM_ERROR:
		snprintf(a->upstream_error, sizeof(a->upstream_error), "%s", ev->text);
		a->is_gap = strstr(ev->text, "do not exist") != NULL;
		return 0;
	}
	return 0;
}

/* Connects to host:port within the timeout. The socket, or -1 with *err. */
static int connect_upstream(const char *hostport, char **err)
{
	char host[128];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list = NULL;
	int fd = -1, gai;
	size_t n = (size_t)(colon - hostport);

	if (hostport[0] == '[' && n >= 2 && hostport[n - 1] == ']')   /* [2001:db8::1]:43 */
		snprintf(host, sizeof(host), "%.*s", (int)(n - 2), hostport + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport);
	gai = getaddrinfo(host, colon + 1, &hints, &list);
	if (gai != 0) {
		*err = xasprintf("%s: %s", hostport, gai_strerror(gai));
		return -1;
	}
	for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
		struct timeval tv = { .tv_sec = MIRROR_IO_TIMEOUT };

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(list);
	if (fd < 0)
		*err = xasprintf("%s: cannot connect: %s", hostport, strerror(errno));
	return fd;
}

static int fetch_changes(struct store *st, const struct mirror_config *m, int64_t serial, time_t now,
			 struct mirror_result *res, bool *is_gap, char **err)
{
	struct applier a = { .st = st, .m = m, .now = now, .res = res, .serial = serial };
	struct nrtm3_reader *r = nrtm3_reader_new(m->source, serial);
	char query[128], buf[65536];
	int fd = connect_upstream(m->nrtm, err), rc = -1;
	size_t qlen;
	ssize_t n;

	*is_gap = false;
	if (fd < 0)
		goto out;
	qlen = (size_t)snprintf(query, sizeof(query), "-g %s:3:%lld-LAST\n", m->source, (long long)serial + 1);
	if (write(fd, query, qlen) != (ssize_t)qlen) {
		*err = xasprintf("%s: sending the query: %s", m->nrtm, strerror(errno));
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (nrtm3_reader_feed(r, buf, (size_t)n, apply_event, &a, err) < 0)
			goto out;
		if (time(NULL) - now > MIRROR_ANSWER_DEADLINE) {
			*err = xasprintf("%s: the answer took longer than %d s", m->nrtm, MIRROR_ANSWER_DEADLINE);
			goto out;
		}
	}
	if (n < 0) {
		*err = xasprintf("%s: %s", m->nrtm,
				 errno == EAGAIN || errno == EWOULDBLOCK ? "no answer for 60 s" : strerror(errno));
		goto out;
	}
	if (nrtm3_reader_finish(r, apply_event, &a, err) < 0)
		goto out;
	if (a.upstream_error[0]) {
		*is_gap = a.is_gap;
		*err = xasprintf("%s answered: %s", m->nrtm, a.upstream_error);
		goto out;
	}
	res->serial_after = a.serial;
	rc = 0;
out:
	if (a.is_open)
		store_tx_rollback(st);   /* the open block: nothing of it */
	if (fd >= 0)
		close(fd);
	nrtm3_reader_free(r);
	return rc;
}

int mirror_run(struct store *st, const struct config *cfg, const struct mirror_config *m, time_t now,
	       struct mirror_result *res, char **err)
{
	struct mirror_state state;
	char *why = NULL;
	bool is_gap = false;
	int rc = -1;

	(void)cfg;
	memset(res, 0, sizeof(*res));
	if (mirror_state_read(st, m->source, &state, err) < 0)
		return -1;
	res->serial_before = res->serial_after = state.serial;
	if ((state.serial == 0 && state.last_progress == 0) || state.reload_requested) {
		if (import_dump(st, m, now, res, &why) < 0)
			goto out;
	}
	if (m->nrtm[0]) {
		if (fetch_changes(st, m, res->serial_after, now, res, &is_gap, &why) < 0) {
			if (!is_gap || m->dump == NULL)
				goto out;
			/* the upstream's journal no longer reaches us: start again from its dump, loudly */
			log_warn("mirror %s: %s; importing the dump again", m->source, why);
			free(why);
			why = NULL;
			if (import_dump(st, m, now, res, &why) < 0 ||
			    fetch_changes(st, m, res->serial_after, now, res, &is_gap, &why) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	if (record_outcome(st, m->source, now, rc == 0 ? NULL : why, err) < 0) {
		free(why);
		return -1;
	}
	if (rc < 0)
		*err = why;
	else
		free(why);
	return rc;
}
