/* RPSL object storage and the arena behind it; see rpsl_object.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpsl_object.h"
#include "asn.h"
#include "xalloc.h"

#define ARENA_CHUNK_SIZE 4096

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t aligned = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);

	if (c == NULL || c->size - c->used < aligned) {
		size_t chunk = aligned > ARENA_CHUNK_SIZE ? aligned : ARENA_CHUNK_SIZE;

		c = xmalloc(sizeof(*c) + chunk);
		c->used = 0;
		c->size = chunk;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += aligned;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_release(struct arena *a)
{
	while (a->head != NULL) {
		struct arena_chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

struct rpsl_object *rpsl_object_new(void)
{
	return xcalloc(1, sizeof(struct rpsl_object));
}

void rpsl_object_free(struct rpsl_object *obj)
{
	if (obj == NULL)
		return;
	free(obj->attrs);
	free(obj->messages);
	arena_release(&obj->arena);
	free(obj);
}

struct rpsl_attr *rpsl_object_add_attr(struct rpsl_object *obj, const char *name, const char *text,
				       const char *value, uint32_t line)
{
	struct rpsl_attr *attr;

	obj->attrs = xgrow(obj->attrs, &obj->attr_capacity, obj->attr_count + 1, sizeof(*obj->attrs));
	attr = &obj->attrs[obj->attr_count++];
	attr->name = arena_strndup(&obj->arena, name, strlen(name));
	attr->text = arena_strndup(&obj->arena, text, strlen(text));
	attr->value = value == text ? attr->text : arena_strndup(&obj->arena, value, strlen(value));
	attr->line = line;
	attr->def = NULL;
	return attr;
}

void rpsl_object_message(struct rpsl_object *obj, enum rpsl_severity sev, uint32_t line,
			 const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	obj->messages = xgrow(obj->messages, &obj->message_capacity, obj->message_count + 1,
			      sizeof(*obj->messages));
	obj->messages[obj->message_count].severity = sev;
	obj->messages[obj->message_count].line = line;
	obj->messages[obj->message_count].text = arena_strndup(&obj->arena, buf, (size_t)n);
	obj->message_count++;
}

bool rpsl_object_has_errors(const struct rpsl_object *obj)
{
	for (size_t i = 0; i < obj->message_count; i++) {
		if (obj->messages[i].severity == RPSL_ERROR)
			return true;
	}
	return false;
}

const struct rpsl_attr *rpsl_object_get(const struct rpsl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->attr_count; i++) {
		if (strcmp(obj->attrs[i].name, name) == 0)
			return &obj->attrs[i];
	}
	return NULL;
}

size_t rpsl_object_list_items(const struct rpsl_object *o, const char *attr, char items[][MAX_PRIMARY_KEY_LENGTH],
			      size_t max)
{
	size_t n = 0;

	for (size_t i = 0; o != NULL && i < o->attr_count; i++) {
		const char *v = o->attrs[i].value;

		if (strcmp(o->attrs[i].name, attr) != 0)
			continue;
		while (*v && n < max) {
			size_t len = strcspn(v, ",");
			const char *s = v;

			while (len > 0 && *s == ' ')
				s++, len--;
			while (len > 0 && s[len - 1] == ' ')
				len--;
			if (len > 0 && len < MAX_PRIMARY_KEY_LENGTH) {
				for (size_t k = 0; k < len; k++)
					items[n][k] = (char)toupper((unsigned char)s[k]);
				items[n][len] = '\0';
				n++;
			}
			v += strcspn(v, ",");
			if (*v == ',')
				v++;
		}
	}
	return n;
}

bool rpsl_route_key_prefix(const char *pkey, struct prefix *out)
{
	const char *as = strrchr(pkey, 'A');
	const char *err;

	/* The key is PREFIX + "AS" + digits; the last 'A' starts the origin. */
	if (as == NULL || as == pkey || (as[1] != 'S' && as[1] != 's'))
		return false;
	return prefix_parse(pkey, (size_t)(as - pkey), 0, out, &err) == 0;
}

bool rpsl_route_key(const char *pkey, struct prefix *p, uint32_t *asn)
{
	const char *as = strrchr(pkey, 'A'), *err;

	return rpsl_route_key_prefix(pkey, p) && as != NULL && asn_parse(as, strlen(as), true, asn, &err) == 0;
}
