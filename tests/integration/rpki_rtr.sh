# VRPs over RTR (RFC 8210 version 1, RFC 6810 version 0) through the RTR client of
# irrd/rpki (rtr_client.c, run by tests/tools/rtr_dump) against stayrtr serving
# rpki-client's JSON (tests/fixtures/rpki/), cross-checked with the VRP file loader and
# with RTRlib's own rtrclient; a VRP added and another withdrawn while running arrive
# as exactly that delta; the cache killed: the set stays, the status says so and the
# sync time stands still; the cache restarted with other VRPs: the client converges.
# Then rtr_cut_cache, a cache that breaks syncs off before End of Data and sends an
# invalid VRP: nothing of those syncs is applied, the message says why, and the next
# complete sync brings exactly the difference. Every wait is bounded. Skipped, with
# the reason, where stayrtr is not installed.
. tests/lib.sh

skip() { echo "ok - # SKIP RTR test: $1"; exit 0; }
command -v stayrtr >/dev/null 2>&1 || skip "stayrtr is not installed (sh scripts/deps.sh installs it)"
[ -x "$TESTBIN/rtr_dump" ] && [ -x "$TESTBIN/rtr_cut_cache" ] || skip "$TESTBIN/rtr_dump or rtr_cut_cache not built (make tests)"
FIXTURE=$REPO/tests/fixtures/rpki/rpki-client.json
export LC_ALL=C

# wait_for FILE PATTERN SECONDS: until an extended regex matches a line of FILE.
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_wait PID SECONDS: SIGTERM, then waits at most SECONDS for the exit (then SIGKILL);
# returns the exit status.
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -n "$st" ] && [ "${st#Z}" = "$st" ]
}
stop_wait() {
	kill -TERM "$1" 2>/dev/null
	i=0
	while alive "$1" && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1"
	rc=$?
	PIDS=$(echo "$PIDS" | sed "s/\b$1\b//")
	return $rc
}

# start_stayrtr FILE [FLAGS...]: stayrtr on 127.0.0.1 on a free port (PORT, or the next
# ones when taken), reloading FILE every second; sets STAYRTR_PID and PORT.
: "${PORT:=$((20000 + $$ % 30000))}"
start_stayrtr() {
	file=$1
	shift
	tries=0
	while [ $tries -lt 20 ]; do
		stayrtr -bind "127.0.0.1:$PORT" -cache "$file" -refresh 1 -checktime=false -metrics.addr "" "$@" \
			>>"$WORK/stayrtr.log" 2>&1 &
		STAYRTR_PID=$!
		PIDS="$PIDS $STAYRTR_PID"
		i=0
		while [ $i -lt 50 ]; do
			if ! kill -0 "$STAYRTR_PID" 2>/dev/null; then break; fi
			if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then return 0; fi
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$STAYRTR_PID" 2>/dev/null
		wait "$STAYRTR_PID" 2>/dev/null
		PORT=$((PORT + 1))
		tries=$((tries + 1))
	done
	return 1
}

stop_stayrtr() {
	kill -KILL "$STAYRTR_PID" 2>/dev/null
	wait "$STAYRTR_PID" 2>/dev/null
	PIDS=$(echo "$PIDS" | sed "s/\b$STAYRTR_PID\b//")
}

# vrps FILE: the VRPs of a VRP file, read by our loader, one "prefix-maxLength ASn" a line, sorted.
vrps() { "$TESTBIN/rtr_dump" -l "$1" | sort; }
# set_of FILE [MARK]: the VRP lines rtr_dump printed (with MARK: "= " for the final set), sorted.
set_of() { grep -E "^${2:-}[0-9a-f:.]+/[0-9]+-[0-9]+ AS[0-9]+$" "$1" | sed "s/^${2:-}//" | sort; }
# delta_of FILE N SIGN: the VRPs of the N-th delta rtr_dump printed with SIGN (+ or -), sorted.
delta_of() { awk -v n="$2" -v s="$3" '/^# delta/ { k++; next } k == n - 1 && $1 == s { print $2, $3 }' "$1" | sort; }
# expect_delta OLD NEW SIGN: what a delta from file OLD to file NEW holds with SIGN.
expect_delta() {
	vrps "$1" >"$WORK/old.set"
	vrps "$2" >"$WORK/new.set"
	if [ "$3" = + ]; then comm -13 "$WORK/old.set" "$WORK/new.set"; else comm -23 "$WORK/old.set" "$WORK/new.set"; fi
}
# field FILE NAME: NAME=value of the last "# status" line of FILE.
field() { grep '^# status' "$1" | tail -n 1 | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }

# ---- (a) The whole set: stayrtr == our VRP file loader == rtrclient.
vrps "$FIXTURE" >"$WORK/json.set"
check "loader: rpki-client's JSON has 11 VRPs" test "$(wc -l <"$WORK/json.set")" -eq 11
cp "$FIXTURE" "$WORK/vrps.json"
if ! start_stayrtr "$WORK/vrps.json"; then
	not_ok "stayrtr starts on 127.0.0.1"
	tail -n 20 "$WORK/stayrtr.log" | sed 's/^/#   /'
	exit 1
fi
ok "stayrtr serves rpki-client's JSON on 127.0.0.1:$PORT"

timeout -k 5 30 "$TESTBIN/rtr_dump" -w 15 127.0.0.1 "$PORT" >"$WORK/first.out" 2>"$WORK/first.err"
status=$?
check "rtr_dump: first sync within 15 s, version 1, 11 VRPs" grep -q '^# synced serial=.* version=1 count=11$' "$WORK/first.out"
check "rtr_dump: exit 0 (RTRlib's thread stopped, no leaks under ASan) (status $status)" test $status -eq 0
set_of "$WORK/first.out" >"$WORK/rtr.set"
check "RTR set equals the JSON's VRPs (our loader)" cmp -s "$WORK/rtr.set" "$WORK/json.set"
check "rtr_dump prints the set sorted in set order (IPv4, then IPv6)" \
	test "$(grep -E '^[0-9a-f]' "$WORK/first.out" | head -n 1)" = "192.0.2.0/24-24 AS64496"

if command -v rtrclient >/dev/null 2>&1; then
	# rtrclient -e prints "192.0.2.0/24-24 AS 64496", ASNs above 2^31 as negative numbers.
	timeout -k 5 20 rtrclient -e tcp 127.0.0.1 "$PORT" >"$WORK/rtrclient.out" 2>"$WORK/rtrclient.err"
	awk '$2 == "AS" && $1 ~ /\/[0-9]+-[0-9]+$/ { a = $3; if (a < 0) a += 4294967296; printf "%s AS%.0f\n", $1, a }' \
		"$WORK/rtrclient.out" | sort >"$WORK/rtrclient.set"
	check "RTR set equals what RTRlib's rtrclient prints for the same cache" cmp -s "$WORK/rtr.set" "$WORK/rtrclient.set"
else
	ok "# SKIP rtrclient (rtr-tools) is not installed"
fi

# No cache at all: no set, the status says why, the wait is bounded, the thread stops cleanly.
timeout -k 5 30 "$TESTBIN/rtr_dump" -w 3 127.0.0.1 1 >"$WORK/none.out" 2>"$WORK/none.err"
status=$?
check "no cache: rtr_dump gives up after its 3 s with status 2 (status $status)" test $status -eq 2
check "no cache: the status says it cannot connect and holds no set" \
	grep -q '^# status connected=0 synced=0 .* count=0 .*error="RTR cache 127.0.0.1:1: cannot connect (retrying every 1 s); there is no set from it yet"' "$WORK/none.out"

# ---- (d) Version 0 (RFC 6810): forced in our client, and a cache that only speaks 0.
timeout -k 5 30 "$TESTBIN/rtr_dump" -0 -w 15 127.0.0.1 "$PORT" >"$WORK/v0.out" 2>/dev/null
status=$?
check "version 0 forced: synced with version=0, exit 0 (status $status)" \
	test $status -eq 0 -a -n "$(grep '^# synced .* version=0 count=11$' "$WORK/v0.out")"
set_of "$WORK/v0.out" >"$WORK/v0.set"
check "version 0 forced: the same set" cmp -s "$WORK/v0.set" "$WORK/json.set"

# ---- (b) A VRP added and another withdrawn while running: exactly that delta, in seconds.
# In the background without `timeout`: rtr_dump bounds its own time (-w, -f), and gets one SIGTERM.
"$TESTBIN/rtr_dump" -f 90 -w 15 127.0.0.1 "$PORT" >"$WORK/follow.out" 2>"$WORK/follow.err" &
FOLLOW_PID=$!
PIDS="$PIDS $FOLLOW_PID"
check "follow: first sync" wait_for "$WORK/follow.out" '^# synced ' 20
sed -e '/"2001:db8:1000::\/36"/d' \
	-e '/"prefix": "192.0.2.0\/25"/a\
		{ "asn": 64511, "prefix": "198.51.100.64/26", "maxLength": 26, "ta": "local", "expires": 1796304919 },' \
	"$FIXTURE" >"$WORK/vrps2.tmp"
check "the new JSON differs by one VRP added and one withdrawn" \
	test "$(expect_delta "$FIXTURE" "$WORK/vrps2.tmp" +)/$(expect_delta "$FIXTURE" "$WORK/vrps2.tmp" -)" = \
	"198.51.100.64/26-26 AS64511/2001:db8:1000::/36-48 AS64499"
cp "$WORK/vrps2.tmp" "$WORK/vrps2.json"
t0=$(date +%s.%N)
mv "$WORK/vrps2.tmp" "$WORK/vrps.json"
if wait_for "$WORK/follow.out" '^# delta ' 10; then
	t1=$(date +%s.%N)
	ok "delta arrives within 10 s of the file's change ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; stayrtr reloads every 1 s and sends a Serial Notify)"
else
	not_ok "no delta within 10 s of the file's change"
fi
check "delta: exactly the VRP added" test "$(delta_of "$WORK/follow.out" 1 +)" = "$(expect_delta "$FIXTURE" "$WORK/vrps2.json" +)"
check "delta: exactly the VRP withdrawn" test "$(delta_of "$WORK/follow.out" 1 -)" = "$(expect_delta "$FIXTURE" "$WORK/vrps2.json" -)"
check "delta: an incremental sync (serial 1), 11 VRPs held" grep -q '^# delta serial=1 syncs=1 added=1 removed=1 count=11$' "$WORK/follow.out"

# ---- (c) The cache killed: the set stays, status disconnected, last sync time stands still.
wait_for "$WORK/follow.out" '^# status connected=1 .* serial=1 ' 5
last_sync=$(field "$WORK/follow.out" last_sync)
stop_stayrtr
check "cache killed: status says disconnected within 10 s" wait_for "$WORK/follow.out" '^# status connected=0 ' 10
check "cache killed: the reason is logged, the set stays in force" \
	grep -q 'RTR cache 127.0.0.1:[0-9]*: connection lost (.*); the previous set (11 VRPs, serial 1) stays in force' "$WORK/follow.err"
sleep 3
check "cache down 3 s: still disconnected" test "$(field "$WORK/follow.out" connected)" = 0
check "cache down 3 s: last sync time has not moved ($last_sync)" test "$(field "$WORK/follow.out" last_sync)" = "$last_sync"
check "cache down 3 s: still 11 VRPs held, no delta" \
	test "$(field "$WORK/follow.out" count)/$(grep -c '^# delta' "$WORK/follow.out")" = "11/1"
check "cache down: the failing reconnects are reported" \
	grep -q 'error="RTR cache 127.0.0.1:[0-9]*: cannot connect (retrying every 1 s); the previous set (11 VRPs, serial 1) stays in force"' "$WORK/follow.out"

# Restarted on the same port with other VRPs (a new session): the client converges.
sed -e '/"asn": 64502,/d' -e 's/"asn": 64501, "prefix": "203.0.113.0\/25", "maxLength": 25/"asn": 64501, "prefix": "203.0.113.0\/25", "maxLength": 26/' \
	"$WORK/vrps2.json" >"$WORK/vrps3.json"
cp "$WORK/vrps3.json" "$WORK/vrps.json"
port_before=$PORT
start_stayrtr "$WORK/vrps.json"
check "stayrtr restarted on the same port" test "$PORT" = "$port_before"
check "restarted cache: the client reconnects and syncs within 15 s" wait_for "$WORK/follow.out" '^# delta serial=.* count=10$' 15
check "restarted cache: the delta is exactly the change of the files (added)" \
	test "$(delta_of "$WORK/follow.out" 2 +)" = "$(expect_delta "$WORK/vrps2.json" "$WORK/vrps3.json" +)"
check "restarted cache: the delta is exactly the change of the files (withdrawn)" \
	test "$(delta_of "$WORK/follow.out" 2 -)" = "$(expect_delta "$WORK/vrps2.json" "$WORK/vrps3.json" -)"
wait_for "$WORK/follow.out" '^# status connected=1 .*state=RTR_ESTABLISHED' 5
check "restarted cache: connected, last sync time moved on" \
	test "$(field "$WORK/follow.out" connected)" = 1 -a "$(field "$WORK/follow.out" last_sync)" -gt "$last_sync"
stop_wait "$FOLLOW_PID" 20
status=$?
check "follow: every delta fitted the set held, clean exit (no leaks under ASan) (status $status)" test "$status" -eq 0
set_of "$WORK/follow.out" "= " >"$WORK/final.set"
vrps "$WORK/vrps3.json" >"$WORK/v3.set"
check "follow: the set held at the end equals the restarted cache's file" cmp -s "$WORK/final.set" "$WORK/v3.set"
stop_stayrtr

# A cache that speaks only version 0: RTRlib falls back from version 1.
if start_stayrtr "$FIXTURE" -protocol 0; then
	timeout -k 5 30 "$TESTBIN/rtr_dump" -w 15 127.0.0.1 "$PORT" >"$WORK/v0b.out" 2>/dev/null
	check "version 0 cache: the client falls back to version 0" grep -q '^# synced .* version=0 count=11$' "$WORK/v0b.out"
	set_of "$WORK/v0b.out" >"$WORK/v0b.set"
	check "version 0 cache: the same set" cmp -s "$WORK/v0b.set" "$WORK/json.set"
	stop_stayrtr
else
	not_ok "stayrtr -protocol 0 starts"
fi

# ---- Syncs broken off before End of Data, and an invalid VRP (rtr_cut_cache).
# Serial 1: the fixture; serial 2: vrps3.json (plus, with -b, an invalid VRP); serial 3: vrps3.json.
for v in 1 0; do
	flag=""
	[ $v = 0 ] && flag=-0
	"$TESTBIN/rtr_cut_cache" -c 2 -b -t 50 "$FIXTURE" "$WORK/vrps3.json" "$WORK/vrps3.json" \
		>"$WORK/cut$v.log" 2>&1 &
	CUT_PID=$!
	PIDS="$PIDS $CUT_PID"
	wait_for "$WORK/cut$v.log" '^port ' 5
	CUT_PORT=$(sed -n 's/^port //p' "$WORK/cut$v.log")
	"$TESTBIN/rtr_dump" $flag -f 40 -w 15 127.0.0.1 "$CUT_PORT" >"$WORK/cut$v.out" 2>"$WORK/cut$v.err" &
	DUMP_PID=$!
	PIDS="$PIDS $DUMP_PID"
	check "v$v cut cache: serial 3 arrives within 20 s" wait_for "$WORK/cut$v.out" '^# delta serial=3 ' 20
	check "v$v cut cache: both syncs were broken off (a Serial Query's, then a Reset Query's)" \
		test "$(grep -c '^cut ' "$WORK/cut$v.log")" -eq 2
	check "v$v cut cache: the broken syncs are refused with the reason, the set stays" \
		grep -q "RTR cache 127.0.0.1:$CUT_PORT: sync broken off before End of Data (.*); nothing of it is applied, the previous set (11 VRPs, serial 1) stays in force" "$WORK/cut$v.err"
	check "v$v cut cache: the sync with an invalid VRP is refused with the VRP and the reason" \
		grep -q "RTR cache 127.0.0.1:$CUT_PORT: sync to serial 2 refused: invalid VRP 192.0.2.0/24-16 AS64511 (maxLength is below the prefix length); the previous set (11 VRPs, serial 1) stays in force" "$WORK/cut$v.err"
	check "v$v cut cache: one delta only, at serial 3 (nothing of serial 2 was applied)" \
		test "$(grep -c '^# delta' "$WORK/cut$v.out")" -eq 1
	check "v$v cut cache: the delta is exactly serial 1 to serial 3 (added)" \
		test "$(delta_of "$WORK/cut$v.out" 1 +)" = "$(expect_delta "$FIXTURE" "$WORK/vrps3.json" +)"
	check "v$v cut cache: the delta is exactly serial 1 to serial 3 (withdrawn)" \
		test "$(delta_of "$WORK/cut$v.out" 1 -)" = "$(expect_delta "$FIXTURE" "$WORK/vrps3.json" -)"
	check "v$v cut cache: protocol version $v" grep -q "^# synced serial=1 session=4242 version=$v count=11$" "$WORK/cut$v.out"
	stop_wait "$DUMP_PID" 20
	status=$?
	stop_wait "$CUT_PID" 20
	check "v$v cut cache: rtr_dump exits 0 (every delta fitted, no leaks)" test "$status" -eq 0
	set_of "$WORK/cut$v.out" "= " >"$WORK/cut$v.set"
	check "v$v cut cache: the set held at the end is serial 3's" cmp -s "$WORK/cut$v.set" "$WORK/v3.set"
done
