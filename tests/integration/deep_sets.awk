# Generates a chain of N nested sets for the deep-set tests (issue 12, defect 17:
# sets nested deeper than 32 levels must expand fully). Each set holds one member of
# its own and the next set of the chain, so NAME-0 is N levels deep.
#   KIND=as:    as-set NAME-i with members AS<ASBASE+i> and NAME-<i+1>, and a route
#               OCTET.x.y.0/24 originated by that AS for every EVERY-th set and the last
#   KIND=route: route-set NAME-i with members OCTET.x.y.0/24 and NAME-<i+1>
#   awk -v KIND=as -v NAME=AS-CHAIN -v N=200 -v ASBASE=100000 -v OCTET=10 -v EVERY=1 \
#       -v SRC=DEEP -f tests/integration/deep_sets.awk
BEGIN {
	if (EVERY == "")
		EVERY = 1
	for (i = 0; i < N; i++) {
		nested = i + 1 < N ? ", " NAME "-" (i + 1) : ""
		prefix = OCTET "." (int(i / 256) % 256) "." (i % 256) ".0/24"
		if (KIND == "as") {
			printf "as-set: %s-%d\nmembers: AS%d%s\nadmin-c: DS1-TEST\ntech-c: DS1-TEST\nmnt-by: MAINT-DEEP\nsource: %s\n\n",
			       NAME, i, ASBASE + i, nested, SRC
			if (i % EVERY == 0 || i == N - 1)
				printf "route: %s\norigin: AS%d\nmnt-by: MAINT-DEEP\nsource: %s\n\n", prefix, ASBASE + i, SRC
		} else {
			printf "route-set: %s-%d\nmembers: %s%s\nadmin-c: DS1-TEST\ntech-c: DS1-TEST\nmnt-by: MAINT-DEEP\nsource: %s\n\n",
			       NAME, i, prefix, nested, SRC
		}
	}
}
