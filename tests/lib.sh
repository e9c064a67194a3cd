# Shared helpers for integration tests (sourced). Each test prints TAP-style lines.
# Environment from tests/run: BIN (programs), TESTBIN (test helpers).
set -u
: "${BIN:=$(pwd)/build/san/bin}"
: "${TESTBIN:=$(pwd)/build/san/tests}"
REPO=$(pwd)
WORK=$(mktemp -d /tmp/routereg-test.XXXXXX)
trap 'cleanup_processes; rm -rf "$WORK"' EXIT
PIDS=""

cleanup_processes() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	return 0
}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check "name" command...: ok when the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# contains FILE TEXT: fixed-string search.
contains() { grep -qF -- "$2" "$1"; }

# write_config FILE DB SOURCE [extra lines...]
write_config() {
	f=$1 db=$2 src=$3
	shift 3
	{
		echo "database = $db"
		echo "source = $src"
		for line in "$@"; do echo "$line"; done
	} >"$f"
}

# count_objects CONF-DB SOURCE: objects of a source, read with the sqlite3 client.
count_objects() {
	sqlite3 "$1" "SELECT count(*) FROM objects o JOIN sources s ON s.id = o.source_id WHERE s.name = '$2'"
}
