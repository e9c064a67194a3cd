/* Answers that spill to a temporary file; see spool.h. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Room before the file's first byte for a header ("A<20 digits>\n" fits). */
#define SPOOL_HEADER_ROOM 64

void spool_init(struct spool *sp, size_t spill_at, const char *directory)
{
	strbuf_init(&sp->text);
	sp->fd = -1;
	sp->file_start = sp->file_end = SPOOL_HEADER_ROOM;
	sp->spill_at = spill_at;
	sp->directory = directory;
	sp->is_broken = false;
}

void spool_release(struct spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	strbuf_release(&sp->text);
}

size_t spool_length(const struct spool *sp)
{
	return (size_t)(sp->file_end - sp->file_start) + sp->text.len;
}

/* Logs a spill failure once per process: a full disk must not flood the log. */
static void spill_failed(const char *directory, const char *what)
{
	static atomic_bool logged;

	if (!atomic_exchange(&logged, true))
		log_error("whois: cannot spool a large answer in %s (%s: %s); answers stay in memory",
			  directory ? directory : "?", what, strerror(errno));
}

/* An unlinked temporary file in directory: nothing to clean up, whatever happens. */
static int open_spool_file(const char *directory)
{
	int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* a file system without O_TMPFILE: a named file, unlinked at once */
		char path[4096];
		int n = snprintf(path, sizeof(path), "%s/routereg-whois-XXXXXX", directory);

		if (n < 0 || (size_t)n >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	return fd;
}

static bool write_all(int fd, const char *data, size_t len, off_t at)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, data, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
		at += n;
	}
	return true;
}

void spool_checkpoint(struct spool *sp)
{
	if (sp->spill_at == 0 || sp->text.len < sp->spill_at)
		return;
	if (sp->fd < 0) {
		sp->fd = open_spool_file(sp->directory);
		if (sp->fd < 0) {
			spill_failed(sp->directory, "creating a temporary file");
			sp->spill_at = 0;
			return;
		}
	}
	if (!write_all(sp->fd, sp->text.data, sp->text.len, sp->file_end)) {
		spill_failed(sp->directory, "writing");
		sp->spill_at = 0;
		if (sp->file_end == sp->file_start) {
			close(sp->fd);
			sp->fd = -1;
		}
		return;
	}
	sp->file_end += (off_t)sp->text.len;
	strbuf_reset(&sp->text);
	if (sp->text.capacity > 2 * sp->spill_at) {
		/* do not keep a buffer sized for the biggest item ever appended */
		strbuf_release(&sp->text);
		strbuf_init(&sp->text);
	}
}

void spool_finish(struct spool *sp)
{
	if (sp->fd < 0 || sp->text.len == 0 || sp->spill_at == 0)
		return;
	if (!write_all(sp->fd, sp->text.data, sp->text.len, sp->file_end)) {
		spill_failed(sp->directory, "writing");
		return; /* the text stays in memory: nothing lost */
	}
	sp->file_end += (off_t)sp->text.len;
	strbuf_release(&sp->text);
	strbuf_init(&sp->text);
}

void spool_prepend(struct spool *sp, const char *bytes, size_t len)
{
	if (sp->fd >= 0 && len <= (size_t)sp->file_start && sp->file_end > sp->file_start) {
		if (write_all(sp->fd, bytes, len, sp->file_start - (off_t)len)) {
			sp->file_start -= (off_t)len;
			return;
		}
		spill_failed(sp->directory, "writing a header");
		sp->is_broken = true;
		return;
	}
	strbuf_reserve(&sp->text, len);
	memmove(sp->text.data + len, sp->text.data, sp->text.len + 1);
	memcpy(sp->text.data, bytes, len);
	sp->text.len += len;
}

void spool_append_spool(struct spool *dst, struct spool *src)
{
	if (src->fd >= 0 && dst->fd < 0 && dst->text.len == 0) {
		/* take the file over; dst keeps its own settings */
		struct strbuf empty = dst->text;

		dst->fd = src->fd;
		dst->is_broken = src->is_broken;
		dst->file_start = src->file_start;
		dst->file_end = src->file_end;
		dst->text = src->text;
		src->fd = -1;
		src->text = empty;
		spool_release(src);
		return;
	}
	if (src->fd >= 0) {
		/* rare: dst already has bytes; copy src's file through memory in slices */
		char buf[64 * 1024];
		off_t at = src->file_start;

		while (at < src->file_end) {
			size_t want = (size_t)(src->file_end - at) < sizeof(buf) ? (size_t)(src->file_end - at) : sizeof(buf);
			ssize_t n = pread(src->fd, buf, want, at);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				spill_failed(src->directory, "reading back");
				dst->is_broken = true;
				break;
			}
			strbuf_append(&dst->text, buf, (size_t)n);
			spool_checkpoint(dst);
			at += n;
		}
	}
	dst->is_broken |= src->is_broken;
	strbuf_append(&dst->text, src->text.data, src->text.len);
	spool_checkpoint(dst);
	spool_release(src);
}

void spool_trim_end(struct spool *sp)
{
	while (sp->text.len > 0 && (sp->text.data[sp->text.len - 1] == '\n' || sp->text.data[sp->text.len - 1] == ' '))
		sp->text.len--;
	sp->text.data[sp->text.len] = '\0';
}
