/*
 * irrd: the registry daemon. Runs in the foreground until SIGTERM/SIGINT, logging to
 * stderr (systemd and `make run` collect it). Today it opens and migrates the store;
 * the whois listener, NRTM and timers attach here as their issues land.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "store.h"
#include "version.h"

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *out)
{
	fputs("usage: irrd -c CONFIG [-V]\n", out);
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_source_info info;
	struct sigaction sa;
	sigset_t block, old;
	char *err = NULL;
	int c, rc = EXIT_FAILURE;

	log_set_program("irrd");
	while ((c = getopt(argc, argv, "c:hV")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("irrd (routereg) %s\n", ROUTEREG_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config_path, &cfg, &err) < 0) {
		log_error("bad configuration: %s", err);
		goto out;
	}
	log_set_level(cfg->log_level);
	if (store_open(cfg->database, STORE_READ_WRITE, &st, &err) < 0) {
		log_error("%s", err);
		goto out;
	}
	switch (store_source_get(st, cfg->source, &info, &err)) {
	case 1:
		log_info("source %s: %lld objects, serial %lld", info.name, (long long)info.object_count,
			 (long long)info.serial_newest);
		break;
	case 0:
		log_info("source %s has no objects yet (load a dump with irrctl load)", cfg->source);
		break;
	default:
		log_error("%s", err);
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	log_info("routereg %s ready (database %s, pid %d)", ROUTEREG_VERSION, cfg->database, (int)getpid());
	while (!stop_signal)
		sigsuspend(&old);
	log_info("received %s, shutting down", strsignal(stop_signal));
	rc = EXIT_SUCCESS;
out:
	free(err);
	store_close(st);
	config_free(cfg);
	return rc;
}
