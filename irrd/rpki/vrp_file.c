/*
 * VRP files: read whole, recognised by content (JSON starts with '{', CSV with the
 * "ASN," of its header), handed to the one parser of that format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "irr_limits.h"
#include "vrp_file.h"
#include "xalloc.h"

#define STRINGIFY(x) #x
#define NUMBER_TEXT(x) STRINGIFY(x)

int vrp_file_check_ta(const char *name, size_t len, const char **err)
{
	if (len == 0) {
		*err = "trust anchor name is empty";
		return -1;
	}
	if (len > MAX_TRUST_ANCHOR_NAME_LENGTH) {
		*err = "trust anchor name is longer than " NUMBER_TEXT(MAX_TRUST_ANCHOR_NAME_LENGTH) " characters";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c >= 0x7f || c == ',') {
			*err = "trust anchor name holds a comma, a control character or a non-ASCII byte";
			return -1;
		}
	}
	return 0;
}

int vrp_file_parse(const char *data, size_t len, const char *name, struct vrp_set **out, char **err)
{
	size_t i = 0;

	*out = NULL;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i == len) {
		*err = xasprintf("%s: file is empty", name);
		return -1;
	}
	if (data[i] == '{')
		return vrp_json_parse(data, len, name, out, err);
	if (i == 0 && len >= 4 && memcmp(data, "ASN,", 4) == 0)
		return vrp_csv_parse(data, len, name, out, err);
	*err = xasprintf("%s: not a VRP file: expected JSON from rpki-client -j or Routinator (an object with "
			 "\"roas\") or CSV from rpki-client -c (first line \"ASN,IP Prefix,Max Length,Trust Anchor,Expires\")",
			 name);
	return -1;
}

int vrp_file_load(const char *path, struct vrp_set **out, char **err)
{
	size_t len;
	char *data;
	int rc;

	*out = NULL;
	data = strbuf_read_regular_file(path, MAX_VRP_FILE_SIZE, &len);
	if (data == NULL) {
		if (errno == EFBIG)
			*err = xasprintf("%s: larger than %d MiB (MAX_VRP_FILE_SIZE)", path, MAX_VRP_FILE_SIZE / (1024 * 1024));
		else
			*err = xasprintf("%s: cannot read: %s", path, errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	rc = vrp_file_parse(data, len, path, out, err);
	free(data);
	return rc;
}
