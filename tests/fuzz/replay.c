/*
 * Replays a fuzz corpus through a target without libFuzzer, so `make check` runs every
 * corpus file under ASan/UBSan with gcc (SQLite's fuzzcheck idea).
 *   usage: fuzz_X_replay DIR|FILE...
 * Prints one "ok - ARG: N inputs" line per argument; a crash or sanitizer report
 * fails the run (the driver never gets to print its line).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (f == NULL) {
		printf("not ok - %s: cannot open\n", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		printf("not ok - %s: cannot read\n", path);
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int failures = 0, files = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;

		int before = files, failed_before = failures;

		if (stat(argv[i], &sb) == 0 && !S_ISDIR(sb.st_mode)) {
			failures += replay_file(argv[i]);
			files++;
			printf("%s - %s: 1 input\n", failures > failed_before ? "not ok" : "ok", argv[i]);
			continue;
		}
		d = opendir(argv[i]);
		if (d == NULL) {
			printf("not ok - %s: cannot open corpus\n", argv[i]);
			failures++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
			snprintf(names[n], strlen(argv[i]) + strlen(e->d_name) + 2, "%s/%s", argv[i], e->d_name);
			n++;
		}
		closedir(d);
		qsort(names, n, sizeof(*names), compare_names);
		for (size_t k = 0; k < n; k++) {
			failures += replay_file(names[k]);
			files++;
			free(names[k]);
		}
		free(names);
		printf("%s - %s: %d inputs replayed\n", failures > failed_before ? "not ok" : "ok", argv[i],
		       files - before);
	}
	if (files == 0) {
		printf("not ok - empty corpus\n");
		return 1;
	}
	return failures ? 1 : 0;
}
