# Out of file descriptors (issue 14 review): irrd stops accepting for a second
# instead of spinning on accept(2) and logging each spin, and serves again once
# connections close.
. tests/lib.sh

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "whois.idle_timeout = 30"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
# a hard limit of 64 open files: irrd cannot raise it, and runs out with about 50 clients
bash -c 'ulimit -n 64; exec "$1" -c "$2"' _ "$BIN/irrd" "$WORK/irr.conf" >"$WORK/irrd.log" 2>&1 &
IRRD_PID=$!
PIDS="$PIDS $IRRD_PID"
i=0
while ! grep -q ready "$WORK/irrd.log" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's/.*whois: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/irrd.log" | head -n 1)
check "irrd starts with 64 open files at most" test -n "$PORT"

# 100 clients that connect and stay (each sends !! and waits)
"$TESTBIN/whois_load" -p "$PORT" -n 100 -q '!v' hold >"$WORK/hold.out" 2>&1 &
holder=$!
sleep 2
ticks_before=$(awk '{ print $14 + $15 }' /proc/$IRRD_PID/stat)
sleep 2
ticks=$(($(awk '{ print $14 + $15 }' /proc/$IRRD_PID/stat) - ticks_before))
check "out of descriptors: irrd does not spin ($ticks CPU ticks in 2 s, at most 40)" test "$ticks" -le 40
lines=$(grep -c 'out of file descriptors' "$WORK/irrd.log")
check "out of descriptors: logged at most once a second ($lines lines)" test "$lines" -le 8
wait $holder
check "the clients that got in were answered ($(cat "$WORK/hold.out"))" grep -q 'answered [1-9]' "$WORK/hold.out"
check "irrd answers again once they are gone" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!v\n\" >&3; timeout 5 cat <&3' | grep -q '^A'"
stop_irrd "after running out of descriptors" "$WORK/irrd.log"
