/* Dumps of a source for mirrors; see dump_export.h. */
#include "dump_export.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "irr_limits.h"
#include "rpsl_filter.h"
#include "store_read.h"
#include "strbuf.h"
#include "xalloc.h"

struct dump_writer {
	gzFile gz;
	struct strbuf filtered;
	struct dump_result *res;
	bool failed;
};

static int write_object(void *arg, const struct store_object_row *row)
{
	struct dump_writer *w = arg;
	size_t n;

	strbuf_reset(&w->filtered);
	rpsl_filter_hashes(&w->filtered, row->text != NULL ? row->text : "");
	n = w->filtered.len;
	/* one blank line after every object: the text ends in "\n", then "\n" */
	if (n == 0 || w->filtered.data[n - 1] != '\n')
		strbuf_append_char(&w->filtered, '\n');
	strbuf_append_char(&w->filtered, '\n');
	if (gzwrite(w->gz, w->filtered.data, (unsigned)w->filtered.len) != (int)w->filtered.len) {
		w->failed = true;
		return -1;
	}
	w->res->objects++;
	w->res->bytes += w->filtered.len;
	return 0;
}

struct newest_serial {
	const char *name;
	int64_t id, serial;
};

static int find_source(void *arg, const struct store_source_row *row)
{
	struct newest_serial *s = arg;

	if (strcasecmp(row->name, s->name) != 0)
		return 0;
	s->id = row->id;
	s->serial = row->serial_newest;
	return 1;
}

/* A temporary file beside `final` (same directory: the rename stays atomic). -1 with *err. */
static int open_temp(const char *final, char **temp, char **err)
{
	int fd;

	*temp = xasprintf("%s.tmp.XXXXXX", final);
	fd = mkostemp(*temp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0644) < 0) {   /* published files: web servers and mirrors read them */
		close(fd);
		unlink(*temp);
		fd = -1;
	}
	if (fd < 0) {
		*err = xasprintf("%s: %s", *temp, strerror(errno));
		free(*temp);
		*temp = NULL;
	}
	return fd;
}

/* fsync, then rename over `final`. 0, or -1 with *err (the temporary file removed). */
static int publish(int fd, const char *temp, const char *final, char **err)
{
	if (fsync(fd) < 0 || rename(temp, final) < 0) {
		*err = xasprintf("%s: %s", final, strerror(errno));
		unlink(temp);
		return -1;
	}
	return 0;
}

static int write_serial(const char *path, int64_t serial, char **err)
{
	char *temp, text[32];
	int fd = open_temp(path, &temp, err), n;
	bool is_written;

	if (fd < 0)
		return -1;
	n = snprintf(text, sizeof(text), "%lld\n", (long long)serial);
	is_written = write(fd, text, (size_t)n) == n;
	if (!is_written || publish(fd, temp, path, err) < 0) {
		if (!is_written) {
			*err = xasprintf("%s: %s", temp, strerror(errno));
			unlink(temp);
		}
		close(fd);
		free(temp);
		return -1;
	}
	close(fd);
	free(temp);
	return 0;
}

int dump_export(struct store *st, const char *source, const char *dir, struct dump_result *res, char **err)
{
	struct newest_serial src = { .name = source };
	struct dump_writer w = { .res = res };
	char lower[MAX_SOURCE_NAME_LENGTH + 1], upper[MAX_SOURCE_NAME_LENGTH + 1], *serial_path = NULL,
		*temp = NULL;
	int fd = -1, rc = -1, dup_fd;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i <= strlen(source) && i < sizeof(lower); i++) {
		lower[i] = (char)tolower((unsigned char)source[i]);
		upper[i] = (char)toupper((unsigned char)source[i]);
	}
	lower[sizeof(lower) - 1] = upper[sizeof(upper) - 1] = '\0';
	snprintf(res->path, sizeof(res->path), "%s/%s.db.gz", dir, lower);
	serial_path = xasprintf("%s/%s.CURRENTSERIAL", dir, upper);
	strbuf_init(&w.filtered);
	/* the objects and the serial of one moment */
	if (store_read_begin(st, err) < 0)
		goto out;
	if (store_read_sources(st, NULL, find_source, &src, err) < 0)
		goto out_read;
	if (src.id == 0) {
		rc = 0;
		goto out_read;
	}
	res->serial = src.serial;
	fd = open_temp(res->path, &temp, err);
	if (fd < 0)
		goto out_read;
	dup_fd = dup(fd);   /* gzclose closes its own; ours is for fsync */
	w.gz = dup_fd < 0 ? NULL : gzdopen(dup_fd, "wb6");
	if (w.gz == NULL) {
		*err = xasprintf("%s: cannot start the gzip stream", temp);
		if (dup_fd >= 0)
			close(dup_fd);
		goto out_temp;
	}
	if (store_read_source_objects(st, src.id, write_object, &w, err) < 0) {
		if (w.failed) {
			free(*err);
			*err = xasprintf("%s: writing failed (disk full?)", temp);
		}
		gzclose(w.gz);
		goto out_temp;
	}
	if (gzclose(w.gz) != Z_OK) {
		*err = xasprintf("%s: writing failed (disk full?)", temp);
		goto out_temp;
	}
	store_read_end(st);
	if (publish(fd, temp, res->path, err) < 0)
		goto out;
	rc = write_serial(serial_path, res->serial, err) < 0 ? -1 : 1;
	goto out;
out_temp:
	unlink(temp);
out_read:
	store_read_end(st);
out:
	if (fd >= 0)
		close(fd);
	free(temp);
	free(serial_path);
	strbuf_release(&w.filtered);
	return rc;
}

size_t dump_sources(const struct config *cfg, const char *out[MAX_QUERY_SOURCES])
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->dump_source_count; i++)
		out[n++] = cfg->dump_sources[i];
	if (n == 0)
		out[n++] = cfg->source;
	return n;
}
