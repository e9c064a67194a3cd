/* Fetching dumps and serials; see fetch.h. */
#include "fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static bool is_url(const char *where)
{
	return strstr(where, "://") != NULL;
}

struct sink {
	int fd;
	long long bytes;
	bool is_too_big, is_write_failed;
};

static size_t write_sink(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, done = 0;

	if (s->bytes + (long long)len > FETCH_MAX_BYTES) {
		s->is_too_big = true;
		return 0;
	}
	while (done < len) {
		ssize_t w = write(s->fd, data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->is_write_failed = true;
			return 0;
		}
		done += (size_t)w;
	}
	s->bytes += (long long)len;
	return len;
}

static int fetch_url(const char *url, int fd, unsigned timeout, char **err)
{
	struct sink s = { .fd = fd };
	char message[CURL_ERROR_SIZE] = "";
	CURL *curl;
	CURLcode rc;
	long status = 0;

	pthread_once(&curl_once, curl_start);
	curl = curl_easy_init();
	if (curl == NULL) {
		*err = xasprintf("%s: cannot start libcurl", url);
		return -1;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp,ftps");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* a stalled transfer ends; a slow steady one of a large dump does not */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)timeout);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)timeout);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_sink);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "routereg mirror");
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (rc == CURLE_OK)
		return 0;
	if (s.is_too_big)
		*err = xasprintf("%s: larger than %lld bytes", url, (long long)FETCH_MAX_BYTES);
	else if (s.is_write_failed)
		*err = xasprintf("%s: writing the temporary file failed (disk full?)", url);
	else if (status >= 400)
		*err = xasprintf("%s: HTTP status %ld", url, status);
	else
		*err = xasprintf("%s: %s", url, message[0] ? message : curl_easy_strerror(rc));
	return -1;
}

static int copy_file(const char *path, int fd, char **err)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (in < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, (size_t)(n - done));

			if (w <= 0) {
				*err = xasprintf("%s: writing the temporary copy failed (disk full?)", path);
				close(in);
				return -1;
			}
			done += w;
		}
	}
	if (n < 0)
		*err = xasprintf("%s: %s", path, strerror(errno));
	close(in);
	return n < 0 ? -1 : 0;
}

int fetch_to_file(const char *where, const char *tmpdir, unsigned timeout, char **path_out, char **err)
{
	char *path = xasprintf("%s/routereg-fetch.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC), rc;

	*path_out = NULL;
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	rc = is_url(where) ? fetch_url(where, fd, timeout, err) : copy_file(where, fd, err);
	if (close(fd) < 0 && rc == 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0) {
		unlink(path);
		free(path);
		return -1;
	}
	*path_out = path;
	return 0;
}

int fetch_serial(const char *where, const char *tmpdir, unsigned timeout, int64_t *serial, char **err)
{
	char *path = NULL, text[64], *p, *end;
	FILE *f;
	size_t n;
	long long v;

	if (fetch_to_file(where, tmpdir, timeout, &path, err) < 0)
		return -1;
	f = fopen(path, "r");
	n = f != NULL ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	unlink(path);
	free(path);
	text[n] = '\0';
	for (p = text; isspace((unsigned char)*p); p++)
		;
	errno = 0;
	v = strtoll(p, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == p || *end != '\0' || errno != 0 || v < 0 || n == sizeof(text) - 1) {
		*err = xasprintf("%s: not a serial (one number)", where);
		return -1;
	}
	if (v > FETCH_MAX_SERIAL) {
		*err = xasprintf("%s: serial %lld is out of range (at most %lld)", where, v, (long long)FETCH_MAX_SERIAL);
		return -1;
	}
	*serial = v;
	return 0;
}
