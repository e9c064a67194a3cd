/*
 * Mail gateway benchmark: signed messages delivered to irr-mailgate one process per
 * message, as an MTA's pipe transport does (the MTA itself is not measured).
 *   bench_mail -g IRR_MAILGATE -c CONF -d DIR -n N [-j JOBS] [-p WHOIS_PORT -f FIRST_ASN]
 * DIR holds msg-00000.eml ... (made by run-bench.sh with openssl smime); message i
 * creates a route originated by AS(FIRST_ASN + i). With -p, each delivery is timed
 * from the start of irr-mailgate until `!g` on the running irrd shows the prefix
 * (one at a time); without it, JOBS deliveries run at once and the rate is printed.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

static pid_t start_gate(const char *gate, const char *conf, const char *dir, unsigned i)
{
	char path[4096];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/msg-%05u.eml", dir, i);
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDONLY), null = open("/dev/null", O_WRONLY);

		if (fd < 0 || dup2(fd, 0) < 0 || dup2(null, 2) < 0)
			_exit(70);
		execl(gate, gate, "-c", conf, "-f", "bench@example.jp", (char *)NULL);
		_exit(71);
	}
	return pid;
}

static bool exited_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	const char *gate = NULL, *conf = NULL, *dir = NULL;
	unsigned n = 0, jobs = 1, failed = 0;
	unsigned long first_asn = 0;
	int port = 0, c;
	double *lat, start;

	while ((c = getopt(argc, argv, "g:c:d:n:j:p:f:")) != -1) {
		switch (c) {
		case 'g': gate = optarg; break;
		case 'c': conf = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'j': jobs = (unsigned)atoi(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'f': first_asn = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (gate == NULL || conf == NULL || dir == NULL || n == 0 || jobs == 0 || jobs > 64 || (port && !first_asn))
		goto usage;
	lat = calloc(n, sizeof(double));
	start = bench_now_ms();
	if (port > 0) {
		int fd = bench_whois_connect(port);

		for (unsigned i = 0; i < n; i++) {
			double t0 = bench_now_ms();

			if (!exited_ok(start_gate(gate, conf, dir, i)))
				failed++;
			while (!bench_whois_has(fd, first_asn + i, NULL))
				;
			lat[i] = bench_now_ms() - t0;
		}
		close(fd);
	} else {
		pid_t running[64];
		double started[64];
		unsigned next = 0, done = 0, active = 0;

		while (done < n) {
			while (active < jobs && next < n) {
				started[active] = bench_now_ms();
				running[active++] = start_gate(gate, conf, dir, next++);
			}
			int status;
			pid_t pid = wait(&status);

			for (unsigned k = 0; k < active; k++) {
				if (running[k] != pid)
					continue;
				lat[done++] = bench_now_ms() - started[k];
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					failed++;
				running[k] = running[active - 1];
				started[k] = started[active - 1];
				active--;
				break;
			}
		}
	}
	double secs = (bench_now_ms() - start) / 1000.0;

	bench_sort(lat, n);
	if (port > 0)
		printf("mail-to-visible in whois (irr-mailgate start to !g answering, %u messages, one at a time): "
		       "%.1f messages/s; p50 %.1f ms p99 %.1f ms max %.1f ms; %u failed\n",
		       n, n / secs, bench_percentile(lat, n, 0.5), bench_percentile(lat, n, 0.99), lat[n - 1], failed);
	else
		printf("signed messages through irr-mailgate, %u at a time: %u in %.2f s = %.1f messages/s; "
		       "per message p50 %.1f ms p99 %.1f ms; %u failed\n",
		       jobs, n, secs, n / secs, bench_percentile(lat, n, 0.5), bench_percentile(lat, n, 0.99), failed);
	free(lat);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: bench_mail -g IRR_MAILGATE -c CONF -d DIR -n N [-j JOBS] [-p WHOIS_PORT -f FIRST_ASN]\n");
	return 2;
}
