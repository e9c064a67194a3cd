/* Fuzz target for the configuration parser: arbitrary bytes as a configuration file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct config *cfg = NULL;
	char *err = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/routereg-fuzz-config-%d.conf", (int)getpid());
	f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (config_load(path, &cfg, &err) == 0)
		config_free(cfg);
	free(err);
	unlink(path);
	return 0;
}
