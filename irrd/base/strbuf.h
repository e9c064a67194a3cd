/*
 * Growable, always NUL-terminated byte string. Everything built from untrusted
 * input goes through this instead of fixed buffers. Bytes may include NUL; `len`
 * is authoritative.
 */
#ifndef IRRD_STRBUF_H
#define IRRD_STRBUF_H

#include <stddef.h>
#include <stdio.h>

struct strbuf {
	char *data;      /* never NULL after strbuf_init; data[len] == '\0' */
	size_t len;
	size_t capacity;
};

void strbuf_init(struct strbuf *sb);
/* Releases the buffer; the strbuf may be re-initialised. NULL-safe. */
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_append(struct strbuf *sb, const char *bytes, size_t n);
void strbuf_append_str(struct strbuf *sb, const char *s);
void strbuf_append_char(struct strbuf *sb, char c);
/* Appends with CRLF line ends turned into LF (signed and mailed text is processed with LF). */
void strbuf_append_lf(struct strbuf *sb, const char *bytes, size_t n);
void strbuf_append_repeat(struct strbuf *sb, char c, size_t n);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Reads a whole file (path NULL: stdin) of at most max bytes into a new string
 * (caller frees; *len its length). NULL when it cannot be read (errno) or is larger
 * (errno EFBIG).
 */
char *strbuf_read_file(const char *path, size_t max, size_t *len);
/*
 * The same for files a daemon re-reads unattended (VRP and SLURM files): anything but
 * a regular file (a FIFO would block the reader forever, a device never end) is
 * refused with errno EINVAL, without blocking.
 */
char *strbuf_read_regular_file(const char *path, size_t max, size_t *len);
/* Hands the buffer to the caller (free with free()) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);

#endif
