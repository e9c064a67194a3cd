#!/bin/sh
# whois side by side with IRRd legacy (the C IRRd) on the same dump, in one run:
# answers compared, !g throughput with 1 and 16 queries in flight and 20 clients x 16
# (rounds alternating between the two servers, medians and their ratio), and fairness
# (20 clients flooding expensive queries while a probe measures !v and !g). Beside
# them, the same rounds against tests/bench/whois_echo, which answers with the same
# bytes and does no work: the ceiling set by loopback TCP and wake-ups.
#   tests/bench/whois-vs-legacy.sh DUMP DATABASE
# DATABASE holds DUMP loaded as source BENCH (run-bench.sh does that).
# Environment: BUILD (build tree, default build), WHOIS_ROUNDS (alternating rounds,
# default 5), LEGACY_BUILD_DIR (default $BUILD/irrd-legacy). Without IRRd legacy
# (its build needs the tarball in ../shared/peers) only our figures are printed.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ROUNDS=${WHOIS_ROUNDS:-5}
dump=$(realpath "$1")
database=$(realpath "$2")
dir=$(realpath "$BUILD")/bench/vs-legacy
load=$BUILD/tests/whois_load
rm -rf "$dir"
mkdir -p "$dir/legacy"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null' EXIT

# A TCP port nobody listens on, on any address (IRRd legacy binds them all).
free_port() {
	while :; do
		p=$(shuf -i 20000-60000 -n 1)
		ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}

# ask PORT 'QUERIES': the raw answer of one connection.
ask() {
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1; printf "%b" "$2" >&3; timeout 30 cat <&3' _ "$1" "$2"
}

# The members of an IRRd-framed answer, one per line, sorted (servers may order differently).
members() {
	ask "$1" "$2\n" | sed -n '2p' | tr ' ' '\n' | sed '/^$/d' | sort
}

echo "-- starting our irrd on $database"
printf 'database = %s\nsource = BENCH\nwhois.listen = 127.0.0.1:0\nwhois.max_connections_per_address = 1000\n' \
	"$database" >"$dir/ours.conf"
"$BUILD/bin/irrd" -c "$dir/ours.conf" >"$dir/ours.log" 2>&1 &
ours_pid=$!
pids="$pids $ours_pid"
i=0
while ! grep -q ready "$dir/ours.log" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
ours=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/ours.log" | head -n 1)

legacy=""
legacy_bin=""
peer_script=../shared/tools/irrd-legacy/build.sh
if [ -f "$peer_script" ]; then
	echo "-- building IRRd legacy (once; cached in ${LEGACY_BUILD_DIR:-$BUILD/irrd-legacy})"
	legacy_bin=$(sh "$peer_script" "${LEGACY_BUILD_DIR:-$(realpath "$BUILD")/irrd-legacy}" 2>"$dir/legacy-build.log" | tail -n 1) ||
		legacy_bin=""
fi
if [ -n "$legacy_bin" ] && [ -x "$legacy_bin" ]; then
	legacy=$(free_port)
	uii=$(free_port)
	ln -s "$dump" "$dir/legacy/bench.db"
	# Its whois port listens on every address (it cannot bind one, and its access lists
	# do not match the IPv4-mapped addresses its IPv6 socket sees): a free port, for the
	# run only. Its console listens on loopback.
	cat >"$dir/legacy/irrd.conf" <<EOF
irr_directory $dir/legacy
irr_port $legacy
uii_port $uii
uii_addr 127.0.0.1
irr_database bench authoritative
EOF
	echo "-- starting IRRd legacy on the same dump (it indexes the dump at start)"
	"$legacy_bin" -n -x -f "$dir/legacy/irrd.conf" >"$dir/legacy.log" 2>&1 &
	legacy_pid=$!
	pids="$pids $legacy_pid"
else
	echo "-- IRRd legacy not available (see $dir/legacy-build.log): our figures only"
fi

asn=$(grep -m1 '^origin:' "$dump" | awk '{print $2}')
if [ -n "$legacy" ]; then
	start=$(date +%s)
	while [ "$(ask "$legacy" "!g$asn\n" 2>/dev/null | head -c 1)" != A ]; do
		[ $(($(date +%s) - start)) -lt 300 ] || { echo "IRRd legacy did not answer within 300 s"; exit 1; }
		sleep 1
	done
	echo "IRRd legacy answers after $(($(date +%s) - start)) s; RSS $(($(ps -o rss= -p "$legacy_pid") / 1024)) MiB"

	echo "== the same answers"
	same=0 differ=0
	for a in $(grep '^origin:' "$dump" | awk '{print $2}' | sort -u | head -n 40) AS-NONE-0; do
		for q in "!g$a" "!6$a"; do
			if [ "$(members "$ours" "$q")" = "$(members "$legacy" "$q")" ]; then
				same=$((same + 1))
			else
				differ=$((differ + 1))
				echo "differs: $q"
			fi
		done
	done
	for q in '!iAS-BENCH-0' '!iAS-BENCH-0,1' '!iAS-BENCH-5,1' '!iAS-BIG,1'; do
		if [ "$(members "$ours" "$q")" = "$(members "$legacy" "$q")" ]; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
			echo "differs: $q"
		fi
	done
	echo "answers compared: $same identical, $differ different (!g and !6 of 40 origins and one unknown, !i of as-sets)"
fi

# The floor: a server that answers every query with the same bytes and does no work.
ask "$ours" "!g$asn\n" >"$dir/answer"
"$BUILD/tests/whois_echo" "$dir/answer" >"$dir/echo.out" &
pids="$pids $!"
i=0
while ! grep -qs port "$dir/echo.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo_port=$(sed -n 's/^port //p' "$dir/echo.out")

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# rate PORT CLIENTS DEPTH QUERIES: queries/s of one whois_load bench run
rate() {
	"$load" -p "$1" -b 8 -n "$2" -d "$3" -c "$4" -q "!g$asn" bench | sed -n 's/.*: \([0-9]*\) queries\/s.*/\1/p'
}

echo "== !g$asn throughput, $ROUNDS rounds alternating (queries/s; median)"
for shape in "1 1 20000" "1 16 50000" "20 16 5000"; do
	set -- $shape
	: >"$dir/ours.rates"
	: >"$dir/legacy.rates"
	: >"$dir/echo.rates"
	for r in $(seq 1 "$ROUNDS"); do
		rate "$ours" "$1" "$2" "$3" >>"$dir/ours.rates"
		[ -z "$legacy" ] || rate "$legacy" "$1" "$2" "$3" >>"$dir/legacy.rates"
		rate "$echo_port" "$1" "$2" "$3" >>"$dir/echo.rates"
	done
	o=$(median <"$dir/ours.rates")
	e=$(median <"$dir/echo.rates")
	line="$1 client(s) x $2 in flight: routereg $o (runs: $(tr '\n' ' ' <"$dir/ours.rates"))"
	if [ -n "$legacy" ]; then
		l=$(median <"$dir/legacy.rates")
		line="$line; IRRd legacy $l (runs: $(tr '\n' ' ' <"$dir/legacy.rates")); ratio $(awk -v a="$o" -v b="$l" 'BEGIN { printf "%.2f", a / b }')x"
		line="$line; an echo of the same answer (no work) $e = $(awk -v a="$e" -v b="$l" 'BEGIN { printf "%.2f", a / b }')x legacy"
	else
		line="$line; an echo of the same answer (no work) $e"
	fi
	echo "$line"
done

echo "== fairness: 20 clients x 4 in flight flooding, probe one query at a time (1,000 of each)"
echo "routereg, flood !iAS-BIG,1 and !a4AS-ROUTES:"
"$load" -p "$ours" -b 8 -n 20 -d 4 -q '!iAS-BIG,1' -q '!a4AS-ROUTES' -P '!v' -P "!g$asn" -c 2000 fair
echo "routereg, flood !iAS-BIG,1:"
"$load" -p "$ours" -b 8 -n 20 -d 4 -q '!iAS-BIG,1' -P '!v' -P "!g$asn" -c 2000 fair
if [ -n "$legacy" ]; then
	echo "IRRd legacy, flood !iAS-BIG,1 (it has no !a):"
	"$load" -p "$legacy" -b 8 -n 20 -d 4 -q '!iAS-BIG,1' -P '!v' -P "!g$asn" -c 2000 fair
fi
echo "routereg RSS after the benchmarks: $(($(ps -o rss= -p "$ours_pid") / 1024)) MiB"
