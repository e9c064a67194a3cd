/*
 * Fuzz target for the whois query front end (both dialects, sessions, set
 * expansion, where a query runs) over the demo registry: each input is a stream of
 * query lines run through one session, as a connection would, each on the context
 * the server would use (the I/O thread's snapshot, or a worker's SQL). Answers spill
 * to a temporary file past 512 bytes so the spool's paths are fuzzed too. Run from
 * the repository root.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "loader.h"
#include "origin_index.h"
#include "store.h"
#include "whois_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct query_context ctx, io_ctx;
static struct query_source_snapshot snapshot;
static struct config cfg;
static struct store *st;

static char path[64];

static void cleanup(void)
{
	char extra[80];

	origin_index_free(ctx.origins);
	store_close(st);
	unlink(path);
	snprintf(extra, sizeof(extra), "%s-wal", path);
	unlink(extra);
	snprintf(extra, sizeof(extra), "%s-shm", path);
	unlink(extra);
}

static void setup(void)
{
	char *err = NULL;
	char *files[] = { (char *)"demo/jpirr.db" };
	char *radb[] = { (char *)"demo/radb.db" };
	struct loader_options opts = { .source = "JPIRR" };
	struct loader_result res;
	FILE *devnull = fopen("/dev/null", "w");

	snprintf(path, sizeof(path), "/tmp/routereg-fuzz-whois-%d.db", (int)getpid());
	unlink(path);
	atexit(cleanup);
	if (store_open(path, STORE_READ_WRITE, &st, &err) < 0)
		abort();
	opts.report = devnull;
	if (loader_run(st, &opts, files, 1, &res, &err) < 0)
		abort();
	opts.source = "RADB";
	if (loader_run(st, &opts, radb, 1, &res, &err) < 0)
		abort();
	fclose(devnull);
	cfg.source = (char *)"JPIRR";
	cfg.whois_idle_timeout = 30;
	ctx.st = st;
	ctx.cfg = &cfg;
	ctx.origins = origin_index_new();
	if (query_refresh(&ctx) < 0 || query_source_snapshot_read(st, &cfg, &snapshot, &err) < 0)
		abort();
	io_ctx = ctx;
	io_ctx.sources = &snapshot;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct whois_session s;
	const char *p = (const char *)data, *end = p + size;

	if (st == NULL)
		setup();
	whois_session_init(&s, &ctx);
	while (p < end && !s.close) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool needs_index;
		struct spool out;

		spool_init(&out, 512, "/tmp");
		if (whois_query_place(&io_ctx, &s, p, len, &needs_index) == WHOIS_ON_IO_THREAD)
			whois_query(&io_ctx, &s, p, len, &out);
		else
			whois_query(&ctx, &s, p, len, &out);
		if (spool_length(&out) > 0 && out.is_broken)
			abort();
		spool_release(&out);
		p += len + (nl != NULL);
	}
	return 0;
}
