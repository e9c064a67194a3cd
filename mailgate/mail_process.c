/*
 * The gateway's pipeline for one message. Every refusal (too large, unreadable MIME,
 * a signature that fails its checklist, a replay) still goes through the update
 * engine as a refused submission, so it is audited and reported like any other.
 */
#include "mail_process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mail_message.h"
#include "mail_replay.h"
#include "mail_verify.h"
#include "notify.h"
#include "rpsl_reader.h"
#include "rpsl_syntax.h"
#include "signed_input.h"
#include "timefmt.h"
#include "authlist_enforce.h"
#include "update.h"
#include "xalloc.h"

static bool is_daemon_address(const char *a)
{
	size_t n = strcspn(a, "@");

	return (n == 13 && strncasecmp(a, "mailer-daemon", 13) == 0) || (n == 10 && strncasecmp(a, "postmaster", 10) == 0);
}

/* Why this message must not be answered (RFC 3834 5), or NULL. */
static const char *no_reply_reason(const struct mail_gateway *gw, const struct mail_headers *h, const char *to)
{
	const char *env = gw->envelope_sender;

	if (env != NULL && (*env == '\0' || strcmp(env, "<>") == 0 || is_daemon_address(env)))
		return "the message is a bounce (null or MAILER-DAEMON envelope sender)";
	if (h->automatic != NULL)
		return h->automatic;
	if (to == NULL)
		return "the message has no valid From: or Reply-To: address";
	if (is_daemon_address(to))
		return "the reply address is a mail system's (MAILER-DAEMON, postmaster)";
	if (strcasecmp(to, gw->cfg->mail_from) == 0)
		return "the message comes from this gateway's own address";
	return NULL;
}

static size_t count_paragraphs(const char *text, size_t len)
{
	struct rpsl_reader *r = rpsl_reader_open_memory(text, len);
	struct rpsl_paragraph p;
	char *err = NULL;
	size_t n = 0;

	while (rpsl_reader_next(r, &p, &err) == 1)
		n++;
	free(err);
	rpsl_reader_free(r);
	return n;
}

/* A header value fit for one line of the report: control characters become spaces. */
static void quote_value(struct strbuf *out, const char *label, const char *value)
{
	if (value == NULL)
		return;
	strbuf_printf(out, "> %-12s", label);
	for (const char *p = value; *p && p - value < 400; p++)
		strbuf_append_char(out, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	strbuf_append_char(out, '\n');
}

/*
 * The log line of a message: one line, control characters and the report's
 * indentation folded into single spaces, so that log readers see whole sentences.
 */
static void set_log(struct mail_result *res, const struct mail_headers *h, const char *signer, const char *what)
{
	struct strbuf raw;
	bool was_space = false;

	strbuf_init(&raw);
	strbuf_printf(&raw, "message-id=<%.200s> from=<%.200s> signer=%.300s: %.2000s", h && h->message_id ? h->message_id : "",
		      h && h->from ? h->from : "", signer ? signer : "none", what);
	strbuf_reset(&res->log);
	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.data[i];
		bool is_space = c < 0x20 || c == ' ' || c == 0x7f;

		if (is_space && was_space)
			continue;
		strbuf_append_char(&res->log, is_space ? ' ' : (char)c);
		was_space = is_space;
	}
	while (res->log.len > 0 && res->log.data[res->log.len - 1] == ' ')
		res->log.data[--res->log.len] = '\0';
	strbuf_release(&raw);
}

static void tempfail(struct mail_result *res, const struct mail_headers *h, const char *signer, const char *err)
{
	res->outcome = MAIL_TEMPFAIL;
	strbuf_reset(&res->spool_reason);
	strbuf_printf(&res->spool_reason, "not processed now, the MTA will retry: %s\n", err);
	set_log(res, h, signer, res->spool_reason.data);
}

/* Answers and logs; a reply that cannot go out leaves the message in the spool with the report. */
static void reply(const struct mail_gateway *gw, const struct mail_headers *h, const char *to, bool is_success,
		  const char *report, struct mail_result *res)
{
	const char *why_not = no_reply_reason(gw, h, to);
	struct strbuf body, message;
	struct mail_reply r = {
		.to = to, .subject = h->subject, .is_success = is_success, .in_reply_to = h->message_id,
		.references = h->references,
	};
	char *err = NULL;

	if (why_not != NULL) {
		log_info("no reply to message-id=<%.200s>: %s", h->message_id ? h->message_id : "", why_not);
		if (to == NULL) {
			strbuf_printf(&res->spool_reason, "processed, but nobody can be told the outcome: %s\n\n%s", why_not,
				      report);
		}
		return;
	}
	strbuf_init(&body);
	strbuf_init(&message);
	quote_value(&body, "From:", h->from);
	quote_value(&body, "Subject:", h->subject);
	quote_value(&body, "Date:", h->date);
	quote_value(&body, "Reply-To:", h->reply_to);
	if (h->message_id != NULL)
		strbuf_printf(&body, "> %-12s<%.300s>\n", "Message-ID:", h->message_id);
	strbuf_append_char(&body, '\n');
	strbuf_append_str(&body, report);
	r.body = body.data;
	if (mail_reply_build(gw->cfg, gw->signer, &r, &message, &err) < 0 ||
	    notify_sendmail(gw->cfg, message.data, message.len) < 0) {
		strbuf_printf(&res->spool_reason, "processed, but the reply to %s could not be sent (%s)\n\n%s", to,
			      err ? err : gw->cfg->sendmail, report);
		log_error("reply to %s: %s", to, err ? err : "the sendmail command failed");
	} else {
		res->is_replied = true;
	}
	free(err);
	strbuf_release(&body);
	strbuf_release(&message);
}

/* The replay claim the engine makes inside the submission's transaction. */
struct replay_claim {
	const char *digest, *message_id;
	time_t now;
	unsigned window;
};

static int claim_replay(void *arg, struct store *st, char **refusal, char **err)
{
	struct replay_claim *c = arg;
	time_t seen = 0;
	int rc = mail_replay_claim(st, c->digest, c->message_id, c->now, c->window, &seen, err);
	char when[TIMEFMT_UTC_SIZE];

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	timefmt_utc(seen, when);
	*refusal = xasprintf("This signed message was already processed (%s);\n"
			     "            a signed message is applied only once: sign it again to resubmit", when);
	return 1;
}

void mail_process(const struct mail_gateway *gw, const struct mail_input *in, time_t now, struct mail_result *res)
{
	const struct config *cfg = gw->cfg;
	struct mail_verify_context ctx = { .st = gw->st, .cfg = cfg, .ca = gw->ca, .now = now };
	struct mail_message *m;
	const struct mail_headers *h;
	struct mail_layer layer;
	struct signed_input si;
	struct update_request req = { .channel = "mail" };
	struct update_route_check route_check;
	struct authlist_hook_state route_check_state;
	struct update_result ur;
	struct strbuf origin;
	char digest[MAIL_DIGEST_SIZE] = "", *refusal = NULL, *signer = NULL, *err = NULL;
	const char *to;
	bool has_layer = false;
	struct replay_claim claim_state = { 0 };
	struct update_claim claim = { .claim = claim_replay, .arg = &claim_state };

	memset(res, 0, sizeof(*res));
	strbuf_init(&res->log);
	strbuf_init(&res->spool_reason);
	m = mail_message_parse(in->raw, in->len, &err);
	if (m == NULL) {
		strbuf_printf(&res->spool_reason, "not processed: %s\n", err);
		set_log(res, NULL, NULL, err);
		free(err);
		return;
	}
	h = mail_message_headers(m);
	to = rpsl_syntax_is_valid(SYN_EMAIL, h->reply_to) ? h->reply_to : rpsl_syntax_is_valid(SYN_EMAIL, h->from) ? h->from : NULL;
	signed_input_init(&si);
	strbuf_init(&origin);
	strbuf_printf(&origin, "Message-ID <%.200s>, from %.200s", h->message_id ? h->message_id : "",
		      h->from ? h->from : "(none)");
	if (gw->envelope_sender != NULL)
		strbuf_printf(&origin, ", envelope <%.200s>", gw->envelope_sender);

	if (in->is_truncated) {
		refusal = xasprintf("The message is %zu bytes, more than the limit of %u bytes; nothing in it was read",
				    in->full_len, cfg->mail_max_message_size);
	} else if (mail_message_find_layer(m, &layer, &err) < 0) {
		has_layer = true;
		refusal = xasprintf("The message cannot be read: %s", err);
		free(err);
		err = NULL;
	} else {
		has_layer = true;
		if (mail_verify_layer(&ctx, &layer, &si, digest, &signer, &err) < 0) {
			tempfail(res, h, signer, err);
			goto out;
		}
	}
	if (refusal == NULL && si.refusal == NULL) {
		size_t objects = count_paragraphs(si.text.data, si.text.len);

		if (objects > cfg->mail_max_objects)
			refusal = xasprintf("The message holds %zu objects, more than the limit of %u; send them in"
					    " several messages", objects, cfg->mail_max_objects);
	}
	if (refusal == NULL && si.refusal == NULL && digest[0] != '\0') {
		claim_state.digest = digest;
		claim_state.message_id = h->message_id;
		claim_state.now = now;
		claim_state.window = cfg->mail_signing_time_window;
		req.claim = &claim;
	}
	req.text = si.text.data;
	req.len = si.text.len;
	req.identities = si.identities;
	req.identity_count = si.identity_count;
	req.notes = si.notes.data;
	req.refusal = refusal ? refusal : si.refusal;
	req.origin = origin.data;
	req.signer = signer;
	/* the replay claim commits with the objects: a crash or a store error leaves neither, and the MTA's retry works */
	/* the authorisation list is this channel's route check */
	authlist_hook_init(&route_check, &route_check_state, gw->st, cfg);
	req.route_check = &route_check;
	if (update_run(gw->st, cfg, &req, &ur, &err) < 0) {
		tempfail(res, h, signer, err);
		strbuf_release(&ur.report);
		goto out;
	}
	res->outcome = MAIL_PROCESSED;
	res->is_success = !ur.is_refused && ur.found > 0 && ur.failed == 0;
	{
		struct strbuf what;

		strbuf_init(&what);
		if (ur.is_refused)
			strbuf_printf(&what, "refused: %s", ur.refusal);
		else
			strbuf_printf(&what, "%zu objects, %zu succeeded, %zu failed", ur.found, ur.succeeded, ur.failed);
		set_log(res, h, signer, what.data);
		strbuf_release(&what);
	}
	reply(gw, h, to, res->is_success, ur.report.data, res);
	strbuf_release(&ur.report);
out:
	free(err);
	free(refusal);
	free(signer);
	strbuf_release(&origin);
	signed_input_release(&si);
	if (has_layer)
		mail_layer_release(&layer);
	mail_message_free(m);
}

void mail_result_release(struct mail_result *res)
{
	strbuf_release(&res->log);
	strbuf_release(&res->spool_reason);
}
