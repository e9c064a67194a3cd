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
	# up to 30 s: under the sanitizers on a loaded machine a start took more than 10,
	# and a SIGINT sent before irrd blocks it is lost (a shell's background jobs ignore SIGINT)
	while ! contains "$WORK/irrd.log" "ready" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	check "irrd starts and logs ready ($sig run)" contains "$WORK/irrd.log" "ready"
	check "irrd reports the source on start" contains "$WORK/irrd.log" "source JPIRR: 30 objects"
	kill -$sig $pid
	wait $pid
	check "SIG$sig: irrd exits 0" test $? -eq 0
	check "SIG$sig: shutdown logged" contains "$WORK/irrd.log" "shutting down"
done
"$BIN/irrd" -V >"$WORK/out" 2>&1
check "irrd -V prints the version" grep -q '^irrd (routereg) [0-9]' "$WORK/out"

# ---- SIGHUP re-reads the configuration (issue 13, "daemon skeleton") ----
write_config "$WORK/hup.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "whois.idle_timeout = 30"
check "irrd starts for the SIGHUP test" start_irrd "$WORK/hup.conf" "$WORK/hup.log"
write_config "$WORK/hup.conf" "$WORK/irr.db" RADB "whois.listen = 127.0.0.1:0" "whois.idle_timeout = 1" "log.level = debug"
kill -HUP "$IRRD_PID"
i=0
while ! contains "$WORK/hup.log" "configuration re-read" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP: the configuration is re-read" contains "$WORK/hup.log" "SIGHUP: configuration re-read from $WORK/hup.conf"
check "SIGHUP: what needs a restart is named (source)" contains "$WORK/hup.log" "SIGHUP: source changed in $WORK/hup.conf; it takes effect at the next restart"
check "SIGHUP: irrd keeps running" kill -0 "$IRRD_PID"
# the new idle timeout (1 s) applies to new connections
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; sleep 2.5; printf "!v\n" >&3 2>/dev/null; timeout 2 cat <&3' >"$WORK/out" 2>/dev/null
check "SIGHUP: a changed whois.idle_timeout applies (an idle connection is closed after 1 s)" sh -c "! grep -q '^A' $WORK/out"
check "SIGHUP: the source stays until a restart (answers still come from JPIRR)" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!j-*\n\" >&3; timeout 2 cat <&3' | grep -q JPIRR"
printf 'database = \nsource = JPIRR\n' >"$WORK/hup.conf"
kill -HUP "$IRRD_PID"
i=0
while ! contains "$WORK/hup.log" "the running configuration stays" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP with a broken configuration: refused, the running one stays" contains "$WORK/hup.log" "the running configuration stays"
stop_irrd "after SIGHUP" "$WORK/hup.log"

# ---- SIGTERM drains: answers asked for before the signal still arrive ----
write_config "$WORK/drain.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0"
check "irrd starts for the drain test" start_irrd "$WORK/drain.conf" "$WORK/drain.log"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "!!\n" >&3; sleep 0.5; printf "!v\n" >&3; timeout 5 cat <&3' >"$WORK/drained" 2>/dev/null &
client=$!
sleep 0.2
kill -TERM "$IRRD_PID"
wait "$client"
wait "$IRRD_PID"
check "SIGTERM: irrd exits 0 after draining" test $? -eq 0
PIDS=$(echo "$PIDS" | sed "s/\b$IRRD_PID\b//")
check "SIGTERM: the listener closed first" contains "$WORK/drain.log" "whois: no longer listening on"

# ---- dropping root after binding (user =) ----
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$WORK/priv"
	cp "$WORK/irr.db" "$WORK/priv/irr.db"
	chown -R nobody "$WORK/priv"
	chmod 711 "$WORK"
	write_config "$WORK/priv.conf" "$WORK/priv/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "user = nobody" "log.level = debug"
	check "irrd started as root with user = nobody" start_irrd "$WORK/priv.conf" "$WORK/priv.log"
	check "user: irrd says whom it runs as" contains "$WORK/priv.log" "running as nobody"
	# the notification retry runs at once, as irrd --run-job started by irrd as nobody
	i=0
	while ! contains "$WORK/priv.log" "notification queue: done in process" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "user: the jobs run as nobody too (irrd's executable and the configuration readable)" \
		contains "$WORK/priv.log" "notification queue: done in process"
	check "user: the process runs as nobody after binding" \
		test "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' /proc/$IRRD_PID/status)" = "$(id -u nobody)$(id -u nobody)$(id -u nobody)$(id -u nobody)"
	check "user: and it answers" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!gAS64496\n\" >&3; timeout 2 cat <&3' | grep -q '^A'"
	stop_irrd "running as nobody" "$WORK/priv.log"
	write_config "$WORK/root.conf" "$WORK/priv/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "user = root"
	"$BIN/irrd" -c "$WORK/root.conf" >"$WORK/out" 2>&1
	check "user = root is refused" contains "$WORK/out" "user = root is root: name an unprivileged user"
else
	echo "ok - # skipped: dropping privileges needs root and a nobody user"
fi
