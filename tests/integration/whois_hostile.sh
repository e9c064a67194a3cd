# Hostile clients of issue 14 (tests/tools/whois_hostile.c) against a real irrd whose
# registry has large answers: pipelining behind large answers, a half-close, an
# over-long line, 60 clients that never read (irrd's RSS stays bounded by
# whois.max_output_memory), a slow sender and a slow reader at the idle timeout, a
# probe that stays fast while others flood expensive queries, and SIGTERM during the
# flood. BIN=/path/to/old/build/bin runs it against another irrd (keys that irrd does
# not know are left out of its configuration).
. tests/lib.sh

H="$TESTBIN/whois_hostile"
# bench-shaped registry (AS-BIG: 50,000 ASNs, !iAS-BIG,1 answers 500 KB) plus
# maintainers of fat route objects: !o of MAINT-FAT answers 5.6 MB and of
# MAINT-FAT2 4 MB (spooled to files), of MAINT-HALF 0.7 MB (kept in memory)
"$TESTBIN/gen_registry" -n 20000 -s BENCH >"$WORK/reg.db"
fat_objects() {
	awk -v n="$1" -v m="$2" -v base="$3" 'BEGIN {
		printf "mntner:         %s\nadmin-c:        PN0-BENCH\ntech-c:         PN0-BENCH\n", m
		printf "upd-to:         noc@example.net\nauth:           BCRYPT-PW $2b$12$0000000000000000000000\n"
		printf "mnt-by:         %s\nsource:         BENCH\n\n", m
		for (i = 0; i < n; i++) {
			printf "route:          100.%d.%d.0/24\ndescr:          fat route %d of %s\norigin:         AS64500\n",
				base + int(i / 256), i % 256, i, m
			for (r = 0; r < 40; r++)
				printf "remarks:        %s line %02d: the quick brown fox jumps over the lazy dog, again and again\n", m, r
			printf "mnt-by:         %s\nsource:         BENCH\n\n", m
		}
	}'
}
fat_objects 1400 MAINT-FAT 64 >>"$WORK/reg.db"
fat_objects 1000 MAINT-FAT2 72 >>"$WORK/reg.db"
fat_objects 180 MAINT-HALF 90 >>"$WORK/reg.db"
mkdir "$WORK/spool"

config() {
	write_config "$WORK/irr.conf" "$WORK/irr.db" BENCH "whois.listen = 127.0.0.1:0" "whois.idle_timeout = 2" \
		"whois.max_connections_per_address = 200" "log.level = debug" "$@"
}
config "whois.max_output_memory = 8" "whois.spool_directory = $WORK/spool"
if ! "$BIN/irrctl" -c "$WORK/irr.conf" load --source BENCH "$WORK/reg.db" >"$WORK/load.out" 2>&1 &&
	grep -q "unknown key" "$WORK/load.out"; then
	echo "# $BIN/irrd predates whois.max_output_memory and whois.spool_directory: left out"
	config
	"$BIN/irrctl" -c "$WORK/irr.conf" load --source BENCH "$WORK/reg.db" >"$WORK/load.out" 2>&1
fi
check "registry with large answers loads ($(tail -n 1 "$WORK/load.out"))" grep -q "skipped 0" "$WORK/load.out"

# hostile NAME ARGS...: runs whois_hostile; an exit without a verdict (a crash, a
# sanitizer report, a usage error) is a failure too.
hostile() {
	out="$WORK/$1.out"
	shift
	"$H" "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then not_ok "whois_hostile $* exited $rc"; fi
}

# ASan keeps freed memory in a quarantine (256 MiB by default) that counts in the RSS;
# a small one keeps the output-cap check about what irrd holds.
saved_asan=${ASAN_OPTIONS-}
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"

# 2. Pipelining: 2 large answers then 6,000 !v in one write; 4 queries then a
# half-close; a line over 16 KiB after queries that are still answered.
hostile pipeline -p "$PORT" pipeline -v 6000 '!oMAINT-FAT' '!oMAINT-FAT2'

# 3. Output cap (8 MiB): after a warm-up with clients that read, 60 clients each
# pipeline 12 answers of 0.7 MB (kept in memory, below the 1 MiB spool threshold)
# and never read; irrd's RSS grows less than 32 MiB, four times the cap (a server
# that spools every answer past 64 KiB grows 4-6 MiB here under ASan; held in
# memory, one such answer per client would be 60 x 0.7 MB); then one of them
# reads everything.
hostile outcap -p "$PORT" -P "$IRRD_PID" outcap -n 60 -k 12 -w 2 -m 32 '!oMAINT-HALF'

# 4. Idle timeout 2 s: a byte every 0.5 s without a newline is closed within 4.5 s;
# a reader taking 1 KiB every 100 ms for 5 s (the server still holding answer bytes
# beyond what socket buffers take) is not cut.
hostile slowsend -p "$PORT" slowsend -i 2 -e 500 -l 4500 &
slow_pid=$!
hostile slowread -p "$PORT" slowread -i 2 -r 1024 -e 100 -t 5000 '!oMAINT-FAT'
wait $slow_pid
stop_irrd "after pipelining, output cap and slow clients" "$WORK/irrd.log"

# 1. Fairness: 8 flooders pipeline the most expensive queries while a probe sends
# !v and !g one at a time: its slowest answer under 1 s; then SIGTERM during the
# flood: irrd exits (0) within 3 s.
check "irrd starts again" start_irrd "$WORK/irr.conf" "$WORK/irrd2.log"
export ASAN_OPTIONS="$saved_asan"
hostile fair -p "$PORT" -P "$IRRD_PID" fair -n 8 -s 4 -l 1000 -g AS131072 -k -x 3000 \
	'!a4AS-BIG' '!iAS-BIG,1' '!a4AS-BIG' '!a4AS-ROUTES' '!a4AS-BIG' '!oMAINT-BENCH-5'
wait "$IRRD_PID"
status=$?
PIDS=$(echo "$PIDS" | sed "s/\b$IRRD_PID\b//")
if [ $status -eq 0 ]; then ok "irrd exits 0 after SIGTERM during the flood (no leaks)"; else
	not_ok "irrd exit status $status after SIGTERM during the flood"
	tail -n 30 "$WORK/irrd2.log" | sed 's/^/#   /'
fi
