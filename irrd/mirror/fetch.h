/*
 * Fetching what a mirror starts from: an upstream's dump and CURRENTSERIAL, given as
 * a file path or an http, https or ftp URL (libcurl). The bytes go to a temporary file
 * the caller reads and removes.
 */
#ifndef IRRD_MIRROR_FETCH_H
#define IRRD_MIRROR_FETCH_H

#include <stddef.h>
#include <stdint.h>

/* At most this many bytes are fetched (a dump of RIPE's size is about 5 GB unpacked, 1 GB gzip). */
#define FETCH_MAX_BYTES (8LL * 1024 * 1024 * 1024)

/*
 * Copies `where` (path or URL) into a new temporary file in `tmpdir`; *path_out names
 * it (caller unlinks and frees). 0, or -1 with *err naming what failed (an HTTP status,
 * a missing file, a timeout of `timeout` seconds without progress).
 */
int fetch_to_file(const char *where, const char *tmpdir, unsigned timeout, char **path_out, char **err);

/* The largest serial taken (2^53: exact in every client's arithmetic, far from overflowing serial + 1). */
#define FETCH_MAX_SERIAL (1LL << 53)

/* Reads a CURRENTSERIAL (one number, whitespace around it allowed) from a path or URL. 0, or -1 with *err. */
int fetch_serial(const char *where, const char *tmpdir, unsigned timeout, int64_t *serial, char **err);

#endif
