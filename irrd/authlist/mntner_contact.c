/* Maintainers and their contacts, from the stored objects; see mntner_contact.h. */
#include "mntner_contact.h"

#include <stdlib.h>
#include <string.h>

#include "irr_limits.h"
#include "rpsl_object.h"
#include "rpsl_parse.h"
#include "strbuf.h"
#include "xalloc.h"

/* Our object cls/pkey parsed, or NULL when it is not there (or the store failed: *err). */
static struct rpsl_object *stored_object(struct store *st, const struct config *cfg, const char *cls,
					 const char *pkey, char **err)
{
	struct rpsl_object *o;
	char *text = NULL;
	int found = store_get_object_text(st, cfg->source, cls, pkey, &text, err);

	if (found != 1)
		return NULL;
	o = rpsl_parse_object(text, strlen(text), 1, RPSL_TOLERANT);
	free(text);
	return o;
}

/* Appends the values of every `attr` attribute of o, space separated. */
static void append_values(const struct rpsl_object *o, const char *attr, struct strbuf *to)
{
	for (size_t i = 0; o != NULL && i < o->attr_count; i++) {
		if (strcmp(o->attrs[i].name, attr) == 0)
			strbuf_printf(to, "%s%s", to->len ? " " : "", o->attrs[i].value);
	}
}

char *mntner_upd_to(struct store *st, const struct config *cfg, const char *mntner)
{
	char *err = NULL;
	struct rpsl_object *o = stored_object(st, cfg, "mntner", mntner, &err);
	struct strbuf to;

	free(err);
	if (o == NULL)
		return NULL;
	strbuf_init(&to);
	append_values(o, "upd-to", &to);
	rpsl_object_free(o);
	return strbuf_detach(&to, NULL);
}

char *mntner_notify_contacts(struct store *st, const struct config *cfg, const char *mntner)
{
	char handles[2 * MAX_ROUTE_MNTNERS][MAX_PRIMARY_KEY_LENGTH], *err = NULL;
	struct rpsl_object *o = stored_object(st, cfg, "mntner", mntner, &err);
	struct strbuf to;
	size_t n;

	free(err);
	if (o == NULL)
		return NULL;
	strbuf_init(&to);
	append_values(o, "mnt-nfy", &to);
	n = rpsl_object_list_items(o, "admin-c", handles, MAX_ROUTE_MNTNERS);
	n += rpsl_object_list_items(o, "tech-c", handles + n, MAX_ROUTE_MNTNERS);
	for (size_t i = 0; i < n; i++) {
		struct rpsl_object *contact = stored_object(st, cfg, "person", handles[i], &err);

		if (contact == NULL && err == NULL)
			contact = stored_object(st, cfg, "role", handles[i], &err);
		free(err);
		err = NULL;
		append_values(contact, "e-mail", &to);
		rpsl_object_free(contact);
	}
	if (to.len == 0)
		append_values(o, "upd-to", &to);
	rpsl_object_free(o);
	return strbuf_detach(&to, NULL);
}

int object_mntners(struct store *st, const struct config *cfg, const char *cls, const char *pkey, char ***out,
		   size_t *count, char **err)
{
	char names[MAX_ROUTE_MNTNERS][MAX_PRIMARY_KEY_LENGTH];
	struct rpsl_object *o = stored_object(st, cfg, cls, pkey, err);
	size_t n;

	*out = NULL;
	*count = 0;
	if (o == NULL)
		return *err != NULL ? -1 : 0;
	n = rpsl_object_list_items(o, "mnt-by", names, MAX_ROUTE_MNTNERS);
	rpsl_object_free(o);
	if (n == 0)
		return 0;
	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		bool is_repeat = false;

		for (size_t k = 0; k < *count && !is_repeat; k++)
			is_repeat = strcmp((*out)[k], names[i]) == 0;
		if (!is_repeat)
			(*out)[(*count)++] = xstrdup(names[i]);
	}
	return 0;
}
