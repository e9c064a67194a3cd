/*
 * One delivered message through the gateway: parse, find the signed layer, verify,
 * replay check, the update engine, the signed reply. What irr-mailgate's main runs,
 * kept apart from reading stdin and exit codes so tests and benchmarks can call it.
 */
#ifndef MAILGATE_MAIL_PROCESS_H
#define MAILGATE_MAIL_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ca_verify.h"
#include "config.h"
#include "mail_reply.h"
#include "store.h"
#include "strbuf.h"

struct mail_gateway {
	const struct config *cfg;
	struct store *st;
	const struct ca *ca;               /* NULL: our CA is not set up; key-certs only */
	const struct mail_signer *signer;
	const char *envelope_sender;       /* -f: the SMTP MAIL FROM ("" for a bounce), or NULL: unknown */
};

struct mail_input {
	const char *raw;      /* the message, or its first bytes when is_truncated */
	size_t len;
	size_t full_len;      /* the size of the whole message as delivered */
	bool is_truncated;    /* larger than mail.max_message_size: only its headers are read */
};

enum mail_outcome {
	MAIL_PROCESSED,       /* whatever happened to the objects: the MTA is done with it */
	MAIL_TEMPFAIL,        /* not processed now (database busy, disk full): the MTA must retry */
};

struct mail_result {
	enum mail_outcome outcome;
	bool is_success;      /* every object succeeded */
	bool is_replied;
	struct strbuf log;    /* one line for the log: message id, sender, signer, outcome */
	struct strbuf spool_reason; /* non-empty: keep the message in the spool with this reason */
};

/* Processes one message. Fills *res (caller releases with mail_result_release). */
void mail_process(const struct mail_gateway *gw, const struct mail_input *in, time_t now, struct mail_result *res);
void mail_result_release(struct mail_result *res);

#endif
