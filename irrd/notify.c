/* Notification mails; see notify.h. */
#include <ctype.h>
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
	FILE *pipe = popen(cfg->sendmail, "w");
	int status;

	if (pipe == NULL)
		return -1;
	fwrite(message, 1, len, pipe);
	status = pclose(pipe);
	return status == 0 ? 0 : -1;
}

int notify_send_text(const struct config *cfg, const char *to, const char *subject, const char *body, size_t len)
{
	static unsigned seq; /* several messages in one second from one process */
	struct strbuf out;
	char date[64], host[64] = "localhost";
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (!rpsl_syntax_is_valid(SYN_EMAIL, to))
		return -1;
	strbuf_init(&out);
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_printf(&out,
		      "From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <routereg.%ld.%d.%u@%s>\n"
		      "Auto-Submitted: auto-generated\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
		      "Content-Transfer-Encoding: 8bit\n\n",
		      cfg->mail_from, to, subject, date, (long)now, (int)getpid(), seq++, host);
	strbuf_append(&out, body, len);
	rc = notify_sendmail(cfg, out.data, out.len);
	strbuf_release(&out);
	return rc;
}

static int send_one(const struct config *cfg, const struct message *m)
{
	struct strbuf subject, body;
	int rc;

	strbuf_init(&subject);
	strbuf_init(&body);
	if (m->kind == NOTIFY_CHANGED) {
		strbuf_printf(&subject, "Notification of %s database changes", cfg->source);
		strbuf_printf(&body, "This is to notify you of changes in the %s registry to objects you asked\n"
				     "to be notified about.\n\n", cfg->source);
	} else {
		strbuf_printf(&subject, "Failed update attempt in %s", cfg->source);
		strbuf_printf(&body, "An update to objects of a maintainer that lists you in upd-to: failed its\n"
				     "authentication in the %s registry.\n\n", cfg->source);
	}
	strbuf_append(&body, m->body.data, m->body.len);
	rc = notify_send_text(cfg, m->to, subject.data, body.data, body.len);
	strbuf_release(&subject);
	strbuf_release(&body);
	return rc;
}

int notify_send(struct notify_outbox *box, const struct config *cfg)
{
	int sent = 0;

	for (size_t i = 0; i < box->count; i++) {
		if (send_one(cfg, &box->messages[i]) == 0)
			sent++;
		else
			log_error("notification to %s: \"%s\" failed", box->messages[i].to, cfg->sendmail);
		free(box->messages[i].to);
		strbuf_release(&box->messages[i].body);
	}
	free(box->messages);
	free(box);
	return sent;
}
