#!/bin/sh
# `make bench`: load benchmark on the synthetic 1M-object registry.
# Prints load rate, peak RSS and database size (targets in docs/performance.md).
# Environment: BUILD (build tree), BENCH_OBJECTS (default 1000000), BENCH_RUNS (default 3).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${BENCH_OBJECTS:-1000000}
RUNS=${BENCH_RUNS:-3}
dir=$BUILD/bench
mkdir -p "$dir"
dump=$dir/registry-$N.db
if [ ! -s "$dump" ]; then
	echo "generating $N objects into $dump"
	"$BUILD/tests/gen_registry" -n "$N" -s BENCH >"$dump"
fi
dump_bytes=$(stat -c %s "$dump")
printf 'database = bench.sqlite\nsource = BENCH\n' >"$dir/bench.conf"

echo "== parse only (read, parse tolerant, render; no store)"
"$BUILD/tests/bench_parse" "$dump"

echo "== irrctl load, $RUNS runs on a fresh database each"
best=""
for i in $(seq 1 "$RUNS"); do
	rm -f "$dir/bench.sqlite" "$dir/bench.sqlite-wal" "$dir/bench.sqlite-shm"
	/usr/bin/time -f '%e %M' -o "$dir/time.out" \
		"$BUILD/bin/irrctl" -c "$dir/bench.conf" load --source BENCH "$dump" >"$dir/load.out"
	read -r secs rss_kb <"$dir/time.out"
	db_bytes=$(stat -c %s "$dir/bench.sqlite")
	rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
	echo "run $i: $(tail -n 1 "$dir/load.out"); ${secs} s, ${rate} objects/s, peak RSS $((rss_kb / 1024)) MiB"
	if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$secs
		best_rss=$rss_kb
	fi
done
ratio=$(awk -v d="$db_bytes" -v t="$dump_bytes" 'BEGIN { printf "%.2f", d / t }')
echo "== gzip input (one run)"
gzip -1 -c "$dump" >"$dir/registry.gz"
rm -f "$dir/bench.sqlite" "$dir/bench.sqlite-wal" "$dir/bench.sqlite-shm"
/usr/bin/time -f '%e %M' -o "$dir/time.out" \
	"$BUILD/bin/irrctl" -c "$dir/bench.conf" load --source BENCH "$dir/registry.gz" >"$dir/load.out"
read -r gz_secs gz_rss <"$dir/time.out"
echo "gzip: ${gz_secs} s, $(awk -v n="$N" -v s="$gz_secs" 'BEGIN { printf "%.0f", n / s }') objects/s, peak RSS $((gz_rss / 1024)) MiB"

echo "== reload over the existing source (replaces $N objects with $N)"
/usr/bin/time -f '%e %M' -o "$dir/time.out" \
	"$BUILD/bin/irrctl" -c "$dir/bench.conf" load --source BENCH "$dump" >"$dir/load.out"
read -r re_secs re_rss <"$dir/time.out"
echo "reload: ${re_secs} s, $(awk -v n="$N" -v s="$re_secs" 'BEGIN { printf "%.0f", n / s }') objects/s, peak RSS $((re_rss / 1024)) MiB, database $(($(stat -c %s "$dir/bench.sqlite") / 1048576)) MiB"

echo "== summary"
echo "objects:        $N"
echo "dump size:      $((dump_bytes / 1048576)) MiB"
echo "best load:      ${best} s = $(awk -v n="$N" -v s="$best" 'BEGIN { printf "%.0f", n / s }') objects/s (target >= 100000)"
echo "peak RSS:       $((best_rss / 1024)) MiB (target < 1024)"
echo "database size:  $((db_bytes / 1048576)) MiB = ${ratio}x the dump (target <= 3x)"
