/*
 * Update benchmark: sustained single-object submissions through the update engine
 * on a loaded registry, one update_run per object as a channel would call it.
 *   bench_update -c CONF -n N [-a identity|md5] [-p WHOIS_PORT -l SAMPLES]
 * Phases: create N routes, modify them, delete them (rates and p50/p99 per
 * submission); with -p, SAMPLES more creates each timed from the start of the
 * submission until `!g` on the running irrd answers the new prefix.
 * Authentication: `identity` passes a verified certificate identity for the
 * maintainer (the mail gateway's path once a signature is checked); `md5` puts a
 * password: line in each submission (MD5-PW; bcrypt at cost 12 costs ~0.25 s per
 * submission by design and would measure only bcrypt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"
#include "authlist_enforce.h"
#include "update.h"

#define BENCH_MNTNER "MAINT-UPD-BENCH"
#define BENCH_MD5 "$1$benchslt$mf7H276NchSg/rWIdGIsF1" /* crypt("bench", "$1$benchslt$") */

struct bench {
	struct store *st;
	struct config *cfg;
	struct identity id;
	bool use_password;
};

/* Runs one submission; returns 0 when every object succeeded. */
static int submit(struct bench *b, const char *text)
{
	struct update_request req = { .channel = "bench", .origin = "bench_update", .text = text, .len = strlen(text) };
	struct update_route_check route_check;
	struct authlist_hook_state route_check_state;
	struct update_result res;
	char *err = NULL;
	int rc;

	if (!b->use_password) {
		req.identities = &b->id;
		req.identity_count = 1;
	}
	/* the authorisation list is this channel's route check */
	authlist_hook_init(&route_check, &route_check_state, b->st, b->cfg);
	req.route_check = &route_check;
	rc = update_run(b->st, b->cfg, &req, &res, &err);
	if (rc < 0 || res.failed > 0) {
		fprintf(stderr, "bench_update: submission failed: %s\n%s\n", err ? err : "", res.report.data);
		rc = -1;
	}
	free(err);
	strbuf_release(&res.report);
	return rc;
}

static void route_text(struct bench *b, struct strbuf *sb, unsigned i, const char *descr, bool del)
{
	strbuf_reset(sb);
	strbuf_printf(sb,
		      "route:          100.%u.%u.0/24\ndescr:          %s\norigin:         AS%u\nmnt-by:         %s\n"
		      "source:         %s\n%s",
		      64 + (i >> 8) % 64, i & 255, descr, 4200000000u + i, BENCH_MNTNER, b->cfg->source,
		      del ? "delete:         benchmark done\n" : "");
	if (b->use_password)
		strbuf_append_str(sb, "\npassword: bench\n");
}

static int phase(struct bench *b, const char *name, unsigned first, unsigned n, const char *descr, bool del)
{
	double *lat = calloc(n ? n : 1, sizeof(double)), start = bench_now_ms();
	struct strbuf sb;

	strbuf_init(&sb);
	for (unsigned i = 0; i < n; i++) {
		double t0 = bench_now_ms();

		route_text(b, &sb, first + i, descr, del);
		if (submit(b, sb.data) < 0)
			return -1;
		lat[i] = bench_now_ms() - t0;
	}
	double secs = (bench_now_ms() - start) / 1000.0;

	bench_sort(lat, n);
	printf("%s: %u single-object submissions in %.2f s = %.0f objects/s; per submission p50 %.2f ms p99 %.2f ms\n",
	       name, n, secs, n / secs, bench_percentile(lat, n, 0.5), bench_percentile(lat, n, 0.99));
	strbuf_release(&sb);
	free(lat);
	return 0;
}

static int visibility(struct bench *b, int port, unsigned first, unsigned samples)
{
	double *lat = calloc(samples ? samples : 1, sizeof(double));
	int fd = bench_whois_connect(port);
	struct strbuf sb;

	strbuf_init(&sb);
	for (unsigned i = 0; i < samples; i++) {
		unsigned k = first + i;
		char prefix[32];
		double t0 = bench_now_ms();

		snprintf(prefix, sizeof(prefix), "100.%u.%u.0/24", 64 + (k >> 8) % 64, k & 255);
		route_text(b, &sb, k, "visibility", false);
		if (submit(b, sb.data) < 0)
			return -1;
		while (!bench_whois_has(fd, 4200000000u + k, prefix))
			;
		lat[i] = bench_now_ms() - t0;
	}
	bench_sort(lat, samples);
	printf("submit-to-visible in whois (!g on irrd, %u samples): p50 %.2f ms p99 %.2f ms max %.2f ms\n", samples,
	       bench_percentile(lat, samples, 0.5), bench_percentile(lat, samples, 0.99), lat[samples - 1]);
	for (unsigned i = 0; i < samples; i++) {
		route_text(b, &sb, first + i, "visibility", true);
		if (submit(b, sb.data) < 0)
			return -1;
	}
	close(fd);
	strbuf_release(&sb);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b = { 0 };
	const char *conf = NULL, *auth = "identity";
	unsigned n = 5000, samples = 200;
	int port = 0, c, rc = 1;
	char *err = NULL;
	struct strbuf setup;

	while ((c = getopt(argc, argv, "c:n:a:p:l:")) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'a': auth = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'l': samples = (unsigned)atoi(optarg); break;
		default: goto usage;
		}
	}
	if (conf == NULL || n == 0 || n > 16384 || samples == 0 || samples > 16384 ||
	    (strcmp(auth, "identity") != 0 && strcmp(auth, "md5") != 0))
		goto usage;
	log_set_level(LOG_LEVEL_WARN);
	if (config_load(conf, &b.cfg, &err) < 0 || store_open(b.cfg->database, STORE_READ_WRITE, &b.st, &err) < 0) {
		fprintf(stderr, "bench_update: %s\n", err);
		return 1;
	}
	b.use_password = strcmp(auth, "md5") == 0;
	b.id.kind = IDENTITY_CA_CERT;
	snprintf(b.id.mntner, sizeof(b.id.mntner), "%s", BENCH_MNTNER);
	snprintf(b.id.description, sizeof(b.id.description), "benchmark certificate for %s", BENCH_MNTNER);

	/* The maintainer, its contact and the address space the routes live in. */
	strbuf_init(&setup);
	strbuf_printf(&setup,
		      "person:         Update Bench\naddress:        Tokyo\nphone:          +81 3 0000 0000\n"
		      "nic-hdl:        UB1-%s\nmnt-by:         %s\nsource:         %s\n\n"
		      "mntner:         %s\nadmin-c:        UB1-%s\nupd-to:         bench@example.jp\n"
		      "auth:           MD5-PW %s\nmnt-by:         %s\nsource:         %s\n\n"
		      "inetnum:        100.64.0.0 - 100.127.255.255\nnetname:        UPDATE-BENCH\ncountry:        JP\n"
		      "admin-c:        UB1-%s\ntech-c:         UB1-%s\nstatus:         ALLOCATED PA\nmnt-by:         %s\n"
		      "mnt-routes:     %s { 100.64.0.0/10^24 }\nsource:         %s\n",
		      b.cfg->source, BENCH_MNTNER, b.cfg->source, BENCH_MNTNER, b.cfg->source, BENCH_MD5, BENCH_MNTNER,
		      b.cfg->source, b.cfg->source, b.cfg->source, BENCH_MNTNER, BENCH_MNTNER, b.cfg->source);
	{
		bool saved = b.use_password;

		b.use_password = false; /* the maintainer is created with the identity, whatever the mode */
		if (submit(&b, setup.data) < 0)
			goto out;
		b.use_password = saved;
	}
	printf("authentication: %s\n", b.use_password ? "MD5-PW password line" : "verified certificate identity");
	if (phase(&b, "create", 0, n, "created", false) < 0 || phase(&b, "modify", 0, n, "modified", false) < 0 ||
	    phase(&b, "delete", 0, n, "modified", true) < 0)
		goto out;
	if (port > 0 && visibility(&b, port, n, samples) < 0)
		goto out;
	rc = 0;
out:
	strbuf_release(&setup);
	store_close(b.st);
	config_free(b.cfg);
	return rc;
usage:
	fprintf(stderr, "usage: bench_update -c CONF [-n N] [-a identity|md5] [-p WHOIS_PORT [-l SAMPLES]]\n");
	return 2;
}
