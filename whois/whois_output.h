/*
 * A connection's answers waiting to be sent, in order: pieces in memory and ranges
 * of spooled files (spool.h). Sending gathers consecutive memory pieces into one
 * sendmsg and sends file ranges with sendfile, so a batch of pipelined answers costs
 * one system call and a large answer is never copied through user space.
 */
#ifndef WHOIS_OUTPUT_H
#define WHOIS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spool.h"

struct output_piece;

struct output_queue {
	struct output_piece *head, *tail;
	size_t memory_bytes;     /* unsent bytes held in memory */
	size_t file_bytes;       /* unsent bytes in spooled files */
};

void output_queue_init(struct output_queue *q);
/* Frees every piece (closing spooled files). */
void output_queue_release(struct output_queue *q);

static inline bool output_queue_is_empty(const struct output_queue *q)
{
	return q->memory_bytes == 0 && q->file_bytes == 0;
}

/* Appends bytes (copied). */
void output_queue_append(struct output_queue *q, const char *bytes, size_t len);
/* Appends a finished answer, taking its text and file over (no copy); sp is left released. */
void output_queue_take(struct output_queue *q, struct spool *sp);

/*
 * Sends what the socket takes now. Returns the bytes sent (0 when the socket is
 * full), or -1 with errno when the connection failed.
 */
ssize_t output_queue_send(struct output_queue *q, int fd);

#endif
