/* Configuration files: keys, defaults, comments, and errors naming file, line and key. */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "testlib.h"

static char dir[] = "/tmp/routereg-config-XXXXXX";

/* Writes text to DIR/name.conf and loads it; returns the error (caller frees) or NULL. */
static char *load(const char *name, const char *text, struct config **out)
{
	char path[256];
	char *err = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	*out = NULL;
	if (config_load(path, out, &err) < 0)
		return err;
	return NULL;
}

static int error_mentions(const char *name, const char *text, const char *needle)
{
	struct config *cfg;
	char *err = load(name, text, &cfg);
	int ok = err != NULL && strstr(err, needle) != NULL;

	if (!ok)
		printf("#   error was: %s\n", err ? err : "(none)");
	free(err);
	config_free(cfg);
	return ok;
}

int main(void)
{
	struct config *cfg;
	char *err;

	if (mkdtemp(dir) == NULL)
		return 1;
	err = load("good", "# comment\n\ndatabase = /var/lib/routereg/irr.db   # trailing comment\n"
			   "source = jpirr\nwhois.listen = 127.0.0.1:4343, [::1]:4343\nlog.level = debug\n",
		   &cfg);
	CHECK(err == NULL, "valid file loads");
	if (cfg != NULL) {
		CHECK_STR(cfg->database, "/var/lib/routereg/irr.db", "value with trailing comment");
		CHECK_STR(cfg->source, "JPIRR", "source upper-cased");
		CHECK(cfg->whois_listen_count == 2, "two listen addresses");
		CHECK_STR(cfg->whois_listen[1].text, "[::1]:4343", "IPv6 listen address");
		CHECK(cfg->log_level == LOG_LEVEL_DEBUG, "log level");
	}
	config_free(cfg);
	free(err);

	err = load("defaults", "database = irr.db\nsource = TEST\n", &cfg);
	CHECK(err == NULL && cfg->whois_listen_count == 1 &&
		      strcmp(cfg->whois_listen[0].text, "127.0.0.1:4343") == 0,
	      "whois.listen defaults to 127.0.0.1:4343");
	CHECK(cfg != NULL && strncmp(cfg->database, dir, strlen(dir)) == 0,
	      "relative database path is relative to the configuration file");
	config_free(cfg);
	free(err);

	CHECK(error_mentions("unknown", "database = x\nsource = X\nfrobnicate = 1\n", "unknown.conf:3: frobnicate: unknown key"),
	      "unknown key names file, line and key");
	CHECK(error_mentions("badsrc", "database = x\nsource = 9bad!\n", "badsrc.conf:2: source:"),
	      "bad source value names file, line and key");
	CHECK(error_mentions("badport", "database = x\nsource = X\nwhois.listen = 127.0.0.1:99999\n",
			     "whois.listen: port must be a number"),
	      "bad port");
	CHECK(error_mentions("badhost", "database = x\nsource = X\nwhois.listen = localhost:43\n",
			     "not an IPv4 address"),
	      "host names refused for listen addresses");
	CHECK(error_mentions("missing", "source = X\n", "database: required key is missing"),
	      "missing required key");
	CHECK(error_mentions("twice", "database = x\ndatabase = y\nsource = X\n", "twice.conf:2: database: key given twice"),
	      "duplicate key");
	CHECK(error_mentions("noeq", "database x\n", "noeq.conf:1: expected \"key = value\""), "line without =");
	err = load("whois", "database = x\nsource = X\nsources.default = jpirr, RADB\nwhois.idle_timeout = 5\n"
			    "whois.max_connections = 100\nwhois.max_connections_per_address = 7\n", &cfg);
	CHECK(err == NULL && cfg->sources_default_count == 2 && strcmp(cfg->sources_default[0], "JPIRR") == 0 &&
		      cfg->whois_idle_timeout == 5 && cfg->whois_max_connections == 100 &&
		      cfg->whois_max_connections_per_address == 7,
	      "whois keys and the default source order");
	config_free(cfg);
	free(err);
	err = load("whoisdefaults", "database = x\nsource = X\n", &cfg);
	CHECK(err == NULL && cfg->sources_default_count == 0 && cfg->whois_idle_timeout == 30 &&
		      cfg->whois_max_connections == 4096 && cfg->whois_max_connections_per_address == 64,
	      "whois defaults: all sources, 30 s, 4096, 64");
	config_free(cfg);
	free(err);
	CHECK(error_mentions("timeout", "database = x\nsource = X\nwhois.idle_timeout = 0\n",
			     "whois.idle_timeout: must be 1 to 86400 seconds"),
	      "idle timeout out of range");
	CHECK(error_mentions("srcdef", "database = x\nsource = X\nsources.default = JPIRR,,RADB\n",
			     "sources.default: must be a comma-separated list"),
	      "empty item in sources.default");
	CHECK(error_mentions("level", "database = x\nsource = X\nlog.level = loud\n", "log.level: must be"),
	      "bad log level");
	err = NULL;
	CHECK(config_load("/nonexistent/routereg.conf", &cfg, &err) < 0 && err && strstr(err, "No such file"),
	      "missing file reported");
	free(err);
	/* RPKI, mirroring and NRTM keys (issues 15, 16) */
	CHECK(error_mentions("rtr-port", "database = x.db\nsource = X\nrpki.rtr_cache = 127.0.0.1:99999\n", "port 1 to 65535"),
	      "rpki.rtr_cache with a port past 65535 is refused");
	CHECK(error_mentions("rtr-abc", "database = x.db\nsource = X\nrpki.rtr_cache = 127.0.0.1:abc\n", "port 1 to 65535"),
	      "rpki.rtr_cache with a port that is no number is refused");
	CHECK(error_mentions("slurm-alone", "database = x.db\nsource = X\nrpki.slurm_file = s.json\n",
			     "rpki.slurm_file: applies on top of VRPs"),
	      "rpki.slurm_file without a VRP source is refused");
	CHECK(error_mentions("rpki-source", "database = x.db\nsource = rpki\n", "pseudo-source"),
	      "source = RPKI is refused");
	CHECK(error_mentions("policy", "database = x.db\nsource = X\nwhois.listen = 127.0.0.1:43 lax\n", "route policy"),
	      "a listener with an unknown policy word is refused");
	err = load("listen-policy", "database = x.db\nsource = X\nwhois.listen = 127.0.0.1:43, 127.0.0.1:4303 strict\n"
				    "nrtm.access = 192.0.2.0/24, JPIRR:2001:db8::/32, ::1\n"
				    "mirror.radb.nrtm = whois.radb.net:43\nmirror.RADB.interval = 60\n",
		   &cfg);
	CHECK(err == NULL && cfg->whois_listen_count == 2 && !cfg->whois_listen[0].has_policy &&
		      cfg->whois_listen[1].has_policy && cfg->whois_listen[1].policy == ROUTE_POLICY_STRICT,
	      "a listener with a policy word");
	CHECK(err == NULL && cfg->nrtm_access_count == 3 && cfg->nrtm_access[0].source[0] == '\0' &&
		      strcmp(cfg->nrtm_access[1].source, "JPIRR") == 0 && cfg->nrtm_access[1].prefix.family == 6 &&
		      cfg->nrtm_access[2].prefix.length == 128,
	      "nrtm.access: for all, for one source (IPv6 after the colon), an address");
	CHECK(err == NULL && cfg->mirror_count == 1 && strcmp(cfg->mirrors[0].source, "RADB") == 0 &&
		      cfg->mirrors[0].interval == 60 && strcmp(cfg->mirrors[0].nrtm, "whois.radb.net:43") == 0,
	      "mirror.SOURCE.* keys, any case, gathered per source");
	config_free(cfg);
	free(err);
	CHECK(error_mentions("mirror-key", "database = x.db\nsource = X\nmirror.RADB.nrtmhost = a:1\n", "mirror keys are"),
	      "an unknown mirror key is refused, naming the keys");
	CHECK(error_mentions("mirror-ours", "database = x.db\nsource = X\nmirror.X.nrtm = a:1\n", "cannot be mirrored"),
	      "our own source cannot be mirrored");
	CHECK(error_mentions("nrtm-access", "database = x.db\nsource = X\nnrtm.access = nonsense\n", "address prefix"),
	      "a bad nrtm.access entry is refused");
	return TEST_DONE();
}
