/* stderr logger shared by every program; see log.h. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "timefmt.h"

/* Read by worker threads while SIGHUP may change it. */
static _Atomic enum log_level current_level = LOG_LEVEL_INFO;
static const char *program_name = "routereg";

void log_set_level(enum log_level level)
{
	current_level = level;
}

void log_set_program(const char *name)
{
	program_name = name;
}

int log_parse_level(const char *name, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
		{ "debug", LOG_LEVEL_DEBUG }, { "info", LOG_LEVEL_INFO },
		{ "warning", LOG_LEVEL_WARN }, { "error", LOG_LEVEL_ERROR },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].level;
			return 0;
		}
	}
	return -1;
}

/* One line without its newline: "<stamp> <program>[<tag>] <message>", cut to fit. */
static size_t format_line(const char *tag, char *line, size_t size, const char *fmt, va_list ap)
{
	char stamp[TIMEFMT_UTC_SIZE];
	int n;

	if (size == 0)
		return 0;
	line[0] = '\0';
	timefmt_utc(time(NULL), stamp);
	n = snprintf(line, size, "%s %s[%s] ", stamp, program_name, tag);
	if (n > 0 && (size_t)n < size)
		vsnprintf(line + n, size - (size_t)n, fmt, ap);
	return strlen(line);
}

static void log_emit(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
	char line[4096];

	if (level < current_level)
		return;
	/* one line, one write: threads (whois workers) must not interleave their messages */
	format_line(tag, line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s\n", line);
}

size_t log_format_error(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_line("error", buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define LOG_FUNCTION(fn, level, tag)            \
	void fn(const char *fmt, ...)           \
	{                                       \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_emit(level, tag, fmt, ap);  \
		va_end(ap);                     \
	}

LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG, "debug")
LOG_FUNCTION(log_info, LOG_LEVEL_INFO, "info")
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN, "warning")
LOG_FUNCTION(log_error, LOG_LEVEL_ERROR, "error")

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, "fatal", fmt, ap);
	va_end(ap);
	abort();
}
