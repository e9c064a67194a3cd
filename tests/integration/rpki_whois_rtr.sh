# RPKI in irrd over RTR (issue 15): irrd follows an RPKI cache (stayrtr serving a
# JSON file) with rpki.rtr_cache; whois filters with the cache's VRPs, a VRP added
# at the cache is in force in whois within seconds, and a cache that goes away
# leaves the set in force. Skipped, with the reason, without stayrtr.
. tests/lib.sh

skip() { echo "ok - # SKIP RTR whois test: $1"; exit 0; }
command -v stayrtr >/dev/null 2>&1 || skip "stayrtr is not installed (sh scripts/deps.sh installs it)"

vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" >"$WORK/vrps.json"

start_stayrtr "$WORK/vrps.json" >"$WORK/why" || skip "$(cat "$WORK/why")"

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"rpki.rtr_cache = 127.0.0.1:$RTR_PORT" "rpki.refresh_interval = 1"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
check "irrd starts with an RPKI cache" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
i=0
while ! grep -q 'VRPs in force from the RPKI cache' "$WORK/irrd.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the cache's first sync is in force" grep -q "RPKI: 2 VRPs in force from the RPKI cache 127.0.0.1:$RTR_PORT (2 added, 0 withdrawn, applied in " "$WORK/irrd.log"
check "!g leaves out the RPKI-invalid route" test "$(whois_raw '!gAS64496\n')" = "$(printf 'A13\n192.0.2.0/24\nC')"
check "!g AS65536: its only route is invalid" test "$(whois_raw '!gAS65536\n')" = "D"

# A VRP added at the cache is in force in whois within seconds (stayrtr reloads its
# file every second and notifies; irrd takes the delta).
vrp_json "192.0.2.0/24 24 64496" "192.0.2.128/25 25 65536" "198.51.100.0/24 24 64497" >"$WORK/vrps.new"
mv "$WORK/vrps.new" "$WORK/vrps.json"
start=$(date +%s%N)
i=0
while [ "$(whois_raw '!gAS65536\n')" = "D" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
ms=$((($(date +%s%N) - start) / 1000000))
check "a VRP added at the cache is in force in whois ($ms ms after the file changed)" \
	test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"
check "logged as a delta" grep -q "RPKI: 3 VRPs in force from the RPKI cache .* (1 added, 0 withdrawn, applied in " "$WORK/irrd.log"

# The cache goes away: the set stays in force.
kill -KILL $STAYRTR
wait $STAYRTR 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/\b$STAYRTR\b//")
sleep 2
check "with the cache gone, the set stays in force" test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"
stop_irrd "after the RTR whois tests" "$WORK/irrd.log"

write_config "$WORK/both.conf" "$WORK/irr.db" JPIRR "rpki.rtr_cache = 127.0.0.1:1" "rpki.vrp_file = x.json"
"$BIN/irrd" -c "$WORK/both.conf" >"$WORK/out" 2>&1
check "rpki.vrp_file and rpki.rtr_cache together are refused" grep -q 'rpki.rtr_cache: rpki.vrp_file is set too' "$WORK/out"
