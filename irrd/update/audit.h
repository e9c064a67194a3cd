/*
 * The audit record (table audit): one row for every object of every submission and
 * for every submission a channel refused as a whole: who, through which channel and
 * how authenticated, what, and the outcome. It feeds the usage history (AUTHLIST.md,
 * "Usage history"). Rows are written in the submission's transaction.
 */
#ifndef IRRD_AUDIT_H
#define IRRD_AUDIT_H

#include <stdint.h>
#include <time.h>

#include "store.h"

struct audit_row {
	time_t time;
	const char *channel;    /* "irrctl", "mail", "web" */
	const char *origin;     /* Message-ID, client address, user */
	const char *identity;   /* how the submitter authenticated, or what signed */
	const char *operation;  /* "Create", "Modify", "Delete", "No operation", "Submission" */
	const char *cls;        /* NULL for a whole submission */
	const char *pkey;       /* NULL for a whole submission */
	const char *outcome;    /* "succeeded", "failed", "refused: ..." */
	int64_t serial;         /* the journal serial written; 0: none */
};

/* Adds one row. 0, or -1 with *err. */
int audit_record(struct store *st, const struct audit_row *row, char **err);

#endif
