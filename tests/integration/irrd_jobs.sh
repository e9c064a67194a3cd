# irrd's periodic jobs run in a fresh process (irrd --run-job ID, jobs.h): a child
# forked from the threaded daemon that ran the job itself deadlocked when a whois
# worker held a SQLite or malloc lock at the fork, never ran the job again and kept
# the listening socket and every client socket open at the fork. Here the
# notification retry runs every second while clients flood worker queries; every
# job process must end, the job must keep running, and clients irrd closes (idle
# timeout) must see the end of their connection.
. tests/lib.sh

"$TESTBIN/gen_registry" -n 5000 -s BENCH >"$WORK/reg.db"
conf() {
	write_config "$WORK/irr.conf" "$WORK/irr.db" BENCH "whois.listen = 127.0.0.1:0" "whois.idle_timeout = 2" \
		"whois.max_connections_per_address = 200" "whois.workers = 4" "log.level = debug" "mail.sendmail = sh $REPO/tests/capture-mail.sh $WORK/mail" \
		"$@"
}
conf "mail.notify_retry_interval = 1"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source BENCH "$WORK/reg.db" >"$WORK/load.out" 2>&1
check "registry loads ($(tail -n 1 "$WORK/load.out"))" grep -q "skipped 0" "$WORK/load.out"

# ---- the job by hand ----
"$BIN/irrd" --run-job no-such-job -c "$WORK/irr.conf" >"$WORK/out" 2>&1
check "--run-job with an unknown name: exit 2" test $? -eq 2
check "--run-job with an unknown name: says so and names the jobs" \
	contains "$WORK/out" 'irrd: --run-job: no job named "no-such-job"; the jobs are: authlist-check notify-retry'
"$BIN/irrd" --run-job notify-retry -c "$WORK/irr.conf" >"$WORK/out" 2>&1
check "--run-job notify-retry by hand: exit 0" test $? -eq 0
check "--run-job notify-retry by hand: it ran" contains "$WORK/out" "notification queue: done in process"

# ---- a job every second under a flood of worker queries ----
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
"$TESTBIN/whois_hostile" -p "$PORT" fair -n 6 -s 10 -l 600000 -w 50 \
	'!iAS-BENCH-0,1' '!iAS-BENCH-1,1' '!oMAINT-BENCH-1' '!oMAINT-BENCH-2' '!gAS65001' >"$WORK/flood.out" 2>&1 &
flood=$!
# idle clients, one a second: irrd closes each after 2 s; a job process that kept
# its socket would keep the connection open
idle_client() {
	started=$(date +%s%N)
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1; printf "!!\n" >&3; exec timeout 12 cat <&3 >/dev/null' 2>/dev/null
	rc=$?
	echo "$1 $rc $((($(date +%s%N) - started) / 1000000))" >>"$WORK/idle"
}
: >"$WORK/idle"
: >"$WORK/children"
idlers=""
clients=0
t0=$(date +%s)
tick=0
# until the flood ends (10 s) and for 10 s at least
while kill -0 "$flood" 2>/dev/null || [ $(($(date +%s) - t0)) -lt 10 ]; do
	tick=$((tick + 1))
	if [ $((tick % 10)) = 1 ] && [ $clients -lt 10 ]; then
		clients=$((clients + 1))
		idle_client "$tick" &
		idlers="$idlers $!"
	fi
	# every child of irrd: its age, whether it is irrd --run-job yet, and its sockets
	# once it is (or once it is a second old: a child that never executes anything)
	for c in $(ps --ppid "$IRRD_PID" -o pid= 2>/dev/null); do
		age=$(ps -o etimes= -p "$c" 2>/dev/null | tr -d ' ')
		[ -n "$age" ] || continue
		is_job=0
		tr '\0' ' ' 2>/dev/null <"/proc/$c/cmdline" | grep -q -- '--run-job notify-retry' && is_job=1
		sockets=0
		if [ $is_job = 1 ] || [ "$age" -ge 1 ]; then sockets=$(ls -l "/proc/$c/fd" 2>/dev/null | grep -c 'socket:'); fi
		echo "$c $age $sockets $is_job" >>"$WORK/children"
	done
	sleep 0.1
done
wait "$flood"
for p in $idlers; do wait "$p"; done
secs=$(($(date +%s) - t0))
stuck=$(awk '$2 > 3 { print $1 }' "$WORK/children" | sort -u | wc -l)
check "no job process lives longer than 3 s (seen: $stuck; $(sort -u -k1,1 "$WORK/children" | wc -l) sampled)" test "$stuck" -eq 0
holding=$(awk '$3 > 0 { print $1 }' "$WORK/children" | sort -u | wc -l)
execd=$(awk '$4 == 1 { print $1 }' "$WORK/children" | sort -u | wc -l)
check "no job process holds a socket (seen: $holding; $execd seen as irrd --run-job)" test "$holding" -eq 0
runs=$(grep -c "notification queue: done in process" "$WORK/irrd.log")
check "the job ran again and again during the flood ($runs runs in $secs s)" test "$runs" -ge 5
check "no job process failed" sh -c "! grep -q \"the job's process failed\" '$WORK/irrd.log'"
late=$(awk '$2 != 0 || $3 > 6000' "$WORK/idle" | wc -l)
check "every idle client saw irrd close its connection within 6 s ($(wc -l <"$WORK/idle") clients; late: $late)" \
	sh -c "[ $late -eq 0 ] && [ $(wc -l <"$WORK/idle") -eq $clients ]"
check "the flood ran" grep -q '^ok - fair: the flood ran' "$WORK/flood.out"
stop_irrd "after the flood" "$WORK/irrd.log"
if [ "$stuck" -ne 0 ] || [ "$late" -ne 0 ]; then
	sed 's/^/#   idle client (tick, status, ms): /' "$WORK/idle"
	grep -v 'debug\]' "$WORK/irrd.log" | tail -n 20 | sed 's/^/#   /'
fi

# ---- SIGHUP changes the interval; the job reads the configuration file itself,
# but keeps the database irrd runs with (a change of database needs a restart) ----
conf "mail.notify_retry_interval = 0"
check "irrd starts with the retry job off" start_irrd "$WORK/irr.conf" "$WORK/hup.log"
sleep 2
check "interval 0: the job does not run" sh -c "! grep -q 'notification queue: done' '$WORK/hup.log'"
conf "mail.notify_retry_interval = 1"
sed -i "s|^database = .*|database = $WORK/no-such-dir/irr.db|" "$WORK/irr.conf"
kill -HUP "$IRRD_PID"
i=0
while [ "$(grep -c 'notification queue: done' "$WORK/hup.log")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "after SIGHUP with interval 1: the job runs every second" \
	test "$(grep -c 'notification queue: done' "$WORK/hup.log")" -ge 2
check "after SIGHUP with another database: irrd says it needs a restart" \
	contains "$WORK/hup.log" "SIGHUP: database changed in $WORK/irr.conf; it takes effect at the next restart"
check "... and the job keeps the database irrd runs with" sh -c "! grep -q \"the job's process failed\" '$WORK/hup.log'"
stop_irrd "interval changed by SIGHUP" "$WORK/hup.log"
conf "mail.notify_retry_interval = 1"

# ---- a job that cannot be executed: the child logs why and exits 127 ----
mkdir "$WORK/bin"
cp "$BIN/irrd" "$WORK/bin/irrd"
saved_bin=$BIN
BIN="$WORK/bin"
start_irrd "$WORK/irr.conf" "$WORK/gone.log"
BIN=$saved_bin
check "a copy of irrd starts" grep -q ready "$WORK/gone.log"
rm "$WORK/bin/irrd"
i=0
while ! grep -q "exit status 127" "$WORK/gone.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "executable gone: the child says so" \
	contains "$WORK/gone.log" "irrd[error] notification queue: cannot execute $WORK/bin/irrd: No such file or directory"
check "executable gone: irrd logs the job's exit status 127" \
	contains "$WORK/gone.log" "notification queue: the job's process failed (exit status 127)"
check "executable gone: irrd keeps serving" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!v\n\" >&3; timeout 5 cat <&3' | grep -q '^A'"
stop_irrd "executable gone" "$WORK/gone.log"
