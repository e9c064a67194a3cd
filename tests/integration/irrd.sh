# irrd: configuration errors, foreground run, clean shutdown on SIGTERM/SIGINT.
. tests/lib.sh

write_config "$WORK/bad.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:notaport"
"$BIN/irrd" -c "$WORK/bad.conf" >"$WORK/out" 2>&1
check "bad config: non-zero exit" test $? -ne 0
check "bad config: message names file, line and key" contains "$WORK/out" "bad.conf:3: whois.listen: port must be a number"

printf 'database = %s\nsource = JPIRR\nmystery = 1\n' "$WORK/irr.db" >"$WORK/unknown.conf"
"$BIN/irrd" -c "$WORK/unknown.conf" >"$WORK/out" 2>&1
check "unknown key: non-zero exit" test $? -ne 0
check "unknown key named" contains "$WORK/out" "unknown.conf:3: mystery: unknown key"

"$BIN/irrd" -c "$WORK/missing.conf" >"$WORK/out" 2>&1
check "missing config file: non-zero exit" test $? -ne 0

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
for sig in TERM INT; do
	"$BIN/irrd" -c "$WORK/irr.conf" >"$WORK/irrd.log" 2>&1 &
	pid=$!
	i=0
	while ! contains "$WORK/irrd.log" "ready" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "irrd starts and logs ready ($sig run)" contains "$WORK/irrd.log" "ready"
	check "irrd reports the source on start" contains "$WORK/irrd.log" "source JPIRR: 30 objects"
	kill -$sig $pid
	wait $pid
	check "SIG$sig: irrd exits 0" test $? -eq 0
	check "SIG$sig: shutdown logged" contains "$WORK/irrd.log" "shutting down"
done
"$BIN/irrd" -V >"$WORK/out" 2>&1
check "irrd -V prints the version" grep -q '^irrd (routereg) [0-9]' "$WORK/out"
