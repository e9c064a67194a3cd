/* !J: the status of the sources; see whois_status.h. */
#include "whois_status.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mirror_state.h"
#include "timefmt.h"
#include "whois_rpki.h"
#include "xalloc.h"

static json_t *time_or_null(int64_t t)
{
	char text[TIMEFMT_UTC_SIZE];

	if (t <= 0)
		return json_null();
	timefmt_utc((time_t)t, text);
	return json_string(text);
}

static json_t *serial_or_null(int64_t serial)
{
	return serial > 0 ? json_integer((json_int_t)serial) : json_null();
}

static const struct mirror_config *mirror_of(const struct config *cfg, const char *source)
{
	for (size_t i = 0; i < cfg->mirror_count; i++)
		if (strcasecmp(cfg->mirrors[i].source, source) == 0)
			return &cfg->mirrors[i];
	return NULL;
}

static json_t *source_json(const struct query_context *ctx, const char *name)
{
	const struct mirror_config *m = mirror_of(ctx->cfg, name);
	bool is_ours = strcasecmp(name, ctx->cfg->source) == 0;
	struct store_source_info info;
	struct whois_session plain;   /* a connection on a listener without a policy: what !J reports */
	json_t *o = json_object();
	char *err = NULL;

	whois_session_init(&plain, ctx);

	if (store_source_get(ctx->st, name, &info, &err) != 1) {
		free(err);
		json_object_set_new(o, "error", json_string("cannot read the source's status"));
		return o;
	}
	json_object_set_new(o, "source_type", json_string(is_ours ? "authoritative" : m != NULL ? "mirror" : "loaded"));
	json_object_set_new(o, "authoritative", json_boolean(is_ours));
	json_object_set_new(o, "objects", json_integer((json_int_t)info.object_count));
	json_object_set_new(o, "local_journal_kept", json_true());
	json_object_set_new(o, "serial_oldest_journal", serial_or_null(info.serial_oldest));
	json_object_set_new(o, "serial_newest_journal", serial_or_null(info.serial_newest));
	json_object_set_new(o, "rpki_rov_filter", json_boolean(whois_rpki_filters(ctx, &plain, name)));
	if (m != NULL) {
		struct mirror_state state;

		if (mirror_state_read(ctx->st, m->source, &state, &err) == 0) {
			json_object_set_new(o, "serial_newest_mirror", serial_or_null(state.serial));
			json_object_set_new(o, "last_update", time_or_null(state.last_success));
			json_object_set_new(o, "last_progress", time_or_null(state.last_progress));
			json_object_set_new(o, "last_error", state.last_error[0] ? json_string(state.last_error) : json_null());
			json_object_set_new(o, "last_error_timestamp", time_or_null(state.last_error_at));
			json_object_set_new(o, "stalled", json_boolean(mirror_is_stalled(m, &state, time(NULL))));
		}
		free(err);
	}
	return o;
}

json_t *whois_status_json(const struct query_context *ctx, const char *arg, char **err)
{
	struct query_sources srcs;
	json_t *all;

	if (arg[0] == '\0' || strcmp(arg, "-*") == 0) {
		if (query_sources_all(ctx, &srcs) < 0) {
			*err = xstrdup("internal error reading sources");
			return NULL;
		}
	} else {
		char unknown[MAX_SOURCE_NAME_LENGTH + 1];
		int rc = query_parse_sources(ctx, arg, &srcs, unknown);

		if (rc < 0) {
			*err = rc == -2 ? xasprintf("Unknown source %s", unknown) : xstrdup("Invalid source list");
			return NULL;
		}
	}
	all = json_object();
	for (size_t i = 0; i < srcs.count; i++)
		if (srcs.items[i].id != QUERY_SOURCE_RPKI_ID)
			json_object_set_new(all, srcs.items[i].name, source_json(ctx, srcs.items[i].name));
	return all;
}
