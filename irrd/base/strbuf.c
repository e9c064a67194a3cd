/* Growable string; see strbuf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

void strbuf_init(struct strbuf *sb)
{
	sb->capacity = 64;
	sb->data = xmalloc(sb->capacity);
	sb->data[0] = '\0';
	sb->len = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb == NULL)
		return;
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->capacity = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->data[0] = '\0';
}

void strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need;

	if (extra > ((size_t)-1) / 2 - sb->len)
		fatal("strbuf size overflow");
	need = sb->len + extra + 1;
	if (need <= sb->capacity)
		return;
	while (sb->capacity < need)
		sb->capacity *= 2;
	sb->data = xrealloc(sb->data, sb->capacity);
}

void strbuf_append(struct strbuf *sb, const char *bytes, size_t n)
{
	/* empty buffers of libraries (GLib's GByteArray) may hand over NULL with n == 0 */
	if (n == 0)
		return;
	strbuf_reserve(sb, n);
	memcpy(sb->data + sb->len, bytes, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void strbuf_append_str(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_append_lf(struct strbuf *sb, const char *bytes, size_t n)
{
	strbuf_reserve(sb, n);
	for (size_t i = 0; i < n; i++) {
		if (bytes[i] == '\r' && i + 1 < n && bytes[i + 1] == '\n')
			continue;
		sb->data[sb->len++] = bytes[i];
	}
	sb->data[sb->len] = '\0';
}

void strbuf_append_char(struct strbuf *sb, char c)
{
	strbuf_reserve(sb, 1);
	sb->data[sb->len++] = c;
	sb->data[sb->len] = '\0';
}

void strbuf_append_repeat(struct strbuf *sb, char c, size_t n)
{
	strbuf_reserve(sb, n);
	memset(sb->data + sb->len, c, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sb->data + sb->len, sb->capacity - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("strbuf_printf: bad format");
	if ((size_t)n >= sb->capacity - sb->len) {
		strbuf_reserve(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->data + sb->len, sb->capacity - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

char *strbuf_detach(struct strbuf *sb, size_t *len_out)
{
	char *p = sb->data;

	if (len_out != NULL)
		*len_out = sb->len;
	sb->data = NULL;
	sb->len = sb->capacity = 0;
	return p;
}

char *strbuf_read_regular_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);   /* O_NONBLOCK: opening a FIFO must not wait */
	struct stat st;
	struct strbuf sb;
	char buf[65536];
	ssize_t n;
	int saved = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sb.len + (size_t)n > max) {
			saved = EFBIG;
			break;
		}
		strbuf_append(&sb, buf, (size_t)n);
	}
	if (n < 0)
		saved = errno;
	close(fd);
	if (saved != 0) {
		strbuf_release(&sb);
		errno = saved;
		return NULL;
	}
	return strbuf_detach(&sb, len);
}

char *strbuf_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	struct strbuf sb;
	char buf[65536];
	size_t n;
	int saved;

	if (f == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len + n <= max)
		strbuf_append(&sb, buf, n);
	saved = n > 0 ? EFBIG : ferror(f) ? EIO : 0;
	if (path != NULL)
		fclose(f);
	if (saved != 0) {
		strbuf_release(&sb);
		errno = saved;
		return NULL;
	}
	return strbuf_detach(&sb, len);
}
