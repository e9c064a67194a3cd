/*
 * irr-mailgate: the program an MTA pipes one message into (Postfix pipe(8), or an
 * alias "|irr-mailgate -c CONF"). Exit codes follow sysexits(3): 0 processed,
 * whatever happened to the objects; 75 (EX_TEMPFAIL) not processed now, the MTA
 * retries; 78 (EX_CONFIG) broken configuration; 64 (EX_USAGE) bad arguments.
 * A message it cannot process, or whose outcome nobody could be told, is kept in
 * mail.spool_dir with the reason.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "ca_verify.h"
#include "config.h"
#include "irr_limits.h"
#include "log.h"
#include "mail_message.h"
#include "mail_process.h"
#include "mail_reply.h"
#include "mail_spool.h"
#include "store.h"
#include "strbuf.h"
#include "version.h"

static void usage(FILE *out)
{
	fputs("usage: irr-mailgate -c CONFIG [-f ENVELOPE-SENDER] < MESSAGE\n"
	      "  reads one RFC 5322 message on stdin, processes the signed update it carries and\n"
	      "  mails the signed report back (docs/mail.md)\n",
	      out);
}

/*
 * Reads stdin. A message over `limit` is kept only up to MAX_MAIL_HEADER_PEEK bytes
 * (enough for its headers, to answer it) and the rest is read and dropped, so the
 * MTA sees the whole message consumed. Returns 0, or -1 on a read error.
 */
static int read_message(size_t limit, struct strbuf *out, size_t *total)
{
	char buf[65536];

	*total = 0;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*total += (size_t)n;
		if (*total <= limit) {
			strbuf_append(out, buf, (size_t)n);
		} else if (out->len > MAX_MAIL_HEADER_PEEK) {
			out->len = MAX_MAIL_HEADER_PEEK;
			out->data[out->len] = '\0';
		} else if (out->len < MAX_MAIL_HEADER_PEEK) {
			size_t room = MAX_MAIL_HEADER_PEEK - out->len;

			strbuf_append(out, buf, room < (size_t)n ? room : (size_t)n);
		}
	}
}

/* Keeps the message; says so in the log either way. */
static void keep(const struct config *cfg, const struct strbuf *msg, const char *reason)
{
	char name[160];

	if (mail_spool_keep(cfg->mail_spool_dir, msg->data, msg->len, reason, name, sizeof(name)) < 0)
		log_error("cannot keep the message in %s: %s (reason: %s)", cfg->mail_spool_dir, strerror(errno), reason);
	else
		log_warn("message kept in %s/%s.eml: %s", cfg->mail_spool_dir, name, reason);
}

int main(int argc, char **argv)
{
	const char *config_path = NULL, *envelope_sender = NULL;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct ca *ca = NULL;
	struct mail_signer signer = { 0 };
	struct strbuf msg;
	struct mail_gateway gw;
	struct mail_input in;
	struct mail_result res;
	char *err = NULL;
	size_t total = 0;
	int c, rc = EX_OK;

	log_set_program("irr-mailgate");
	while ((c = getopt(argc, argv, "c:f:hV")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'f':
			envelope_sender = optarg;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("irr-mailgate (routereg) %s\n", ROUTEREG_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	/* a sendmail that exits early must not kill us halfway through a reply */
	signal(SIGPIPE, SIG_IGN);
	if (config_load(config_path, &cfg, &err) < 0) {
		fprintf(stderr, "irr-mailgate: %s\n", err);
		free(err);
		return EX_CONFIG;
	}
	log_set_level(cfg->log_level);
	strbuf_init(&msg);
	if (read_message(cfg->mail_max_message_size, &msg, &total) < 0) {
		log_error("reading the message: %s", strerror(errno));
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		keep(cfg, &msg, err);
		log_error("%s", err);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (ca_open_certificates(cfg, &ca, &err) < 0) {
		log_info("the registry CA is not available (%s): only X509 key-certs authenticate S/MIME", err);
		free(err);
		err = NULL;
		ca = NULL;
	}
	if (mail_signer_load(cfg, ca ? ca_certificate(ca, 1) : NULL, &signer, &err) < 0) {
		keep(cfg, &msg, err);
		log_error("%s", err);
		rc = EX_CONFIG;
		goto out;
	}
	mail_message_init();
	gw = (struct mail_gateway){ .cfg = cfg, .st = st, .ca = ca, .signer = &signer, .envelope_sender = envelope_sender };
	in = (struct mail_input){
		.raw = msg.data, .len = msg.len, .full_len = total, .is_truncated = total > cfg->mail_max_message_size,
	};
	mail_process(&gw, &in, time(NULL), &res);
	if (res.outcome == MAIL_TEMPFAIL)
		rc = EX_TEMPFAIL;
	log_info("%s", res.log.data);
	if (res.spool_reason.len > 0)
		keep(cfg, &msg, res.spool_reason.data);
	mail_result_release(&res);
	mail_message_shutdown();
out:
	free(err);
	strbuf_release(&msg);
	mail_signer_release(&signer);
	ca_free(ca);
	store_close(st);
	config_free(cfg);
	return rc;
}
