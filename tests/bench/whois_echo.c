/*
 * The floor for whois benchmarks: a server that does no work. It answers every
 * query line (but "!!") with the same bytes, read from a file (a real answer of the
 * server under test), from one epoll thread, so a benchmark can show how much of
 * a query's time is the kernel's loopback and wake-ups rather than the server's.
 *   whois_echo ANSWER-FILE     listens on 127.0.0.1 (a free port, printed as "port N")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ANSWER (64 * 1024)

static char answer[MAX_ANSWER];
static size_t answer_len;

/*
 * Answers the complete lines of one read with one send of all their answers (as a
 * server gathering its answers would); a line split across reads is counted when
 * its end comes.
 */
static int serve(int fd)
{
	static char out[64 * MAX_ANSWER];
	char in[16 * 1024];
	ssize_t n = recv(fd, in, sizeof(in), 0);
	size_t lines = 0, len = 0;

	if (n <= 0)
		return n < 0 && errno == EAGAIN ? 0 : -1;
	for (ssize_t i = 0; i < n; i++) {
		if (in[i] != '\n')
			continue;
		if (!(i >= 2 && in[i - 1] == '!' && in[i - 2] == '!' && (i == 2 || in[i - 3] == '\n')))
			lines++;
	}
	while (lines > 0) {
		size_t off = 0;

		for (len = 0; lines > 0 && len + answer_len <= sizeof(out); lines--, len += answer_len)
			memcpy(out + len, answer, answer_len);
		while (off < len) {
			/* blocking is fine here: the benchmark client reads what it asked for */
			ssize_t w = send(fd, out + off, len - off, MSG_NOSIGNAL);

			if (w < 0 && errno == EAGAIN) {
				usleep(100);
				continue;
			}
			if (w <= 0)
				return -1;
			off += (size_t)w;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	FILE *f;
	int lfd, ep, one = 1;
	struct epoll_event ev = { .events = EPOLLIN };

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: whois_echo ANSWER-FILE\n");
		return 2;
	}
	answer_len = fread(answer, 1, sizeof(answer), f);
	fclose(f);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) < 0) {
		perror("whois_echo: listen");
		return 1;
	}
	printf("port %d\n", ntohs(sin.sin_port));
	fflush(stdout);
	ep = epoll_create1(0);
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (c < 0)
					continue;
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
			} else if (serve(fd) < 0) {
				close(fd);
			}
		}
	}
}
