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

# After a command that wrote $WORK/report and its exit status to $WORK/rc (irrctl submit):
rc_is() { test "$(cat "$WORK/rc")" = "$1"; }
says() { grep -qF -- "$1" "$WORK/report"; }
lacks() { ! grep -qF -- "$1" "$WORK/report"; }
# submit_with CONF [irrctl submit options] < TEXT
submit_with() {
	conf=$1
	shift
	"$BIN/irrctl" -c "$conf" submit "$@" >"$WORK/report" 2>&1
	echo $? >"$WORK/rc"
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

# start_irrd CONF LOG: starts irrd in the background, waits until it is ready and
# sets IRRD_PID and PORT (the first whois listener's port, from the log; configs
# in tests use port 0 so the kernel picks a free one).
start_irrd() {
	"$BIN/irrd" -c "$1" >"$2" 2>&1 &
	IRRD_PID=$!
	PIDS="$PIDS $IRRD_PID"
	i=0
	while ! grep -q "ready" "$2" 2>/dev/null && [ $i -lt 600 ]; do
		kill -0 $IRRD_PID 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(sed -n 's/.*whois: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$2" | head -n 1)
	[ -n "$PORT" ]
}

# whois_raw 'BYTES' : sends BYTES (printf format) to the server and prints the raw answer.
whois_raw() {
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1; printf -- "$1" >&3; timeout "$2" cat <&3' _ "$1" "${WHOIS_TIMEOUT:-10}"
}

# stop_irrd NAME: SIGTERM, then checks the exit status (0; under the sanitizer build
# LeakSanitizer turns a leak into a non-zero status, so this also checks for leaks).
stop_irrd() {
	kill -TERM "$IRRD_PID" 2>/dev/null
	wait "$IRRD_PID"
	status=$?
	PIDS=$(echo "$PIDS" | sed "s/\b$IRRD_PID\b//")
	if [ $status -eq 0 ]; then ok "$1: irrd exits 0 (no leaks)"; else
		not_ok "$1: irrd exit status $status"; tail -n 30 "${2:-/dev/null}" | sed 's/^/#   /'
	fi
}

# vrp_json "PREFIX MAXLEN ASN" ...: an rpki-client JSON VRP file (-j) on stdout.
vrp_json() {
	printf '{\n  "metadata": { "buildtime": "2026-12-02T00:00:00Z" },\n  "roas": ['
	sep=""
	for v in "$@"; do
		set -- $v
		printf '%s\n    { "asn": %s, "prefix": "%s", "maxLength": %s, "ta": "test", "expires": 1893456000 }' \
			"$sep" "$3" "$1" "$2"
		sep=","
	done
	printf '\n  ]\n}\n'
}

# start_stayrtr VRP-FILE: stayrtr (a real RTR cache) serving the JSON file on a free port
# of 127.0.0.1, re-reading it every second; sets RTR_PORT and STAYRTR (its pid, in PIDS).
# Returns 1 (with the reason on stdout) when it cannot start.
start_stayrtr() {
	RTR_PORT=$((20000 + $$ % 30000))
	tries=0
	while :; do
		stayrtr -bind "127.0.0.1:$RTR_PORT" -cache "$1" -refresh 1 -checktime=false -metrics.addr "" \
			>>"$WORK/stayrtr.log" 2>&1 &
		STAYRTR=$!
		i=0
		while [ $i -lt 50 ] && kill -0 $STAYRTR 2>/dev/null &&
			! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RTR_PORT" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 $STAYRTR 2>/dev/null && break
		tries=$((tries + 1))
		if [ $tries -ge 20 ]; then
			echo "stayrtr did not start: $(tail -n 1 "$WORK/stayrtr.log")"
			return 1
		fi
		RTR_PORT=$((RTR_PORT + 1))
	done
	PIDS="$PIDS $STAYRTR"
}
