/*
 * Running a helper command that reads its input on stdin (sendmail): through
 * /bin/sh -c, in its own process group, with a deadline. A command that does not
 * read, hangs, or outlives the deadline is killed (its whole process group) and
 * reported, never waited for forever; a command that exits without reading all its
 * input does not kill the caller with SIGPIPE.
 */
#ifndef IRRD_SUBPROCESS_H
#define IRRD_SUBPROCESS_H

#include <stddef.h>

/*
 * Runs `command` with data on its stdin and waits at most timeout_seconds for it to
 * take the data and exit. Returns its exit status (0..255), or -1 with *err (caller
 * frees) when it could not be started, was killed by a signal or ran out of time.
 */
int subprocess_feed(const char *command, const char *data, size_t len, unsigned timeout_seconds, char **err);

/*
 * Kills the process group of the command subprocess_feed is running now, if any.
 * Async-signal-safe: for a SIGTERM handler of a process that must not leave its
 * helper behind when it is stopped.
 */
void subprocess_kill_running(void);

#endif
