/*
 * Logging to stderr with a timestamp and level. Client mistakes are logged with
 * log_warn (sanitised by the caller); fatal() is only for broken invariants.
 */
#ifndef IRRD_LOG_H
#define IRRD_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

void log_set_level(enum log_level level);
/* Parses "debug", "info", "warning", "error"; returns 0 or -1. */
int log_parse_level(const char *name, enum log_level *out);
void log_set_program(const char *name);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Formats the line log_error would write (timestamp, program, "[error]", message)
 * into buf, without a newline, and returns its length (cut to fit size - 1 bytes).
 * For a message a process writes later with write(2) where it may not use stdio or
 * allocate: a child between fork and exec.
 */
size_t log_format_error(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
