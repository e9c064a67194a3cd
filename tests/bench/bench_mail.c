/*
 * Mail gateway benchmark: signed messages delivered to irr-mailgate one process per
 * message, as an MTA's pipe transport does (the MTA itself is not measured).
 *   bench_mail -g IRR_MAILGATE -c CONF -d DIR -n N [-j JOBS] [-p WHOIS_PORT -f FIRST_ASN]
 * DIR holds msg-00000.eml ... (made by run-bench.sh with openssl smime); message i
 * creates a route originated by AS(FIRST_ASN + i). With -p, each delivery is timed
 * from the start of irr-mailgate until `!g` on the running irrd shows the prefix
 * (one at a time); without it, JOBS deliveries run at once and the rate is printed.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double percentile(const double *v, size_t n, double p)
{
	return n ? v[(size_t)(p * (double)(n - 1) + 0.5)] : 0;
}

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

static int connect_whois(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || write(fd, "!!\n", 3) != 3) {
		perror("bench_mail: whois");
		exit(1);
	}
	return fd;
}

/* !gAS<asn> on a persistent session: does the answer hold a prefix? */
static bool whois_has_route(int fd, unsigned long asn)
{
	char q[64], buf[4096];
	size_t len = 0;
	int n = snprintf(q, sizeof(q), "!gAS%lu\n", asn);

	if (write(fd, q, (size_t)n) != n)
		exit(1);
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (r <= 0)
			exit(1);
		len += (size_t)r;
		buf[len] = '\0';
		if (strcmp(buf, "D\n") == 0 || (len >= 3 && strcmp(buf + len - 3, "\nC\n") == 0) || buf[0] == 'F')
			break;
	}
	return buf[0] == 'A';
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
	start = now_ms();
	if (port > 0) {
		int fd = connect_whois(port);

		for (unsigned i = 0; i < n; i++) {
			double t0 = now_ms();

			if (!exited_ok(start_gate(gate, conf, dir, i)))
				failed++;
			while (!whois_has_route(fd, first_asn + i))
				;
			lat[i] = now_ms() - t0;
		}
		close(fd);
	} else {
		pid_t running[64];
		double started[64];
		unsigned next = 0, done = 0, active = 0;

		while (done < n) {
			while (active < jobs && next < n) {
				started[active] = now_ms();
				running[active++] = start_gate(gate, conf, dir, next++);
			}
			int status;
			pid_t pid = wait(&status);

			for (unsigned k = 0; k < active; k++) {
				if (running[k] != pid)
					continue;
				lat[done++] = now_ms() - started[k];
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					failed++;
				running[k] = running[active - 1];
				started[k] = started[active - 1];
				active--;
				break;
			}
		}
	}
	double secs = (now_ms() - start) / 1000.0;

	qsort(lat, n, sizeof(double), cmp_double);
	if (port > 0)
		printf("mail-to-visible in whois (irr-mailgate start to !g answering, %u messages, one at a time): "
		       "%.1f messages/s; p50 %.1f ms p99 %.1f ms max %.1f ms; %u failed\n",
		       n, n / secs, percentile(lat, n, 0.5), percentile(lat, n, 0.99), lat[n - 1], failed);
	else
		printf("signed messages through irr-mailgate, %u at a time: %u in %.2f s = %.1f messages/s; "
		       "per message p50 %.1f ms p99 %.1f ms; %u failed\n",
		       jobs, n, secs, n / secs, percentile(lat, n, 0.5), percentile(lat, n, 0.99), failed);
	free(lat);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: bench_mail -g IRR_MAILGATE -c CONF -d DIR -n N [-j JOBS] [-p WHOIS_PORT -f FIRST_ASN]\n");
	return 2;
}
