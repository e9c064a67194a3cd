/*
 * Unit tests of how whois answers are held and sent: the spool (memory, then an
 * unlinked temporary file, with a header put in front at the end) and the output
 * queue (memory pieces gathered, file ranges sent with sendfile, partial sends over
 * a socket whose buffer fills, order kept).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "testlib.h"
#include "whois_output.h"

/* Reads everything a spool holds back (file part, then text). Caller frees. */
static char *spool_contents(const struct spool *sp)
{
	size_t len = spool_length(sp), file_len = (size_t)(sp->file_end - sp->file_start);
	char *out = calloc(1, len + 1);

	if (sp->fd >= 0 && pread(sp->fd, out, file_len, sp->file_start) != (ssize_t)file_len) {
		free(out);
		return NULL;
	}
	memcpy(out + (sp->fd >= 0 ? file_len : 0), sp->text.data, sp->text.len);
	return out;
}

/* Counts the open file descriptors (spooled answers must not leak theirs). */
static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_spool(const char *dir)
{
	struct spool sp, data;
	char *got;
	int fds_before = open_fds();

	spool_init(&sp, 0, dir);
	strbuf_append_str(&sp.text, "small answer\n");
	spool_checkpoint(&sp);
	CHECK(sp.fd < 0 && spool_length(&sp) == 13, "spill_at 0: stays in memory");
	spool_prepend(&sp, "A14\n", 4);
	got = spool_contents(&sp);
	CHECK_STR(got, "A14\nsmall answer\n", "prepend in memory");
	free(got);
	spool_release(&sp);

	spool_init(&sp, 16, dir);
	for (int i = 0; i < 10; i++) {
		strbuf_printf(&sp.text, "line %d of a large answer\n", i);
		spool_checkpoint(&sp);
	}
	strbuf_append_str(&sp.text, "tail");
	CHECK(sp.fd >= 0 && sp.text.len == 4, "past spill_at the text moves to a file, the tail stays in memory");
	CHECK(spool_length(&sp) == 10 * 25 + 4, "length counts file and memory (%zu)", spool_length(&sp));
	spool_prepend(&sp, "HDR\n", 4);
	{
		struct strbuf want;

		strbuf_init(&want);
		strbuf_append_str(&want, "HDR\n");
		for (int i = 0; i < 10; i++)
			strbuf_printf(&want, "line %d of a large answer\n", i);
		strbuf_append_str(&want, "tail");
		got = spool_contents(&sp);
		CHECK_STR(got, want.data, "header before the spooled bytes, in order");
		free(got);
		strbuf_release(&want);
	}

	/* finishing moves the rest after the file: nothing left in memory */
	{
		size_t len = spool_length(&sp);

		spool_finish(&sp);
		got = spool_contents(&sp);
		CHECK(sp.text.len == 0 && spool_length(&sp) == len && got != NULL && strncmp(got, "HDR\nline 0", 10) == 0 &&
			      strcmp(got + len - 5, "\ntail") == 0,
		      "finish: a spooled answer's tail joins the file");
		free(got);
	}

	/* appending a spooled answer to an empty one takes its file over */
	spool_init(&data, 16, dir);
	spool_append_spool(&data, &sp);
	CHECK(data.fd >= 0 && sp.fd < 0 && spool_length(&data) == 10 * 25 + 8, "an empty spool takes a file over");
	/* appending to one that has bytes copies */
	spool_init(&sp, 0, dir);
	strbuf_append_str(&sp.text, "before:");
	spool_append_spool(&sp, &data);
	got = spool_contents(&sp);
	CHECK(got != NULL && strncmp(got, "before:HDR\nline 0", 17) == 0 && strstr(got, "line 9 of a large answer\ntail"),
	      "a spool with bytes copies the other's file");
	free(got);
	spool_release(&sp);
	CHECK(open_fds() == fds_before, "no file descriptor left open by released spools");

	/* trimming only touches the bytes in memory */
	spool_init(&sp, 0, dir);
	strbuf_append_str(&sp.text, "x \n\n");
	spool_trim_end(&sp);
	CHECK_STR(sp.text.data, "x", "trailing newlines and blanks trimmed");
	spool_release(&sp);

	/* a directory that does not exist: the answer stays in memory, nothing lost */
	spool_init(&sp, 8, "/nonexistent-routereg-spool");
	strbuf_append_str(&sp.text, "0123456789abcdef");
	spool_checkpoint(&sp);
	CHECK(sp.fd < 0 && !sp.is_broken && spool_length(&sp) == 16, "spool directory missing: kept in memory");
	spool_release(&sp);
}

/* Reads from fd until n bytes came or 5 s passed. */
static size_t read_exactly(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			break;
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void test_output_queue(const char *dir)
{
	int sv[2];
	struct output_queue q;
	struct spool sp;
	size_t big = 3 * 1024 * 1024, expect_len;
	char *expect, *got;
	ssize_t sent_total = 0;
	int fds_before;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0) {
		CHECK(0, "socketpair: %s", strerror(errno));
		return;
	}
	fds_before = open_fds();
	output_queue_init(&q);
	CHECK(output_queue_is_empty(&q) && output_queue_send(&q, sv[0]) == 0, "an empty queue sends nothing");
	output_queue_append(&q, "first ", 6);
	/* a large answer spooled to a file, between two memory pieces */
	spool_init(&sp, 64 * 1024, dir);
	for (size_t i = 0; i < big / 16; i++) {
		strbuf_append(&sp.text, "0123456789abcde\n", 16);
		spool_checkpoint(&sp);
	}
	CHECK(sp.fd >= 0, "the large answer went to a file");
	output_queue_take(&q, &sp);
	output_queue_append(&q, "last\n", 5);
	CHECK(q.memory_bytes + q.file_bytes == 6 + big + 5, "queued bytes counted (%zu memory, %zu file)", q.memory_bytes,
	      q.file_bytes);
	CHECK(q.memory_bytes < 128 * 1024, "the spooled answer is not held in memory (%zu bytes)", q.memory_bytes);

	expect_len = 6 + big + 5;
	expect = malloc(expect_len);
	got = malloc(expect_len);
	memcpy(expect, "first ", 6);
	for (size_t i = 0; i < big / 16; i++)
		memcpy(expect + 6 + i * 16, "0123456789abcde\n", 16);
	memcpy(expect + 6 + big, "last\n", 5);
	{
		/* the socket buffer fills long before 3 MiB: send, read some, send again */
		size_t got_len = 0;

		while (!output_queue_is_empty(&q) && got_len < expect_len) {
			ssize_t n = output_queue_send(&q, sv[0]);

			if (n < 0)
				break;
			sent_total += n;
			got_len += read_exactly(sv[1], got + got_len,
						(size_t)sent_total - got_len < 65536 ? (size_t)sent_total - got_len : 65536);
		}
		got_len += read_exactly(sv[1], got + got_len, (size_t)sent_total - got_len);
		CHECK(output_queue_is_empty(&q) && got_len == expect_len, "everything sent over partial sends (%zu of %zu)",
		      got_len, expect_len);
		CHECK(got_len == expect_len && memcmp(got, expect, expect_len) == 0, "bytes arrive in order, intact");
	}
	output_queue_release(&q);
	CHECK(open_fds() == fds_before, "the spooled file is closed once sent");

	/* releasing a queue with an unsent file closes it too */
	output_queue_init(&q);
	spool_init(&sp, 16, dir);
	strbuf_append_str(&sp.text, "more than sixteen bytes");
	spool_checkpoint(&sp);
	output_queue_take(&q, &sp);
	output_queue_release(&q);
	CHECK(open_fds() == fds_before, "an unsent spooled answer's file is closed with the queue");
	free(expect);
	free(got);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	char dir[] = "/tmp/routereg-test-spool-XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 1;
	test_spool(dir);
	test_output_queue(dir);
	rmdir(dir); /* fails if a spooled file was left behind with a name */
	CHECK(access(dir, F_OK) != 0, "no named file left in the spool directory");
	return test_failures != 0;
}
