# One set in force for whois, exports, reports and update checks (found by the
# adversarial review of issue 15): irrd empties the VRP table when it runs without
# RPKI, so exports and reports refuse and updates are not checked; a change of the
# VRP source on SIGHUP waits for a restart (said in the log); after a restart whose
# cache or file does not answer, whois filters with the set the last run wrote, as
# the exports and update checks do meanwhile.
. tests/lib.sh

vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" >"$WORK/vrps.json"
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "rpki.vrp_file = $WORK/vrps.json" "rpki.refresh_interval = 1"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
check "irrd starts with a VRP file" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
i=0
while [ "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" != 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the VRP table is written" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" = 2

# SIGHUP with the VRP source removed: a restart-only change, said so; nothing changes meanwhile
cp "$WORK/irr.conf" "$WORK/irr.conf.rpki"
sed -i 's/^rpki.vrp_file = .*//' "$WORK/irr.conf"
kill -HUP "$IRRD_PID"
i=0
while ! grep -q 'rpki.vrp_file changed' "$WORK/irrd.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP: a changed rpki.vrp_file takes effect at the next restart, logged" \
	grep -q "SIGHUP: rpki.vrp_file changed in $WORK/irr.conf; it takes effect at the next restart" "$WORK/irrd.log"
check "whois still filters with the set in force" test "$(whois_raw '!gAS65536\n')" = "D"
stop_irrd "after SIGHUP" "$WORK/irrd.log"

# a restart without RPKI empties the table: exports, reports and update checks agree with whois
check "irrd restarts without RPKI" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
check "whois does not filter" test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"
check "the VRP table is emptied" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_status')" = 0
"$BIN/irrctl" -c "$WORK/irr.conf" export filter AS65536 --policy rpki >"$WORK/out" 2>&1
check "export --policy rpki refuses (exit 1): no VRPs are known" sh -c "test $? = 1 && grep -q 'has not written the VRPs' '$WORK/out'"
stop_irrd "without RPKI" "$WORK/irrd.log"

# a restart whose VRP file fails: the last run's set is in force at once, for whois too
cp "$WORK/irr.conf.rpki" "$WORK/irr.conf"
check "irrd with the file again" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
i=0
while [ "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" != 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
stop_irrd "with the file" "$WORK/irrd.log"
echo '{ "roas": [ { "asn": 64496,' >"$WORK/vrps.json"
check "irrd starts while its VRP file is broken" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
check "the set the last run wrote is in force, said so" \
	grep -q 'RPKI: the 2 VRPs the last run wrote to the database are in force until the VRP file answers' "$WORK/irrd.log"
check "whois filters with it, as the export does" test "$(whois_raw '!gAS65536\n')" = "D"
"$BIN/irrctl" -c "$WORK/irr.conf" export filter AS65536 --policy rpki -4 >"$WORK/out" 2>&1
check "the export agrees (no IPv4 prefix for AS65536)" sh -c "test $? = 0 && test ! -s '$WORK/out'"
stop_irrd "with a broken file" "$WORK/irrd.log"
