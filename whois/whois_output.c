/* A connection's queued answers; see whois_output.h. */
#include "whois_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "xalloc.h"

/* Memory pieces larger than this are freed once sent instead of kept for reuse. */
#define KEEP_BUFFER_BYTES (64 * 1024)
/* At most this many memory pieces gathered into one sendmsg. */
#define GATHER_PIECES 64

struct output_piece {
	struct output_piece *next;
	int fd;                  /* >= 0: the file range [offset, end); -1: text */
	off_t offset, end;
	struct strbuf text;      /* memory piece: bytes [sent, len) not sent yet */
	size_t sent;
};

void output_queue_init(struct output_queue *q)
{
	memset(q, 0, sizeof(*q));
}

static void piece_free(struct output_piece *p)
{
	if (p->fd >= 0)
		close(p->fd);
	strbuf_release(&p->text);
	free(p);
}

void output_queue_release(struct output_queue *q)
{
	while (q->head != NULL) {
		struct output_piece *p = q->head;

		q->head = p->next;
		piece_free(p);
	}
	output_queue_init(q);
}

static struct output_piece *push_piece(struct output_queue *q)
{
	struct output_piece *p = xcalloc(1, sizeof(*p));

	p->fd = -1;
	strbuf_init(&p->text);
	if (q->tail != NULL)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	return p;
}

void output_queue_append(struct output_queue *q, const char *bytes, size_t len)
{
	struct output_piece *p = q->tail;

	if (len == 0)
		return;
	if (p == NULL || p->fd >= 0)
		p = push_piece(q);
	strbuf_append(&p->text, bytes, len);
	q->memory_bytes += len;
}

void output_queue_take(struct output_queue *q, struct spool *sp)
{
	if (sp->fd >= 0 && sp->file_end > sp->file_start) {
		struct output_piece *p = push_piece(q);

		p->fd = sp->fd;
		p->offset = sp->file_start;
		p->end = sp->file_end;
		q->file_bytes += (size_t)(sp->file_end - sp->file_start);
		sp->fd = -1;
	}
	if (sp->text.len > 0) {
		struct output_piece *p = q->tail;

		q->memory_bytes += sp->text.len;
		if (p != NULL && p->fd < 0 && p->text.len - p->sent + sp->text.len <= KEEP_BUFFER_BYTES) {
			strbuf_append(&p->text, sp->text.data, sp->text.len); /* small: join the last piece */
		} else {
			p = push_piece(q);
			strbuf_release(&p->text);
			p->text = sp->text; /* large: hand the buffer over */
			strbuf_init(&sp->text);
		}
	}
	spool_release(sp);
}

/* Drops the sent head piece; an emptied last memory piece is kept (reset) for the next answer. */
static void pop_head(struct output_queue *q)
{
	struct output_piece *p = q->head;

	if (p == q->tail && p->fd < 0 && p->text.capacity <= KEEP_BUFFER_BYTES) {
		strbuf_reset(&p->text);
		p->sent = 0;
		return;
	}
	q->head = p->next;
	if (q->head == NULL)
		q->tail = NULL;
	piece_free(p);
}

static bool head_is_done(const struct output_piece *p)
{
	return p->fd >= 0 ? p->offset >= p->end : p->sent >= p->text.len;
}

ssize_t output_queue_send(struct output_queue *q, int fd)
{
	ssize_t total = 0;

	while (!output_queue_is_empty(q)) {
		struct output_piece *p = q->head;
		ssize_t n;

		if (head_is_done(p)) {
			pop_head(q);
			continue;
		}
		if (p->fd >= 0) {
			size_t want = (size_t)(p->end - p->offset);

			n = sendfile(fd, p->fd, &p->offset, want > (1u << 30) ? (1u << 30) : want);
			if (n > 0)
				q->file_bytes -= (size_t)n;
		} else {
			struct iovec iov[GATHER_PIECES];
			struct msghdr msg = { .msg_iov = iov };
			size_t count = 0;

			for (struct output_piece *x = p; x != NULL && x->fd < 0 && count < GATHER_PIECES; x = x->next) {
				if (x->sent < x->text.len) {
					iov[count].iov_base = x->text.data + x->sent;
					iov[count].iov_len = x->text.len - x->sent;
					count++;
				}
			}
			msg.msg_iovlen = count;
			n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				size_t left = (size_t)n;

				q->memory_bytes -= (size_t)n;
				for (struct output_piece *x = p; x != NULL && left > 0; x = x->next) {
					size_t here = x->text.len - x->sent;

					here = here < left ? here : left;
					x->sent += here;
					left -= here;
				}
			}
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		if (n == 0)
			break;
		total += n;
	}
	/* pop what is done (also keeps the reusable last piece) */
	while (q->head != NULL && head_is_done(q->head) && !(q->head == q->tail && q->head->fd < 0 &&
							       q->head->text.len == 0))
		pop_head(q);
	return total;
}
