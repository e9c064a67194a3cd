/* Notification mails; see notify.h. */
#include <ctype.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "rpsl_syntax.h"
#include "subprocess.h"
#include "timefmt.h"
#include "xalloc.h"

struct message {
	enum notify_kind kind;
	char *to;
	struct strbuf body;
};

struct notify_outbox {
	struct message *messages;
	size_t count, capacity;
};

struct notify_outbox *notify_outbox_new(void)
{
	return xcalloc(1, sizeof(struct notify_outbox));
}

void notify_add(struct notify_outbox *box, enum notify_kind kind, const char *address, const char *body)
{
	struct message *m = NULL;

	/* Header injection guard: a syntactically valid address has no spaces, commas or line ends. */
	if (!rpsl_syntax_is_valid(SYN_EMAIL, address))
		return;
	for (size_t i = 0; i < box->count; i++) {
		if (box->messages[i].kind == kind && strcasecmp(box->messages[i].to, address) == 0)
			m = &box->messages[i];
	}
	if (m == NULL) {
		box->messages = xgrow(box->messages, &box->capacity, box->count + 1, sizeof(*box->messages));
		m = &box->messages[box->count++];
		m->kind = kind;
		m->to = xstrdup(address);
		strbuf_init(&m->body);
	}
	/* the same story may be queued twice for one address (mnt-nfy and notify) */
	if (strstr(m->body.data, body) == NULL)
		strbuf_append_str(&m->body, body);
}

int notify_sendmail(const struct config *cfg, const char *message, size_t len)
{
	char *err = NULL;
	int status = subprocess_feed(cfg->sendmail, message, len, cfg->mail_sendmail_timeout, &err);

	if (status < 0) {
		log_error("sendmail: %s", err);
		free(err);
	}
	return status == 0 ? 0 : -1;
}

int notify_compose(const struct config *cfg, const char *to, const char *subject, const char *body, size_t len,
		   struct strbuf *out)
{
	static unsigned seq; /* several messages in one second from one process */
	char date[64], host[64] = "localhost";
	time_t now = time(NULL);
	struct tm tm;

	if (!rpsl_syntax_is_valid(SYN_EMAIL, to))
		return -1;
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_printf(out,
		      "From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <routereg.%ld.%d.%u@%s>\n"
		      "Auto-Submitted: auto-generated\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
		      "Content-Transfer-Encoding: 8bit\n\n",
		      cfg->mail_from, to, subject, date, (long)now, (int)getpid(), seq++, host);
	strbuf_append(out, body, len);
	return 0;
}

int notify_send_text(const struct config *cfg, const char *to, const char *subject, const char *body, size_t len)
{
	struct strbuf out;
	int rc;

	strbuf_init(&out);
	rc = notify_compose(cfg, to, subject, body, len, &out);
	if (rc == 0)
		rc = notify_sendmail(cfg, out.data, out.len);
	strbuf_release(&out);
	return rc;
}

/* Subject and body of one recipient's notification. */
static void message_text(const struct config *cfg, const struct message *m, struct strbuf *subject, struct strbuf *body)
{
	if (m->kind == NOTIFY_CHANGED) {
		strbuf_printf(subject, "Notification of %s database changes", cfg->source);
		strbuf_printf(body, "This is to notify you of changes in the %s registry to objects you asked\n"
				    "to be notified about.\n\n", cfg->source);
	} else {
		strbuf_printf(subject, "Failed update attempt in %s", cfg->source);
		strbuf_printf(body, "An update to objects of a maintainer that lists you in upd-to: failed its\n"
				    "authentication in the %s registry.\n\n", cfg->source);
	}
	strbuf_append(body, m->body.data, m->body.len);
}

static void outbox_free(struct notify_outbox *box)
{
	for (size_t i = 0; i < box->count; i++) {
		free(box->messages[i].to);
		strbuf_release(&box->messages[i].body);
	}
	free(box->messages);
	free(box);
}

/* One composed message into the queue, due now. 0 with *id, or -1 with *err. */
static int queue_message(struct store *st, const char *to, const struct strbuf *message, time_t now, int64_t *id,
			 char **err)
{
	sqlite3_stmt *insert = store_stmt(st, "INSERT INTO notify_queue(created, recipient, message, next_attempt)"
					      " VALUES (?1, ?2, ?3, ?1)");
	int rc;

	sqlite3_bind_int64(insert, 1, (sqlite3_int64)now);
	sqlite3_bind_text(insert, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_blob(insert, 3, message->data, (int)message->len, SQLITE_STATIC);
	rc = sqlite3_step(insert);
	sqlite3_reset(insert);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "queueing a notification");
		return -1;
	}
	*id = store_last_insert_id(st);
	return 0;
}

int notify_outbox_queue(struct notify_outbox *box, struct store *st, const struct config *cfg, int64_t *first,
			int64_t *last, char **err)
{
	time_t now = time(NULL);
	int rc = 0;

	*first = 1;
	*last = 0;
	for (size_t i = 0; i < box->count && rc == 0; i++) {
		struct strbuf subject, body, message;
		int64_t id;

		strbuf_init(&subject);
		strbuf_init(&body);
		strbuf_init(&message);
		message_text(cfg, &box->messages[i], &subject, &body);
		if (notify_compose(cfg, box->messages[i].to, subject.data, body.data, body.len, &message) == 0) {
			rc = queue_message(st, box->messages[i].to, &message, now, &id, err);
			if (rc == 0 && *first > *last)
				*first = id;
			if (rc == 0)
				*last = id;
		}
		strbuf_release(&subject);
		strbuf_release(&body);
		strbuf_release(&message);
	}
	outbox_free(box);
	return rc;
}

int notify_queue_text_held(struct store *st, const struct config *cfg, const char *to, const char *subject,
			   const char *body, size_t len, int64_t *id, char **err)
{
	struct strbuf message;
	int rc;

	strbuf_init(&message);
	if (notify_compose(cfg, to, subject, body, len, &message) < 0) {
		strbuf_release(&message);
		*err = xasprintf("not a valid address: %s", to);
		return -1;
	}
	rc = queue_message(st, to, &message, time(NULL), id, err);
	strbuf_release(&message);
	return rc;
}

int notify_queue_text(struct store *st, const struct config *cfg, const char *to, const char *subject, const char *body,
		      size_t len, char **err)
{
	int64_t id;
	int rc;

	if (notify_queue_text_held(st, cfg, to, subject, body, len, &id, err) < 0)
		return -1;
	rc = notify_queue_deliver(st, cfg, id, id, time(NULL), NULL, err);
	return rc < 0 ? -1 : rc > 0 ? 1 : 0;
}

/* Seconds until the next attempt after `attempts` failed ones. */
static int64_t retry_delay(int64_t attempts)
{
	static const int64_t delays[] = { 60, 300, 900 };

	return attempts >= 1 && attempts <= 3 ? delays[attempts - 1] : 3600;
}

int notify_queue_deliver(struct store *st, const struct config *cfg, int64_t first, int64_t last, time_t now,
			 struct strbuf *failures, char **err)
{
	sqlite3_stmt *select = store_stmt(st, "SELECT id, created, recipient, message, attempts FROM notify_queue"
					      " WHERE (?1 = 0 AND next_attempt <= ?3) OR (?1 > 0 AND id BETWEEN ?1 AND ?2)"
					      " ORDER BY id");
	struct pending {
		int64_t id, created, attempts;
		char *to;
		struct strbuf message;
	} *rows = NULL;
	size_t count = 0, capacity = 0;
	int still_queued = 0, rc;

	/* read first, then send: sendmail may take seconds, and no statement stays open meanwhile */
	sqlite3_bind_int64(select, 1, first);
	sqlite3_bind_int64(select, 2, last);
	sqlite3_bind_int64(select, 3, (sqlite3_int64)now);
	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		struct pending *p;

		rows = xgrow(rows, &capacity, count + 1, sizeof(*rows));
		p = &rows[count++];
		p->id = sqlite3_column_int64(select, 0);
		p->created = sqlite3_column_int64(select, 1);
		p->to = xstrdup(store_column_text(select, 2));
		strbuf_init(&p->message);
		strbuf_append(&p->message, sqlite3_column_blob(select, 3), (size_t)sqlite3_column_bytes(select, 3));
		p->attempts = sqlite3_column_int64(select, 4);
	}
	sqlite3_reset(select);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "reading the notification queue");
		still_queued = -1;
	}
	for (size_t i = 0; i < count && still_queued >= 0; i++) {
		struct pending *p = &rows[i];
		bool is_sent = notify_sendmail(cfg, p->message.data, p->message.len) == 0;
		bool is_expired = !is_sent && now - p->created >= NOTIFY_QUEUE_LIFETIME;
		sqlite3_stmt *stmt;

		if (is_sent || is_expired) {
			stmt = store_stmt(st, "DELETE FROM notify_queue WHERE id = ?1");
			if (is_expired)
				log_error("notification to %s dropped: sendmail (\"%s\") refused it for %d days", p->to,
					  cfg->sendmail, NOTIFY_QUEUE_LIFETIME / 86400);
		} else {
			stmt = store_stmt(st, "UPDATE notify_queue SET attempts = attempts + 1, next_attempt = ?2,"
					      " last_error = ?3 WHERE id = ?1");
			sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now + retry_delay(p->attempts + 1));
			sqlite3_bind_text(stmt, 3, "the sendmail command failed", -1, SQLITE_STATIC);
			log_error("notification to %s: \"%s\" failed; queued for a retry", p->to, cfg->sendmail);
			if (failures != NULL)
				strbuf_printf(failures, "%s: the command \"%s\" failed\n", p->to, cfg->sendmail);
			still_queued++;
		}
		sqlite3_bind_int64(stmt, 1, p->id);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			*err = store_error(st, "updating the notification queue");
			still_queued = -1;
		}
		sqlite3_reset(stmt);
	}
	for (size_t i = 0; i < count; i++) {
		free(rows[i].to);
		strbuf_release(&rows[i].message);
	}
	free(rows);
	return still_queued;
}

int64_t notify_queue_count(struct store *st)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT count(*) FROM notify_queue");
	int64_t n = -1;

	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}

int notify_queue_list(struct store *st, struct strbuf *out, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "SELECT id, created, attempts, next_attempt, recipient, coalesce(last_error, '')"
					    " FROM notify_queue ORDER BY id");
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char created[TIMEFMT_UTC_SIZE], next[TIMEFMT_UTC_SIZE];

		timefmt_utc((time_t)sqlite3_column_int64(stmt, 1), created);
		timefmt_utc((time_t)sqlite3_column_int64(stmt, 3), next);
		strbuf_printf(out, "%lld %s attempts=%lld next=%s to=%s%s%s\n", (long long)sqlite3_column_int64(stmt, 0),
			      created, (long long)sqlite3_column_int64(stmt, 2), next, store_column_text(stmt, 4),
			      sqlite3_column_bytes(stmt, 5) ? " error=" : "", store_column_text(stmt, 5));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "listing the notification queue");
		return -1;
	}
	return 0;
}

int notify_queue_make_due(struct store *st, time_t now, char **err)
{
	sqlite3_stmt *stmt = store_stmt(st, "UPDATE notify_queue SET next_attempt = ?1 WHERE next_attempt > ?1");
	int rc;

	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*err = store_error(st, "updating the notification queue");
		return -1;
	}
	return 0;
}
