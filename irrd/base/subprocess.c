/* Helper commands fed on stdin, with a deadline; see subprocess.h. */
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* The helper running now (its process group), for subprocess_kill_running. */
static volatile sig_atomic_t running_group;

void subprocess_kill_running(void)
{
	pid_t group = (pid_t)running_group;

	if (group > 0)
		kill(-group, SIGKILL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes data into fd (non-blocking) until done, the reader closes, or the deadline. 0 done, -1 not. */
static int feed(int fd, const char *data, size_t len, long long deadline)
{
	while (len > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			return -1;
		n = write(fd, data, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return -1; /* EPIPE: the command exited without reading everything */
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Sleeps until the child exits or the deadline passes, without polling: a pidfd
 * (Linux 5.3) becomes readable when the process ends. Where there is none, returns at
 * once and the caller's short polling loop does the waiting.
 */
static void wait_for_exit(pid_t pid, long long deadline)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return;
	for (;;) {
		long long left = deadline - now_ms();
		int n;

		if (left <= 0)
			break;
		n = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (n > 0 || (n < 0 && errno != EINTR))
			break;
	}
	close(fd);
}

int subprocess_feed(const char *command, const char *data, size_t len, unsigned timeout_seconds, char **err)
{
	long long deadline = now_ms() + (long long)timeout_seconds * 1000;
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	int fds[2], status = 0;
	bool fed;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		*err = xasprintf("cannot run \"%s\": pipe: %s", command, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*err = xasprintf("cannot run \"%s\": fork: %s", command, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fds[0], STDIN_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid); /* both sides: whichever runs first */
	running_group = pid;
	close(fds[0]);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	/* a reader that goes away must cost an error, not the caller's life */
	sigaction(SIGPIPE, &ignore, &saved);
	fed = feed(fds[1], data, len, deadline) == 0;
	sigaction(SIGPIPE, &saved, NULL);
	close(fds[1]);
	wait_for_exit(pid, deadline);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			running_group = 0;
			break;
		}
		if (w < 0 && errno != EINTR) {
			running_group = 0;
			*err = xasprintf("\"%s\": waitpid: %s", command, strerror(errno));
			return -1;
		}
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			running_group = 0;
			*err = xasprintf("\"%s\" did not finish within %u seconds and was stopped", command, timeout_seconds);
			return -1;
		}
		usleep(1000);
	}
	if (WIFSIGNALED(status)) {
		*err = xasprintf("\"%s\" was killed by signal %d", command, WTERMSIG(status));
		return -1;
	}
	if (!fed && WEXITSTATUS(status) == 0) {
		*err = xasprintf("\"%s\" exited without reading its input", command);
		return -1;
	}
	return WEXITSTATUS(status);
}
