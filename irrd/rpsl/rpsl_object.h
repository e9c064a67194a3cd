/*
 * A parsed RPSL object. All strings live in the object's arena, so one
 * rpsl_object_free releases everything. Produced by rpsl_parse_object, rendered by
 * rpsl_render; the store indexes the typed fields (pkey, prefix, range, origin).
 */
#ifndef IRRD_RPSL_OBJECT_H
#define IRRD_RPSL_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irr_limits.h"
#include "prefix.h"
#include "rpsl_schema.h"

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_release(struct arena *a);

struct rpsl_attr {
	const char *name;   /* lower case */
	const char *text;   /* value as laid out: continuation lines joined with '\n', comments kept */
	const char *value;  /* cleaned: comments removed, lines joined with one space, trimmed */
	uint32_t line;      /* line of the attribute name in the input */
	const struct rpsl_attr_def *def; /* NULL for an attribute the class does not know */
};

enum rpsl_severity { RPSL_INFO, RPSL_WARNING, RPSL_ERROR };

struct rpsl_message {
	enum rpsl_severity severity;
	uint32_t line;      /* 0 when the message is about the whole object */
	const char *text;
};

struct rpsl_object {
	const struct rpsl_class *cls;
	struct rpsl_attr *attrs;
	size_t attr_count, attr_capacity;
	struct rpsl_message *messages;
	size_t message_count, message_capacity;
	uint32_t first_line;
	const char *pkey;       /* canonical primary key, upper case (lookup form) */
	const char *source;     /* upper case; NULL when absent */
	/* Typed key data for the indexes. */
	bool has_prefix;        /* route, route6, inet6num */
	struct prefix prefix;
	bool has_range;         /* inetnum, inet6num, route, route6 */
	struct addr_range range;
	bool has_origin;        /* route, route6 */
	uint32_t origin;
	struct arena arena;
};

/* Allocates an empty object; free with rpsl_object_free. */
struct rpsl_object *rpsl_object_new(void);
void rpsl_object_free(struct rpsl_object *obj);

/* Appends an attribute; strings are copied into the arena. Returns the new attribute. */
struct rpsl_attr *rpsl_object_add_attr(struct rpsl_object *obj, const char *name, const char *text,
				       const char *value, uint32_t line);
/* Records a message (printf-style) against the object. */
void rpsl_object_message(struct rpsl_object *obj, enum rpsl_severity sev, uint32_t line,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool rpsl_object_has_errors(const struct rpsl_object *obj);
/* First attribute named `name` (lower case), or NULL. */
const struct rpsl_attr *rpsl_object_get(const struct rpsl_object *obj, const char *name);
/*
 * The items of the comma lists of every attribute `attr` (mnt-by, member-of, ...),
 * trimmed and upper-cased, at most max. o may be NULL. Returns how many.
 */
size_t rpsl_object_list_items(const struct rpsl_object *o, const char *attr, char items[][MAX_PRIMARY_KEY_LENGTH],
			      size_t max);

/* The prefix of a route/route6 primary key ("192.0.2.0/24AS1" -> 192.0.2.0/24). */
bool rpsl_route_key_prefix(const char *pkey, struct prefix *out);
/* ... and its origin. */
bool rpsl_route_key(const char *pkey, struct prefix *p, uint32_t *asn);
#endif
